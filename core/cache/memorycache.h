#pragma once

// The first cache tier: an in-memory LRU split into 16 shards, each behind its own mutex, so that
// many worker threads hitting the cache at once rarely wait on each other. Bounded by entries and
// by bytes; each shard holds a sixteenth of both bounds, so the totals are approximate by at most
// one shard's worth of skew.

#include "lm/lm.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>

#include <array>
#include <list>
#include <memory>

namespace dspy {

class MemoryCache
{
public:
    static constexpr int kShards = 16;

    // DSPy's memory_max_entries is 1,000,000; bytes bound it as well so a few huge responses
    // cannot take the machine's memory.
    explicit MemoryCache(qsizetype maxEntries = 1'000'000, qint64 maxBytes = qint64(1) << 30);

    // The cached response (shared, immutable), or nullptr. A hit becomes the most recent entry.
    std::shared_ptr<const LMResponse> get(const QByteArray& key);
    // Inserts or replaces; evicts least recently used entries of the shard past its bounds. An
    // entry bigger than a whole shard's byte budget is not kept.
    void put(const QByteArray& key, std::shared_ptr<const LMResponse> value);
    bool remove(const QByteArray& key);
    void clear();

    qsizetype size() const;
    qint64 bytes() const;
    qsizetype maxEntries() const { return m_maxEntries; }
    qint64 maxBytes() const { return m_maxBytes; }

    // What an entry is charged against the byte bound: the key, the texts and a fixed overhead.
    static qint64 costOf(const QByteArray& key, const LMResponse& value);

private:
    struct Node
    {
        QByteArray key;
        std::shared_ptr<const LMResponse> value;
        qint64 cost = 0;
    };
    struct Shard
    {
        mutable QMutex mutex;
        std::list<Node> lru; // front: most recently used
        QHash<QByteArray, std::list<Node>::iterator> index;
        qint64 bytes = 0;
    };

    Shard& shardFor(const QByteArray& key);
    void evict(Shard& shard);

    qsizetype m_maxEntries;
    qint64 m_maxBytes;
    qsizetype m_shardEntries;
    qint64 m_shardBytes;
    std::array<Shard, kShards> m_shards;
};

} // namespace dspy
