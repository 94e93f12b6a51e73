// HistoryStore: the JSONL file that carries LM history from dspy-run predict to dspy-run inspect.

#include "lm/historystore.h"

#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace dspy;

namespace {

HistoryEntry entry(const QString& uuid,
                   const QString& answer = QStringLiteral("[[ ## answer ## ]]\n4"))
{
    HistoryEntry e;
    e.messages = {{QStringLiteral("system"), QStringLiteral("Your input fields are:\n1. `q`")},
                  {QStringLiteral("user"), QStringLiteral("[[ ## q ## ]]\n2+2 «é»")}};
    e.kwargs = Object{{"temperature", Value()}, {"max_tokens", 100}};
    e.outputs = {LMOutput{answer, {}, {}, QStringLiteral("stop")}};
    e.usage.promptTokens = 10;
    e.usage.completionTokens = 3;
    e.usage.totalTokens = 13;
    e.cost = 0.25;
    e.timestamp = QStringLiteral("2026-01-02T03:04:05.123456");
    e.uuid = uuid;
    e.model = QStringLiteral("openai/sim");
    e.responseModel = QStringLiteral("sim");
    return e;
}

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TstHistoryStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultPathFollowsXdgCacheHome()
    {
        const QByteArray old = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", "/tmp/xdg-test-cache");
        QCOMPARE(HistoryStore::defaultPath(),
                 QStringLiteral("/tmp/xdg-test-cache/dspy-workbench/history.jsonl"));
        QCOMPARE(HistoryStore().capacity(), qsizetype(1000));
        qputenv("XDG_CACHE_HOME", old);
    }

    void roundTripKeepsEverythingInspectShows()
    {
        QTemporaryDir dir;
        const HistoryStore store(dir.filePath(QStringLiteral("sub/history.jsonl")));
        HistoryEntry multi = entry(QStringLiteral("u2"));
        multi.outputs.append(LMOutput{QStringLiteral("second"), QStringLiteral("thought"),
                                      Value(Array{Object{{"function", Object{{"name", "f"}}}}}),
                                      QStringLiteral("stop")});
        multi.cacheHit = true;
        multi.cost.reset();
        QString error;
        QVERIFY2(store.append({entry(QStringLiteral("u1")), multi}, {}, &error), qPrintable(error));
        const QList<HistoryEntry> back = store.last(0);
        QCOMPARE(back.size(), 2);
        QCOMPARE(back[0].toObject(), entry(QStringLiteral("u1")).toObject());
        QCOMPARE(Value(back[0].toObject()).toJson(), Value(entry("u1").toObject()).toJson());
        QCOMPARE(Value(back[1].toObject()).toJson(), Value(multi.toObject()).toJson());
        QCOMPARE(inspectHistory(back, 2), inspectHistory({entry(QStringLiteral("u1")), multi}, 2));
        // One compact JSON object per line, UTF-8 kept as is.
        const QList<QByteArray> lines = fileBytes(store.path()).split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[2].isEmpty());
        QVERIFY(lines[0].startsWith("{\"prompt\": null, \"messages\": [{\"role\": \"system\""));
        QVERIFY(lines[0].contains("2+2 «é»"));
    }

    void lastReturnsTheNewestOldestFirst()
    {
        QTemporaryDir dir;
        const HistoryStore store(dir.filePath(QStringLiteral("h.jsonl")));
        for (int i = 0; i < 5; ++i)
            QVERIFY(store.append({entry(QString::number(i))}));
        const QList<HistoryEntry> two = store.last(2);
        QCOMPARE(two.size(), 2);
        QCOMPARE(two[0].uuid, QStringLiteral("3"));
        QCOMPARE(two[1].uuid, QStringLiteral("4"));
        QCOMPARE(store.last(50).size(), 5);
        QCOMPARE(store.last(0).size(), 5);
    }

    void cappedToTheLastEntries()
    {
        QTemporaryDir dir;
        const HistoryStore store(dir.filePath(QStringLiteral("h.jsonl")), 3);
        for (int i = 0; i < 7; ++i)
            QVERIFY(store.append({entry(QString::number(i))}));
        QVERIFY(store.append({entry(QStringLiteral("a")), entry(QStringLiteral("b"))}));
        const QList<HistoryEntry> all = store.last(0);
        QCOMPARE(all.size(), 3);
        QCOMPARE(all[0].uuid, QStringLiteral("6"));
        QCOMPARE(all[1].uuid, QStringLiteral("a"));
        QCOMPARE(all[2].uuid, QStringLiteral("b"));
        QCOMPARE(fileBytes(store.path()).count('\n'), 3);
    }

    void defaultCapacityIsAThousand()
    {
        QTemporaryDir dir;
        const HistoryStore store(dir.filePath(QStringLiteral("h.jsonl")));
        QList<HistoryEntry> batch;
        for (int i = 0; i < 1005; ++i)
            batch.append(entry(QString::number(i)));
        QVERIFY(store.append(batch));
        QVERIFY(store.append({entry(QStringLiteral("last"))}));
        const QList<HistoryEntry> all = store.last(0);
        QCOMPARE(all.size(), 1000);
        QCOMPARE(all.first().uuid, QStringLiteral("6"));
        QCOMPARE(all.last().uuid, QStringLiteral("last"));
    }

    void secretsAreRedacted()
    {
        QTemporaryDir dir;
        const HistoryStore store(dir.filePath(QStringLiteral("h.jsonl")));
        const QString key = QStringLiteral("sk-fake-0123456789abcdef");
        QVERIFY(store.append({entry(QStringLiteral("u"), QStringLiteral("the key is ") + key)},
                             {key, QString()}));
        const QByteArray bytes = fileBytes(store.path());
        QVERIFY(!bytes.contains(key.toUtf8()));
        QVERIFY(bytes.contains("the key is [REDACTED]"));
    }

    void brokenLinesAreSkipped()
    {
        QTemporaryDir dir;
        const HistoryStore store(dir.filePath(QStringLiteral("h.jsonl")));
        QVERIFY(store.append({entry(QStringLiteral("good1"))}));
        {
            QFile f(store.path());
            QVERIFY(f.open(QIODevice::Append));
            f.write(
                "{\"messages\": [{\"role\": \"user\", \"content\n[1, 2]\n{\"no\": \"messages\"}\n");
        }
        QVERIFY(store.append({entry(QStringLiteral("good2"))}));
        const QList<HistoryEntry> all = store.last(0);
        QCOMPARE(all.size(), 2);
        QCOMPARE(all[0].uuid, QStringLiteral("good1"));
        QCOMPARE(all[1].uuid, QStringLiteral("good2"));
        QCOMPARE(store.last(1).first().uuid, QStringLiteral("good2"));
    }

    void missingFileIsEmptyHistory()
    {
        QTemporaryDir dir;
        QString error;
        QVERIFY(HistoryStore(dir.filePath(QStringLiteral("none.jsonl"))).last(5, &error).isEmpty());
        QVERIFY(error.isEmpty());
    }

    void unwritableLocationFailsCleanly()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        // A directory cannot be created below a regular file.
        const HistoryStore store(dir.filePath(QStringLiteral("file/sub/h.jsonl")));
        QString error;
        QVERIFY(!store.append({entry(QStringLiteral("u"))}, {}, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot create ")), qPrintable(error));
    }

    void concurrentWritersLoseNothing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.jsonl"));
        QList<QThread*> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([path, t] {
                const HistoryStore store(path, 1000);
                for (int i = 0; i < 25; ++i)
                    store.append({entry(QStringLiteral("%1-%2").arg(t).arg(i))});
            }));
            threads.last()->start();
        }
        for (QThread* t : threads) {
            QVERIFY(t->wait(60000));
            delete t;
        }
        const QList<HistoryEntry> all = HistoryStore(path).last(0);
        QCOMPARE(all.size(), 100);
        QSet<QString> ids;
        for (const HistoryEntry& e : all)
            ids.insert(e.uuid);
        QCOMPARE(ids.size(), 100);
    }
};

QTEST_GUILESS_MAIN(TstHistoryStore)
#include "tst_historystore.moc"
