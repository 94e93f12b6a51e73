#include "signature/signature.h"

#include <QRandomGenerator>
#include <QTest>

#include <stdexcept>

using namespace dspy;

namespace {

Signature sig(const QString& text, const QString& instructions = {})
{
    SignatureError error;
    std::optional<Signature> s = Signature::parse(text, instructions, &error);
    if (!s)
        qFatal("cannot parse %s: %s", qPrintable(text), qPrintable(error.toString()));
    return *s;
}

QStringList typeNames(const QList<Field>& fields)
{
    QStringList out;
    for (const Field& f : fields)
        out.append(f.name + u':' + f.type.displayName() + (f.typeUndefined ? u"?"_qs : u""_qs));
    return out;
}

// The pieces random signatures are made of: real grammar, near misses and plain noise.
const QStringList& fragments()
{
    static const QStringList pieces = {
        u"a"_qs,        u"question"_qs, u"context"_qs, u"answer"_qs,    u"_x1"_qs,
        u"naïve"_qs,    u"class"_qs,    u"match"_qs,   u"1abc"_qs,      u","_qs,
        u", "_qs,       u"->"_qs,       u" -> "_qs,    u":"_qs,         u": "_qs,
        u"str"_qs,      u"int"_qs,      u"float"_qs,   u"bool"_qs,      u"Any"_qs,
        u"None"_qs,     u"NoneType"_qs, u"list"_qs,    u"List"_qs,      u"dict"_qs,
        u"Dict"_qs,     u"tuple"_qs,    u"set"_qs,     u"frozenset"_qs, u"Optional"_qs,
        u"Union"_qs,    u"Literal"_qs,  u"typing."_qs, u"["_qs,         u"]"_qs,
        u"("_qs,        u")"_qs,        u"|"_qs,       u"..."_qs,       u"'pos'"_qs,
        u"\"it's\""_qs, u"'a\\'b'"_qs,  u"r'\\d'"_qs,  u"b'x'"_qs,      u"f'x'"_qs,
        u"'''t'''"_qs,  u"1"_qs,        u"-2"_qs,      u"0x1F"_qs,      u"1.5"_qs,
        u"1e3"_qs,      u"True"_qs,     u"False"_qs,   u"="_qs,         u"*"_qs,
        u"**"_qs,       u"/"_qs,        u"#"_qs,       u"\\"_qs,        u"\n"_qs,
        u"\t"_qs,       u" "_qs,        u"'"_qs,       u"\""_qs,        u"$"_qs,
        u"€"_qs,        u"😀"_qs,        u"-"_qs,       u">"_qs,         u"strr"_qs,
        u"Callable"_qs};
    return pieces;
}

QString randomSignature(QRandomGenerator& rng)
{
    QString s;
    const int n = rng.bounded(1, 14);
    for (int i = 0; i < n; ++i)
        s += fragments().at(rng.bounded(int(fragments().size())));
    return s;
}

const QStringList& validSeeds()
{
    static const QStringList seeds = {
        u"question -> answer"_qs,
        u"question, context: list[str] -> answer: int, confidence: float"_qs,
        u"a: dict[str, list[Optional[int]]], b: tuple[int, ...] -> c: Literal['x', \"y's\", 1, "
        "None]"_qs,
        u"x: int | None, y: Union[str, bool] -> z: set[str], w: frozenset[int], v: Any"_qs,
        u" -> answer"_qs,
        u"a, b, -> c,"_qs,
        u"a: typing.List[str] -> b: Dict[str, Tuple[int, str]]"_qs,
    };
    return seeds;
}

QString mutate(QRandomGenerator& rng, QString s)
{
    const int edits = rng.bounded(1, 4);
    for (int e = 0; e < edits; ++e) {
        const int pos = s.isEmpty() ? 0 : rng.bounded(int(s.size()) + 1);
        switch (rng.bounded(4)) {
        case 0:
            if (!s.isEmpty() && pos < s.size())
                s.remove(pos, rng.bounded(1, 4));
            break;
        case 1:
            s.insert(pos, fragments().at(rng.bounded(int(fragments().size()))));
            break;
        case 2:
            if (pos < s.size())
                s[pos] = QChar(char16_t(rng.bounded(0x20, 0x7f)));
            break;
        default:
            s.insert(pos, QChar(char16_t(rng.bounded(1, 0x3000))));
            break;
        }
    }
    return s;
}

} // namespace

class TestSignature : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesFieldsAndTypes()
    {
        const Signature s =
            sig(u"question, context: list[str] -> answer: int, confidence: float"_qs);
        QCOMPARE(s.inputNames(), (QStringList{u"question"_qs, u"context"_qs}));
        QCOMPARE(s.outputNames(), (QStringList{u"answer"_qs, u"confidence"_qs}));
        QCOMPARE(typeNames(s.fields()), (QStringList{u"question:str?"_qs, u"context:list[str]"_qs,
                                                     u"answer:int"_qs, u"confidence:float"_qs}));
        QVERIFY(s.inputFields().at(0).isInput);
        QVERIFY(!s.outputFields().at(0).isInput);
        QCOMPARE(s.field(u"context")->type, TypeSpec::list(TypeSpec::str()));
        QCOMPARE(s.field(u"missing"), nullptr);
    }

    void untypedIsStrAndMarked()
    {
        const Signature s = sig(u"question -> answer"_qs);
        QVERIFY(s.inputFields().at(0).type.isStr());
        QVERIFY(s.inputFields().at(0).typeUndefined);
        QVERIFY(s.outputFields().at(0).typeUndefined);
        const Signature typed = sig(u"question: str -> answer"_qs);
        QVERIFY(!typed.inputFields().at(0).typeUndefined);
        // DSPy falls back to str for a bare `None` annotation.
        QVERIFY(sig(u"a: None -> b"_qs).inputFields().at(0).type.isStr());
    }

    void prefixesAndDescriptions()
    {
        const Signature s = sig(u"someHTTPField, text2number -> question_answer"_qs);
        QCOMPARE(s.inputFields().at(0).prefix, u"Some HTTP Field:"_qs);
        QCOMPARE(s.inputFields().at(1).prefix, u"Text 2 Number:"_qs);
        QCOMPARE(s.outputFields().at(0).prefix, u"Question Answer:"_qs);
        QCOMPARE(s.outputFields().at(0).description, QString());
        QCOMPARE(s.outputFields().at(0).savedDescription(), u"${question_answer}"_qs);
    }

    void inferPrefix_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "question"
                               << "Question";
        QTest::newRow("digits") << "text2number"
                                << "Text 2 Number";
        QTest::newRow("acronym") << "someHTTPField"
                                 << "Some HTTP Field";
        QTest::newRow("snake") << "question_answer"
                               << "Question Answer";
        QTest::newRow("camel") << "camelCaseText"
                               << "Camel Case Text";
        QTest::newRow("leading acronym") << "HTMLParser"
                                         << "HTML Parser";
        QTest::newRow("trailing id") << "userID2"
                                     << "User ID 2";
        QTest::newRow("digit then camel") << "v2Model"
                                          << "V 2 Model";
        QTest::newRow("double underscore") << "a__b"
                                           << "A  B";
        QTest::newRow("leading underscore") << "_private"
                                            << " Private";
        QTest::newRow("all caps") << "ID"
                                  << "ID";
        QTest::newRow("mixed caps word") << "iOS"
                                         << "I OS";
        QTest::newRow("unicode") << "naïve_ÉCOLE"
                                 << "Naïve ÉCOLE";
        QTest::newRow("lower after caps") << "ABCdef"
                                          << "AB Cdef";
    }
    void inferPrefix()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        QCOMPARE(dspy::inferPrefix(name), expected);
    }

    void grammarAccepts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("empty inputs") << " -> answer" << QStringList{u"answer:str?"_qs};
        QTest::newRow("no space") << "->answer" << QStringList{u"answer:str?"_qs};
        QTest::newRow("nothing") << "->" << QStringList{};
        QTest::newRow("trailing commas")
            << "a, b, -> c," << QStringList{u"a:str?"_qs, u"b:str?"_qs, u"c:str?"_qs};
        QTest::newRow("free whitespace")
            << "  a ,\n\tb :\n list [ str ] ->\r\n c:int  "
            << QStringList{u"a:str?"_qs, u"b:list[str]"_qs, u"c:int"_qs};
        QTest::newRow("line continuation")
            << "a: list\\\n[str] -> b" << QStringList{u"a:list[str]"_qs, u"b:str?"_qs};
        QTest::newRow("soft keywords")
            << "match, case, type, a_ -> print"
            << QStringList{u"match:str?"_qs, u"case:str?"_qs, u"type:str?"_qs, u"a_:str?"_qs,
                           u"print:str?"_qs};
        QTest::newRow("unicode names")
            << "naïve -> résumé" << QStringList{u"naïve:str?"_qs, u"résumé:str?"_qs};
        QTest::newRow("NFKC names") << "ﬁeld -> x" << QStringList{u"field:str?"_qs, u"x:str?"_qs};
        QTest::newRow("optional pep604")
            << "a: int | None -> b: None | str"
            << QStringList{u"a:Union[int, NoneType]"_qs, u"b:Union[NoneType, str]"_qs};
        QTest::newRow("tuple subscript")
            << "a: dict[(str, int)] -> b" << QStringList{u"a:dict[str, int]"_qs, u"b:str?"_qs};
        QTest::newRow("literal with arrow chars")
            << "a -> b: Literal['-', '>']" << QStringList{u"a:str?"_qs, u"b:Literal['-', '>']"_qs};
        QTest::newRow("trailing comma in subscript")
            << "a: list[str,] -> b" << QStringList{u"a:list[str]"_qs, u"b:str?"_qs};
    }
    void grammarAccepts()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, fields);
        QCOMPARE(typeNames(sig(text).fields()), fields);
    }

    void grammarRejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("position");
        QTest::addColumn<int>("length");
        QTest::addColumn<QString>("message");
        QTest::newRow("no arrow")
            << "question answer" << 15 << 0
            << "Invalid signature: it must contain '->' between the inputs and the outputs";
        QTest::newRow("two arrows")
            << "a -> b -> c" << 7 << 2
            << "Invalid signature: it must contain exactly one '->', found another one here";
        QTest::newRow("arrow in a string counts as DSPy counts it")
            << "a -> b: Literal['->']" << 17 << 2
            << "Invalid signature: it must contain exactly one '->', found another one here";
        QTest::newRow("duplicate input") << "a, a -> b" << 3 << 1 << "Duplicate field name 'a'";
        QTest::newRow("duplicate output")
            << "x -> a, b: int, a" << 16 << 1 << "Duplicate field name 'a'";
        QTest::newRow("same name both sides")
            << "a, b -> b, a" << 8 << 1
            << "Input and output fields must have distinct names, but found duplicates: 'a, b'.";
        QTest::newRow("unknown type") << "a: strr -> b" << 3 << 4 << "Unknown name: strr";
        QTest::newRow("unknown type on output")
            << "a -> b: list[Foo]" << 13 << 3 << "Unknown name: Foo";
        QTest::newRow("bad literal")
            << "a -> b: Literal[x]" << 16 << 1
            << "Literal values must be constants (strings, numbers, True, False or None), found "
               "'x'";
        QTest::newRow("digit name")
            << "1abc -> b" << 0 << 4
            << "'1abc' is not a valid field name: a name must start with a letter or an underscore";
        QTest::newRow("keyword name") << "a, class -> b" << 3 << 5
                                      << "'class' is a Python keyword and cannot be a field name";
        QTest::newRow("underscore name")
            << "q, _private -> b" << 3 << 8
            << "'_private' is not a valid field name: names must not start with an underscore";
        QTest::newRow("None as name")
            << "None -> b" << 0 << 4 << "'None' is a Python keyword and cannot be a field name";
        QTest::newRow("empty item")
            << "a, , b -> c" << 3 << 1 << "Expected a field name before ','";
        QTest::newRow("leading comma") << ", -> c" << 0 << 1 << "Expected a field name before ','";
        QTest::newRow("only comma output")
            << "a -> ," << 5 << 1 << "Expected a field name before ','";
        QTest::newRow("missing comma")
            << "a b -> c" << 2 << 1 << "Expected ',' between fields, found 'b'";
        QTest::newRow("missing type") << "a: -> b" << 3 << 0 << "Expected a type after 'a:'";
        QTest::newRow("unclosed bracket") << "a: list[str -> b" << 7 << 1 << "'[' was never closed";
        QTest::newRow("extra bracket") << "a: list[str]] -> b" << 12 << 1 << "Unmatched ']'";
        QTest::newRow("unmatched paren") << "a) -> b" << 1 << 1 << "Unmatched ')'";
        QTest::newRow("default value")
            << "a=1 -> b" << 1 << 1 << "Default values are not supported in a signature string";
        QTest::newRow("star args")
            << "*args -> b" << 0 << 1 << "'*' parameters are not supported in a signature";
        QTest::newRow("optional arity") << "a: Optional[int, str] -> b" << 3 << 18
                                        << "Optional must have exactly one type argument";
        QTest::newRow("unterminated string")
            << "a -> b: Literal['x" << 16 << 2 << "Unterminated string literal";
        QTest::newRow("comment") << "a # note -> b" << 2 << 1
                                 << "Comments ('#') are not allowed in a signature";
        QTest::newRow("invalid char") << "a$ -> b" << 1 << 1 << "Invalid character '$' (U+0024)";
        QTest::newRow("emoji") << "a -> 😀" << 5 << 2 << "Invalid character '😀' (U+1F600)";
        QTest::newRow("string as name")
            << "'a' -> b" << 0 << 3 << "Expected a field name, found a string literal";
        QTest::newRow("input side checked before output")
            << "a: Foo -> b: Bar" << 3 << 3 << "Unknown name: Foo";
        QTest::newRow("syntax before types on a side")
            << "a: Foo, b c -> d" << 10 << 1 << "Expected ',' between fields, found 'c'";
    }
    void grammarRejects()
    {
        QFETCH(QString, text);
        QFETCH(int, position);
        QFETCH(int, length);
        QFETCH(QString, message);
        SignatureError error;
        QVERIFY(!Signature::parse(text, {}, &error));
        QCOMPARE(error.message, message);
        QCOMPARE(error.position, qsizetype(position));
        QCOMPARE(error.length, qsizetype(length));
    }

    void errorToStringAndThrowingConstructor()
    {
        SignatureError error;
        QVERIFY(!Signature::parse(u"a: strr -> b", {}, &error));
        QCOMPARE(error.toString(), u"position 3: Unknown name: strr"_qs);
        SignatureError plain{u"oops"_qs};
        QCOMPARE(plain.toString(), u"oops"_qs);
        QVERIFY(!Signature::parse(u"a -> b -> c")); // no error sink: still no crash
        try {
            Signature::fromString(u"a: strr -> b");
            QFAIL("expected std::invalid_argument");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString::fromUtf8(e.what()), u"position 3: Unknown name: strr"_qs);
        }
        QCOMPARE(Signature::fromString(u"a -> b").signatureString(), u"a -> b"_qs);
    }

    void defaultInstructions()
    {
        QCOMPARE(sig(u"question, context -> answer"_qs).instructions(),
                 u"Given the fields `question`, `context`, produce the fields `answer`."_qs);
        QCOMPARE(sig(u"-> a, b"_qs).instructions(),
                 u"Given the fields , produce the fields `a`, `b`."_qs);
        const Signature s = sig(u"q -> a"_qs);
        QVERIFY(!s.hasCustomInstructions());
        QCOMPARE(s.instructions(), s.defaultInstructions());
        // An empty string is "no instructions" (dspy.md §2.13); whitespace is kept and cleans to
        // "".
        QCOMPARE(sig(u"q -> a"_qs, u""_qs).instructions(), s.defaultInstructions());
        QCOMPARE(sig(u"q -> a"_qs, u"  \n  "_qs).instructions(), u"  "_qs); // cleandoc keeps it
        QVERIFY(sig(u"q -> a"_qs, u"  "_qs).hasCustomInstructions());
        QCOMPARE(Signature().instructions(), u"Given the fields , produce the fields ."_qs);
    }

    void instructionsAreCleaned()
    {
        const Signature s =
            sig(u"q -> a"_qs, u"\n    Answer the question.\n\n    Be terse.\n  "_qs);
        QCOMPARE(s.instructions(), u"Answer the question.\n\nBe terse."_qs);
    }

    void cleandoc_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("common indent") << "  Hello\n    world\n      indented\n"
                                       << "Hello\nworld\n  indented";
        QTest::newRow("blank edges") << "\n\n  First\n  Second\n\n"
                                     << "First\nSecond";
        QTest::newRow("tabs") << "Title\n\tTabbed\n\t  more"
                              << "Title\nTabbed\n  more";
        QTest::newRow("tab stops") << "x\tyz\n  a\tb"
                                   << "x       yz\na     b";
        QTest::newRow("whitespace line kept") << "a\n   \n  b"
                                              << "a\n \nb";
        QTest::newRow("only whitespace") << "   "
                                         << "";
        QTest::newRow("first line not a margin") << "first\n second"
                                                 << "first\nsecond";
        QTest::newRow("unicode space is whitespace") << "a\n\u00a0\u00a0b\n\u00a0\u00a0c"
                                                     << "a\nb\nc";
        QTest::newRow("crlf stays") << "a\r\n  b\r\n"
                                    << "a\r\nb\r";
        QTest::newRow("empty") << ""
                               << "";
    }
    void cleandoc()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(dspy::cleandoc(text), expected);
    }

    void signatureAndToString()
    {
        const Signature s =
            sig(u"question, context:list[ str ] -> answer: int, why: Optional[str], c: str"_qs);
        QCOMPARE(s.signatureString(), u"question, context -> answer, why, c"_qs);
        QCOMPARE(s.toString(),
                 u"question, context: list[str] -> answer: int, why: Optional[str], c: str"_qs);
        QCOMPARE(sig(u"-> a"_qs).signatureString(), u" -> a"_qs);
        QCOMPARE(sig(u"-> a"_qs).toString(), u" -> a"_qs);
        QVERIFY(sig(s.toString()).equals(s));
    }

    void immutableApi()
    {
        const Signature base = sig(u"a, b -> c"_qs, u"Do it."_qs);
        const Signature changed = base.withInstructions(u"Other."_qs);
        QCOMPARE(base.instructions(), u"Do it."_qs);
        QCOMPARE(changed.instructions(), u"Other."_qs);
        QCOMPARE(base.appendInstructions(u"More."_qs).instructions(), u"Do it.\n\nMore."_qs);
        QCOMPARE(sig(u"q -> a"_qs).appendInstructions(u"Be brief."_qs).instructions(),
                 u"Given the fields `q`, produce the fields `a`.\n\nBe brief."_qs);

        Field updated = *base.field(u"c");
        updated.description = u"the result"_qs;
        updated.type = TypeSpec::integer();
        const Signature withDesc = base.withUpdatedField(u"c"_qs, updated);
        QCOMPARE(withDesc.field(u"c")->description, u"the result"_qs);
        QCOMPARE(withDesc.field(u"c")->type, TypeSpec::integer());
        QVERIFY(!withDesc.field(u"c")->isInput);
        QCOMPARE(base.field(u"c")->description, QString()); // original untouched
        QVERIFY(!base.equals(withDesc));
        QVERIFY(base.withUpdatedField(u"absent"_qs, updated).equals(base));
    }

    void insertIndexRules()
    {
        const Signature s = sig(u"a, b -> c"_qs);
        auto names = [](const std::optional<Signature>& x) {
            return x ? x->inputNames() + QStringList{u"|"_qs} + x->outputNames() : QStringList{};
        };
        const Field x = makeInputField(u"x"_qs);
        QCOMPARE(names(s.insert(0, x)), (QStringList{u"x"_qs, u"a"_qs, u"b"_qs, u"|"_qs, u"c"_qs}));
        QCOMPARE(names(s.insert(1, x)), (QStringList{u"a"_qs, u"x"_qs, u"b"_qs, u"|"_qs, u"c"_qs}));
        QCOMPARE(names(s.insert(2, x)), (QStringList{u"a"_qs, u"b"_qs, u"x"_qs, u"|"_qs, u"c"_qs}));
        QCOMPARE(names(s.insert(-1, x)),
                 (QStringList{u"a"_qs, u"b"_qs, u"x"_qs, u"|"_qs, u"c"_qs}));
        QCOMPARE(names(s.insert(-3, x)),
                 (QStringList{u"x"_qs, u"a"_qs, u"b"_qs, u"|"_qs, u"c"_qs}));
        QCOMPARE(names(s.insert(0, makeOutputField(u"reasoning"_qs))),
                 (QStringList{u"a"_qs, u"b"_qs, u"|"_qs, u"reasoning"_qs, u"c"_qs}));

        QString error;
        QVERIFY(!s.insert(3, x, &error));
        QCOMPARE(error, u"Invalid index to insert: 3, index must be in the range of [-3, 2] for "
                        "input fields"_qs);
        QVERIFY(!s.insert(-4, x, &error));
        QCOMPARE(error, u"Invalid index to insert: -4, index must be in the range of [-3, 2] for "
                        "input fields"_qs);
        QVERIFY(!s.insert(-3, makeOutputField(u"y"_qs), &error));
        QCOMPARE(error, u"Invalid index to insert: -3, index must be in the range of [-2, 1] for "
                        "output fields"_qs);
        QVERIFY(!s.insert(0, makeOutputField(u"a"_qs), &error));
        QCOMPARE(error, u"Cannot insert field 'a': a field with that name already exists"_qs);
        QCOMPARE(s.inputNames(), (QStringList{u"a"_qs, u"b"_qs})); // untouched
    }

    void prependAppendRemove()
    {
        const Signature s = sig(u"question -> answer"_qs);
        const Signature cot = s.prepend(makeOutputField(u"reasoning"_qs));
        QCOMPARE(cot.outputNames(), (QStringList{u"reasoning"_qs, u"answer"_qs}));
        QCOMPARE(cot.field(u"reasoning")->prefix, u"Reasoning:"_qs);
        QCOMPARE(cot.instructions(), s.instructions());
        QCOMPARE(s.append(makeInputField(u"hint"_qs)).inputNames(),
                 (QStringList{u"question"_qs, u"hint"_qs}));
        // Same name again: the new definition replaces the old one.
        const Signature again = cot.append(makeOutputField(u"reasoning"_qs, TypeSpec::integer()));
        QCOMPARE(again.outputNames(), (QStringList{u"answer"_qs, u"reasoning"_qs}));
        QCOMPARE(again.field(u"reasoning")->type, TypeSpec::integer());

        QCOMPARE(cot.remove(u"reasoning"_qs).outputNames(), QStringList{u"answer"_qs});
        QVERIFY(cot.remove(u"nope"_qs).equals(cot));
        QCOMPARE(s.outputNames(), QStringList{u"answer"_qs});
    }

    void equalsComparesInstructionsAndFields()
    {
        const Signature a = sig(u"q: int -> a"_qs);
        QVERIFY(a.equals(sig(u"q: int -> a"_qs)));
        QVERIFY(a == sig(u"q: int -> a"_qs));
        QVERIFY(!a.equals(sig(u"q -> a"_qs)));
        QVERIFY(!a.equals(sig(u"q: int -> a"_qs, u"Other"_qs)));
        QVERIFY(!a.equals(sig(u"q: int -> b"_qs)));
        QVERIFY(!a.equals(sig(u"q: int, r -> a"_qs)));
        QVERIFY(!sig(u"a, b -> c"_qs).equals(sig(u"b, a -> c"_qs)));
        // Default instructions compare by their text.
        QVERIFY(a.equals(a.withInstructions(a.instructions())));
        Field f = *a.field(u"a");
        f.prefix = u"Result:"_qs;
        QVERIFY(!a.equals(a.withUpdatedField(u"a"_qs, f)));
    }

    void fromFields()
    {
        Field q;
        q.name = u"question"_qs;
        const Signature s = Signature::fromFields({q}, {makeOutputField(u"answer"_qs)}, u"Hi"_qs);
        QCOMPARE(s.inputFields().at(0).prefix, u"Question:"_qs);
        QVERIFY(s.inputFields().at(0).isInput);
        QCOMPARE(s.instructions(), u"Hi"_qs);
        QCOMPARE(s.fields().size(), 2);
        QVERIFY(s.equals(sig(u"question: str -> answer: str"_qs, u"Hi"_qs)));
    }

    void implicitSharing()
    {
        Signature a = sig(u"q -> a"_qs);
        Signature b = a;
        b = b.withInstructions(u"changed"_qs);
        QVERIFY(!a.hasCustomInstructions());
        Signature moved = std::move(b);
        QCOMPARE(moved.instructions(), u"changed"_qs);
    }

    // Random and mutated signature strings: the parser never crashes, positions stay inside the
    // text, and whatever it accepts comes back identical through toString().
    void propertyRandomAndMutatedInputs()
    {
        QRandomGenerator rng(20240611);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 30000; ++i) {
            const QString text =
                (i % 2 == 0) ? randomSignature(rng)
                             : mutate(rng, validSeeds().at(rng.bounded(int(validSeeds().size()))));
            SignatureError error;
            const std::optional<Signature> s = Signature::parse(text, {}, &error);
            if (!s) {
                ++rejected;
                QVERIFY2(!error.message.isEmpty(), qPrintable(text));
                QVERIFY2(error.position >= 0 && error.length >= 0 &&
                             error.position + error.length <= text.size(),
                         qPrintable(text + u" -> "_qs + error.toString()));
                continue;
            }
            ++accepted;
            SignatureError again;
            const std::optional<Signature> round = Signature::parse(s->toString(), {}, &again);
            QVERIFY2(round,
                     qPrintable(text + u" => "_qs + s->toString() + u" : "_qs + again.toString()));
            QVERIFY2(round->equals(*s), qPrintable(text + u" => "_qs + s->toString()));
            QCOMPARE(typeNames(round->fields()), typeNames(s->fields()));
            QCOMPARE(round->toString(), s->toString());
        }
        // Both outcomes must be well represented, or the property says nothing.
        QVERIFY2(accepted > 1000, qPrintable(QString::number(accepted)));
        QVERIFY2(rejected > 1000, qPrintable(QString::number(rejected)));
    }

    void validSeedsRoundTrip()
    {
        for (const QString& text : validSeeds()) {
            const Signature s = sig(text);
            QVERIFY2(sig(s.toString()).equals(s), qPrintable(text));
        }
    }
};

QTEST_GUILESS_MAIN(TestSignature)
#include "tst_signature.moc"
