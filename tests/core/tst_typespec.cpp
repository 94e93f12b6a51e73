#include "signature/signature.h"
#include "signature/typespec.h"

#include <QTest>

using namespace dspy;

namespace {

TypeSpec parsed(const QString& annotation)
{
    SignatureError error;
    std::optional<TypeSpec> t = parseTypeAnnotation(annotation, &error);
    if (!t)
        qFatal("cannot parse %s: %s", qPrintable(annotation), qPrintable(error.toString()));
    return *t;
}

QString schemaJson(const TypeSpec& t, bool dspyOrdered = true)
{
    JsonStyle style;
    style.ensureAscii = false;
    return Value(t.jsonSchema(dspyOrdered)).toJson(style);
}

} // namespace

class TestTypeSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // displayName = DSPy's get_annotation_name, as the "Your input fields are:" list shows it.
    void displayName_data()
    {
        QTest::addColumn<QString>("annotation");
        QTest::addColumn<QString>("expected");
        QTest::newRow("str") << "str"
                             << "str";
        QTest::newRow("int") << "int"
                             << "int";
        QTest::newRow("float") << "float"
                               << "float";
        QTest::newRow("bool") << "bool"
                              << "bool";
        QTest::newRow("Any") << "Any"
                             << "Any";
        QTest::newRow("NoneType") << "NoneType"
                                  << "NoneType";
        QTest::newRow("Text is str") << "Text"
                                     << "str";
        QTest::newRow("list[str]") << "list[str]"
                                   << "list[str]";
        QTest::newRow("List[str]") << "List[str]"
                                   << "list[str]";
        QTest::newRow("bare list") << "list"
                                   << "list";
        QTest::newRow("bare List") << "List"
                                   << "list[]";
        QTest::newRow("bare Dict") << "Dict"
                                   << "dict[]";
        QTest::newRow("dict") << "dict[str, int]"
                              << "dict[str, int]";
        QTest::newRow("Dict") << "Dict[str, list[int]]"
                              << "dict[str, list[int]]";
        QTest::newRow("tuple") << "tuple[int, str]"
                               << "tuple[int, str]";
        QTest::newRow("Tuple") << "Tuple[int, str]"
                               << "tuple[int, str]";
        QTest::newRow("variadic tuple") << "tuple[int, ...]"
                                        << "tuple[int, Ellipsis]";
        QTest::newRow("set") << "set[str]"
                             << "set[str]";
        QTest::newRow("frozenset") << "frozenset[int]"
                                   << "frozenset[int]";
        QTest::newRow("FrozenSet") << "FrozenSet[int]"
                                   << "frozenset[int]";
        QTest::newRow("literal") << "Literal['pos', 'neg']"
                                 << "Literal['pos', 'neg']";
        QTest::newRow("literal dq source") << "Literal[\"pos\"]"
                                           << "Literal['pos']";
        QTest::newRow("literal apostrophe") << "Literal[\"it's\", 'x']"
                                            << "Literal[\"it's\", 'x']";
        QTest::newRow("literal double quote") << "Literal['say \"hi\"']"
                                              << "Literal['say \"hi\"']";
        QTest::newRow("literal both quotes") << "Literal['a\\'b\"c']"
                                             << "Literal['a\\'b\"c']";
        QTest::newRow("literal mixed") << "Literal[1, True, None, -2, 'x', 1.5]"
                                       << "Literal[1, True, None, -2, 'x', 1.5]";
        QTest::newRow("literal dedup") << "Literal['a', 'a', 1, True, 1]"
                                       << "Literal['a', 1, True]";
        QTest::newRow("literal flatten") << "Literal[Literal['a', 'b'], 'c']"
                                         << "Literal['a', 'b', 'c']";
        QTest::newRow("Optional") << "Optional[int]"
                                  << "Union[int, NoneType]";
        QTest::newRow("pep604") << "int | None"
                                << "Union[int, NoneType]";
        QTest::newRow("None first") << "None | int"
                                    << "Union[NoneType, int]";
        QTest::newRow("NoneType first") << "NoneType | int"
                                        << "Union[int, NoneType]";
        QTest::newRow("Union") << "Union[int, str]"
                               << "Union[int, str]";
        QTest::newRow("Union flattens") << "Union[int, Union[str, int], None]"
                                        << "Union[int, str, NoneType]";
        QTest::newRow("Union of one") << "Union[int]"
                                      << "int";
        QTest::newRow("Optional of union") << "Optional[int | str]"
                                           << "Union[int, str, NoneType]";
        QTest::newRow("typing dotted") << "typing.Optional[typing.List[str]]"
                                       << "Union[list[str], NoneType]";
        QTest::newRow("parenthesised") << "(int | None)"
                                       << "Union[int, NoneType]";
        QTest::newRow("nested") << "dict[str, list[Optional[tuple[int, str]]]]"
                                << "dict[str, list[Union[tuple[int, str], NoneType]]]";
    }
    void displayName()
    {
        QFETCH(QString, annotation);
        QFETCH(QString, expected);
        QCOMPARE(parsed(annotation).displayName(), expected);
    }

    // The ChatAdapter's "# note: the value you produce ..." text (dspy.md §2.3).
    void outputHint_data()
    {
        QTest::addColumn<QString>("annotation");
        QTest::addColumn<QString>("expected");
        QTest::newRow("str") << "str"
                             << "";
        QTest::newRow("bool") << "bool"
                              << "must be True or False";
        QTest::newRow("int") << "int"
                             << "must be a single int value";
        QTest::newRow("float") << "float"
                               << "must be a single float value";
        QTest::newRow("literal") << "Literal['pos', 'neg']"
                                 << "must exactly match (no extra characters) one of: pos; neg";
        QTest::newRow("literal mixed") << "Literal[1, True, None, \"it's\"]"
                                       << "must exactly match (no extra characters) one of: 1; "
                                          "True; None; it's";
        QTest::newRow("list[str]") << "list[str]"
                                   << "must adhere to the JSON schema: {\"type\": \"array\", "
                                      "\"items\": {\"type\": \"string\"}}";
        QTest::newRow("dict[str, int]") << "dict[str, int]"
                                        << "must adhere to the JSON schema: {\"type\": "
                                           "\"object\", \"additionalProperties\": {\"type\": "
                                           "\"integer\"}}";
        QTest::newRow("Optional[int]") << "Optional[int]"
                                       << "must adhere to the JSON schema: {\"anyOf\": "
                                          "[{\"type\": \"integer\"}, {\"type\": \"null\"}]}";
        QTest::newRow("Optional[str]") << "str | None"
                                       << "must adhere to the JSON schema: {\"anyOf\": "
                                          "[{\"type\": \"string\"}, {\"type\": \"null\"}]}";
        QTest::newRow("Any") << "Any"
                             << "must adhere to the JSON schema: {}";
        QTest::newRow("unicode kept") << "list[Literal['é']]"
                                      << "must adhere to the JSON schema: {\"type\": \"array\", "
                                         "\"items\": {\"type\": \"string\", \"const\": \"é\"}}";
    }
    void outputHint()
    {
        QFETCH(QString, annotation);
        QFETCH(QString, expected);
        QCOMPARE(parsed(annotation).outputHint(), expected);
    }

    // pydantic v2 TypeAdapter(T).json_schema(), printed in DSPy's order ("type" first, then
    // sorted).
    void jsonSchema_data()
    {
        QTest::addColumn<QString>("annotation");
        QTest::addColumn<QString>("expected");
        QTest::newRow("str") << "str"
                             << R"({"type": "string"})";
        QTest::newRow("float") << "float"
                               << R"({"type": "number"})";
        QTest::newRow("bool") << "bool"
                              << R"({"type": "boolean"})";
        QTest::newRow("NoneType") << "NoneType"
                                  << R"({"type": "null"})";
        QTest::newRow("bare list") << "list"
                                   << R"({"type": "array", "items": {}})";
        QTest::newRow("bare List") << "List"
                                   << R"({"type": "array", "items": {}})";
        QTest::newRow("list[Any]") << "list[Any]"
                                   << R"({"type": "array", "items": {}})";
        QTest::newRow("bare dict") << "dict"
                                   << R"({"type": "object", "additionalProperties": true})";
        QTest::newRow("dict[str, Any]") << "dict[str, Any]"
                                        << R"({"type": "object", "additionalProperties": true})";
        QTest::newRow("dict[int, str]")
            << "dict[int, str]"
            << R"({"type": "object", "additionalProperties": {"type": "string"}})";
        QTest::newRow("dict literal keys")
            << "dict[Literal['a', 'b'], int]"
            << R"({"type": "object", "additionalProperties": {"type": "integer"}, "propertyNames": {"enum": ["a", "b"]}})";
        QTest::newRow("tuple")
            << "tuple[int, str]"
            << R"({"type": "array", "maxItems": 2, "minItems": 2, "prefixItems": [{"type": "integer"}, {"type": "string"}]})";
        QTest::newRow("variadic tuple") << "tuple[int, ...]"
                                        << R"({"type": "array", "items": {"type": "integer"}})";
        QTest::newRow("bare tuple") << "tuple"
                                    << R"({"type": "array", "items": {}})";
        QTest::newRow("set")
            << "set[str]"
            << R"({"type": "array", "items": {"type": "string"}, "uniqueItems": true})";
        QTest::newRow("frozenset")
            << "frozenset[int]"
            << R"({"type": "array", "items": {"type": "integer"}, "uniqueItems": true})";
        QTest::newRow("literal one") << "Literal['a']"
                                     << R"({"type": "string", "const": "a"})";
        QTest::newRow("literal strs") << "Literal['pos', 'neg']"
                                      << R"({"type": "string", "enum": ["pos", "neg"]})";
        QTest::newRow("literal ints") << "Literal[1, 2]"
                                      << R"({"type": "integer", "enum": [1, 2]})";
        QTest::newRow("literal bools") << "Literal[True, False]"
                                       << R"({"type": "boolean", "enum": [true, false]})";
        QTest::newRow("literal floats") << "Literal[1.5, 2.0]"
                                        << R"({"type": "number", "enum": [1.5, 2.0]})";
        QTest::newRow("literal None") << "Literal[None]"
                                      << R"({"type": "null", "const": null})";
        QTest::newRow("literal mixed") << "Literal['a', 1, None]"
                                       << R"({"enum": ["a", 1, null]})";
        QTest::newRow("optional") << "Optional[int]"
                                  << R"({"anyOf": [{"type": "integer"}, {"type": "null"}]})";
        QTest::newRow("None first moves last")
            << "None | int"
            << R"({"anyOf": [{"type": "integer"}, {"type": "null"}]})";
        QTest::newRow("union")
            << "Union[int, str, None]"
            << R"({"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]})";
        QTest::newRow("union dedups equal schemas")
            << "Union[tuple[int, ...], list[int]]"
            << R"({"type": "array", "items": {"type": "integer"}})";
        QTest::newRow("optional any") << "Optional[Any]"
                                      << R"({"anyOf": [{}, {"type": "null"}]})";
        QTest::newRow("nested")
            << "list[dict[str, Optional[float]]]"
            << R"({"type": "array", "items": {"type": "object", "additionalProperties": {"anyOf": [{"type": "number"}, {"type": "null"}]}}})";
    }
    void jsonSchema()
    {
        QFETCH(QString, annotation);
        QFETCH(QString, expected);
        QCOMPARE(schemaJson(parsed(annotation)), expected);
    }

    void jsonSchemaPydanticOrder()
    {
        QCOMPARE(schemaJson(parsed("list[str]"), false),
                 uR"({"type": "array", "items": {"type": "string"}})"_qs);
        QCOMPARE(schemaJson(parsed("Literal['a', 'b']"), false),
                 uR"({"enum": ["a", "b"], "type": "string"})"_qs);
        QCOMPARE(
            schemaJson(parsed("tuple[int]"), false),
            uR"({"type": "array", "prefixItems": [{"type": "integer"}], "minItems": 1, "maxItems": 1})"_qs);
        QCOMPARE(schemaJson(parsed("set[int]"), false),
                 uR"({"type": "array", "uniqueItems": true, "items": {"type": "integer"}})"_qs);
    }

    void annotationRoundTrips_data()
    {
        QTest::addColumn<QString>("annotation");
        QTest::addColumn<QString>("expected");
        QTest::newRow("list") << "List[str]"
                              << "list[str]";
        QTest::newRow("bare List") << "List"
                                   << "List";
        QTest::newRow("bare FrozenSet") << "FrozenSet"
                                        << "FrozenSet";
        QTest::newRow("bare frozenset") << "frozenset"
                                        << "frozenset";
        QTest::newRow("optional") << "int | None"
                                  << "Optional[int]";
        QTest::newRow("None first") << "None | int"
                                    << "Union[None, int]";
        QTest::newRow("union") << "Union[int, str, None]"
                               << "Union[int, str, None]";
        QTest::newRow("variadic") << "Tuple[int, ...]"
                                  << "tuple[int, ...]";
        QTest::newRow("literal") << "Literal[\"it's\", 1, True, None, -2, 2.5]"
                                 << "Literal['it\\'s', 1, True, None, -2, 2.5]";
        QTest::newRow("literal arrow") << "Literal['a-\\x3eb']"
                                       << "Literal['a-\\x3eb']";
        QTest::newRow("literal escapes") << "Literal['a\\nb\\t\\\\']"
                                         << "Literal['a\\nb\\t\\\\']";
        QTest::newRow("NoneType") << "NoneType"
                                  << "NoneType";
    }
    void annotationRoundTrips()
    {
        QFETCH(QString, annotation);
        QFETCH(QString, expected);
        const TypeSpec t = parsed(annotation);
        QCOMPARE(t.annotation(), expected);
        QCOMPARE(parsed(t.annotation()), t);
    }

    void literalStringsDecodeLikePython()
    {
        const TypeSpec t = parsed(uR"(Literal['a' "b", r'\n', '\x41\u00e9\101', """x
y"""])"_qs);
        QCOMPARE(t.literalValues().size(), 4);
        QCOMPARE(t.literalValues().at(0).toString(), u"ab"_qs);
        QCOMPARE(t.literalValues().at(1).toString(), u"\\n"_qs);
        QCOMPARE(t.literalValues().at(2).toString(), u"AéA"_qs);
        QCOMPARE(t.literalValues().at(3).toString(), u"x\ny"_qs);
        const TypeSpec n = parsed(u"Literal[0x1F, 0o17, 0b101, 1_000, -9223372036854775808]"_qs);
        QCOMPARE(n.literalValues().at(0).toInt(), 31);
        QCOMPARE(n.literalValues().at(1).toInt(), 15);
        QCOMPARE(n.literalValues().at(2).toInt(), 5);
        QCOMPARE(n.literalValues().at(3).toInt(), 1000);
        QCOMPARE(n.literalValues().at(4).toInt(), std::numeric_limits<qint64>::min());
        QVERIFY(n.literalValues().at(0).isInt());
    }

    void constructors()
    {
        const TypeSpec u = TypeSpec::unionOf(
            {TypeSpec::integer(), TypeSpec::optional(TypeSpec::str()), TypeSpec::integer()});
        QCOMPARE(u.kind(), TypeSpec::Kind::Union);
        QCOMPARE(u.displayName(), u"Union[int, str, NoneType]"_qs);
        QVERIFY(u.admitsNone());
        QVERIFY(!TypeSpec::integer().admitsNone());
        QCOMPARE(TypeSpec::optional(TypeSpec::integer()).withoutNone(), TypeSpec::integer());
        QCOMPARE(u.withoutNone(), u); // three members: not an Optional[T]
        QCOMPARE(TypeSpec::unionOf({TypeSpec::str()}), TypeSpec::str());

        const TypeSpec lit = TypeSpec::literal({Value(1), Value(true), Value(1), Value(1.0)});
        QCOMPARE(lit.literalValues().size(), 3); // 1, True and 1.0 are distinct to typing
        QCOMPARE(lit.displayName(), u"Literal[1, True, 1.0]"_qs);

        QVERIFY(TypeSpec::list(TypeSpec::str()) != TypeSpec::list(TypeSpec::integer()));
        QVERIFY(TypeSpec::bareGeneric(TypeSpec::Kind::List, true) !=
                TypeSpec::bareGeneric(TypeSpec::Kind::List));
        QCOMPARE(TypeSpec::set(TypeSpec::str(), true).displayName(), u"frozenset[str]"_qs);
        QCOMPARE(TypeSpec::tuple({TypeSpec::str()}, true).displayName(),
                 u"tuple[str, Ellipsis]"_qs);
        QCOMPARE(TypeSpec().displayName(), u"str"_qs);
    }

    void annotationErrors_data()
    {
        QTest::addColumn<QString>("annotation");
        QTest::addColumn<int>("position");
        QTest::addColumn<int>("length");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown") << "list[strr]" << 5 << 4 << "Unknown name: strr";
        QTest::newRow("unsupported") << "Callable" << 0 << 8
                                     << "Unsupported type 'Callable': use str, int, float, bool, "
                                        "list, dict, tuple, set, frozenset, Literal, Optional, "
                                        "Union or Any";
        QTest::newRow("optional arity")
            << "Optional[int, str]" << 0 << 18 << "Optional must have exactly one type argument";
        QTest::newRow("list arity") << "list[str, int]" << 0 << 14
                                    << "list takes exactly one type argument, e.g. list[str]";
        QTest::newRow("dict arity") << "Dict[str]" << 0 << 9
                                    << "Dict takes exactly two type arguments, e.g. dict[str, int]";
        QTest::newRow("not generic")
            << "str[int]" << 0 << 3 << "'str' does not take type arguments";
        QTest::newRow("literal non-constant")
            << "Literal['a', int]" << 13 << 3
            << "Literal values must be constants (strings, numbers, True, False or None), found "
               "'int'";
        QTest::newRow("literal f-string")
            << "Literal[f'x']" << 8 << 4 << "f-strings are not allowed in a signature";
        QTest::newRow("literal bytes")
            << "Literal[b'x']" << 8 << 4 << "Bytes literals are not supported in a signature";
        QTest::newRow("bare Optional")
            << "Optional" << 0 << 8 << "Optional needs a type argument, e.g. Optional[int]";
        QTest::newRow("constant as type")
            << "'int'" << 0 << 5 << "Expected a type, found the constant 'int'";
        QTest::newRow("ellipsis misplaced") << "tuple[int, ..., str]" << 11 << 3
                                            << "'...' is only allowed as the last argument of "
                                               "tuple[T, ...]";
        QTest::newRow("empty tuple")
            << "tuple[()]" << 0 << 9 << "The empty tuple type tuple[()] is not supported";
        QTest::newRow("unclosed") << "list[str" << 4 << 1 << "'[' was never closed";
        QTest::newRow("unmatched") << "list[str]]" << 9 << 1 << "Unexpected ']' after the type";
        QTest::newRow("empty subscript")
            << "list[]" << 4 << 2 << "Expected type arguments between '[' and ']'";
        QTest::newRow("unterminated") << "Literal['abc" << 8 << 4 << "Unterminated string literal";
        QTest::newRow("leading zero")
            << "Literal[01]" << 8 << 2 << "Invalid number '01': leading zeros are not permitted";
        QTest::newRow("too large") << "Literal[9223372036854775808]" << 8 << 19
                                   << "The integer 9223372036854775808 is too large";
        QTest::newRow("complex") << "Literal[1j]" << 8 << 2
                                 << "Complex numbers are not supported in a signature";
        QTest::newRow("unknown dotted") << "foo.Bar" << 0 << 3 << "Unknown name: foo";
        QTest::newRow("typing unknown") << "typing.Foo" << 0 << 10 << "Unknown name: typing.Foo";
        QTest::newRow("minus name")
            << "Literal[-x]" << 8 << 1 << "'-' must be followed by a number";
        QTest::newRow("invalid char") << "list[€]" << 5 << 1 << "Invalid character '€' (U+20AC)";
        QTest::newRow("empty") << "" << 0 << 0 << "Expected a type";
        QTest::newRow("trailing junk") << "int str" << 4 << 3 << "Unexpected 'str' after the type";
        QTest::newRow("bad escape")
            << "Literal['\\x4']" << 8 << 5 << "Truncated \\xXX escape in a string literal";
    }
    void annotationErrors()
    {
        QFETCH(QString, annotation);
        QFETCH(int, position);
        QFETCH(int, length);
        QFETCH(QString, message);
        SignatureError error;
        QVERIFY(!parseTypeAnnotation(annotation, &error));
        QCOMPARE(error.message, message);
        QCOMPARE(error.position, qsizetype(position));
        QCOMPARE(error.length, qsizetype(length));
    }

    void deepNestingIsAnErrorNotACrash()
    {
        const QString deep = u"list["_qs.repeated(5000) + u"str"_qs + u"]"_qs.repeated(5000);
        SignatureError error;
        QVERIFY(!parseTypeAnnotation(deep, &error));
        QCOMPARE(error.message, u"The type is nested too deeply"_qs);
        const QString ok = u"list["_qs.repeated(20) + u"str"_qs + u"]"_qs.repeated(20);
        QVERIFY(parseTypeAnnotation(ok));
    }
};

QTEST_GUILESS_MAIN(TestTypeSpec)
#include "tst_typespec.moc"
