#pragma once

// ManagedLM — what dspy.LM does around the transport: default kwargs (lm.kwargs), the request
// cache, history, callbacks, usage and cost. It wraps any LM (an HTTP client, the simulator, a
// ScriptedLM) and is itself an LM.
//
// One call: merge kwargs (the LM's, then the call's; a null rollout_id is dropped) → on_lm_start
// → cache lookup (unless this LM or the call opts out) → on a miss the inner call, then the cache
// store on success → history (per LM and global; api_* kwargs stripped) → usage and cost →
// on_lm_end. A hit is a copy marked cacheHit with zero usage and no cost.

#include "cache/lmcache.h"
#include "lm/history.h"
#include "lm/pricing.h"
#include "runtime/callbacks.h"

#include <memory>

namespace dspy {

struct ManagedLMOptions
{
    bool cache = true;                           // dspy.LM(cache=...)
    std::shared_ptr<LMCache> cacheStore;         // nullptr: LMCache::global()
    std::shared_ptr<CallbackRegistry> callbacks; // this instance's (besides the global ones)
    std::shared_ptr<const PriceTable> prices;    // nullptr: no cost
    std::shared_ptr<UsageTracker> usage;         // nullptr: not tracked
    bool disableHistory = false;                 // settings.disable_history
    qsizetype maxHistory = History::kDefaultCapacity;
    History* globalHistory = nullptr; // nullptr: History::global()
    QString modelType = QStringLiteral("chat");
    QString fnIdentifier; // empty: DSPy's chat completion identifier
};

class ManagedLM final : public LM
{
public:
    // kwargs: lm.kwargs, e.g. {temperature: null, max_tokens: null} as dspy.LM keeps them.
    ManagedLM(LMPtr inner, Object kwargs = {}, ManagedLMOptions options = {});

    // dspy.LM(model, temperature=None, max_tokens=None, **kwargs): kwargs start with
    // temperature and max_tokens (nulls kept, they are part of the cache key).
    static std::shared_ptr<ManagedLM> create(LMPtr inner, Value temperature = {},
                                             Value maxTokens = {}, Object extra = {},
                                             ManagedLMOptions options = {});

    QString model() const override;
    Object kwargs() const override;
    QFuture<LMResponse> call(const LMRequest& request) override;
    bool supportsResponseFormat() const override;
    bool supportsResponseSchema() const override;

    // lm.copy(**kw): same inner LM, fresh history, copied callbacks and kwargs. A key "cache"
    // sets the cache flag; any other key sets that request kwarg, a null value removes it.
    std::shared_ptr<ManagedLM> copy(const Object& overrides = {}) const;

    LMPtr inner() const { return m_inner; }
    bool cacheEnabled() const { return m_options.cache; }
    const ManagedLMOptions& options() const { return m_options; }
    History& history() { return *m_history; }
    QString inspectHistory(qsizetype n = 1, bool colors = false) const;

private:
    struct Shared;

    LMPtr m_inner;
    Object m_kwargs;
    ManagedLMOptions m_options;
    // What an in-flight call still needs after this object is gone.
    std::shared_ptr<Shared> d;
    std::shared_ptr<History> m_history;
};

} // namespace dspy
