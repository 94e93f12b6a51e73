#include "cache/diskcache.h"
#include "cache/lmcache.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;

namespace {

QByteArray childKey(int i)
{
    return "child-" + QByteArray::number(i);
}

QByteArray childValue(int i)
{
    return "{\"value\":" + QByteArray::number(i) + ",\"pad\":\"" + QByteArray(200, 'p') + "\"}";
}

// The second process of twoProcessesShareOneFile: writes n entries, flushing every 10.
int writerMain(const QString& path, int n)
{
    DiskCache::Options options;
    options.flushIntervalMs = 5;
    DiskCache cache(path, options);
    if (!cache.isEnabled())
        return 2;
    for (int i = 0; i < n; ++i) {
        cache.put(childKey(i), childValue(i));
        if (i % 10 == 9)
            cache.flush();
    }
    cache.flush();
    return 0;
}

LMResponse sampleResponse()
{
    LMResponse r;
    r.model = QStringLiteral("gpt-4o-mini-2024-07-18");
    LMOutput a;
    a.text = QString::fromUtf8("[[ ## answer ## ]]\nParis — “yes”");
    a.finishReason = QStringLiteral("stop");
    LMOutput b;
    b.text = QStringLiteral("second");
    b.reasoningContent = QStringLiteral("because");
    b.toolCalls = Value(Array{Value(Object{{QStringLiteral("id"), Value("c1")}})});
    r.outputs = {a, b};
    r.usage.promptTokens = 12;
    r.usage.completionTokens = 5;
    r.usage.totalTokens = 17;
    r.usage.cachedTokens = 2;
    r.requestId = QStringLiteral("req-1");
    return r;
}

} // namespace

class TestDiskCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultPathIsUnderXdgCacheHome()
    {
        QTemporaryDir dir;
        const QByteArray old = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", dir.path().toUtf8());
        const QString path = DiskCache::defaultPath();
        qputenv("XDG_CACHE_HOME", old);
        QCOMPARE(path, dir.path() + QStringLiteral("/dspy-workbench/lm-cache.sqlite"));
    }

    void putFlushGet()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/dir/cache.sqlite"));
        DiskCache cache(path);
        QVERIFY(cache.isEnabled());
        QVERIFY(QFile::exists(path));
        QVERIFY(!cache.get("k1"));
        cache.put("k1", "v1");
        // Queued entries are found before they reach the file.
        QCOMPARE(cache.get("k1").value_or(QByteArray()), QByteArray("v1"));
        cache.flush();
        QCOMPARE(cache.count(), 1);
        cache.put("k1", "v1b");
        cache.flush();
        QCOMPARE(cache.count(), 1);
        QCOMPARE(cache.get("k1").value_or(QByteArray()), QByteArray("v1b"));
    }

    // Past the size limit the writer evicts the oldest entries: the file's pages in use stay
    // under the limit, the newest entries survive and the oldest are gone.
    void sizeLimitEvictsTheOldest()
    {
        QTemporaryDir dir;
        DiskCache::Options o;
        o.sizeLimitBytes = 1'000'000;
        DiskCache cache(dir.filePath(QStringLiteral("small.sqlite")), o);
        QVERIFY(cache.isEnabled());
        const QByteArray value(10'000, 'x');
        const int n = 300; // 3 MB written in all
        for (int i = 0; i < n; ++i) {
            cache.put("key" + QByteArray::number(i), value + QByteArray::number(i));
            if (i % 20 == 19)
                cache.flush();
        }
        cache.flush();
        QCOMPARE_LE(cache.usedBytes(), o.sizeLimitBytes);
        QCOMPARE_GT(cache.evictedCount(), 0);
        QCOMPARE(cache.count() + cache.evictedCount(), n);
        QCOMPARE_LT(cache.count(), n / 2);
        QVERIFY(!cache.get("key0"));
        QVERIFY(!cache.get("key50"));
        QCOMPARE(cache.get("key" + QByteArray::number(n - 1)).value_or(QByteArray()),
                 value + QByteArray::number(n - 1));
        // Without a limit nothing is evicted.
        DiskCache::Options unlimited;
        unlimited.sizeLimitBytes = 0;
        DiskCache big(dir.filePath(QStringLiteral("big.sqlite")), unlimited);
        for (int i = 0; i < 150; ++i)
            big.put("key" + QByteArray::number(i), value);
        big.flush();
        QCOMPARE(big.count(), 150);
        QCOMPARE(big.evictedCount(), 0);
        QCOMPARE_GT(big.usedBytes(), 1'000'000);
    }

    void persistsAcrossInstancesAndUsesWal()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite"));
        {
            DiskCache cache(path);
            for (int i = 0; i < 600; ++i) // more than two batches
                cache.put(QByteArray::number(i), QByteArray::number(i * i));
        } // the destructor writes what is queued
        DiskCache again(path);
        QCOMPARE(again.count(), 600);
        QCOMPARE(again.get("599").value_or(QByteArray()), QByteArray::number(599 * 599));
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    }

    void corruptFileIsMovedAsideAndRecreated()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lm-cache.sqlite"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray("this is not a database at all, just text. ").repeated(200));
        }
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral("^LM cache: .*lm-cache\\.sqlite was "
                                                            "corrupt .*; moved it to .*\\.corrupt-"
                                                            "\\d+ and started a new cache\\.$")));
        DiskCache cache(path);
        QVERIFY(cache.isEnabled());
        QVERIFY(!cache.movedAsidePath().isEmpty());
        QVERIFY(cache.movedAsidePath().startsWith(path + QStringLiteral(".corrupt-")));
        QFile aside(cache.movedAsidePath());
        QVERIFY(aside.open(QIODevice::ReadOnly));
        QVERIFY(aside.readAll().startsWith("this is not a database"));
        cache.put("k", "v");
        cache.flush();
        QCOMPARE(cache.get("k").value_or(QByteArray()), QByteArray("v"));
    }

    void unwritableLocationDisablesTheDiskTier()
    {
        QTemporaryDir dir;
        // A regular file where a directory should be: cannot be created, even by root.
        const QString blocker = dir.filePath(QStringLiteral("blocker"));
        {
            QFile f(blocker);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const QString path = blocker + QStringLiteral("/cache/lm-cache.sqlite");
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "^LM cache: cannot create the directory .*/blocker/cache; the "
                                 "disk cache is off \\(memory only\\)\\.$")));
        DiskCache cache(path);
        QVERIFY(!cache.isEnabled());
        cache.put("k", "v");
        cache.flush();
        QVERIFY(!cache.get("k"));
        QCOMPARE(cache.count(), 0);

        // The LM cache still works from memory.
        LMCache::Options options;
        options.diskPath = path;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("disk cache is off")));
        LMCache lm(options);
        QVERIFY(!lm.disk());
        lm.store("key", sampleResponse());
        QVERIFY(lm.lookup("key"));
    }

    void tamperedEntryReadsAsAMiss()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite"));
        DiskCache cache(path);
        cache.put("good", "value");
        cache.put("bad", "value");
        cache.flush();
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE entries SET value = 'other' WHERE key = 'bad'")));
            QCOMPARE(q.numRowsAffected(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral("^LM cache: entry bad in .* fails its "
                                                            "checksum; ignoring it\\.$")));
        QVERIFY(!cache.get("bad"));
        QCOMPARE(cache.get("good").value_or(QByteArray()), QByteArray("value"));
    }

    void readsFromManyThreads()
    {
        QTemporaryDir dir;
        DiskCache cache(dir.filePath(QStringLiteral("c.sqlite")));
        for (int i = 0; i < 100; ++i)
            cache.put(QByteArray::number(i), QByteArray::number(i * 3));
        cache.flush();
        QList<QThread*> threads;
        std::atomic<int> good{0};
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([&] {
                for (int i = 0; i < 100; ++i) {
                    if (cache.get(QByteArray::number(i)) == QByteArray::number(i * 3))
                        ++good;
                }
            }));
            threads.last()->start();
        }
        for (QThread* t : threads) {
            QVERIFY(t->wait(30000));
            delete t;
        }
        QCOMPARE(good.load(), 400);
    }

    void twoProcessesShareOneFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("shared.sqlite"));
        DiskCache cache(path);
        QVERIFY(cache.isEnabled());
        const int n = 400;
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--cache-writer"), path, QString::number(n)});
        QVERIFY(child.waitForStarted());
        // Read and write while the other process writes: every hit must be the right value.
        int wrong = 0;
        int seen = 0;
        int round = 0;
        while (child.state() != QProcess::NotRunning) {
            for (int i = 0; i < n; i += 7) {
                if (const auto v = cache.get(childKey(i))) {
                    ++seen;
                    if (*v != childValue(i))
                        ++wrong;
                }
            }
            cache.put("parent-" + QByteArray::number(round), QByteArray::number(round));
            ++round;
            child.waitForFinished(5);
        }
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
        QCOMPARE(wrong, 0);
        for (int i = 0; i < n; ++i)
            QCOMPARE(cache.get(childKey(i)).value_or(QByteArray()), childValue(i));
        cache.flush();
        QCOMPARE(cache.count(), n + round);
        Q_UNUSED(seen);
    }

    void responseSerializationIsCompactJson()
    {
        const QByteArray bytes = LMCache::serialize(sampleResponse());
        QCOMPARE(QString::fromUtf8(bytes),
                 QString::fromUtf8(
                     "{\"model\": \"gpt-4o-mini-2024-07-18\", \"outputs\": [{\"text\": \"[[ ## "
                     "answer ## ]]\\nParis — “yes”\", \"finish_reason\": \"stop\"}, {\"text\": "
                     "\"second\", \"reasoning_content\": \"because\", \"tool_calls\": [{\"id\": "
                     "\"c1\"}]}], \"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 5, "
                     "\"total_tokens\": 17, \"cached_tokens\": 2}, \"request_id\": \"req-1\"}"));
        const std::optional<LMResponse> back = LMCache::deserialize(bytes);
        QVERIFY(back);
        QCOMPARE(back->model, sampleResponse().model);
        QCOMPARE(back->outputs.size(), 2);
        QCOMPARE(back->outputs.at(0).text, sampleResponse().outputs.at(0).text);
        QCOMPARE(back->outputs.at(1).reasoningContent, QStringLiteral("because"));
        QCOMPARE(back->outputs.at(1).toolCalls, sampleResponse().outputs.at(1).toolCalls);
        QCOMPARE(back->usage.totalTokens, 17);
        QCOMPARE(back->usage.cachedTokens, 2);
        QCOMPARE(back->requestId, QStringLiteral("req-1"));
        QVERIFY(!LMCache::deserialize("{\"model\": 1}"));
        QVERIFY(!LMCache::deserialize("not json"));
    }

    void diskHitIsPromotedAndMarked()
    {
        QTemporaryDir dir;
        LMCache::Options options;
        options.diskPath = dir.filePath(QStringLiteral("c.sqlite"));
        {
            LMCache first(options);
            first.store("key", sampleResponse());
            first.flush();
        }
        LMCache second(options);
        QCOMPARE(second.memory()->size(), 0);
        const std::optional<LMResponse> hit = second.lookup("key");
        QVERIFY(hit);
        QVERIFY(hit->cacheHit);
        QVERIFY(hit->usage.isZero());
        QCOMPARE(hit->usage.cachedTokens, 0);
        QVERIFY(!hit->cost);
        QCOMPARE(hit->outputs.first().text, sampleResponse().outputs.first().text);
        QCOMPARE(second.memory()->size(), 1);
        // The promoted copy keeps the real usage; only what is handed out is zeroed.
        QCOMPARE(second.memory()->get("key")->usage.totalTokens, 17);
        QVERIFY(second.lookup("key")->cacheHit);
        QVERIFY(!second.lookup("other"));
    }

    void failedResponsesAreNotStored()
    {
        LMCache::Options options;
        options.enableDisk = false;
        LMCache cache(options);
        LMResponse r = sampleResponse();
        r.error = std::make_shared<LMError>(LMError::Kind::Server, QStringLiteral("boom"), 500);
        cache.store("k", r);
        QVERIFY(!cache.lookup("k"));
    }
};

int main(int argc, char** argv)
{
    if (argc == 4 && qstrcmp(argv[1], "--cache-writer") == 0) {
        QCoreApplication app(argc, argv);
        return writerMain(QString::fromLocal8Bit(argv[2]), atoi(argv[3]));
    }
    QCoreApplication app(argc, argv);
    TestDiskCache test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_diskcache.moc"
