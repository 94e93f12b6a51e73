#include "runtime/sessionstats.h"

namespace dspy {

SessionStats::SessionStats()
    : m_usage(std::make_shared<UsageTracker>())
{}

SessionSnapshot SessionStats::snapshot() const
{
    SessionSnapshot s;
    s.inFlight = std::max<qint64>(0, m_inFlight.load(std::memory_order_relaxed));
    s.calls = m_calls.load(std::memory_order_relaxed);
    s.cacheHits = m_cacheHits.load(std::memory_order_relaxed);
    s.errors = m_errors.load(std::memory_order_relaxed);
    const UsageTracker::Entry total = m_usage->total();
    s.promptTokens = total.usage.promptTokens;
    s.completionTokens = total.usage.completionTokens;
    s.cost = total.cost;
    return s;
}

void SessionStats::reset()
{
    m_calls = 0;
    m_cacheHits = 0;
    m_errors = 0;
    m_usage->reset();
}

void SessionStats::onStart(CallbackHook hook, const CallStart&)
{
    if (hook == CallbackHook::LM)
        m_inFlight.fetch_add(1, std::memory_order_relaxed);
}

void SessionStats::onEnd(CallbackHook hook, const CallEnd& end)
{
    if (hook != CallbackHook::LM)
        return;
    m_inFlight.fetch_sub(1, std::memory_order_relaxed);
    m_calls.fetch_add(1, std::memory_order_relaxed);
    if (!end.error.isEmpty())
        m_errors.fetch_add(1, std::memory_order_relaxed);
    if (end.metadata.value(QStringLiteral("cache_hit")).toBool())
        m_cacheHits.fetch_add(1, std::memory_order_relaxed);
}

} // namespace dspy
