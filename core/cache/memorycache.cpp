#include "cache/memorycache.h"

#include <QMutexLocker>

namespace dspy {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

} // namespace

MemoryCache::MemoryCache(qsizetype maxEntries, qint64 maxBytes)
    : m_maxEntries(std::max<qsizetype>(maxEntries, 0))
    , m_maxBytes(std::max<qint64>(maxBytes, 0))
    , m_shardEntries((m_maxEntries + kShards - 1) / kShards)
    , m_shardBytes((m_maxBytes + kShards - 1) / kShards)
{}

MemoryCache::Shard& MemoryCache::shardFor(const QByteArray& key)
{
    // Keys are SHA-256 hex, so the first digit is already uniform; anything else is hashed.
    if (!key.isEmpty()) {
        const int h = hexValue(key.at(0));
        if (h >= 0)
            return m_shards[size_t(h)];
    }
    return m_shards[size_t(qHash(key) % kShards)];
}

qint64 MemoryCache::costOf(const QByteArray& key, const LMResponse& value)
{
    qint64 cost = 256 + key.size() + 2 * (value.model.size() + value.requestId.size());
    for (const LMOutput& out : value.outputs) {
        cost += 64 + 2 * (out.text.size() + out.reasoningContent.size() + out.finishReason.size());
        if (!out.toolCalls.isNull())
            cost += 2 * out.toolCalls.toJson().size();
    }
    return cost;
}

std::shared_ptr<const LMResponse> MemoryCache::get(const QByteArray& key)
{
    Shard& shard = shardFor(key);
    QMutexLocker lock(&shard.mutex);
    const auto it = shard.index.constFind(key);
    if (it == shard.index.cend())
        return nullptr;
    shard.lru.splice(shard.lru.begin(), shard.lru, it.value());
    return it.value()->value;
}

void MemoryCache::evict(Shard& shard)
{
    while (!shard.lru.empty() &&
           (qsizetype(shard.lru.size()) > m_shardEntries || shard.bytes > m_shardBytes)) {
        Node& victim = shard.lru.back();
        shard.bytes -= victim.cost;
        shard.index.remove(victim.key);
        shard.lru.pop_back();
    }
}

void MemoryCache::put(const QByteArray& key, std::shared_ptr<const LMResponse> value)
{
    if (!value)
        return;
    const qint64 cost = costOf(key, *value);
    Shard& shard = shardFor(key);
    QMutexLocker lock(&shard.mutex);
    const auto it = shard.index.constFind(key);
    if (it != shard.index.cend()) {
        shard.bytes -= it.value()->cost;
        shard.lru.erase(it.value());
        shard.index.erase(it);
    }
    if (cost > m_shardBytes || m_shardEntries == 0)
        return;
    shard.lru.push_front(Node{key, std::move(value), cost});
    shard.index.insert(key, shard.lru.begin());
    shard.bytes += cost;
    evict(shard);
}

bool MemoryCache::remove(const QByteArray& key)
{
    Shard& shard = shardFor(key);
    QMutexLocker lock(&shard.mutex);
    const auto it = shard.index.constFind(key);
    if (it == shard.index.cend())
        return false;
    shard.bytes -= it.value()->cost;
    shard.lru.erase(it.value());
    shard.index.erase(it);
    return true;
}

void MemoryCache::clear()
{
    for (Shard& shard : m_shards) {
        QMutexLocker lock(&shard.mutex);
        shard.lru.clear();
        shard.index.clear();
        shard.bytes = 0;
    }
}

qsizetype MemoryCache::size() const
{
    qsizetype n = 0;
    for (const Shard& shard : m_shards) {
        QMutexLocker lock(&shard.mutex);
        n += qsizetype(shard.lru.size());
    }
    return n;
}

qint64 MemoryCache::bytes() const
{
    qint64 n = 0;
    for (const Shard& shard : m_shards) {
        QMutexLocker lock(&shard.mutex);
        n += shard.bytes;
    }
    return n;
}

} // namespace dspy
