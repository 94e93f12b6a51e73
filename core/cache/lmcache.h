#pragma once

// The LM cache: the memory tier in front of the disk tier, as DSPy's dspy.cache. A disk hit is
// promoted to memory. Entries are LMResponses (outputs, model, usage) stored on disk as compact
// JSON. A hit is returned marked cacheHit with zero usage and no cost, so usage trackers skip it.

#include "cache/diskcache.h"
#include "cache/memorycache.h"
#include "lm/lm.h"

#include <memory>
#include <optional>

namespace dspy {

class LMCache
{
public:
    struct Options
    {
        bool enableMemory = true;
        bool enableDisk = true;
        QString diskPath; // empty: DiskCache::defaultPath()
        qsizetype memoryMaxEntries = 1'000'000;
        qint64 memoryMaxBytes = qint64(1) << 30;
        DiskCache::Options disk;
    };

    LMCache();
    explicit LMCache(Options options);

    // The process-wide cache ManagedLMs use unless given their own (dspy.cache). Memory and disk
    // at the default path; configure it once, before the first call, with configureGlobal.
    static std::shared_ptr<LMCache> global();
    static void configureGlobal(Options options);

    std::optional<LMResponse> lookup(const QByteArray& key);
    void store(const QByteArray& key, const LMResponse& response);

    void resetMemory();
    void flush(); // the disk tier's queued writes
    MemoryCache* memory() { return m_memory.get(); }
    DiskCache* disk() { return m_disk.get(); }

    static QByteArray serialize(const LMResponse& response);
    static std::optional<LMResponse> deserialize(const QByteArray& bytes);

private:
    std::unique_ptr<MemoryCache> m_memory;
    std::unique_ptr<DiskCache> m_disk;
};

} // namespace dspy
