// Parallel / Module.batch (dspy.md §3.7): results in input order, at most num_threads pairs at a
// time, failures as null entries (with examples, indices and errors when asked), max_errors
// cancelling the rest, Example inputs passed as example.inputs(), base-context cancellation.

#include "lm/scriptedlm.h"
#include "modules/parallel.h"
#include "modules/predict.h"

#include <QMutex>
#include <QTest>
#include <QWaitCondition>

#include <atomic>

using namespace dspy;

namespace {

// Shared by every call of an EchoModule: concurrency bookkeeping and a gate.
struct Probe
{
    QMutex mutex;
    QWaitCondition changed;
    int active = 0;
    int peak = 0;
    int started = 0;
    int gate = 0; // a call waits (up to 5 s) until `gate` calls have started
    std::atomic<int> calls{0};
    QList<Object> seen;
};

// Answers {"echo": <n>, "keys": <input keys>}; throws for n in `failOn`.
class EchoModule final : public Module
{
public:
    EchoModule(std::shared_ptr<Probe> probe, QList<qint64> failOn = {})
        : m_probe(std::move(probe))
        , m_failOn(std::move(failOn))
    {}
    Prediction forward(const Example& inputs, RunContext& ctx) override
    {
        ++m_probe->calls;
        {
            QMutexLocker lock(&m_probe->mutex);
            ++m_probe->active;
            ++m_probe->started;
            m_probe->peak = std::max(m_probe->peak, m_probe->active);
            m_probe->seen.append(inputs.toObject());
            m_probe->changed.wakeAll();
            QDeadlineTimer deadline(5000);
            while (m_probe->started < m_probe->gate && !ctx.isCancelled()) {
                if (!m_probe->changed.wait(&m_probe->mutex, deadline))
                    break;
            }
        }
        const qint64 n = inputs.get(u"n").toInt();
        struct Leave
        {
            Probe* p;
            ~Leave()
            {
                QMutexLocker lock(&p->mutex);
                --p->active;
            }
        } leave{m_probe.get()};
        if (m_failOn.contains(n)) {
            try {
                throw std::runtime_error("inner cause");
            } catch (...) {
                std::throw_with_nested(
                    std::invalid_argument(QStringLiteral("no luck with %1").arg(n).toStdString()));
            }
        }
        Prediction p;
        p.set(QStringLiteral("echo"), Value(n));
        Array keys;
        for (const QString& k : inputs.keys())
            keys.append(Value(k));
        p.set(QStringLiteral("keys"), Value(keys));
        return p;
    }
    std::unique_ptr<Module> clone() const override
    {
        return std::make_unique<EchoModule>(m_probe, m_failOn);
    }
    QList<NamedPredictor> namedPredictors() override { return {}; }

private:
    std::shared_ptr<Probe> m_probe;
    QList<qint64> m_failOn;
};

QList<Example> numbers(int count)
{
    QList<Example> out;
    for (int i = 0; i < count; ++i)
        out.append(Example{{QStringLiteral("n"), Value(i)}});
    return out;
}

} // namespace

class TstParallel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resultsComeBackInInputOrder()
    {
        auto probe = std::make_shared<Probe>();
        EchoModule module(probe);
        Parallel parallel(ParallelOptions{4, 10, false, false});
        const ParallelResult r = parallel.batch(module, numbers(40));
        QCOMPARE(r.results.size(), 40);
        for (int i = 0; i < 40; ++i) {
            QVERIFY(r.results[i].has_value());
            QCOMPARE(r.results[i]->get(u"echo"), Value(i));
        }
        QCOMPARE(r.errors, 0);
        QVERIFY(!r.cancelled);
        QVERIFY(!r.maxErrorsReached);
        QVERIFY(r.abortReason.isEmpty());
        QCOMPARE(probe->calls.load(), 40);
    }

    void atMostNumThreadsAtATime()
    {
        // Every call waits until three have started: with three threads they all get there (peak
        // 3); a pool running more at once would show a higher peak.
        auto probe = std::make_shared<Probe>();
        probe->gate = 3;
        EchoModule module(probe);
        Parallel parallel(ParallelOptions{3, 10, false, false});
        const ParallelResult r = parallel.batch(module, numbers(12));
        QCOMPARE(r.errors, 0);
        QCOMPARE(probe->peak, 3);

        auto single = std::make_shared<Probe>();
        EchoModule one(single);
        Parallel serial(ParallelOptions{1, 10, false, false});
        serial.batch(one, numbers(8));
        QCOMPARE(single->peak, 1);
        // One thread: the pairs run in input order.
        for (int i = 0; i < 8; ++i)
            QCOMPARE(single->seen[i].value(u"n"), Value(i));
    }

    void failuresAreNullAndReported()
    {
        auto probe = std::make_shared<Probe>();
        EchoModule module(probe, {2, 5});
        ParallelOptions options{2, 10, true, false};
        const ParallelResult r = Parallel(options).batch(module, numbers(7));
        QCOMPARE(r.results.size(), 7);
        for (int i = 0; i < 7; ++i)
            QCOMPARE(r.results[i].has_value(), i != 2 && i != 5);
        QCOMPARE(r.errors, 2);
        QCOMPARE(r.failedIndices, (QList<qsizetype>{2, 5}));
        QCOMPARE(r.failedExamples.size(), 2);
        QCOMPARE(r.failedExamples[1].get(u"n"), Value(5));
        QCOMPARE(r.exceptions, (QStringList{"std::invalid_argument: no luck with 2",
                                            "std::invalid_argument: no luck with 5"}));
        QVERIFY(!r.cancelled);

        // provide_traceback: the nested causes too.
        options.provideTraceback = true;
        const ParallelResult t = Parallel(options).batch(module, numbers(3));
        QCOMPARE(
            t.exceptions,
            (QStringList{
                "std::invalid_argument: no luck with 2\n  caused by: std::runtime_error: inner "
                "cause"}));

        // Without return_failed_examples: counted, not listed.
        const ParallelResult quiet =
            Parallel(ParallelOptions{2, 10, false, false}).batch(module, numbers(7));
        QCOMPARE(quiet.errors, 2);
        QVERIFY(quiet.failedExamples.isEmpty());
        QVERIFY(quiet.exceptions.isEmpty());
    }

    void maxErrorsCancelsTheRest()
    {
        auto probe = std::make_shared<Probe>();
        QList<qint64> all;
        for (int i = 0; i < 10; ++i)
            all.append(i);
        EchoModule module(probe, all);
        const ParallelResult r =
            Parallel(ParallelOptions{1, 3, true, false}).batch(module, numbers(10));
        QCOMPARE(r.errors, 3);
        QVERIFY(r.maxErrorsReached);
        QVERIFY(r.cancelled);
        QCOMPARE(r.abortReason,
                 QStringLiteral("Execution cancelled due to errors or interruption."));
        QCOMPARE(probe->calls.load(), 3); // one thread: the pairs after the third never start
        QCOMPARE(r.failedIndices, (QList<qsizetype>{0, 1, 2}));
        QCOMPARE(r.results.size(), 10);
        for (const auto& result : r.results)
            QVERIFY(!result.has_value());
    }

    void errorsBelowMaxErrorsDoNotCancel()
    {
        auto probe = std::make_shared<Probe>();
        EchoModule module(probe, {0, 1});
        const ParallelResult r =
            Parallel(ParallelOptions{2, 3, false, false}).batch(module, numbers(6));
        QCOMPARE(r.errors, 2);
        QVERIFY(!r.maxErrorsReached);
        QVERIFY(!r.cancelled);
        QCOMPARE(probe->calls.load(), 6);
    }

    void examplesPassTheirInputs()
    {
        auto probe = std::make_shared<Probe>();
        EchoModule module(probe);
        Example withInputs{{QStringLiteral("n"), Value(1)}, {QStringLiteral("label"), Value("x")}};
        withInputs = withInputs.withInputs({QStringLiteral("n")});
        const Example plain{{QStringLiteral("n"), Value(2)}, {QStringLiteral("label"), Value("y")}};
        const ParallelResult r = Parallel(ParallelOptions{1, 10, false, false})
                                     .run({{&module, withInputs}, {&module, plain}});
        // module(**example.inputs()) when the example has input keys; else the whole example.
        QCOMPARE(r.results[0]->get(u"keys"), Value(Array{Value("n")}));
        QCOMPARE(r.results[1]->get(u"keys"), Value(Array{Value("n"), Value("label")}));
    }

    void differentModulesPerPairAndANullModule()
    {
        auto a = std::make_shared<Probe>();
        auto b = std::make_shared<Probe>();
        EchoModule ma(a);
        EchoModule mb(b);
        const QList<Example> ex = numbers(3);
        const ParallelResult r = Parallel(ParallelOptions{2, 10, true, false})
                                     .run({{&ma, ex[0]}, {&mb, ex[1]}, {nullptr, ex[2]}});
        QCOMPARE(a->calls.load(), 1);
        QCOMPARE(b->calls.load(), 1);
        QCOMPARE(r.results[1]->get(u"echo"), Value(1));
        QCOMPARE(r.failedIndices, (QList<qsizetype>{2}));
        QVERIFY(r.exceptions[0].contains(u"a pair has no module"));
    }

    void baseCancellationStopsTheRun()
    {
        auto probe = std::make_shared<Probe>();
        EchoModule module(probe);
        RunContext base;
        base.cancellation = std::make_shared<CancellationToken>();
        base.cancellation->cancel();
        const ParallelResult r =
            Parallel(ParallelOptions{2, 10, false, false}).batch(module, numbers(5), base);
        QVERIFY(r.cancelled);
        QVERIFY(!r.maxErrorsReached);
        QCOMPARE(r.errors, 0);
        QCOMPARE(probe->calls.load(), 0);
        QCOMPARE(r.results.size(), 5);
    }

    void predictBatchOverOneLM()
    {
        QList<std::pair<QString, Object>> script;
        QList<Example> questions;
        for (int i = 0; i < 16; ++i) {
            const QString q = QStringLiteral("question number %1?").arg(i, 2, 10, QLatin1Char('0'));
            script.append({q, Object{{QStringLiteral("answer"), Value(QString::number(i))}}});
            questions.append(Example{{QStringLiteral("question"), Value(q)}});
        }
        auto lm = ScriptedLM::bySubstring(script);
        Predict predict(Signature::fromString(u"question -> answer"));
        RunContext base(lm);
        const ParallelResult r =
            Parallel(ParallelOptions{4, 10, false, false}).batch(predict, questions, base);
        QCOMPARE(r.errors, 0);
        for (int i = 0; i < 16; ++i)
            QCOMPARE(r.results[i]->get(u"answer"), Value(QString::number(i)));
        QCOMPARE(lm->requests().size(), 16);
    }
};

QTEST_GUILESS_MAIN(TstParallel)

#include "tst_parallel.moc"
