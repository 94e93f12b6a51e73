#pragma once

#include "modules/bestofn.h"
#include "modules/predict.h"

#include <optional>

namespace dspy {

// DSPy's Refine(module, N, reward_fn, threshold, fail_count=N) (dspy.md §3.6): BestOfN's loop
// (clone, lm.copy(rollout_id=start+i, temperature=1.0), fresh trace, early exit at the threshold,
// the best attempt's trace appended to the caller's) plus feedback: after each attempt below the
// threshold except the last, Predict(OfferFeedback) — DSPy's signature text — gets the program,
// its modules, inputs, trajectory, outputs, the reward code, threshold and value (orjson-style
// JSON, indent 2), and its `advice` (predictor name -> text) reaches the next attempt through a
// HintAdapter as the input field `hint_`. The feedback call runs with the caller's context (LM,
// adapter, trace), as DSPy's runs under settings.
//
// program_code and reward_code are Python source in DSPy (inspect.getsource); C++ has none, so by
// default program_code describes the module's structure (describeProgram()) and reward_code says
// the reward is a C++ callable; setProgramCode() / setRewardCode() give better text (e.g. the
// JavaScript of a reward). fail_count is per call, as in BestOfN (docs/modules.md).
class Refine final : public Module
{
public:
    Refine(std::unique_ptr<Module> module, int N, RewardFn rewardFn,
           std::optional<double> threshold, int failCount = 0); // 0: N
    Refine(const Refine& other);

    Module& module() { return *m_module; }
    int N() const { return m_N; }
    void setProgramCode(QString code) { m_programCode = std::move(code); }
    void setRewardCode(QString code) { m_rewardCode = std::move(code); }
    const QString& programCode() const { return m_programCode; }
    const QString& rewardCode() const { return m_rewardCode; }

    Prediction forward(const Example& inputs, RunContext& ctx) override;
    QString instanceName() const override;
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override; // "module", "module.<path>"

    // DSPy's OfferFeedback signature, byte for byte.
    static Signature offerFeedbackSignature();
    // DSPy's inspect_modules(program): each predictor's fields and instructions.
    static QString inspectModules(Module& program);
    // The stand-in for inspect.getsource(module.__class__).
    static QString describeProgram(Module& program);

private:
    std::unique_ptr<Module> m_module;
    int m_N;
    RewardFn m_rewardFn;
    std::optional<double> m_threshold;
    int m_failCount;
    QString m_programCode;
    QString m_rewardCode;
};

} // namespace dspy
