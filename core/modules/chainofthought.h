#pragma once

#include "modules/predict.h"

namespace dspy {

// ChainOfThought: the signature with `reasoning` prepended as the first output field, run by a
// single inner Predict named "predict".
class ChainOfThought final : public Module
{
public:
    explicit ChainOfThought(const Signature& signature, Object config = {});

    Predict& predict() { return m_predict; }
    const Predict& predict() const { return m_predict; }

    QString instanceName() const override;
    Prediction forward(const Example& inputs, RunContext& ctx) override;
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override;

    // sig.prepend("reasoning", OutputField(desc="${reasoning}"), str)
    static Signature extend(const Signature& signature);

private:
    Predict m_predict;
};

} // namespace dspy
