#pragma once

// Adapter — turns (signature, demos, inputs) into chat messages and an LM completion back into
// typed output fields. ChatAdapter, JSONAdapter and XMLAdapter reproduce DSPy 3.3's messages byte
// for byte (dspy.md §2).

#include "data/example.h"
#include "lm/chatmessage.h"
#include "runtime/expected.h"
#include "signature/signature.h"

#include <memory>
#include <optional>

namespace dspy {

class LM;
struct LMRequest;
class RunContext;

struct AdapterParseError
{
    QString adapterName; // "ChatAdapter"
    QString message;     // the reason, e.g. "Failed to parse field `answer` with value ..."
    QString field;       // the offending output field, when one is to blame
    QString lmResponse;  // the completion text that failed to parse
    QStringList expectedFields;
    QStringList parsedFields;
    bool hasParsedResult = false; // DSPy prints the parsed-fields line only when it has a result
    // An error for `signature`'s outputs; `parsed` (when given) lists what did parse.
    static AdapterParseError make(const QString& adapterName, QString message,
                                  const Signature& signature, const QString& lmResponse,
                                  const Object* parsed = nullptr);
    // DSPy's text: "Adapter ChatAdapter failed to parse the LM response. \n\nLM Response: ... "
    QString toString() const;
};

// Thrown (on worker threads) when a Predict call cannot produce outputs; keeps the parse error.
class AdapterParseException : public std::runtime_error
{
public:
    explicit AdapterParseException(AdapterParseError e);
    const AdapterParseError& error() const { return m_error; }

private:
    AdapterParseError m_error;
};

using ParseResult = Expected<Object, AdapterParseError>;

// What one Adapter call did, so a trace can show it: the adapter whose parse produced the
// completions, any fallback that ran (and why), the request and the raw answers.
struct AdapterCallReport
{
    QString adapter;        // "JSONAdapter" after a Chat -> JSON fallback
    QString fallbackFrom;   // "ChatAdapter", "JSONAdapter(json_schema)", or both, comma separated
    QString fallbackReason; // the failure(s) that caused the fallback, one paragraph each
    QList<ChatMessage> messages; // of the attempt that produced the completions
    QStringList rawCompletions;
    Value responseFormat; // the response_format sent on that attempt (null: none)
    int lmCalls = 0;      // LM calls made, fallbacks included
    LMUsage usage;        // summed over those calls
    QString model;
    std::optional<double> cost; // summed over those calls that had a price (none: no price)
};

class Adapter
{
public:
    virtual ~Adapter();
    virtual QString name() const = 0;

    // The full message list: system, demo pairs (incomplete demos first), user.
    virtual QList<ChatMessage> format(const Signature& signature, const QList<Example>& demos,
                                      const Object& inputs) const;
    // The system message alone (field description + structure + task description).
    // Memoised per thread by (adapter type, signature identity); subclasses customise the parts.
    QString formatSystemMessage(const Signature& signature) const;
    // userMessageOutputRequirements(), memoised the same way (the main user message's reminder).
    QString outputRequirements(const Signature& signature) const;
    // Builds the system message from the three parts, uncached.
    QString buildSystemMessage(const Signature& signature) const;
    // Typed output fields of one completion, or the reason it does not parse.
    virtual ParseResult parse(const Signature& signature, const QString& completion) const = 0;

    // How an LM answer with these output values looks in this adapter's format (DSPy's
    // format_field_with_value; used by ScriptedLM): ChatAdapter "[[ ## f ## ]]\nvalue" blocks.
    virtual QString formatFieldsWithValues(const Signature& signature,
                                           const Object& values) const = 0;

    // Adapter-specific request shaping before the LM call (JSONAdapter's response_format).
    // `attempt` 0 is the first try; JSONAdapter uses attempt 1 for the json_object fallback.
    virtual void prepareRequest(const Signature& signature, const LM& lm, LMRequest& request,
                                int attempt = 0) const;

    // DSPy's Adapter.__call__: format, call the LM, parse every completion. Throws LMError for
    // LM failures and AdapterParseException when a completion does not parse (after fallbacks).
    // It does not append to ctx.trace: the caller (Predict) owns the one TraceRecord per call, and
    // should take fallbackFrom/fallbackReason from callWithReport() so the extra call is visible.
    virtual QList<Completion> call(LM& lm, const Object& lmKwargs, const Signature& signature,
                                   const QList<Example>& demos, const Object& inputs,
                                   RunContext& ctx) const;
    // call() that reports what happened instead of appending to ctx.trace: for callers (Predict)
    // that write their own TraceRecord. `report` is filled even when this throws.
    virtual QList<Completion> callWithReport(LM& lm, const Object& lmKwargs,
                                             const Signature& signature,
                                             const QList<Example>& demos, const Object& inputs,
                                             RunContext& ctx, AdapterCallReport& report) const;

    // The demo (user, assistant) pairs: incomplete demos first, demos without any input or any
    // output dropped (dspy.md §2.5).
    virtual QList<ChatMessage> formatDemos(const Signature& signature,
                                           const QList<Example>& demos) const;

    // Building blocks of the three-part system message and of user/assistant turns.
    virtual QString formatFieldDescription(const Signature& signature) const;
    virtual QString formatFieldStructure(const Signature& signature) const = 0;
    virtual QString formatTaskDescription(const Signature& signature) const;
    virtual QString formatUserMessage(const Signature& signature, const Object& inputs,
                                      bool mainRequest) const = 0;
    // Output fields absent from `outputs` and named in missingFieldNames render as DSPy's filler
    // "Not supplied for this particular example. "; other absent fields render as None.
    virtual QString formatAssistantMessage(const Signature& signature, const Object& outputs,
                                           const QStringList& missingFieldNames) const = 0;
    virtual QString userMessageOutputRequirements(const Signature& signature) const = 0;

private:
    struct SignatureMemo
    {
        QString systemMessage;
        QString outputRequirements;
    };
    const SignatureMemo& memo(const Signature& signature) const;

protected:
    // One format -> LM -> parse round with this adapter; throws LMError / AdapterParseException.
    // Fires on_adapter_format_* around format() and on_adapter_parse_* around each parse(), with
    // ctx.parentCallId as parent, and sends the LM request with that parent too. format() and
    // parse() called directly (previews, dspy-run format) fire nothing: they have no RunContext
    // to find the run's callbacks or a parent in.
    QList<Completion> runAttempt(LM& lm, const Object& lmKwargs, const Signature& signature,
                                 const QList<Example>& demos, const Object& inputs, RunContext& ctx,
                                 int attempt, AdapterCallReport& report) const;
};

using AdapterPtr = std::shared_ptr<const Adapter>;

// "chat" | "json" | "xml" -> adapter; nullptr for an unknown name.
AdapterPtr makeAdapter(const QString& name);

} // namespace dspy
