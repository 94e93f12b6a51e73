#include "cache/cachekey.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dspy {

namespace {

// Credentials and endpoints never reach the key: the same request against another key or host
// is the same request.
bool isIgnoredKey(QStringView key)
{
    return key == u"api_key" || key == u"api_base" || key == u"base_url";
}

char* writeUtf8(char* w, char32_t c)
{
    if (c < 0x800) {
        *w++ = char(0xC0 | (c >> 6));
        *w++ = char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *w++ = char(0xE0 | (c >> 12));
        *w++ = char(0x80 | ((c >> 6) & 0x3F));
        *w++ = char(0x80 | (c & 0x3F));
    } else {
        *w++ = char(0xF0 | (c >> 18));
        *w++ = char(0x80 | ((c >> 12) & 0x3F));
        *w++ = char(0x80 | ((c >> 6) & 0x3F));
        *w++ = char(0x80 | (c & 0x3F));
    }
    return w;
}

// Written straight to UTF-8 through a raw pointer into room reserved up front: the key is hashed
// on every LM call, and QByteArray::append per character was half of the key's cost (perf).
void appendString(QByteArray& out, QStringView s)
{
    static const char hex[] = "0123456789abcdef";
    const char16_t* p = s.utf16();
    const qsizetype n = s.size();
    const qsizetype start = out.size();
    // Worst case per UTF-16 unit: a \u00XX escape (6 bytes); plus the quotes.
    out.resize(start + 6 * n + 2);
    char* const base = out.data();
    char* w = base + start;
    *w++ = '"';
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = p[i];
        if (c >= 0x20 && c < 0x80 && c != u'"' && c != u'\\') {
            *w++ = char(c);
            continue;
        }
        switch (c) {
        case u'"':
            *w++ = '\\';
            *w++ = '"';
            continue;
        case u'\\':
            *w++ = '\\';
            *w++ = '\\';
            continue;
        case u'\n':
            *w++ = '\\';
            *w++ = 'n';
            continue;
        case u'\r':
            *w++ = '\\';
            *w++ = 'r';
            continue;
        case u'\t':
            *w++ = '\\';
            *w++ = 't';
            continue;
        case u'\b':
            *w++ = '\\';
            *w++ = 'b';
            continue;
        case u'\f':
            *w++ = '\\';
            *w++ = 'f';
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            std::memcpy(w, "\\u00", 4);
            w += 4;
            *w++ = hex[c >> 4];
            *w++ = hex[c & 0xF];
        } else if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(p[i + 1])) {
            w = writeUtf8(w, QChar::surrogateToUcs4(c, p[i + 1]));
            ++i;
        } else if (QChar::isSurrogate(c)) {
            w = writeUtf8(w, 0xFFFD); // a lone surrogate has no UTF-8 form
        } else {
            w = writeUtf8(w, c);
        }
    }
    *w++ = '"';
    out.resize(w - base);
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
    // OpenSSL rather than QCryptographicHash: Qt 6.4 hashes in portable C, OpenSSL uses the CPU's
    // SHA extensions (perf: most of the key's time was the digest).
    const QByteArray canonical = canonicalRequestUtf8(request, fnIdentifier);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(canonical.constData()), size_t(canonical.size()),
           digest);
    static const char hex[] = "0123456789abcdef";
    QByteArray out(2 * SHA256_DIGEST_LENGTH, Qt::Uninitialized);
    char* w = out.data();
    for (unsigned char b : digest) {
        *w++ = hex[b >> 4];
        *w++ = hex[b & 0xF];
    }
    return out;
}

} // namespace dspy
