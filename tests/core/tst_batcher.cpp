// Batcher: the full-batch and timer paths, each submitter's own answer under concurrency, batch
// errors reaching exactly their batch, drain on shutdown, cancel while a batch runs, the bounded
// queue, and shutdown racing with submitters.

#include "runtime/batcher.h"

#include <QMutex>
#include <QSemaphore>
#include <QTest>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

using namespace dspy;

namespace {

using IntBatcher = Batcher<int, int>;

template <typename R> std::optional<BatcherError> errorOf(QFuture<R> f)
{
    try {
        f.waitForFinished();
        (void)f.result();
    } catch (const BatcherError& e) {
        return e;
    }
    return std::nullopt;
}

// Records the size of every batch it sees and answers 10 * item + 1.
struct Recorder
{
    QMutex mutex;
    QList<int> sizes;
    IntBatcher::BatchFn fn()
    {
        return [this](QList<int> items) -> IntBatcher::BatchResult {
            {
                QMutexLocker lock(&mutex);
                sizes.append(int(items.size()));
            }
            QList<int> out;
            for (int i : items)
                out.append(10 * i + 1);
            return out;
        };
    }
    QList<int> snapshot()
    {
        QMutexLocker lock(&mutex);
        return sizes;
    }
};

BatcherOptions opts(int maxBatch, int maxWaitMs)
{
    BatcherOptions o;
    o.maxBatchSize = maxBatch;
    o.maxWaitMs = maxWaitMs;
    return o;
}

} // namespace

class TestBatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullBatchRunsWithoutTheTimer()
    {
        Recorder rec;
        IntBatcher b(rec.fn(), opts(4, 600000)); // the timer would never fire within the test
        QList<QFuture<int>> fs;
        for (int i = 0; i < 4; ++i)
            fs.append(b.submit(i));
        for (int i = 0; i < 4; ++i) {
            QTRY_VERIFY_WITH_TIMEOUT(fs[i].isFinished(), 10000);
            QCOMPARE(fs[i].result(), 10 * i + 1);
        }
        QCOMPARE(rec.snapshot(), QList<int>{4});
        QCOMPARE(b.batchCount(), 1);
    }

    void timerFiresForAPartialBatch()
    {
        Recorder rec;
        IntBatcher b(rec.fn(), opts(100, 20));
        QFuture<int> f1 = b.submit(1);
        QFuture<int> f2 = b.submit(2);
        QFuture<int> f3 = b.submit(3);
        QTRY_VERIFY_WITH_TIMEOUT(f3.isFinished(), 10000);
        QCOMPARE(f1.result(), 11);
        QCOMPARE(f2.result(), 21);
        QCOMPARE(f3.result(), 31);
        QCOMPARE(rec.snapshot(), QList<int>{3});
        // A later item starts a new wait of its own.
        QFuture<int> f4 = b.submit(4);
        QTRY_VERIFY_WITH_TIMEOUT(f4.isFinished(), 10000);
        QCOMPARE(f4.result(), 41);
        QCOMPARE(rec.snapshot(), (QList<int>{3, 1}));
    }

    void processNowSkipsTheWait()
    {
        Recorder rec;
        IntBatcher b(rec.fn(), opts(100, 600000));
        QFuture<int> f = b.submit(7);
        b.processNow();
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 10000);
        QCOMPARE(f.result(), 71);
    }

    void manyThreadsEachGetTheirOwnAnswer()
    {
        Recorder rec;
        IntBatcher b(rec.fn(), opts(16, 2));
        constexpr int kThreads = 12;
        constexpr int kPerThread = 400;
        std::atomic<int> wrong{0};
        std::atomic<int> done{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                QList<QFuture<int>> mine;
                for (int i = 0; i < kPerThread; ++i) {
                    mine.append(b.submit(t * 100000 + i));
                    if (i % 50 == 0) // some waiters block mid-stream, others submit ahead
                        mine.last().waitForFinished();
                }
                for (int i = 0; i < kPerThread; ++i) {
                    if (mine[i].result() != 10 * (t * 100000 + i) + 1)
                        wrong.fetch_add(1);
                }
                done.fetch_add(1);
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(done.load(), kThreads, 60000);
        for (std::thread& th : threads)
            th.join();
        QCOMPARE(wrong.load(), 0);
        int total = 0;
        for (int s : rec.snapshot()) {
            QVERIFY(s >= 1 && s <= 16);
            total += s;
        }
        QCOMPARE(total, kThreads * kPerThread);
    }

    void batchErrorReachesOnlyThatBatch()
    {
        IntBatcher b(
            [](QList<int> items) -> IntBatcher::BatchResult {
                if (items.contains(-1))
                    return unexpected(QStringLiteral("bad item in batch"));
                return QList<int>(items.size(), 5);
            },
            opts(2, 600000));
        QFuture<int> a = b.submit(1);
        QFuture<int> bad = b.submit(-1);
        QFuture<int> c = b.submit(2);
        QFuture<int> d = b.submit(3);
        for (const auto& f : {a, bad}) {
            const auto e = errorOf(f);
            QVERIFY(e);
            QCOMPARE(e->kind(), BatcherError::Kind::BatchFailed);
            QCOMPARE(e->message(), QStringLiteral("bad item in batch"));
        }
        QCOMPARE(c.result(), 5);
        QCOMPARE(d.result(), 5);
    }

    void throwingBatchFunctionFailsItsBatch()
    {
        std::atomic<int> calls{0};
        IntBatcher b(
            [&](QList<int> items) -> IntBatcher::BatchResult {
                if (calls.fetch_add(1) == 0)
                    throw std::runtime_error("boom");
                return items;
            },
            opts(3, 600000));
        QList<QFuture<int>> first{b.submit(1), b.submit(2), b.submit(3)};
        for (const auto& f : first) {
            const auto e = errorOf(f);
            QVERIFY(e);
            QCOMPARE(e->kind(), BatcherError::Kind::BatchFailed);
            QCOMPARE(e->message(), QStringLiteral("batch function threw: boom"));
        }
        // The worker survives the exception.
        QList<QFuture<int>> second{b.submit(4), b.submit(5), b.submit(6)};
        QCOMPARE(second[0].result(), 4);
        QCOMPARE(second[2].result(), 6);
    }

    void wrongResultCountIsABatchError()
    {
        IntBatcher b([](QList<int>) -> IntBatcher::BatchResult { return QList<int>{1}; },
                     opts(2, 600000));
        QFuture<int> f = b.submit(1);
        b.submit(2);
        const auto e = errorOf(f);
        QVERIFY(e);
        QCOMPARE(e->message(), QStringLiteral("batch function returned 1 results for 2 items"));
    }

    void shutdownDrainsThenRefuses()
    {
        Recorder rec;
        IntBatcher b(rec.fn(), opts(4, 600000));
        QList<QFuture<int>> fs;
        for (int i = 0; i < 10; ++i)
            fs.append(b.submit(i));
        b.shutdown();
        for (int i = 0; i < 10; ++i) {
            QVERIFY(fs[i].isFinished());
            QCOMPARE(fs[i].result(), 10 * i + 1);
        }
        QCOMPARE(rec.snapshot(), (QList<int>{4, 4, 2}));
        QFuture<int> late = b.submit(99);
        QVERIFY(late.isFinished()); // refused at once, not queued
        const auto e = errorOf(late);
        QVERIFY(e);
        QCOMPARE(e->kind(), BatcherError::Kind::Closed);
        QVERIFY(!b.post(100));
        b.shutdown(); // twice is harmless
    }

    void destructorDrains()
    {
        Recorder rec;
        QList<QFuture<int>> fs;
        {
            IntBatcher b(rec.fn(), opts(100, 600000));
            for (int i = 0; i < 5; ++i)
                fs.append(b.submit(i));
        }
        for (int i = 0; i < 5; ++i) {
            QVERIFY(fs[i].isFinished());
            QCOMPARE(fs[i].result(), 10 * i + 1);
        }
    }

    void postProcessesWithoutAPromise()
    {
        std::atomic<int> sum{0};
        {
            IntBatcher b(
                [&](QList<int> items) -> IntBatcher::BatchResult {
                    for (int i : items)
                        sum.fetch_add(i);
                    return items;
                },
                opts(8, 5));
            for (int i = 1; i <= 100; ++i)
                QVERIFY(b.post(i));
        }
        QCOMPARE(sum.load(), 5050);
    }

    void cancelWhileABatchRuns()
    {
        QSemaphore started;
        QSemaphore release;
        IntBatcher b(
            [&](QList<int> items) -> IntBatcher::BatchResult {
                started.release();
                release.acquire();
                return items;
            },
            opts(1, 600000));
        QFuture<int> running = b.submit(1);
        QVERIFY(started.tryAcquire(1, 10000));
        QList<QFuture<int>> pending{b.submit(2), b.submit(3), b.submit(4)};
        std::thread canceller([&] { b.cancel(); });
        QTRY_VERIFY_WITH_TIMEOUT(b.isClosed(), 10000);
        // cancel() fails the pending items before it waits for the running batch.
        for (const auto& f : pending) {
            QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 10000);
            const auto e = errorOf(f);
            QVERIFY(e);
            QCOMPARE(e->kind(), BatcherError::Kind::Cancelled);
        }
        QVERIFY(!running.isFinished());
        release.release(10);
        canceller.join();
        QCOMPARE(running.result(), 1);
        QCOMPARE(b.batchCount(), 1);
    }

    void fullQueueDropsWithACounter()
    {
        QSemaphore started;
        QSemaphore release;
        BatcherOptions o = opts(1, 600000);
        o.maxPending = 2;
        o.overflowWaitMs = 0;
        IntBatcher b(
            [&](QList<int> items) -> IntBatcher::BatchResult {
                started.release();
                release.acquire();
                return items;
            },
            o);
        QFuture<int> first = b.submit(1);
        QVERIFY(started.tryAcquire(1, 10000)); // taken by the worker: no longer pending
        QFuture<int> second = b.submit(2);
        QFuture<int> third = b.submit(3);
        QFuture<int> fourth = b.submit(4);
        QVERIFY(fourth.isFinished());
        const auto e = errorOf(fourth);
        QVERIFY(e);
        QCOMPARE(e->kind(), BatcherError::Kind::Dropped);
        QCOMPARE(e->message(), QStringLiteral("the batcher queue is full (2 pending)"));
        QVERIFY(!b.post(5));
        QCOMPARE(b.droppedCount(), 2);
        QCOMPARE(b.pendingCount(), 2);
        release.release(100);
        QCOMPARE(first.result(), 1);
        QCOMPARE(second.result(), 2);
        QCOMPARE(third.result(), 3);
    }

    void fullQueueBlocksTheProducerUntilThereIsRoom()
    {
        QSemaphore started;
        QSemaphore release;
        BatcherOptions o = opts(1, 600000);
        o.maxPending = 1;
        o.overflowWaitMs = -1;
        IntBatcher b(
            [&](QList<int> items) -> IntBatcher::BatchResult {
                started.release();
                release.acquire();
                return items;
            },
            o);
        QFuture<int> first = b.submit(1);
        QVERIFY(started.tryAcquire(1, 10000));
        QFuture<int> second = b.submit(2); // fills the queue
        std::atomic<bool> returned{false};
        QFuture<int> third;
        std::thread producer([&] {
            third = b.submit(3);
            returned.store(true);
        });
        QTest::qWait(100); // not synchronisation: gives a non-blocking submit time to show itself
        QVERIFY(!returned.load());
        release.release(100);
        producer.join();
        QVERIFY(returned.load());
        QCOMPARE(third.result(), 3);
        QCOMPARE(second.result(), 2);
        QCOMPARE(b.droppedCount(), 0);
    }

    void blockedProducerIsReleasedByShutdown()
    {
        QSemaphore started;
        QSemaphore release;
        BatcherOptions o = opts(1, 600000);
        o.maxPending = 1;
        o.overflowWaitMs = -1;
        IntBatcher b(
            [&](QList<int> items) -> IntBatcher::BatchResult {
                started.release();
                release.acquire();
                return items;
            },
            o);
        b.submit(1);
        QVERIFY(started.tryAcquire(1, 10000));
        QFuture<int> second = b.submit(2);
        QFuture<int> third;
        std::atomic<bool> returned{false};
        std::thread producer([&] {
            third = b.submit(3);
            returned.store(true);
        });
        std::thread canceller([&] { b.cancel(); });
        QTRY_VERIFY_WITH_TIMEOUT(returned.load(), 10000);
        release.release(100);
        producer.join();
        canceller.join();
        const auto e = errorOf(third);
        QVERIFY(e);
        QCOMPARE(e->kind(), BatcherError::Kind::Closed);
        QCOMPARE(errorOf(second)->kind(), BatcherError::Kind::Cancelled);
    }

    void shutdownWhileSubmitting()
    {
        for (int round = 0; round < 5; ++round) {
            std::atomic<int> processed{0};
            IntBatcher b(
                [&](QList<int> items) -> IntBatcher::BatchResult {
                    processed.fetch_add(int(items.size()));
                    return items;
                },
                opts(8, 1));
            constexpr int kThreads = 6;
            std::atomic<int> values{0};
            std::atomic<int> closed{0};
            std::atomic<int> other{0};
            std::atomic<int> finished{0};
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t) {
                threads.emplace_back([&, t] {
                    for (int i = 0;; ++i) {
                        QFuture<int> f = b.submit(t * 1000000 + i);
                        const auto e = errorOf(f);
                        if (!e) {
                            if (f.result() == t * 1000000 + i)
                                values.fetch_add(1);
                            else
                                other.fetch_add(1);
                            continue;
                        }
                        if (e->kind() == BatcherError::Kind::Closed)
                            closed.fetch_add(1);
                        else
                            other.fetch_add(1);
                        break;
                    }
                    finished.fetch_add(1);
                });
            }
            QTRY_VERIFY_WITH_TIMEOUT(processed.load() > 50, 10000);
            b.shutdown();
            QTRY_COMPARE_WITH_TIMEOUT(finished.load(), kThreads, 10000);
            for (std::thread& th : threads)
                th.join();
            QCOMPARE(other.load(), 0);
            QCOMPARE(closed.load(), kThreads);
            QCOMPARE(values.load(), processed.load());
        }
    }
};

QTEST_GUILESS_MAIN(TestBatcher)
#include "tst_batcher.moc"
