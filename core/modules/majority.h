#pragma once

// majority() — DSPy's dspy.majority (dspy.md §3.9): the most common value of one field over a
// prediction's completions (or a list of completions), compared after normalize; completions whose
// normalized value is None are ignored (unless all are); ties go to the value seen first. Returns
// a Prediction of the first completion holding the winning value.

#include "data/example.h"

#include <functional>
#include <optional>

namespace dspy {

// nullopt: ignore this completion (DSPy's normalize returning None).
using MajorityNormalize = std::function<std::optional<QString>(const Value&)>;

// DSPy's default_normalize: normalize_text(str(value)) or None (None and "" are ignored).
std::optional<QString> majorityDefaultNormalize(const Value& value);

// `field` empty: the last output field (the last key of the first completion). An empty
// `normalize` compares the values themselves. Throws std::invalid_argument when there are no
// completions.
Prediction majority(const Prediction& prediction,
                    const MajorityNormalize& normalize = majorityDefaultNormalize,
                    const QString& field = {});
Prediction majority(const QList<Completion>& completions,
                    const MajorityNormalize& normalize = majorityDefaultNormalize,
                    const QString& field = {});

} // namespace dspy
