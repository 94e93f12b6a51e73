#pragma once

#include "modules/predict.h"

namespace dspy {

// DSPy's MultiChainComparison(signature, M=3, temperature=0.7, **config) (dspy.md §3.3): the
// signature gains inputs reasoning_attempt_1..M (prefix "Student Attempt #i:", desc
// "${reasoning attempt}") and a first output `rationale` (prefix "Accurate Reasoning: Thank you
// everyone. Let's now holistically", desc "${corrected reasoning}"), run by one Predict named
// "predict" whose config carries the temperature.
//
// forward(completions, inputs) turns each completion into
// «I'm trying to <first line of rationale/reasoning> I'm not sure but my prediction is <first
// line of the last output field>» and fails (std::invalid_argument with DSPy's assertion text)
// unless there are exactly M of them.
class MultiChainComparison final : public Module
{
public:
    explicit MultiChainComparison(const Signature& signature, int M = 3, double temperature = 0.7,
                                  Object config = {});

    int M() const { return m_M; }
    const QString& lastKey() const { return m_lastKey; }
    Predict& predict() { return m_predict; }
    const Predict& predict() const { return m_predict; }

    // The completions as separate predictions (e.g. three ChainOfThought calls) ...
    Prediction forward(const QList<Prediction>& completions, const Example& inputs,
                       RunContext& ctx);
    // ... or as the fields of each completion (a Prediction's completions(), n > 1).
    Prediction forward(const QList<Completion>& completions, const Example& inputs,
                       RunContext& ctx);
    // Module call: `inputs` carries the attempts under "completions" (a list of objects); when
    // absent, it must already hold reasoning_attempt_1..M.
    Prediction forward(const Example& inputs, RunContext& ctx) override;

    // DSPy's attempt text for one completion.
    QString formatAttempt(const Object& completion) const;

    QString instanceName() const override;
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override;

private:
    Prediction run(const QStringList& attempts, const Example& inputs, RunContext& ctx);

    int m_M;
    QString m_lastKey;
    Predict m_predict;
};

} // namespace dspy
