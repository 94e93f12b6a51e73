// XMLAdapter: DSPy 3.3's XML layout (dspy.md §2.11, xml_adapter.py) and its strict-XML parse.

#include "adapters/xmladapter.h"
#include "signature/signature.h"

#include <QTest>

using namespace dspy;

namespace {

Signature sig(const char* text, const QString& instructions = {})
{
    return Signature::fromString(QString::fromUtf8(text), instructions);
}

} // namespace

class TestXmlAdapter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void simpleFormat();
    void nestedSkeletonsAndReminder();
    void demoRendering();
    void incompleteDemoFiller();
    void inputListFormatting();
    void formatFieldsWithValues();

    void parseSimple();
    void parseTypedAndNested();
    void parseTwoTagsForStrField();
    void parseOptionalAndMissing();
    void parseMalformed();
    void parseEntities();
};

void TestXmlAdapter::simpleFormat()
{
    const QList<ChatMessage> m = XMLAdapter().format(
        sig("question -> answer", QStringLiteral("Answer the question concisely.")), {},
        Object{{QStringLiteral("question"), "What is 2+2?"}});
    QCOMPARE(m.size(), 2);
    QCOMPARE(m.at(0).content,
             QStringLiteral("Your input fields are:\n1. `question` (str):\nYour output fields "
                            "are:\n1. `answer` (str):\nAll interactions will be structured in the "
                            "following way, with the appropriate values filled "
                            "in.\n\n<question>\n{question}\n</question>\n\n<answer>\n{answer}\n</"
                            "answer>\nIn adhering to this structure, your objective is: \n        "
                            "Answer the question concisely."));
    QCOMPARE(m.at(1).content,
             QStringLiteral("<question>\nWhat is 2+2?\n</question>\n\nRespond with the "
                            "corresponding output fields wrapped in XML tags `<answer>`."));
}

void TestXmlAdapter::nestedSkeletonsAndReminder()
{
    const Signature s = sig("question -> answer: int, tags: list[str], meta: dict[str, int], "
                            "maybe: Optional[list[int]], raw: list");
    QCOMPARE(
        XMLAdapter().formatFieldStructure(s),
        QStringLiteral("All interactions will be structured in the following way, with the "
                       "appropriate values filled in.\n\n<question>\n{question}\n</"
                       "question>\n\n<answer>\n{answer}        # note: the value you produce "
                       "must be a single int value\n</answer>\n\n<tags><item>...</item></"
                       "tags>\n\n<meta>...</meta>\n\n<maybe><item>...</item></maybe>\n\n<raw>\n{"
                       "raw}        # note: the value you produce must adhere to the JSON "
                       "schema: {\"type\": \"array\", \"items\": {}}\n</raw>"));
    QCOMPARE(XMLAdapter().userMessageOutputRequirements(s),
             QStringLiteral("Respond with the corresponding output fields wrapped in XML tags "
                            "`<answer>`, then `<tags>`, then `<meta>`, then `<maybe>`, then "
                            "`<raw>`. Use this nested XML structure: <tags><item>...</item></tags> "
                            "<meta>...</meta> <maybe><item>...</item></maybe>"));
}

void TestXmlAdapter::demoRendering()
{
    const Signature s = sig("question -> answer, n: int, tags: list[str], meta: dict[str, int]");
    const QString out = XMLAdapter().formatAssistantMessage(
        s,
        Object{{QStringLiteral("answer"), "a < b & c"},
               {QStringLiteral("n"), 5},
               {QStringLiteral("tags"), Array{"x&y", "z"}},
               {QStringLiteral("meta"), Object{{QStringLiteral("k-1"), 1},
                                               {QStringLiteral("bad key"), 2},
                                               {QStringLiteral("say\"it'"), 3}}}},
        {});
    QCOMPARE(out, QStringLiteral("<answer>\na &lt; b &amp; c\n</answer>\n\n<n>\n5\n</n>\n\n"
                                 "<tags><item>x&amp;y</item><item>z</item></tags>\n\n<meta><k-1>1</"
                                 "k-1><entry key=\"bad key\">2</entry><entry "
                                 "key=\"say&quot;it'\">3</entry></meta>"));
    // Empty lists and None are self-closing.
    QCOMPARE(XMLAdapter::valueToXml(Array{}, QStringLiteral("tags")), QStringLiteral("<tags />"));
    QCOMPARE(XMLAdapter::valueToXml(Array{Value(), true}, QStringLiteral("t")),
             QStringLiteral("<t><item /><item>True</item></t>"));
}

void TestXmlAdapter::incompleteDemoFiller()
{
    const QList<ChatMessage> m = XMLAdapter().format(
        sig("question -> answer, score: float"),
        {Example{{QStringLiteral("question"), "Q1"}, {QStringLiteral("score"), 0.5}}},
        Object{{QStringLiteral("question"), "Q"}});
    QCOMPARE(m.at(1).content,
             QStringLiteral("This is an example of the task, though some input or output fields "
                            "are not supplied.\n\n<question>\nQ1\n</question>"));
    // The filler keeps its trailing space inside the tag.
    QCOMPARE(m.at(2).content, QStringLiteral("<answer>\nNot supplied for this particular example. "
                                             "\n</answer>\n\n<score>\n0.5\n</score>"));
}

void TestXmlAdapter::inputListFormatting()
{
    QCOMPARE(XMLAdapter().formatUserMessage(sig("context, ids: list[int] -> a"),
                                            Object{{QStringLiteral("context"), Array{"p1", "p2"}},
                                                   {QStringLiteral("ids"), Array{1, 2}}},
                                            false),
             QStringLiteral("<context>\n[1] «p1»\n[2] «p2»\n</context>\n\n<ids>\n[1, 2]\n</ids>"));
}

void TestXmlAdapter::formatFieldsWithValues()
{
    QCOMPARE(XMLAdapter().formatFieldsWithValues(sig("q -> answer"),
                                                 Object{{QStringLiteral("answer"), "4"}}),
             QStringLiteral("<answer>\n4\n</answer>"));
}

void TestXmlAdapter::parseSimple()
{
    const ParseResult r = XMLAdapter().parse(
        sig("q -> answer"), QStringLiteral("Thinking...\n<answer>\n  Paris \n</answer>"));
    QVERIFY2(r, r ? "" : qPrintable(r.error().toString()));
    QCOMPARE(r->value(u"answer"), Value("Paris"));
}

void TestXmlAdapter::parseTypedAndNested()
{
    const ParseResult r = XMLAdapter().parse(
        sig("q -> n: int, tags: list[str], meta: dict[str, int], flags: list[bool], html"),
        QStringLiteral("<n>42</n>\n<tags><item>a</item><item>b</item></tags>\n<meta><x>1</x><entry "
                       "key=\"bad key\">2</entry></meta><flags>[true, false]</flags><html>see "
                       "<b>this</b> now</html>"));
    QVERIFY2(r, r ? "" : qPrintable(r.error().toString()));
    QCOMPARE(r->value(u"n"), Value(42));
    QCOMPARE(r->value(u"tags"), Value(Array{"a", "b"}));
    QCOMPARE(r->value(u"meta"),
             Value(Object{{QStringLiteral("x"), 1}, {QStringLiteral("bad key"), 2}}));
    QCOMPARE(r->value(u"flags"), Value(Array{true, false}));
    // A str field keeps inner markup as text.
    QCOMPARE(r->value(u"html"), Value("see <b>this</b> now"));
}

void TestXmlAdapter::parseTwoTagsForStrField()
{
    // dspy.md §2.13: two tags for one str field give the Python list text.
    const ParseResult r = XMLAdapter().parse(
        sig("q -> answer"), QStringLiteral("<answer>one</answer><answer>two</answer>"));
    QVERIFY(r);
    QCOMPARE(r->value(u"answer"), Value("['one', 'two']"));
}

void TestXmlAdapter::parseOptionalAndMissing()
{
    const ParseResult r = XMLAdapter().parse(sig("q -> a, b: Optional[int], c: Optional[int]"),
                                             QStringLiteral("<a>x</a><b></b>"));
    QVERIFY2(r, r ? "" : qPrintable(r.error().toString()));
    QVERIFY(r->value(u"b").isNull());
    QVERIFY(r->value(u"c").isNull());

    const ParseResult missing = XMLAdapter().parse(sig("q -> a, b"), QStringLiteral("<b>y</b>"));
    QVERIFY(!missing);
    QCOMPARE(
        missing.error().toString(),
        QStringLiteral("Adapter XMLAdapter failed to parse the LM response. \n\nLM Response: "
                       "<b>y</b> \n\nExpected to find output fields in the LM response: [a, b] "
                       "\n\nActual output fields parsed from the LM response: [b] \n\n"));

    const ParseResult bad = XMLAdapter().parse(sig("q -> n: int"), QStringLiteral("<n>many</n>"));
    QVERIFY(!bad);
    QCOMPARE(bad.error().field, QStringLiteral("n"));
    QVERIFY2(
        bad.error().message.startsWith(QStringLiteral("Failed to parse field n with value many: ")),
        qPrintable(bad.error().message));
}

void TestXmlAdapter::parseMalformed()
{
    for (const QString& text :
         {QStringLiteral("<answer>x</answr>"), QStringLiteral("<answer>a < b</answer>"),
          QStringLiteral("<answer>x")}) {
        const ParseResult r = XMLAdapter().parse(sig("q -> answer"), text);
        QVERIFY2(!r, qPrintable(text));
        QVERIFY2(r.error().message.startsWith(QStringLiteral("Failed to parse XML: ")),
                 qPrintable(r.error().message));
        QCOMPARE(r.error().adapterName, QStringLiteral("XMLAdapter"));
        QCOMPARE(r.error().lmResponse, text);
    }
}

void TestXmlAdapter::parseEntities()
{
    const ParseResult r =
        XMLAdapter().parse(sig("q -> answer"), QStringLiteral("<answer>a &lt; b &amp; c</answer>"));
    QVERIFY(r);
    QCOMPARE(r->value(u"answer"), Value("a < b & c"));
    QVERIFY(!XMLAdapter().parse(sig("q -> answer"), QStringLiteral("<answer>&nbsp;</answer>")));
}

QTEST_GUILESS_MAIN(TestXmlAdapter)
#include "tst_xmladapter.moc"
