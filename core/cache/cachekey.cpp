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

void appendUtf8(QByteArray& out, char32_t c)
{
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

// Written straight to UTF-8: the key is hashed on every LM call, so no intermediate QString.
void appendString(QByteArray& out, QStringView s)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    const char16_t* p = s.utf16();
    const qsizetype n = s.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = p[i];
        switch (c) {
        case u'"':
            out += "\\\"";
            continue;
        case u'\\':
            out += "\\\\";
            continue;
        case u'\n':
            out += "\\n";
            continue;
        case u'\r':
            out += "\\r";
            continue;
        case u'\t':
            out += "\\t";
            continue;
        case u'\b':
            out += "\\b";
            continue;
        case u'\f':
            out += "\\f";
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else if (c < 0x80) {
            out += char(c);
        } else if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(p[i + 1])) {
            appendUtf8(out, QChar::surrogateToUcs4(c, p[i + 1]));
            ++i;
        } else if (QChar::isSurrogate(c)) {
            appendUtf8(out, 0xFFFD); // a lone surrogate has no UTF-8 form
        } else {
            appendUtf8(out, c);
        }
    }
    out += '"';
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

void sortEntries(QList<const Object::Entry*>& entries, bool codePointOrder)
{
    if (codePointOrder) {
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto* a, const auto* b) { return utf8Less(a->first, b->first); });
    } else {
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto* a, const auto* b) { return a->first < b->first; });
    }
}

void appendCanonical(QByteArray& out, const Value& v)
{
    switch (v.type()) {
    case Value::Type::Null:
        out += "null";
        return;
    case Value::Type::Bool:
        out += v.toBool() ? "true" : "false";
        return;
    case Value::Type::Int:
        out += QByteArray::number(v.toInt());
        return;
    case Value::Type::Float: {
        const double d = v.toDouble();
        if (!std::isfinite(d))
            out += "null";
        else
            out += pythonFloatRepr(d).toLatin1();
        return;
    }
    case Value::Type::String:
        appendString(out, v.toString());
        return;
    case Value::Type::Array: {
        out += '[';
        bool first = true;
        for (const Value& item : v.toArray()) {
            if (!first)
                out += ',';
            first = false;
            appendCanonical(out, item);
        }
        out += ']';
        return;
    }
    case Value::Type::Object: {
        QList<const Object::Entry*> entries;
        entries.reserve(v.toObject().size());
        bool codePointOrder = false;
        for (const Object::Entry& e : v.toObject()) {
            codePointOrder = codePointOrder || needsCodePointOrder(e.first);
            entries.append(&e);
        }
        sortEntries(entries, codePointOrder);
        out += '{';
        bool first = true;
        for (const Object::Entry* e : entries) {
            if (!first)
                out += ',';
            first = false;
            appendString(out, e->first);
            out += ':';
            appendCanonical(out, e->second);
        }
        out += '}';
        return;
    }
    }
}

void appendMessages(QByteArray& out, const QList<ChatMessage>& messages)
{
    // {"role", "content"} with keys sorted: content first.
    out += '[';
    bool first = true;
    for (const ChatMessage& m : messages) {
        if (!first)
            out += ',';
        first = false;
        out += "{\"content\":";
        appendString(out, m.content);
        out += ",\"role\":";
        appendString(out, m.role);
        out += '}';
    }
    out += ']';
}

QByteArray canonicalRequestUtf8(const LMRequest& request, QStringView fnIdentifier)
{
    // The request's top level: kwargs plus model, messages and _fn_identifier, credentials out.
    static const Object::Entry fnKey{QStringLiteral("_fn_identifier"), Value()};
    static const Object::Entry messagesKey{QStringLiteral("messages"), Value()};
    static const Object::Entry modelKey{QStringLiteral("model"), Value()};
    QList<const Object::Entry*> entries{&fnKey, &messagesKey, &modelKey};
    bool codePointOrder = false;
    for (const Object::Entry& e : request.kwargs) {
        // model/messages in kwargs would be a caller bug; the request's own fields win.
        if (isIgnoredKey(e.first) || e.first == u"model" || e.first == u"messages" ||
            e.first == u"_fn_identifier")
            continue;
        codePointOrder = codePointOrder || needsCodePointOrder(e.first);
        entries.append(&e);
    }
    sortEntries(entries, codePointOrder);
    QByteArray out;
    qsizetype estimate = 256;
    for (const ChatMessage& m : request.messages)
        estimate += m.content.size() + 32;
    out.reserve(estimate);
    out += '{';
    bool first = true;
    for (const Object::Entry* e : entries) {
        if (!first)
            out += ',';
        first = false;
        appendString(out, e->first);
        out += ':';
        if (e == &fnKey)
            appendString(out, fnIdentifier);
        else if (e == &messagesKey)
            appendMessages(out, request.messages);
        else if (e == &modelKey)
            appendString(out, request.model);
        else
            appendCanonical(out, e->second);
    }
    out += '}';
    return out;
}

} // namespace

QString canonicalJson(const Value& value)
{
    QByteArray out;
    appendCanonical(out, value);
    return QString::fromUtf8(out);
}

QString canonicalRequestJson(const LMRequest& request, QStringView fnIdentifier)
{
    return QString::fromUtf8(canonicalRequestUtf8(request, fnIdentifier));
}

QByteArray cacheKey(const LMRequest& request, QStringView fnIdentifier)
{
    return QCryptographicHash::hash(canonicalRequestUtf8(request, fnIdentifier),
                                    QCryptographicHash::Sha256)
        .toHex();
}

} // namespace dspy
