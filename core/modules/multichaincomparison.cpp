#include "modules/multichaincomparison.h"

#include "adapters/valueformat.h"
#include "modules/modulepaths.h"

#include <stdexcept>

namespace dspy {

namespace {

Signature comparisonSignature(const Signature& signature, int M)
{
    Signature sig = signature;
    for (int i = 1; i <= M; ++i) {
        Field f = makeInputField(QStringLiteral("reasoning_attempt_%1").arg(i), TypeSpec::str(),
                                 QStringLiteral("${reasoning attempt}"));
        f.prefix = QStringLiteral("Student Attempt #%1:").arg(i);
        sig = sig.append(f);
    }
    Field rationale = makeOutputField(QStringLiteral("rationale"), TypeSpec::str(),
                                      QStringLiteral("${corrected reasoning}"));
    rationale.prefix =
        QStringLiteral("Accurate Reasoning: Thank you everyone. Let's now holistically");
    return sig.prepend(rationale);
}

Object withTemperature(Object config, double temperature)
{
    // Predict(signature, temperature=temperature, **config): a temperature in config would be a
    // duplicate keyword in Python; here the explicit argument wins.
    config.insert(QStringLiteral("temperature"), Value(temperature));
    return config;
}

QString firstLine(const QString& text)
{
    return pyStrip(pyStrip(text).section(QLatin1Char('\n'), 0, 0));
}

} // namespace

MultiChainComparison::MultiChainComparison(const Signature& signature, int M, double temperature,
                                           Object config)
    : m_M(M)
    , m_predict(comparisonSignature(signature, M), withTemperature(std::move(config), temperature))
{
    if (M < 1)
        throw std::invalid_argument("MultiChainComparison: M must be at least 1");
    if (signature.outputFields().isEmpty()) {
        throw std::invalid_argument(
            "MultiChainComparison: the signature needs at least one output field");
    }
    m_lastKey = signature.outputFields().last().name;
}

QString MultiChainComparison::formatAttempt(const Object& c) const
{
    // c.get("rationale", c.get("reasoning"))
    const Value& rationale =
        c.contains(u"rationale") ? c.value(u"rationale") : c.value(u"reasoning");
    if (!c.contains(u"rationale") && !c.contains(u"reasoning")) {
        throw std::invalid_argument(
            QStringLiteral("MultiChainComparison: a completion has neither `rationale` nor "
                           "`reasoning` (its fields: %1)")
                .arg(c.keys().join(QStringLiteral(", ")))
                .toStdString());
    }
    if (!c.contains(m_lastKey)) {
        throw std::invalid_argument(
            QStringLiteral("MultiChainComparison: a completion has no `%1` field (its fields: %2)")
                .arg(m_lastKey, c.keys().join(QStringLiteral(", ")))
                .toStdString());
    }
    const Value& answer = c.value(m_lastKey);
    const QString r = rationale.isString() ? rationale.toString() : rationale.toPythonStr();
    const QString a = answer.isString() ? answer.toString() : answer.toPythonStr();
    return QStringLiteral("«I'm trying to %1 I'm not sure but my prediction is %2»")
        .arg(firstLine(r), firstLine(a));
}

Prediction MultiChainComparison::forward(const QList<Prediction>& completions,
                                         const Example& inputs, RunContext& ctx)
{
    QStringList attempts;
    for (const Prediction& p : completions)
        attempts.append(formatAttempt(p.toObject()));
    return run(attempts, inputs, ctx);
}

Prediction MultiChainComparison::forward(const QList<Completion>& completions,
                                         const Example& inputs, RunContext& ctx)
{
    QStringList attempts;
    for (const Completion& c : completions)
        attempts.append(formatAttempt(c));
    return run(attempts, inputs, ctx);
}

Prediction MultiChainComparison::forward(const Example& inputs, RunContext& ctx)
{
    if (!inputs.contains(u"completions")) {
        RunContext inner = ctx.child();
        inner.predictorPath = childPredictorPath(ctx.predictorPath, QStringLiteral("predict"));
        return m_predict(inputs, inner);
    }
    const Value& list = inputs.get(u"completions");
    if (!list.isArray()) {
        throw std::invalid_argument(
            "MultiChainComparison: `completions` must be a list of completion objects");
    }
    QList<Completion> completions;
    for (const Value& v : list.toArray()) {
        if (!v.isObject()) {
            throw std::invalid_argument(
                "MultiChainComparison: each of `completions` must be an object of fields");
        }
        completions.append(v.toObject());
    }
    return forward(completions, inputs.without({QStringLiteral("completions")}), ctx);
}

Prediction MultiChainComparison::run(const QStringList& attempts, const Example& inputs,
                                     RunContext& ctx)
{
    if (attempts.size() != m_M) {
        throw std::invalid_argument(
            QStringLiteral("The number of attempts (%1) doesn't match the expected number M (%2). "
                           "Please set the correct value for M when initializing "
                           "MultiChainComparison.")
                .arg(attempts.size())
                .arg(m_M)
                .toStdString());
    }
    Object kwargs;
    for (qsizetype i = 0; i < attempts.size(); ++i)
        kwargs.insert(QStringLiteral("reasoning_attempt_%1").arg(i + 1), Value(attempts[i]));
    for (const auto& [key, value] : inputs.toObject())
        kwargs.insert(key, value);
    RunContext inner = ctx.child();
    inner.predictorPath = childPredictorPath(ctx.predictorPath, QStringLiteral("predict"));
    return m_predict(Example(std::move(kwargs)), inner);
}

QString MultiChainComparison::instanceName() const
{
    return QStringLiteral("MultiChainComparison(%1)")
        .arg(m_predict.baseSignature().signatureString());
}

std::unique_ptr<Module> MultiChainComparison::clone() const
{
    return std::make_unique<MultiChainComparison>(*this);
}

QList<NamedPredictor> MultiChainComparison::namedPredictors()
{
    return {NamedPredictor{QStringLiteral("predict"), &m_predict}};
}

} // namespace dspy
