#pragma once

// Parallel — DSPy's dspy.Parallel (dspy.md §3.7) and Module.batch(): (module, example) pairs run on
// a bounded pool of num_threads threads; results come back in input order. A pair whose module
// call throws gives a null entry (DSPy's None), optionally with its example and error
// (return_failed_examples) and the exception chain (provide_traceback). When the errors reach
// max_errors the rest is cancelled: pairs not started never start and LM calls in flight are
// aborted through the cancellation token (DSPy then raises; like Evaluate we return what finished
// and say so). Cancelling the base context's token does the same.
//
// Each pair's module is called through Module::operator() with a child of the base context whose
// cancellation token is the run's; an Example is passed as example.inputs() when it has input
// keys (DSPy's module(**example.inputs())), else whole. One module may appear in many pairs: it is
// then called concurrently, which Predict and the built-in modules allow.

#include "modules/module.h"

#include <optional>

namespace dspy {

struct ParallelOptions
{
    int numThreads = 8;                // DSPy: settings.num_threads (8)
    int maxErrors = 10;                // DSPy: settings.max_errors (10)
    bool returnFailedExamples = false; // fill failedExamples / exceptions
    bool provideTraceback = false;     // errors carry the exception chain
};

struct ParallelResult
{
    QList<std::optional<Prediction>> results; // input order; nullopt: failed or never ran
    // With returnFailedExamples: the failed pairs' examples, indices and errors, in input order.
    QList<Example> failedExamples;
    QList<qsizetype> failedIndices;
    QStringList exceptions;
    qsizetype errors = 0;
    bool maxErrorsReached = false;
    bool cancelled = false; // max_errors or the base context stopped the run
    QString abortReason;    // "Execution cancelled due to errors or interruption." (DSPy's text)
};

class Parallel
{
public:
    explicit Parallel(ParallelOptions options = {});
    const ParallelOptions& options() const { return m_options; }

    // Blocks until every pair is done or the run is cancelled. The modules must outlive the call.
    ParallelResult run(const QList<std::pair<Module*, Example>>& pairs,
                       const RunContext& base = {}) const;
    // Module.batch(examples): every example through one module.
    ParallelResult batch(Module& module, const QList<Example>& examples,
                         const RunContext& base = {}) const;

private:
    ParallelOptions m_options;
};

} // namespace dspy
