#pragma once
// SessionStats — what a status bar shows about the LM calls of a session: calls in flight, calls
// made, cache hits, errors, tokens and cost. A Callback (add it to the registry the LMs fire) plus
// the UsageTracker the LMs add their usage to; every counter is lock-free or under the tracker's
// lock, so a GUI may poll snapshot() while workers call.
#include "lm/pricing.h"
#include "runtime/callbacks.h"

#include <atomic>
#include <memory>

namespace dspy {

struct SessionSnapshot
{
    qint64 inFlight = 0;
    qint64 calls = 0;     // LM calls finished (cache hits and errors included)
    qint64 cacheHits = 0; // answered by the request cache
    qint64 errors = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double cost = 0; // USD, calls that had a price
    // cacheHits / calls, 0 before the first call.
    double cacheHitRate() const { return calls > 0 ? double(cacheHits) / double(calls) : 0.0; }
    bool operator==(const SessionSnapshot&) const = default;
};

class SessionStats final : public Callback
{
public:
    SessionStats();

    // Give this to ManagedLMOptions::usage so tokens and cost are summed here.
    const std::shared_ptr<UsageTracker>& usage() const { return m_usage; }

    SessionSnapshot snapshot() const;
    void reset();

    void onStart(CallbackHook hook, const CallStart& start) override;
    void onEnd(CallbackHook hook, const CallEnd& end) override;

private:
    std::shared_ptr<UsageTracker> m_usage;
    std::atomic<qint64> m_inFlight{0};
    std::atomic<qint64> m_calls{0};
    std::atomic<qint64> m_cacheHits{0};
    std::atomic<qint64> m_errors{0};
};

} // namespace dspy
