// RunManager: Predict and Evaluate jobs on worker threads against the simulated LM, their signals
// on the caller's thread, coalesced progress, cancellation, the trace store runs and the session
// statistics.

#include "datasets/samples.h"
#include "evaluate/metrics.h"
#include "modules/predict.h"
#include "runtime/runmanager.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cmath>

using namespace dspy;

namespace {

RunRequest arithmeticRequest(bool cache = false)
{
    RunRequest r;
    r.name = QStringLiteral("arithmetic");
    r.program = std::make_shared<Predict>(*samples::signature(QStringLiteral("arithmetic")));
    r.lm.model = QStringLiteral("lmsim/sim");
    r.lm.cache = cache;
    return r;
}

QList<Example> arithmetic(int n)
{
    return samples::load(QStringLiteral("arithmetic"))->mid(0, n);
}

// Takes a few milliseconds an example, so that a run is still going when it is cancelled.
class Slow final : public Module
{
public:
    explicit Slow(std::shared_ptr<Module> inner)
        : m_inner(std::move(inner))
    {}
    Prediction forward(const Example& inputs, RunContext& ctx) override
    {
        QThread::msleep(5);
        return (*m_inner)(inputs, ctx);
    }
    std::unique_ptr<Module> clone() const override
    {
        return std::make_unique<Slow>(std::shared_ptr<Module>(m_inner->clone()));
    }
    QList<NamedPredictor> namedPredictors() override { return m_inner->namedPredictors(); }

private:
    std::shared_ptr<Module> m_inner;
};

} // namespace

class TestRunManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void predictRunsOnAWorkerAndReportsOnTheCallersThread()
    {
        RunManager manager;
        QSignalSpy finished(&manager, &RunManager::predictFinished);
        QSignalSpy runFinished(&manager, &RunManager::runFinished);
        const Example example = arithmetic(1).first();
        const QString id = manager.predict(arithmeticRequest(), example.inputs());
        QVERIFY(!id.isEmpty());
        QVERIFY(manager.isRunning(id));
        QCOMPARE(manager.runningCount(), 1);
        QVERIFY(finished.wait(20000));
        const auto outcome = finished.first().first().value<PredictOutcome>();
        QCOMPARE(outcome.runId, id);
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QCOMPARE(outcome.prediction.get(u"answer"), example.get(u"answer"));
        QCOMPARE(outcome.trace.size(), 1);
        QVERIFY(!outcome.trace.first().messages.isEmpty());
        QCOMPARE(runFinished.size(), 1);
        QCOMPARE(runFinished.first().at(1).toString(), QStringLiteral("finished"));
        QVERIFY(!manager.isRunning(id));
    }

    void aBadProfileFailsTheRunWithTheReason()
    {
        RunManager manager;
        QSignalSpy runFinished(&manager, &RunManager::runFinished);
        RunRequest request = arithmeticRequest();
        request.lm.model = QStringLiteral("nosuchprovider/x");
        manager.predict(request, arithmetic(1).first().inputs());
        QVERIFY(runFinished.wait(20000));
        QCOMPARE(runFinished.first().at(1).toString(), QStringLiteral("failed"));
        QVERIFY2(runFinished.first().at(2).toString().contains(QStringLiteral("nosuchprovider")),
                 qPrintable(runFinished.first().at(2).toString()));
    }

    void evaluateReportsProgressAndTheResult()
    {
        RunManager manager;
        QSignalSpy progress(&manager, &RunManager::progressChanged);
        QSignalSpy finished(&manager, &RunManager::evaluationFinished);
        const QString id = manager.evaluate(arithmeticRequest(), arithmetic(60),
                                            *builtinMetric(QStringLiteral("exact_match")));
        QVERIFY(finished.wait(30000));
        const auto result = finished.first().at(1).value<EvaluationResult>();
        QCOMPARE(finished.first().at(0).toString(), id);
        QCOMPARE(result.results.size(), 60);
        QCOMPARE(result.completed, 60);
        double sum = 0;
        for (const EvaluationRow& row : result.results)
            sum += row.score;
        QCOMPARE(result.score, std::round(10000.0 * sum / 60) / 100);
        QVERIFY(!progress.isEmpty());
        const auto last = progress.last().at(1).value<EvaluationProgress>();
        QVERIFY(last.finished);
        QCOMPARE(last.done, 60);
        // Progress is re-emitted only when a worker reported something new.
        for (const auto& args : progress)
            QCOMPARE(args.at(0).toString(), id);
    }

    void cancelStopsAnEvaluation()
    {
        RunManager manager;
        QSignalSpy finished(&manager, &RunManager::evaluationFinished);
        QSignalSpy runFinished(&manager, &RunManager::runFinished);
        RunRequest request = arithmeticRequest();
        request.program = std::make_shared<Slow>(request.program);
        const QString id = manager.evaluate(request, arithmetic(600),
                                            *builtinMetric(QStringLiteral("exact_match")));
        manager.cancel(id);
        QVERIFY(finished.wait(30000));
        const auto result = finished.first().at(1).value<EvaluationResult>();
        QVERIFY(result.aborted);
        QVERIFY(result.notStarted > 0);
        QCOMPARE(runFinished.first().at(1).toString(), QStringLiteral("cancelled"));
    }

    void runsAreRecordedInTheTraceStore()
    {
        QTemporaryDir dir;
        auto store = TraceStore::open(dir.filePath(QStringLiteral("t.sqlite")));
        QVERIFY2(store, qPrintable(store ? QString() : store.error()));
        RunManager manager;
        manager.setTraceStore(*store);
        QSignalSpy finished(&manager, &RunManager::runFinished);
        const QString predictId =
            manager.predict(arithmeticRequest(), arithmetic(1).first().inputs());
        const QString evalId = manager.evaluate(arithmeticRequest(), arithmetic(5),
                                                *builtinMetric(QStringLiteral("exact_match")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QVERIFY((*store)->flush());

        const auto run = (*store)->run(predictId);
        QVERIFY(run && run->has_value());
        QCOMPARE((*run)->kind, QStringLiteral("predict"));
        QCOMPARE((*run)->status, QStringLiteral("finished"));
        const auto spans = (*store)->spansForExample(predictId, 0);
        QVERIFY(spans && !spans->isEmpty());
        bool sawLm = false;
        for (const Span& s : *spans)
            sawLm = sawLm || s.kind == CallbackHook::LM;
        QVERIFY(sawLm);

        const auto counts = (*store)->counts(evalId);
        QVERIFY(counts);
        QCOMPARE(counts->examples, 5);
        QCOMPARE(counts->lmCalls, 5);
    }

    void sessionStatisticsCountCallsAndCacheHits()
    {
        RunManager manager;
        QSignalSpy finished(&manager, &RunManager::runFinished);
        QSignalSpy stats(&manager, &RunManager::statsChanged);
        const Example inputs = arithmetic(3).last().inputs();
        manager.predict(arithmeticRequest(true), inputs);
        QVERIFY(finished.wait(20000));
        manager.predict(arithmeticRequest(true), inputs);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
        const SessionSnapshot s = manager.sessionStats()->snapshot();
        QCOMPARE(s.calls, 2);
        QVERIFY(s.cacheHits >= 1);
        QCOMPARE(s.inFlight, 0);
        QVERIFY(s.promptTokens + s.completionTokens > 0 || s.cacheHits == 2);
        QVERIFY(!stats.isEmpty());
        QCOMPARE(stats.last().first().value<SessionSnapshot>(), s);
    }
};

QTEST_GUILESS_MAIN(TestRunManager)
#include "tst_runmanager.moc"
