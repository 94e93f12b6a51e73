#pragma once

// The second cache tier: one SQLite file (WAL, synchronous=NORMAL, a busy timeout) that several
// threads and several processes share. Each thread reads through its own connection (SQLite
// connections must stay on the thread that opened them); writes are queued and written by one
// writer thread in batches (every ~50 ms or 256 entries, one transaction each), so callers never
// wait on the disk.
//
// Failure is never fatal: a file that is not a database is moved aside (*.corrupt-<timestamp>) and
// recreated; a location that cannot be written disables the tier (get() misses, put() drops); an
// entry whose stored checksum does not match its bytes reads as a miss.

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

namespace dspy {

class DiskCache
{
public:
    struct Options
    {
        int flushIntervalMs = 50;
        int batchSize = 256;
        int busyTimeoutMs = 10000; // DSPy's FanoutCache timeout is 10 s
        // DSPy's disk_size_limit_bytes (DISK_CACHE_LIMIT, 30 GB). When the pages in use pass it,
        // the writer evicts the least recently stored entries (diskcache's default policy) until
        // the file is back under 90 % of it. <= 0: no limit.
        qint64 sizeLimitBytes = 30'000'000'000;
    };

    // path empty: defaultPath().
    explicit DiskCache(const QString& path = {});
    DiskCache(const QString& path, Options options);
    ~DiskCache(); // writes what is queued
    DiskCache(const DiskCache&) = delete;
    DiskCache& operator=(const DiskCache&) = delete;

    // $XDG_CACHE_HOME/dspy-workbench/lm-cache.sqlite (QStandardPaths::GenericCacheLocation).
    static QString defaultPath();

    bool isEnabled() const;
    QString path() const;
    // Where a corrupt file was moved when this cache opened (empty: it was not).
    QString movedAsidePath() const;

    // Entries still queued for writing are found too.
    std::optional<QByteArray> get(const QByteArray& key);
    void put(const QByteArray& key, const QByteArray& value);
    // Blocks until everything put before the call is written (or dropped on a write error).
    void flush();
    // Entries in the file (written ones only).
    qint64 count();
    // Bytes of the file's pages in use (page_count - freelist_count, times page_size).
    qint64 usedBytes();
    // Entries evicted by the size limit since this cache opened.
    qint64 evictedCount() const;

    struct Shared;

private:
    std::shared_ptr<Shared> d;
};

} // namespace dspy
