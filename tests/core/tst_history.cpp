#include "lm/history.h"

#include <QRegularExpression>
#include <QTest>
#include <QtConcurrent>

using namespace dspy;

namespace {

HistoryEntry entry(const QString& timestamp, QList<LMOutput> outputs)
{
    HistoryEntry e;
    e.timestamp = timestamp;
    e.messages = {{QStringLiteral("system"), QStringLiteral("Your input fields are:\n1. `q`\n")},
                  {QStringLiteral("user"), QStringLiteral("  [[ ## q ## ]]\nWhy?  \n")}};
    e.outputs = std::move(outputs);
    e.model = QStringLiteral("openai/gpt-4o-mini");
    return e;
}

LMOutput text(const QString& t)
{
    LMOutput o;
    o.text = t;
    return o;
}

} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inspectLayoutWithoutColours()
    {
        const QList<HistoryEntry> h{entry(QStringLiteral("2026-11-25T11:25:33.610052"),
                                          {text(QStringLiteral("\n  [[ ## a ## ]]\nBecause.\n"))})};
        // print("\n\n\n"), print(_blue("[ts]")), per message print(_red(role)),
        // print(content.strip()), print("\n"), then print(_red("Response:")),
        // print(_green(text.strip())), print("\n\n\n").
        const QString expected = QStringLiteral("\n\n\n\n"
                                                "[2026-11-25T11:25:33.610052]\n\n"
                                                "System message:\n\n"
                                                "Your input fields are:\n1. `q`\n"
                                                "\n\n"
                                                "User message:\n\n"
                                                "[[ ## q ## ]]\nWhy?\n"
                                                "\n\n"
                                                "Response:\n\n"
                                                "[[ ## a ## ]]\nBecause.\n\n"
                                                "\n\n\n\n");
        QCOMPARE(inspectHistory(h, 1, false), expected);
    }

    void inspectLayoutWithColoursAndCompletions()
    {
        const QList<HistoryEntry> h{entry(QStringLiteral("2026-11-25T11:25:33.610052"),
                                          {text(QStringLiteral("one")), text(QStringLiteral("two")),
                                           text(QStringLiteral("three"))})};
        const QString expected = QStringLiteral("\n\n\n\n"
                                                "\x1b[34m[2026-11-25T11:25:33.610052]\x1b[0m\n\n"
                                                "\x1b[31mSystem message:\x1b[0m\n\n"
                                                "Your input fields are:\n1. `q`\n"
                                                "\n\n"
                                                "\x1b[31mUser message:\x1b[0m\n\n"
                                                "[[ ## q ## ]]\nWhy?\n"
                                                "\n\n"
                                                "\x1b[31mResponse:\x1b[0m\n\n"
                                                "\x1b[32mone\x1b[0m\n\n"
                                                "\x1b[31m \t (and 2 other completions)\x1b[0m\n"
                                                "\n\n\n\n");
        QCOMPARE(inspectHistory(h, 1, true), expected);
    }

    void inspectLastNAndToolCalls()
    {
        LMOutput withTools = text(QString());
        withTools.toolCalls = Value(Array{Value(
            Object{{QStringLiteral("id"), Value("call_1")},
                   {QStringLiteral("type"), Value("function")},
                   {QStringLiteral("function"),
                    Value(Object{{QStringLiteral("name"), Value("search")},
                                 {QStringLiteral("arguments"), Value("{\"q\": \"x\"}")}})}})});
        HistoryEntry second = entry(QStringLiteral("T2"), {withTools});
        second.messages = {{QStringLiteral("USER"), QStringLiteral("hi")}};
        const QList<HistoryEntry> h{entry(QStringLiteral("T0"), {text(QStringLiteral("zero"))}),
                                    entry(QStringLiteral("T1"), {text(QStringLiteral("one"))}),
                                    second};
        const QString out = inspectHistory(h, 2, false);
        QVERIFY(!out.contains(QStringLiteral("[T0]")));
        QVERIFY(out.contains(QStringLiteral("[T1]")));
        // No text: no "Response:" heading for that entry, only the tool calls.
        QVERIFY(out.endsWith(QStringLiteral("[T2]\n\nUser message:\n\nhi\n\n\n"
                                            "Tool calls:\n\nsearch: {\"q\": \"x\"}\n\n"
                                            "\n\n\n\n")));
        QCOMPARE(out.count(QStringLiteral("Response:")), 1);
        // n = 0 is history[-0:], everything.
        QVERIFY(inspectHistory(h, 0, false).contains(QStringLiteral("[T0]")));
        QCOMPARE(inspectHistory({}, 1, false), QStringLiteral("\n\n\n\n"));
    }

    void promptOnlyEntryUsesAUserMessage()
    {
        HistoryEntry e = entry(QStringLiteral("T"), {text(QStringLiteral("ok"))});
        e.messages.clear();
        e.prompt = Value("Say ok");
        QVERIFY(inspectHistory({e}, 1, false)
                    .contains(QStringLiteral("User message:\n\nSay ok\n\n\nResponse:")));
    }

    void outputsShape()
    {
        HistoryEntry e =
            entry(QStringLiteral("T"), {text(QStringLiteral("a")), text(QStringLiteral("b"))});
        QCOMPARE(Value(e.outputsValue()).toJson(), QStringLiteral("[\"a\", \"b\"]"));
        e.outputs[1].reasoningContent = QStringLiteral("r");
        QCOMPARE(
            Value(e.outputsValue()).toJson(),
            QStringLiteral("[{\"text\": \"a\"}, {\"text\": \"b\", \"reasoning_content\": \"r\"}]"));
    }

    void entryAsDspyDict()
    {
        HistoryEntry e =
            entry(QStringLiteral("2026-01-02T03:04:05.000006"), {text(QStringLiteral("a"))});
        e.kwargs = Object{{QStringLiteral("temperature"), Value()}};
        e.usage.promptTokens = 3;
        e.usage.completionTokens = 1;
        e.usage.totalTokens = 4;
        e.cost = 0.5;
        e.uuid = QStringLiteral("u");
        e.responseModel = QStringLiteral("gpt-4o-mini");
        QCOMPARE(
            Value(e.toObject()).toJson(),
            QStringLiteral(
                "{\"prompt\": null, \"messages\": [{\"role\": \"system\", \"content\": \"Your "
                "input fields are:\\n1. `q`\\n\"}, {\"role\": \"user\", \"content\": \"  [[ ## q "
                "## ]]\\nWhy?  \\n\"}], \"kwargs\": {\"temperature\": null}, \"outputs\": [\"a\"], "
                "\"usage\": {\"prompt_tokens\": 3, \"completion_tokens\": 1, \"total_tokens\": "
                "4}, \"cost\": 0.5, \"timestamp\": \"2026-01-02T03:04:05.000006\", \"uuid\": "
                "\"u\", \"model\": \"openai/gpt-4o-mini\", \"response_model\": \"gpt-4o-mini\", "
                "\"model_type\": \"chat\", \"cache_hit\": false}"));
    }

    void timestampIsIsoWithMicroseconds()
    {
        const QString ts = isoTimestampNow();
        QVERIFY2(QRegularExpression(
                     QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?$"))
                     .match(ts)
                     .hasMatch(),
                 qPrintable(ts));
    }

    void capacityDropsTheOldest()
    {
        History h(3);
        for (int i = 0; i < 5; ++i)
            h.append(entry(QString::number(i), {}));
        QCOMPARE(h.size(), 3);
        QCOMPARE(h.snapshot().first().timestamp, QStringLiteral("2"));
        QCOMPARE(h.last(2).first().timestamp, QStringLiteral("3"));
        QCOMPARE(h.last(10).size(), 3);
        h.setCapacity(1);
        QCOMPARE(h.snapshot().first().timestamp, QStringLiteral("4"));
        h.setCapacity(0);
        h.append(entry(QStringLiteral("x"), {}));
        QCOMPARE(h.size(), 0);
        QCOMPARE(History::global().capacity(), 10000);
    }

    void concurrentAppendsStayBounded()
    {
        History h(100);
        QList<int> workers{0, 1, 2, 3};
        QtConcurrent::blockingMap(workers, [&](int) {
            for (int i = 0; i < 500; ++i)
                h.append(entry(QString::number(i), {}));
        });
        QCOMPARE(h.size(), 100);
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
