#pragma once
// RunManager — runs Predict and Evaluate jobs on worker threads for a GUI (or any event loop).
//
// Every call returns at once with the run's id; the work (building the LM, the program call, the
// evaluation) happens on the manager's own thread pool, so the caller's thread never waits on
// I/O. The manager lives on the caller's thread and re-emits what short-lived jobs do as its own
// signals (views connect once): progress and session statistics are polled from the workers'
// shared state by one timer, at most kMaxUpdatesPerSecond times a second, however fast the
// workers go. cancel() aborts a run: pending examples never start, LM calls in flight are
// aborted through the run's cancellation token.
//
// With a trace store set, every run is a trace-store run and every module, adapter and LM call a
// span, filed by example (Predict runs: example 0).
#include "evaluate/evaluate.h"
#include "lm/lmconfig.h"
#include "runtime/sessionstats.h"
#include "trace/tracestore.h"

#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

namespace dspy {

// What to run a job with.
struct RunRequest
{
    QString name; // shown in run lists and stored in the trace store
    std::shared_ptr<Module> program;
    LMConfig lm;
    std::shared_ptr<const PriceTable> prices;   // nullptr: no cost
    std::shared_ptr<const SecretStore> secrets; // nullptr: environment variables
    AdapterPtr adapter;                         // nullptr: ChatAdapter
    // LM profiles by name that graph nodes may pick (settings "lm"); built on the worker like
    // `lm`, with the same callbacks, prices and usage (RunContext::namedLMs).
    QHash<QString, LMConfig> namedLMs;
};

struct PredictOutcome
{
    QString runId;
    Example inputs;
    Prediction prediction;
    QString error;            // empty on success
    QList<TraceRecord> trace; // the predictor calls, with their messages and raw completions
    QString rootCallId;       // the program call's parent: spans of this call hang below it
    qint64 elapsedMs = 0;
    bool cancelled = false;
};

class RunManager final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxUpdatesPerSecond = 30;

    explicit RunManager(QObject* parent = nullptr);
    // Cancels every run and waits for the workers to return.
    ~RunManager() override;

    void setTraceStore(TraceStorePtr store) { m_store = std::move(store); }
    // The price table of requests that bring none (the workbench's: the defaults with each LM
    // profile's own prices). Set and read on the manager's thread; runs keep the table they
    // started with.
    void setPrices(std::shared_ptr<const PriceTable> prices) { m_prices = std::move(prices); }
    const std::shared_ptr<const PriceTable>& prices() const { return m_prices; }
    const TraceStorePtr& traceStore() const { return m_store; }
    const std::shared_ptr<SessionStats>& sessionStats() const { return m_stats; }

    QString predict(RunRequest request, Example inputs);
    QString evaluate(RunRequest request, QList<Example> devset, Metric metric,
                     EvaluateOptions options = {});

    void cancel(const QString& runId);
    void cancelAll();
    bool isRunning(const QString& runId) const { return m_jobs.contains(runId); }
    int runningCount() const { return int(m_jobs.size()); }
    // The latest progress of a running evaluation (a default value for other ids).
    EvaluationProgress progress(const QString& runId) const;

    // Blocks until every run has finished (for tests and shutdown, never in a GUI handler).
    void waitForAll();

Q_SIGNALS:
    void runStarted(const QString& runId, const QString& kind, const QString& name);
    void progressChanged(const QString& runId, const dspy::EvaluationProgress& progress);
    void predictFinished(const dspy::PredictOutcome& outcome);
    void evaluationFinished(const QString& runId, const dspy::EvaluationResult& result);
    // status: "finished", "cancelled" or "failed" (error says why)
    void runFinished(const QString& runId, const QString& status, const QString& error);
    void statsChanged(const dspy::SessionSnapshot& snapshot);
    void runningCountChanged(int running);

private:
    struct Job;
    QString start(const QString& kind, const RunRequest& request, std::shared_ptr<Job> job);
    void flush();
    void finish(const QString& runId);

    QThreadPool m_pool;
    QTimer m_timer;
    TraceStorePtr m_store;
    std::shared_ptr<const PriceTable> m_prices;
    std::shared_ptr<SessionStats> m_stats;
    std::shared_ptr<CallbackRegistry> m_statsCallbacks;
    QHash<QString, std::shared_ptr<Job>> m_jobs;
    SessionSnapshot m_lastStats;
};

} // namespace dspy

Q_DECLARE_METATYPE(dspy::PredictOutcome)
Q_DECLARE_METATYPE(dspy::EvaluationResult)
Q_DECLARE_METATYPE(dspy::SessionSnapshot)
