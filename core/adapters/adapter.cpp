#include "adapters/adapter.h"

#include "adapters/chatadapter.h"
#include "adapters/jsonadapter.h"
#include "adapters/valueformat.h"
#include "adapters/xmladapter.h"
#include "lm/lm.h"
#include "runtime/callbacks.h"
#include "runtime/runcontext.h"

#include <typeinfo>

namespace dspy {

namespace {

const QString kIncompleteDemoPrefix = QStringLiteral(
    "This is an example of the task, though some input or output fields are not supplied.");

} // namespace

QString AdapterParseError::toString() const
{
    // The text of DSPy's AdapterParseError (dspy/utils/exceptions.py), trailing spaces included.
    QString out;
    if (!message.isEmpty())
        out += message + QStringLiteral("\n\n");
    out += QStringLiteral("Adapter %1 failed to parse the LM response. \n\n").arg(adapterName);
    out += QStringLiteral("LM Response: ") + lmResponse + QStringLiteral(" \n\n");
    out += QStringLiteral("Expected to find output fields in the LM response: [") +
           expectedFields.join(QStringLiteral(", ")) + QStringLiteral("] \n\n");
    if (hasParsedResult) {
        out += QStringLiteral("Actual output fields parsed from the LM response: [") +
               parsedFields.join(QStringLiteral(", ")) + QStringLiteral("] \n\n");
    }
    return out;
}

AdapterParseError AdapterParseError::make(const QString& adapterName, QString message,
                                          const Signature& signature, const QString& lmResponse,
                                          const Object* parsed)
{
    AdapterParseError e;
    e.adapterName = adapterName;
    e.message = std::move(message);
    e.lmResponse = lmResponse;
    e.expectedFields = signature.outputNames();
    if (parsed) {
        e.parsedFields = parsed->keys();
        e.hasParsedResult = true;
    }
    return e;
}

AdapterParseException::AdapterParseException(AdapterParseError e)
    : std::runtime_error(e.toString().toStdString())
    , m_error(std::move(e))
{}

Adapter::~Adapter() = default;

QList<ChatMessage> Adapter::format(const Signature& signature, const QList<Example>& demos,
                                   const Object& inputs) const
{
    QList<ChatMessage> messages;
    messages.reserve(2 + 2 * demos.size());
    messages.append({QStringLiteral("system"), formatSystemMessage(signature)});
    messages.append(formatDemos(signature, demos));
    const QString content = formatUserMessage(signature, inputs, true);
    if (!content.isEmpty())
        messages.append({QStringLiteral("user"), content});
    return messages;
}

QList<ChatMessage> Adapter::formatDemos(const Signature& signature,
                                        const QList<Example>& demos) const
{
    QList<const Example*> complete;
    QList<const Example*> incomplete;
    const QList<Field> fields = signature.fields();
    for (const Example& demo : demos) {
        const bool isComplete = std::all_of(fields.cbegin(), fields.cend(), [&](const Field& f) {
            return demo.contains(f.name) && !demo.get(f.name).isNull();
        });
        auto hasAny = [&](const QList<Field>& group) {
            return std::any_of(group.cbegin(), group.cend(),
                               [&](const Field& f) { return demo.contains(f.name); });
        };
        if (isComplete)
            complete.append(&demo);
        else if (hasAny(signature.inputFields()) && hasAny(signature.outputFields()))
            incomplete.append(&demo);
    }

    QList<ChatMessage> messages;
    messages.reserve(2 * (complete.size() + incomplete.size()));
    for (const Example* demo : incomplete) {
        // A demo always has at least one input here, so the prefix is followed by a field block.
        messages.append(
            {QStringLiteral("user"), kIncompleteDemoPrefix + QStringLiteral("\n\n") +
                                         formatUserMessage(signature, demo->store(), false)});
        QStringList missing;
        for (const Field& f : signature.outputFields()) {
            if (!demo->contains(f.name))
                missing.append(f.name);
        }
        messages.append({QStringLiteral("assistant"),
                         formatAssistantMessage(signature, demo->store(), missing)});
    }
    for (const Example* demo : complete) {
        messages.append(
            {QStringLiteral("user"), formatUserMessage(signature, demo->store(), false)});
        messages.append(
            {QStringLiteral("assistant"), formatAssistantMessage(signature, demo->store(), {})});
    }
    return messages;
}

const Adapter::SignatureMemo& Adapter::memo(const Signature& signature) const
{
    // The system message and the output reminder depend only on the adapter type and the
    // signature, yet they are most of format()'s cost, and every Predict call of a program sends
    // the same ones. A small per-thread memo (no locks) keyed by both; an entry holds a copy of the
    // signature, which keeps its identity from being reused by another signature.
    struct Entry
    {
        const std::type_info* adapterType;
        Signature signature;
        SignatureMemo memo;
    };
    thread_local QList<Entry> entries;
    constexpr qsizetype kMemoSize = 32;
    const std::type_info& type = typeid(*this);
    for (qsizetype i = 0; i < entries.size(); ++i) {
        if (entries[i].adapterType == &type &&
            entries[i].signature.identity() == signature.identity()) {
            if (i > 0)
                entries.move(i, 0);
            return entries.first().memo;
        }
    }
    SignatureMemo m{buildSystemMessage(signature), userMessageOutputRequirements(signature)};
    if (entries.size() >= kMemoSize)
        entries.removeLast();
    entries.prepend({&type, signature, std::move(m)});
    return entries.first().memo;
}

QString Adapter::formatSystemMessage(const Signature& signature) const
{
    return memo(signature).systemMessage;
}

QString Adapter::outputRequirements(const Signature& signature) const
{
    return memo(signature).outputRequirements;
}

QString Adapter::buildSystemMessage(const Signature& signature) const
{
    return formatFieldDescription(signature) + QLatin1Char('\n') + formatFieldStructure(signature) +
           QLatin1Char('\n') + formatTaskDescription(signature);
}

QString Adapter::formatFieldDescription(const Signature& signature) const
{
    return QStringLiteral("Your input fields are:\n") +
           fieldDescriptionList(signature.inputFields()) +
           QStringLiteral("\nYour output fields are:\n") +
           fieldDescriptionList(signature.outputFields());
}

QString Adapter::formatTaskDescription(const Signature& signature) const
{
    const QString instructions = textwrapDedent(signature.instructions());
    QString objective;
    const QString sep = QStringLiteral("\n        ");
    for (const QString& line : pySplitLines(instructions))
        objective += sep + line;
    return QStringLiteral("In adhering to this structure, your objective is: ") + objective;
}

void Adapter::prepareRequest(const Signature&, const LM&, LMRequest&, int) const {}

QList<Completion> Adapter::runAttempt(LM& lm, const Object& lmKwargs, const Signature& signature,
                                      const QList<Example>& demos, const Object& inputs,
                                      RunContext& ctx, int attempt, AdapterCallReport& report) const
{
    // Gathered once for the format and every parse of this attempt; empty when nobody listens.
    const QList<CallbackPtr> observers = CallbackRegistry::active({ctx.callbacks.get()});

    LMRequest request;
    request.model = lm.model();
    request.parentCallId = ctx.parentCallId;
    // Cancelling the run (Evaluate's max_errors, cancel(), Ctrl-C) aborts this call in flight.
    request.cancel = ctx.cancellation;
    if (observers.isEmpty()) {
        request.messages = format(signature, demos, inputs);
    } else {
        CallbackScope scope(CallbackHook::AdapterFormat, observers);
        Array demoValues;
        demoValues.reserve(demos.size());
        for (const Example& demo : demos)
            demoValues.append(demo.toObject(true));
        // Adapter.format(signature, demos, inputs), bound by name as DSPy binds it.
        scope.start(name(),
                    Object{{QStringLiteral("signature"), Value(signature.signatureString())},
                           {QStringLiteral("demos"), Value(std::move(demoValues))},
                           {QStringLiteral("inputs"), Value(inputs)}},
                    ctx.parentCallId);
        try {
            request.messages = format(signature, demos, inputs);
        } catch (const std::exception& e) {
            scope.end(Value(), QString::fromUtf8(e.what()));
            throw;
        }
        scope.end(Value(messagesToValue(request.messages)));
    }
    // lm.kwargs first, then the call's config, as DSPy's LM.forward merges them.
    request.kwargs = lm.kwargs();
    for (const auto& [key, value] : lmKwargs)
        request.kwargs.insert(key, value);
    prepareRequest(signature, lm, request, attempt);

    report.adapter = name();
    report.messages = request.messages;
    report.responseFormat = request.kwargs.value(u"response_format");
    report.rawCompletions.clear();

    ctx.throwIfCancelled();
    ++report.lmCalls;
    const LMResponse response = lm.callBlocking(request);
    report.usage += response.usage;
    if (response.cost)
        report.cost = report.cost.value_or(0.0) + *response.cost;
    report.model = response.model.isEmpty() ? request.model : response.model;
    for (const LMOutput& out : response.outputs)
        report.rawCompletions.append(out.text);

    QList<Completion> completions;
    completions.reserve(response.outputs.size());
    for (const LMOutput& out : response.outputs) {
        if (out.text.isEmpty()) {
            AdapterParseError e;
            e.adapterName = name();
            e.message = QStringLiteral("The LM returned an empty or null response.");
            e.lmResponse = out.text;
            e.expectedFields = signature.outputNames();
            throw AdapterParseException(std::move(e));
        }
        if (observers.isEmpty()) {
            ParseResult parsed = parse(signature, out.text);
            if (!parsed)
                throw AdapterParseException(parsed.error());
            completions.append(std::move(parsed).value());
            continue;
        }
        CallbackScope scope(CallbackHook::AdapterParse, observers);
        // Adapter.parse(signature, completion).
        scope.start(name(),
                    Object{{QStringLiteral("signature"), Value(signature.signatureString())},
                           {QStringLiteral("completion"), Value(out.text)}},
                    ctx.parentCallId);
        ParseResult parsed = [&]() -> ParseResult {
            try {
                return parse(signature, out.text);
            } catch (const std::exception& e) {
                scope.end(Value(), QString::fromUtf8(e.what()));
                throw;
            }
        }();
        if (!parsed) {
            scope.end(Value(), parsed.error().toString());
            throw AdapterParseException(parsed.error());
        }
        scope.end(Value(parsed.value()));
        completions.append(std::move(parsed).value());
    }
    return completions;
}

QList<Completion> Adapter::callWithReport(LM& lm, const Object& lmKwargs,
                                          const Signature& signature, const QList<Example>& demos,
                                          const Object& inputs, RunContext& ctx,
                                          AdapterCallReport& report) const
{
    return runAttempt(lm, lmKwargs, signature, demos, inputs, ctx, 0, report);
}

QList<Completion> Adapter::call(LM& lm, const Object& lmKwargs, const Signature& signature,
                                const QList<Example>& demos, const Object& inputs,
                                RunContext& ctx) const
{
    AdapterCallReport report;
    return callWithReport(lm, lmKwargs, signature, demos, inputs, ctx, report);
}

AdapterPtr makeAdapter(const QString& name)
{
    if (name == QLatin1String("chat"))
        return std::make_shared<const ChatAdapter>();
    if (name == QLatin1String("json"))
        return std::make_shared<const JSONAdapter>();
    if (name == QLatin1String("xml"))
        return std::make_shared<const XMLAdapter>();
    return nullptr;
}

} // namespace dspy
