#include "adapters/jsonrepair.h"

#include <QList>

#include <cmath>
#include <limits>

namespace dspy {

namespace {

// Python's str.isspace() also counts the ASCII separators 0x1c-0x1f, QChar::isSpace does not.
bool isSpace(int c)
{
    if (c < 0)
        return false;
    if (c >= 0x1c && c <= 0x1f)
        return true;
    return QChar(char16_t(c)).isSpace();
}
bool isAlpha(int c)
{
    return c >= 0 && QChar(char16_t(c)).isLetter();
}
bool isDigit(int c)
{
    return c >= 0 && QChar(char16_t(c)).isDigit();
}
bool isAlnum(int c)
{
    return c >= 0 && QChar(char16_t(c)).isLetterOrNumber();
}
int toLower(int c)
{
    return c < 0 ? c : QChar(char16_t(c)).toLower().unicode();
}

constexpr int kLeftCurly = 0x201C;  // “
constexpr int kRightCurly = 0x201D; // ”

bool isStringDelimiter(int c)
{
    return c == '"' || c == '\'' || c == kLeftCurly || c == kRightCurly;
}

bool isEmptyString(const Value& v)
{
    return v.isString() && v.toString().isEmpty();
}

QString rstripPython(QString s)
{
    qsizetype n = s.size();
    while (n > 0 && isSpace(s.at(n - 1).unicode()))
        --n;
    s.truncate(n);
    return s;
}

// json_repair's ObjectComparer.is_strictly_empty: "", [] or {}.
bool isStrictlyEmpty(const Value& v)
{
    return (v.isString() && v.toString().isEmpty()) || (v.isArray() && v.toArray().isEmpty()) ||
           (v.isObject() && v.toObject().isEmpty());
}

// json_repair's ObjectComparer.is_same_object: same types all the way down, same keys.
bool sameShape(const Value& a, const Value& b)
{
    if (a.type() != b.type())
        return false;
    if (a.isObject()) {
        const Object& oa = a.toObject();
        const Object& ob = b.toObject();
        if (oa.size() != ob.size())
            return false;
        for (const auto& [key, value] : oa) {
            if (!ob.contains(key) || !sameShape(value, ob.value(key)))
                return false;
        }
        return true;
    }
    if (a.isArray()) {
        const Array& la = a.toArray();
        const Array& lb = b.toArray();
        if (la.size() != lb.size())
            return false;
        for (qsizetype i = 0; i < la.size(); ++i) {
            if (!sameShape(la.at(i), lb.at(i)))
                return false;
        }
        return true;
    }
    return true;
}

// Python's int()/float() over the characters json_repair's number scanner accepts
// ("0123456789-.eE/,"); nullopt where Python raises ValueError.
std::optional<Value> pythonNumber(const QString& s)
{
    qsizetype i = 0;
    const qsizetype n = s.size();
    if (i < n && s.at(i) == u'-')
        ++i;
    const qsizetype intStart = i;
    while (i < n && s.at(i).isDigit())
        ++i;
    const qsizetype intDigits = i - intStart;
    const bool isFloat = s.contains(u'.') || s.contains(u'e') || s.contains(u'E');
    if (!isFloat) {
        if (intDigits == 0 || i != n)
            return std::nullopt;
        bool ok = false;
        const qint64 v = s.toLongLong(&ok);
        if (ok)
            return Value(v);
        // Python ints are unbounded; the nearest a Value can hold is a float.
        return Value(s.toDouble());
    }
    qsizetype fracDigits = 0;
    if (i < n && s.at(i) == u'.') {
        ++i;
        const qsizetype fracStart = i;
        while (i < n && s.at(i).isDigit())
            ++i;
        fracDigits = i - fracStart;
    }
    if (intDigits + fracDigits == 0)
        return std::nullopt;
    if (i < n && (s.at(i) == u'e' || s.at(i) == u'E')) {
        ++i;
        if (i < n && s.at(i) == u'-')
            ++i;
        const qsizetype expStart = i;
        while (i < n && s.at(i).isDigit())
            ++i;
        if (i == expStart)
            return std::nullopt;
    }
    if (i != n)
        return std::nullopt;
    return Value(s.toDouble());
}

// A port of json_repair's JSONParser (the parts that matter for LM output). The heuristics are
// kept in the same order as the Python library so that both repair the same text the same way.
class RepairParser
{
public:
    explicit RepairParser(QStringView text)
        : m_s(text.toString())
    {}

    Value parse()
    {
        Value json = parseJson();
        if (m_index < m_s.size()) {
            Array items{json};
            qsizetype lastIndex = m_index;
            while (m_index < m_s.size()) {
                Value j = parseJson();
                if (!isEmptyString(j) && !isStrictlyEmpty(j)) {
                    // A value shaped like the previous one is taken as an update of it, and an
                    // empty container before it was only a placeholder.
                    if (sameShape(items.last(), j) || isStrictlyEmpty(items.last()))
                        items.removeLast();
                    items.append(j);
                }
                if (m_index == lastIndex)
                    ++m_index;
                lastIndex = m_index;
            }
            if (items.size() == 1)
                return items.first();
            return Value(std::move(items));
        }
        return json;
    }

private:
    enum class Ctx { ObjectKey, ObjectValue, Array };

    // Deeper nesting than this is not LM output; json_repair would hit Python's recursion limit.
    static constexpr int kMaxDepth = 400;

    QString m_s;
    qsizetype m_index = 0;
    QList<Ctx> m_ctx;
    int m_depth = 0;

    // --- helpers mirroring the Python ones ------------------------------------------------------

    int at(qsizetype off = 0) const
    {
        qsizetype p = m_index + off;
        if (p < 0)
            p += m_s.size(); // Python's negative indexing
        if (p < 0 || p >= m_s.size())
            return -1;
        return m_s.at(p).unicode();
    }
    bool ctxEmpty() const { return m_ctx.isEmpty(); }
    bool ctxIs(Ctx c) const { return !m_ctx.isEmpty() && m_ctx.last() == c; }
    bool ctxHas(Ctx c) const { return m_ctx.contains(c); }
    void ctxSet(Ctx c) { m_ctx.append(c); }
    void ctxReset()
    {
        if (!m_ctx.isEmpty())
            m_ctx.removeLast();
    }

    void skipWhitespaces()
    {
        while (isSpace(at()))
            ++m_index;
    }
    qsizetype scrollWhitespaces(qsizetype idx) const
    {
        while (isSpace(at(idx)))
            ++idx;
        return idx;
    }
    // Offset of the next unescaped target character from m_index + idx, or the end.
    template <typename Pred> qsizetype skipToIf(qsizetype idx, Pred isTarget) const
    {
        qsizetype i = m_index + idx;
        const qsizetype n = m_s.size();
        int backslashes = 0;
        while (i < n) {
            const int ch = m_s.at(i).unicode();
            if (ch == '\\') {
                ++backslashes;
                ++i;
                continue;
            }
            if (isTarget(ch) && backslashes % 2 == 0)
                return i - m_index;
            backslashes = 0;
            ++i;
        }
        return n - m_index;
    }
    qsizetype skipTo(int target, qsizetype idx = 0) const
    {
        return skipToIf(idx, [target](int c) { return c == target; });
    }

    // --- grammar
    // ----------------------------------------------------------------------------------

    Value parseJson()
    {
        if (m_depth >= kMaxDepth) {
            m_index = m_s.size();
            return Value(QString());
        }
        ++m_depth;
        Value v = parseJsonInner();
        --m_depth;
        return v;
    }

    Value parseJsonInner()
    {
        while (true) {
            const int c = at();
            if (c < 0)
                return Value(QString());
            if (c == '{') {
                ++m_index;
                return parseObject();
            }
            if (c == '[') {
                ++m_index;
                return parseArray();
            }
            if (ctxIs(Ctx::ObjectValue) && c == '}')
                return Value(QString());
            if (!ctxEmpty() && (isStringDelimiter(c) || isAlpha(c)))
                return parseString();
            if (!ctxEmpty() && (isDigit(c) || c == '-' || c == '.'))
                return parseNumber();
            if (c == '#' || c == '/') {
                skipComment();
                if (ctxEmpty()) {
                    // At top level json_repair goes on looking for a value after the comment.
                    continue;
                }
                return Value(QString());
            }
            ++m_index;
        }
    }

    Value parseObject()
    {
        Object obj;
        while ((at() < 0 ? '}' : at()) != '}') {
            skipWhitespaces();
            if (at() == ':')
                ++m_index;
            ctxSet(Ctx::ObjectKey);
            qsizetype rollbackIndex = m_index;
            QString key;
            while (at() >= 0) {
                rollbackIndex = m_index;
                if (at() == '[' && key.isEmpty()) {
                    // A stray array right after an array value continues that array.
                    if (!obj.isEmpty() && obj.entries().last().second.isArray()) {
                        ++m_index;
                        Value newArray = parseArray();
                        Array merged = obj.entries().last().second.toArray();
                        const Array& extra = newArray.toArray();
                        if (extra.size() == 1 && extra.first().isArray())
                            merged.append(extra.first().toArray());
                        else
                            merged.append(extra);
                        obj.insert(obj.entries().last().first, Value(std::move(merged)));
                        skipWhitespaces();
                        if (at() == ',')
                            ++m_index;
                        skipWhitespaces();
                        continue;
                    }
                }
                const Value k = parseString();
                key = k.isString() ? k.toString() : k.toPythonStr();
                if (key.isEmpty())
                    skipWhitespaces();
                if (!key.isEmpty() || at() == ':' || at() == '}')
                    break;
            }
            if (ctxHas(Ctx::Array) && obj.contains(key)) {
                // A repeated key inside an array starts the next object: [{"a":1, "a":2}].
                m_index = rollbackIndex - 1;
                m_s.insert(m_index + 1, u'{');
                break; // json_repair leaves the key context pushed here; so do we
            }
            skipWhitespaces();
            if ((at() < 0 ? '}' : at()) == '}')
                continue; // a key without a value is dropped (and, as in json_repair, its context
                          // stays)
            skipWhitespaces();
            ++m_index; // the ':' (or whatever stands in for it)
            ctxReset();
            ctxSet(Ctx::ObjectValue);
            skipWhitespaces();
            Value value = Value(QString());
            if (at() != ',' && at() != '}')
                value = parseJson();
            ctxReset();
            obj.insert(key, std::move(value));
            if (at() == ',' || at() == '\'' || at() == '"')
                ++m_index;
            skipWhitespaces();
        }
        ++m_index;
        return Value(std::move(obj));
    }

    Value parseArray()
    {
        Array arr;
        ctxSet(Ctx::Array);
        int c = at();
        while (c >= 0 && c != ']' && c != '}') {
            skipWhitespaces();
            Value value;
            if (isStringDelimiter(c)) {
                // A quoted string followed by ':' is an object whose '{' went missing.
                qsizetype i = skipTo(c, 1);
                i = scrollWhitespaces(i + 1);
                value = at(i) == ':' ? parseObject() : parseString();
            } else {
                value = parseJson();
            }
            if (isEmptyString(value)) {
                ++m_index;
            } else if (value.isString() && value.toString() == QLatin1String("...") &&
                       at(-1) == '.') {
                // an ellipsis standing for "more items"
            } else {
                arr.append(std::move(value));
            }
            c = at();
            while (c >= 0 && c != ']' && (isSpace(c) || c == ',')) {
                ++m_index;
                c = at();
            }
        }
        ++m_index;
        ctxReset();
        return Value(std::move(arr));
    }

    std::optional<Value> parseBooleanOrNull()
    {
        int c = toLower(at());
        const char* word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        Value result = c == 't' ? Value(true) : c == 'f' ? Value(false) : Value();
        const qsizetype start = m_index;
        int i = 0;
        const int len = int(qstrlen(word));
        while (c >= 0 && i < len && c == word[i]) {
            ++i;
            ++m_index;
            c = toLower(at());
        }
        if (i == len)
            return result;
        m_index = start;
        return std::nullopt;
    }

    void skipComment()
    {
        const auto terminates = [this](int c) {
            if (c == '\n' || c == '\r')
                return true;
            if (c == ']' && ctxHas(Ctx::Array))
                return true;
            if (c == '}' && ctxHas(Ctx::ObjectValue))
                return true;
            if (c == ':' && ctxHas(Ctx::ObjectKey))
                return true;
            return false;
        };
        while (true) {
            int c = at();
            if (c == '#') {
                while (c >= 0 && !terminates(c)) {
                    ++m_index;
                    c = at();
                }
            } else if (c == '/') {
                const int next = at(1);
                if (next == '/') {
                    m_index += 2;
                    c = at();
                    while (c >= 0 && !terminates(c)) {
                        ++m_index;
                        c = at();
                    }
                } else if (next == '*') {
                    m_index += 2;
                    while (at() >= 0) {
                        if (at() == '*' && at(1) == '/') {
                            m_index += 2;
                            break;
                        }
                        ++m_index;
                    }
                } else {
                    ++m_index;
                }
            }
            if (ctxEmpty()) {
                skipWhitespaces();
                if (at() == '#' || at() == '/')
                    continue;
            }
            return;
        }
    }

    Value parseNumber()
    {
        QString numberStr;
        int c = at();
        const bool isArray = ctxIs(Ctx::Array);
        const auto numberChar = [](int ch) {
            return (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == 'e' || ch == 'E' ||
                   ch == '/' || ch == ',';
        };
        while (c >= 0 && numberChar(c) && (!isArray || c != ',')) {
            numberStr.append(QChar(char16_t(c)));
            ++m_index;
            c = at();
        }
        if (!numberStr.isEmpty() && QStringLiteral("-eE/,").contains(numberStr.back())) {
            numberStr.chop(1);
            --m_index;
        } else if (isAlpha(at())) {
            // digits running into letters: a bare word such as 3rd
            m_index -= numberStr.size();
            return parseString();
        }
        if (numberStr.contains(u','))
            return Value(numberStr);
        if (auto v = pythonNumber(numberStr))
            return *v;
        return Value(numberStr);
    }

    // json_repair's parse_json_llm_block: ```json ... ``` inside a value.
    std::optional<Value> parseJsonLlmBlock()
    {
        if (QStringView(m_s).mid(m_index, 7) == QLatin1String("```json")) {
            const qsizetype i = skipTo('`', 7);
            if (QStringView(m_s).mid(m_index + i, 3) == QLatin1String("```")) {
                m_index += 7;
                return parseJson();
            }
        }
        return std::nullopt;
    }

    Value parseString();
};

Value RepairParser::parseString()
{
    bool missingQuotes = false;
    bool doubledQuotes = false;
    int ldelim = '"';
    int rdelim = '"';

    int c = at();
    if (c == '#' || c == '/') {
        skipComment();
        return Value(QString());
    }
    while (c >= 0 && !isStringDelimiter(c) && !isAlnum(c)) {
        ++m_index;
        c = at();
    }
    if (c < 0)
        return Value(QString());

    if (c == '\'') {
        ldelim = rdelim = '\'';
    } else if (c == kLeftCurly) {
        ldelim = kLeftCurly;
        rdelim = kRightCurly;
    } else if (isAlnum(c)) {
        const int lc = toLower(c);
        if ((lc == 't' || lc == 'f' || lc == 'n') && !ctxIs(Ctx::ObjectKey)) {
            if (auto v = parseBooleanOrNull())
                return *v;
        }
        missingQuotes = true;
    }
    if (!missingQuotes)
        ++m_index;
    if (at() == '`') {
        if (auto block = parseJsonLlmBlock())
            return *block;
    }
    if (at() == ldelim) {
        if ((ctxIs(Ctx::ObjectKey) && at(1) == ':') ||
            (ctxIs(Ctx::ObjectValue) && (at(1) == ',' || at(1) == '}')) ||
            (ctxIs(Ctx::Array) && (at(1) == ',' || at(1) == ']'))) {
            ++m_index;
            return Value(QString());
        }
        if (at(1) == ldelim)
            return Value(QString());
        qsizetype i = skipTo(rdelim, 1);
        if (at(i + 1) == rdelim) {
            doubledQuotes = true;
            ++m_index;
        } else {
            i = scrollWhitespaces(1);
            const int nc = at(i);
            if (isStringDelimiter(nc) || nc == '{' || nc == '[') {
                ++m_index;
                return Value(QString());
            }
            if (nc != ',' && nc != ']' && nc != '}')
                ++m_index;
        }
    }

    QString acc;
    c = at();
    bool unmatchedDelimiter = false;
    const auto appendChar = [&] {
        acc.append(QChar(char16_t(c)));
        ++m_index;
        c = at();
    };
    while (c >= 0 && c != rdelim) {
        if (missingQuotes) {
            if (ctxIs(Ctx::ObjectKey) && (c == ':' || isSpace(c)))
                break;
            if (ctxIs(Ctx::Array) && (c == ']' || c == ','))
                break;
        }
        if (ctxIs(Ctx::ObjectValue) && (c == ',' || c == '}') &&
            (acc.isEmpty() || acc.back().unicode() != rdelim)) {
            bool rdelimMissing = true;
            skipWhitespaces();
            if (at(1) == '\\')
                rdelimMissing = false;
            qsizetype i = skipTo(rdelim, 1);
            int nc = at(i);
            if (nc >= 0) {
                ++i;
                i = scrollWhitespaces(i);
                nc = at(i);
                if (nc < 0 || nc == ',' || nc == '}') {
                    rdelimMissing = false;
                } else {
                    i = skipTo(ldelim, i);
                    nc = at(i);
                    if (nc < 0) {
                        rdelimMissing = false;
                    } else {
                        i = scrollWhitespaces(i + 1);
                        nc = at(i);
                        if (nc >= 0 && nc != ':')
                            rdelimMissing = false;
                    }
                }
            } else {
                i = skipTo(':', 1);
                nc = at(i);
                if (nc >= 0)
                    break; // the next key lacks its quotes too
                i = scrollWhitespaces(1);
                const qsizetype j = skipTo('}', i);
                if (j - i > 1) {
                    rdelimMissing = false;
                } else if (at(j) >= 0) {
                    for (qsizetype k = acc.size() - 1; k >= 0; --k) {
                        if (acc.at(k) == u'{') {
                            rdelimMissing = false;
                            break;
                        }
                    }
                }
            }
            if (rdelimMissing)
                break;
        }
        if (c == ']' && ctxHas(Ctx::Array) && (acc.isEmpty() || acc.back().unicode() != rdelim)) {
            const qsizetype i = skipTo(rdelim);
            if (at(i) < 0)
                break;
        }
        if (ctxIs(Ctx::ObjectValue) && c == '}') {
            const qsizetype i = scrollWhitespaces(1);
            const int nc = at(i);
            if (nc == '`' && at(i + 1) == '`' && at(i + 2) == '`')
                break;
            if (nc < 0)
                break;
        }
        appendChar();
        if (c >= 0 && !acc.isEmpty() && acc.back() == u'\\') {
            if (c == rdelim || c == 't' || c == 'n' || c == 'r' || c == 'b' || c == '\\') {
                acc.chop(1);
                switch (c) {
                case 't':
                    acc.append(u'\t');
                    break;
                case 'n':
                    acc.append(u'\n');
                    break;
                case 'r':
                    acc.append(u'\r');
                    break;
                case 'b':
                    acc.append(u'\b');
                    break;
                default:
                    acc.append(QChar(char16_t(c)));
                    break;
                }
                ++m_index;
                c = at();
                while (c >= 0 && !acc.isEmpty() && acc.back() == u'\\' &&
                       (c == rdelim || c == '\\')) {
                    acc.chop(1);
                    acc.append(QChar(char16_t(c)));
                    ++m_index;
                    c = at();
                }
                continue;
            }
            if (c == 'u' || c == 'x') {
                const int numChars = c == 'u' ? 4 : 2;
                const QStringView next = QStringView(m_s).mid(m_index + 1, numChars);
                bool ok = next.size() == numChars;
                for (QChar h : next) {
                    const char16_t u = h.unicode();
                    ok = ok && ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') ||
                                (u >= 'A' && u <= 'F'));
                }
                if (ok) {
                    const uint code = next.toUInt(nullptr, 16);
                    acc.chop(1);
                    acc.append(QChar(char16_t(code)));
                    m_index += 1 + numChars;
                    c = at();
                    continue;
                }
            } else if (isStringDelimiter(c) && c != rdelim) {
                acc.chop(1);
                acc.append(QChar(char16_t(c)));
                ++m_index;
                c = at();
                continue;
            }
        }
        if (c == ':' && !missingQuotes && ctxIs(Ctx::ObjectKey)) {
            qsizetype i = skipTo(ldelim, 1);
            int nc = at(i);
            if (nc >= 0) {
                ++i;
                i = skipTo(rdelim, i);
                nc = at(i);
                if (nc >= 0) {
                    ++i;
                    i = scrollWhitespaces(i);
                    if (at(i) == ',' || at(i) == '}')
                        break;
                }
            } else {
                break;
            }
        }
        if (c == rdelim && !acc.isEmpty() && acc.back() != u'\\') {
            if (doubledQuotes && at(1) == rdelim) {
                ++m_index;
            } else if (missingQuotes && ctxIs(Ctx::ObjectValue)) {
                qsizetype i = 1;
                int nc = at(i);
                while (nc >= 0 && nc != rdelim && nc != ldelim) {
                    ++i;
                    nc = at(i);
                }
                if (nc >= 0) {
                    ++i;
                    i = scrollWhitespaces(i);
                    if (at(i) == ':') {
                        // the quote opens the next key
                        --m_index;
                        c = at();
                        break;
                    }
                }
            } else if (unmatchedDelimiter) {
                unmatchedDelimiter = false;
                appendChar();
            } else {
                qsizetype i = 1;
                int nc = at(i);
                bool checkCommaInObjectValue = true;
                while (nc >= 0 && nc != rdelim && nc != ldelim) {
                    if (checkCommaInObjectValue && isAlpha(nc))
                        checkCommaInObjectValue = false;
                    if ((ctxHas(Ctx::ObjectKey) && (nc == ':' || nc == '}')) ||
                        (ctxHas(Ctx::ObjectValue) && nc == '}') ||
                        (ctxHas(Ctx::Array) && (nc == ']' || nc == ',')) ||
                        (checkCommaInObjectValue && ctxIs(Ctx::ObjectValue) && nc == ','))
                        break;
                    ++i;
                    nc = at(i);
                }
                if (nc == ',' && ctxIs(Ctx::ObjectValue)) {
                    ++i;
                    i = skipTo(rdelim, i);
                    ++i;
                    i = scrollWhitespaces(i);
                    nc = at(i);
                    if (nc == '}' || nc == ',') {
                        appendChar();
                        continue;
                    }
                } else if (nc == rdelim && at(i - 1) != '\\') {
                    bool onlySpaces = true;
                    for (qsizetype j = 1; j < i; ++j) {
                        if (at(j) >= 0 && !isSpace(at(j))) {
                            onlySpaces = false;
                            break;
                        }
                    }
                    if (onlySpaces)
                        break;
                    if (ctxIs(Ctx::ObjectValue)) {
                        i = scrollWhitespaces(i + 1);
                        if (at(i) == ',') {
                            // "va"lue", "next": ... — the inner quote belongs to the value
                            i = skipTo(ldelim, i + 1);
                            ++i;
                            i = skipTo(rdelim, i + 1);
                            ++i;
                            i = scrollWhitespaces(i);
                            if (at(i) == ':') {
                                appendChar();
                                continue;
                            }
                        }
                        i = skipTo(rdelim, i + 1);
                        ++i;
                        nc = at(i);
                        while (nc >= 0 && nc != ':') {
                            if (nc == ',' || nc == ']' || nc == '}' ||
                                (nc == rdelim && at(i - 1) != '\\'))
                                break;
                            ++i;
                            nc = at(i);
                        }
                        if (nc != ':') {
                            unmatchedDelimiter = !unmatchedDelimiter;
                            appendChar();
                        }
                    } else if (ctxIs(Ctx::Array)) {
                        // ["bla "puppy" bla"]: an even number of quotes ahead keeps the string open
                        bool evenDelimiters = nc == rdelim;
                        const auto quoteOrClose = [rdelim](int ch) {
                            return ch == rdelim || ch == ']';
                        };
                        while (nc == rdelim) {
                            i = skipToIf(i + 1, quoteOrClose);
                            nc = at(i);
                            if (nc != rdelim) {
                                evenDelimiters = false;
                                break;
                            }
                            i = skipToIf(i + 1, quoteOrClose);
                            nc = at(i);
                        }
                        if (evenDelimiters) {
                            unmatchedDelimiter = !unmatchedDelimiter;
                            appendChar();
                        } else {
                            break;
                        }
                    } else if (ctxIs(Ctx::ObjectKey)) {
                        appendChar();
                    }
                }
            }
        }
    }
    if (c >= 0 && missingQuotes && ctxIs(Ctx::ObjectKey) && isSpace(c)) {
        // an unquoted word followed by more words is prose, not a key
        skipWhitespaces();
        if (at() != ':' && at() != ',')
            return Value(QString());
    }
    if (c != rdelim)
        acc = rstripPython(acc);
    else
        ++m_index;
    if (missingQuotes || (!acc.isEmpty() && acc.back() == u'\n'))
        acc = rstripPython(acc);
    return Value(acc);
}

// ast.literal_eval restricted to what a Value can hold. Tokens are read on the fly; newlines
// are insignificant inside brackets (implicit line joining) and end the expression outside them.
class LiteralParser
{
public:
    explicit LiteralParser(QStringView text)
        : m_s(text)
    {}

    std::optional<Value> parseAll()
    {
        // literal_eval strips leading spaces and tabs; blank and comment-only lines may precede
        // the expression but it may not be indented after a newline.
        while (m_i < m_s.size() && (m_s[m_i] == u' ' || m_s[m_i] == u'\t'))
            ++m_i;
        while (true) {
            qsizetype j = m_i;
            while (j < m_s.size() && (m_s[j] == u' ' || m_s[j] == u'\t' || m_s[j] == u'\f'))
                ++j;
            if (j < m_s.size() && m_s[j] == u'#') {
                while (j < m_s.size() && m_s[j] != u'\n' && m_s[j] != u'\r')
                    ++j;
            }
            if (j < m_s.size() && (m_s[j] == u'\n' || m_s[j] == u'\r')) {
                m_i = j + 1;
                continue;
            }
            if (j != m_i && j < m_s.size())
                return std::nullopt; // unexpected indent
            m_i = j;
            break;
        }
        auto v = parseExpr();
        if (!v || m_failed)
            return std::nullopt;
        skipSpace();
        if (m_i != m_s.size())
            return std::nullopt;
        return v;
    }

private:
    QStringView m_s;
    qsizetype m_i = 0;
    int m_depth = 0; // bracket nesting: newlines are blanks inside
    bool m_failed = false;
    static constexpr int kMaxDepth = 200; // CPython: "too many nested parentheses"

    int peek(qsizetype off = 0) const
    {
        const qsizetype p = m_i + off;
        return p < m_s.size() ? m_s[p].unicode() : -1;
    }

    void skipSpace()
    {
        while (m_i < m_s.size()) {
            const QChar c = m_s[m_i];
            if (c == u' ' || c == u'\t' || c == u'\f') {
                ++m_i;
            } else if (c == u'\\' && (peek(1) == '\n' || peek(1) == '\r')) {
                m_i += 2;
                if (peek(-1) == '\r' && peek() == '\n')
                    ++m_i;
            } else if (c == u'#') {
                while (m_i < m_s.size() && m_s[m_i] != u'\n' && m_s[m_i] != u'\r')
                    ++m_i;
            } else if (c == u'\n' || c == u'\r') {
                if (m_depth > 0) {
                    ++m_i;
                    continue;
                }
                // Outside brackets a newline ends the statement: only blank lines may follow.
                qsizetype j = m_i;
                while (j < m_s.size()) {
                    const QChar d = m_s[j];
                    if (d.isSpace() && d != u'\x0b') {
                        ++j;
                    } else if (d == u'#') {
                        while (j < m_s.size() && m_s[j] != u'\n' && m_s[j] != u'\r')
                            ++j;
                    } else {
                        break;
                    }
                }
                if (j == m_s.size())
                    m_i = j;
                return;
            } else {
                return;
            }
        }
    }

    bool eat(QChar c)
    {
        skipSpace();
        if (m_i < m_s.size() && m_s[m_i] == c) {
            ++m_i;
            return true;
        }
        return false;
    }

    static bool isIdentChar(QChar c) { return c.isLetterOrNumber() || c == u'_'; }

    QStringView readIdentifier()
    {
        const qsizetype start = m_i;
        while (m_i < m_s.size() && isIdentChar(m_s[m_i]))
            ++m_i;
        return m_s.mid(start, m_i - start);
    }

    std::optional<Value> parseExpr()
    {
        skipSpace();
        const int c = peek();
        if (c < 0)
            return std::nullopt;
        if (c == '-' || c == '+') {
            ++m_i;
            skipSpace();
            auto operand = parseNumberToken();
            if (!operand)
                return std::nullopt;
            if (c == '+')
                return operand;
            if (operand->isInt()) {
                if (operand->toInt() == std::numeric_limits<qint64>::min())
                    return Value(-double(operand->toInt()));
                return Value(-operand->toInt());
            }
            return Value(-operand->toDouble());
        }
        if (c == '[' || c == '(' || c == '{')
            return parseContainer();
        if ((c >= '0' && c <= '9') || (c == '.' && peek(1) >= '0' && peek(1) <= '9'))
            return parseNumberToken();
        if (c == '"' || c == '\'')
            return parseStrings();
        if (QChar(char16_t(c)).isLetter() || c == '_') {
            const qsizetype start = m_i;
            const QStringView word = readIdentifier();
            if (peek() == '"' || peek() == '\'') {
                const QString prefix = word.toString().toLower();
                if (prefix == u"r" || prefix == u"u") {
                    m_i = start;
                    return parseStrings();
                }
                return std::nullopt; // bytes and f-strings are not plain values
            }
            if (word == u"True")
                return Value(true);
            if (word == u"False")
                return Value(false);
            if (word == u"None")
                return Value();
            if (word == u"set") {
                // literal_eval admits the empty call set()
                if (eat(u'(') && eat(u')'))
                    return Value(Array{});
            }
            return std::nullopt;
        }
        return std::nullopt;
    }

    // A number token without sign: 42, 0x1f, 0o7, 0b1, 1_000, 3.5, .5, 5., 1e-3.
    std::optional<Value> parseNumberToken()
    {
        skipSpace();
        const qsizetype start = m_i;
        const auto digitsWithUnderscores = [this](auto isDigitFn) {
            const qsizetype s = m_i;
            while (m_i < m_s.size()) {
                const QChar ch = m_s[m_i];
                if (isDigitFn(ch)) {
                    ++m_i;
                } else if (ch == u'_' && m_i > s && m_i + 1 < m_s.size() &&
                           isDigitFn(m_s[m_i + 1])) {
                    ++m_i;
                } else {
                    break;
                }
            }
            return m_i - s;
        };
        const auto dec = [](QChar ch) { return ch >= u'0' && ch <= u'9'; };
        if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X' || peek(1) == 'o' ||
                              peek(1) == 'O' || peek(1) == 'b' || peek(1) == 'B')) {
            const int kind = QChar(char16_t(peek(1))).toLower().unicode();
            m_i += 2;
            if (peek() == '_')
                ++m_i;
            const int base = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
            const qsizetype digitsStart = m_i;
            const auto inBase = [base](QChar ch) {
                const int v = ch.isDigit() && ch.unicode() < 128 ? ch.unicode() - '0'
                              : (ch.toLower() >= u'a' && ch.toLower() <= u'f')
                                  ? ch.toLower().unicode() - 'a' + 10
                                  : 99;
                return v < base;
            };
            if (digitsWithUnderscores(inBase) == 0)
                return std::nullopt;
            if (m_i < m_s.size() && isIdentChar(m_s[m_i]))
                return std::nullopt;
            QString digits = m_s.mid(digitsStart, m_i - digitsStart).toString();
            digits.remove(u'_');
            bool ok = false;
            const qint64 v = digits.toLongLong(&ok, base);
            if (ok)
                return Value(v);
            const quint64 uv = digits.toULongLong(&ok, base);
            return ok ? Value(double(uv)) : Value(std::numeric_limits<double>::infinity());
        }
        const qsizetype intDigits = digitsWithUnderscores(dec);
        bool isFloat = false;
        if (peek() == '.') {
            ++m_i;
            isFloat = true;
            if (peek() >= '0' && peek() <= '9')
                digitsWithUnderscores(dec);
            else if (intDigits == 0)
                return std::nullopt;
        }
        if (peek() == 'e' || peek() == 'E') {
            const qsizetype save = m_i;
            ++m_i;
            if (peek() == '+' || peek() == '-')
                ++m_i;
            if (digitsWithUnderscores(dec) == 0) {
                m_i = save;
                return std::nullopt;
            }
            isFloat = true;
        }
        if (peek() == 'j' || peek() == 'J')
            return std::nullopt; // complex numbers have no Value
        if (m_i < m_s.size() && isIdentChar(m_s[m_i]))
            return std::nullopt;
        QString text = m_s.mid(start, m_i - start).toString();
        text.remove(u'_');
        if (text.isEmpty())
            return std::nullopt;
        if (!isFloat) {
            // "007" is a SyntaxError in Python 3; "000" is fine.
            if (text.size() > 1 && text.startsWith(u'0') && text.count(u'0') != text.size())
                return std::nullopt;
            bool ok = false;
            const qint64 v = text.toLongLong(&ok);
            if (ok)
                return Value(v);
            return Value(text.toDouble());
        }
        bool ok = false;
        const double d = text.toDouble(&ok);
        if (!ok)
            return std::isinf(d) ? std::optional<Value>(Value(d)) : std::nullopt;
        return Value(d);
    }

    // One or more adjacent string literals, concatenated as Python does.
    std::optional<Value> parseStrings()
    {
        QString result;
        bool any = false;
        while (true) {
            skipSpace();
            const qsizetype save = m_i;
            bool raw = false;
            if (peek() >= 0 && QChar(char16_t(peek())).isLetter()) {
                const QStringView prefix = readIdentifier();
                const QString p = prefix.toString().toLower();
                if ((p != u"r" && p != u"u") || (peek() != '"' && peek() != '\'')) {
                    m_i = save;
                    break;
                }
                raw = p == u"r";
            }
            if (peek() != '"' && peek() != '\'') {
                m_i = save;
                break;
            }
            auto s = parseOneString(raw);
            if (!s)
                return std::nullopt;
            result += *s;
            any = true;
        }
        if (!any)
            return std::nullopt;
        return Value(result);
    }

    std::optional<QString> parseOneString(bool raw)
    {
        const QChar quote = m_s[m_i];
        const bool triple = peek(1) == quote.unicode() && peek(2) == quote.unicode();
        m_i += triple ? 3 : 1;
        QString out;
        while (true) {
            if (m_i >= m_s.size())
                return std::nullopt;
            const QChar c = m_s[m_i];
            if (c == quote) {
                if (!triple) {
                    ++m_i;
                    return out;
                }
                if (peek(1) == quote.unicode() && peek(2) == quote.unicode()) {
                    m_i += 3;
                    return out;
                }
                out += c;
                ++m_i;
                continue;
            }
            if ((c == u'\n' || c == u'\r') && !triple)
                return std::nullopt;
            if (c != u'\\') {
                out += c;
                ++m_i;
                continue;
            }
            // backslash
            if (m_i + 1 >= m_s.size())
                return std::nullopt;
            const QChar e = m_s[m_i + 1];
            if (raw) {
                // a raw string keeps the backslash but it still protects the next character
                out += c;
                out += e;
                m_i += 2;
                continue;
            }
            m_i += 2;
            switch (e.unicode()) {
            case '\n':
                break;
            case '\r':
                if (peek() == '\n')
                    ++m_i;
                break;
            case '\\':
                out += u'\\';
                break;
            case '\'':
                out += u'\'';
                break;
            case '"':
                out += u'"';
                break;
            case 'a':
                out += u'\a';
                break;
            case 'b':
                out += u'\b';
                break;
            case 'f':
                out += u'\f';
                break;
            case 'n':
                out += u'\n';
                break;
            case 'r':
                out += u'\r';
                break;
            case 't':
                out += u'\t';
                break;
            case 'v':
                out += u'\v';
                break;
            case 'x':
            case 'u':
            case 'U': {
                const int n = e == u'x' ? 2 : e == u'u' ? 4 : 8;
                const QStringView hex = m_s.mid(m_i, n);
                bool ok = hex.size() == n;
                for (QChar h : hex)
                    ok = ok &&
                         ((h >= u'0' && h <= u'9') || (h.toLower() >= u'a' && h.toLower() <= u'f'));
                if (!ok)
                    return std::nullopt; // "truncated \xXX escape" is a SyntaxError
                const uint code = hex.toUInt(&ok, 16);
                if (code > 0x10FFFF)
                    return std::nullopt;
                out += QString::fromUcs4(reinterpret_cast<const char32_t*>(&code), 1);
                m_i += n;
                break;
            }
            case 'N':
                return std::nullopt; // named escapes need the Unicode name table
            default:
                if (e >= u'0' && e <= u'7') {
                    uint code = e.unicode() - '0';
                    int k = 1;
                    while (k < 3 && peek() >= '0' && peek() <= '7') {
                        code = code * 8 + uint(peek() - '0');
                        ++m_i;
                        ++k;
                    }
                    out += QString::fromUcs4(reinterpret_cast<const char32_t*>(&code), 1);
                } else {
                    // unknown escapes keep their backslash (with a warning in Python)
                    out += u'\\';
                    out += e;
                }
            }
        }
    }

    // Python's hashing key conventions folded into Value's string keys: the key as json.dumps
    // would write it.
    static std::optional<QString> keyText(const Value& k)
    {
        switch (k.type()) {
        case Value::Type::String:
            return k.toString();
        case Value::Type::Int:
        case Value::Type::Float:
        case Value::Type::Bool:
        case Value::Type::Null:
            return k.toJson();
        default:
            return std::nullopt; // tuples would need tuple keys; lists/sets are unhashable
        }
    }

    std::optional<Value> parseContainer()
    {
        const QChar open = m_s[m_i];
        ++m_i;
        if (++m_depth > kMaxDepth)
            return std::nullopt;
        const QChar close = open == u'[' ? u']' : open == u'(' ? u')' : u'}';
        Array items;
        Object dict;
        bool isDict = false;
        bool isSet = false;
        bool sawComma = false;
        while (true) {
            if (eat(close))
                break;
            auto key = parseExpr();
            if (!key)
                return std::nullopt;
            if (open == u'{') {
                if (items.isEmpty() && dict.isEmpty() && !isSet && !isDict) {
                    if (eat(u':'))
                        isDict = true;
                    else
                        isSet = true;
                } else if (isDict) {
                    if (!eat(u':'))
                        return std::nullopt;
                }
            }
            if (isDict) {
                auto value = parseExpr();
                if (!value)
                    return std::nullopt;
                auto k = keyText(*key);
                if (!k)
                    return std::nullopt;
                dict.insert(*k, std::move(*value));
            } else if (isSet) {
                if (key->isArray() && open == u'{')
                    return std::nullopt; // lists are unhashable
                if (!items.contains(*key))
                    items.append(std::move(*key));
            } else {
                items.append(std::move(*key));
            }
            if (eat(u',')) {
                sawComma = true;
                continue;
            }
            if (!eat(close))
                return std::nullopt;
            break;
        }
        --m_depth;
        if (open == u'(' && items.size() == 1 && !sawComma)
            return items.first(); // (x) is just x
        if (open == u'{' && isDict)
            return Value(std::move(dict));
        if (open == u'{' && !isSet)
            return Value(Object{}); // {} is an empty dict
        return Value(std::move(items));
    }
};

} // namespace

Value repairJson(QStringView text)
{
    if (auto strict = Value::fromJson(text))
        return *strict;
    RepairParser parser(text);
    return parser.parse();
}

std::optional<Value> pythonLiteral(QStringView text)
{
    LiteralParser parser(text);
    return parser.parseAll();
}

} // namespace dspy
