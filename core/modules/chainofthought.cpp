#include "modules/chainofthought.h"

namespace dspy {

ChainOfThought::ChainOfThought(const Signature& signature, Object config)
    : m_predict(extend(signature), std::move(config))
{}

Signature ChainOfThought::extend(const Signature& signature)
{
    Field reasoning = makeOutputField(QStringLiteral("reasoning"), TypeSpec::str());
    reasoning.prefix = QStringLiteral("Reasoning:");
    reasoning.description.clear();
    return signature.prepend(reasoning);
}

Prediction ChainOfThought::forward(const Example& inputs, RunContext& ctx)
{
    RunContext inner = ctx.child();
    inner.predictorPath = ctx.predictorPath.isEmpty()
                              ? QStringLiteral("predict")
                              : ctx.predictorPath + QStringLiteral(".predict");
    // Through operator(), as DSPy's self.predict(**kwargs): the inner Predict is a module call of
    // its own for callbacks.
    return m_predict(inputs, inner);
}

QString ChainOfThought::instanceName() const
{
    return QStringLiteral("ChainOfThought(%1)").arg(m_predict.baseSignature().signatureString());
}

std::unique_ptr<Module> ChainOfThought::clone() const
{
    return std::make_unique<ChainOfThought>(*this);
}

QList<NamedPredictor> ChainOfThought::namedPredictors()
{
    return {NamedPredictor{QStringLiteral("predict"), &m_predict}};
}

} // namespace dspy
