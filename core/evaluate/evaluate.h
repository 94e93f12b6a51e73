#pragma once

// Evaluate — DSPy's dspy.Evaluate (dspy.md §7): runs a program over a devset on a bounded pool,
// scores each prediction with a metric and reports score = round(100 * sum / n, 2).
//
// - The program is called concurrently on one instance (as DSPy does): Predict and ChainOfThought
//   are safe for that. Each example runs with a child of the base RunContext whose parentCallId
//   is a fresh call id (the example's traceId) and whose cancellation is the run's.
// - A program or metric exception makes the example an error scored failureScore. When errors
//   reach maxErrors the run aborts: examples not started never start, in-flight LM calls are
//   aborted through the cancellation token, and the result says so (DSPy raises instead; we keep
//   the partial results). cancel() does the same at any time, as does cancelling the base
//   context's token.
// - Progress events (done/total, errors, running score, rates) are throttled to ~30 per second;
//   the last one has finished = true and counts every example.
// - The CallbackHook::Evaluate start/end hooks fire around the whole run.

#include "evaluate/metric.h"
#include "lm/pricing.h"
#include "modules/module.h"

#include <QFuture>
#include <QObject>

#include <functional>
#include <memory>

namespace dspy {

struct EvaluationProgress
{
    qsizetype done = 0; // finished examples, errors included
    qsizetype total = 0;
    qsizetype errors = 0;
    double scoreSum = 0;     // metric scores so far (failures count failureScore)
    double runningScore = 0; // 100 * scoreSum / done
    double examplesPerSecond = 0;
    double callsPerSecond = 0; // LM calls that reported usage (cache hits and free LMs report none)
    qint64 elapsedMs = 0;
    bool finished = false;
};

struct EvaluateOptions
{
    int numThreads = 8;            // DSPy: settings.num_threads (8)
    int maxErrors = 10;            // DSPy: settings.max_errors (10)
    double failureScore = 0.0;     // the score of an example that raised
    bool provideTraceback = false; // errors carry the exception chain and the failing stage
    bool displayProgress = false;  // DSPy's tqdm bar: a line on stderr ("Average Metric: ...")
    // Called with each (throttled) progress event, on a worker thread or the calling thread.
    std::function<void(const EvaluationProgress&)> onProgress;
};

struct EvaluationRow
{
    enum class Status {
        Ok,         // program and metric ran
        Error,      // the program or the metric raised
        Cancelled,  // was running when the run was cancelled
        NotStarted, // the run was cancelled before it started
    };

    qsizetype index = 0;
    Example example;
    Prediction prediction; // empty unless the program returned
    Value metricValue;     // what the metric returned; failureScore otherwise
    double score = 0;      // metricScore(metricValue)
    Status status = Status::NotStarted;
    QString error;     // "LMServerError: ...", empty when Ok
    QString traceback; // with provideTraceback: the stage and the exception chain
    QString traceId;   // the parent call id of this example's program call
};

struct EvaluationResult
{
    double score = 0; // round(100 * sum / n, 2), every example counted (failures: failureScore)
    QList<EvaluationRow> results; // in devset order
    QString metricName;
    qsizetype total = 0;
    qsizetype completed = 0; // Status::Ok
    qsizetype errors = 0;
    qsizetype cancelled = 0;
    qsizetype notStarted = 0;
    bool aborted = false; // stopped by maxErrors or cancellation
    QString abortReason;  // "Execution cancelled due to errors or interruption." (DSPy's text)
    bool maxErrorsReached = false;
    QHash<QString, UsageTracker::Entry> usage; // per model
    double totalCost = 0;
    qint64 elapsedMs = 0;
    QString callId; // the Evaluate callback call id (empty when no callback listened)

    // DSPy's save_as_json / save_as_csv: one row per example, the example's fields then the
    // prediction's (a key in both becomes example_<k> and pred_<k>), then the metric name's
    // column holding the metric's value.
    Array rows() const;
    Expected<void, QString> saveResultsJson(const QString& path) const;
    // csv.DictWriter layout: header, CRLF line ends, minimal quoting, values as Python's str()
    // (None as an empty cell). Columns: the union of the rows' keys in first-seen order (DSPy
    // takes the first row's keys and fails on others).
    Expected<void, QString> saveResultsCsv(const QString& path) const;
    // {"score", "total", "completed", "errors", "cancelled", "not_started", "aborted",
    //  "tokens": {...}, "cost", "elapsed_ms"}
    Object summary() const;
};

class EvaluationRun;

class Evaluate
{
public:
    explicit Evaluate(EvaluateOptions options = {});
    const EvaluateOptions& options() const { return m_options; }

    // Blocks until every example is done (or the run is cancelled). Call from a worker thread
    // in a GUI; `program` and `metric` must outlive the call.
    EvaluationResult run(Module& program, const QList<Example>& devset, const Metric& metric,
                         const RunContext& base = {}) const;

    // A run not started yet: connect to its signals, then call EvaluationRun::start(). The
    // program must outlive the run (the future finishing); the metric and devset are copied.
    std::shared_ptr<EvaluationRun> prepare(Module& program, QList<Example> devset, Metric metric,
                                           RunContext base = {}) const;
    // prepare() and start() in one, for callers that only poll progress() and the future.
    std::shared_ptr<EvaluationRun> start(Module& program, QList<Example> devset, Metric metric,
                                         RunContext base = {}) const;

private:
    EvaluateOptions m_options;
};

// A started evaluation: cancel it, watch its progress, wait for its result.
class EvaluationRun : public QObject
{
    Q_OBJECT
public:
    ~EvaluationRun() override;

    // Runs the evaluation on a thread of its own; returns at once. Later calls do nothing.
    QFuture<EvaluationResult> start();
    // Valid once started.
    QFuture<EvaluationResult> future() const { return m_future; }
    // Waits for the run (blocks the calling thread).
    EvaluationResult result() const;
    void cancel();
    bool isCancelled() const;
    EvaluationProgress progress() const;

Q_SIGNALS:
    // Emitted from worker threads: connect with a queued connection (the default across
    // threads) to update a GUI.
    void progressChanged(const dspy::EvaluationProgress& progress);
    void finished();

public:
    struct State; // the run's shared state (evaluate.cpp)

private:
    friend class Evaluate;
    explicit EvaluationRun(std::shared_ptr<State> state);
    std::shared_ptr<State> m_state;
    std::function<EvaluationResult()> m_job; // until started
    QFuture<EvaluationResult> m_future;
};

// The chain of a caught exception, outermost first: "LMServerError: ..." lines, with the nested
// ones (std::throw_with_nested) after "caused by: ".
QStringList exceptionChain(std::exception_ptr e);

} // namespace dspy

Q_DECLARE_METATYPE(dspy::EvaluationProgress)
