#pragma once

// TypeSpec — the annotation of a signature field, as DSPy's string grammar admits it:
// str, int, float, bool, list[T], dict[K, V], tuple[...], set[T], Literal[...], Optional[T],
// `T | None`, Union[...], Any, NoneType. Knows how DSPy names it in prompts, the output hint the
// ChatAdapter appends, and its pydantic-style JSON schema.

#include "data/value.h"

#include <QList>
#include <QString>

namespace dspy {

class TypeSpec
{
public:
    enum class Kind {
        Str,
        Int,
        Float,
        Bool,
        Any,
        NoneType,
        List,    // list[T]; bare `list` has no args (items of any type)
        Dict,    // dict[K, V]; bare `dict` has no args
        Tuple,   // tuple[A, B] or tuple[T, ...] (variadic); bare `tuple` has no args
        Set,     // set[T] / frozenset[T]
        Literal, // Literal['a', 1, True, None]
        Union,   // Union[A, B, ...] / Optional[T] (= Union[T, None]) / `A | B`
    };

    TypeSpec() = default; // str
    explicit TypeSpec(Kind k)
        : m_kind(k)
    {}

    static TypeSpec str() { return TypeSpec(Kind::Str); }
    static TypeSpec integer() { return TypeSpec(Kind::Int); }
    static TypeSpec floating() { return TypeSpec(Kind::Float); }
    static TypeSpec boolean() { return TypeSpec(Kind::Bool); }
    static TypeSpec any() { return TypeSpec(Kind::Any); }
    static TypeSpec list(TypeSpec item);
    static TypeSpec dict(TypeSpec key, TypeSpec value);
    static TypeSpec tuple(QList<TypeSpec> items, bool variadic = false);
    static TypeSpec set(TypeSpec item, bool frozen = false);
    static TypeSpec literal(QList<Value> values);
    static TypeSpec unionOf(QList<TypeSpec> members); // flattens nested unions, dedups
    static TypeSpec optional(TypeSpec t)
    {
        return unionOf({std::move(t), TypeSpec(Kind::NoneType)});
    }

    Kind kind() const { return m_kind; }
    const QList<TypeSpec>& args() const { return m_args; } // element / key,value / members
    const QList<Value>& literalValues() const { return m_literals; } // Literal only
    bool isVariadicTuple() const { return m_variadic; }
    bool isFrozenSet() const { return m_frozen; }
    bool isBare() const { return m_args.isEmpty(); } // `list`, `dict`, `tuple` without parameters
    // A bare typing alias (`List`, `Dict`, `Tuple`, `Set`, `FrozenSet`): Python names it "list[]",
    // not "list", in prompts. Only meaningful with isBare().
    bool isTypingAlias() const { return m_typingAlias; }
    // A bare generic without parameters: `list`, `frozenset`, or with typingAlias `List`,
    // `FrozenSet`.
    static TypeSpec bareGeneric(Kind k, bool typingAlias = false, bool frozen = false);

    bool isStr() const { return m_kind == Kind::Str; }
    // A Union that admits None (Optional[T], T | None): such output fields are optional at parse
    // time.
    bool admitsNone() const;
    // The T of Optional[T] when the union is exactly {T, None}; otherwise *this.
    TypeSpec withoutNone() const;

    // DSPy's name for the type in "Your input fields are:" lists: `str`, `list[str]`,
    // `dict[str, int]`, `Literal['pos', 'neg']`, `Union[int, NoneType]`.
    QString displayName() const;
    // Text after "the value you produce " in the ChatAdapter's field structure, or empty (str):
    // "must be a single int value", "must be True or False",
    // "must exactly match (no extra characters) one of: pos; neg",
    // "must adhere to the JSON schema: {...}".
    QString outputHint() const;
    // pydantic TypeAdapter(T).json_schema(). dspyOrdered: keys sorted at every level with "type"
    // first, as DSPy prints it in the ChatAdapter hint; otherwise pydantic's own key order.
    Object jsonSchema(bool dspyOrdered = true) const;

    // How a Python annotation expression spells it: "list[str]", "Optional[int]", "Literal['a']".
    // Round-trips through the signature parser.
    QString annotation() const;

    bool operator==(const TypeSpec& other) const;
    bool operator!=(const TypeSpec& other) const { return !(*this == other); }

private:
    Kind m_kind = Kind::Str;
    QList<TypeSpec> m_args;
    QList<Value> m_literals;
    bool m_variadic = false;
    bool m_frozen = false;
    bool m_typingAlias = false;
};

} // namespace dspy
