#pragma once

// Retrieve(k=3) — DSPy's dspy.Retrieve (dspy.md §3.8): asks a Retriever for the top k passages of
// inputs["query"] and returns Prediction(passages=[text, ...]) as DSPy does, plus two fields DSPy
// does not have and code reading `passages` never sees: `ids` (the passages' ids) and `scores`
// (the backend's scores, higher is better), in the same order.
//
// DSPy reads the retriever from dspy.settings.rm; RunContext has none, so it is set here
// (setRetriever). inputs["k"], when present, overrides k for that call (DSPy's forward(query, k)).
// Callbacks fire through Module::operator() like any module (on_module_start/end).
//
// DSPy saves a Retrieve as {"k": 3}; dumpState()/loadDumpedState() read and write that entry for
// the program that holds this module (Module::saveState() only walks predictors).

#include "modules/module.h"
#include "retrieve/retriever.h"

namespace dspy {

class Retrieve final : public Module
{
public:
    explicit Retrieve(int k = 3, RetrieverPtr retriever = {});

    int k() const { return m_k; }
    void setK(int k);
    const RetrieverPtr& retriever() const { return m_retriever; }
    void setRetriever(RetrieverPtr retriever) { m_retriever = std::move(retriever); }

    // inputs: {"query": str, "k"?: int}. Throws RetrieverError when no retriever is set, the query
    // is not a string, k is not a positive integer, or the retriever fails.
    Prediction forward(const Example& inputs, RunContext& ctx) override;
    QString instanceName() const override;
    std::unique_ptr<Module> clone() const override; // shares the retriever
    QList<NamedPredictor> namedPredictors() override { return {}; }

    Object dumpState() const; // {"k": k}
    // {"k": positive int}; all or nothing.
    Expected<void, QString> loadDumpedState(const Object& state);

private:
    int m_k = 3;
    RetrieverPtr m_retriever;
};

} // namespace dspy
