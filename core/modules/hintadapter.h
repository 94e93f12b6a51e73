#pragma once

// HintAdapter — Refine's WrapperAdapter (dspy.md §3.6): around another adapter, every call gets
// the input field `hint_` ("A hint to the module from an earlier run") appended to its signature,
// valued with the advice for the predictor being called (found by RunContext::predictorPath) or
// "N/A". Everything else is the wrapped adapter's.

#include "adapters/adapter.h"

#include <QHash>

#include <functional>

namespace dspy {

class HintAdapter final : public Adapter
{
public:
    // `nameOf` maps a RunContext::predictorPath to the predictor name the advice is keyed by.
    HintAdapter(AdapterPtr inner, QHash<QString, QString> advice,
                std::function<QString(const QString&)> nameOf);

    static Field hintField();

    QString name() const override { return m_inner->name(); }
    QList<ChatMessage> format(const Signature& signature, const QList<Example>& demos,
                              const Object& inputs) const override;
    ParseResult parse(const Signature& signature, const QString& completion) const override;
    QString formatFieldsWithValues(const Signature& signature, const Object& values) const override;
    void prepareRequest(const Signature& signature, const LM& lm, LMRequest& request,
                        int attempt = 0) const override;
    QList<Completion> call(LM& lm, const Object& lmKwargs, const Signature& signature,
                           const QList<Example>& demos, const Object& inputs,
                           RunContext& ctx) const override;
    QList<Completion> callWithReport(LM& lm, const Object& lmKwargs, const Signature& signature,
                                     const QList<Example>& demos, const Object& inputs,
                                     RunContext& ctx, AdapterCallReport& report) const override;
    QList<ChatMessage> formatDemos(const Signature& signature,
                                   const QList<Example>& demos) const override;
    QString formatFieldDescription(const Signature& signature) const override;
    QString formatFieldStructure(const Signature& signature) const override;
    QString formatTaskDescription(const Signature& signature) const override;
    QString formatUserMessage(const Signature& signature, const Object& inputs,
                              bool mainRequest) const override;
    QString formatAssistantMessage(const Signature& signature, const Object& outputs,
                                   const QStringList& missingFieldNames) const override;
    QString userMessageOutputRequirements(const Signature& signature) const override;

private:
    AdapterPtr m_inner;
    QHash<QString, QString> m_advice;
    std::function<QString(const QString&)> m_nameOf;
};

} // namespace dspy
