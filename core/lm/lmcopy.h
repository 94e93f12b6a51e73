#pragma once

// LMCopy — DSPy's lm.copy(**kwargs): the same LM with some kwargs replaced (BestOfN and Refine
// use rollout_id=start+i, temperature=1.0). Calls go to the original LM, so the copy shares its
// client, cache, history and limits; only the kwargs a Predict merges into the request differ
// (and with them the cache key, which includes rollout_id).

#include "lm/lm.h"

namespace dspy {

class LMCopy final : public LM
{
public:
    LMCopy(LMPtr original, Object overrides);

    const LMPtr& original() const { return m_original; }
    QString model() const override { return m_original->model(); }
    Object kwargs() const override; // the original's kwargs with the overrides applied
    QFuture<LMResponse> call(const LMRequest& request) override;
    bool supportsResponseFormat() const override { return m_original->supportsResponseFormat(); }
    bool supportsResponseSchema() const override { return m_original->supportsResponseSchema(); }

private:
    LMPtr m_original;
    Object m_overrides;
};

} // namespace dspy
