#pragma once

// ChatAdapter — DSPy's default adapter: every field in its own "[[ ## name ## ]]" section, the
// answer closed by "[[ ## completed ## ]]" (dspy.md §2.3-2.8). On a parse failure it retries the
// call once with a JSONAdapter, unless constructed with useJsonAdapterFallback = false.

#include "adapters/adapter.h"

namespace dspy {

class ChatAdapter : public Adapter
{
public:
    explicit ChatAdapter(bool useJsonAdapterFallback = true);

    QString name() const override { return QStringLiteral("ChatAdapter"); }
    bool useJsonAdapterFallback() const { return m_useJsonAdapterFallback; }

    ParseResult parse(const Signature& signature, const QString& completion) const override;
    QString formatFieldsWithValues(const Signature& signature, const Object& values) const override;

    QList<Completion> callWithReport(LM& lm, const Object& lmKwargs, const Signature& signature,
                                     const QList<Example>& demos, const Object& inputs,
                                     RunContext& ctx, AdapterCallReport& report) const override;

    QString formatFieldStructure(const Signature& signature) const override;
    QString formatUserMessage(const Signature& signature, const Object& inputs,
                              bool mainRequest) const override;
    QString formatAssistantMessage(const Signature& signature, const Object& outputs,
                                   const QStringList& missingFieldNames) const override;
    QString userMessageOutputRequirements(const Signature& signature) const override;

protected:
    // "[[ ## name ## ]]\nvalue" blocks joined by blank lines, stripped (format_field_with_value).
    static QString formatSections(const QList<std::pair<const Field*, Value>>& fieldsWithValues);
    // Appends "[[ ## name ## ]]\nvalue", after a blank line unless `out` is empty.
    static void appendSection(QString& out, const QString& name, const QString& value);

private:
    bool m_useJsonAdapterFallback;
};

} // namespace dspy
