#include "signature/signature.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace dspy {

// ------------------------------------------------------------------------------------------------
// The string grammar. DSPy hands each side of the arrow to Python's parser as `def f(<side>)`, so
// this is a small Python tokenizer and a parser for the part of the expression grammar that can
// denote a type, followed by a resolver that maps names onto TypeSpec. Every error carries the
// 0-based offset (in UTF-16 code units) into the whole signature text.
// ------------------------------------------------------------------------------------------------

namespace {

// Deep enough for any real annotation, shallow enough that hostile input cannot exhaust the stack.
constexpr int kMaxNesting = 64;

const QSet<QString>& pythonKeywords()
{
    static const QSet<QString> keywords = {
        u"False"_qs,  u"None"_qs,     u"True"_qs,  u"and"_qs,    u"as"_qs,       u"assert"_qs,
        u"async"_qs,  u"await"_qs,    u"break"_qs, u"class"_qs,  u"continue"_qs, u"def"_qs,
        u"del"_qs,    u"elif"_qs,     u"else"_qs,  u"except"_qs, u"finally"_qs,  u"for"_qs,
        u"from"_qs,   u"global"_qs,   u"if"_qs,    u"import"_qs, u"in"_qs,       u"is"_qs,
        u"lambda"_qs, u"nonlocal"_qs, u"not"_qs,   u"or"_qs,     u"pass"_qs,     u"raise"_qs,
        u"return"_qs, u"try"_qs,      u"while"_qs, u"with"_qs,   u"yield"_qs,    u"__debug__"_qs};
    return keywords;
}

// Names Python would resolve (typing members, other builtins) but that have no TypeSpec: they get
// a clearer message than "Unknown name".
const QSet<QString>& unsupportedTypeNames()
{
    static const QSet<QString> names = [] {
        const QString all = QStringLiteral(
            "complex bytes bytearray object type memoryview range slice Callable Sequence Mapping "
            "MutableMapping MutableSequence MutableSet AbstractSet Iterable Iterator Generator "
            "Collection Container Type ClassVar Final Annotated TypeVar Generic Protocol "
            "NamedTuple "
            "TypedDict Deque DefaultDict OrderedDict Counter ChainMap Awaitable Coroutine "
            "AsyncIterator AsyncIterable AsyncGenerator Hashable Sized Reversible Pattern Match IO "
            "TextIO BinaryIO AnyStr NoReturn Never Self LiteralString TypeAlias TypeGuard Required "
            "NotRequired Unpack ParamSpec Concatenate ByteString KeysView ValuesView ItemsView "
            "ContextManager AsyncContextManager SupportsInt SupportsFloat Field");
        const QStringList list = all.split(u' ');
        return QSet<QString>(list.cbegin(), list.cend());
    }();
    return names;
}

struct CodePoint
{
    char32_t value = 0;
    int width = 0; // UTF-16 units; 0 at the end
};

CodePoint codePointAt(QStringView s, qsizetype i, qsizetype end)
{
    if (i >= end)
        return {};
    const QChar c = s.at(i);
    if (c.isHighSurrogate() && i + 1 < end && s.at(i + 1).isLowSurrogate())
        return {QChar::surrogateToUcs4(c, s.at(i + 1)), 2};
    return {c.unicode(), 1};
}

bool isAsciiLetter(char32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isAsciiDigit(char32_t c)
{
    return c >= '0' && c <= '9';
}

// Python identifiers: XID_Start / XID_Continue, approximated by general category.
bool isIdStart(char32_t c)
{
    if (c < 128)
        return c == '_' || isAsciiLetter(c);
    if (c >= 0xD800 && c <= 0xDFFF)
        return false;
    switch (QChar::category(c)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
    case QChar::Number_Letter:
        return true;
    default:
        return false;
    }
}

bool isIdContinue(char32_t c)
{
    if (c < 128)
        return c == '_' || isAsciiLetter(c) || isAsciiDigit(c);
    if (isIdStart(c))
        return true;
    if (c >= 0xD800 && c <= 0xDFFF)
        return false;
    switch (QChar::category(c)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Number_DecimalDigit:
    case QChar::Punctuation_Connector:
        return true;
    default:
        return false;
    }
}

bool isValidIdentifier(QStringView s)
{
    if (s.isEmpty())
        return false;
    bool first = true;
    for (qsizetype i = 0; i < s.size();) {
        const CodePoint cp = codePointAt(s, i, s.size());
        if (first ? !isIdStart(cp.value) : !isIdContinue(cp.value))
            return false;
        first = false;
        i += cp.width;
    }
    return true;
}

QString describeChar(char32_t c)
{
    const QString code = QString::number(uint(c), 16).toUpper().rightJustified(4, u'0');
    if (c >= 0xD800 && c <= 0xDFFF)
        return QStringLiteral("(U+%1)").arg(code); // a lone surrogate cannot be shown
    return QStringLiteral("'%1' (U+%2)").arg(QString::fromUcs4(&c, 1), code);
}

struct Token
{
    enum Kind { End, Name, String, Number, Op, Error };
    Kind kind = End;
    qsizetype pos = 0;
    qsizetype len = 0;
    QString text;  // Name: NFKC-normalised identifier; Op/Number: source text
    QString value; // String: the decoded contents
    bool bytes = false;
    bool fstring = false;
    QString error; // Error: what is wrong
};

class Lexer
{
public:
    Lexer(QStringView src, qsizetype begin, qsizetype end)
        : m_src(src)
        , m_i(begin)
        , m_end(end)
    {}

    QList<Token> run()
    {
        QList<Token> out;
        for (;;) {
            Token t = next();
            out.append(t);
            if (t.kind == Token::End || t.kind == Token::Error)
                break;
        }
        if (out.last().kind == Token::Error) {
            Token end;
            end.pos = m_end;
            out.append(end);
        }
        return out;
    }

private:
    QChar at(qsizetype i) const { return i < m_end ? m_src.at(i) : QChar(); }

    Token error(qsizetype pos, qsizetype len, QString msg)
    {
        Token t;
        t.kind = Token::Error;
        t.pos = pos;
        t.len = len;
        t.error = std::move(msg);
        return t;
    }

    Token next()
    {
        for (;;) {
            const QChar c = at(m_i);
            if (m_i >= m_end)
                break;
            if (c == u' ' || c == u'\t' || c == u'\f' || c == u'\n' || c == u'\r') {
                ++m_i;
                continue;
            }
            if (c == u'\\') {
                if (at(m_i + 1) == u'\n') {
                    m_i += 2;
                    continue;
                }
                if (at(m_i + 1) == u'\r') {
                    m_i += at(m_i + 2) == u'\n' ? 3 : 2;
                    continue;
                }
                return error(m_i, 1, u"Unexpected character after line continuation character"_qs);
            }
            break;
        }
        if (m_i >= m_end) {
            Token t;
            t.pos = m_end;
            return t;
        }
        const qsizetype start = m_i;
        const CodePoint cp = codePointAt(m_src, m_i, m_end);
        const char32_t c = cp.value;

        if (c == '\'' || c == '"')
            return lexString(start, start, QString());
        if (isIdStart(c)) {
            qsizetype j = m_i;
            while (j < m_end) {
                const CodePoint n = codePointAt(m_src, j, m_end);
                if (!isIdContinue(n.value))
                    break;
                j += n.width;
            }
            const QString word = m_src.mid(start, j - start).toString();
            const QChar after = at(j);
            if ((after == u'\'' || after == u'"') && isStringPrefix(word))
                return lexString(start, j, word.toLower());
            m_i = j;
            Token t;
            t.kind = Token::Name;
            t.pos = start;
            t.len = j - start;
            t.text = word;
            // Python stores identifiers NFKC-normalised.
            if (std::any_of(word.cbegin(), word.cend(),
                            [](QChar ch) { return ch.unicode() >= 128; }))
                t.text = word.normalized(QString::NormalizationForm_KC);
            return t;
        }
        if (isAsciiDigit(c) || (c == '.' && isAsciiDigit(at(m_i + 1).unicode())))
            return lexNumber(start);
        if (c == '.' && at(m_i + 1) == u'.' && at(m_i + 2) == u'.')
            return op(start, 3);
        if (c == '*' && at(m_i + 1) == u'*')
            return op(start, 2);
        if (c == '#')
            return error(start, 1, u"Comments ('#') are not allowed in a signature"_qs);
        static const QString singleOps = u"()[]{},:|.-+=*/~@%&^<>;!"_qs;
        if (c < 128 && singleOps.contains(QChar(char16_t(c))))
            return op(start, 1);
        return error(start, cp.width, u"Invalid character "_qs + describeChar(c));
    }

    Token op(qsizetype start, qsizetype len)
    {
        m_i = start + len;
        Token t;
        t.kind = Token::Op;
        t.pos = start;
        t.len = len;
        t.text = m_src.mid(start, len).toString();
        return t;
    }

    static bool isStringPrefix(const QString& word)
    {
        static const QSet<QString> prefixes = {u"r"_qs,  u"u"_qs,  u"b"_qs,  u"f"_qs,
                                               u"br"_qs, u"rb"_qs, u"fr"_qs, u"rf"_qs};
        return prefixes.contains(word.toLower());
    }

    Token lexNumber(qsizetype start)
    {
        qsizetype j = start;
        auto digitsOrUnderscore = [&](auto pred) {
            while (j < m_end && (pred(at(j).unicode()) || at(j) == u'_'))
                ++j;
        };
        const QChar second = at(start + 1);
        if (at(start) == u'0' && QStringView(u"xXoObB").contains(second)) {
            j = start + 2;
            digitsOrUnderscore([](char16_t ch) { return isAsciiDigit(ch) || isAsciiLetter(ch); });
        } else {
            digitsOrUnderscore(isAsciiDigit);
            if (at(j) == u'.') {
                ++j;
                digitsOrUnderscore(isAsciiDigit);
            }
            if ((at(j) == u'e' || at(j) == u'E') &&
                (isAsciiDigit(at(j + 1).unicode()) ||
                 ((at(j + 1) == u'+' || at(j + 1) == u'-') && isAsciiDigit(at(j + 2).unicode())))) {
                j += (at(j + 1) == u'+' || at(j + 1) == u'-') ? 2 : 1;
                digitsOrUnderscore(isAsciiDigit);
            }
        }
        // Swallow the rest of a word such as "1abc" so the error can quote all of it.
        while (j < m_end) {
            const CodePoint n = codePointAt(m_src, j, m_end);
            if (!isIdContinue(n.value) && n.value != '.')
                break;
            j += n.width;
        }
        m_i = j;
        Token t;
        t.kind = Token::Number;
        t.pos = start;
        t.len = j - start;
        t.text = m_src.mid(start, j - start).toString();
        return t;
    }

    Token lexString(qsizetype start, qsizetype quotePos, const QString& prefix)
    {
        const QChar quote = at(quotePos);
        const bool triple = at(quotePos + 1) == quote && at(quotePos + 2) == quote;
        const bool raw = prefix.contains(u'r');
        const qsizetype bodyStart = quotePos + (triple ? 3 : 1);
        qsizetype j = bodyStart;
        for (;;) {
            if (j >= m_end)
                return error(start, m_end - start,
                             triple ? u"Unterminated triple-quoted string literal"_qs
                                    : u"Unterminated string literal"_qs);
            const QChar ch = at(j);
            if (ch == u'\\') {
                j += 2; // an escaped character never ends the string, even in raw strings
                continue;
            }
            if (!triple && (ch == u'\n' || ch == u'\r'))
                return error(start, j - start, u"Unterminated string literal"_qs);
            if (ch == quote && (!triple || (at(j + 1) == quote && at(j + 2) == quote)))
                break;
            ++j;
        }
        const qsizetype bodyEnd = j;
        m_i = j + (triple ? 3 : 1);

        Token t;
        t.kind = Token::String;
        t.pos = start;
        t.len = m_i - start;
        t.bytes = prefix.contains(u'b');
        t.fstring = prefix.contains(u'f');
        QString body = m_src.mid(bodyStart, bodyEnd - bodyStart).toString();
        // Python reads source text with universal newlines.
        body.replace(u"\r\n"_qs, u"\n"_qs).replace(u'\r', u'\n');
        if (raw) {
            t.value = body;
            return t;
        }
        QString decodeError;
        t.value = decodeEscapes(body, t.bytes, &decodeError);
        if (!decodeError.isEmpty())
            return error(start, t.len, decodeError);
        return t;
    }

    static int hexValue(QChar c)
    {
        const char16_t u = c.unicode();
        if (u >= '0' && u <= '9')
            return u - '0';
        if (u >= 'a' && u <= 'f')
            return u - 'a' + 10;
        if (u >= 'A' && u <= 'F')
            return u - 'A' + 10;
        return -1;
    }

    static QString decodeEscapes(const QString& body, bool bytes, QString* error)
    {
        QString out;
        out.reserve(body.size());
        for (qsizetype i = 0; i < body.size(); ++i) {
            const QChar c = body.at(i);
            if (c != u'\\' || i + 1 >= body.size()) {
                out += c;
                continue;
            }
            const QChar e = body.at(++i);
            switch (e.unicode()) {
            case u'\n':
                break;
            case u'\\':
            case u'\'':
            case u'"':
                out += e;
                break;
            case u'a':
                out += QChar(0x07);
                break;
            case u'b':
                out += QChar(0x08);
                break;
            case u'f':
                out += QChar(0x0c);
                break;
            case u'n':
                out += QChar(0x0a);
                break;
            case u'r':
                out += QChar(0x0d);
                break;
            case u't':
                out += QChar(0x09);
                break;
            case u'v':
                out += QChar(0x0b);
                break;
            case u'x':
            case u'u':
            case u'U': {
                if (bytes && e != u'x') {
                    out += c;
                    out += e;
                    break;
                }
                const int width = e == u'x' ? 2 : (e == u'u' ? 4 : 8);
                char32_t v = 0;
                for (int k = 0; k < width; ++k) {
                    const int h = i + 1 + k < body.size() ? hexValue(body.at(i + 1 + k)) : -1;
                    if (h < 0) {
                        *error = QStringLiteral("Truncated \\%1 escape in a string literal")
                                     .arg(e == u'x' ? u"xXX"_qs
                                                    : (e == u'u' ? u"uXXXX"_qs : u"UXXXXXXXX"_qs));
                        return {};
                    }
                    v = v * 16 + char32_t(h);
                }
                if (v > 0x10FFFF) {
                    *error = u"Illegal Unicode character in a string literal"_qs;
                    return {};
                }
                i += width;
                out += QString::fromUcs4(&v, 1);
                break;
            }
            case u'N':
                if (!bytes) {
                    *error = u"\\N{...} escapes are not supported in a signature"_qs;
                    return {};
                }
                out += c;
                out += e;
                break;
            default:
                if (e >= u'0' && e <= u'7') {
                    char32_t v = e.unicode() - u'0';
                    for (int k = 0; k < 2 && i + 1 < body.size() && body.at(i + 1) >= u'0' &&
                                    body.at(i + 1) <= u'7';
                         ++k)
                        v = v * 8 + (body.at(++i).unicode() - u'0');
                    out += QString::fromUcs4(&v, 1);
                } else {
                    out += c; // Python keeps unknown escapes verbatim
                    out += e;
                }
            }
        }
        return out;
    }

    QStringView m_src;
    qsizetype m_i;
    qsizetype m_end;
};

// ------------------------------------------------------------------------------------------------

struct Node
{
    enum Kind { Name, Attribute, Subscript, BitOr, Constant, Ellipsis, Tuple };
    Kind kind = Name;
    qsizetype pos = 0;
    qsizetype len = 0;
    QString name;               // Name / Attribute's attribute
    Value value;                // Constant
    std::vector<Node> children; // Attribute: base; Subscript: base, args...; BitOr: l, r; Tuple
    bool bytes = false;
};

struct RawParam
{
    QString name;
    qsizetype pos = 0;
    qsizetype len = 0;
    std::optional<Node> annotation;
};

class Failure
{
public:
    explicit Failure(SignatureError* out)
        : m_out(out)
    {}
    bool fail(qsizetype pos, qsizetype len, const QString& message)
    {
        if (!m_failed && m_out) {
            m_out->message = message;
            m_out->position = pos;
            m_out->length = len;
        }
        m_failed = true;
        return false;
    }
    bool failed() const { return m_failed; }

private:
    SignatureError* m_out;
    bool m_failed = false;
};

class Parser
{
public:
    Parser(QStringView src, QList<Token> tokens, Failure& failure)
        : m_src(src)
        , m_toks(std::move(tokens))
        , m_f(failure)
    {}

    // Python's parameter list: `name[: type]` items, comma separated, optional trailing comma.
    bool parseParams(QList<RawParam>* out)
    {
        if (peek().kind == Token::End)
            return true;
        for (;;) {
            const Token& t = peek();
            if (t.kind == Token::Name) {
                if (pythonKeywords().contains(t.text))
                    return m_f.fail(t.pos, t.len,
                                    QStringLiteral("'%1' is a Python keyword and cannot be a field "
                                                   "name")
                                        .arg(t.text));
                if (!isValidIdentifier(t.text))
                    return m_f.fail(t.pos, t.len,
                                    QStringLiteral("'%1' is not a valid field name").arg(t.text));
                // DSPy builds a pydantic model, and pydantic refuses such field names.
                if (t.text.startsWith(u'_'))
                    return m_f.fail(t.pos, t.len,
                                    QStringLiteral("'%1' is not a valid field name: names must not "
                                                   "start with an underscore")
                                        .arg(t.text));
                RawParam p;
                p.name = t.text;
                p.pos = t.pos;
                p.len = t.len;
                ++m_i;
                if (isOp(u":")) {
                    ++m_i;
                    if (peek().kind == Token::End)
                        return m_f.fail(peek().pos, 0,
                                        QStringLiteral("Expected a type after '%1:'").arg(p.name));
                    std::optional<Node> type = parseExpr(0);
                    if (!type)
                        return false;
                    p.annotation = std::move(type);
                }
                if (isOp(u"="))
                    return m_f.fail(peek().pos, peek().len,
                                    u"Default values are not supported in a signature string"_qs);
                out->append(std::move(p));
            } else {
                return unexpectedInParams(t);
            }

            const Token& sep = peek();
            if (sep.kind == Token::End)
                return true;
            if (isOp(u",")) {
                ++m_i;
                if (peek().kind == Token::End)
                    return true; // trailing comma, as Python allows
                continue;
            }
            if (sep.kind == Token::Error)
                return m_f.fail(sep.pos, sep.len, sep.error);
            if (isOp(u")") || isOp(u"]") || isOp(u"}"))
                return m_f.fail(sep.pos, sep.len, QStringLiteral("Unmatched '%1'").arg(sep.text));
            return m_f.fail(
                sep.pos, sep.len,
                QStringLiteral("Expected ',' between fields, found %1").arg(quote(sep)));
        }
    }

    // A standalone type expression (parseTypeAnnotation): one expression, nothing after it.
    std::optional<Node> parseWholeExpr()
    {
        if (peek().kind == Token::End) {
            m_f.fail(peek().pos, 0, u"Expected a type"_qs);
            return std::nullopt;
        }
        std::optional<Node> n = parseExpr(0);
        if (!n)
            return std::nullopt;
        if (peek().kind != Token::End) {
            const Token& t = peek();
            m_f.fail(t.pos, t.len,
                     t.kind == Token::Error
                         ? t.error
                         : QStringLiteral("Unexpected %1 after the type").arg(quote(t)));
            return std::nullopt;
        }
        return n;
    }

private:
    const Token& peek() const { return m_toks.at(std::min(m_i, m_toks.size() - 1)); }
    bool isOp(QStringView op) const { return peek().kind == Token::Op && peek().text == op; }

    QString quote(const Token& t) const
    {
        if (t.kind == Token::End)
            return u"the end of the field list"_qs;
        return u"'"_qs + m_src.mid(t.pos, t.len).toString() + u"'"_qs;
    }

    bool unexpectedInParams(const Token& t)
    {
        switch (t.kind) {
        case Token::Error:
            return m_f.fail(t.pos, t.len, t.error);
        case Token::Number:
            return m_f.fail(t.pos, t.len,
                            QStringLiteral("'%1' is not a valid field name: a name must start "
                                           "with a letter or an underscore")
                                .arg(t.text));
        case Token::String:
            return m_f.fail(t.pos, t.len, u"Expected a field name, found a string literal"_qs);
        case Token::Op:
            if (t.text == u",")
                return m_f.fail(t.pos, t.len, u"Expected a field name before ','"_qs);
            if (t.text == u"*" || t.text == u"**" || t.text == u"/")
                return m_f.fail(
                    t.pos, t.len,
                    QStringLiteral("'%1' parameters are not supported in a signature").arg(t.text));
            if (t.text == u")" || t.text == u"]" || t.text == u"}")
                return m_f.fail(t.pos, t.len, QStringLiteral("Unmatched '%1'").arg(t.text));
            return m_f.fail(t.pos, t.len,
                            QStringLiteral("Expected a field name, found %1").arg(quote(t)));
        case Token::Name:
        case Token::End:
            break;
        }
        return m_f.fail(t.pos, t.len, u"Expected a field name"_qs);
    }

    std::optional<Node> failNode(qsizetype pos, qsizetype len, const QString& msg)
    {
        m_f.fail(pos, len, msg);
        return std::nullopt;
    }

    // expr: primary ('|' primary)*
    std::optional<Node> parseExpr(int depth)
    {
        if (depth > kMaxNesting)
            return failNode(peek().pos, peek().len, u"The type is nested too deeply"_qs);
        std::optional<Node> left = parsePrimary(depth + 1);
        if (!left)
            return std::nullopt;
        while (isOp(u"|")) {
            ++m_i;
            std::optional<Node> right = parsePrimary(depth + 1);
            if (!right)
                return std::nullopt;
            Node n;
            n.kind = Node::BitOr;
            n.pos = left->pos;
            n.len = right->pos + right->len - left->pos;
            n.children.push_back(std::move(*left));
            n.children.push_back(std::move(*right));
            left = std::move(n);
        }
        return left;
    }

    // primary: atom ('.' NAME | '[' args ']')*
    std::optional<Node> parsePrimary(int depth)
    {
        if (depth > kMaxNesting)
            return failNode(peek().pos, peek().len, u"The type is nested too deeply"_qs);
        std::optional<Node> node = parseAtom(depth + 1);
        if (!node)
            return std::nullopt;
        for (;;) {
            if (isOp(u".")) {
                ++m_i;
                const Token& t = peek();
                if (t.kind != Token::Name)
                    return failNode(t.pos, t.len, u"Expected a name after '.'"_qs);
                ++m_i;
                Node a;
                a.kind = Node::Attribute;
                a.pos = node->pos;
                a.len = t.pos + t.len - node->pos;
                a.name = t.text;
                a.children.push_back(std::move(*node));
                node = std::move(a);
            } else if (isOp(u"[")) {
                const Token open = peek();
                ++m_i;
                Node s;
                s.kind = Node::Subscript;
                s.pos = node->pos;
                s.children.push_back(std::move(*node));
                if (isOp(u"]"))
                    return failNode(open.pos, peek().pos + 1 - open.pos,
                                    u"Expected type arguments between '[' and ']'"_qs);
                for (;;) {
                    if (peek().kind == Token::End)
                        return failNode(open.pos, 1, u"'[' was never closed"_qs);
                    std::optional<Node> arg = parseExpr(depth + 1);
                    if (!arg)
                        return std::nullopt;
                    s.children.push_back(std::move(*arg));
                    if (isOp(u",")) {
                        ++m_i;
                        if (isOp(u"]"))
                            break;
                        continue;
                    }
                    if (isOp(u"]"))
                        break;
                    const Token& t = peek();
                    if (t.kind == Token::End)
                        return failNode(open.pos, 1, u"'[' was never closed"_qs);
                    if (t.kind == Token::Error)
                        return failNode(t.pos, t.len, t.error);
                    return failNode(t.pos, t.len,
                                    QStringLiteral("Expected ',' or ']', found %1").arg(quote(t)));
                }
                s.len = peek().pos + 1 - s.pos;
                ++m_i;
                node = std::move(s);
            } else {
                return node;
            }
        }
    }

    std::optional<Node> parseAtom(int depth)
    {
        const Token t = peek();
        switch (t.kind) {
        case Token::End:
            return failNode(t.pos, 0, u"Expected a type"_qs);
        case Token::Error:
            return failNode(t.pos, t.len, t.error);
        case Token::Name: {
            ++m_i;
            Node n;
            n.pos = t.pos;
            n.len = t.len;
            if (t.text == u"None" || t.text == u"True" || t.text == u"False") {
                n.kind = Node::Constant;
                n.value = t.text == u"None" ? Value() : Value(t.text == u"True");
                return n;
            }
            if (pythonKeywords().contains(t.text))
                return failNode(t.pos, t.len,
                                QStringLiteral("Unexpected keyword '%1' in a type").arg(t.text));
            n.kind = Node::Name;
            n.name = t.text;
            return n;
        }
        case Token::String: {
            // Adjacent literals concatenate, as in Python.
            Node n;
            n.kind = Node::Constant;
            n.pos = t.pos;
            QString text;
            bool first = true;
            while (peek().kind == Token::String) {
                const Token& s = peek();
                if (s.fstring)
                    return failNode(s.pos, s.len, u"f-strings are not allowed in a signature"_qs);
                if (!first && s.bytes != n.bytes)
                    return failNode(s.pos, s.len,
                                    u"Cannot mix bytes and non-bytes string literals"_qs);
                n.bytes = s.bytes;
                first = false;
                text += s.value;
                n.len = s.pos + s.len - n.pos;
                ++m_i;
            }
            n.value = Value(text);
            return n;
        }
        case Token::Number: {
            ++m_i;
            return numberNode(t, false, t.pos);
        }
        case Token::Op:
            break;
        }
        if (t.text == u"-") {
            ++m_i;
            const Token n = peek();
            if (n.kind != Token::Number)
                return failNode(t.pos, t.len, u"'-' must be followed by a number"_qs);
            ++m_i;
            return numberNode(n, true, t.pos);
        }
        if (t.text == u"...") {
            ++m_i;
            Node n;
            n.kind = Node::Ellipsis;
            n.pos = t.pos;
            n.len = t.len;
            return n;
        }
        if (t.text == u"(") {
            ++m_i;
            Node tuple;
            tuple.kind = Node::Tuple;
            tuple.pos = t.pos;
            bool sawComma = false;
            while (!isOp(u")")) {
                if (peek().kind == Token::End)
                    return failNode(t.pos, 1, u"'(' was never closed"_qs);
                std::optional<Node> e = parseExpr(depth + 1);
                if (!e)
                    return std::nullopt;
                tuple.children.push_back(std::move(*e));
                if (isOp(u",")) {
                    sawComma = true;
                    ++m_i;
                    continue;
                }
                if (isOp(u")"))
                    break;
                const Token& x = peek();
                if (x.kind == Token::End)
                    return failNode(t.pos, 1, u"'(' was never closed"_qs);
                if (x.kind == Token::Error)
                    return failNode(x.pos, x.len, x.error);
                return failNode(x.pos, x.len,
                                QStringLiteral("Expected ',' or ')', found %1").arg(quote(x)));
            }
            const qsizetype close = peek().pos;
            ++m_i;
            if (tuple.children.size() == 1 && !sawComma) {
                Node inner = std::move(tuple.children.front());
                inner.pos = t.pos; // the parentheses belong to the expression
                inner.len = close + 1 - t.pos;
                return inner;
            }
            tuple.len = close + 1 - t.pos;
            return tuple;
        }
        if (t.text == u")" || t.text == u"]" || t.text == u"}")
            return failNode(t.pos, t.len, QStringLiteral("Unmatched '%1'").arg(t.text));
        return failNode(t.pos, t.len, QStringLiteral("Expected a type, found %1").arg(quote(t)));
    }

    std::optional<Node> numberNode(const Token& t, bool negative, qsizetype start)
    {
        static const QRegularExpression decimal(u"^(0(_?0)*|[1-9](_?[0-9])*)$"_qs);
        static const QRegularExpression hex(u"^0[xX](_?[0-9a-fA-F])+$"_qs);
        static const QRegularExpression oct(u"^0[oO](_?[0-7])+$"_qs);
        static const QRegularExpression bin(u"^0[bB](_?[01])+$"_qs);
        static const QRegularExpression flt(
            u"^(([0-9](_?[0-9])*)?\\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?"
            "|[0-9](_?[0-9])*\\.([eE][+-]?[0-9](_?[0-9])*)?"
            "|[0-9](_?[0-9])*[eE][+-]?[0-9](_?[0-9])*)$"_qs);
        static const QRegularExpression imag(u"^[0-9._eE+-]+[jJ]$"_qs);

        Node n;
        n.kind = Node::Constant;
        n.pos = start;
        n.len = t.pos + t.len - start;
        QString digits = t.text;
        digits.remove(u'_');
        auto integer = [&](int base, qsizetype skip) -> std::optional<Node> {
            bool ok = false;
            const qulonglong magnitude = digits.mid(skip).toULongLong(&ok, base);
            const qulonglong limit =
                qulonglong(std::numeric_limits<qint64>::max()) + (negative ? 1 : 0);
            if (!ok || magnitude > limit)
                return failNode(n.pos, n.len,
                                QStringLiteral("The integer %1 is too large")
                                    .arg(m_src.mid(n.pos, n.len).toString()));
            n.value = negative ? Value(qint64(0ULL - magnitude)) : Value(qint64(magnitude));
            return n;
        };
        if (decimal.match(t.text).hasMatch())
            return integer(10, 0);
        if (hex.match(t.text).hasMatch())
            return integer(16, 2);
        if (oct.match(t.text).hasMatch())
            return integer(8, 2);
        if (bin.match(t.text).hasMatch())
            return integer(2, 2);
        if (flt.match(t.text).hasMatch()) {
            bool ok = false;
            const double d = digits.toDouble(&ok);
            if (!ok || !std::isfinite(d))
                return failNode(n.pos, n.len,
                                QStringLiteral("The number %1 is out of range").arg(t.text));
            n.value = Value(negative ? -d : d);
            return n;
        }
        if (imag.match(t.text).hasMatch())
            return failNode(n.pos, n.len, u"Complex numbers are not supported in a signature"_qs);
        if (t.text.size() > 1 && t.text.at(0) == u'0' && isAsciiDigit(t.text.at(1).unicode()) &&
            !t.text.contains(u'.'))
            return failNode(
                t.pos, t.len,
                QStringLiteral("Invalid number '%1': leading zeros are not permitted").arg(t.text));
        return failNode(t.pos, t.len, QStringLiteral("Invalid number '%1'").arg(t.text));
    }

    QStringView m_src;
    QList<Token> m_toks;
    qsizetype m_i = 0;
    Failure& m_f;
};

// ------------------------------------------------------------------------------------------------

class Resolver
{
public:
    Resolver(QStringView src, Failure& failure)
        : m_src(src)
        , m_f(failure)
    {}

    // A field's annotation. A bare `None` means "no type" to DSPy (it falls back to str).
    std::optional<TypeSpec> annotation(const Node& n)
    {
        if (n.kind == Node::Constant && n.value.isNull())
            return TypeSpec::str();
        return type(n);
    }

    std::optional<TypeSpec> type(const Node& n)
    {
        std::optional<Term> t = term(n);
        if (!t)
            return std::nullopt;
        return asType(*t, n);
    }

private:
    enum class TermKind {
        Type,
        Generic,
        Optional,
        Union,
        Literal,
        TypingModule,
        Constant,
        Ellipsis,
        Tuple
    };
    struct Term
    {
        TermKind kind = TermKind::Type;
        TypeSpec type; // Type; Generic: the bare form
        Value value;   // Constant
    };

    QString text(const Node& n) const { return m_src.mid(n.pos, n.len).toString(); }

    std::optional<TypeSpec> failType(const Node& n, const QString& msg)
    {
        m_f.fail(n.pos, n.len, msg);
        return std::nullopt;
    }
    std::optional<Term> failTerm(const Node& n, const QString& msg)
    {
        m_f.fail(n.pos, n.len, msg);
        return std::nullopt;
    }

    static std::optional<Term> lookup(const QString& name, bool typingOnly)
    {
        using K = TypeSpec::Kind;
        Term t;
        auto simple = [&](K k) {
            t.type = TypeSpec(k);
            return t;
        };
        auto generic = [&](TypeSpec bare) {
            t.kind = TermKind::Generic;
            t.type = std::move(bare);
            return t;
        };
        // typing members (also reachable as typing.X)
        if (name == u"Any")
            return simple(K::Any);
        if (name == u"Text")
            return simple(K::Str);
        if (name == u"List")
            return generic(TypeSpec::bareGeneric(K::List, true));
        if (name == u"Dict")
            return generic(TypeSpec::bareGeneric(K::Dict, true));
        if (name == u"Tuple")
            return generic(TypeSpec::bareGeneric(K::Tuple, true));
        if (name == u"Set")
            return generic(TypeSpec::bareGeneric(K::Set, true));
        if (name == u"FrozenSet")
            return generic(TypeSpec::bareGeneric(K::Set, true, true));
        if (name == u"Optional") {
            t.kind = TermKind::Optional;
            return t;
        }
        if (name == u"Union") {
            t.kind = TermKind::Union;
            return t;
        }
        if (name == u"Literal") {
            t.kind = TermKind::Literal;
            return t;
        }
        if (typingOnly)
            return std::nullopt;
        if (name == u"str")
            return simple(K::Str);
        if (name == u"int")
            return simple(K::Int);
        if (name == u"float")
            return simple(K::Float);
        if (name == u"bool")
            return simple(K::Bool);
        if (name == u"NoneType")
            return simple(K::NoneType);
        if (name == u"list")
            return generic(TypeSpec(K::List));
        if (name == u"dict")
            return generic(TypeSpec(K::Dict));
        if (name == u"tuple")
            return generic(TypeSpec(K::Tuple));
        if (name == u"set")
            return generic(TypeSpec(K::Set));
        if (name == u"frozenset")
            return generic(TypeSpec::bareGeneric(K::Set, false, true));
        if (name == u"typing") {
            t.kind = TermKind::TypingModule;
            return t;
        }
        return std::nullopt;
    }

    std::optional<Term> term(const Node& n)
    {
        switch (n.kind) {
        case Node::Name: {
            std::optional<Term> t = lookup(n.name, false);
            if (t)
                return t;
            if (unsupportedTypeNames().contains(n.name))
                return failTerm(n, unsupportedMessage(n.name));
            return failTerm(n, u"Unknown name: "_qs + n.name);
        }
        case Node::Attribute: {
            const Node& base = n.children.front();
            if (base.kind == Node::Name && base.name == u"typing") {
                std::optional<Term> t = lookup(n.name, true);
                if (t)
                    return t;
                if (unsupportedTypeNames().contains(n.name))
                    return failTerm(n, unsupportedMessage(text(n)));
                return failTerm(n, QStringLiteral("Unknown name: %1").arg(text(n)));
            }
            if (base.kind == Node::Name && !lookup(base.name, false) &&
                !unsupportedTypeNames().contains(base.name))
                return failTerm(base, u"Unknown name: "_qs + base.name);
            return failTerm(n, unsupportedMessage(text(n)));
        }
        case Node::Subscript:
            return subscript(n);
        case Node::BitOr: {
            const Node& l = n.children.at(0);
            const Node& r = n.children.at(1);
            std::optional<Term> lt = term(l);
            if (!lt)
                return std::nullopt;
            std::optional<TypeSpec> left = asType(*lt, l);
            if (!left)
                return std::nullopt;
            std::optional<Term> rt = term(r);
            if (!rt)
                return std::nullopt;
            std::optional<TypeSpec> right = asType(*rt, r);
            if (!right)
                return std::nullopt;
            Term t;
            // DSPy rewrites `T | X` as Optional[X] when T evaluates to the NoneType class (not the
            // constant None), so None goes last: `NoneType | int` is Union[int, NoneType].
            if (left->kind() == TypeSpec::Kind::NoneType && l.kind != Node::Constant &&
                right->kind() != TypeSpec::Kind::NoneType)
                t.type = TypeSpec::optional(*right);
            else
                t.type = TypeSpec::unionOf({*left, *right});
            return t;
        }
        case Node::Constant: {
            Term t;
            t.kind = TermKind::Constant;
            t.value = n.value;
            if (n.bytes)
                return failTerm(n, u"Bytes literals are not supported in a signature"_qs);
            return t;
        }
        case Node::Ellipsis: {
            Term t;
            t.kind = TermKind::Ellipsis;
            return t;
        }
        case Node::Tuple: {
            Term t;
            t.kind = TermKind::Tuple;
            return t;
        }
        }
        return std::nullopt;
    }

    static QString unsupportedMessage(const QString& name)
    {
        return QStringLiteral("Unsupported type '%1': use str, int, float, bool, list, dict, "
                              "tuple, set, frozenset, Literal, Optional, Union or Any")
            .arg(name);
    }

    std::optional<TypeSpec> asType(const Term& t, const Node& n)
    {
        switch (t.kind) {
        case TermKind::Type:
        case TermKind::Generic:
            return t.type;
        case TermKind::Optional:
            return failType(n, u"Optional needs a type argument, e.g. Optional[int]"_qs);
        case TermKind::Union:
            return failType(n, u"Union needs type arguments, e.g. Union[int, str]"_qs);
        case TermKind::Literal:
            return failType(n, u"Literal needs at least one value, e.g. Literal['a', 'b']"_qs);
        case TermKind::TypingModule:
            return failType(n, u"'typing' is a module, not a type"_qs);
        case TermKind::Constant:
            if (t.value.isNull())
                return TypeSpec(TypeSpec::Kind::NoneType);
            return failType(n, QStringLiteral("Expected a type, found the constant %1")
                                   .arg(t.value.toPythonRepr()));
        case TermKind::Ellipsis:
            return failType(n, u"'...' is only allowed as the last argument of tuple[T, ...]"_qs);
        case TermKind::Tuple:
            return failType(n, u"Expected a type, found a tuple"_qs);
        }
        return std::nullopt;
    }

    std::optional<Term> subscript(const Node& n)
    {
        using K = TypeSpec::Kind;
        const Node& baseNode = n.children.front();
        std::vector<const Node*> args;
        for (size_t i = 1; i < n.children.size(); ++i)
            args.push_back(&n.children[i]);
        // `dict[(str, int)]` is the same subscript as `dict[str, int]` to Python.
        if (args.size() == 1 && args.front()->kind == Node::Tuple) {
            const Node* tuple = args.front();
            args.clear();
            for (const Node& c : tuple->children)
                args.push_back(&c);
        }
        std::optional<Term> base = term(baseNode);
        if (!base)
            return std::nullopt;

        auto types = [&](std::vector<const Node*> nodes) -> std::optional<QList<TypeSpec>> {
            QList<TypeSpec> out;
            for (const Node* a : nodes) {
                std::optional<TypeSpec> t = type(*a);
                if (!t)
                    return std::nullopt;
                out.append(*t);
            }
            return out;
        };
        auto arity = [&](const QString& what, size_t count, const QString& example) {
            return failTerm(n, QStringLiteral("%1 takes %2, e.g. %3")
                                   .arg(what,
                                        count == 1 ? u"exactly one type argument"_qs
                                                   : u"exactly two type arguments"_qs,
                                        example));
        };

        Term result;
        switch (base->kind) {
        case TermKind::Generic: {
            const K kind = base->type.kind();
            const QString origin = base->type.annotation();
            if (kind == K::List || kind == K::Set) {
                if (args.size() != 1)
                    return arity(origin, 1, origin.toLower() + u"[str]"_qs);
                std::optional<QList<TypeSpec>> item = types(args);
                if (!item)
                    return std::nullopt;
                result.type = kind == K::List
                                  ? TypeSpec::list(item->first())
                                  : TypeSpec::set(item->first(), base->type.isFrozenSet());
                return result;
            }
            if (kind == K::Dict) {
                if (args.size() != 2)
                    return arity(origin, 2, u"dict[str, int]"_qs);
                std::optional<QList<TypeSpec>> kv = types(args);
                if (!kv)
                    return std::nullopt;
                result.type = TypeSpec::dict(kv->at(0), kv->at(1));
                return result;
            }
            // tuple
            if (args.empty())
                return failTerm(n, u"The empty tuple type tuple[()] is not supported"_qs);
            for (size_t i = 0; i < args.size(); ++i) {
                if (args[i]->kind == Node::Ellipsis && !(i == 1 && args.size() == 2))
                    return failTerm(*args[i], u"'...' is only allowed as the last argument of "
                                              "tuple[T, ...]"_qs);
            }
            if (args.size() == 2 && args[1]->kind == Node::Ellipsis) {
                std::optional<TypeSpec> item = type(*args[0]);
                if (!item)
                    return std::nullopt;
                result.type = TypeSpec::tuple({*item}, true);
                return result;
            }
            std::optional<QList<TypeSpec>> items = types(args);
            if (!items)
                return std::nullopt;
            result.type = TypeSpec::tuple(*items);
            return result;
        }
        case TermKind::Optional: {
            if (args.size() != 1)
                return failTerm(n, u"Optional must have exactly one type argument"_qs);
            std::optional<TypeSpec> t = type(*args.front());
            if (!t)
                return std::nullopt;
            result.type = TypeSpec::optional(*t);
            return result;
        }
        case TermKind::Union: {
            std::optional<QList<TypeSpec>> members = types(args);
            if (!members)
                return std::nullopt;
            result.type = TypeSpec::unionOf(*members);
            return result;
        }
        case TermKind::Literal: {
            QList<Value> values;
            for (const Node* a : args) {
                if (a->kind == Node::Constant && !a->bytes) {
                    values.append(a->value);
                    continue;
                }
                if (a->kind == Node::Subscript) {
                    // Literal[Literal['a'], 'b'] flattens, as typing does.
                    std::optional<Term> inner = term(*a);
                    if (!inner)
                        return std::nullopt;
                    if (inner->kind == TermKind::Type && inner->type.kind() == K::Literal) {
                        values.append(inner->type.literalValues());
                        continue;
                    }
                }
                if (a->kind == Node::Constant)
                    return failTerm(*a, u"Bytes literals are not supported in a signature"_qs);
                return failTerm(*a, QStringLiteral("Literal values must be constants (strings, "
                                                   "numbers, True, False or None), found '%1'")
                                        .arg(text(*a)));
            }
            result.type = TypeSpec::literal(values);
            return result;
        }
        case TermKind::Type:
            return failTerm(
                baseNode, QStringLiteral("'%1' does not take type arguments").arg(text(baseNode)));
        case TermKind::TypingModule:
        case TermKind::Constant:
        case TermKind::Ellipsis:
        case TermKind::Tuple:
            break;
        }
        return failTerm(baseNode, QStringLiteral("'%1' cannot be subscripted").arg(text(baseNode)));
    }

    QStringView m_src;
    Failure& m_f;
};

struct ParsedSide
{
    QList<Field> fields;
    QList<std::pair<qsizetype, qsizetype>> spans; // each field name's position and length
};

bool parseSide(QStringView src, qsizetype begin, qsizetype end, bool inputs, Failure& failure,
               ParsedSide* out)
{
    Parser parser(src, Lexer(src, begin, end).run(), failure);
    QList<RawParam> params;
    if (!parser.parseParams(&params))
        return false;
    QHash<QString, qsizetype> seen;
    for (const RawParam& p : params) {
        if (seen.contains(p.name))
            return failure.fail(p.pos, p.len,
                                QStringLiteral("Duplicate field name '%1'").arg(p.name));
        seen.insert(p.name, p.pos);
    }
    Resolver resolver(src, failure);
    for (const RawParam& p : params) {
        Field f = inputs ? makeInputField(p.name) : makeOutputField(p.name);
        if (p.annotation) {
            std::optional<TypeSpec> t = resolver.annotation(*p.annotation);
            if (!t)
                return false;
            f.type = *t;
        } else {
            f.typeUndefined = true;
        }
        out->fields.append(std::move(f));
        out->spans.append({p.pos, p.len});
    }
    return true;
}

// Python's str.isspace().
bool pyIsSpace(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= 0x09 && u <= 0x0d) || (u >= 0x1c && u <= 0x20) || u == 0x85 || u == 0xa0 ||
           u == 0x1680 || (u >= 0x2000 && u <= 0x200a) || u == 0x2028 || u == 0x2029 ||
           u == 0x202f || u == 0x205f || u == 0x3000;
}

QString expandTabs(QStringView s)
{
    QString out;
    out.reserve(s.size());
    qsizetype column = 0;
    for (QChar c : s) {
        if (c == u'\t') {
            const qsizetype spaces = 8 - column % 8;
            out.append(QString(spaces, u' '));
            column += spaces;
        } else {
            out.append(c);
            column = (c == u'\n' || c == u'\r') ? 0 : column + 1;
        }
    }
    return out;
}

QString lstripPy(const QString& s)
{
    qsizetype i = 0;
    while (i < s.size() && pyIsSpace(s.at(i)))
        ++i;
    return s.mid(i);
}

} // namespace

// ------------------------------------------------------------------------------------------------

QString cleandoc(const QString& text)
{
    QStringList lines = expandTabs(text).split(u'\n');
    qsizetype margin = std::numeric_limits<qsizetype>::max();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype content = lstripPy(lines.at(i)).size();
        if (content > 0)
            margin = std::min(margin, lines.at(i).size() - content);
    }
    lines[0] = lstripPy(lines.at(0));
    if (margin != std::numeric_limits<qsizetype>::max()) {
        for (qsizetype i = 1; i < lines.size(); ++i)
            lines[i] = lines.at(i).mid(margin);
    }
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    while (!lines.isEmpty() && lines.first().isEmpty())
        lines.removeFirst();
    return lines.join(u'\n');
}

QString SignatureError::toString() const
{
    if (position < 0)
        return message;
    return QStringLiteral("position %1: %2").arg(position).arg(message);
}

std::optional<TypeSpec> parseTypeAnnotation(QStringView text, SignatureError* error)
{
    Failure failure(error);
    Parser parser(text, Lexer(text, 0, text.size()).run(), failure);
    std::optional<Node> node = parser.parseWholeExpr();
    if (!node)
        return std::nullopt;
    return Resolver(text, failure).annotation(*node);
}

// ------------------------------------------------------------------------------------------------

class SignatureData : public QSharedData
{
public:
    QList<Field> inputs;
    QList<Field> outputs;
    QString instructions; // as given; empty means the default text
};

Signature::Signature()
    : d(new SignatureData)
{}
Signature::Signature(const Signature&) = default;
Signature& Signature::operator=(const Signature&) = default;
Signature::Signature(Signature&&) noexcept = default;
Signature& Signature::operator=(Signature&&) noexcept = default;
Signature::~Signature() = default;
Signature::Signature(QSharedDataPointer<SignatureData> data)
    : d(std::move(data))
{}

std::optional<Signature> Signature::parse(QStringView text, const QString& instructions,
                                          SignatureError* error)
{
    Failure failure(error);
    // DSPy counts arrows in the raw text, string literals included.
    const qsizetype arrow = text.indexOf(u"->");
    if (arrow < 0) {
        failure.fail(text.size(), 0,
                     u"Invalid signature: it must contain '->' between the inputs and the "
                     "outputs"_qs);
        return std::nullopt;
    }
    const qsizetype second = text.indexOf(u"->", arrow + 2);
    if (second >= 0) {
        failure.fail(second, 2,
                     u"Invalid signature: it must contain exactly one '->', found another "
                     "one here"_qs);
        return std::nullopt;
    }

    ParsedSide in;
    ParsedSide out;
    if (!parseSide(text, 0, arrow, true, failure, &in) ||
        !parseSide(text, arrow + 2, text.size(), false, failure, &out))
        return std::nullopt;

    QStringList duplicates;
    qsizetype firstDup = -1;
    for (qsizetype i = 0; i < out.fields.size(); ++i) {
        const QString& name = out.fields.at(i).name;
        const bool clash = std::any_of(in.fields.cbegin(), in.fields.cend(),
                                       [&](const Field& f) { return f.name == name; });
        if (clash) {
            duplicates.append(name);
            if (firstDup < 0)
                firstDup = i;
        }
    }
    if (!duplicates.isEmpty()) {
        duplicates.sort();
        failure.fail(out.spans.at(firstDup).first, out.spans.at(firstDup).second,
                     QStringLiteral("Input and output fields must have distinct names, but found "
                                    "duplicates: '%1'.")
                         .arg(duplicates.join(u", "_qs)));
        return std::nullopt;
    }

    QSharedDataPointer<SignatureData> data(new SignatureData);
    data->inputs = std::move(in.fields);
    data->outputs = std::move(out.fields);
    data->instructions = instructions;
    return Signature(std::move(data));
}

Signature Signature::fromString(QStringView text, const QString& instructions)
{
    SignatureError error;
    std::optional<Signature> sig = parse(text, instructions, &error);
    if (!sig)
        throw std::invalid_argument(error.toString().toStdString());
    return *sig;
}

Signature Signature::fromFields(QList<Field> inputs, QList<Field> outputs,
                                const QString& instructions)
{
    QSharedDataPointer<SignatureData> data(new SignatureData);
    auto fix = [](QList<Field>& fields, bool isInput) {
        for (Field& f : fields) {
            f.isInput = isInput;
            if (f.prefix.isEmpty())
                f.prefix = inferPrefix(f.name) + u':';
        }
    };
    fix(inputs, true);
    fix(outputs, false);
    data->inputs = std::move(inputs);
    data->outputs = std::move(outputs);
    data->instructions = instructions;
    return Signature(std::move(data));
}

const QList<Field>& Signature::inputFields() const
{
    return d->inputs;
}

const QList<Field>& Signature::outputFields() const
{
    return d->outputs;
}

QList<Field> Signature::fields() const
{
    return d->inputs + d->outputs;
}

const Field* Signature::field(QStringView name) const
{
    for (const QList<Field>* list : {&d->inputs, &d->outputs})
        for (const Field& f : *list)
            if (f.name == name)
                return &f;
    return nullptr;
}

QStringList Signature::inputNames() const
{
    QStringList names;
    for (const Field& f : d->inputs)
        names.append(f.name);
    return names;
}

QStringList Signature::outputNames() const
{
    QStringList names;
    for (const Field& f : d->outputs)
        names.append(f.name);
    return names;
}

QString Signature::instructions() const
{
    // pydantic drops an empty docstring, so "" falls back to the default text; whitespace does not.
    if (d->instructions.isEmpty())
        return defaultInstructions();
    return cleandoc(d->instructions);
}

QString Signature::defaultInstructions() const
{
    auto ticked = [](const QStringList& names) {
        QStringList out;
        for (const QString& n : names)
            out.append(u'`' + n + u'`');
        return out.join(u", "_qs);
    };
    return QStringLiteral("Given the fields %1, produce the fields %2.")
        .arg(ticked(inputNames()), ticked(outputNames()));
}

bool Signature::hasCustomInstructions() const
{
    return !d->instructions.isEmpty();
}

QString Signature::signatureString() const
{
    return inputNames().join(u", "_qs) + u" -> "_qs + outputNames().join(u", "_qs);
}

QString Signature::toString() const
{
    auto side = [](const QList<Field>& fields) {
        QStringList parts;
        for (const Field& f : fields) {
            if (f.typeUndefined && f.type.isStr())
                parts.append(f.name);
            else
                parts.append(f.name + u": "_qs + f.type.annotation());
        }
        return parts.join(u", "_qs);
    };
    return side(d->inputs) + u" -> "_qs + side(d->outputs);
}

Signature Signature::withFrozenInstructions() const
{
    // DSPy rebuilds the class with `cls.instructions`, i.e. the cleaned text, so default
    // instructions keep naming the old fields: CoT's "reasoning" does not appear in them.
    return withInstructions(instructions());
}

Signature Signature::withInstructions(const QString& instructions) const
{
    Signature copy(*this);
    copy.d->instructions = instructions;
    return copy;
}

Signature Signature::appendInstructions(const QString& text) const
{
    return withInstructions(instructions() + u"\n\n"_qs + text);
}

Signature Signature::withUpdatedField(const QString& name, const Field& field) const
{
    Signature copy = withFrozenInstructions();
    for (QList<Field>* list : {&copy.d->inputs, &copy.d->outputs}) {
        for (Field& f : *list) {
            if (f.name == name) {
                const bool isInput = f.isInput;
                f = field;
                f.name = name; // the field keeps its name and side; use remove + insert to move
                f.isInput = isInput;
                return copy;
            }
        }
    }
    return copy;
}

std::optional<Signature> Signature::insert(int index, const Field& field, QString* error) const
{
    if (this->field(field.name)) {
        if (error)
            *error = QStringLiteral("Cannot insert field '%1': a field with that name already "
                                    "exists")
                         .arg(field.name);
        return std::nullopt;
    }
    const QList<Field>& list = field.isInput ? d->inputs : d->outputs;
    const qsizetype size = list.size();
    const qsizetype at = index < 0 ? index + size + 1 : index;
    if (at < 0 || at > size) {
        if (error)
            *error = QStringLiteral("Invalid index to insert: %1, index must be in the range of "
                                    "[%2, %3] for %4 fields")
                         .arg(index)
                         .arg(-(size + 1))
                         .arg(size)
                         .arg(field.isInput ? u"input"_qs : u"output"_qs);
        return std::nullopt;
    }
    Signature copy = withFrozenInstructions();
    Field f = field;
    if (f.prefix.isEmpty())
        f.prefix = inferPrefix(f.name) + u':';
    (field.isInput ? copy.d->inputs : copy.d->outputs).insert(at, std::move(f));
    return copy;
}

Signature Signature::prepend(const Field& field) const
{
    // A field of the same name is replaced, so prepend/append cannot fail.
    return *remove(field.name).insert(0, field);
}

Signature Signature::append(const Field& field) const
{
    return *remove(field.name).insert(-1, field);
}

Signature Signature::remove(const QString& name) const
{
    Signature copy = withFrozenInstructions();
    for (QList<Field>* list : {&copy.d->inputs, &copy.d->outputs})
        list->removeIf([&](const Field& f) { return f.name == name; });
    return copy;
}

bool Signature::equals(const Signature& other) const
{
    if (d == other.d)
        return true;
    if (instructions() != other.instructions())
        return false;
    auto same = [](const QList<Field>& a, const QList<Field>& b) {
        if (a.size() != b.size())
            return false;
        for (qsizetype i = 0; i < a.size(); ++i) {
            const Field& x = a.at(i);
            const Field& y = b.at(i);
            if (x.name != y.name || x.type != y.type || x.description != y.description ||
                x.prefix != y.prefix)
                return false;
        }
        return true;
    };
    return same(d->inputs, other.d->inputs) && same(d->outputs, other.d->outputs);
}

} // namespace dspy
