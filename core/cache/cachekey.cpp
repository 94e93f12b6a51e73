#include "cache/cachekey.h"

#include <QCryptographicHash>

#include <algorithm>
#include <cmath>

namespace dspy {

namespace {

// Credentials and endpoints never reach the key: the same request against another key or host
// is the same request.
bool isIgnoredKey(QStringView key)
{
    return key == u"api_key" || key == u"api_base" || key == u"base_url";
}

void appendString(QString& out, const QString& s)
{
    out += QLatin1Char('"');
    for (const QChar ch : s) {
        const char16_t c = ch.unicode();
        switch (c) {
        case u'"':
            out += QLatin1String("\\\"");
            break;
        case u'\\':
            out += QLatin1String("\\\\");
            break;
        case u'\n':
            out += QLatin1String("\\n");
            break;
        case u'\r':
            out += QLatin1String("\\r");
            break;
        case u'\t':
            out += QLatin1String("\\t");
            break;
        case u'\b':
            out += QLatin1String("\\b");
            break;
        case u'\f':
            out += QLatin1String("\\f");
            break;
        default:
            if (c < 0x20) {
                out += QLatin1String("\\u");
                out += QString::number(uint(c), 16).rightJustified(4, QLatin1Char('0'));
            } else {
                out += ch;
            }
        }
    }
    out += QLatin1Char('"');
}

// orjson orders keys by their UTF-8 bytes; UTF-16 order differs only once surrogates meet
// U+E000..U+FFFF, so compare code points.
bool utf8Less(const QString& a, const QString& b)
{
    const QList<uint> ua = a.toUcs4();
    const QList<uint> ub = b.toUcs4();
    return std::lexicographical_compare(ua.cbegin(), ua.cend(), ub.cbegin(), ub.cend());
}

bool needsCodePointOrder(const QString& s)
{
    return std::any_of(s.cbegin(), s.cend(), [](QChar c) { return c.isSurrogate(); });
}

void appendCanonical(QString& out, const Value& v, bool topLevel)
{
    switch (v.type()) {
    case Value::Type::Null:
        out += QLatin1String("null");
        return;
    case Value::Type::Bool:
        out += v.toBool() ? QLatin1String("true") : QLatin1String("false");
        return;
    case Value::Type::Int:
        out += QString::number(v.toInt());
        return;
    case Value::Type::Float: {
        const double d = v.toDouble();
        if (!std::isfinite(d))
            out += QLatin1String("null");
        else
            out += pythonFloatRepr(d);
        return;
    }
    case Value::Type::String:
        appendString(out, v.toString());
        return;
    case Value::Type::Array: {
        out += QLatin1Char('[');
        bool first = true;
        for (const Value& item : v.toArray()) {
            if (!first)
                out += QLatin1Char(',');
            first = false;
            appendCanonical(out, item, false);
        }
        out += QLatin1Char(']');
        return;
    }
    case Value::Type::Object: {
        QList<const Object::Entry*> entries;
        entries.reserve(v.toObject().size());
        bool codePointOrder = false;
        for (const Object::Entry& e : v.toObject()) {
            if (topLevel && isIgnoredKey(e.first))
                continue;
            codePointOrder = codePointOrder || needsCodePointOrder(e.first);
            entries.append(&e);
        }
        if (codePointOrder) {
            std::stable_sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) {
                return utf8Less(a->first, b->first);
            });
        } else {
            std::stable_sort(entries.begin(), entries.end(),
                             [](const auto* a, const auto* b) { return a->first < b->first; });
        }
        out += QLatin1Char('{');
        bool first = true;
        for (const Object::Entry* e : entries) {
            if (!first)
                out += QLatin1Char(',');
            first = false;
            appendString(out, e->first);
            out += QLatin1Char(':');
            appendCanonical(out, e->second, false);
        }
        out += QLatin1Char('}');
        return;
    }
    }
}

} // namespace

QString canonicalJson(const Value& value)
{
    QString out;
    appendCanonical(out, value, false);
    return out;
}

QString canonicalRequestJson(const LMRequest& request, QStringView fnIdentifier)
{
    Object o;
    o.insert(QStringLiteral("model"), Value(request.model));
    o.insert(QStringLiteral("messages"), Value(messagesToValue(request.messages)));
    for (const auto& [key, value] : request.kwargs) {
        // model/messages in kwargs would be a caller bug; the request's own fields win.
        if (key == u"model" || key == u"messages")
            continue;
        o.insert(key, value);
    }
    o.insert(QStringLiteral("_fn_identifier"), Value(fnIdentifier.toString()));
    QString out;
    out.reserve(256);
    appendCanonical(out, Value(std::move(o)), true);
    return out;
}

QByteArray cacheKey(const LMRequest& request, QStringView fnIdentifier)
{
    const QByteArray utf8 = canonicalRequestJson(request, fnIdentifier).toUtf8();
    return QCryptographicHash::hash(utf8, QCryptographicHash::Sha256).toHex();
}

} // namespace dspy
