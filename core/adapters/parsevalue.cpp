#include "adapters/parsevalue.h"

#include "adapters/jsonrepair.h"

#include <QStringList>

#include <cmath>
#include <limits>

namespace dspy {

namespace {

// One pydantic error: where (path inside the value), what kind, the message and the input.
struct Issue
{
    QStringList loc;
    QString type;
    QString message;
    Value input;
};

using Issues = QList<Issue>;

QString pythonTypeName(const Value& v)
{
    switch (v.type()) {
    case Value::Type::Null:
        return QStringLiteral("NoneType");
    case Value::Type::Bool:
        return QStringLiteral("bool");
    case Value::Type::Int:
        return QStringLiteral("int");
    case Value::Type::Float:
        return QStringLiteral("float");
    case Value::Type::String:
        return QStringLiteral("str");
    case Value::Type::Array:
        return QStringLiteral("list");
    case Value::Type::Object:
        return QStringLiteral("dict");
    }
    return {};
}

// pydantic shortens long input reprs to their first 25 and last 24 characters.
QString shortRepr(const Value& v)
{
    const QString r = v.toPythonRepr();
    if (r.size() <= 50)
        return r;
    return r.left(25) + QStringLiteral("...") + r.right(24);
}

QString formatIssues(const Issues& issues)
{
    QStringList lines;
    for (const Issue& i : issues) {
        QString line;
        if (!i.loc.isEmpty())
            line += i.loc.join(u'.') + QStringLiteral(": ");
        line += QStringLiteral("%1 [type=%2, input_value=%3, input_type=%4]")
                    .arg(i.message, i.type, shortRepr(i.input), pythonTypeName(i.input));
        lines << line;
    }
    return lines.join(u'\n');
}

Issues issue(const QString& type, const QString& message, const Value& input)
{
    return {Issue{{}, type, message, input}};
}

Issues prefixed(Issues issues, const QString& loc)
{
    for (Issue& i : issues)
        i.loc.prepend(loc);
    return issues;
}

// pydantic's str -> int: surrounding whitespace, a sign, digits with single underscores between
// them, and a fractional part made only of zeros ("42.00").
std::optional<qint64> strToInt(QStringView s, bool* overflow)
{
    *overflow = false;
    s = s.trimmed();
    qsizetype i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == u'+' || s[i] == u'-')) {
        negative = s[i] == u'-';
        ++i;
    }
    QString digits;
    bool lastUnderscore = true; // forbids a leading underscore
    for (; i < s.size(); ++i) {
        const QChar c = s[i];
        if (c >= u'0' && c <= u'9') {
            digits += c;
            lastUnderscore = false;
        } else if (c == u'_' && !lastUnderscore) {
            lastUnderscore = true;
        } else {
            break;
        }
    }
    if (digits.isEmpty() || lastUnderscore)
        return std::nullopt;
    if (i < s.size()) {
        if (s[i] != u'.')
            return std::nullopt;
        ++i;
        qsizetype zeros = 0;
        while (i < s.size() && s[i] == u'0') {
            ++i;
            ++zeros;
        }
        if (zeros == 0 || i != s.size())
            return std::nullopt;
    }
    bool ok = false;
    const qint64 v = (negative ? QStringLiteral("-") + digits : digits).toLongLong(&ok);
    if (!ok) {
        *overflow = true;
        return std::nullopt;
    }
    return v;
}

// pydantic's str -> float: Python float() syntax with underscores, inf/infinity/nan.
std::optional<double> strToFloat(QStringView s)
{
    s = s.trimmed();
    qsizetype i = 0;
    double sign = 1.0;
    if (i < s.size() && (s[i] == u'+' || s[i] == u'-')) {
        sign = s[i] == u'-' ? -1.0 : 1.0;
        ++i;
    }
    const QString rest = s.mid(i).toString().toLower();
    if (rest == u"inf" || rest == u"infinity")
        return sign * std::numeric_limits<double>::infinity();
    if (rest == u"nan")
        return std::numeric_limits<double>::quiet_NaN();
    // digits [. digits] [e [sign] digits], underscores only between digits
    QString clean;
    qsizetype j = 0;
    const auto digitRun = [&](bool required) {
        const qsizetype start = j;
        bool lastUnderscore = true;
        while (j < rest.size()) {
            const QChar c = rest[j];
            if (c >= u'0' && c <= u'9') {
                clean += c;
                lastUnderscore = false;
            } else if (c == u'_' && !lastUnderscore) {
                lastUnderscore = true;
            } else {
                break;
            }
            ++j;
        }
        if (j > start && lastUnderscore)
            return false;
        return !required || j > start;
    };
    if (!digitRun(false))
        return std::nullopt;
    const qsizetype intLen = clean.size();
    if (j < rest.size() && rest[j] == u'.') {
        clean += u'.';
        ++j;
        if (!digitRun(false))
            return std::nullopt;
        if (intLen == 0 && clean.size() == 1)
            return std::nullopt;
    } else if (intLen == 0) {
        return std::nullopt;
    }
    if (j < rest.size() && rest[j] == u'e') {
        clean += u'e';
        ++j;
        if (j < rest.size() && (rest[j] == u'+' || rest[j] == u'-'))
            clean += rest[j++];
        if (!digitRun(true))
            return std::nullopt;
    }
    if (j != rest.size())
        return std::nullopt;
    bool ok = false;
    double d = clean.toDouble(&ok);
    if (!ok && !std::isinf(d))
        return std::nullopt;
    return sign * d;
}

// The text json.dumps would write for a dict key of this value.
QString keyText(const Value& v)
{
    return v.isString() ? v.toString() : v.toJson();
}

bool typeExactEqual(const Value& a, const Value& b)
{
    if (a.isBool() != b.isBool())
        return false;
    if (a.isString() != b.isString())
        return false;
    if (a.isInt() && b.isFloat())
        return false;
    if (a.isFloat() && b.isInt())
        return false;
    return a == b;
}

QString literalExpected(const QList<Value>& literals)
{
    QStringList reprs;
    for (const Value& v : literals)
        reprs << v.toPythonRepr();
    if (reprs.size() <= 1)
        return reprs.join(QString());
    const QString last = reprs.takeLast();
    return reprs.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

class Validator
{
public:
    // Returns the coerced value; on failure fills *errors.
    static std::optional<Value> run(const Value& v, const TypeSpec& t, bool strict, Issues* errors)
    {
        switch (t.kind()) {
        case TypeSpec::Kind::Any:
            return v;
        case TypeSpec::Kind::NoneType:
            if (v.isNull())
                return v;
            *errors =
                issue(QStringLiteral("none_required"), QStringLiteral("Input should be None"), v);
            return std::nullopt;
        case TypeSpec::Kind::Str:
            if (v.isString())
                return v;
            *errors = issue(QStringLiteral("string_type"),
                            QStringLiteral("Input should be a valid string"), v);
            return std::nullopt;
        case TypeSpec::Kind::Int:
            return toInt(v, strict, errors);
        case TypeSpec::Kind::Float:
            return toFloat(v, strict, errors);
        case TypeSpec::Kind::Bool:
            return toBool(v, strict, errors);
        case TypeSpec::Kind::List:
        case TypeSpec::Kind::Set:
            return toSequence(v, t, strict, errors);
        case TypeSpec::Kind::Tuple:
            return toTuple(v, t, strict, errors);
        case TypeSpec::Kind::Dict:
            return toDict(v, t, strict, errors);
        case TypeSpec::Kind::Literal:
            return toLiteral(v, t, strict, errors);
        case TypeSpec::Kind::Union:
            return toUnion(v, t, strict, errors);
        }
        return v;
    }

private:
    static std::optional<Value> toInt(const Value& v, bool strict, Issues* errors)
    {
        if (v.isInt())
            return v;
        if (!strict) {
            if (v.isBool())
                return Value(qint64(v.toBool() ? 1 : 0));
            if (v.isFloat()) {
                const double d = v.toDouble();
                if (!std::isfinite(d)) {
                    *errors = issue(QStringLiteral("finite_number"),
                                    QStringLiteral("Input should be a finite number"), v);
                    return std::nullopt;
                }
                if (d != std::floor(d)) {
                    *errors = issue(
                        QStringLiteral("int_from_float"),
                        QStringLiteral(
                            "Input should be a valid integer, got a number with a fractional part"),
                        v);
                    return std::nullopt;
                }
                if (std::fabs(d) >= 9.2233720368547758e18) {
                    *errors = issue(QStringLiteral("int_parsing_size"),
                                    QStringLiteral("Unable to parse input string as an integer, "
                                                   "exceeded maximum size"),
                                    v);
                    return std::nullopt;
                }
                return Value(qint64(d));
            }
            if (v.isString()) {
                bool overflow = false;
                if (auto i = strToInt(v.toString(), &overflow))
                    return Value(*i);
                if (overflow) {
                    // Python ints are unbounded; a Value keeps the nearest float.
                    return Value(v.toString().trimmed().remove(u'_').toDouble());
                }
                *errors = issue(
                    QStringLiteral("int_parsing"),
                    QStringLiteral(
                        "Input should be a valid integer, unable to parse string as an integer"),
                    v);
                return std::nullopt;
            }
        }
        *errors =
            issue(QStringLiteral("int_type"), QStringLiteral("Input should be a valid integer"), v);
        return std::nullopt;
    }

    static std::optional<Value> toFloat(const Value& v, bool strict, Issues* errors)
    {
        if (v.isFloat())
            return v;
        // Strict mode serves smart unions, where an int is an exact match only for int.
        if (v.isInt() && !strict)
            return Value(double(v.toInt()));
        if (!strict) {
            if (v.isBool())
                return Value(v.toBool() ? 1.0 : 0.0);
            if (v.isString()) {
                if (auto d = strToFloat(v.toString()))
                    return Value(*d);
                *errors =
                    issue(QStringLiteral("float_parsing"),
                          QStringLiteral(
                              "Input should be a valid number, unable to parse string as a number"),
                          v);
                return std::nullopt;
            }
        }
        *errors = issue(QStringLiteral("float_type"),
                        QStringLiteral("Input should be a valid number"), v);
        return std::nullopt;
    }

    static std::optional<Value> toBool(const Value& v, bool strict, Issues* errors)
    {
        if (v.isBool())
            return v;
        const QString parsing = QStringLiteral("bool_parsing");
        const QString parsingMsg =
            QStringLiteral("Input should be a valid boolean, unable to interpret input");
        if (!strict) {
            if (v.isInt()) {
                if (v.toInt() == 0 || v.toInt() == 1)
                    return Value(v.toInt() == 1);
                *errors = issue(parsing, parsingMsg, v);
                return std::nullopt;
            }
            if (v.isFloat() && (v.toDouble() == 0.0 || v.toDouble() == 1.0))
                return Value(v.toDouble() == 1.0);
            if (v.isString()) {
                const QString s = v.toString().toLower();
                static const QStringList truthy = {"1", "on", "t", "true", "y", "yes"};
                static const QStringList falsy = {"0", "off", "f", "false", "n", "no"};
                if (truthy.contains(s))
                    return Value(true);
                if (falsy.contains(s))
                    return Value(false);
                *errors = issue(parsing, parsingMsg, v);
                return std::nullopt;
            }
        }
        *errors = issue(QStringLiteral("bool_type"),
                        QStringLiteral("Input should be a valid boolean"), v);
        return std::nullopt;
    }

    static std::optional<Value> toSequence(const Value& v, const TypeSpec& t, bool strict,
                                           Issues* errors)
    {
        const bool isSet = t.kind() == TypeSpec::Kind::Set;
        if (!v.isArray()) {
            if (!isSet)
                *errors = issue(QStringLiteral("list_type"),
                                QStringLiteral("Input should be a valid list"), v);
            else if (t.isFrozenSet())
                *errors = issue(QStringLiteral("frozen_set_type"),
                                QStringLiteral("Input should be a valid frozenset"), v);
            else
                *errors = issue(QStringLiteral("set_type"),
                                QStringLiteral("Input should be a valid set"), v);
            return std::nullopt;
        }
        if (t.isBare())
            return v;
        const TypeSpec& item = t.args().first();
        Array out;
        Issues all;
        const Array& in = v.toArray();
        for (qsizetype i = 0; i < in.size(); ++i) {
            Issues e;
            auto r = run(in.at(i), item, strict, &e);
            if (!r) {
                all += prefixed(e, QString::number(i));
                continue;
            }
            if (isSet && out.contains(*r))
                continue;
            out.append(std::move(*r));
        }
        if (!all.isEmpty()) {
            *errors = all;
            return std::nullopt;
        }
        return Value(std::move(out));
    }

    static std::optional<Value> toTuple(const Value& v, const TypeSpec& t, bool strict,
                                        Issues* errors)
    {
        if (!v.isArray()) {
            *errors = issue(QStringLiteral("tuple_type"),
                            QStringLiteral("Input should be a valid tuple"), v);
            return std::nullopt;
        }
        if (t.isBare())
            return v;
        const Array& in = v.toArray();
        Array out;
        Issues all;
        if (t.isVariadicTuple()) {
            for (qsizetype i = 0; i < in.size(); ++i) {
                Issues e;
                auto r = run(in.at(i), t.args().first(), strict, &e);
                if (r)
                    out.append(std::move(*r));
                else
                    all += prefixed(e, QString::number(i));
            }
        } else {
            const qsizetype expected = t.args().size();
            if (in.size() > expected) {
                *errors = issue(
                    QStringLiteral("too_long"),
                    QStringLiteral("Tuple should have at most %1 item%2 after validation, not %3")
                        .arg(expected)
                        .arg(expected == 1 ? QString() : QStringLiteral("s"))
                        .arg(in.size()),
                    v);
                return std::nullopt;
            }
            for (qsizetype i = 0; i < expected; ++i) {
                if (i >= in.size()) {
                    all += prefixed(
                        issue(QStringLiteral("missing"), QStringLiteral("Field required"), v),
                        QString::number(i));
                    continue;
                }
                Issues e;
                auto r = run(in.at(i), t.args().at(i), strict, &e);
                if (r)
                    out.append(std::move(*r));
                else
                    all += prefixed(e, QString::number(i));
            }
        }
        if (!all.isEmpty()) {
            *errors = all;
            return std::nullopt;
        }
        return Value(std::move(out));
    }

    static std::optional<Value> toDict(const Value& v, const TypeSpec& t, bool strict,
                                       Issues* errors)
    {
        if (!v.isObject()) {
            *errors = issue(QStringLiteral("dict_type"),
                            QStringLiteral("Input should be a valid dictionary"), v);
            return std::nullopt;
        }
        if (t.isBare())
            return v;
        const TypeSpec& keyType = t.args().at(0);
        const TypeSpec& valueType = t.args().at(1);
        Object out;
        Issues all;
        for (const auto& [key, value] : v.toObject()) {
            Issues ke;
            // Keys arrive as text (JSON has no other kind), so even strict mode must read them.
            auto k = run(Value(key), keyType, false, &ke);
            if (!k)
                all += prefixed(prefixed(ke, QStringLiteral("[key]")), key);
            Issues ve;
            auto val = run(value, valueType, strict, &ve);
            if (!val)
                all += prefixed(ve, key);
            if (k && val)
                out.insert(keyText(*k), std::move(*val));
        }
        if (!all.isEmpty()) {
            *errors = all;
            return std::nullopt;
        }
        return Value(std::move(out));
    }

    static std::optional<Value> toLiteral(const Value& v, const TypeSpec& t, bool strict,
                                          Issues* errors)
    {
        for (const Value& lit : t.literalValues()) {
            if (strict ? typeExactEqual(lit, v) : (lit.isString() == v.isString() && lit == v))
                return lit;
        }
        const QString expected = literalExpected(t.literalValues());
        *errors = issue(QStringLiteral("literal_error"),
                        QStringLiteral("Input should be ") + expected, v);
        return std::nullopt;
    }

    static std::optional<Value> toUnion(const Value& v, const TypeSpec& t, bool strict,
                                        Issues* errors)
    {
        const QList<TypeSpec>& members = t.args();
        // Optional[T] is pydantic's nullable schema: None, or T's own error alone.
        if (members.size() == 2 && t.admitsNone()) {
            if (v.isNull())
                return v;
            return run(v, t.withoutNone(), strict, errors);
        }
        // Smart mode: an exact (strict) match wins over a coercion, then members in order.
        for (const TypeSpec& m : members) {
            Issues ignored;
            if (auto r = run(v, m, true, &ignored))
                return r;
        }
        Issues all;
        if (!strict) {
            for (const TypeSpec& m : members) {
                Issues e;
                if (auto r = run(v, m, false, &e))
                    return r;
                all += prefixed(e, m.kind() == TypeSpec::Kind::NoneType ? QStringLiteral("none")
                                                                        : m.displayName());
            }
        } else {
            for (const TypeSpec& m : members) {
                Issues e;
                run(v, m, true, &e);
                all += prefixed(e, m.displayName());
            }
        }
        *errors = all;
        return std::nullopt;
    }
};

bool unionHasStr(const TypeSpec& t)
{
    if (t.kind() != TypeSpec::Kind::Union)
        return false;
    for (const TypeSpec& m : t.args()) {
        if (m.isStr())
            return true;
    }
    return false;
}

QString pythonTupleRepr(const QList<Value>& values)
{
    QStringList reprs;
    for (const Value& v : values)
        reprs << v.toPythonRepr();
    if (reprs.size() == 1)
        return QStringLiteral("(%1,)").arg(reprs.first());
    return QStringLiteral("(%1)").arg(reprs.join(QStringLiteral(", ")));
}

// json_repair first, then ast.literal_eval, then the raw text — DSPy's candidate for validation.
Value candidateFor(const QString& text)
{
    Value candidate = repairJson(text);
    if (candidate.isString() && candidate.toString().isEmpty() && !text.isEmpty()) {
        if (auto lit = pythonLiteral(text))
            candidate = *lit;
        else
            candidate = Value(text);
    }
    return candidate;
}

} // namespace

Expected<Value, QString> validateValue(const Value& value, const TypeSpec& type)
{
    Issues errors;
    if (auto r = Validator::run(value, type, false, &errors))
        return *r;
    return unexpected(formatIssues(errors));
}

Expected<Value, QString> parseValue(const QString& text, const TypeSpec& type)
{
    if (type.isStr())
        return Value(text);

    if (type.kind() == TypeSpec::Kind::Literal) {
        const QList<Value>& allowed = type.literalValues();
        for (const Value& lit : allowed) {
            if (lit.isString() && lit.toString() == text)
                return lit;
        }
        QString v = text.trimmed();
        if ((v.startsWith(QLatin1String("Literal[")) || v.startsWith(QLatin1String("str["))) &&
            v.endsWith(u']'))
            v = v.mid(v.indexOf(u'[') + 1).chopped(1);
        if (v.size() > 1 && v.front() == v.back() && (v.front() == u'"' || v.front() == u'\''))
            v = v.mid(1).chopped(1);
        for (const Value& lit : allowed) {
            if (lit.isString() && lit.toString() == v)
                return lit;
        }
        // DSPy compares only text here, so Literal[1, 2] never matches "2"; read the text as a
        // value too (a documented DSPy bug that a port may fix).
        Value candidate = candidateFor(text);
        if (!candidate.isString()) {
            for (const Value& lit : allowed) {
                if (!lit.isString() && typeExactEqual(lit, candidate))
                    return lit;
            }
        }
        return unexpected(QStringLiteral("%1 is not one of %2")
                              .arg(pythonStrRepr(text), pythonTupleRepr(allowed)));
    }

    if (unionHasStr(type))
        return validateValue(Value(text), type);

    return validateValue(candidateFor(text), type);
}

} // namespace dspy
