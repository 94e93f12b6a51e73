#pragma once

// XMLAdapter — every field wrapped in <name>...</name>; list/dict outputs as nested XML
// (<tags><item>...</item></tags>). Parses the answer with a strict XML reader and rebuilds
// values from each output type's JSON schema (dspy.md §2.11). Inherits the JSON fallback.

#include "adapters/chatadapter.h"

namespace dspy {

class XMLAdapter : public ChatAdapter
{
public:
    explicit XMLAdapter(bool useJsonAdapterFallback = true)
        : ChatAdapter(useJsonAdapterFallback)
    {}

    QString name() const override { return QStringLiteral("XMLAdapter"); }

    ParseResult parse(const Signature& signature, const QString& completion) const override;
    QString formatFieldsWithValues(const Signature& signature, const Object& values) const override;

    QString formatFieldStructure(const Signature& signature) const override;
    QString formatUserMessage(const Signature& signature, const Object& inputs,
                              bool mainRequest) const override;
    QString formatAssistantMessage(const Signature& signature, const Object& outputs,
                                   const QStringList& missingFieldNames) const override;
    QString userMessageOutputRequirements(const Signature& signature) const override;

    // Outputs of these types are written as nested XML: list[T], dict[K, V] (also when Optional).
    static bool usesNestedXml(const TypeSpec& type);
    // The skeleton shown to the LM: <tags><item>...</item></tags>, <meta>...</meta>.
    static QString xmlSkeleton(const QString& tag, const TypeSpec& type);
    // A JSON-like value as XML (lists as <item> children, non-identifier keys as <entry key="">).
    static QString valueToXml(const Value& value, const QString& tag, const QString* key = nullptr);

private:
    QString formatFields(const QList<std::pair<const Field*, Value>>& fieldsWithValues) const;
};

} // namespace dspy
