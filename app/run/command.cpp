#include "command.h"

#include "cli.h"

#include "adapters/adapter.h"
#include "data/value.h"
#include "lm/scriptedlm.h"
#include "modules/chainofthought.h"
#include "signature/signature.h"

namespace dspy::run {

namespace {

const char* const kTopHelp =
    "Usage: dspy-run <command> [options]\n"
    "\n"
    "DSPy Workbench's command line. Prompts and parses are byte-identical to DSPy 3.3.\n"
    "\n"
    "Commands:\n"
    "  format   Print the chat messages an adapter builds (DSPy's adapter.format).\n"
    "  parse    Parse an LM completion into typed output fields (DSPy's adapter.parse).\n"
    "  demo     Run ChainOfThought on an arithmetic question with a scripted, offline LM.\n"
    "  predict  Run Predict (or ChainOfThought) against an LM and print the typed outputs.\n"
    "  inspect  Print the last LM calls of dspy-run predict (DSPy's inspect_history).\n"
    "  evaluate Run DSPy's Evaluate over a dataset or a bundled sample; JSON summary.\n"
    "  index    Build a BM25 (SQLite FTS5) index of a corpus and query it.\n"
    "  validate Check the program graphs of a .dspyproj project file.\n"
    "  export   Write a project program's state as Python DSPy's program.save() JSON.\n"
    "\n"
    "Options:\n"
    "  -h, --help   Show this help.\n"
    "\n"
    "Run 'dspy-run <command> --help' for the options of a command.\n"
    "Exit codes: 0 success, 1 the command failed (e.g. a completion does not parse),\n"
    "2 bad usage (unknown option, bad value), 3 the LM call failed (after its retries);\n"
    "evaluate: 3 also when --max-errors stopped the run, 130 when Ctrl-C interrupted it.\n";

const char* const kFormatHelp =
    "Usage: dspy-run format --signature SIG [options]\n"
    "\n"
    "Prints the JSON array of chat messages [{\"role\": ..., \"content\": ...}, ...] exactly as\n"
    "DSPy's adapter.format(signature, demos, inputs) returns them, written like Python's\n"
    "json.dumps(messages, indent=2, ensure_ascii=False).\n"
    "\n"
    "Options:\n"
    "  --signature SIG         The signature, e.g. \"question, context: list[str] -> answer: "
    "int\".\n"
    "  --instructions TEXT     The signature's instructions (default: DSPy's generated text).\n"
    "  --desc FIELD=TEXT       Description of a field (repeatable).\n"
    "  --adapter NAME          chat (default), json or xml.\n"
    "  --demos FILE.jsonl      Demos, one JSON object per line.\n"
    "  --inputs FILE.json      Inputs as one JSON object.\n"
    "  --input FIELD=VALUE     One input (repeatable; overrides --inputs). Taken literally for\n"
    "                          str fields, parsed as JSON for other types.\n"
    "  -h, --help              Show this help.\n";

const char* const kParseHelp =
    "Usage: dspy-run parse --signature SIG --completion FILE [options]\n"
    "\n"
    "Parses an LM completion with the adapter's rules and prints the output fields as one JSON\n"
    "object with typed values (indent=2, ensure_ascii=False). When the completion does not parse,\n"
    "prints the error on stderr, nothing on stdout, and exits with 1.\n"
    "\n"
    "Options:\n"
    "  --signature SIG         The signature, e.g. \"question -> answer: int\".\n"
    "  --instructions TEXT     The signature's instructions (no effect on parsing).\n"
    "  --adapter NAME          chat (default), json or xml.\n"
    "  --completion FILE       The completion text ('-' reads standard input).\n"
    "  -h, --help              Show this help.\n";

const char* const kDemoHelp =
    "Usage: dspy-run demo [options]\n"
    "\n"
    "Runs ChainOfThought(\"question -> answer: int\") on an arithmetic question. The LM is a\n"
    "ScriptedLM (DSPy's DummyLM): no network. Prints the messages sent, the completion received\n"
    "and the typed prediction.\n"
    "\n"
    "Options:\n"
    "  --adapter NAME          chat (default), json or xml.\n"
    "  -h, --help              Show this help.\n";

int formatCommand(const QStringList& args, QTextStream& out)
{
    const QString cmd = QStringLiteral("format");
    const Options opts(cmd,
                       {{QStringLiteral("signature")},
                        {QStringLiteral("instructions")},
                        {QStringLiteral("desc"), true},
                        {QStringLiteral("adapter")},
                        {QStringLiteral("demos")},
                        {QStringLiteral("inputs")},
                        {QStringLiteral("input"), true}},
                       args);
    if (opts.help) {
        out << kFormatHelp;
        return Ok;
    }
    Signature sig = signatureFrom(cmd, opts);
    const AdapterPtr adapter = adapterFrom(cmd, opts);

    for (const QString& desc : opts.values(QStringLiteral("desc"))) {
        const auto [name, text] = splitAssignment(cmd, QStringLiteral("desc"), desc);
        const Field* field = sig.field(name);
        if (!field) {
            throw UsageError(
                QStringLiteral("%1: --desc: the signature has no field '%2'").arg(cmd, name));
        }
        Field updated = *field;
        updated.description = text;
        sig = sig.withUpdatedField(name, updated);
    }

    const QList<Example> demos = demosFrom(cmd, opts);
    const Object inputs = inputsFrom(cmd, opts, sig);

    Array messages;
    for (const ChatMessage& m : adapter->format(sig, demos, inputs)) {
        messages.append(Object{{QStringLiteral("role"), Value(m.role)},
                               {QStringLiteral("content"), Value(m.content)}});
    }
    out << Value(messages).toJson(JsonStyle{2, false, false}) << '\n';
    return Ok;
}

int parseCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString cmd = QStringLiteral("parse");
    const Options opts(cmd,
                       {{QStringLiteral("signature")},
                        {QStringLiteral("instructions")},
                        {QStringLiteral("adapter")},
                        {QStringLiteral("completion")}},
                       args);
    if (opts.help) {
        out << kParseHelp;
        return Ok;
    }
    const Signature sig = signatureFrom(cmd, opts);
    const AdapterPtr adapter = adapterFrom(cmd, opts);
    if (!opts.has(QStringLiteral("completion")))
        throw UsageError(QStringLiteral("%1: --completion is required").arg(cmd));
    const QString completion =
        readTextFile(cmd, QStringLiteral("completion"), opts.value(QStringLiteral("completion")));

    const ParseResult parsed = adapter->parse(sig, completion);
    if (!parsed) {
        err << parsed.error().toString() << '\n';
        return Failure;
    }
    out << Value(*parsed).toJson(JsonStyle{2, false, false}) << '\n';
    return Ok;
}

int demoCommand(const QStringList& args, QTextStream& out)
{
    const QString cmd = QStringLiteral("demo");
    const Options opts(cmd, {{QStringLiteral("adapter")}}, args);
    if (opts.help) {
        out << kDemoHelp;
        return Ok;
    }
    const AdapterPtr adapter = adapterFrom(cmd, opts);
    ChainOfThought program(Signature::fromString(u"question -> answer: int",
                                                 QStringLiteral("Solve the arithmetic problem.")));
    auto lm = std::make_shared<ScriptedLM>(
        QList<Object>{Object{{QStringLiteral("reasoning"),
                              Value("A dozen is 12, so 3 dozen is 3 * 12 = 36; plus 6 makes 42.")},
                             {QStringLiteral("answer"), Value(42)}}},
        false, adapter);
    RunContext ctx(lm, adapter);
    ctx.trace = std::make_shared<Trace>();
    const Prediction prediction = program(
        Example{{QStringLiteral("question"), Value("How many eggs are 3 dozen plus 6?")}}, ctx);

    const QList<TraceRecord> records = ctx.trace->snapshot();
    out << "ChainOfThought(\"question -> answer: int\") with " << adapter->name()
        << " on a ScriptedLM (offline; DSPy's DummyLM)\n";
    if (!records.isEmpty()) {
        for (const ChatMessage& m : records.first().messages)
            out << "\n--- " << m.role << " ---\n" << m.content << '\n';
        for (const QString& raw : records.first().rawCompletions)
            out << "\n--- completion ---\n" << raw << '\n';
    }
    out << "\n--- prediction ---\n"
        << Value(prediction.toObject()).toJson(JsonStyle{2, false, false}) << '\n';
    return Ok;
}

} // namespace

int runCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    try {
        if (args.isEmpty()) {
            err << kTopHelp;
            return Usage;
        }
        const QString command = args.first();
        const QStringList rest = args.mid(1);
        if (command == QLatin1String("-h") || command == QLatin1String("--help") ||
            command == QLatin1String("help")) {
            out << kTopHelp;
            return Ok;
        }
        if (command == QLatin1String("format"))
            return formatCommand(rest, out);
        if (command == QLatin1String("parse"))
            return parseCommand(rest, out, err);
        if (command == QLatin1String("demo"))
            return demoCommand(rest, out);
        if (command == QLatin1String("predict"))
            return predictCommand(rest, out, err);
        if (command == QLatin1String("inspect"))
            return inspectCommand(rest, out, err);
        if (command == QLatin1String("evaluate"))
            return evaluateCommand(rest, out, err);
        if (command == QLatin1String("index"))
            return indexCommand(rest, out, err);
        if (command == QLatin1String("validate"))
            return validateCommand(rest, out, err);
        if (command == QLatin1String("export"))
            return exportCommand(rest, out, err);
        throw UsageError(
            QStringLiteral(
                "unknown command '%1' (commands: format, parse, demo, "
                "predict, inspect, evaluate, index, validate, export; see 'dspy-run --help')")
                .arg(command));
    } catch (const UsageError& e) {
        err << "dspy-run: " << e.message << '\n';
        return Usage;
    } catch (const std::exception& e) {
        err << "dspy-run: " << QString::fromUtf8(e.what()) << '\n';
        return Failure;
    }
}

} // namespace dspy::run
