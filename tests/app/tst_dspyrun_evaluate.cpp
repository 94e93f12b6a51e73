// dspy-run evaluate, run as a process ($DSPY_RUN): the bundled sample end to end on the
// in-process simulator (its score equals an in-process Evaluate's), results files, JSONL and CSV
// data, data errors naming the line, JavaScript metrics, program files, the trace database, and,
// against a dspy-lmsim process ($DSPY_LMSIM), Ctrl-C mid-run and --max-errors.

#include "../integration/lmsimprocess.h"
#include "dspyrunprocess.h"

#include "datasets/samples.h"
#include "evaluate/evaluate.h"
#include "evaluate/metrics.h"
#include "lm/simulator.h"
#include "modules/predict.h"
#include "trace/tracestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace dspy;
using lmsimtest::LmSimProcess;

namespace {

using dspyruntest::fileBytes;

struct Run : dspyruntest::Run
{
    Object summary; // stdout parsed, when it is one JSON object
};

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

Object parseSummary(const QString& out)
{
    const std::optional<Value> v = Value::fromJson(out);
    return v && v->isObject() ? v->toObject() : Object{};
}

qint64 count(const Object& summary, const char* key)
{
    return summary.value(QString::fromLatin1(key)).toInt();
}

} // namespace

class TstDspyRunEvaluate : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir; // XDG_CACHE_HOME and the test's files

    QString path(const QString& name) const { return m_dir->filePath(name); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CACHE_HOME"), path(QStringLiteral("cache")));
        e.remove(QStringLiteral("OPENAI_API_KEY"));
        return e;
    }

    Run run(const QStringList& args)
    {
        Run r;
        static_cast<dspyruntest::Run&>(r) =
            dspyruntest::run(QStringList{QStringLiteral("evaluate")} + args, environment(), 120000);
        r.summary = parseSummary(r.out);
        return r;
    }

    // What an in-process Evaluate scores for Predict(sample signature) on the simulator that
    // dspy-run uses by default (lmsim/sim), over the first `limit` examples.
    static double inProcessScore(const QString& sample, qsizetype limit,
                                 const QString& metricName = QStringLiteral("exact_match"))
    {
        QList<Example> devset = *samples::load(sample);
        if (sample == u"rag_qa")
            devset = *samples::withGoldContext(devset);
        devset.resize(limit);
        Predict program(*samples::signature(sample));
        const std::optional<Metric> metric =
            builtinMetric(metricName, samples::info(sample)->metricField);
        RunContext ctx(std::make_shared<SimulatedLM>(QStringLiteral("sim")));
        return Evaluate().run(program, devset, *metric, ctx).score;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariable("DSPY_RUN").isEmpty(), "DSPY_RUN is not set");
        QVERIFY2(!qEnvironmentVariable("DSPY_LMSIM").isEmpty(), "DSPY_LMSIM is not set");
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void helpDocumentsProgramFileAndExitCodes()
    {
        const Run r = run({QStringLiteral("--help")});
        QCOMPARE_EXIT(r, 0);
        QCOMPARE(r.out.section(QLatin1Char('\n'), 0, 0),
                 QStringLiteral("Usage: dspy-run evaluate (--signature SIG [--cot] | --program "
                                "FILE | --sample NAME)"));
        QVERIFY(r.out.contains(QStringLiteral("{\"module\": \"Predict\" | \"ChainOfThought\",")));
        QVERIFY(r.out.contains(QStringLiteral("Exit codes: 0 the run finished")));
        QVERIFY(r.out.contains(QStringLiteral("130 interrupted")));
    }

    void sampleArithmeticEndToEnd()
    {
        const QString csv = path(QStringLiteral("results.csv"));
        const Run r =
            run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                 QStringLiteral("--limit"), QStringLiteral("100"), QStringLiteral("--out"), csv});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Object& s = r.summary;
        QVERIFY2(!s.isEmpty(), qPrintable(r.out));
        QCOMPARE(s.value(u"metric").toString(), QStringLiteral("answer_exact_match"));
        QCOMPARE(s.value(u"model").toString(), QStringLiteral("lmsim/sim"));
        QCOMPARE(count(s, "total"), 100);
        QCOMPARE(count(s, "completed"), 100);
        QCOMPARE(count(s, "errors"), 0);
        QCOMPARE(count(s, "not_started"), 0);
        QCOMPARE(s.value(u"interrupted").truthy(), false);
        QCOMPARE(s.value(u"aborted").truthy(), false);
        // The simulator's accuracy model puts a bare Predict near 55 % (docs/lmsim.md §3), and
        // the CLI must score exactly what Evaluate scores in-process on the same simulator.
        const double score = s.value(u"score").toDouble();
        QVERIFY2(score >= 30 && score <= 80, qPrintable(QString::number(score)));
        QCOMPARE(score, inProcessScore(QStringLiteral("arithmetic"), 100));
        QCOMPARE(count(s, "lm_calls"), 100);
        QVERIFY(s.value(u"tokens").toObject().value(u"prompt").toInt() > 0);
        QVERIFY(s.value(u"tokens_by_model").toObject().contains(u"lmsim/sim"));
        // Progress went to stderr (not a terminal: whole lines), ending with the final count.
        QVERIFY2(r.err.contains(QStringLiteral("100/100 | score ")), qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("| ETA done | errors 0\n")));

        // One CSV row per example: the example's fields, the prediction's, the metric's column.
        const QStringList lines =
            QString::fromUtf8(fileBytes(csv)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 101);
        QCOMPARE(lines.first(),
                 QStringLiteral("question,example_answer,pred_answer,answer_exact_match"));
        qsizetype correct = 0;
        for (const QString& line : lines.mid(1))
            correct += line.endsWith(QStringLiteral(",True")) ? 1 : 0;
        QCOMPARE(double(correct), score); // 100 examples: the percentage is the count

        // The same run as JSON and JSONL (now from the cache): the same rows.
        const QString json = path(QStringLiteral("results.json"));
        const QString jsonl = path(QStringLiteral("results.jsonl"));
        const Run j = run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                           QStringLiteral("--limit"), QStringLiteral("100"),
                           QStringLiteral("--out"), json, QStringLiteral("--quiet")});
        QCOMPARE_EXIT(j, 0);
        QCOMPARE(j.err, QString()); // --quiet
        QCOMPARE(j.summary.value(u"score").toDouble(), score);
        const Array rows = Value::fromJson(QString::fromUtf8(fileBytes(json)))->toArray();
        QCOMPARE(rows.size(), 100);
        QCOMPARE(
            rows.first().toObject().keys(),
            (QStringList{QStringLiteral("question"), QStringLiteral("example_answer"),
                         QStringLiteral("pred_answer"), QStringLiteral("answer_exact_match")}));
        const Run l = run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                           QStringLiteral("--limit"), QStringLiteral("100"),
                           QStringLiteral("--out"), jsonl, QStringLiteral("--quiet")});
        QCOMPARE_EXIT(l, 0);
        const QStringList jsonLines =
            QString::fromUtf8(fileBytes(jsonl)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(jsonLines.size(), 100);
        for (qsizetype i = 0; i < rows.size(); ++i)
            QCOMPARE(*Value::fromJson(jsonLines.at(i)), rows.at(i));
    }

    void everySampleRunsWithItsMetric_data()
    {
        QTest::addColumn<QString>("sample");
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QString>("metricName");
        QTest::newRow("arithmetic") << QStringLiteral("arithmetic") << QStringLiteral("exact_match")
                                    << QStringLiteral("answer_exact_match");
        QTest::newRow("tickets") << QStringLiteral("tickets") << QStringLiteral("exact_match")
                                 << QStringLiteral("answer_exact_match");
        QTest::newRow("rag_qa") << QStringLiteral("rag_qa") << QStringLiteral("f1")
                                << QStringLiteral("f1");
    }
    void everySampleRunsWithItsMetric()
    {
        QFETCH(QString, sample);
        QFETCH(QString, metric);
        QFETCH(QString, metricName);
        const Run r = run({QStringLiteral("--sample"), sample, QStringLiteral("--limit"),
                           QStringLiteral("40"), QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.summary.value(u"metric").toString(), metricName);
        QCOMPARE(count(r.summary, "completed"), 40);
        // tickets compares the label field, rag_qa answers from its gold passages (context).
        QCOMPARE(r.summary.value(u"score").toDouble(), inProcessScore(sample, 40, metric));
        QVERIFY(r.summary.value(u"score").toDouble() > 0);
    }

    void dataFilesWithInputKeys_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("jsonl") << QStringLiteral("data.jsonl")
                               << QByteArray(
                                      "{\"id\": 1, \"problem\": \"Ana has 4 apples. She buys "
                                      "3 more. How many apples does Ana have now?\", "
                                      "\"answer\": 7}\n"
                                      "\n"
                                      "{\"id\": 2, \"problem\": \"Bo had 10 coins. He gave 4 "
                                      "to Cy. How many coins are left?\", \"answer\": 6}\n"
                                      "{\"id\": 3, \"problem\": \"Di buys 3 boxes of pens. "
                                      "Each box has 5 pens. How many pens does Di have in "
                                      "total?\", \"answer\": 15}\n");
        QTest::newRow("csv") << QStringLiteral("data.csv")
                             << QByteArray("id,problem,answer\r\n"
                                           "1,Ana has 4 apples. She buys 3 more. How many apples "
                                           "does Ana have now?,7\r\n"
                                           "2,\"Bo had 10 coins. He gave 4 to Cy. How many coins "
                                           "are left?\",6\r\n"
                                           "3,\"Di buys 3 boxes of pens. Each box has 5 pens. How "
                                           "many pens does Di have in total?\",15\r\n");
    }
    void dataFilesWithInputKeys()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        writeFile(path(file), content);
        const QString out = path(QStringLiteral("out.jsonl"));
        const Run r =
            run({QStringLiteral("--signature"), QStringLiteral("problem -> answer: int"),
                 QStringLiteral("--data"), path(file), QStringLiteral("--input-keys"),
                 QStringLiteral("problem"), QStringLiteral("--threads"), QStringLiteral("3"),
                 QStringLiteral("--out"), out, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(count(r.summary, "total"), 3);
        QCOMPARE(count(r.summary, "completed"), 3);
        QCOMPARE(count(r.summary, "lm_calls"), 3);
        const QStringList lines =
            QString::fromUtf8(fileBytes(out)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        // Input order kept, the id column carried through (only "problem" went to the LM), and
        // the CSV's numeric column typed as the JSONL's is.
        for (int i = 0; i < 3; ++i) {
            const Object row = Value::fromJson(lines.at(i))->toObject();
            QCOMPARE(row.value(u"id"), Value(i + 1));
            QVERIFY(row.value(u"example_answer").isInt());
            QVERIFY(row.value(u"pred_answer").isInt());
        }

        // Without --input-keys the signature's inputs are the input keys: the same run.
        const Run implicit =
            run({QStringLiteral("--signature"), QStringLiteral("problem -> answer: int"),
                 QStringLiteral("--data"), path(file), QStringLiteral("--quiet")});
        QCOMPARE_EXIT(implicit, 0);
        QCOMPARE(implicit.summary.value(u"score"), r.summary.value(u"score"));
    }

    void badDataLineExitsOneNamingTheLine_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("jsonl not json") << QStringLiteral("bad.jsonl")
                                        << QByteArray("{\"question\": \"a\", \"answer\": 1}\n"
                                                      "{\"question\": \"b\", \"answer\": 2}\n"
                                                      "{\"question\": \"c\", \"answer\": \n")
                                        << QStringLiteral("line 3");
        QTest::newRow("jsonl missing input") << QStringLiteral("missing.jsonl")
                                             << QByteArray("{\"question\": \"a\", \"answer\": 1}\n"
                                                           "{\"answer\": 2}\n")
                                             << QStringLiteral("line 2: column 'question'");
        QTest::newRow("csv short row")
            << QStringLiteral("missing.csv") << QByteArray("answer,question\n1,a\n2,b\n3\n")
            << QStringLiteral("line 4: column 'question': expected 2 fields, found 1");
    }
    void badDataLineExitsOneNamingTheLine()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        writeFile(path(file), content);
        const Run r = run({QStringLiteral("--signature"), QStringLiteral("question -> answer: int"),
                           QStringLiteral("--data"), path(file)});
        QCOMPARE_EXIT(r, 1);
        QCOMPARE(r.out, QString());
        QVERIFY2(r.err.startsWith(QStringLiteral("dspy-run: evaluate: --data ") + path(file) +
                                  QStringLiteral(": ")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);

        // A file that is not there is a data problem too.
        const Run missing =
            run({QStringLiteral("--signature"), QStringLiteral("question -> answer"),
                 QStringLiteral("--data"), path(QStringLiteral("nope.jsonl"))});
        QCOMPARE_EXIT(missing, 1);
        QVERIFY2(missing.err.contains(QStringLiteral("nope.jsonl")), qPrintable(missing.err));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no program") << QStringList{QStringLiteral("--data"), QStringLiteral("x")}
                                    << QStringLiteral("give --signature, --program or --sample");
        QTest::newRow("no data") << QStringList{QStringLiteral("--signature"),
                                                QStringLiteral("question -> answer")}
                                 << QStringLiteral("--data is required (or --sample)");
        QTest::newRow("unknown sample")
            << QStringList{QStringLiteral("--sample"), QStringLiteral("nope")}
            << QStringLiteral("--sample must be one of arithmetic, tickets, rag_qa");
        QTest::newRow("unknown metric")
            << QStringList{QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                           QStringLiteral("--metric"), QStringLiteral("bleu")}
            << QStringLiteral("--metric must be one of exact_match, f1");
        QTest::newRow("out extension")
            << QStringList{QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                           QStringLiteral("--out"), QStringLiteral("r.txt")}
            << QStringLiteral("--out must end in .json, .jsonl or .csv");
        QTest::newRow("threads") << QStringList{QStringLiteral("--sample"),
                                                QStringLiteral("arithmetic"),
                                                QStringLiteral("--threads"), QStringLiteral("0")}
                                 << QStringLiteral("--threads must be an integer >= 1, got '0'");
    }
    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = run(args);
        QCOMPARE_EXIT(r, 2);
        QCOMPARE(r.out, QString());
        QVERIFY2(r.err.startsWith(QStringLiteral("dspy-run: evaluate: ")), qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void javascriptMetric()
    {
        // A quarter for a right answer, nothing otherwise: the score says the JS ran per example.
        const QString js = path(QStringLiteral("quarter.js"));
        writeFile(js, "function metric(example, prediction, trace) {\n"
                      "    if (trace !== null) throw new Error('trace should be null');\n"
                      "    return prediction.answer === example.answer ? 0.25 : 0.0;\n"
                      "}\n");
        const Run r =
            run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                 QStringLiteral("--limit"), QStringLiteral("100"), QStringLiteral("--metric"),
                 QStringLiteral("js:") + js, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.summary.value(u"metric").toString(), QStringLiteral("quarter"));
        QCOMPARE(count(r.summary, "errors"), 0);
        QCOMPARE(r.summary.value(u"score").toDouble(),
                 std::round(inProcessScore(QStringLiteral("arithmetic"), 100) * 25.0) / 100.0);

        // A syntax error is a file problem reported with its line.
        const QString broken = path(QStringLiteral("broken.js"));
        writeFile(broken, "function metric(example, prediction, trace) {\n"
                          "    return 1 +;\n"
                          "}\n");
        const Run b = run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                           QStringLiteral("--metric"), QStringLiteral("js:") + broken});
        QCOMPARE_EXIT(b, 1);
        QVERIFY2(b.err.contains(QStringLiteral("broken.js:2")), qPrintable(b.err));

        // A metric that throws fails its example; ten of them stop the run (DSPy's max_errors).
        const QString throwing = path(QStringLiteral("throwing.js"));
        writeFile(throwing, "function metric(example, prediction, trace) {\n"
                            "    throw new Error('no score for ' + example.answer);\n"
                            "}\n");
        const Run t =
            run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                 QStringLiteral("--limit"), QStringLiteral("40"), QStringLiteral("--threads"),
                 QStringLiteral("1"), QStringLiteral("--metric"), QStringLiteral("js:") + throwing,
                 QStringLiteral("--quiet")});
        QCOMPARE_EXIT(t, 3);
        QCOMPARE(count(t.summary, "errors"), 10);
        QCOMPARE(t.summary.value(u"max_errors_reached").truthy(), true);
        QCOMPARE(count(t.summary, "not_started"), 30);
        QVERIFY2(t.err.contains(QStringLiteral("stopped after 10 errors (--max-errors 10); "
                                               "first, example 0: ")),
                 qPrintable(t.err));
        QVERIFY2(t.err.contains(QStringLiteral("throwing.js:2")), qPrintable(t.err));
    }

    void programFile()
    {
        // A program.save() with demos, wrapped with its module and signature.
        Predict saved(Signature::fromString(u"question -> answer: int",
                                            QStringLiteral("Solve the word problem.")));
        const QList<Example> demos = *samples::load(QStringLiteral("arithmetic"));
        saved.demos() = demos.mid(500, 4);
        const QString wrapped = path(QStringLiteral("program.json"));
        writeFile(wrapped, Value(Object{{"module", "Predict"},
                                        {"signature", "question -> answer: int"},
                                        {"state", Value(saved.saveState())}})
                               .toJson(JsonStyle{2, false, false})
                               .toUtf8());
        const QStringList common = {QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                                    QStringLiteral("--limit"),  QStringLiteral("20"),
                                    QStringLiteral("--quiet"),  QStringLiteral("--no-cache")};
        const Run bare = run(common);
        const Run withDemos = run(common + QStringList{QStringLiteral("--program"), wrapped});
        QVERIFY2(withDemos.exitCode == 0, qPrintable(withDemos.err));
        QCOMPARE(count(withDemos.summary, "completed"), 20);
        // The demos and instructions went into every prompt.
        const qint64 barePrompt = bare.summary.value(u"tokens").toObject().value(u"prompt").toInt();
        const qint64 demoPrompt =
            withDemos.summary.value(u"tokens").toObject().value(u"prompt").toInt();
        QVERIFY2(demoPrompt > barePrompt + 20 * 50,
                 qPrintable(QStringLiteral("%1 vs %2").arg(demoPrompt).arg(barePrompt)));

        // The plain program.save() with --signature loads the same state: the same prompts, so
        // the same tokens (--no-cache: a cache hit reports no usage).
        const QString plain = path(QStringLiteral("plain.json"));
        writeFile(plain, saved.saveStateToJson().toUtf8());
        const Run p = run(common + QStringList{QStringLiteral("--program"), plain,
                                               QStringLiteral("--signature"),
                                               QStringLiteral("question -> answer: int")});
        QVERIFY2(p.exitCode == 0, qPrintable(p.err));
        QCOMPARE(p.summary.value(u"tokens"), withDemos.summary.value(u"tokens"));
        QCOMPARE(p.summary.value(u"score"), withDemos.summary.value(u"score"));

        // A module we cannot build, and a file that is not JSON: exit 1, naming the file.
        const QString unknown = path(QStringLiteral("react.json"));
        writeFile(unknown, R"({"module": "ReAct", "signature": "question -> answer"})");
        const Run u = run(common + QStringList{QStringLiteral("--program"), unknown});
        QCOMPARE_EXIT(u, 1);
        QVERIFY2(u.err.contains(QStringLiteral("\"module\" must be Predict or ChainOfThought, not "
                                               "'ReAct'")),
                 qPrintable(u.err));
        const QString notJson = path(QStringLiteral("notjson.json"));
        writeFile(notJson, "{\"module\": ");
        const Run n = run(common + QStringList{QStringLiteral("--program"), notJson});
        QCOMPARE_EXIT(n, 1);
        QVERIFY2(n.err.contains(QStringLiteral("notjson.json: not a JSON object (at offset")),
                 qPrintable(n.err));
    }

    void traceDatabaseRecordsEveryExample()
    {
        const QString db = path(QStringLiteral("trace.sqlite"));
        const Run r =
            run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                 QStringLiteral("--limit"), QStringLiteral("12"), QStringLiteral("--threads"),
                 QStringLiteral("4"), QStringLiteral("--trace-db"), db, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto store = TraceStore::open(db);
        QVERIFY2(store, store ? "" : qPrintable(store.error()));
        const auto runs = (*store)->runs();
        QVERIFY(runs);
        QCOMPARE(runs->size(), 1);
        const RunInfo& info = runs->first();
        QCOMPARE(info.kind, QStringLiteral("evaluate"));
        QCOMPARE(info.status, QStringLiteral("finished"));
        QCOMPARE(info.summary.toObject().value(u"score"), r.summary.value(u"score"));
        const auto counts = (*store)->counts(info.id);
        QVERIFY(counts);
        QCOMPARE(counts->examples, 12);
        QCOMPARE(counts->lmCalls, 12);
        QCOMPARE(counts->errors, 0);
        // Each example: its program call (Predict), the adapter's format and parse, the LM call,
        // all filed under the example's index.
        for (qint64 i : {0, 5, 11}) {
            const auto spans = (*store)->spansForExample(info.id, i);
            QVERIFY(spans);
            QStringList kinds;
            for (const Span& s : *spans)
                kinds.append(callbackHookName(s.kind));
            kinds.sort();
            QCOMPARE(kinds,
                     (QStringList{QStringLiteral("adapter_format"), QStringLiteral("adapter_parse"),
                                  QStringLiteral("lm"), QStringLiteral("module")}));
            const Example gold = samples::load(QStringLiteral("arithmetic"))->at(i);
            for (const Span& s : *spans) {
                if (s.kind == CallbackHook::Module)
                    QCOMPARE(s.inputs.toObject().value(u"question"), gold.get(u"question"));
            }
        }
        // A second run goes into the same file.
        const Run again = run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                               QStringLiteral("--limit"), QStringLiteral("3"),
                               QStringLiteral("--trace-db"), db, QStringLiteral("--quiet")});
        QCOMPARE_EXIT(again, 0);
        QCOMPARE((*store)->runs()->size(), 2);
    }

    void ctrlCCancelsAndReportsPartialResults()
    {
        LmSimProcess sim({QStringLiteral("--latency-ms"), QStringLiteral("200")});
        QVERIFY(sim.isListening());
        const QString out = path(QStringLiteral("partial.jsonl"));
        QProcess p;
        dspyruntest::start(p,
                           {QStringLiteral("evaluate"), QStringLiteral("--sample"),
                            QStringLiteral("arithmetic"), QStringLiteral("--model"),
                            QStringLiteral("openai/sim"), QStringLiteral("--api-base"),
                            sim.apiBase(), QStringLiteral("--threads"), QStringLiteral("4"),
                            QStringLiteral("--no-cache"), QStringLiteral("--out"), out},
                           environment());
        QVERIFY(p.waitForStarted(10000));
        // Wait for the first progress line that counts a finished example (600 examples at
        // 4 x 5/s take ~30 s, so the run is far from its end).
        QString err;
        const QRegularExpression done(QStringLiteral("(^|\\n)([1-9][0-9]*)/600 \\|"));
        QElapsedTimer waited;
        waited.start();
        while (!done.match(err).hasMatch() && waited.elapsed() < 60000 &&
               p.state() == QProcess::Running) {
            p.waitForReadyRead(1000);
            err += QString::fromUtf8(p.readAllStandardError());
        }
        QVERIFY2(done.match(err).hasMatch(), qPrintable(err));
        QCOMPARE(::kill(pid_t(p.processId()), SIGINT), 0);
        QVERIFY(p.waitForFinished(60000));
        err += QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(err.contains(QStringLiteral("interrupted, cancelling the run")), qPrintable(err));
        const Object s = parseSummary(QString::fromUtf8(p.readAllStandardOutput()));
        QVERIFY(!s.isEmpty());
        QCOMPARE(s.value(u"interrupted").truthy(), true);
        QCOMPARE(s.value(u"aborted").truthy(), true);
        QCOMPARE(count(s, "total"), 600);
        QVERIFY(count(s, "completed") > 0);
        QVERIFY(count(s, "not_started") > 0);
        QCOMPARE(count(s, "completed") + count(s, "errors") + count(s, "cancelled") +
                     count(s, "not_started"),
                 600);
        // Every completed example made its LM call; beyond those, only calls that were answered
        // just as the run was cancelled (their example then counts as cancelled).
        QVERIFY(count(s, "lm_calls") >= count(s, "completed"));
        QVERIFY(count(s, "lm_calls") <= count(s, "completed") + count(s, "cancelled"));
        // --out still written, one row per example.
        const QStringList lines =
            QString::fromUtf8(fileBytes(out)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 600);
    }

    void maxErrorsAgainstAFailingServer()
    {
        LmSimProcess sim({QStringLiteral("--fault"), QStringLiteral("500:1.0")});
        QVERIFY(sim.isListening());
        const Run r =
            run({QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                 QStringLiteral("--limit"), QStringLiteral("50"), QStringLiteral("--model"),
                 QStringLiteral("openai/sim"), QStringLiteral("--api-base"), sim.apiBase(),
                 QStringLiteral("--num-retries"), QStringLiteral("0"), QStringLiteral("--threads"),
                 QStringLiteral("2"), QStringLiteral("--max-errors"), QStringLiteral("3"),
                 QStringLiteral("--no-cache"), QStringLiteral("--quiet")});
        QCOMPARE_EXIT(r, 3);
        QCOMPARE(r.summary.value(u"max_errors_reached").truthy(), true);
        QCOMPARE(r.summary.value(u"aborted").truthy(), true);
        QVERIFY(count(r.summary, "errors") >= 3);
        QCOMPARE(count(r.summary, "completed"), 0);
        QVERIFY(count(r.summary, "not_started") > 0);
        QCOMPARE(r.summary.value(u"score").toDouble(), 0.0);
        QVERIFY2(r.err.contains(QStringLiteral("--max-errors 3); first, example ")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("HTTP 500")), qPrintable(r.err));
        // Requests stopped: no more than the errors plus those in flight when the run stopped.
        QVERIFY(sim.chatRequests() <= count(r.summary, "errors") + 2);
    }
};

QTEST_GUILESS_MAIN(TstDspyRunEvaluate)
#include "tst_dspyrun_evaluate.moc"
