// dspy-run predict: one Predict (or ChainOfThought) call against a real LM, and the history entry
// it leaves for dspy-run inspect.

#include "cli.h"

#include "command.h"
#include "graph/graphprogram.h"

#include "cache/lmcache.h"
#include "lm/historystore.h"
#include "lm/httplmoptions.h"
#include "lm/lmfactory.h"
#include "modules/chainofthought.h"
#include "modules/predict.h"

#include <QUrl>

#include <algorithm>
#include <cmath>

namespace dspy::run {

namespace {

const char* const kPredictHelp =
    "Usage: dspy-run predict --signature SIG --model ID [options]\n"
    "\n"
    "Runs DSPy's Predict (ChainOfThought with --cot) once and prints the output fields as one\n"
    "JSON object with typed values (indent=2, ensure_ascii=False). Each LM call is appended to\n"
    "the history file read by 'dspy-run inspect' ($XDG_CACHE_HOME/dspy-workbench/history.jsonl,\n"
    "last 1000 calls). Answers are cached in $XDG_CACHE_HOME/dspy-workbench/lm-cache.sqlite.\n"
    "\n"
    "Options:\n"
    "  --signature SIG         The signature, e.g. \"question -> answer: int\".\n"
    "  --model ID              A DSPy model id: openai/gpt-4o-mini, anthropic/claude-...,\n"
    "                          ollama_chat/llama3, hosted_vllm/NAME, ... 'lmsim/NAME' without\n"
    "                          --api-base runs the simulated LM in-process (offline).\n"
    "  --api-base URL          The server, e.g. http://localhost:8000/v1.\n"
    "  --api-key-env VAR       The environment variable holding the API key (default: the\n"
    "                          provider's, e.g. OPENAI_API_KEY). The key is never printed.\n"
    "  --adapter NAME          chat (default), json or xml.\n"
    "  --instructions TEXT     The signature's instructions.\n"
    "  --demos FILE.jsonl      Demos, one JSON object per line.\n"
    "  --inputs FILE.json      Inputs as one JSON object.\n"
    "  --input FIELD=VALUE     One input (repeatable; overrides --inputs). Taken literally for\n"
    "                          str fields, parsed as JSON for other types.\n"
    "  --temperature T         Sampling temperature.\n"
    "  --max-tokens N          Completion token limit.\n"
    "  --timeout SECONDS       Give up on a request silent for this long (default 600).\n"
    "  --num-retries N         Retries on 429, 5xx and transport errors (default 3).\n"
    "  --no-cache              Neither read nor write the LM cache.\n"
    "  --cot                   Run ChainOfThought (adds a reasoning output field).\n"
    "  --trace                 Also print each LM call's messages and raw response on stderr.\n"
    "  --project FILE --program NAME\n"
    "                          Run a program drawn in a .dspyproj project instead of --signature.\n"
    "                          Its first LM profile (or --profile NAME; none when --model is\n"
    "                          given) gives --model, --api-base, --api-key-env, --temperature and\n"
    "                          --max-tokens unless they are given.\n"
    "  -h, --help              Show this help.\n"
    "\n"
    "Exit codes: 0 success, 1 the response does not parse, 2 bad usage, 3 the LM call failed\n"
    "(unreachable server, 401, rate limit, timeout, ...) after its retries; the error is one\n"
    "line on stderr: \"error: LMAuthError (401): <provider message>\".\n";

void printMessages(QTextStream& err, const QList<ChatMessage>& messages)
{
    for (const ChatMessage& m : messages)
        err << "--- " << m.role << " ---\n" << m.content << '\n';
}

// The LM calls that answered (with their raw responses), then the one that failed, if any.
void printTrace(QTextStream& err, const QList<HistoryEntry>& calls, const Trace& trace,
                bool lmFailed)
{
    int n = 0;
    for (const HistoryEntry& call : calls) {
        err << "=== LM call " << ++n << ": " << call.model << (call.cacheHit ? " (cache hit)" : "")
            << " ===\n";
        printMessages(err, call.messages);
        for (const LMOutput& out : call.outputs) {
            if (!out.reasoningContent.isEmpty())
                err << "--- reasoning_content ---\n" << out.reasoningContent << '\n';
            err << "--- response ---\n" << out.text << '\n';
        }
    }
    const QList<TraceRecord> records = trace.snapshot();
    if (lmFailed && !records.isEmpty()) {
        err << "=== LM call " << ++n << " (failed) ===\n";
        printMessages(err, records.last().messages);
    }
    for (const TraceRecord& r : records) {
        if (!r.fallbackFrom.isEmpty())
            err << "=== " << r.adapter << " answered after " << r.fallbackFrom << " failed ===\n";
    }
    err << "=== end of trace ===\n";
}

} // namespace

int predictCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString cmd = QStringLiteral("predict");
    Options opts(cmd,
                 lmOptionSpecs() + QList<OptionSpec>{{QStringLiteral("signature")},
                                                     {QStringLiteral("adapter")},
                                                     {QStringLiteral("instructions")},
                                                     {QStringLiteral("demos")},
                                                     {QStringLiteral("inputs")},
                                                     {QStringLiteral("input"), true},
                                                     {QStringLiteral("cot"), false, true},
                                                     {QStringLiteral("project")},
                                                     {QStringLiteral("program")},
                                                     {QStringLiteral("profile")},
                                                     {QStringLiteral("trace"), false, true}},
                 args);
    if (opts.help) {
        out << kPredictHelp;
        return Ok;
    }
    // --project FILE --program NAME: a drawn program (graph/graphprogram.h).
    std::unique_ptr<GraphProgram> graphProgram;
    const auto project = applyProjectDefaults(cmd, opts, false);
    if (project)
        graphProgram = projectProgramFrom(cmd, opts, project.get());
    const Signature sig = graphProgram ? graphProgram->signature() : signatureFrom(cmd, opts);
    const AdapterPtr adapter = adapterFrom(cmd, opts);
    const QList<Example> demos = demosFrom(cmd, opts);
    const Object inputs = inputsFrom(cmd, opts, sig);
    QString secret;
    const LMConfig config = lmConfigFrom(cmd, opts, &secret);
    const bool trace = opts.has(QStringLiteral("trace"));

    auto made = makeLM(config);
    if (!made) {
        err << "error: " << redactAll(lmErrorLine(made.error()), secret) << '\n';
        return LMFailure;
    }
    const std::shared_ptr<ManagedLM> lm = *made;

    std::unique_ptr<Module> program;
    if (graphProgram) {
        program = std::move(graphProgram);
    } else if (opts.has(QStringLiteral("cot"))) {
        auto cot = std::make_unique<ChainOfThought>(sig);
        cot->predict().demos() = demos;
        program = std::move(cot);
    } else {
        auto predict = std::make_unique<Predict>(sig);
        predict->demos() = demos;
        program = std::move(predict);
    }

    RunContext ctx(lm, adapter);
    ctx.trace = std::make_shared<Trace>();
    // Nodes that pick another of the project's LM profiles (settings "lm").
    auto named = projectNamedLMs(cmd, project.get(), *program);
    if (!named) {
        err << "error: " << redactAll(named.error(), secret) << '\n';
        return LMFailure;
    }
    ctx.namedLMs = std::move(named.value());

    int code = Ok;
    QString errorLine;
    std::optional<Prediction> prediction;
    try {
        prediction = (*program)(Example(inputs), ctx);
    } catch (const LMError& e) {
        code = LMFailure;
        errorLine = lmErrorLine(e);
    } catch (const AdapterParseException& e) {
        code = Failure;
        errorLine = QStringLiteral("AdapterParseError: ") + e.error().adapterName +
                    QStringLiteral(" failed to parse the LM response: ") +
                    oneLine(e.error().message);
    }

    // Whatever happened, the calls that were answered are history and their answers cached.
    const QList<HistoryEntry> calls = lm->history().snapshot();
    if (config.cache)
        LMCache::global()->flush();
    QString historyError;
    if (!HistoryStore().append(calls, {secret}, &historyError))
        err << "dspy-run: warning: LM history not saved: " << historyError << '\n';

    if (trace) {
        QString text;
        QTextStream ts(&text);
        printTrace(ts, calls, *ctx.trace, code == LMFailure);
        ts.flush();
        err << redactAll(text, secret);
    }
    if (code != Ok) {
        err << "error: " << redactAll(errorLine, secret) << '\n';
        return code;
    }
    out << redactAll(Value(prediction->toObject()).toJson(JsonStyle{2, false, false}), secret)
        << '\n';
    return Ok;
}

} // namespace dspy::run
