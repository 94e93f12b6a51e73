#include "cache/diskcache.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QMutexLocker>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QtDebug>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace dspy {

namespace {

std::atomic<quint64> g_nextCacheId{1};
std::atomic<quint64> g_nextThreadSerial{1};

// SQLite's primary result codes, as QSQLITE reports them in nativeErrorCode().
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteNotADatabase = 26;

int nativeCode(const QSqlError& e)
{
    bool ok = false;
    const int code = e.nativeErrorCode().toInt(&ok);
    return ok ? code : -1;
}

bool isCorruption(const QSqlError& e)
{
    const int code = nativeCode(e);
    return code == kSqliteCorrupt || code == kSqliteNotADatabase;
}

QByteArray checksum(const QByteArray& key, const QByteArray& value)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(key);
    h.addData(QByteArrayView("\n"));
    h.addData(value);
    return h.result().toHex();
}

// This thread's open connections, one per DiskCache (by id). Closed when the thread finishes, or
// at thread exit for threads that are not QThreads, or when the cache goes away.
struct ThreadConnections
{
    QHash<quint64, QSqlDatabase> dbs;
    quint64 serial = g_nextThreadSerial.fetch_add(1);
    bool hooked = false;

    void close(quint64 id)
    {
        auto it = dbs.find(id);
        if (it == dbs.end())
            return;
        const QString name = it->connectionName();
        it->close();
        dbs.erase(it);
        QSqlDatabase::removeDatabase(name);
    }
    void closeAll()
    {
        const QList<quint64> ids = dbs.keys();
        for (quint64 id : ids)
            close(id);
    }
    ~ThreadConnections() { closeAll(); }
};

thread_local ThreadConnections t_connections;

QSqlDatabase openConnection(const QString& name, const QString& path, int busyTimeoutMs)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
    if (db.open()) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    }
    return db;
}

} // namespace

struct DiskCache::Shared
{
    QString path;
    Options options;
    quint64 id = g_nextCacheId.fetch_add(1);
    bool enabled = false;
    QString movedAside;

    QMutex mutex;
    QHash<QByteArray, QByteArray> pending;  // put, not yet taken by the writer
    QHash<QByteArray, QByteArray> inflight; // being written
    bool flushScheduled = false;
    bool warnedWrite = false;
    std::atomic<qint64> evicted{0};

    QThread* writerThread = nullptr;
    QObject* writerContext = nullptr;
    QTimer* timer = nullptr;

    QSqlDatabase connection();
    bool setup();
    void writeBatch();
    void enforceSizeLimit(QSqlDatabase& db);
};

namespace {

qint64 usedBytesOf(QSqlDatabase& db)
{
    QSqlQuery q(db);
    auto pragma = [&q](const QString& name) -> qint64 {
        return q.exec(QStringLiteral("PRAGMA ") + name) && q.next() ? q.value(0).toLongLong() : -1;
    };
    const qint64 pages = pragma(QStringLiteral("page_count"));
    const qint64 free = pragma(QStringLiteral("freelist_count"));
    const qint64 pageSize = pragma(QStringLiteral("page_size"));
    if (pages < 0 || free < 0 || pageSize < 0)
        return -1;
    return (pages - free) * pageSize;
}

} // namespace

QSqlDatabase DiskCache::Shared::connection()
{
    ThreadConnections& tc = t_connections;
    auto it = tc.dbs.constFind(id);
    if (it != tc.dbs.cend())
        return *it;
    if (!tc.hooked) {
        tc.hooked = true;
        // QThread::finished is emitted on the finishing thread while Qt is still fully alive
        // there, a safer place to close than the thread_local destructor.
        QObject::connect(QThread::currentThread(), &QThread::finished,
                         [] { t_connections.closeAll(); });
    }
    const QString name = QStringLiteral("dspy-lm-cache-%1-%2").arg(id).arg(tc.serial);
    QSqlDatabase db = openConnection(name, path, options.busyTimeoutMs);
    tc.dbs.insert(id, db);
    return db;
}

bool DiskCache::Shared::setup()
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        qWarning().noquote() << QStringLiteral(
                                    "LM cache: cannot create the directory %1; the disk cache is "
                                    "off (memory only).")
                                    .arg(info.absolutePath());
        return false;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        QSqlDatabase db = connection();
        QSqlError error = db.lastError();
        bool ok = db.isOpen();
        if (ok) {
            QSqlQuery q(db);
            // The first statement that reads the file tells a foreign or damaged file apart.
            ok = q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) &&
                 q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) &&
                 q.exec(QStringLiteral(
                     "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY NOT NULL, "
                     "value BLOB NOT NULL, checksum TEXT NOT NULL, created INTEGER NOT NULL)")) &&
                 // Eviction takes the oldest first.
                 q.exec(QStringLiteral(
                     "CREATE INDEX IF NOT EXISTS entries_created ON entries (created)"));
            if (!ok)
                error = q.lastError();
        }
        if (ok)
            return true;
        t_connections.close(id);
        if (attempt == 0 && isCorruption(error) && QFileInfo::exists(path)) {
            const QString aside =
                path + QStringLiteral(".corrupt-") +
                QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMddHHmmsszzz"));
            if (!QFile::rename(path, aside)) {
                qWarning().noquote()
                    << QStringLiteral("LM cache: %1 is not a usable database and cannot be "
                                      "moved aside; the disk cache is off (memory only).")
                           .arg(path);
                return false;
            }
            // A stale WAL belongs to the old file and must not be replayed into the new one.
            QFile::remove(path + QStringLiteral("-wal"));
            QFile::remove(path + QStringLiteral("-shm"));
            movedAside = aside;
            qWarning().noquote()
                << QStringLiteral("LM cache: %1 was corrupt (%2); moved it to %3 and started a "
                                  "new cache.")
                       .arg(path, error.text(), aside);
            continue;
        }
        qWarning().noquote() << QStringLiteral(
                                    "LM cache: cannot open %1 (%2); the disk cache is off "
                                    "(memory only).")
                                    .arg(path, error.text());
        return false;
    }
    return false;
}

void DiskCache::Shared::writeBatch()
{
    {
        QMutexLocker lock(&mutex);
        flushScheduled = false;
        if (pending.isEmpty())
            return;
        inflight = std::move(pending);
        pending = {};
    }
    QSqlDatabase db = connection();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    bool ok = db.isOpen() && db.transaction();
    QSqlError error = db.lastError();
    if (ok) {
        QSqlQuery q(db);
        ok = q.prepare(QStringLiteral("INSERT OR REPLACE INTO entries (key, value, checksum, "
                                      "created) VALUES (?, ?, ?, ?)"));
        for (auto it = inflight.cbegin(); ok && it != inflight.cend(); ++it) {
            q.bindValue(0, QString::fromLatin1(it.key()));
            q.bindValue(1, it.value());
            q.bindValue(2, QString::fromLatin1(checksum(it.key(), it.value())));
            q.bindValue(3, now);
            ok = q.exec();
        }
        if (!ok)
            error = q.lastError();
        ok = ok ? db.commit() : (db.rollback(), false);
        if (!ok && !error.isValid())
            error = db.lastError();
        if (ok)
            enforceSizeLimit(db);
    }
    QMutexLocker lock(&mutex);
    if (!ok && !warnedWrite) {
        warnedWrite = true;
        qWarning().noquote() << QStringLiteral("LM cache: writing to %1 failed (%2); those "
                                               "entries stay in memory only.")
                                    .arg(path, error.text());
    }
    inflight.clear();
}

void DiskCache::Shared::enforceSizeLimit(QSqlDatabase& db)
{
    const qint64 limit = options.sizeLimitBytes;
    if (limit <= 0)
        return;
    qint64 used = usedBytesOf(db);
    // Each round deletes the share of entries by which the file is over 90 % of the limit; the
    // freed pages are reused by later writes, so the file stops growing near the limit.
    for (int round = 0; round < 8 && used > limit; ++round) {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT count(*) FROM entries")) || !q.next())
            return;
        const qint64 count = q.value(0).toLongLong();
        if (count == 0)
            return;
        const double over = double(used - limit * 9 / 10) / double(used);
        const qint64 victims =
            std::clamp<qint64>(qint64(std::ceil(over * double(count))), 1, count);
        if (!db.transaction())
            return;
        q.prepare(QStringLiteral("DELETE FROM entries WHERE key IN (SELECT key FROM entries "
                                 "ORDER BY created, rowid LIMIT ?)"));
        q.bindValue(0, victims);
        if (!q.exec() || !db.commit()) {
            db.rollback();
            return;
        }
        evicted.fetch_add(q.numRowsAffected());
        used = usedBytesOf(db);
    }
}

DiskCache::DiskCache(const QString& path)
    : DiskCache(path, Options())
{}

DiskCache::DiskCache(const QString& path, Options options)
    : d(std::make_shared<Shared>())
{
    d->path = path.isEmpty() ? defaultPath() : path;
    d->options = options;
    d->enabled = !d->path.isEmpty() && d->setup();
    if (!d->enabled)
        return;
    d->writerThread = new QThread();
    d->writerThread->setObjectName(QStringLiteral("dspy-cache-writer"));
    d->writerContext = new QObject();
    d->timer = new QTimer(d->writerContext);
    d->timer->setSingleShot(true);
    d->timer->setInterval(d->options.flushIntervalMs);
    Shared* s = d.get();
    QObject::connect(d->timer, &QTimer::timeout, d->writerContext, [s] { s->writeBatch(); });
    d->writerContext->moveToThread(d->writerThread);
    d->writerThread->start();
}

DiskCache::~DiskCache()
{
    if (d->writerThread) {
        flush();
        Shared* s = d.get();
        // The writer's connection and timer belong to the writer thread: end them there.
        QMetaObject::invokeMethod(
            d->writerContext,
            [s] {
                t_connections.close(s->id);
                delete s->writerContext;
                s->writerContext = nullptr;
            },
            Qt::BlockingQueuedConnection);
        d->writerThread->quit();
        d->writerThread->wait();
        delete d->writerThread;
    }
    t_connections.close(d->id);
}

QString DiskCache::defaultPath()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (base.isEmpty())
        return {};
    return base + QStringLiteral("/dspy-workbench/lm-cache.sqlite");
}

bool DiskCache::isEnabled() const
{
    return d->enabled;
}

QString DiskCache::path() const
{
    return d->path;
}

QString DiskCache::movedAsidePath() const
{
    return d->movedAside;
}

std::optional<QByteArray> DiskCache::get(const QByteArray& key)
{
    if (!d->enabled)
        return std::nullopt;
    {
        QMutexLocker lock(&d->mutex);
        if (auto it = d->pending.constFind(key); it != d->pending.cend())
            return *it;
        if (auto it = d->inflight.constFind(key); it != d->inflight.cend())
            return *it;
    }
    QSqlDatabase db = d->connection();
    if (!db.isOpen())
        return std::nullopt;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT value, checksum FROM entries WHERE key = ?")))
        return std::nullopt;
    q.addBindValue(QString::fromLatin1(key));
    if (!q.exec() || !q.next())
        return std::nullopt;
    QByteArray value = q.value(0).toByteArray();
    const QByteArray stored = q.value(1).toString().toLatin1();
    if (stored != checksum(key, value)) {
        qWarning().noquote() << QStringLiteral("LM cache: entry %1 in %2 fails its checksum; "
                                               "ignoring it.")
                                    .arg(QString::fromLatin1(key), d->path);
        return std::nullopt;
    }
    return value;
}

void DiskCache::put(const QByteArray& key, const QByteArray& value)
{
    if (!d->enabled)
        return;
    bool writeNow = false;
    bool startTimer = false;
    {
        QMutexLocker lock(&d->mutex);
        d->pending.insert(key, value);
        writeNow = d->pending.size() >= d->options.batchSize;
        startTimer = !writeNow && !d->flushScheduled;
        d->flushScheduled = true;
    }
    Shared* s = d.get();
    if (writeNow)
        QMetaObject::invokeMethod(
            d->writerContext, [s] { s->writeBatch(); }, Qt::QueuedConnection);
    else if (startTimer)
        QMetaObject::invokeMethod(
            d->timer, [s] { s->timer->start(); }, Qt::QueuedConnection);
}

void DiskCache::flush()
{
    if (!d->enabled || !d->writerContext)
        return;
    Shared* s = d.get();
    if (QThread::currentThread() == d->writerThread)
        s->writeBatch();
    else
        QMetaObject::invokeMethod(
            d->writerContext, [s] { s->writeBatch(); }, Qt::BlockingQueuedConnection);
}

qint64 DiskCache::usedBytes()
{
    if (!d->enabled)
        return 0;
    QSqlDatabase db = d->connection();
    return std::max<qint64>(usedBytesOf(db), 0);
}

qint64 DiskCache::evictedCount() const
{
    return d->evicted.load();
}

qint64 DiskCache::count()
{
    if (!d->enabled)
        return 0;
    QSqlDatabase db = d->connection();
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM entries")) || !q.next())
        return 0;
    return q.value(0).toLongLong();
}

} // namespace dspy
