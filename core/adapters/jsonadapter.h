#pragma once

// JSONAdapter — inputs as "[[ ## name ## ]]" sections, the answer as one JSON object
// (dspy.md §2.10). When the LM supports it, the request asks for structured outputs
// (response_format json_schema built from the output fields), falling back to json_object mode.

#include "adapters/chatadapter.h"

namespace dspy {

class JSONAdapter : public ChatAdapter
{
public:
    JSONAdapter()
        : ChatAdapter(false)
    {}

    QString name() const override { return QStringLiteral("JSONAdapter"); }

    ParseResult parse(const Signature& signature, const QString& completion) const override;
    QString formatFieldsWithValues(const Signature& signature, const Object& values) const override;

    // Attempt 0: json_schema when the LM supports response schemas and no output is an open
    // dict[...], json_object when it supports only response_format; attempt 1: json_object.
    void prepareRequest(const Signature& signature, const LM& lm, LMRequest& request,
                        int attempt = 0) const override;
    // No Chat-style fallback; a failed structured-output attempt is retried once in JSON mode.
    QList<Completion> callWithReport(LM& lm, const Object& lmKwargs, const Signature& signature,
                                     const QList<Example>& demos, const Object& inputs,
                                     RunContext& ctx, AdapterCallReport& report) const override;

    QString formatFieldStructure(const Signature& signature) const override;
    QString formatAssistantMessage(const Signature& signature, const Object& outputs,
                                   const QStringList& missingFieldNames) const override;
    QString userMessageOutputRequirements(const Signature& signature) const override;

    // The JSON schema of the DSPyProgramOutputs model DSPy sends as structured output: pydantic's
    // key order, every object closed (additionalProperties false) and listing all its properties
    // as required, as OpenAI's strict mode wants.
    static Object structuredOutputSchema(const Signature& signature);
    // {"type": "json_schema", "json_schema": {"schema": ..., "name": "DSPyProgramOutputs",
    //  "strict": true}} — what litellm puts on the wire for a pydantic response_format.
    static Object structuredResponseFormat(const Signature& signature);
    // True when an output is a parameterised dict[...] (structured outputs cannot express it).
    static bool hasOpenEndedMapping(const Signature& signature);
};

} // namespace dspy
