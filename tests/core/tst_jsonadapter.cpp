// JSONAdapter: messages as DSPy 3.3 renders them (the expected strings follow DSPy's own
// tests/adapters/test_json_adapter.py goldens), the structured-output request, and parse rules.

#include "adapters/jsonadapter.h"
#include "lm/scriptedlm.h"
#include "signature/signature.h"

#include <QTest>

using namespace dspy;

namespace {

Signature sig(const char* text, const QString& instructions = {})
{
    return Signature::fromString(QString::fromUtf8(text), instructions);
}

const QString kHeader = QStringLiteral(
    "All interactions will be structured in the following way, with the appropriate values filled "
    "in.\n\nInputs will have the following structure:\n\n");

} // namespace

class TestJsonAdapter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void simpleSignature();
    void demoWithTypedOutput();
    void intAndMappingOutputs();
    void literalOutput();
    void incompleteDemo();
    void nonAsciiDemoKept();
    void formatFieldsWithValues();

    void structuredOutputSchema();
    void structuredOutputSchemaListAndOptional();
    void requestShaping();

    void parseBasic();
    void parseProseAndFences();
    void parseTypedValues();
    void parseDropsUnknownKeysAndFillsDefaults();
    void parseNotAnObject();
    void parseMissingField();
    void parseWrongType();
};

void TestJsonAdapter::simpleSignature()
{
    const QList<ChatMessage> m = JSONAdapter().format(
        sig("question -> answer"), {},
        Object{{QStringLiteral("question"), "What is the capital of France?"}});
    QCOMPARE(m.size(), 2);
    QCOMPARE(m.at(0).content,
             QStringLiteral("Your input fields are:\n1. `question` (str):\nYour output fields "
                            "are:\n1. `answer` (str):\n") +
                 kHeader +
                 QStringLiteral("[[ ## question ## ]]\n{question}\n\nOutputs will be a JSON "
                                "object with the following fields.\n\n{\n  \"answer\": "
                                "\"{answer}\"\n}\nIn adhering to this structure, your objective "
                                "is: \n        Given the fields `question`, produce the fields "
                                "`answer`."));
    QCOMPARE(
        m.at(1).content,
        QStringLiteral("[[ ## question ## ]]\nWhat is the capital of France?\n\nRespond with a "
                       "JSON object in the following order of fields: `answer`."));
}

void TestJsonAdapter::demoWithTypedOutput()
{
    const QList<ChatMessage> m =
        JSONAdapter().format(sig("question -> answer, confidence: float"),
                             {Example{{QStringLiteral("question"), "Q1"},
                                      {QStringLiteral("answer"), "A1"},
                                      {QStringLiteral("confidence"), 0.9}}},
                             Object{{QStringLiteral("question"), "Q2"}});
    QCOMPARE(m.size(), 4);
    QCOMPARE(m.at(0).content,
             QStringLiteral("Your input fields are:\n1. `question` (str):\nYour output fields "
                            "are:\n1. `answer` (str): \n2. `confidence` (float):\n") +
                 kHeader +
                 QStringLiteral(
                     "[[ ## question ## ]]\n{question}\n\nOutputs will be a JSON object with the "
                     "following fields.\n\n{\n  \"answer\": \"{answer}\",\n  \"confidence\": "
                     "\"{confidence}        # note: the value you produce must be a single float "
                     "value\"\n}\nIn adhering to this structure, your objective is: \n        "
                     "Given the fields `question`, produce the fields `answer`, `confidence`."));
    QCOMPARE(m.at(1).content, QStringLiteral("[[ ## question ## ]]\nQ1"));
    QCOMPARE(m.at(2).role, QStringLiteral("assistant"));
    QCOMPARE(m.at(2).content, QStringLiteral("{\n  \"answer\": \"A1\",\n  \"confidence\": 0.9\n}"));
    QCOMPARE(m.at(3).content,
             QStringLiteral("[[ ## question ## ]]\nQ2\n\nRespond with a JSON object in the "
                            "following order of fields: `answer`, then `confidence` (must be "
                            "formatted as a valid Python float)."));
}

void TestJsonAdapter::intAndMappingOutputs()
{
    const Signature s = sig("question -> count: int, metadata: dict[str, int]");
    QCOMPARE(JSONAdapter().formatFieldStructure(s),
             kHeader +
                 QStringLiteral(
                     "[[ ## question ## ]]\n{question}\n\nOutputs will be a JSON object with the "
                     "following fields.\n\n{\n  \"count\": \"{count}        # note: the value you "
                     "produce must be a single int value\",\n  \"metadata\": \"{metadata}        # "
                     "note: the value you produce must adhere to the JSON schema: {\\\"type\\\": "
                     "\\\"object\\\", \\\"additionalProperties\\\": {\\\"type\\\": "
                     "\\\"integer\\\"}}\"\n}"));
    QCOMPARE(JSONAdapter().userMessageOutputRequirements(s),
             QStringLiteral("Respond with a JSON object in the following order of fields: `count` "
                            "(must be formatted as a valid Python int), then `metadata` (must be "
                            "formatted as a valid Python dict[str, int])."));
}

void TestJsonAdapter::literalOutput()
{
    const Signature s = sig("text -> decision: Literal['accept', 'reject']");
    QCOMPARE(JSONAdapter().formatFieldDescription(s),
             QStringLiteral("Your input fields are:\n1. `text` (str):\nYour output fields are:\n1. "
                            "`decision` (Literal['accept', 'reject']):"));
    QVERIFY(JSONAdapter().formatFieldStructure(s).endsWith(QStringLiteral(
        "{\n  \"decision\": \"{decision}        # note: the value you produce must exactly match "
        "(no extra characters) one of: accept; reject\"\n}")));
}

void TestJsonAdapter::incompleteDemo()
{
    const QList<ChatMessage> m = JSONAdapter().format(
        sig("question, context -> answer, score: float"),
        {Example{{QStringLiteral("question"), "Q1"}, {QStringLiteral("answer"), "A1"}}},
        Object{{QStringLiteral("question"), "Q2"}, {QStringLiteral("context"), "C2"}});
    QCOMPARE(m.size(), 4);
    QCOMPARE(m.at(1).content,
             QStringLiteral("This is an example of the task, though some input or output fields "
                            "are not supplied.\n\n[[ ## question ## ]]\nQ1"));
    QCOMPARE(m.at(2).content,
             QStringLiteral("{\n  \"answer\": \"A1\",\n  \"score\": \"Not supplied for this "
                            "particular example. \"\n}"));
    QCOMPARE(m.at(3).content,
             QStringLiteral("[[ ## question ## ]]\nQ2\n\n[[ ## context ## ]]\nC2\n\nRespond with a "
                            "JSON object in the following order of fields: `answer`, then `score` "
                            "(must be formatted as a valid Python float)."));
}

void TestJsonAdapter::nonAsciiDemoKept()
{
    const QString out = JSONAdapter().formatAssistantMessage(
        sig("q -> answer, tags: list[str]"),
        Object{{QStringLiteral("answer"), "café"}, {QStringLiteral("tags"), Array{"ü", "b"}}}, {});
    QCOMPARE(out, QStringLiteral("{\n  \"answer\": \"café\",\n  \"tags\": [\n    \"ü\",\n    "
                                 "\"b\"\n  ]\n}"));
}

void TestJsonAdapter::formatFieldsWithValues()
{
    QCOMPARE(JSONAdapter().formatFieldsWithValues(
                 sig("q -> answer, n: int"),
                 Object{{QStringLiteral("answer"), "4"}, {QStringLiteral("n"), 2}}),
             QStringLiteral("{\n  \"answer\": \"4\",\n  \"n\": 2\n}"));
}

void TestJsonAdapter::structuredOutputSchema()
{
    // dspy.md §2.10's example schema, in pydantic's key order.
    QCOMPARE(
        Value(JSONAdapter::structuredOutputSchema(sig("question -> answer: int"))).toJson(),
        QStringLiteral("{\"additionalProperties\": false, \"properties\": {\"answer\": "
                       "{\"title\": \"Answer\", \"type\": \"integer\"}}, \"required\": "
                       "[\"answer\"], \"title\": \"DSPyProgramOutputs\", \"type\": \"object\"}"));
    QCOMPARE(Value(JSONAdapter::structuredResponseFormat(sig("q -> a"))).toJson(),
             QStringLiteral("{\"type\": \"json_schema\", \"json_schema\": {\"schema\": "
                            "{\"additionalProperties\": false, \"properties\": {\"a\": {\"title\": "
                            "\"A\", \"type\": \"string\"}}, \"required\": [\"a\"], \"title\": "
                            "\"DSPyProgramOutputs\", \"type\": \"object\"}, \"name\": "
                            "\"DSPyProgramOutputs\", \"strict\": true}}"));
}

void TestJsonAdapter::structuredOutputSchemaListAndOptional()
{
    QCOMPARE(
        Value(JSONAdapter::structuredOutputSchema(
                  sig("q -> tool_calls: list[str], maybe: Optional[int]")))
            .toJson(),
        QStringLiteral("{\"additionalProperties\": false, \"properties\": {\"tool_calls\": "
                       "{\"items\": {\"type\": \"string\"}, \"title\": \"Tool Calls\", "
                       "\"type\": \"array\"}, \"maybe\": {\"anyOf\": [{\"type\": \"integer\"}, "
                       "{\"type\": \"null\"}], \"title\": \"Maybe\"}}, \"required\": "
                       "[\"tool_calls\", \"maybe\"], \"title\": \"DSPyProgramOutputs\", "
                       "\"type\": \"object\"}"));
}

void TestJsonAdapter::requestShaping()
{
    const JSONAdapter adapter;
    auto lm = ScriptedLM::raw({});
    LMRequest plain;
    adapter.prepareRequest(sig("q -> a: int"), *lm, plain, 0);
    QVERIFY(!plain.kwargs.contains(u"response_format")); // LM without response_format support

    lm->setSupportsResponseFormat(true);
    LMRequest structured;
    adapter.prepareRequest(sig("q -> a: int"), *lm, structured, 0);
    QCOMPARE(structured.kwargs.value(u"response_format").toObject().value(u"type"),
             Value("json_schema"));

    LMRequest openDict;
    adapter.prepareRequest(sig("q -> a: dict[str, int]"), *lm, openDict, 0);
    QCOMPARE(openDict.kwargs.value(u"response_format").toJson(),
             QStringLiteral("{\"type\": \"json_object\"}"));

    LMRequest retry;
    adapter.prepareRequest(sig("q -> a: int"), *lm, retry, 1);
    QCOMPARE(retry.kwargs.value(u"response_format").toJson(),
             QStringLiteral("{\"type\": \"json_object\"}"));
}

void TestJsonAdapter::parseBasic()
{
    const ParseResult r =
        JSONAdapter().parse(sig("q -> answer"), QStringLiteral("{\"answer\": \"4\"}"));
    QVERIFY(r);
    QCOMPARE(r->value(u"answer"), Value("4"));
}

void TestJsonAdapter::parseProseAndFences()
{
    const Signature s = sig("q -> answer, n: int");
    for (const QString& text :
         {QStringLiteral("```json\n{\"answer\": \"Paris\", \"n\": 3}\n```"),
          QStringLiteral("Sure, here you go: {\"answer\": \"Paris\", \"n\": 3} Hope it helps."),
          QStringLiteral("{'answer': 'Paris', 'n': 3,}")}) {
        const ParseResult r = JSONAdapter().parse(s, text);
        QVERIFY2(r, qPrintable(text));
        QCOMPARE(r->value(u"answer"), Value("Paris"));
        QCOMPARE(r->value(u"n"), Value(3));
    }
}

void TestJsonAdapter::parseTypedValues()
{
    const ParseResult r = JSONAdapter().parse(
        sig("q -> answer, n: int, ok: bool, tags: list[str], score: float"),
        QStringLiteral(
            "{\"answer\": 5, \"n\": \"42\", \"ok\": true, \"tags\": [\"a\"], \"score\": 1}"));
    QVERIFY2(r, r ? "" : qPrintable(r.error().toString()));
    // A str field takes str() of a JSON number, as DSPy's parse_value does.
    QCOMPARE(r->value(u"answer"), Value("5"));
    QCOMPARE(r->value(u"n").type(), Value::Type::Int);
    QCOMPARE(r->value(u"n").toInt(), 42);
    QCOMPARE(r->value(u"ok").toBool(), true);
    QCOMPARE(r->value(u"tags"), Value(Array{"a"}));
    QCOMPARE(r->value(u"score").type(), Value::Type::Float);
}

void TestJsonAdapter::parseDropsUnknownKeysAndFillsDefaults()
{
    const ParseResult r =
        JSONAdapter().parse(sig("q -> answer, extra: Optional[str]"),
                            QStringLiteral("{\"q\": \"input\", \"junk\": 1, \"answer\": \"x\"}"));
    QVERIFY(r);
    QCOMPARE(r->keys(), (QStringList{QStringLiteral("answer"), QStringLiteral("extra")}));
    QVERIFY(r->value(u"extra").isNull());
}

void TestJsonAdapter::parseNotAnObject()
{
    const ParseResult r = JSONAdapter().parse(sig("q -> answer"), QStringLiteral("just words"));
    QVERIFY(!r);
    QCOMPARE(r.error().toString(),
             QStringLiteral("LM response cannot be serialized to a JSON object.\n\nAdapter "
                            "JSONAdapter failed to parse the LM response. \n\nLM Response: just "
                            "words \n\nExpected to find output fields in the LM response: [answer] "
                            "\n\n"));
}

void TestJsonAdapter::parseMissingField()
{
    const ParseResult r = JSONAdapter().parse(sig("q -> a, b"), QStringLiteral("{\"b\": \"y\"}"));
    QVERIFY(!r);
    QCOMPARE(
        r.error().toString(),
        QStringLiteral("Adapter JSONAdapter failed to parse the LM response. \n\nLM Response: "
                       "{\"b\": \"y\"} \n\nExpected to find output fields in the LM response: "
                       "[a, b] \n\nActual output fields parsed from the LM response: [b] \n\n"));
}

void TestJsonAdapter::parseWrongType()
{
    // dspy.md §2.13: a value of the wrong type is an error.
    const ParseResult r =
        JSONAdapter().parse(sig("q -> n: int"), QStringLiteral("{\"n\": [1, 2]}"));
    QVERIFY(!r);
    QCOMPARE(r.error().field, QStringLiteral("n"));
    QVERIFY2(
        r.error().message.startsWith(QStringLiteral(
            "Failed to parse field n with value [1, 2] from the LM response. Error message: ")),
        qPrintable(r.error().message));
}

QTEST_GUILESS_MAIN(TestJsonAdapter)
#include "tst_jsonadapter.moc"
