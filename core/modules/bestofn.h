#pragma once

#include "modules/module.h"

#include <functional>

namespace dspy {

// reward_fn(args, pred) -> float: the call's inputs and one attempt's prediction.
using RewardFn = std::function<double(const Example& args, const Prediction& prediction)>;

// DSPy's BestOfN(module, N, reward_fn, threshold, fail_count=N) (dspy.md §3.5). Each call runs up
// to N attempts; attempt i runs a clone of the module whose predictors all use
// lm.copy(rollout_id=start+i, temperature=1.0) (start: the LM's rollout_id kwarg, else 0; the LM:
// the module's one LM, else the context's), under a fresh trace, and is scored by the reward. The
// first attempt with reward >= threshold is returned at once; otherwise the best one. The best
// attempt's trace is appended to the caller's. A failing attempt (module or reward) is logged and
// counted as DSPy does: attempt idx rethrows when idx > the remaining budget (fail_count minus the
// failures so far), so with fail_count=N the k-th failure in a row rethrows once 2k > N. When
// every attempt failed without that, the result is an empty Prediction (DSPy returns None).
//
// Unlike DSPy, the failure budget is per call: DSPy decrements self.fail_count on the instance,
// so failures in one call shrink the budget of every later call (docs/modules.md).
class BestOfN final : public Module
{
public:
    BestOfN(std::unique_ptr<Module> module, int N, RewardFn rewardFn, double threshold,
            int failCount = 0); // 0: N (DSPy's `fail_count or N`)
    BestOfN(const BestOfN& other);

    Module& module() { return *m_module; }
    int N() const { return m_N; }
    double threshold() const { return m_threshold; }
    int failCount() const { return m_failCount; }

    Prediction forward(const Example& inputs, RunContext& ctx) override;
    QString instanceName() const override;
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override; // "module", "module.<path>"

    // Shared with Refine. DSPy's module.get_lm() or settings.lm: the one LM set on the module's
    // predictors, else ctx.lm. Throws when predictors use different LMs or there is none.
    static LMPtr resolveLM(Module& module, const RunContext& ctx);
    // DSPy's lm.kwargs.get("rollout_id", 0).
    static qint64 startRolloutId(const LM& lm);
    // A deep copy of `module` with every predictor set to lm.copy(rollout_id=id, temperature=1.0).
    static std::unique_ptr<Module> attemptModule(const Module& module, const LMPtr& lm,
                                                 qint64 rolloutId);
    // Cancellation is never an attempt failure.
    static bool isCancellation(std::exception_ptr e);
    static QString describe(std::exception_ptr e);

private:
    std::unique_ptr<Module> m_module;
    int m_N;
    RewardFn m_rewardFn;
    double m_threshold;
    int m_failCount;
};

} // namespace dspy
