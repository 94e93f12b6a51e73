#pragma once

// RunContext — passed down every call explicitly (no hidden globals): the LM and adapter to use,
// the trace being recorded, cancellation, the rollout id, the parent call id.
// A child context is cheap (shared_ptr members) and made for nested calls.

#include "adapters/adapter.h"
#include "data/example.h"
#include "lm/lm.h"

#include <QHash>
#include <QMutex>

#include <atomic>
#include <memory>

namespace dspy {

class CallbackRegistry;
class UsageTracker; // lm/pricing.h

// One predictor call, as DSPy appends (predictor, inputs, prediction) to settings.trace, plus what
// the workbench shows: the messages, the raw completions, the adapter used and any fallback.
struct TraceRecord
{
    QString predictor; // dotted path when known, else the signature string
    Object inputs;
    Prediction prediction;
    QList<ChatMessage> messages;
    QStringList rawCompletions;
    QString adapter;        // the adapter whose parse produced the prediction
    QString fallbackFrom;   // "ChatAdapter" when the JSON fallback ran
    QString fallbackReason; // why the first adapter failed
    QString error;          // set when the call failed; the prediction is then empty
};

// A bounded (FIFO, DSPy's max_trace_size = 10000), thread-safe list of TraceRecords.
class Trace
{
public:
    explicit Trace(qsizetype capacity = 10000)
        : m_capacity(capacity)
    {}
    void append(TraceRecord r);
    QList<TraceRecord> snapshot() const;
    qsizetype size() const;
    void clear();

private:
    mutable QMutex m_mutex;
    QList<TraceRecord> m_records;
    qsizetype m_capacity;
};

class CancellationToken
{
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

private:
    std::atomic_bool m_cancelled{false};
};

class Cancelled : public std::runtime_error
{
public:
    Cancelled()
        : std::runtime_error("cancelled")
    {}
};

class RunContext
{
public:
    RunContext() = default;
    RunContext(LMPtr lm, AdapterPtr adapter = {});

    LMPtr lm;                     // settings.lm
    AdapterPtr adapter;           // settings.adapter (nullptr: ChatAdapter)
    std::shared_ptr<Trace> trace; // nullptr: not recording
    std::shared_ptr<CancellationToken> cancellation;
    QString rolloutId;
    QString parentCallId;
    QString predictorPath; // set by modules for the predictor being called
    // Set by a program graph for the node it runs: the module's span is named
    // "LABEL: Instance(...)", so a node's calls can be found in the trace. Consumed by that
    // module's call (its children do not inherit it).
    QString spanLabel;
    // LMs by LM profile name, for program-graph nodes whose settings pick one ({"lm": NAME});
    // the other calls use `lm`. RunManager and dspy-run fill it from the project's profiles.
    QHash<QString, LMPtr> namedLMs;
    // Added by Brief F: callbacks of this run, fired besides the global ones (nullptr: none).
    // Modules and adapters fire them; an LM fires only its own and the global ones (an LM call
    // does not see the RunContext), so give the LM the same registry to see its hooks too.
    std::shared_ptr<CallbackRegistry> callbacks;
    // Usage and cost per model of every LM call made under this context (nullptr: not tracked).
    // Share one tracker across the calls of a run; Predict adds to it after each call.
    std::shared_ptr<UsageTracker> usage;
    // Set by the outermost Module call for its own duration: the usage of that one call, which
    // becomes its Prediction::lmUsage() (DSPy's get_lm_usage()). Leave it null.
    std::shared_ptr<UsageTracker> callUsage;

    // The adapter to use: adapter or the shared default ChatAdapter.
    const Adapter& effectiveAdapter() const;
    bool isCancelled() const { return cancellation && cancellation->isCancelled(); }
    void throwIfCancelled() const;
    RunContext child() const { return *this; }
};

} // namespace dspy
