#pragma once

// Module — a DSPy program. forward() blocks: it runs on a worker thread, never on the GUI thread.
// namedPredictors() gives DSPy's dotted paths ("predict", "generate.predict"); saveState() and
// loadState() read and write DSPy's program.save() JSON layout (dspy.md §9).

#include "data/example.h"
#include "runtime/expected.h"
#include "runtime/runcontext.h"

#include <memory>

namespace dspy {

class Predict;

struct NamedPredictor
{
    QString path;
    Predict* predictor;
};

class Module
{
public:
    virtual ~Module();
    virtual Prediction forward(const Example& inputs, RunContext& ctx) = 0;
    Prediction operator()(const Example& inputs, RunContext& ctx) { return forward(inputs, ctx); }

    virtual std::unique_ptr<Module> clone() const = 0;
    // Every Predict inside, with its dotted path, in attribute order.
    virtual QList<NamedPredictor> namedPredictors() = 0;
    QList<std::pair<QString, const Predict*>> namedPredictors() const;

    // {"<path>": predictor state, ..., "metadata": {"dependency_versions": {...}}}
    Object saveState() const;
    // All or nothing: on error the module is untouched and the message says what is wrong.
    Expected<void, QString> loadState(const Object& state);
    Expected<void, QString> loadStateFromJson(QStringView json);
    QString saveStateToJson() const; // json.dumps(indent=2, ensure_ascii=False), as program.save()
};

} // namespace dspy
