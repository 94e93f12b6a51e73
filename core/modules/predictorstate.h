#pragma once

// PredictorState — what optimizers change about one Predict, kept apart from the immutable
// Signature: instructions, per-field prefix/description overrides (as DSPy's saved state carries
// them), demos, default LM kwargs (config) and a per-predictor LM setting.

#include "data/example.h"
#include "signature/signature.h"

#include <optional>

namespace dspy {

struct FieldText
{
    QString prefix;
    QString description; // "" = none (saved as "${name}")
    bool operator==(const FieldText&) const = default;
};

struct PredictorState
{
    std::optional<QString> instructions; // nullopt: the signature's own
    QHash<QString, FieldText> fieldText; // by field name; missing: the signature's own
    QList<Example> demos;
    Object config; // LM kwargs merged into every call (temperature, n, max_tokens, ...)
    Value lm;      // DSPy's saved "lm" object (model, temperature, ...), null = inherit

    // The signature this predictor actually uses: base with instructions and field text applied.
    Signature apply(const Signature& base) const;
    bool operator==(const PredictorState&) const = default;
};

} // namespace dspy
