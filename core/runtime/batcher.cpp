#include "runtime/batcher.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QTimer>
#include <QWaitCondition>

#include <atomic>
#include <chrono>

namespace dspy::detail {

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

// The worker's QObject. Wakes are queued by slot name, not as functors: the QMetaCallEvent is then
// made and read only inside QtCore, whereas a functor's captures would be written by the
// submitter and read by the worker through Qt's (uninstrumented) event queue, which
// ThreadSanitizer reports as a race because it cannot see that queue's lock.
class BatcherWorker : public QObject
{
    Q_OBJECT
public:
    explicit BatcherWorker(BatcherCore::Private* p)
        : m_p(p)
    {}

public Q_SLOTS:
    void wake();
    void exit();

private:
    BatcherCore::Private* m_p;
};

struct BatcherCore::Private
{
    BatcherOptions options;
    Process process;

    mutable QMutex mutex; // guards everything below up to the atomics
    QWaitCondition notFull;
    std::deque<BatchEntryPtr> queue;
    bool closed = false;
    bool wakePosted = false;
    bool flushAll = false;
    bool exitPosted = false;
    bool workerDone = false;

    std::atomic<qint64> dropped{0};
    std::atomic<qint64> batches{0};

    QMutex joinMutex; // serialises shutdown()/cancel() callers waiting for the thread
    bool joined = false;

    QThread* thread = nullptr;
    BatcherWorker* worker = nullptr; // lives on thread
    QTimer* timer = nullptr;         // child of worker

    bool onWorkerThread() const { return QThread::currentThread() == thread; }

    // Called with the mutex held. Posting under the lock orders every wake before the exit event,
    // so nothing is posted to the worker once it may have been deleted.
    void postWakeLocked()
    {
        if (wakePosted || exitPosted)
            return;
        wakePosted = true;
        QMetaObject::invokeMethod(worker, "wake", Qt::QueuedConnection);
    }

    // Worker thread: run every batch that is due, then arm the timer for the oldest pending item.
    void onWake()
    {
        for (;;) {
            std::vector<BatchEntryPtr> batch;
            qint64 armMs = -1;
            {
                QMutexLocker lock(&mutex);
                wakePosted = false;
                const qsizetype max = qMax(1, options.maxBatchSize);
                const qint64 waitNs = qint64(qMax(0, options.maxWaitMs)) * 1000000;
                const qint64 now = nowNs();
                const bool due = !queue.empty() && (flushAll || qsizetype(queue.size()) >= max ||
                                                    now - queue.front()->enqueuedNs >= waitNs);
                if (!due) {
                    if (!queue.empty()) {
                        const qint64 left = queue.front()->enqueuedNs + waitNs - now;
                        armMs = qMax<qint64>(0, (left + 999999) / 1000000);
                    }
                } else {
                    const size_t n = qMin(queue.size(), size_t(max));
                    batch.reserve(n);
                    for (size_t i = 0; i < n; ++i) {
                        batch.push_back(std::move(queue.front()));
                        queue.pop_front();
                    }
                    if (queue.empty())
                        flushAll = false;
                }
            }
            if (batch.empty()) {
                if (armMs >= 0)
                    timer->start(int(qMin<qint64>(armMs, INT_MAX)));
                else
                    timer->stop();
                return;
            }
            notFull.wakeAll();
            batches.fetch_add(1, std::memory_order_relaxed);
            process(batch); // fulfils every promise of the batch, whatever happens
        }
    }

    // Worker thread, last event: the drain already ran (flushAll was set with closed).
    void onExit()
    {
        onWake();
        timer->stop();
        if (options.onWorkerExit)
            options.onWorkerExit();
        // QThread::wait() synchronises inside QtCore, where ThreadSanitizer cannot see it; this
        // unlock, paired with the joiner's lock, orders the worker's writes before the owner's
        // teardown for it too.
        {
            QMutexLocker lock(&mutex);
            workerDone = true;
        }
        thread->quit();
    }

    void join()
    {
        if (onWorkerThread())
            return; // a batch function closing its own batcher: the owner joins later
        QMutexLocker joinLock(&joinMutex);
        if (joined)
            return;
        {
            QMutexLocker lock(&mutex);
            if (!exitPosted) {
                exitPosted = true;
                QMetaObject::invokeMethod(worker, "exit", Qt::QueuedConnection);
            }
        }
        thread->wait();
        {
            QMutexLocker lock(&mutex);
            Q_ASSERT(workerDone);
        }
        joined = true;
    }
};

void BatcherWorker::wake()
{
    m_p->onWake();
}

void BatcherWorker::exit()
{
    m_p->onExit();
}

BatcherCore::BatcherCore(BatcherOptions options, Process process)
    : d(std::make_unique<Private>())
{
    d->options = std::move(options);
    d->process = std::move(process);
    d->thread = new QThread;
    d->thread->setObjectName(d->options.threadName);
    d->worker = new BatcherWorker(d.get());
    d->timer = new QTimer(d->worker);
    d->timer->setSingleShot(true);
    d->timer->setTimerType(Qt::PreciseTimer);
    QObject::connect(d->timer, &QTimer::timeout, d->worker, &BatcherWorker::wake);
    d->worker->moveToThread(d->thread);
    d->thread->start();
}

BatcherCore::~BatcherCore()
{
    shutdown();
    if (d->onWorkerThread()) {
        // Destroyed from its own batch function: the thread cannot be joined from here.
        qFatal("dspy::Batcher destroyed from its own worker thread");
    }
    delete d->worker; // the thread has finished; its timer was stopped there
    delete d->thread;
}

bool BatcherCore::enqueue(BatchEntryPtr entry)
{
    entry->enqueuedNs = nowNs();
    QMutexLocker lock(&d->mutex);
    if (!d->closed && qsizetype(d->queue.size()) >= qMax(1, d->options.maxPending) &&
        d->options.overflowWaitMs != 0 && !d->onWorkerThread()) {
        const QDeadlineTimer deadline = d->options.overflowWaitMs < 0
                                            ? QDeadlineTimer(QDeadlineTimer::Forever)
                                            : QDeadlineTimer(d->options.overflowWaitMs);
        while (!d->closed && qsizetype(d->queue.size()) >= qMax(1, d->options.maxPending)) {
            if (!d->notFull.wait(&d->mutex, deadline))
                break;
        }
    }
    if (d->closed) {
        lock.unlock();
        entry->fail(
            BatcherError(BatcherError::Kind::Closed, QStringLiteral("the batcher is shut down")));
        return false;
    }
    if (qsizetype(d->queue.size()) >= qMax(1, d->options.maxPending)) {
        lock.unlock();
        d->dropped.fetch_add(1, std::memory_order_relaxed);
        entry->fail(BatcherError(
            BatcherError::Kind::Dropped,
            QStringLiteral("the batcher queue is full (%1 pending)").arg(d->options.maxPending)));
        return false;
    }
    d->queue.push_back(std::move(entry));
    const qsizetype size = qsizetype(d->queue.size());
    if (size == 1 || size >= d->options.maxBatchSize)
        d->postWakeLocked();
    return true;
}

void BatcherCore::processNow()
{
    QMutexLocker lock(&d->mutex);
    if (d->queue.empty())
        return;
    d->flushAll = true;
    d->postWakeLocked();
}

void BatcherCore::shutdown()
{
    {
        QMutexLocker lock(&d->mutex);
        d->closed = true;
        d->flushAll = true;
    }
    d->notFull.wakeAll();
    d->join();
}

void BatcherCore::cancel()
{
    std::deque<BatchEntryPtr> pending;
    {
        QMutexLocker lock(&d->mutex);
        d->closed = true;
        pending.swap(d->queue);
    }
    d->notFull.wakeAll();
    const BatcherError error(BatcherError::Kind::Cancelled,
                             QStringLiteral("cancelled before its batch ran"));
    for (BatchEntryPtr& e : pending)
        e->fail(error);
    pending.clear();
    d->join();
}

bool BatcherCore::isClosed() const
{
    QMutexLocker lock(&d->mutex);
    return d->closed;
}

qsizetype BatcherCore::pendingCount() const
{
    QMutexLocker lock(&d->mutex);
    return qsizetype(d->queue.size());
}

qint64 BatcherCore::droppedCount() const
{
    return d->dropped.load(std::memory_order_relaxed);
}

qint64 BatcherCore::batchCount() const
{
    return d->batches.load(std::memory_order_relaxed);
}

} // namespace dspy::detail

#include "batcher.moc"
