#pragma once

// Batcher — the port of DSPy's Unbatchify (dspy/utils/unbatchify.py). Callers submit single items
// from any thread; a worker thread collects them and runs the batch function once the batch is full
// (maxBatchSize) or maxWaitMs after the oldest pending item arrived (a QTimer on the worker), then
// answers every submitter through its own promise.
//
// Differences from Unbatchify, on purpose:
// - the queue is bounded (maxPending): a producer beyond it waits up to overflowWaitMs for room,
//   then its item is dropped (the future fails with BatcherError::Kind::Dropped and droppedCount()
//   grows). overflowWaitMs = 0 drops at once, < 0 waits as long as it takes;
// - shutdown() drains: every item accepted before it is processed, then the thread stops;
//   cancel() fails the pending items with Kind::Cancelled (a batch already running completes);
// - the batch function reports one error for the whole batch as a value (or by throwing); only that
//   batch's submitters see it.
// Submitting after shutdown()/cancel() fails at once with Kind::Closed.

#include "runtime/expected.h"

#include <QFuture>
#include <QList>
#include <QPromise>
#include <QString>

#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace dspy {

class BatcherError : public std::runtime_error
{
public:
    enum class Kind { BatchFailed, Cancelled, Closed, Dropped };
    BatcherError(Kind kind, const QString& message)
        : std::runtime_error(message.toStdString())
        , m_kind(kind)
        , m_message(message)
    {}
    Kind kind() const { return m_kind; }
    const QString& message() const { return m_message; }

private:
    Kind m_kind;
    QString m_message;
};

struct BatcherOptions
{
    int maxBatchSize = 32;
    int maxWaitMs = 100;     // Unbatchify's max_wait_time (0.1 s)
    int maxPending = 100000; // queued items not yet in a running batch
    int overflowWaitMs = -1; // how long a producer waits for room when the queue is full
    QString threadName = QStringLiteral("dspy-batcher");
    // Runs on the worker thread just before it stops (after the drain), e.g. to close a database
    // connection that belongs to that thread.
    std::function<void()> onWorkerExit;
};

namespace detail {

struct BatchEntry
{
    virtual ~BatchEntry() = default;
    virtual void fail(const BatcherError& error) = 0;
    qint64 enqueuedNs = 0;
};
using BatchEntryPtr = std::unique_ptr<BatchEntry>;

// The type-erased worker: queue, thread, timer, drain and cancel.
class BatcherCore
{
public:
    using Process = std::function<void(std::vector<BatchEntryPtr>&)>;
    BatcherCore(BatcherOptions options, Process process);
    ~BatcherCore();

    // Fails the entry itself (closed, dropped) when it is not accepted.
    bool enqueue(BatchEntryPtr entry);
    void processNow();
    void shutdown();
    void cancel();
    bool isClosed() const;
    qsizetype pendingCount() const;
    qint64 droppedCount() const;
    qint64 batchCount() const;

    struct Private;

private:
    std::unique_ptr<Private> d;
};

} // namespace detail

template <typename T, typename R> class Batcher
{
public:
    // Either one result per item, in the items' order, or one error for the whole batch.
    using BatchResult = Expected<QList<R>, QString>;
    using BatchFn = std::function<BatchResult(QList<T>)>;

    Batcher(BatchFn fn, BatcherOptions options = {})
        : m_core(std::move(options),
                 [fn = std::move(fn)](std::vector<detail::BatchEntryPtr>& batch) {
                     runBatch(fn, batch);
                 })
    {}
    // Drains like shutdown().
    ~Batcher() = default;
    Batcher(const Batcher&) = delete;
    Batcher& operator=(const Batcher&) = delete;

    // The future holds the item's result or a BatcherError (rethrown by result()).
    QFuture<R> submit(T item)
    {
        auto entry = std::make_unique<Entry>();
        entry->item = std::move(item);
        entry->promise.emplace();
        entry->promise->start();
        QFuture<R> future = entry->promise->future();
        m_core.enqueue(std::move(entry));
        return future;
    }

    // Fire and forget: no promise is made (cheaper). False when the item was dropped or the
    // batcher is closed.
    bool post(T item)
    {
        auto entry = std::make_unique<Entry>();
        entry->item = std::move(item);
        return m_core.enqueue(std::move(entry));
    }

    // Process what is pending now instead of waiting for the timer.
    void processNow() { m_core.processNow(); }
    // Processes every accepted item, then stops the worker. Blocks until done (unless called
    // from the batch function itself, which only closes the batcher).
    void shutdown() { m_core.shutdown(); }
    // Fails the pending items, lets a running batch finish, then stops the worker.
    void cancel() { m_core.cancel(); }
    bool isClosed() const { return m_core.isClosed(); }
    qsizetype pendingCount() const { return m_core.pendingCount(); }
    qint64 droppedCount() const { return m_core.droppedCount(); }
    qint64 batchCount() const { return m_core.batchCount(); }

private:
    struct Entry : detail::BatchEntry
    {
        T item;
        std::optional<QPromise<R>> promise;
        void fail(const BatcherError& error) override
        {
            if (!promise)
                return;
            promise->setException(std::make_exception_ptr(error));
            promise->finish();
        }
        void succeed(R value)
        {
            if (!promise)
                return;
            promise->addResult(std::move(value));
            promise->finish();
        }
    };

    static void runBatch(const BatchFn& fn, std::vector<detail::BatchEntryPtr>& batch)
    {
        QList<T> items;
        items.reserve(qsizetype(batch.size()));
        for (detail::BatchEntryPtr& e : batch)
            items.append(std::move(static_cast<Entry*>(e.get())->item));
        std::optional<BatchResult> result;
        QString error;
        try {
            result.emplace(fn(std::move(items)));
        } catch (const std::exception& ex) {
            error = QStringLiteral("batch function threw: %1").arg(QString::fromUtf8(ex.what()));
        } catch (...) {
            error = QStringLiteral("batch function threw an unknown exception");
        }
        if (result && !result->hasValue())
            error = result->error();
        else if (result && qsizetype(result->value().size()) != qsizetype(batch.size()))
            error = QStringLiteral("batch function returned %1 results for %2 items")
                        .arg(result->value().size())
                        .arg(batch.size());
        if (!error.isEmpty()) {
            const BatcherError e(BatcherError::Kind::BatchFailed, error);
            for (detail::BatchEntryPtr& entry : batch)
                entry->fail(e);
            return;
        }
        QList<R>& values = result->value();
        for (size_t i = 0; i < batch.size(); ++i)
            static_cast<Entry*>(batch[i].get())->succeed(std::move(values[qsizetype(i)]));
    }

    detail::BatcherCore m_core;
};

} // namespace dspy
