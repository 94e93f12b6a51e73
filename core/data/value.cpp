#include "data/value.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QVarLengthArray>

#include <charconv>
#include <cmath>
#include <limits>

namespace dspy {

namespace {

const Value& nullValue()
{
    static const Value v;
    return v;
}

const Array& emptyArray()
{
    static const Array a;
    return a;
}

const Object& emptyObject()
{
    static const Object o;
    return o;
}

const QString& emptyString()
{
    static const QString s;
    return s;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Object

Object::Object(std::initializer_list<Entry> entries)
{
    m_entries.reserve(qsizetype(entries.size()));
    for (const Entry& e : entries)
        insert(e.first, e.second);
}

qsizetype Object::indexOf(QStringView key) const
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].first == key)
            return i;
    }
    return -1;
}

const Value& Object::value(QStringView key) const
{
    const qsizetype i = indexOf(key);
    return i < 0 ? nullValue() : m_entries[i].second;
}

void Object::insert(const QString& key, Value v)
{
    const qsizetype i = indexOf(key);
    if (i < 0)
        m_entries.append({key, std::move(v)});
    else
        m_entries[i].second = std::move(v);
}

Value& Object::operator[](const QString& key)
{
    qsizetype i = indexOf(key);
    if (i < 0) {
        m_entries.append({key, Value()});
        i = m_entries.size() - 1;
    }
    return m_entries[i].second;
}

bool Object::remove(QStringView key)
{
    const qsizetype i = indexOf(key);
    if (i < 0)
        return false;
    m_entries.removeAt(i);
    return true;
}

QStringList Object::keys() const
{
    QStringList out;
    out.reserve(m_entries.size());
    for (const Entry& e : m_entries)
        out.append(e.first);
    return out;
}

bool Object::operator==(const Object& other) const
{
    if (m_entries.size() != other.m_entries.size())
        return false;
    for (const Entry& e : m_entries) {
        const qsizetype j = other.indexOf(e.first);
        if (j < 0 || !(other.m_entries[j].second == e.second))
            return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Value

Value::Value(bool b)
    : m_type(Type::Bool)
    , m_bool(b)
{}
Value::Value(int i)
    : m_type(Type::Int)
    , m_int(i)
{}
Value::Value(qint64 i)
    : m_type(Type::Int)
    , m_int(i)
{}
Value::Value(double d)
    : m_type(Type::Float)
    , m_double(d)
{}
Value::Value(const char* s)
    : m_type(Type::String)
    , m_string(QString::fromUtf8(s))
{}
Value::Value(const QString& s)
    : m_type(Type::String)
    , m_string(s)
{}
Value::Value(QString&& s)
    : m_type(Type::String)
    , m_string(std::move(s))
{}
Value::Value(Array a)
    : m_type(Type::Array)
    , m_array(QSharedPointer<Array>::create(std::move(a)))
{}
Value::Value(Object o)
    : m_type(Type::Object)
    , m_object(QSharedPointer<Object>::create(std::move(o)))
{}

qint64 Value::toInt() const
{
    switch (m_type) {
    case Type::Int:
        return m_int;
    case Type::Float:
        if (std::isfinite(m_double) && std::abs(m_double) < 9.2e18)
            return qint64(m_double);
        return 0;
    case Type::Bool:
        return m_bool ? 1 : 0;
    default:
        return 0;
    }
}

double Value::toDouble() const
{
    switch (m_type) {
    case Type::Int:
        return double(m_int);
    case Type::Float:
        return m_double;
    case Type::Bool:
        return m_bool ? 1.0 : 0.0;
    default:
        return 0.0;
    }
}

const QString& Value::toString() const
{
    return m_type == Type::String ? m_string : emptyString();
}

const Array& Value::toArray() const
{
    return m_type == Type::Array ? *m_array : emptyArray();
}

const Object& Value::toObject() const
{
    return m_type == Type::Object ? *m_object : emptyObject();
}

bool Value::truthy() const
{
    switch (m_type) {
    case Type::Null:
        return false;
    case Type::Bool:
        return m_bool;
    case Type::Int:
        return m_int != 0;
    case Type::Float:
        return m_double != 0.0;
    case Type::String:
        return !m_string.isEmpty();
    case Type::Array:
        return !m_array->isEmpty();
    case Type::Object:
        return !m_object->isEmpty();
    }
    return false;
}

bool Value::operator==(const Value& other) const
{
    // Python: True == 1 == 1.0, None only equals None, str only equals str.
    const bool numLike = m_type == Type::Bool || isNumber();
    const bool otherNumLike = other.m_type == Type::Bool || other.isNumber();
    if (numLike && otherNumLike) {
        if (m_type != Type::Float && other.m_type != Type::Float)
            return toInt() == other.toInt();
        return toDouble() == other.toDouble();
    }
    if (m_type != other.m_type)
        return false;
    switch (m_type) {
    case Type::Null:
        return true;
    case Type::String:
        return m_string == other.m_string;
    case Type::Array:
        return m_array == other.m_array || *m_array == *other.m_array;
    case Type::Object:
        return m_object == other.m_object || *m_object == *other.m_object;
    default:
        return false;
    }
}

// ---------------------------------------------------------------------------------------------
// Python-style rendering

QString pythonFloatRepr(double d)
{
    if (std::isnan(d))
        return QStringLiteral("nan");
    if (std::isinf(d))
        return d > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    // Shortest round-trip digits, then lay them out as CPython's float_repr_style "short" does:
    // fixed notation when -4 <= exponent < 16, scientific otherwise, ".0" added to integers.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string s(buf, res.ptr);
    bool negative = false;
    if (!s.empty() && s[0] == '-') {
        negative = true;
        s.erase(0, 1);
    }
    const auto ePos = s.find('e');
    std::string mantissa = s.substr(0, ePos);
    const int exp10 = std::stoi(s.substr(ePos + 1));
    std::string digits;
    for (char c : mantissa) {
        if (c != '.')
            digits.push_back(c);
    }
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    const int decpt = exp10 + 1;
    std::string out;
    if (decpt <= -4 || decpt > 16) {
        out = digits.substr(0, 1);
        if (digits.size() > 1)
            out += "." + digits.substr(1);
        char eb[16];
        std::snprintf(eb, sizeof eb, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
        out += eb;
    } else if (decpt <= 0) {
        out = "0." + std::string(size_t(-decpt), '0') + digits;
    } else if (size_t(decpt) < digits.size()) {
        out = digits.substr(0, size_t(decpt)) + "." + digits.substr(size_t(decpt));
    } else {
        out = digits + std::string(size_t(decpt) - digits.size(), '0') + ".0";
    }
    if (negative)
        out.insert(out.begin(), '-');
    return QString::fromLatin1(out.data(), qsizetype(out.size()));
}

namespace {

bool isPythonPrintable(char32_t c)
{
    if (c < 0x20 || c == 0x7f)
        return false;
    if (c < 0x7f)
        return true;
    if (c >= 0x80 && c < 0xa0)
        return false;
    if (c == 0xad) // soft hyphen is a format character
        return false;
    const QChar::Category cat = QChar::category(c);
    switch (cat) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return false;
    case QChar::Separator_Space:
        return c == 0x20;
    default:
        return true;
    }
}

void appendHex(QString& out, char32_t c, int width)
{
    out += QString::number(uint(c), 16).rightJustified(width, QLatin1Char('0'));
}

void appendJsonString(QString& out, const QString& s, bool ensureAscii)
{
    // Runs of characters that need no escape are appended in one piece: per-character appends
    // were a quarter of an LM request's client CPU (callgrind, bench_http b2).
    static const char16_t hex[] = u"0123456789abcdef";
    const QChar* p = s.constData();
    const qsizetype n = s.size();
    out += QLatin1Char('"');
    qsizetype run = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = p[i].unicode();
        if (c >= 0x20 && c != u'"' && c != u'\\' && !(ensureAscii && c > 0x7e))
            continue;
        if (i > run)
            out.append(p + run, i - run);
        run = i + 1;
        switch (c) {
        case u'"':
            out += QLatin1String("\\\"");
            continue;
        case u'\\':
            out += QLatin1String("\\\\");
            continue;
        case u'\n':
            out += QLatin1String("\\n");
            continue;
        case u'\r':
            out += QLatin1String("\\r");
            continue;
        case u'\t':
            out += QLatin1String("\\t");
            continue;
        case u'\b':
            out += QLatin1String("\\b");
            continue;
        case u'\f':
            out += QLatin1String("\\f");
            continue;
        default:
            break;
        }
        const char16_t escape[6] = {
            u'\\',       u'u', hex[(c >> 12) & 0xf], hex[(c >> 8) & 0xf], hex[(c >> 4) & 0xf],
            hex[c & 0xf]};
        out.append(reinterpret_cast<const QChar*>(escape), 6);
    }
    if (n > run)
        out.append(p + run, n - run);
    out += QLatin1Char('"');
}

void appendJson(QString& out, const Value& v, const JsonStyle& style, int level)
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
        if (std::isnan(d))
            out += QLatin1String("NaN");
        else if (std::isinf(d))
            out += d > 0 ? QLatin1String("Infinity") : QLatin1String("-Infinity");
        else
            out += pythonFloatRepr(d);
        return;
    }
    case Value::Type::String:
        appendJsonString(out, v.toString(), style.ensureAscii);
        return;
    case Value::Type::Array:
    case Value::Type::Object:
        break;
    }

    const bool isArray = v.isArray();
    const qsizetype n = isArray ? v.toArray().size() : v.toObject().size();
    out += isArray ? QLatin1Char('[') : QLatin1Char('{');
    if (n == 0) {
        out += isArray ? QLatin1Char(']') : QLatin1Char('}');
        return;
    }
    const bool pretty = style.indent >= 0;
    const QString innerIndent =
        pretty ? QString(style.indent * (level + 1), QLatin1Char(' ')) : QString();
    const QLatin1String itemSep = pretty ? QLatin1String(",") : QLatin1String(", ");

    auto newlineIndent = [&]() {
        if (pretty) {
            out += QLatin1Char('\n');
            out += innerIndent;
        }
    };

    if (isArray) {
        bool first = true;
        for (const Value& item : v.toArray()) {
            if (!first)
                out += itemSep;
            first = false;
            newlineIndent();
            appendJson(out, item, style, level + 1);
        }
    } else {
        bool first = true;
        const auto entry = [&](const Object::Entry& e) {
            if (!first)
                out += itemSep;
            first = false;
            newlineIndent();
            appendJsonString(out, e.first, style.ensureAscii);
            out += QLatin1String(": ");
            appendJson(out, e.second, style, level + 1);
        };
        if (style.sortKeys) {
            QVarLengthArray<const Object::Entry*, 16> entries;
            for (const Object::Entry& e : v.toObject())
                entries.append(&e);
            std::stable_sort(
                entries.begin(), entries.end(),
                [](const Object::Entry* a, const Object::Entry* b) { return a->first < b->first; });
            for (const Object::Entry* e : entries)
                entry(*e);
        } else {
            for (const Object::Entry& e : v.toObject()) // insertion order: no list to build
                entry(e);
        }
    }
    if (pretty) {
        out += QLatin1Char('\n');
        out += QString(style.indent * level, QLatin1Char(' '));
    }
    out += isArray ? QLatin1Char(']') : QLatin1Char('}');
}

void appendRepr(QString& out, const Value& v, bool topLevelStr);

void appendReprContainer(QString& out, const Value& v)
{
    if (v.isArray()) {
        out += QLatin1Char('[');
        bool first = true;
        for (const Value& item : v.toArray()) {
            if (!first)
                out += QLatin1String(", ");
            first = false;
            appendRepr(out, item, false);
        }
        out += QLatin1Char(']');
        return;
    }
    out += QLatin1Char('{');
    bool first = true;
    for (const Object::Entry& e : v.toObject()) {
        if (!first)
            out += QLatin1String(", ");
        first = false;
        out += pythonStrRepr(e.first);
        out += QLatin1String(": ");
        appendRepr(out, e.second, false);
    }
    out += QLatin1Char('}');
}

// topLevelStr: str() of a bare string is the string itself; inside containers repr() is used.
void appendRepr(QString& out, const Value& v, bool topLevelStr)
{
    switch (v.type()) {
    case Value::Type::Null:
        out += QLatin1String("None");
        return;
    case Value::Type::Bool:
        out += v.toBool() ? QLatin1String("True") : QLatin1String("False");
        return;
    case Value::Type::Int:
        out += QString::number(v.toInt());
        return;
    case Value::Type::Float:
        out += pythonFloatRepr(v.toDouble());
        return;
    case Value::Type::String:
        out += topLevelStr ? v.toString() : pythonStrRepr(v.toString());
        return;
    case Value::Type::Array:
    case Value::Type::Object:
        appendReprContainer(out, v);
        return;
    }
}

} // namespace

QString pythonStrRepr(const QString& s)
{
    const bool hasSingle = s.contains(QLatin1Char('\''));
    const bool hasDouble = s.contains(QLatin1Char('"'));
    const QChar quote = (hasSingle && !hasDouble) ? QLatin1Char('"') : QLatin1Char('\'');
    QString out;
    out.reserve(s.size() + 2);
    out += quote;
    const QList<uint> ucs4 = s.toUcs4();
    for (uint u : ucs4) {
        const char32_t c = u;
        if (c == U'\\') {
            out += QLatin1String("\\\\");
        } else if (c == quote.unicode()) {
            out += QLatin1Char('\\');
            out += quote;
        } else if (c == U'\n') {
            out += QLatin1String("\\n");
        } else if (c == U'\r') {
            out += QLatin1String("\\r");
        } else if (c == U'\t') {
            out += QLatin1String("\\t");
        } else if (!isPythonPrintable(c)) {
            if (c < 0x100) {
                out += QLatin1String("\\x");
                appendHex(out, c, 2);
            } else if (c < 0x10000) {
                out += QLatin1String("\\u");
                appendHex(out, c, 4);
            } else {
                out += QLatin1String("\\U");
                appendHex(out, c, 8);
            }
        } else {
            out += QString::fromUcs4(&c, 1);
        }
    }
    out += quote;
    return out;
}

QString Value::toJson(JsonStyle style) const
{
    QString out;
    appendJson(out, *this, style, 0);
    return out;
}

QString Value::toPythonStr() const
{
    QString out;
    appendRepr(out, *this, true);
    return out;
}

QString Value::toPythonRepr() const
{
    QString out;
    appendRepr(out, *this, false);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Strict JSON reader

namespace {

class JsonReader
{
public:
    explicit JsonReader(QStringView text)
        : m_text(text)
    {}

    std::optional<Value> parseDocument()
    {
        skipWs();
        std::optional<Value> v = parseValue(0);
        if (!v)
            return std::nullopt;
        skipWs();
        if (m_pos != m_text.size())
            return fail(QStringLiteral("Extra data"));
        return v;
    }

    QString error;
    qsizetype errorOffset = -1;

private:
    static constexpr int kMaxDepth = 1000;

    std::nullopt_t fail(const QString& message)
    {
        if (error.isEmpty()) {
            error = message;
            errorOffset = m_pos;
        }
        return std::nullopt;
    }

    void skipWs()
    {
        while (m_pos < m_text.size()) {
            const char16_t c = m_text[m_pos].unicode();
            if (c != u' ' && c != u'\t' && c != u'\n' && c != u'\r')
                break;
            ++m_pos;
        }
    }

    bool consumeWord(QLatin1String word)
    {
        if (m_text.mid(m_pos).startsWith(word)) {
            m_pos += word.size();
            return true;
        }
        return false;
    }

    std::optional<Value> parseValue(int depth)
    {
        if (depth > kMaxDepth)
            return fail(QStringLiteral("Nesting too deep"));
        if (m_pos >= m_text.size())
            return fail(QStringLiteral("Expecting value"));
        const char16_t c = m_text[m_pos].unicode();
        switch (c) {
        case u'{':
            return parseObject(depth);
        case u'[':
            return parseArray(depth);
        case u'"': {
            std::optional<QString> s = parseString();
            if (!s)
                return std::nullopt;
            return Value(std::move(*s));
        }
        case u't':
            if (consumeWord(QLatin1String("true")))
                return Value(true);
            break;
        case u'f':
            if (consumeWord(QLatin1String("false")))
                return Value(false);
            break;
        case u'n':
            if (consumeWord(QLatin1String("null")))
                return Value();
            break;
        case u'N':
            if (consumeWord(QLatin1String("NaN")))
                return Value(std::numeric_limits<double>::quiet_NaN());
            break;
        case u'I':
            if (consumeWord(QLatin1String("Infinity")))
                return Value(std::numeric_limits<double>::infinity());
            break;
        default:
            if (c == u'-' || (c >= u'0' && c <= u'9'))
                return parseNumber();
            break;
        }
        return fail(QStringLiteral("Expecting value"));
    }

    std::optional<Value> parseNumber()
    {
        const qsizetype start = m_pos;
        if (m_text[m_pos] == u'-') {
            ++m_pos;
            if (consumeWord(QLatin1String("Infinity")))
                return Value(-std::numeric_limits<double>::infinity());
        }
        auto digit = [&](qsizetype i) {
            return i < m_text.size() && m_text[i] >= u'0' && m_text[i] <= u'9';
        };
        if (!digit(m_pos))
            return fail(QStringLiteral("Expecting value"));
        if (m_text[m_pos] == u'0') {
            ++m_pos;
        } else {
            while (digit(m_pos))
                ++m_pos;
        }
        bool isFloat = false;
        if (m_pos < m_text.size() && m_text[m_pos] == u'.' && digit(m_pos + 1)) {
            isFloat = true;
            ++m_pos;
            while (digit(m_pos))
                ++m_pos;
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == u'e' || m_text[m_pos] == u'E')) {
            qsizetype p = m_pos + 1;
            if (p < m_text.size() && (m_text[p] == u'+' || m_text[p] == u'-'))
                ++p;
            if (digit(p)) {
                isFloat = true;
                m_pos = p;
                while (digit(m_pos))
                    ++m_pos;
            }
        }
        const QByteArray num = m_text.mid(start, m_pos - start).toLatin1();
        if (!isFloat) {
            qint64 i = 0;
            auto [ptr, ec] = std::from_chars(num.constData(), num.constData() + num.size(), i);
            if (ec == std::errc() && ptr == num.constData() + num.size())
                return Value(i);
            // Beyond 64 bits: Python would keep an exact int; a double is the closest we carry.
        }
        double d = 0;
        auto [ptr, ec] = std::from_chars(num.constData(), num.constData() + num.size(), d);
        if (ec == std::errc::result_out_of_range)
            d = num.startsWith('-') ? -std::numeric_limits<double>::infinity()
                                    : std::numeric_limits<double>::infinity();
        else if (ec != std::errc())
            return fail(QStringLiteral("Invalid number"));
        (void)ptr;
        return Value(d);
    }

    std::optional<QString> parseString()
    {
        ++m_pos; // opening quote
        QString out;
        while (true) {
            if (m_pos >= m_text.size()) {
                fail(QStringLiteral("Unterminated string starting at"));
                return std::nullopt;
            }
            const QChar ch = m_text[m_pos];
            const char16_t c = ch.unicode();
            if (c == u'"') {
                ++m_pos;
                return out;
            }
            if (c < 0x20) {
                fail(QStringLiteral("Invalid control character at"));
                return std::nullopt;
            }
            if (c != u'\\') {
                // The run up to the next quote, backslash or control character in one piece.
                const qsizetype from = m_pos;
                const QChar* t = m_text.data();
                qsizetype end = m_pos + 1;
                while (end < m_text.size()) {
                    const char16_t d = t[end].unicode();
                    if (d == u'"' || d == u'\\' || d < 0x20)
                        break;
                    ++end;
                }
                out.append(t + from, end - from);
                m_pos = end;
                continue;
            }
            ++m_pos;
            if (m_pos >= m_text.size()) {
                fail(QStringLiteral("Unterminated string starting at"));
                return std::nullopt;
            }
            const char16_t e = m_text[m_pos].unicode();
            ++m_pos;
            switch (e) {
            case u'"':
                out += QLatin1Char('"');
                break;
            case u'\\':
                out += QLatin1Char('\\');
                break;
            case u'/':
                out += QLatin1Char('/');
                break;
            case u'b':
                out += QLatin1Char('\b');
                break;
            case u'f':
                out += QLatin1Char('\f');
                break;
            case u'n':
                out += QLatin1Char('\n');
                break;
            case u'r':
                out += QLatin1Char('\r');
                break;
            case u't':
                out += QLatin1Char('\t');
                break;
            case u'u': {
                if (m_pos + 4 > m_text.size()) {
                    fail(QStringLiteral("Invalid \\uXXXX escape"));
                    return std::nullopt;
                }
                bool ok = false;
                const uint code = m_text.mid(m_pos, 4).toUInt(&ok, 16);
                if (!ok) {
                    fail(QStringLiteral("Invalid \\uXXXX escape"));
                    return std::nullopt;
                }
                m_pos += 4;
                out += QChar(char16_t(code));
                break;
            }
            default:
                --m_pos;
                fail(QStringLiteral("Invalid \\escape"));
                return std::nullopt;
            }
        }
    }

    std::optional<Value> parseArray(int depth)
    {
        ++m_pos;
        Array items;
        skipWs();
        if (m_pos < m_text.size() && m_text[m_pos] == u']') {
            ++m_pos;
            return Value(std::move(items));
        }
        while (true) {
            skipWs();
            std::optional<Value> item = parseValue(depth + 1);
            if (!item)
                return std::nullopt;
            items.append(std::move(*item));
            skipWs();
            if (m_pos < m_text.size() && m_text[m_pos] == u',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == u']') {
                ++m_pos;
                return Value(std::move(items));
            }
            return fail(QStringLiteral("Expecting ',' delimiter"));
        }
    }

    std::optional<Value> parseObject(int depth)
    {
        ++m_pos;
        Object obj;
        skipWs();
        if (m_pos < m_text.size() && m_text[m_pos] == u'}') {
            ++m_pos;
            return Value(std::move(obj));
        }
        while (true) {
            skipWs();
            if (m_pos >= m_text.size() || m_text[m_pos] != u'"')
                return fail(QStringLiteral("Expecting property name enclosed in double quotes"));
            std::optional<QString> key = parseString();
            if (!key)
                return std::nullopt;
            skipWs();
            if (m_pos >= m_text.size() || m_text[m_pos] != u':')
                return fail(QStringLiteral("Expecting ':' delimiter"));
            ++m_pos;
            skipWs();
            std::optional<Value> v = parseValue(depth + 1);
            if (!v)
                return std::nullopt;
            obj.insert(*key, std::move(*v));
            skipWs();
            if (m_pos < m_text.size() && m_text[m_pos] == u',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == u'}') {
                ++m_pos;
                return Value(std::move(obj));
            }
            return fail(QStringLiteral("Expecting ',' delimiter"));
        }
    }

    QStringView m_text;
    qsizetype m_pos = 0;
};

} // namespace

std::optional<Value> Value::fromJson(QStringView text, QString* error, qsizetype* errorOffset)
{
    JsonReader reader(text);
    std::optional<Value> v = reader.parseDocument();
    if (!v) {
        if (error)
            *error = reader.error;
        if (errorOffset)
            *errorOffset = reader.errorOffset;
    }
    return v;
}

QJsonValue Value::toQJsonValue() const
{
    switch (m_type) {
    case Type::Null:
        return QJsonValue(QJsonValue::Null);
    case Type::Bool:
        return QJsonValue(m_bool);
    case Type::Int:
        return QJsonValue(m_int);
    case Type::Float:
        return QJsonValue(m_double);
    case Type::String:
        return QJsonValue(m_string);
    case Type::Array: {
        QJsonArray a;
        for (const Value& v : *m_array)
            a.append(v.toQJsonValue());
        return a;
    }
    case Type::Object: {
        QJsonObject o;
        for (const Object::Entry& e : *m_object)
            o.insert(e.first, e.second.toQJsonValue());
        return o;
    }
    }
    return {};
}

Value Value::fromQJsonValue(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return Value();
    case QJsonValue::Bool:
        return Value(v.toBool());
    case QJsonValue::Double: {
        // QJsonValue keeps integers distinct internally; toVariant() tells which one it holds.
        const QVariant var = v.toVariant();
        if (var.typeId() == QMetaType::LongLong || var.typeId() == QMetaType::Int)
            return Value(var.toLongLong());
        return Value(v.toDouble());
    }
    case QJsonValue::String:
        return Value(v.toString());
    case QJsonValue::Array: {
        Array a;
        for (const QJsonValue& item : v.toArray())
            a.append(fromQJsonValue(item));
        return Value(std::move(a));
    }
    case QJsonValue::Object: {
        Object o;
        const QJsonObject obj = v.toObject();
        for (auto it = obj.begin(); it != obj.end(); ++it)
            o.insert(it.key(), fromQJsonValue(it.value()));
        return Value(std::move(o));
    }
    }
    return Value();
}

} // namespace dspy
