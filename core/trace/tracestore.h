#pragma once

// TraceStore — the spans, runs and events of a project or run directory in one SQLite file (WAL).
//
// Writes (beginRun, endRun, record, addEvent) are cheap and never touch the database on the
// caller's thread: they go through a Batcher whose worker owns the only writing connection and
// commits one transaction per batch. The queue is bounded (TraceStoreOptions::maxPending); when it
// is full a producer waits up to overflowWaitMs for room, then the write is dropped and counted
// (droppedCount()). A trace is an aid, not the result: a slow disk may cost spans, never the run.
//
// Queries are synchronous and meant for a worker thread: each opens its own read connection, so
// they run while the writer writes (WAL) and from any number of threads.
//
// Times are microseconds since the Unix epoch. A corrupt or foreign file is refused with an error,
// never overwritten.

#include "runtime/callbacks.h"
#include "runtime/expected.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace dspy {

// Kinds are the callback hooks: "module", "lm", "adapter_format", "adapter_parse", "tool",
// "evaluate", "compile".
std::optional<CallbackHook> callbackHookFromName(QStringView name);

struct Span
{
    QString id; // the call id
    QString runId;
    QString parentId;                   // empty at top level
    std::optional<qint64> exampleIndex; // none: belongs to the run, not to one example
    CallbackHook kind = CallbackHook::Module;
    QString name; // the instance, e.g. "ManagedLM(openai/gpt-4o-mini)"
    qint64 started = 0;
    qint64 ended = 0;
    QString status; // "ok" or "error"
    QString error;
    Value inputs;
    Value outputs;
    // LM spans
    QString model;
    std::optional<qint64> promptTokens;
    std::optional<qint64> completionTokens;
    std::optional<double> cost;
    bool cacheHit = false;

    bool operator==(const Span& other) const = default;
};

struct RunInfo
{
    QString id;
    QString name;
    QString kind; // "evaluate", "compile", "predict", ...
    qint64 started = 0;
    std::optional<qint64> ended;
    QString status; // "running", "finished", "cancelled", "failed"
    Value summary;  // JSON object

    bool operator==(const RunInfo& other) const = default;
};

struct TraceEvent
{
    QString runId;
    qint64 time = 0;
    QString kind;
    Value payload;

    bool operator==(const TraceEvent& other) const = default;
};

// Keyset position in a run's spans, ordered by (started, id).
struct SpanCursor
{
    qint64 started = 0;
    QString id;
    bool isStart() const { return id.isEmpty() && started == 0; }
};

struct SpanPage
{
    QList<Span> spans;
    std::optional<SpanCursor> next; // none when this page is the last
};

// A page of a run's distinct example indexes, ascending.
struct ExamplePage
{
    QList<qint64> indexes;
    std::optional<qint64> next; // the last index of this page when there are more
};

struct SpanCounts
{
    qint64 spans = 0;
    qint64 lmCalls = 0;
    qint64 errors = 0;
    qint64 cacheHits = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double cost = 0;
    qint64 examples = 0; // distinct example indexes
};

struct TraceStoreOptions
{
    int maxBatchSize = 512;
    int maxWaitMs = 50;
    int maxPending = 10000;   // queued writes; bounds the store's memory
    int overflowWaitMs = 500; // then drop and count
};

// What the trace inspector's filters ask of the store (TraceStore::search).
struct SpanQuery
{
    QString kind;               // a callback hook name ("lm", "module", ...); empty: any
    bool errorsOnly = false;    // status "error"
    bool cacheHitsOnly = false; // LM calls answered by the cache
    QString model;              // contained in the model id or the span name (any case)
    bool isEmpty() const
    {
        return kind.isEmpty() && !errorsOnly && !cacheHitsOnly && model.isEmpty();
    }
};

class TraceStore
{
public:
    static constexpr int kSchemaVersion = 1;

    // Opens or creates the file. Fails (leaving the file untouched) when it is not a SQLite
    // database, belongs to something else, or has a newer schema.
    static Expected<std::shared_ptr<TraceStore>, QString> open(const QString& path,
                                                               TraceStoreOptions options = {});
    ~TraceStore(); // writes everything pending, then closes

    QString path() const;

    // --- writes (any thread, non-blocking unless the queue is full) ---
    void beginRun(const RunInfo& run);
    void endRun(const QString& runId, qint64 ended, const QString& status,
                const Value& summary = {});
    void record(Span span);
    void addEvent(TraceEvent event);
    // Blocks until everything submitted before the call is committed; false when the store is
    // closed or a batch failed since the last flush (see lastError()).
    bool flush();

    qint64 droppedCount() const;
    qint64 writtenSpans() const;
    QString lastError() const;

    // --- queries (synchronous; a read connection per call) ---
    Expected<QList<RunInfo>, QString> runs() const;
    Expected<std::optional<RunInfo>, QString> run(const QString& runId) const;
    // Keyset paging in (started, id) order: pass the previous page's next.
    Expected<SpanPage, QString> spans(const QString& runId, const SpanCursor& after,
                                      int limit) const;
    // OFFSET paging, for jumping to a page by number (slower far from the start).
    Expected<QList<Span>, QString> spansAt(const QString& runId, qint64 offset, int limit) const;
    Expected<QList<Span>, QString> spansForExample(const QString& runId, qint64 index) const;
    Expected<std::optional<Span>, QString> span(const QString& spanId) const;
    Expected<QList<Span>, QString> children(const QString& spanId) const;
    // Full text over LM prompts and responses. Each whitespace-separated word must occur (as a
    // token prefix-free match); FTS5 operators in the text are taken literally. Best match first.
    // With a filter, only the spans it matches; empty text and a filter: the run's matching spans
    // in (started, id) order, searched in the store rather than among loaded rows.
    Expected<QList<Span>, QString> search(const QString& runId, const QString& text, int limit = 50,
                                          const SpanQuery& filter = {}) const;
    Expected<SpanCounts, QString> counts(const QString& runId) const;

    // --- the run's tree (for the trace inspector; keyset paging in (started, id) order) ---
    // Distinct example indexes of the run after `after` (none: from the start).
    Expected<ExamplePage, QString> examplePage(const QString& runId, std::optional<qint64> after,
                                               int limit) const;
    // The roots of an example (none: of the run-level spans): spans with that example index
    // whose parent is not a span of the same example.
    Expected<SpanPage, QString> rootSpans(const QString& runId, std::optional<qint64> example,
                                          const SpanCursor& after, int limit) const;
    // A span's children within its own example (a run-level span's children that belong to an
    // example are that example's roots, not listed here again).
    Expected<SpanPage, QString> childPage(const Span& parent, const SpanCursor& after,
                                          int limit) const;
    // The span's ancestors, outermost first (the span itself not included).
    Expected<QList<Span>, QString> ancestors(const QString& spanId) const;
    Expected<QList<TraceEvent>, QString> events(const QString& runId) const;

private:
    struct Private;
    explicit TraceStore(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

using TraceStorePtr = std::shared_ptr<TraceStore>;

} // namespace dspy
