#include "cache/memorycache.h"

#include <QTest>
#include <QtConcurrent>

#include <atomic>

using namespace dspy;

namespace {

std::shared_ptr<const LMResponse> response(const QString& text)
{
    auto r = std::make_shared<LMResponse>();
    r->model = QStringLiteral("m");
    LMOutput out;
    out.text = text;
    r->outputs.append(out);
    return r;
}

// A key that lands in shard `shard` (its first hex digit) and is otherwise unique.
QByteArray keyIn(int shard, int n)
{
    return QByteArray::number(shard, 16) + QByteArray::number(n).rightJustified(63, '0');
}

} // namespace

class TestMemoryCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void getReturnsWhatWasPut()
    {
        MemoryCache cache;
        QVERIFY(!cache.get(keyIn(0, 1)));
        cache.put(keyIn(0, 1), response(QStringLiteral("one")));
        const auto hit = cache.get(keyIn(0, 1));
        QVERIFY(hit);
        QCOMPARE(hit->outputs.first().text, QStringLiteral("one"));
        QCOMPARE(cache.size(), 1);
    }

    void putReplaces()
    {
        MemoryCache cache;
        cache.put(keyIn(3, 1), response(QStringLiteral("a")));
        cache.put(keyIn(3, 1), response(QStringLiteral("bb")));
        QCOMPARE(cache.size(), 1);
        QCOMPARE(cache.get(keyIn(3, 1))->outputs.first().text, QStringLiteral("bb"));
        QCOMPARE(cache.bytes(), MemoryCache::costOf(keyIn(3, 1), *response(QStringLiteral("bb"))));
    }

    void evictsLeastRecentlyUsedByEntries()
    {
        // 32 entries over 16 shards: 2 per shard.
        MemoryCache cache(32);
        cache.put(keyIn(5, 1), response(QStringLiteral("1")));
        cache.put(keyIn(5, 2), response(QStringLiteral("2")));
        QVERIFY(cache.get(keyIn(5, 1))); // 1 is now the most recent
        cache.put(keyIn(5, 3), response(QStringLiteral("3")));
        QVERIFY(cache.get(keyIn(5, 1)));
        QVERIFY(!cache.get(keyIn(5, 2)));
        QVERIFY(cache.get(keyIn(5, 3)));
        // Other shards are untouched by shard 5's pressure.
        cache.put(keyIn(6, 1), response(QStringLiteral("x")));
        QCOMPARE(cache.size(), 3);
    }

    void evictsByBytes()
    {
        const qint64 one = MemoryCache::costOf(keyIn(2, 1), *response(QString(100, u'x')));
        // Room for two such entries per shard, not three.
        MemoryCache cache(1000, (2 * one + one / 2) * MemoryCache::kShards);
        for (int i = 1; i <= 3; ++i)
            cache.put(keyIn(2, i), response(QString(100, u'x')));
        QCOMPARE(cache.size(), 2);
        QVERIFY(!cache.get(keyIn(2, 1)));
        QVERIFY(cache.get(keyIn(2, 2)));
        QVERIFY(cache.get(keyIn(2, 3)));
        QCOMPARE(cache.bytes(), 2 * one);
    }

    void entryBiggerThanAShardIsNotKept()
    {
        MemoryCache cache(1000, 16 * 1024);
        cache.put(keyIn(1, 1), response(QString(4096, u'x')));
        QCOMPARE(cache.size(), 0);
        QCOMPARE(cache.bytes(), 0);
    }

    void removeAndClear()
    {
        MemoryCache cache;
        cache.put(keyIn(1, 1), response(QStringLiteral("a")));
        cache.put(keyIn(2, 1), response(QStringLiteral("b")));
        QVERIFY(cache.remove(keyIn(1, 1)));
        QVERIFY(!cache.remove(keyIn(1, 1)));
        QCOMPARE(cache.size(), 1);
        cache.clear();
        QCOMPARE(cache.size(), 0);
        QCOMPARE(cache.bytes(), 0);
    }

    void nonHexKeysWork()
    {
        MemoryCache cache;
        cache.put("zebra", response(QStringLiteral("z")));
        cache.put("", response(QStringLiteral("empty")));
        QCOMPARE(cache.get("zebra")->outputs.first().text, QStringLiteral("z"));
        QCOMPARE(cache.get("")->outputs.first().text, QStringLiteral("empty"));
    }

    void concurrentUseKeepsBounds()
    {
        MemoryCache cache(160);
        std::atomic<int> wrong{0};
        QList<int> workers{0, 1, 2, 3, 4, 5, 6, 7};
        QtConcurrent::blockingMap(workers, [&](int w) {
            for (int i = 0; i < 2000; ++i) {
                const QByteArray key = keyIn((w + i) % 16, i % 50);
                const QString text = QString::fromLatin1(key);
                cache.put(key, response(text));
                if (const auto hit = cache.get(key); hit && hit->outputs.first().text != text)
                    ++wrong;
            }
        });
        QCOMPARE(wrong.load(), 0);
        QVERIFY(cache.size() <= 160);
        QVERIFY(cache.size() > 0);
    }
};

QTEST_GUILESS_MAIN(TestMemoryCache)
#include "tst_memorycache.moc"
