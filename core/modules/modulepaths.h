#pragma once

// Dotted predictor paths of composite modules, as DSPy's named_parameters() builds them: a Predict
// held in attribute `name` is "name"; the predictors of a sub-module are "name.<their path>".

#include "modules/module.h"

namespace dspy {

inline QList<NamedPredictor> predictorsUnder(const QString& name, Module& sub)
{
    QList<NamedPredictor> out;
    for (const NamedPredictor& np : sub.namedPredictors()) {
        out.append(NamedPredictor{np.path == u"self" ? name : name + QLatin1Char('.') + np.path,
                                  np.predictor});
    }
    return out;
}

// The RunContext::predictorPath of attribute `name` under a caller's path.
inline QString childPredictorPath(const QString& parent, const QString& name)
{
    return parent.isEmpty() ? name : parent + QLatin1Char('.') + name;
}

} // namespace dspy
