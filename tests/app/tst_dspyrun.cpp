// Runs the real dspy-run binary (path in $DSPY_RUN) and checks its output and exit codes.

#include "data/value.h"
#include "dspyrunprocess.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;

namespace {

using dspyruntest::Run;
using dspyruntest::run;

QString messagesJson(const QList<std::pair<QString, QString>>& messages)
{
    Array a;
    for (const auto& [role, content] : messages)
        a.append(Object{{QStringLiteral("role"), Value(role)},
                        {QStringLiteral("content"), Value(content)}});
    return Value(a).toJson(JsonStyle{2, false, false}) + QLatin1Char('\n');
}

} // namespace

class TstDspyRun : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString& name, const QByteArray& content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariable("DSPY_RUN").isEmpty(), "DSPY_RUN is not set");
        QVERIFY(m_dir.isValid());
    }

    void helpEverywhere_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("firstLine");
        QTest::newRow("top") << QStringList{"--help"} << "Usage: dspy-run <command> [options]";
        QTest::newRow("top -h") << QStringList{"-h"} << "Usage: dspy-run <command> [options]";
        QTest::newRow("format") << QStringList{"format", "--help"}
                                << "Usage: dspy-run format --signature SIG [options]";
        QTest::newRow("parse")
            << QStringList{"parse", "-h"}
            << "Usage: dspy-run parse --signature SIG --completion FILE [options]";
        QTest::newRow("demo") << QStringList{"demo", "--help"} << "Usage: dspy-run demo [options]";
        // --help wins over anything else on the line.
        QTest::newRow("format with other options")
            << QStringList{"format", "--signature", "a -> b", "--help"}
            << "Usage: dspy-run format --signature SIG [options]";
    }

    void helpEverywhere()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, firstLine);
        const Run r = run(args);
        QCOMPARE_EXIT(r, 0);
        QCOMPARE(r.out.section(QLatin1Char('\n'), 0, 0), firstLine);
        QVERIFY(r.err.isEmpty());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown command")
            << QStringList{"frobnicate"}
            << "dspy-run: unknown command 'frobnicate' (commands: format, parse, "
               "demo, predict, inspect, evaluate, index, validate, export; see 'dspy-run "
               "--help')\n";
        QTest::newRow("unknown option")
            << QStringList{"format", "--signature", "a -> b", "--bogus", "1"}
            << "dspy-run: format: unknown option '--bogus' (see 'dspy-run format "
               "--help')\n";
        QTest::newRow("missing value") << QStringList{"format", "--signature"}
                                       << "dspy-run: format: option '--signature' needs a value\n";
        QTest::newRow("missing signature")
            << QStringList{"format"} << "dspy-run: format: --signature is required\n";
        QTest::newRow("bad adapter")
            << QStringList{"format", "--signature", "a -> b", "--adapter", "yaml"}
            << "dspy-run: format: --adapter must be chat, json or xml, not 'yaml'\n";
        QTest::newRow("positional")
            << QStringList{"parse", "stray"} << "dspy-run: parse: unexpected argument 'stray'\n";
        QTest::newRow("repeated single option")
            << QStringList{"format", "--signature", "a -> b", "--signature=c -> d"}
            << "dspy-run: format: option '--signature' given more than once\n";
        QTest::newRow("input not FIELD=VALUE")
            << QStringList{"format", "--signature", "a -> b", "--input", "a"}
            << "dspy-run: format: --input expects FIELD=VALUE, got 'a'\n";
        QTest::newRow("input unknown field")
            << QStringList{"format", "--signature", "a -> b", "--input", "b=1"}
            << "dspy-run: format: --input: 'b' is not an input field of the "
               "signature\n";
        QTest::newRow("desc unknown field")
            << QStringList{"format", "--signature", "a -> b", "--desc", "z=x"}
            << "dspy-run: format: --desc: the signature has no field 'z'\n";
        QTest::newRow("completion required") << QStringList{"parse", "--signature", "a -> b"}
                                             << "dspy-run: parse: --completion is required\n";
        QTest::newRow("demo option")
            << QStringList{"demo", "--signature", "a -> b"}
            << "dspy-run: demo: unknown option '--signature' (see 'dspy-run demo --help')\n";
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        const Run r = run(args);
        QCOMPARE_EXIT(r, 2);
        QCOMPARE(r.err, error);
        QVERIFY(r.out.isEmpty());
    }

    void noArgumentsIsUsage()
    {
        const Run r = run({});
        QCOMPARE_EXIT(r, 2);
        QVERIFY(r.err.startsWith(QStringLiteral("Usage: dspy-run <command> [options]")));
        QVERIFY(r.out.isEmpty());
    }

    void badSignatureNamesThePosition()
    {
        const Run r = run({"format", "--signature", "question -> answer -> more"});
        QCOMPARE_EXIT(r, 2);
        QVERIFY2(
            r.err.startsWith(QStringLiteral("dspy-run: format: invalid --signature: position ")),
            qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void badJsonInputValue()
    {
        const Run r =
            run({"format", "--signature", "question, n: int -> answer", "--input", "n=twelve"});
        QCOMPARE_EXIT(r, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("dspy-run: format: --input n is not valid JSON")),
                 qPrintable(r.err));
    }

    void formatWorkedExample()
    {
        // dspy.md §2.7: ChatAdapter().format(Signature("question -> answer", "Answer the question
        // concisely."), [Example(question="What is the capital of France?", answer="Paris")],
        // {"question": "What is 2+2?"})
        const QString demos = writeFile(
            QStringLiteral("demos.jsonl"),
            "{\"question\": \"What is the capital of France?\", \"answer\": \"Paris\"}\n\n");
        const Run r = run({"format", "--signature", "question -> answer", "--instructions",
                           "Answer the question concisely.", "--demos", demos, "--input",
                           "question=What is 2+2?"});
        QCOMPARE(r.err, QString());
        QCOMPARE_EXIT(r, 0);
        const QString expected = messagesJson(
            {{"system", "Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. "
                        "`answer` (str):\nAll "
                        "interactions will be structured in the following way, with the "
                        "appropriate values filled "
                        "in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## answer ## "
                        "]]\n{answer}\n\n[[ ## completed ## "
                        "]]\nIn adhering to this structure, your objective is: \n        Answer "
                        "the question concisely."},
             {"user", "[[ ## question ## ]]\nWhat is the capital of France?"},
             {"assistant", "[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]\n"},
             {"user",
              "[[ ## question ## ]]\nWhat is 2+2?\n\nRespond with the corresponding output fields, "
              "starting with the field `[[ ## answer ## ]]`, and then ending with the marker for "
              "`[[ ## "
              "completed ## ]]`."}});
        QCOMPARE(r.out, expected);
    }

    void formatInputsTypedAndDescriptions()
    {
        const QString inputs =
            writeFile(QStringLiteral("inputs.json"),
                      "{\"question\": \"from file\", \"context\": [\"a\", \"b\"]}");
        const Run r = run({"format", "--signature", "question, context: list[str] -> answer: int",
                           "--inputs", inputs, "--input", "question=Wie viele? «ß»", "--desc",
                           "answer=a count", "--adapter", "json"});
        QCOMPARE(r.err, QString());
        QCOMPARE_EXIT(r, 0);
        const std::optional<Value> v = Value::fromJson(r.out);
        QVERIFY(v && v->isArray());
        const Array messages = v->toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).toObject().keys(), QStringList({"role", "content"}));
        const QString system = messages.at(0).toObject().value(u"content").toString();
        QVERIFY2(system.contains(QStringLiteral("1. `answer` (int): a count")), qPrintable(system));
        QVERIFY(system.contains(
            QStringLiteral("Outputs will be a JSON object with the following fields.")));
        const QString user = messages.at(1).toObject().value(u"content").toString();
        QVERIFY2(
            user.startsWith(QStringLiteral(
                "[[ ## question ## ]]\nWie viele? «ß»\n\n[[ ## context ## ]]\n[\"a\", \"b\"]")),
            qPrintable(user));
        // ensure_ascii=False: the text is printed as is.
        QVERIFY(r.out.contains(QStringLiteral("Wie viele? «ß»")));
    }

    void formatListInputParsedAsJson()
    {
        const Run r = run({"format", "--signature", "context: list[str] -> answer", "--input",
                           "context=[\"x\", \"y\"]"});
        QCOMPARE_EXIT(r, 0);
        const Array messages = Value::fromJson(r.out)->toArray();
        QCOMPARE(messages.last()
                     .toObject()
                     .value(u"content")
                     .toString()
                     .section(QStringLiteral("\n\n"), 0, 0),
                 QStringLiteral("[[ ## context ## ]]\n[\"x\", \"y\"]"));
    }

    void parsePrintsTypedValues()
    {
        const QString completion = writeFile(
            QStringLiteral("ok.txt"), "[[ ## answer ## ]]\n42\n\n[[ ## tags ## ]]\n['a', "
                                      "'b']\n\n[[ ## ok ## ]]\ntrue\n\n[[ ## completed ## ]]\n");
        const Run r =
            run({"parse", "--signature", "question -> answer: int, tags: list[str], ok: bool",
                 "--completion", completion});
        QCOMPARE(r.err, QString());
        QCOMPARE_EXIT(r, 0);
        QCOMPARE(r.out, QStringLiteral(
                            "{\n  \"answer\": 42,\n  \"tags\": [\n    \"a\",\n    \"b\"\n  ],\n  "
                            "\"ok\": true\n}\n"));
    }

    void parseJsonAdapter()
    {
        const QString completion =
            writeFile(QStringLiteral("ok.json"), "```json\n{\"answer\": \"7\"}\n```");
        const Run r = run({"parse", "--signature", "question -> answer: int", "--adapter", "json",
                           "--completion", completion});
        QCOMPARE_EXIT(r, 0);
        QCOMPARE(r.out, QStringLiteral("{\n  \"answer\": 7\n}\n"));
    }

    void parseFailureExitsOneWithNothingOnStdout()
    {
        const QString completion =
            writeFile(QStringLiteral("bad.txt"), "[[ ## answer ## ]]\nforty-two\n");
        const Run r =
            run({"parse", "--signature", "question -> answer: int", "--completion", completion});
        QCOMPARE_EXIT(r, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(QStringLiteral("answer")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("forty-two")), qPrintable(r.err));
    }

    void missingCompletionFileIsUsage()
    {
        const Run r =
            run({"parse", "--signature", "q -> a", "--completion", m_dir.filePath("nope.txt")});
        QCOMPARE_EXIT(r, 2);
        QVERIFY(r.err.startsWith(QStringLiteral("dspy-run: parse: --completion: cannot open '")));
    }

    void demoRunsOffline()
    {
        const Run r = run({"demo"});
        QCOMPARE(r.err, QString());
        QCOMPARE_EXIT(r, 0);
        QVERIFY(r.out.startsWith(
            QStringLiteral("ChainOfThought(\"question -> answer: int\") with ChatAdapter")));
        QVERIFY(r.out.contains(
            QStringLiteral("--- system ---\nYour input fields are:\n1. `question` (str):\nYour "
                           "output fields are:\n1. `reasoning` (str): \n2. `answer` (int):")));
        QVERIFY(r.out.contains(QStringLiteral("--- completion ---\n[[ ## reasoning ## ]]\n")));
        QVERIFY(r.out.endsWith(
            QStringLiteral("--- prediction ---\n{\n  \"reasoning\": \"A dozen is 12, so 3 dozen "
                           "is 3 * 12 = 36; plus 6 makes 42.\",\n  \"answer\": 42\n}\n")));
    }
};

QTEST_GUILESS_MAIN(TstDspyRun)
#include "tst_dspyrun.moc"
