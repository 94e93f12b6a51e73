#include "signature/typespec.h"

#include <algorithm>

namespace dspy {

namespace {

// typing.Literal deduplicates by (value, type): Literal[1, True] keeps both, unlike Python ==.
bool sameLiteral(const Value& a, const Value& b)
{
    return a.type() == b.type() && a == b;
}

// DSPy's _quoted_string_for_literal_type_annotation: no escaping except \' when both quote kinds
// occur, so the text is what the LM sees, not valid Python.
QString quoteLiteralForDisplay(const QString& s)
{
    const bool hasSingle = s.contains(u'\'');
    const bool hasDouble = s.contains(u'"');
    if (hasSingle && !hasDouble)
        return u'"' + s + u'"';
    if (hasSingle && hasDouble)
        return u'\'' + QString(s).replace(u"'"_qs, u"\\'"_qs) + u'\'';
    return u'\'' + s + u'\'';
}

// A Python string literal the signature parser reads back to exactly `s`. "->" is broken up as
// "-\x3e" because a signature with a second arrow anywhere (even in a string) is rejected.
QString quoteLiteralForSource(const QString& s)
{
    QString out = u"'"_qs;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        switch (c.unicode()) {
        case u'\\':
            out += u"\\\\"_qs;
            break;
        case u'\'':
            out += u"\\'"_qs;
            break;
        case u'\n':
            out += u"\\n"_qs;
            break;
        case u'\r':
            out += u"\\r"_qs;
            break;
        case u'\t':
            out += u"\\t"_qs;
            break;
        case u'>':
            out += (i > 0 && s.at(i - 1) == u'-') ? u"\\x3e"_qs : u">"_qs;
            break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.isSurrogate())
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QChar(u'0'));
            else
                out += c;
        }
    }
    out += u'\'';
    return out;
}

Object typeOnly(const char* t)
{
    Object o;
    o.insert(u"type"_qs, Value(t));
    return o;
}

// pydantic's get_flattened_anyof: inline nested anyOf-only schemas, drop duplicates.
Object flattenedAnyOf(const QList<Object>& schemas)
{
    Array members;
    for (const Object& s : schemas) {
        if (s.size() == 1 && s.contains(u"anyOf")) {
            for (const Value& m : s.value(u"anyOf").toArray())
                if (!members.contains(m))
                    members.append(m);
        } else if (!members.contains(Value(s))) {
            members.append(Value(s));
        }
    }
    if (members.size() == 1)
        return members.first().toObject();
    Object o;
    o.insert(u"anyOf"_qs, Value(std::move(members)));
    return o;
}

Value moveTypeToFront(const Value& v)
{
    if (v.isObject()) {
        QList<Object::Entry> entries = v.toObject().entries();
        std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            const bool aType = a.first == u"type";
            const bool bType = b.first == u"type";
            if (aType != bType)
                return aType;
            return a.first < b.first;
        });
        Object out;
        for (const auto& [k, val] : entries)
            out.insert(k, moveTypeToFront(val));
        return Value(std::move(out));
    }
    if (v.isArray()) {
        Array out;
        for (const Value& item : v.toArray())
            out.append(moveTypeToFront(item));
        return Value(std::move(out));
    }
    return v;
}

Object pydanticSchema(const TypeSpec& t);

Object literalSchema(const QList<Value>& values)
{
    Object o;
    if (values.size() == 1)
        o.insert(u"const"_qs, values.first());
    else
        o.insert(u"enum"_qs, Value(Array(values)));
    bool same = !values.isEmpty();
    for (const Value& v : values)
        same = same && v.type() == values.first().type();
    if (same) {
        switch (values.first().type()) {
        case Value::Type::String:
            o.insert(u"type"_qs, Value("string"));
            break;
        case Value::Type::Int:
            o.insert(u"type"_qs, Value("integer"));
            break;
        case Value::Type::Float:
            o.insert(u"type"_qs, Value("number"));
            break;
        case Value::Type::Bool:
            o.insert(u"type"_qs, Value("boolean"));
            break;
        case Value::Type::Null:
            o.insert(u"type"_qs, Value("null"));
            break;
        case Value::Type::Array:
            o.insert(u"type"_qs, Value("array"));
            break;
        case Value::Type::Object:
            break;
        }
    }
    return o;
}

Object dictSchema(const TypeSpec& t)
{
    Object o = typeOnly("object");
    Object keys = t.isBare() ? Object() : pydanticSchema(t.args().at(0));
    Object values = t.isBare() ? Object() : pydanticSchema(t.args().at(1));
    keys.remove(u"title");
    values.remove(u"title");
    if (!values.isEmpty())
        o.insert(u"additionalProperties"_qs, Value(std::move(values)));
    else
        o.insert(u"additionalProperties"_qs, Value(true));
    // pydantic: string keys with constraints (e.g. a Literal) are described by propertyNames.
    if (keys.value(u"type") == Value("string") && keys.size() > 1) {
        keys.remove(u"type");
        o.insert(u"propertyNames"_qs, Value(std::move(keys)));
    }
    return o;
}

Object unionSchema(const TypeSpec& t)
{
    // pydantic moves None out of the choices and wraps the rest as nullable, so None ends up last.
    QList<Object> choices;
    bool nullable = false;
    for (const TypeSpec& m : t.args()) {
        if (m.kind() == TypeSpec::Kind::NoneType)
            nullable = true;
        else
            choices.append(pydanticSchema(m));
    }
    Object inner;
    if (choices.size() == 1)
        inner = choices.first();
    else if (!choices.isEmpty())
        inner = flattenedAnyOf(choices);
    if (!nullable)
        return inner;
    const Object null = typeOnly("null");
    if (choices.isEmpty() || inner == null)
        return null;
    return flattenedAnyOf({inner, null});
}

Object pydanticSchema(const TypeSpec& t)
{
    using K = TypeSpec::Kind;
    switch (t.kind()) {
    case K::Str:
        return typeOnly("string");
    case K::Int:
        return typeOnly("integer");
    case K::Float:
        return typeOnly("number");
    case K::Bool:
        return typeOnly("boolean");
    case K::Any:
        return {};
    case K::NoneType:
        return typeOnly("null");
    case K::List: {
        Object o = typeOnly("array");
        o.insert(u"items"_qs, Value(t.isBare() ? Object() : pydanticSchema(t.args().first())));
        return o;
    }
    case K::Set: {
        Object o = typeOnly("array");
        o.insert(u"uniqueItems"_qs, Value(true));
        o.insert(u"items"_qs, Value(t.isBare() ? Object() : pydanticSchema(t.args().first())));
        return o;
    }
    case K::Tuple: {
        Object o = typeOnly("array");
        if (t.isBare() || t.isVariadicTuple()) {
            o.insert(u"items"_qs, Value(t.isBare() ? Object() : pydanticSchema(t.args().first())));
            return o;
        }
        Array prefix;
        for (const TypeSpec& a : t.args())
            prefix.append(Value(pydanticSchema(a)));
        const qint64 n = prefix.size();
        o.insert(u"prefixItems"_qs, Value(std::move(prefix)));
        o.insert(u"minItems"_qs, Value(n));
        o.insert(u"maxItems"_qs, Value(n));
        return o;
    }
    case K::Dict:
        return dictSchema(t);
    case K::Literal:
        return literalSchema(t.literalValues());
    case K::Union:
        return unionSchema(t);
    }
    return {};
}

} // namespace

TypeSpec TypeSpec::list(TypeSpec item)
{
    TypeSpec t(Kind::List);
    t.m_args = {std::move(item)};
    return t;
}

TypeSpec TypeSpec::dict(TypeSpec key, TypeSpec value)
{
    TypeSpec t(Kind::Dict);
    t.m_args = {std::move(key), std::move(value)};
    return t;
}

TypeSpec TypeSpec::tuple(QList<TypeSpec> items, bool variadic)
{
    TypeSpec t(Kind::Tuple);
    t.m_args = std::move(items);
    t.m_variadic = variadic && t.m_args.size() == 1;
    return t;
}

TypeSpec TypeSpec::set(TypeSpec item, bool frozen)
{
    TypeSpec t(Kind::Set);
    t.m_args = {std::move(item)};
    t.m_frozen = frozen;
    return t;
}

TypeSpec TypeSpec::literal(QList<Value> values)
{
    TypeSpec t(Kind::Literal);
    for (Value& v : values) {
        const bool seen = std::any_of(t.m_literals.cbegin(), t.m_literals.cend(),
                                      [&](const Value& o) { return sameLiteral(o, v); });
        if (!seen)
            t.m_literals.append(std::move(v));
    }
    return t;
}

TypeSpec TypeSpec::unionOf(QList<TypeSpec> members)
{
    QList<TypeSpec> flat;
    for (TypeSpec& m : members) {
        const QList<TypeSpec> parts = m.kind() == Kind::Union ? m.m_args : QList<TypeSpec>{m};
        for (const TypeSpec& p : parts)
            if (!flat.contains(p))
                flat.append(p);
    }
    if (flat.size() == 1)
        return flat.first();
    TypeSpec t(Kind::Union);
    t.m_args = std::move(flat);
    return t;
}

TypeSpec TypeSpec::bareGeneric(Kind k, bool typingAlias, bool frozen)
{
    TypeSpec t(k);
    t.m_typingAlias =
        typingAlias && (k == Kind::List || k == Kind::Dict || k == Kind::Tuple || k == Kind::Set);
    t.m_frozen = k == Kind::Set && frozen;
    return t;
}

bool TypeSpec::admitsNone() const
{
    if (m_kind == Kind::NoneType)
        return true;
    return m_kind == Kind::Union &&
           std::any_of(m_args.cbegin(), m_args.cend(),
                       [](const TypeSpec& a) { return a.kind() == Kind::NoneType; });
}

TypeSpec TypeSpec::withoutNone() const
{
    if (m_kind != Kind::Union || m_args.size() != 2)
        return *this;
    if (m_args.at(1).kind() == Kind::NoneType)
        return m_args.at(0);
    if (m_args.at(0).kind() == Kind::NoneType)
        return m_args.at(1);
    return *this;
}

namespace {

// The name Python prints for a type without arguments, in displayName() and annotation() alike.
QString scalarName(TypeSpec::Kind kind)
{
    switch (kind) {
    case TypeSpec::Kind::Str:
        return u"str"_qs;
    case TypeSpec::Kind::Int:
        return u"int"_qs;
    case TypeSpec::Kind::Float:
        return u"float"_qs;
    case TypeSpec::Kind::Bool:
        return u"bool"_qs;
    case TypeSpec::Kind::Any:
        return u"Any"_qs;
    case TypeSpec::Kind::NoneType:
        return u"NoneType"_qs;
    default:
        return {};
    }
}

} // namespace

QString TypeSpec::displayName() const
{
    // Python's get_annotation_name: origin name + "[" + args + "]", so a bare typing alias shows
    // as "list[]" and tuple's Ellipsis as "Ellipsis".
    auto joined = [this](auto render) {
        QStringList parts;
        for (const TypeSpec& a : m_args)
            parts.append(render(a));
        return parts.join(u", "_qs);
    };
    auto generic = [&](const QString& origin) {
        if (isBare())
            return m_typingAlias ? origin + u"[]"_qs : origin;
        QString inner = joined([](const TypeSpec& a) { return a.displayName(); });
        if (m_kind == Kind::Tuple && m_variadic)
            inner += u", Ellipsis"_qs;
        return origin + u'[' + inner + u']';
    };
    switch (m_kind) {
    case Kind::Str:
    case Kind::Int:
    case Kind::Float:
    case Kind::Bool:
    case Kind::Any:
    case Kind::NoneType:
        return scalarName(m_kind);
    case Kind::List:
        return generic(u"list"_qs);
    case Kind::Dict:
        return generic(u"dict"_qs);
    case Kind::Tuple:
        return generic(u"tuple"_qs);
    case Kind::Set:
        return generic(m_frozen ? u"frozenset"_qs : u"set"_qs);
    case Kind::Literal: {
        QStringList parts;
        for (const Value& v : m_literals)
            parts.append(v.isString() ? quoteLiteralForDisplay(v.toString()) : v.toPythonStr());
        return u"Literal["_qs + parts.join(u", "_qs) + u']';
    }
    case Kind::Union:
        return u"Union["_qs + joined([](const TypeSpec& a) { return a.displayName(); }) + u']';
    }
    return {};
}

QString TypeSpec::outputHint() const
{
    switch (m_kind) {
    case Kind::Str:
        return {};
    case Kind::Bool:
        return u"must be True or False"_qs;
    case Kind::Int:
        return u"must be a single int value"_qs;
    case Kind::Float:
        return u"must be a single float value"_qs;
    case Kind::Literal: {
        QStringList parts;
        for (const Value& v : m_literals)
            parts.append(v.toPythonStr());
        return u"must exactly match (no extra characters) one of: "_qs + parts.join(u"; "_qs);
    }
    default:
        break;
    }
    JsonStyle style;
    style.ensureAscii = false;
    return u"must adhere to the JSON schema: "_qs + Value(jsonSchema(true)).toJson(style);
}

Object TypeSpec::jsonSchema(bool dspyOrdered) const
{
    Object schema = pydanticSchema(*this);
    if (!dspyOrdered)
        return schema;
    return moveTypeToFront(Value(std::move(schema))).toObject();
}

QString TypeSpec::annotation() const
{
    auto args = [this]() {
        QStringList parts;
        for (const TypeSpec& a : m_args)
            parts.append(a.kind() == Kind::NoneType && m_kind == Kind::Union ? u"None"_qs
                                                                             : a.annotation());
        return parts.join(u", "_qs);
    };
    auto generic = [&](const QString& builtin, const QString& alias) {
        if (isBare())
            return m_typingAlias ? alias : builtin;
        QString inner = args();
        if (m_kind == Kind::Tuple && m_variadic)
            inner += u", ..."_qs;
        return builtin + u'[' + inner + u']';
    };
    switch (m_kind) {
    case Kind::Str:
    case Kind::Int:
    case Kind::Float:
    case Kind::Bool:
    case Kind::Any:
    case Kind::NoneType:
        return scalarName(m_kind);
    case Kind::List:
        return generic(u"list"_qs, u"List"_qs);
    case Kind::Dict:
        return generic(u"dict"_qs, u"Dict"_qs);
    case Kind::Tuple:
        return generic(u"tuple"_qs, u"Tuple"_qs);
    case Kind::Set:
        return m_frozen ? generic(u"frozenset"_qs, u"FrozenSet"_qs) : generic(u"set"_qs, u"Set"_qs);
    case Kind::Literal: {
        QStringList parts;
        for (const Value& v : m_literals)
            parts.append(v.isString() ? quoteLiteralForSource(v.toString()) : v.toPythonStr());
        return u"Literal["_qs + parts.join(u", "_qs) + u']';
    }
    case Kind::Union:
        if (m_args.size() == 2 && m_args.at(1).kind() == Kind::NoneType)
            return u"Optional["_qs + m_args.at(0).annotation() + u']';
        return u"Union["_qs + args() + u']';
    }
    return {};
}

bool TypeSpec::operator==(const TypeSpec& other) const
{
    if (m_kind != other.m_kind || m_variadic != other.m_variadic || m_frozen != other.m_frozen ||
        m_typingAlias != other.m_typingAlias || m_args != other.m_args ||
        m_literals.size() != other.m_literals.size())
        return false;
    for (qsizetype i = 0; i < m_literals.size(); ++i)
        if (!sameLiteral(m_literals.at(i), other.m_literals.at(i)))
            return false;
    return true;
}

} // namespace dspy
