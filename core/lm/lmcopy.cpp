#include "lm/lmcopy.h"

namespace dspy {

LMCopy::LMCopy(LMPtr original, Object overrides)
    : m_original(std::move(original))
    , m_overrides(std::move(overrides))
{
    // A copy of a copy copies the original with both sets of overrides.
    if (auto* copy = dynamic_cast<LMCopy*>(m_original.get())) {
        Object merged = copy->m_overrides;
        for (const auto& [key, value] : m_overrides)
            merged.insert(key, value);
        m_overrides = std::move(merged);
        m_original = copy->m_original;
    }
}

Object LMCopy::kwargs() const
{
    Object out = m_original->kwargs();
    for (const auto& [key, value] : m_overrides) {
        // dspy.LM drops a None rollout_id (it would change every cache key otherwise).
        if (key == u"rollout_id" && value.isNull())
            out.remove(key);
        else
            out.insert(key, value);
    }
    return out;
}

QFuture<LMResponse> LMCopy::call(const LMRequest& request)
{
    LMRequest forwarded = request;
    // A request built without this copy's kwargs (not through Predict) still carries them.
    for (const auto& [key, value] : m_overrides) {
        if (!forwarded.kwargs.contains(key) && !(key == u"rollout_id" && value.isNull()))
            forwarded.kwargs.insert(key, value);
    }
    return m_original->call(forwarded);
}

} // namespace dspy
