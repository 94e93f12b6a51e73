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
    // DSPy's Module.__call__: forward() between on_module_start/end (inputs: the example's fields;
    // outputs: the prediction's fields, null on error), with a child context whose parentCallId
    // is this call's id. The outermost call also collects the usage of every LM call inside it
    // into the returned Prediction::lmUsage(). Call sub-modules through this, not forward().
    Prediction operator()(const Example& inputs, RunContext& ctx);

    // How callbacks name this instance, e.g. "Predict(question -> answer)".
    virtual QString instanceName() const { return QStringLiteral("Module"); }
    // Callbacks of this instance (DSPy's callbacks=[...]), fired after the global and run ones.
    void setCallbacks(std::shared_ptr<CallbackRegistry> callbacks)
    {
        m_callbacks = std::move(callbacks);
    }
    const std::shared_ptr<CallbackRegistry>& callbacks() const { return m_callbacks; }

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

private:
    std::shared_ptr<CallbackRegistry> m_callbacks;
};

} // namespace dspy
