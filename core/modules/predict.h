#pragma once

#include "modules/module.h"
#include "modules/predictorstate.h"

#include <QMutex>

namespace dspy {

// Overrides for one call, like DSPy's privileged kwargs.
struct PredictCallOptions
{
    std::optional<Signature> signature;
    std::optional<QList<Example>> demos;
    Object config; // merged over the predictor's config
    LMPtr lm;      // over the predictor's and the context's
};

class Predict final : public Module
{
public:
    explicit Predict(Signature signature, Object config = {});

    const Signature& baseSignature() const { return m_signature; }
    // The signature with the state's instructions and field text applied.
    Signature signature() const;
    PredictorState& state() { return m_state; }
    const PredictorState& state() const { return m_state; }
    QList<Example>& demos() { return m_state.demos; }
    const QList<Example>& demos() const { return m_state.demos; }
    void setLM(LMPtr lm) { m_lm = std::move(lm); }
    LMPtr lm() const { return m_lm; }

    QString instanceName() const override;
    Prediction forward(const Example& inputs, RunContext& ctx) override;
    Prediction call(const Example& inputs, RunContext& ctx, const PredictCallOptions& options);

    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override;

    // DSPy's Predict.dump_state() / load_state(): traces, train, demos, signature, lm.
    Object dumpState() const;
    Expected<PredictorState, QString> stateFromJson(const Object& state) const;

    // The LM kwargs a call sends after DSPy's rules (config merge, the n > 1 temperature rule).
    Object effectiveConfig(const LM& lm, const Object& callConfig) const;

private:
    Signature m_signature;
    PredictorState m_state;
    LMPtr m_lm;

    // The last applied signature, reused while the state's instructions and field text are
    // unchanged, so the adapters' per-signature memo keeps hitting. Shared by clones (it is
    // validated against the state on every use); guarded by its own mutex for parallel callers.
    struct AppliedSignature
    {
        QMutex mutex;
        const void* base = nullptr; // the base signature's identity
        std::optional<QString> instructions;
        QHash<QString, FieldText> fieldText;
        std::optional<Signature> signature;
    };
    std::shared_ptr<AppliedSignature> m_applied = std::make_shared<AppliedSignature>();
};

} // namespace dspy
