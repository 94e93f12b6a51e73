// Evaluate: order under many threads, DSPy's score rounding, failures, max_errors, cancellation
// (pending examples never start, in-flight LM calls abort), progress events, callbacks, usage and
// the CSV/JSON results.

#include "evaluate/evaluate.h"
#include "evaluate/metrics.h"
#include "lm/scriptedlm.h"
#include "lm/simulator.h"
#include "modules/chainofthought.h"
#include "modules/predict.h"
#include "runtime/callbacks.h"

#include <QMutex>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QWaitCondition>
#include <QtConcurrent>

#include <atomic>

using namespace dspy;

namespace {

QList<Example> questions(int n)
{
    QList<Example> out;
    for (int i = 0; i < n; ++i) {
        out.append(Example{{"question", QStringLiteral("<q%1>").arg(i)},
                           {"answer", QStringLiteral("a%1").arg(i)}}
                       .withInputs({QStringLiteral("question")}));
    }
    return out;
}

// Answers "a<i>" for "<q<i>>", except every `wrongEvery`-th question.
std::shared_ptr<ScriptedLM> answeringLM(int n, int wrongEvery = 0)
{
    QList<std::pair<QString, Object>> answers;
    for (int i = 0; i < n; ++i) {
        const bool wrong = wrongEvery > 0 && i % wrongEvery == 0;
        answers.append(
            {QStringLiteral("<q%1>").arg(i),
             Object{{"answer", wrong ? QStringLiteral("wrong") : QStringLiteral("a%1").arg(i)}}});
    }
    return ScriptedLM::bySubstring(answers);
}

Metric exactMatch()
{
    return *builtinMetric(QStringLiteral("exact_match"));
}

// A module that fails for chosen examples, counting its calls.
class Flaky final : public Module
{
public:
    explicit Flaky(std::function<bool(int)> fails, bool nested = false)
        : m_fails(std::move(fails))
        , m_nested(nested)
    {}
    Prediction forward(const Example& inputs, RunContext&) override
    {
        ++calls;
        const int i = inputs.get(u"question").toString().mid(2).chopped(1).toInt();
        if (m_fails(i)) {
            if (m_nested) {
                try {
                    throw std::invalid_argument("bad input " + std::to_string(i));
                } catch (...) {
                    std::throw_with_nested(std::runtime_error("program failed"));
                }
            }
            throw std::runtime_error("boom " + std::to_string(i));
        }
        Prediction p;
        p.set(QStringLiteral("answer"), QStringLiteral("a%1").arg(i));
        return p;
    }
    std::unique_ptr<Module> clone() const override { return std::make_unique<Flaky>(m_fails); }
    QList<NamedPredictor> namedPredictors() override { return {}; }
    std::atomic<int> calls{0};

private:
    std::function<bool(int)> m_fails;
    bool m_nested;
};

// An LM that holds every call until released or cancelled: makes "in flight" observable.
class GateLM final : public LM
{
public:
    GateLM() { m_pool.setMaxThreadCount(64); }
    ~GateLM() override
    {
        release();
        m_pool.waitForDone();
    }
    QString model() const override { return QStringLiteral("gate"); }
    QFuture<LMResponse> call(const LMRequest& request) override
    {
        ++calls;
        ++inFlight;
        entered.release();
        auto cancel = request.cancel;
        return QtConcurrent::run(&m_pool, [this, cancel] {
            QMutexLocker lock(&m_mutex);
            // The bounded wait only re-checks the token; the release is signalled.
            while (!m_released && !(cancel && cancel->isCancelled()))
                m_cond.wait(&m_mutex, 5);
            --inFlight;
            LMResponse r;
            r.model = model();
            if (m_released) {
                r.outputs.append(LMOutput{QStringLiteral("[[ ## answer ## ]]\nok\n\n[[ ## "
                                                         "completed ## ]]"),
                                          {},
                                          {},
                                          QStringLiteral("stop")});
            } else {
                ++aborted;
                r.error = std::make_shared<LMError>(LMError::Kind::Cancelled,
                                                    QStringLiteral("aborted in flight"));
            }
            return r;
        });
    }
    void release()
    {
        QMutexLocker lock(&m_mutex);
        m_released = true;
        m_cond.wakeAll();
    }
    std::atomic<int> calls{0};
    std::atomic<int> inFlight{0};
    std::atomic<int> aborted{0};
    QSemaphore entered; // one permit per call received

private:
    QThreadPool m_pool;
    QMutex m_mutex;
    QWaitCondition m_cond;
    bool m_released = false;
};

class Recorder final : public Callback
{
public:
    void onStart(CallbackHook hook, const CallStart& s) override
    {
        QMutexLocker lock(&mutex);
        starts.append({hook, s});
    }
    void onEnd(CallbackHook hook, const CallEnd& e) override
    {
        QMutexLocker lock(&mutex);
        ends.append({hook, e});
    }
    QMutex mutex;
    QList<std::pair<CallbackHook, CallStart>> starts;
    QList<std::pair<CallbackHook, CallEnd>> ends;
};

QString readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(f.readAll());
}

} // namespace

class TestEvaluate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void orderPreservedUnder16Threads()
    {
        const int n = 300;
        auto lm = answeringLM(n, 7);
        Predict program(Signature::fromString(u"question -> answer"));
        EvaluateOptions options;
        options.numThreads = 16;
        const EvaluationResult r =
            Evaluate(options).run(program, questions(n), exactMatch(), RunContext(lm));

        QCOMPARE(r.results.size(), n);
        int correct = 0;
        for (int i = 0; i < n; ++i) {
            const EvaluationRow& row = r.results[i];
            QCOMPARE(row.index, qsizetype(i));
            QCOMPARE(row.example.get(u"question").toString(), QStringLiteral("<q%1>").arg(i));
            QCOMPARE(row.status, EvaluationRow::Status::Ok);
            const bool wrong = i % 7 == 0;
            QCOMPARE(row.prediction.get(u"answer").toString(),
                     wrong ? QStringLiteral("wrong") : QStringLiteral("a%1").arg(i));
            QCOMPARE(row.metricValue, Value(!wrong));
            correct += wrong ? 0 : 1;
            QCOMPARE(row.traceId.size(), 32);
        }
        QCOMPARE(correct, 257);
        QCOMPARE(r.score, 85.67); // round(100 * 257 / 300, 2) = 85.67
        QCOMPARE(r.completed, qsizetype(n));
        QCOMPARE(r.errors, qsizetype(0));
        QVERIFY(!r.aborted);
        QCOMPARE(r.metricName, QStringLiteral("answer_exact_match"));
        QSet<QString> ids;
        for (const EvaluationRow& row : r.results)
            ids.insert(row.traceId);
        QCOMPARE(ids.size(), n);
    }

    void simulatedArithmeticWithChainOfThought()
    {
        // The in-process simulator as the LM, ChainOfThought called from 16 threads at once.
        auto lm = std::make_shared<SimulatedLM>(QStringLiteral("sim"), 7);
        lm->setOracle(true);
        ChainOfThought program(Signature::fromString(u"question -> answer: int"));
        QList<Example> devset;
        for (int i = 0; i < 120; ++i) {
            devset.append(
                Example{{"question", QStringLiteral("What is %1 + %2 * 3?").arg(i).arg(i % 5)},
                        {"answer", i + (i % 5) * 3}}
                    .withInputs({QStringLiteral("question")}));
        }
        EvaluateOptions options;
        options.numThreads = 16;
        EvaluationProgress last; // written under the run's publish lock, read after it returns
        options.onProgress = [&](const EvaluationProgress& p) { last = p; };
        const EvaluationResult r =
            Evaluate(options).run(program, devset, exactMatch(), RunContext(lm));
        QVERIFY(last.finished);
        QVERIFY(last.callsPerSecond > 0); // the simulator reports usage for every call
        QCOMPARE(r.completed, qsizetype(120));
        for (int i = 0; i < 120; ++i) {
            QCOMPARE(r.results[i].prediction.get(u"answer"), Value(i + (i % 5) * 3));
            QVERIFY(!r.results[i].prediction.get(u"reasoning").toString().isEmpty());
        }
        QCOMPARE(r.score, 100.0);
        // Usage of every call lands in the run's tracker.
        QCOMPARE(r.usage.size(), 1);
        QCOMPARE(r.usage.value(QStringLiteral("lmsim/sim")).calls, qint64(120));
        QVERIFY(r.usage.value(QStringLiteral("lmsim/sim")).usage.totalTokens > 0);
        QCOMPARE(lm->callCount(), qint64(120));
        QVERIFY(r.summary().value(u"tokens").toObject().value(u"total").toInt() > 0);
    }

    void scoreRounding_data()
    {
        QTest::addColumn<QList<double>>("scores");
        QTest::addColumn<double>("expected");
        QTest::newRow("1/3") << QList<double>{1, 0, 0} << 33.33;
        QTest::newRow("2/3") << QList<double>{1, 1, 0} << 66.67;
        QTest::newRow("fractions") << QList<double>{0.123456} << 12.35;
        // 100 * 0.0105 = 1.05 (binary 1.0500000000000000444): Python rounds to 1.05.
        QTest::newRow("half") << QList<double>{0.0105} << 1.05;
        // 100 * 1.00125 / 8 = 12.515625 exactly: half to even on the exact value gives 12.52.
        QTest::newRow("exact tie") << QList<double>{1.00125, 0, 0, 0, 0, 0, 0, 0} << 12.52;
        QTest::newRow("all") << QList<double>{1, 1} << 100.0;
    }
    void scoreRounding()
    {
        QFETCH(QList<double>, scores);
        QFETCH(double, expected);
        Flaky program([](int) { return false; });
        Metric metric(QStringLiteral("fixed"),
                      [scores](const Example& gold, const Prediction&, const QList<TraceRecord>*) {
                          const int i = gold.get(u"question").toString().mid(2).chopped(1).toInt();
                          return Value(scores[i]);
                      });
        const EvaluationResult r =
            Evaluate().run(program, questions(int(scores.size())), metric, RunContext());
        QCOMPARE(r.score, expected);
    }

    void failureScoreOnExceptions()
    {
        Flaky program([](int i) { return i % 4 == 1; });
        EvaluateOptions options;
        options.numThreads = 4;
        options.failureScore = 0.5;
        options.maxErrors = 100;
        const EvaluationResult r = Evaluate(options).run(program, questions(20), exactMatch());
        QCOMPARE(r.errors, qsizetype(5));
        QCOMPARE(r.completed, qsizetype(15));
        // (15 * 1 + 5 * 0.5) / 20
        QCOMPARE(r.score, 87.5);
        const EvaluationRow& failed = r.results[5];
        QCOMPARE(failed.status, EvaluationRow::Status::Error);
        QCOMPARE(failed.error, QStringLiteral("std::runtime_error: boom 5"));
        QCOMPARE(failed.traceback, QString()); // provideTraceback off
        QCOMPARE(failed.metricValue, Value(0.5));
        QCOMPARE(failed.score, 0.5);
        QCOMPARE(failed.prediction.size(), 0);
        QVERIFY(!r.aborted);
        QVERIFY(!r.maxErrorsReached);
    }

    void tracebackShowsStageAndChain()
    {
        Flaky program([](int i) { return i == 1; }, true);
        Metric throwing(QStringLiteral("strict"),
                        [](const Example& gold, const Prediction&, const QList<TraceRecord>*) {
                            if (gold.get(u"question") == Value("<q2>"))
                                throw MetricError(QStringLiteral("cannot score q2"));
                            return Value("not a score for q3");
                        });
        EvaluateOptions options;
        options.provideTraceback = true;
        options.numThreads = 1;
        const EvaluationResult r = Evaluate(options).run(program, questions(4), throwing);
        QCOMPARE(r.results[1].error, QStringLiteral("std::runtime_error: program failed"));
        QCOMPARE(r.results[1].traceback,
                 QStringLiteral("Error in the program for example 1:\n"
                                "  std::runtime_error: program failed\n"
                                "  caused by: std::invalid_argument: bad input 1"));
        QCOMPARE(r.results[2].traceback, QStringLiteral("Error in the metric for example 2:\n"
                                                        "  MetricError: cannot score q2"));
        // A value the metric cannot be summed from is the metric's error too.
        QCOMPARE(r.results[3].error,
                 QStringLiteral("MetricError: the metric returned 'not a score for q3', not a "
                                "bool, a number or an object with a numeric \"score\""));
        QCOMPARE(r.errors, qsizetype(4));
    }

    void maxErrorsStopsEarly()
    {
        {
            // One thread: exactly max_errors examples run, the rest never start.
            Flaky program([](int) { return true; });
            EvaluateOptions options;
            options.numThreads = 1;
            options.maxErrors = 3;
            const EvaluationResult r = Evaluate(options).run(program, questions(20), exactMatch());
            QCOMPARE(program.calls.load(), 3);
            QCOMPARE(r.errors, qsizetype(3));
            QCOMPARE(r.notStarted, qsizetype(17));
            QVERIFY(r.aborted);
            QVERIFY(r.maxErrorsReached);
            QCOMPARE(r.abortReason,
                     QStringLiteral("Execution cancelled due to errors or interruption."));
            QCOMPARE(r.results[3].status, EvaluationRow::Status::NotStarted);
            QCOMPARE(r.results[3].traceId, QString());
            QCOMPARE(r.score, 0.0);
        }
        {
            // Several threads: the in-flight LM calls are aborted, the queue is dropped.
            // Example 0 fails once examples 1-3 wait on the gate LM.
            auto gate = std::make_shared<GateLM>();
            struct Mixed final : public Module
            {
                GateLM* gate = nullptr;
                Predict predict{Signature::fromString(u"question -> answer")};
                Prediction forward(const Example& in, RunContext& ctx) override
                {
                    if (in.get(u"question") == Value("<q0>")) {
                        if (!gate->entered.tryAcquire(3, 10000))
                            throw std::logic_error("the other examples never reached the LM");
                        throw std::runtime_error("first example fails");
                    }
                    return predict(in, ctx);
                }
                std::unique_ptr<Module> clone() const override { return nullptr; }
                QList<NamedPredictor> namedPredictors() override { return {}; }
            } program;
            program.gate = gate.get();
            EvaluateOptions options;
            options.numThreads = 4;
            options.maxErrors = 1;
            const EvaluationResult r =
                Evaluate(options).run(program, questions(50), exactMatch(), RunContext(gate));
            QCOMPARE(r.results[0].error, QStringLiteral("std::runtime_error: first example fails"));
            QCOMPARE(r.errors, qsizetype(1));
            QCOMPARE(r.cancelled, qsizetype(3));
            QCOMPARE(r.notStarted, qsizetype(46));
            QCOMPARE(gate->calls.load(), 3);
            QCOMPARE(gate->aborted.load(), 3);
            QVERIFY(r.maxErrorsReached);
            QVERIFY(r.aborted);
        }
    }

    void cancelFromAnotherThread()
    {
        auto gate = std::make_shared<GateLM>();
        Predict program(Signature::fromString(u"question -> answer"));
        EvaluateOptions options;
        options.numThreads = 4;
        const int n = 100;
        auto run = Evaluate(options).start(program, questions(n), exactMatch(), RunContext(gate));
        QTRY_COMPARE_WITH_TIMEOUT(gate->inFlight.load(), 4, 10000);
        QFuture<void> canceller = QtConcurrent::run([run] { run->cancel(); });
        canceller.waitForFinished();
        QTRY_VERIFY_WITH_TIMEOUT(run->future().isFinished(), 10000);
        const EvaluationResult r = run->result();
        QVERIFY(run->isCancelled());
        QVERIFY(r.aborted);
        QVERIFY(!r.maxErrorsReached);
        QCOMPARE(r.cancelled, qsizetype(4));
        QCOMPARE(r.notStarted, qsizetype(n - 4));
        QCOMPARE(r.errors, qsizetype(0));
        // Pending examples never reached the LM; the in-flight ones were aborted.
        QCOMPARE(gate->calls.load(), 4);
        QCOMPARE(gate->aborted.load(), 4);
        QCOMPARE(run->progress().done, qsizetype(0)); // cancelled examples are not "done"
        QCOMPARE(r.results.size(), n);
        for (int i = 0; i < n; ++i)
            QCOMPARE(r.results[i].index, qsizetype(i));
    }

    void baseContextCancellationStopsTheRun()
    {
        auto gate = std::make_shared<GateLM>();
        Predict program(Signature::fromString(u"question -> answer"));
        EvaluateOptions options;
        options.numThreads = 3;
        RunContext base(gate);
        base.cancellation = std::make_shared<CancellationToken>();
        auto run = Evaluate(options).start(program, questions(30), exactMatch(), base);
        QTRY_COMPARE_WITH_TIMEOUT(gate->inFlight.load(), 3, 10000);
        base.cancellation->cancel(); // Ctrl-C in the CLI
        const EvaluationResult r = run->result();
        QVERIFY(r.aborted);
        QCOMPARE(r.cancelled, qsizetype(3));
        QCOMPARE(r.notStarted, qsizetype(27));
        QCOMPARE(gate->calls.load(), 3);
    }

    void emptyDevset()
    {
        Flaky program([](int) { return false; });
        QList<EvaluationProgress> events;
        EvaluateOptions options;
        options.onProgress = [&](const EvaluationProgress& p) { events.append(p); };
        const EvaluationResult r = Evaluate(options).run(program, {}, exactMatch());
        QCOMPARE(r.score, 0.0); // DSPy divides by zero here
        QCOMPARE(r.results.size(), 0);
        QVERIFY(!r.aborted);
        QCOMPARE(events.size(), 1);
        QVERIFY(events[0].finished);
        QCOMPARE(events[0].total, qsizetype(0));
    }

    void progressEventsMonotoneAndFinal()
    {
        const int n = 400;
        auto lm = answeringLM(n, 3);
        Predict program(Signature::fromString(u"question -> answer"));
        QMutex mutex;
        QList<EvaluationProgress> events;
        EvaluateOptions options;
        options.numThreads = 8;
        options.onProgress = [&](const EvaluationProgress& p) {
            QMutexLocker lock(&mutex);
            events.append(p);
        };
        const EvaluationResult r =
            Evaluate(options).run(program, questions(n), exactMatch(), RunContext(lm));
        QVERIFY(!events.isEmpty());
        for (qsizetype i = 1; i < events.size(); ++i) {
            QVERIFY(events[i].done > events[i - 1].done || events[i].finished);
            QVERIFY(events[i].done >= events[i - 1].done);
            QVERIFY(events[i].elapsedMs >= events[i - 1].elapsedMs);
            QVERIFY(!events[i - 1].finished);
        }
        const EvaluationProgress& last = events.last();
        QVERIFY(last.finished);
        QCOMPARE(last.done, qsizetype(n));
        QCOMPARE(last.total, qsizetype(n));
        QCOMPARE(last.errors, qsizetype(0));
        QCOMPARE(last.scoreSum, 266.0); // 400 - 134 wrong (0, 3, ..., 399)
        QCOMPARE(last.runningScore, 100.0 * 266 / 400);
        QCOMPARE(r.score, 66.5);
        for (const EvaluationProgress& p : events)
            QCOMPARE(p.total, qsizetype(n));
    }

    void progressSignalOfAsyncRun()
    {
        const int n = 60;
        auto lm = answeringLM(n);
        Predict program(Signature::fromString(u"question -> answer"));
        EvaluateOptions options;
        options.numThreads = 4;
        auto run = Evaluate(options).prepare(program, questions(n), exactMatch(), RunContext(lm));
        QSignalSpy progress(run.get(), &EvaluationRun::progressChanged);
        QSignalSpy finished(run.get(), &EvaluationRun::finished);
        QVERIFY(!run->future().isValid()); // nothing runs before start()
        run->start();
        QVERIFY(finished.count() == 1 || finished.wait(10000));
        QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() &&
                                     progress.last().first().value<EvaluationProgress>().finished,
                                 10000);
        const auto last = progress.last().first().value<EvaluationProgress>();
        QCOMPARE(last.done, qsizetype(n));
        QCOMPARE(run->result().score, 100.0);
        QCOMPARE(run->progress().done, qsizetype(n));
    }

    void callbacksAroundTheRun()
    {
        auto lm = answeringLM(5);
        Predict program(Signature::fromString(u"question -> answer"));
        auto recorder = std::make_shared<Recorder>();
        RunContext base(lm);
        base.callbacks = std::make_shared<CallbackRegistry>();
        base.callbacks->add(recorder);
        EvaluateOptions options;
        options.numThreads = 2;
        const EvaluationResult r = Evaluate(options).run(program, questions(5), exactMatch(), base);

        QList<CallStart> evalStarts;
        QList<CallEnd> evalEnds;
        QHash<QString, QString> moduleParents; // module call id -> parent
        for (const auto& [hook, s] : recorder->starts) {
            if (hook == CallbackHook::Evaluate)
                evalStarts.append(s);
            if (hook == CallbackHook::Module)
                moduleParents.insert(s.callId, s.parentCallId);
        }
        for (const auto& [hook, e] : recorder->ends) {
            if (hook == CallbackHook::Evaluate)
                evalEnds.append(e);
        }
        QCOMPARE(evalStarts.size(), 1);
        QCOMPARE(evalEnds.size(), 1);
        QCOMPARE(evalStarts[0].instance, QStringLiteral("Evaluate"));
        QCOMPARE(evalStarts[0].inputs.value(u"devset"), Value(5));
        QCOMPARE(evalStarts[0].inputs.value(u"metric"), Value("answer_exact_match"));
        QCOMPARE(evalEnds[0].callId, evalStarts[0].callId);
        QCOMPARE(evalEnds[0].callId, r.callId);
        QCOMPARE(evalEnds[0].outputs.toObject().value(u"score"), Value(100.0));
        // Each example's program call hangs off its own trace id.
        QCOMPARE(moduleParents.size(), 5);
        QSet<QString> parents(moduleParents.cbegin(), moduleParents.cend());
        QSet<QString> traceIds;
        for (const EvaluationRow& row : r.results)
            traceIds.insert(row.traceId);
        QCOMPARE(parents, traceIds);
    }

    void savesResultsLikeDspy()
    {
        QList<Example> devset{
            Example{{"question", "Where, exactly?"}, {"answer", "Paris"}}.withInputs(
                {QStringLiteral("question")}),
            Example{{"question", "Say \"hi\""}, {"answer", "hi"}}.withInputs(
                {QStringLiteral("question")}),
            Example{{"question", "fail"}, {"answer", "x"}}.withInputs(
                {QStringLiteral("question")})};
        auto lm = ScriptedLM::bySubstring(
            {{QStringLiteral("Where"),
              Object{{"answer", "paris"},
                     {"note", Value()}}}, // a str field reads "None", as in DSPy
             {QStringLiteral("hi"), Object{{"answer", "hello"}, {"note", "line1\nline2"}}},
             {QStringLiteral("fail"), Object{{"nothing", "here"}}}});
        Predict program(Signature::fromString(u"question -> answer, note"));
        EvaluateOptions options;
        options.numThreads = 1;
        const EvaluationResult r =
            Evaluate(options).run(program, devset, exactMatch(), RunContext(lm));
        QCOMPARE(r.errors, qsizetype(1)); // the third answer does not parse

        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("r.json"));
        const QString csv = dir.filePath(QStringLiteral("r.csv"));
        QVERIFY(r.saveResultsJson(json));
        QVERIFY(r.saveResultsCsv(csv));
        // (Plain literals: moc misreads a raw string holding \".)
        QCOMPARE(readAll(json),
                 QStringLiteral(
                     "[{\"question\": \"Where, exactly?\", \"example_answer\": \"Paris\", "
                     "\"pred_answer\": \"paris\", \"note\": \"None\", \"answer_exact_match\": "
                     "true}, {\"question\": \"Say \\\"hi\\\"\", \"example_answer\": \"hi\", "
                     "\"pred_answer\": \"hello\", \"note\": \"line1\\nline2\", "
                     "\"answer_exact_match\": false}, {\"question\": \"fail\", \"answer\": "
                     "\"x\", \"answer_exact_match\": 0.0}]"));
        QCOMPARE(readAll(csv),
                 QStringLiteral("question,example_answer,pred_answer,note,answer_exact_match,"
                                "answer\r\n"
                                "\"Where, exactly?\",Paris,paris,None,True,\r\n"
                                "\"Say \"\"hi\"\"\",hi,hello,\"line1\nline2\",False,\r\n"
                                "fail,,,,0.0,x\r\n"));
        QVERIFY(!r.saveResultsJson(dir.filePath(QStringLiteral("missing/dir/r.json"))));
    }
};

QTEST_GUILESS_MAIN(TestEvaluate)
#include "tst_evaluate.moc"
