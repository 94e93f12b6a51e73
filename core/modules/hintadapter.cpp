#include "modules/hintadapter.h"

#include "runtime/runcontext.h"

namespace dspy {

HintAdapter::HintAdapter(AdapterPtr inner, QHash<QString, QString> advice,
                         std::function<QString(const QString&)> nameOf)
    : m_inner(std::move(inner))
    , m_advice(std::move(advice))
    , m_nameOf(std::move(nameOf))
{}

Field HintAdapter::hintField()
{
    // signature.append("hint_", InputField(desc=...)): no annotation, so str.
    return makeInputField(QStringLiteral("hint_"), TypeSpec::str(),
                          QStringLiteral("A hint to the module from an earlier run"));
}

QList<ChatMessage> HintAdapter::format(const Signature& signature, const QList<Example>& demos,
                                       const Object& inputs) const
{
    return m_inner->format(signature, demos, inputs);
}

ParseResult HintAdapter::parse(const Signature& signature, const QString& completion) const
{
    return m_inner->parse(signature, completion);
}

QString HintAdapter::formatFieldsWithValues(const Signature& signature, const Object& values) const
{
    return m_inner->formatFieldsWithValues(signature, values);
}

void HintAdapter::prepareRequest(const Signature& signature, const LM& lm, LMRequest& request,
                                 int attempt) const
{
    m_inner->prepareRequest(signature, lm, request, attempt);
}

QList<Completion> HintAdapter::call(LM& lm, const Object& lmKwargs, const Signature& signature,
                                    const QList<Example>& demos, const Object& inputs,
                                    RunContext& ctx) const
{
    AdapterCallReport report;
    return callWithReport(lm, lmKwargs, signature, demos, inputs, ctx, report);
}

QList<Completion> HintAdapter::callWithReport(LM& lm, const Object& lmKwargs,
                                              const Signature& signature,
                                              const QList<Example>& demos, const Object& inputs,
                                              RunContext& ctx, AdapterCallReport& report) const
{
    Object withHint = inputs;
    const QString name = m_nameOf ? m_nameOf(ctx.predictorPath) : ctx.predictorPath;
    withHint.insert(QStringLiteral("hint_"), Value(m_advice.value(name, QStringLiteral("N/A"))));
    return m_inner->callWithReport(lm, lmKwargs, signature.append(hintField()), demos, withHint,
                                   ctx, report);
}

QList<ChatMessage> HintAdapter::formatDemos(const Signature& signature,
                                            const QList<Example>& demos) const
{
    return m_inner->formatDemos(signature, demos);
}

QString HintAdapter::formatFieldDescription(const Signature& signature) const
{
    return m_inner->formatFieldDescription(signature);
}

QString HintAdapter::formatFieldStructure(const Signature& signature) const
{
    return m_inner->formatFieldStructure(signature);
}

QString HintAdapter::formatTaskDescription(const Signature& signature) const
{
    return m_inner->formatTaskDescription(signature);
}

QString HintAdapter::formatUserMessage(const Signature& signature, const Object& inputs,
                                       bool mainRequest) const
{
    return m_inner->formatUserMessage(signature, inputs, mainRequest);
}

QString HintAdapter::formatAssistantMessage(const Signature& signature, const Object& outputs,
                                            const QStringList& missingFieldNames) const
{
    return m_inner->formatAssistantMessage(signature, outputs, missingFieldNames);
}

QString HintAdapter::userMessageOutputRequirements(const Signature& signature) const
{
    return m_inner->userMessageOutputRequirements(signature);
}

} // namespace dspy
