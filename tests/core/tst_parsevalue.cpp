// parseValue (DSPy's parse_value) and validateValue (pydantic lax mode). Error texts are the
// pydantic 2 messages; they were checked against pydantic 2.13's TypeAdapter.validate_python.

#include "adapters/parsevalue.h"

#include <QTest>

#include <cmath>

using namespace dspy;

Q_DECLARE_METATYPE(dspy::TypeSpec)

namespace {

QString dumps(const Value& v)
{
    JsonStyle style;
    style.ensureAscii = false;
    return v.toJson(style);
}

const TypeSpec kStr = TypeSpec::str();
const TypeSpec kInt = TypeSpec::integer();
const TypeSpec kFloat = TypeSpec::floating();
const TypeSpec kBool = TypeSpec::boolean();

} // namespace

// moc mis-tokenises raw strings that contain \", so it does not read the tables.
#ifndef Q_MOC_RUN

void parseOkRows()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<TypeSpec>("type");
    QTest::addColumn<QString>("expected"); // json.dumps of the parsed value

    // str: the text exactly as given
    QTest::newRow("str-plain") << "Paris" << kStr << R"("Paris")";
    QTest::newRow("str-json-looking") << "[1, 2]" << kStr << R"("[1, 2]")";
    QTest::newRow("str-quoted") << "\"Paris\"" << kStr << R"("\"Paris\"")";
    QTest::newRow("str-empty") << "" << kStr << R"("")";

    // int
    QTest::newRow("int") << "42" << kInt << "42";
    QTest::newRow("int-negative") << "-7" << kInt << "-7";
    QTest::newRow("int-from-float-text") << "42.0" << kInt << "42";
    QTest::newRow("int-quoted") << "\"42\"" << kInt << "42";
    QTest::newRow("int-spaces") << " 42 " << kInt << "42";
    QTest::newRow("int-true") << "true" << kInt << "1";
    QTest::newRow("int-python-True") << "True" << kInt << "1";

    // float
    QTest::newRow("float") << "3.5" << kFloat << "3.5";
    QTest::newRow("float-from-int") << "3" << kFloat << "3.0";
    QTest::newRow("float-exp") << "1e-3" << kFloat << "0.001";
    QTest::newRow("float-quoted") << "'2.5'" << kFloat << "2.5";
    QTest::newRow("float-inf-text") << "inf" << kFloat << "Infinity";

    // bool: pydantic's lax strings, case-insensitive
    QTest::newRow("bool-true") << "true" << kBool << "true";
    QTest::newRow("bool-True") << "True" << kBool << "true";
    QTest::newRow("bool-yes") << "yes" << kBool << "true";
    QTest::newRow("bool-YES") << "YES" << kBool << "true";
    QTest::newRow("bool-on") << "on" << kBool << "true";
    QTest::newRow("bool-t") << "t" << kBool << "true";
    QTest::newRow("bool-y") << "y" << kBool << "true";
    QTest::newRow("bool-1") << "1" << kBool << "true";
    QTest::newRow("bool-false") << "false" << kBool << "false";
    QTest::newRow("bool-False") << "False" << kBool << "false";
    QTest::newRow("bool-no") << "no" << kBool << "false";
    QTest::newRow("bool-off") << "off" << kBool << "false";
    QTest::newRow("bool-f") << "f" << kBool << "false";
    QTest::newRow("bool-n") << "n" << kBool << "false";
    QTest::newRow("bool-0") << "0" << kBool << "false";
    QTest::newRow("bool-1.0") << "1.0" << kBool << "true";

    // lists
    QTest::newRow("list-json") << R"(["a", "b"])" << TypeSpec::list(kStr) << R"(["a", "b"])";
    QTest::newRow("list-python") << "['a', 'b']" << TypeSpec::list(kStr) << R"(["a", "b"])";
    QTest::newRow("list-trailing-comma") << "[1, 2, 3,]" << TypeSpec::list(kInt) << "[1, 2, 3]";
    QTest::newRow("list-coerces-items")
        << R"(["1", 2.0, true])" << TypeSpec::list(kInt) << "[1, 2, 1]";
    QTest::newRow("list-fenced") << "```json\n[1, 2]\n```" << TypeSpec::list(kInt) << "[1, 2]";
    QTest::newRow("list-with-prose") << "The list is [1, 2]." << TypeSpec::list(kInt) << "[1, 2]";
    QTest::newRow("list-tuple-literal") << "(1, 2)" << TypeSpec::list(kInt) << "[1, 2]";
    QTest::newRow("list-empty") << "[]" << TypeSpec::list(kStr) << "[]";
    QTest::newRow("list-bare") << "[1, 'a']" << TypeSpec(TypeSpec::Kind::List) << R"([1, "a"])";
    QTest::newRow("list-nested") << "[[1], [2, 3]]" << TypeSpec::list(TypeSpec::list(kInt))
                                 << "[[1], [2, 3]]";

    // sets and tuples
    QTest::newRow("set-dedups") << "[1, 1, '2']" << TypeSpec::set(kInt) << "[1, 2]";
    QTest::newRow("tuple") << "[1, \"a\"]" << TypeSpec::tuple({kInt, kStr}) << R"([1, "a"])";
    QTest::newRow("tuple-python") << "(1, 'a')" << TypeSpec::tuple({kInt, kStr}) << R"([1, "a"])";
    QTest::newRow("tuple-variadic")
        << "[1, \"2\", 3]" << TypeSpec::tuple({kInt}, true) << "[1, 2, 3]";

    // dicts, including key coercion
    QTest::newRow("dict") << R"({"a": 1})" << TypeSpec::dict(kStr, kInt) << R"({"a": 1})";
    QTest::newRow("dict-single-quotes")
        << "{'a': '1', 'b': 2}" << TypeSpec::dict(kStr, kInt) << R"({"a": 1, "b": 2})";
    QTest::newRow("dict-int-keys")
        << R"({"1": "a"})" << TypeSpec::dict(kInt, kStr) << R"({"1": "a"})";
    QTest::newRow("dict-int-keys-padded")
        << R"({"01": "a"})" << TypeSpec::dict(kInt, kStr) << R"({"1": "a"})";
    QTest::newRow("dict-python-int-keys")
        << "{1: 'a'}" << TypeSpec::dict(kInt, kStr) << R"({"1": "a"})";
    QTest::newRow("dict-float-keys")
        << R"({"1": 2})" << TypeSpec::dict(kFloat, kInt) << R"({"1.0": 2})";
    QTest::newRow("dict-bool-keys")
        << R"({"yes": 1})" << TypeSpec::dict(kBool, kInt) << R"({"true": 1})";
    QTest::newRow("dict-duplicate-last-wins")
        << R"({"a": 1, "a": 2})" << TypeSpec::dict(kStr, kInt) << R"({"a": 2})";
    QTest::newRow("dict-bare") << "{'x': [1]}" << TypeSpec(TypeSpec::Kind::Dict) << R"({"x": [1]})";

    // Literal: exact, stripped, unwrapped, unquoted
    const TypeSpec posNeg = TypeSpec::literal({Value("pos"), Value("neg")});
    QTest::newRow("literal-exact") << "pos" << posNeg << R"("pos")";
    QTest::newRow("literal-spaces") << "  neg \n" << posNeg << R"("neg")";
    QTest::newRow("literal-single-quoted") << "'pos'" << posNeg << R"("pos")";
    QTest::newRow("literal-double-quoted") << "\"neg\"" << posNeg << R"("neg")";
    QTest::newRow("literal-wrapped") << "Literal['pos']" << posNeg << R"("pos")";
    QTest::newRow("literal-str-wrapped") << "str[neg]" << posNeg << R"("neg")";
    const TypeSpec oneTwo = TypeSpec::literal({Value(1), Value(2), Value(3)});
    QTest::newRow("literal-int-fixed") << "2" << oneTwo << "2";
    QTest::newRow("literal-bool") << "True" << TypeSpec::literal({Value(true), Value("x")})
                                  << "true";

    // Optional / unions
    const TypeSpec optInt = TypeSpec::optional(kInt);
    QTest::newRow("optional-int") << "5" << optInt << "5";
    QTest::newRow("optional-None") << "None" << optInt << "null";
    QTest::newRow("optional-null") << "null" << optInt << "null";
    const TypeSpec optStr = TypeSpec::optional(kStr);
    QTest::newRow("optional-str-raw") << "None" << optStr << R"("None")";
    QTest::newRow("optional-str-json") << "[1]" << optStr << R"("[1]")";
    QTest::newRow("union-str-int-raw") << "42" << TypeSpec::unionOf({kStr, kInt}) << R"("42")";
    QTest::newRow("union-int-float-int") << "2" << TypeSpec::unionOf({kInt, kFloat}) << "2";
    QTest::newRow("union-int-float-float") << "1.5" << TypeSpec::unionOf({kInt, kFloat}) << "1.5";
    QTest::newRow("union-int-list")
        << "[1]" << TypeSpec::unionOf({kInt, TypeSpec::list(kInt)}) << "[1]";
    QTest::newRow("union-float-int-lax-order")
        << "'2'" << TypeSpec::unionOf({kFloat, kInt}) << "2.0";
    QTest::newRow("union-float-int-exact-int") << "2" << TypeSpec::unionOf({kFloat, kInt}) << "2";

    // Any keeps whatever the text decodes to, or the text itself
    QTest::newRow("any-number") << "42" << TypeSpec::any() << "42";
    QTest::newRow("any-object") << "{'a': None}" << TypeSpec::any() << R"({"a": "None"})";
    QTest::newRow("any-text") << "hello there" << TypeSpec::any() << R"("hello there")";
    QTest::newRow("any-python-None") << "None" << TypeSpec::any() << "null";
}

void parseErrorRows()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<TypeSpec>("type");
    QTest::addColumn<QString>("error");

    QTest::newRow("int-word")
        << "abc" << kInt
        << "Input should be a valid integer, unable to parse string as an integer "
           "[type=int_parsing, input_value='abc', input_type=str]";
    QTest::newRow("int-fraction")
        << "42.5" << kInt
        << "Input should be a valid integer, got a number with a fractional part "
           "[type=int_from_float, input_value=42.5, input_type=float]";
    QTest::newRow("int-empty")
        << "" << kInt
        << "Input should be a valid integer, unable to parse string as an integer "
           "[type=int_parsing, input_value='', input_type=str]";
    QTest::newRow("int-list") << "[1]" << kInt
                              << "Input should be a valid integer [type=int_type, input_value=[1], "
                                 "input_type=list]";
    QTest::newRow("int-null") << "null" << kInt
                              << "Input should be a valid integer [type=int_type, "
                                 "input_value=None, input_type=NoneType]";
    QTest::newRow("float-word")
        << "many" << kFloat
        << "Input should be a valid number, unable to parse string as a number "
           "[type=float_parsing, input_value='many', input_type=str]";
    QTest::newRow("bool-maybe")
        << "maybe" << kBool
        << "Input should be a valid boolean, unable to interpret input [type=bool_parsing, "
           "input_value='maybe', input_type=str]";
    QTest::newRow("bool-2") << "2" << kBool
                            << "Input should be a valid boolean, unable to interpret input "
                               "[type=bool_parsing, input_value=2, input_type=int]";
    QTest::newRow("bool-half") << "0.5" << kBool
                               << "Input should be a valid boolean [type=bool_type, "
                                  "input_value=0.5, input_type=float]";
    QTest::newRow("list-text") << "apples and pears" << TypeSpec::list(kStr)
                               << "Input should be a valid list [type=list_type, "
                                  "input_value='apples and pears', input_type=str]";
    QTest::newRow("list-item")
        << "[1, \"a\"]" << TypeSpec::list(kInt)
        << "1: Input should be a valid integer, unable to parse string as an integer "
           "[type=int_parsing, input_value='a', input_type=str]";
    QTest::newRow("list-dict") << R"({"a": 1})" << TypeSpec::list(kInt)
                               << "Input should be a valid list [type=list_type, "
                                  "input_value={'a': 1}, input_type=dict]";
    QTest::newRow("list-long-input")
        << QString(100, u'a') << TypeSpec::list(kInt)
        << "Input should be a valid list [type=list_type, "
           "input_value='aaaaaaaaaaaaaaaaaaaaaaaa...aaaaaaaaaaaaaaaaaaaaaaa', input_type=str]";
    QTest::newRow("dict-key")
        << R"({"a": "x"})" << TypeSpec::dict(kInt, kStr)
        << "a.[key]: Input should be a valid integer, unable to parse string as an integer "
           "[type=int_parsing, input_value='a', input_type=str]";
    QTest::newRow("dict-value")
        << R"({"a": "x"})" << TypeSpec::dict(kStr, kInt)
        << "a: Input should be a valid integer, unable to parse string as an integer "
           "[type=int_parsing, input_value='x', input_type=str]";
    QTest::newRow("dict-list") << "[1]" << TypeSpec::dict(kStr, kInt)
                               << "Input should be a valid dictionary [type=dict_type, "
                                  "input_value=[1], input_type=list]";
    QTest::newRow("tuple-short")
        << "[1]" << TypeSpec::tuple({kInt, kStr})
        << "1: Field required [type=missing, input_value=[1], input_type=list]";
    QTest::newRow("tuple-long") << "[1, \"a\", 3]" << TypeSpec::tuple({kInt, kStr})
                                << "Tuple should have at most 2 items after validation, not 3 "
                                   "[type=too_long, input_value=[1, 'a', 3], input_type=list]";
    QTest::newRow("set-text") << "x" << TypeSpec::set(kInt)
                              << "Input should be a valid set [type=set_type, input_value='x', "
                                 "input_type=str]";
    QTest::newRow("literal-miss") << "maybe" << TypeSpec::literal({Value("yes"), Value("no")})
                                  << "'maybe' is not one of ('yes', 'no')";
    QTest::newRow("literal-one") << "b" << TypeSpec::literal({Value("a")})
                                 << "'b' is not one of ('a',)";
    QTest::newRow("literal-int-miss")
        << "4" << TypeSpec::literal({Value(1), Value(2)}) << "'4' is not one of (1, 2)";
    QTest::newRow("optional-int-empty")
        << "" << TypeSpec::optional(kInt)
        << "Input should be a valid integer, unable to parse string as an integer "
           "[type=int_parsing, input_value='', input_type=str]";
    QTest::newRow("optional-int-word")
        << "x" << TypeSpec::optional(kInt)
        << "Input should be a valid integer, unable to parse string as an integer "
           "[type=int_parsing, input_value='x', input_type=str]";
    QTest::newRow("union-both-fail")
        << "x" << TypeSpec::unionOf({kInt, TypeSpec::list(kInt)})
        << "int: Input should be a valid integer, unable to parse string as an integer "
           "[type=int_parsing, input_value='x', input_type=str]\n"
           "list[int]: Input should be a valid list [type=list_type, input_value='x', "
           "input_type=str]";
    QTest::newRow("none-type") << "1" << TypeSpec(TypeSpec::Kind::NoneType)
                               << "Input should be None [type=none_required, input_value=1, "
                                  "input_type=int]";
}

#endif // Q_MOC_RUN

class TestParseValue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseOk_data() { parseOkRows(); }
    void parseOk()
    {
        QFETCH(QString, text);
        QFETCH(TypeSpec, type);
        QFETCH(QString, expected);
        const auto r = parseValue(text, type);
        QVERIFY2(r.hasValue(), qPrintable(r.hasValue() ? QString() : r.error()));
        QCOMPARE(dumps(r.value()), expected);
    }

    void parseError_data() { parseErrorRows(); }
    void parseError()
    {
        QFETCH(QString, text);
        QFETCH(TypeSpec, type);
        QFETCH(QString, error);
        const auto r = parseValue(text, type);
        QVERIFY2(!r.hasValue(), qPrintable(r.hasValue() ? dumps(r.value()) : QString()));
        QCOMPARE(r.error(), error);
    }

    void parsedTypesAreExact()
    {
        QVERIFY(parseValue("3", kFloat)->isFloat());
        QVERIFY(parseValue("3.0", kInt)->isInt());
        QVERIFY(parseValue("1", kBool)->isBool());
        QVERIFY(parseValue("42", kStr)->isString());
        QVERIFY(parseValue("2", TypeSpec::literal({Value(1), Value(2)}))->isInt());
        const auto nan = parseValue("nan", kFloat);
        QVERIFY(nan->isFloat() && std::isnan(nan->toDouble()));
    }

    void validateDirect()
    {
        // values that were never text: what JSONAdapter hands over after its own repair
        QCOMPARE(validateValue(Value(42.0), kInt).value(), Value(42));
        QVERIFY(validateValue(Value(42.0), kInt)->isInt());
        QCOMPARE(validateValue(Value(true), kFloat).value(), Value(1.0));
        QCOMPARE(validateValue(Value(1), kBool).value(), Value(true));
        QCOMPARE(validateValue(Value(Array{Value(1)}), TypeSpec::any()).value(),
                 Value(Array{Value(1)}));
        QCOMPARE(validateValue(Value(), TypeSpec::optional(kStr)).value(), Value());
        QCOMPARE(validateValue(Value(1), TypeSpec::literal({Value(true)})).value(), Value(true));
        QCOMPARE(validateValue(Value(2.0), TypeSpec::literal({Value(1), Value(2)})).value(),
                 Value(2));
        QCOMPARE(validateValue(Value(5), kStr).error(),
                 QStringLiteral("Input should be a valid string [type=string_type, input_value=5, "
                                "input_type=int]"));
        QCOMPARE(validateValue(Value(std::nan("")), kInt).error(),
                 QStringLiteral("Input should be a finite number [type=finite_number, "
                                "input_value=nan, input_type=float]"));
        QCOMPARE(validateValue(Value(1e20), kInt).error(),
                 QStringLiteral("Unable to parse input string as an integer, exceeded maximum size "
                                "[type=int_parsing_size, input_value=1e+20, input_type=float]"));
        QCOMPARE(validateValue(Value(1), TypeSpec::literal({Value("a"), Value("b"), Value("c")}))
                     .error(),
                 QStringLiteral("Input should be 'a', 'b' or 'c' [type=literal_error, "
                                "input_value=1, input_type=int]"));
        QCOMPARE(validateValue(Value(1.5), TypeSpec::unionOf({kInt, kStr})).error(),
                 QStringLiteral("int: Input should be a valid integer, got a number with a "
                                "fractional part [type=int_from_float, input_value=1.5, "
                                "input_type=float]\nstr: Input should be a valid string "
                                "[type=string_type, input_value=1.5, input_type=float]"));
    }

    void laxStringNumbers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("isInt");
        QTest::addColumn<bool>("ok");
        // pydantic's str -> int and str -> float rules (validated as strings, not via JSON)
        QTest::newRow("int-plus") << "+42" << true << true;
        QTest::newRow("int-underscore") << "4_2" << true << true;
        QTest::newRow("int-double-underscore") << "4__2" << true << false;
        QTest::newRow("int-leading-underscore") << "_42" << true << false;
        QTest::newRow("int-zero-fraction") << "42.00" << true << true;
        QTest::newRow("int-dot") << "42." << true << false;
        QTest::newRow("int-exp") << "1e3" << true << false;
        QTest::newRow("int-hex") << "0x10" << true << false;
        QTest::newRow("int-inner-space") << "1 000" << true << false;
        QTest::newRow("float-underscore") << "1_0.5" << false << true;
        QTest::newRow("float-dot-lead") << ".5" << false << true;
        QTest::newRow("float-Infinity") << "Infinity" << false << true;
        QTest::newRow("float-comma") << "1,5" << false << false;
        QTest::newRow("float-bare-e") << "1e" << false << false;
        QTest::newRow("float-minus") << "-" << false << false;
    }
    void laxStringNumbers()
    {
        QFETCH(QString, text);
        QFETCH(bool, isInt);
        QFETCH(bool, ok);
        const auto r = validateValue(Value(text), isInt ? kInt : kFloat);
        QCOMPARE(r.hasValue(), ok);
    }
};

QTEST_GUILESS_MAIN(TestParseValue)
#include "tst_parsevalue.moc"
