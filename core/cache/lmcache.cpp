#include "cache/lmcache.h"

#include <QCoreApplication>
#include <QMutex>
#include <QMutexLocker>

namespace dspy {

namespace {

QMutex g_globalMutex;
std::shared_ptr<LMCache>& globalSlot()
{
    static std::shared_ptr<LMCache> slot;
    return slot;
}

void releaseGlobal()
{
    std::shared_ptr<LMCache> cache;
    {
        QMutexLocker lock(&g_globalMutex);
        cache = std::move(globalSlot());
    }
    // Destroyed outside the lock: it flushes queued writes and joins its writer thread.
}

// What a hit hands out: a copy, so callers never share (or alter) the cached one.
LMResponse asHit(const LMResponse& cached)
{
    LMResponse r = cached;
    r.usage = LMUsage();
    r.cacheHit = true;
    r.cost.reset();
    r.error.reset();
    return r;
}

} // namespace

LMCache::LMCache()
    : LMCache(Options())
{}

LMCache::LMCache(Options options)
{
    if (options.enableMemory)
        m_memory = std::make_unique<MemoryCache>(options.memoryMaxEntries, options.memoryMaxBytes);
    if (options.enableDisk) {
        m_disk = std::make_unique<DiskCache>(options.diskPath, options.disk);
        if (!m_disk->isEnabled())
            m_disk.reset();
    }
}

std::shared_ptr<LMCache> LMCache::global()
{
    QMutexLocker lock(&g_globalMutex);
    std::shared_ptr<LMCache>& slot = globalSlot();
    if (!slot) {
        slot = std::make_shared<LMCache>();
        // Released while the application object still exists: left to static destruction, its
        // disk tier would close SQLite connections after QtSql's own globals are gone (a crash
        // at exit in every program that used the global cache).
        if (QCoreApplication::instance())
            qAddPostRoutine(releaseGlobal);
    }
    return slot;
}

void LMCache::configureGlobal(Options options)
{
    auto cache = std::make_shared<LMCache>(std::move(options));
    QMutexLocker lock(&g_globalMutex);
    globalSlot() = std::move(cache);
}

std::optional<LMResponse> LMCache::lookup(const QByteArray& key)
{
    if (m_memory) {
        if (std::shared_ptr<const LMResponse> hit = m_memory->get(key))
            return asHit(*hit);
    }
    if (m_disk) {
        if (std::optional<QByteArray> bytes = m_disk->get(key)) {
            if (std::optional<LMResponse> response = deserialize(*bytes)) {
                if (m_memory)
                    m_memory->put(key, std::make_shared<const LMResponse>(*response));
                return asHit(*response);
            }
        }
    }
    return std::nullopt;
}

void LMCache::store(const QByteArray& key, const LMResponse& response)
{
    if (response.error)
        return;
    if (m_memory) {
        auto stored = std::make_shared<LMResponse>(response);
        stored->cacheHit = false;
        m_memory->put(key, std::move(stored));
    }
    if (m_disk)
        m_disk->put(key, serialize(response));
}

void LMCache::resetMemory()
{
    if (m_memory)
        m_memory->clear();
}

void LMCache::flush()
{
    if (m_disk)
        m_disk->flush();
}

QByteArray LMCache::serialize(const LMResponse& response)
{
    Array outputs;
    outputs.reserve(response.outputs.size());
    for (const LMOutput& out : response.outputs) {
        Object o{{QStringLiteral("text"), Value(out.text)}};
        if (!out.reasoningContent.isEmpty())
            o.insert(QStringLiteral("reasoning_content"), Value(out.reasoningContent));
        if (!out.toolCalls.isNull())
            o.insert(QStringLiteral("tool_calls"), out.toolCalls);
        if (!out.finishReason.isEmpty())
            o.insert(QStringLiteral("finish_reason"), Value(out.finishReason));
        outputs.append(Value(std::move(o)));
    }
    Object usage{{QStringLiteral("prompt_tokens"), Value(response.usage.promptTokens)},
                 {QStringLiteral("completion_tokens"), Value(response.usage.completionTokens)},
                 {QStringLiteral("total_tokens"), Value(response.usage.totalTokens)},
                 {QStringLiteral("cached_tokens"), Value(response.usage.cachedTokens)}};
    Object root{{QStringLiteral("model"), Value(response.model)},
                {QStringLiteral("outputs"), Value(std::move(outputs))},
                {QStringLiteral("usage"), Value(std::move(usage))}};
    if (!response.requestId.isEmpty())
        root.insert(QStringLiteral("request_id"), Value(response.requestId));
    JsonStyle style;
    style.ensureAscii = false;
    return Value(std::move(root)).toJson(style).toUtf8();
}

std::optional<LMResponse> LMCache::deserialize(const QByteArray& bytes)
{
    const std::optional<Value> parsed = Value::fromJson(QString::fromUtf8(bytes));
    if (!parsed || !parsed->isObject())
        return std::nullopt;
    const Object& root = parsed->toObject();
    if (!root.value(u"model").isString() || !root.value(u"outputs").isArray())
        return std::nullopt;
    LMResponse r;
    r.model = root.value(u"model").toString();
    r.requestId = root.value(u"request_id").toString();
    for (const Value& v : root.value(u"outputs").toArray()) {
        if (!v.isObject())
            return std::nullopt;
        const Object& o = v.toObject();
        LMOutput out;
        out.text = o.value(u"text").toString();
        out.reasoningContent = o.value(u"reasoning_content").toString();
        out.toolCalls = o.value(u"tool_calls");
        out.finishReason = o.value(u"finish_reason").toString();
        r.outputs.append(std::move(out));
    }
    const Object& usage = root.value(u"usage").toObject();
    r.usage.promptTokens = usage.value(u"prompt_tokens").toInt();
    r.usage.completionTokens = usage.value(u"completion_tokens").toInt();
    r.usage.totalTokens = usage.value(u"total_tokens").toInt();
    r.usage.cachedTokens = usage.value(u"cached_tokens").toInt();
    return r;
}

} // namespace dspy
