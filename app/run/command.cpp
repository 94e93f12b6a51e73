#include "command.h"

#include "adapters/adapter.h"
#include "data/value.h"
#include "lm/scriptedlm.h"
#include "modules/chainofthought.h"
#include "signature/signature.h"

#include <QFile>
#include <QHash>

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
    "\n"
    "Options:\n"
    "  -h, --help   Show this help.\n"
    "\n"
    "Run 'dspy-run <command> --help' for the options of a command.\n"
    "Exit codes: 0 success, 1 the command failed (e.g. a completion does not parse),\n"
    "2 bad usage (unknown option, bad value).\n";

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

class UsageError
{
public:
    explicit UsageError(QString m)
        : message(std::move(m))
    {}
    QString message;
};

struct OptionSpec
{
    QString name;
    bool repeatable = false;
};

// --name VALUE or --name=VALUE; every option takes a value except --help.
class Options
{
public:
    Options(const QString& command, const QList<OptionSpec>& specs, const QStringList& args)
    {
        for (qsizetype i = 0; i < args.size(); ++i) {
            const QString& arg = args.at(i);
            if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
                help = true;
                continue;
            }
            if (!arg.startsWith(QLatin1String("--"))) {
                throw UsageError(QStringLiteral("%1: unexpected argument '%2'").arg(command, arg));
            }
            QString name = arg.mid(2);
            std::optional<QString> value;
            if (const qsizetype eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
                value = name.mid(eq + 1);
                name.truncate(eq);
            }
            auto spec = std::find_if(specs.cbegin(), specs.cend(),
                                     [&](const OptionSpec& s) { return s.name == name; });
            if (spec == specs.cend()) {
                throw UsageError(
                    QStringLiteral("%1: unknown option '--%2' (see 'dspy-run %1 --help')")
                        .arg(command, name));
            }
            if (!value) {
                if (i + 1 >= args.size())
                    throw UsageError(
                        QStringLiteral("%1: option '--%2' needs a value").arg(command, name));
                value = args.at(++i);
            }
            if (!spec->repeatable && m_values.contains(name)) {
                throw UsageError(
                    QStringLiteral("%1: option '--%2' given more than once").arg(command, name));
            }
            m_values[name].append(*value);
        }
    }

    bool help = false;
    bool has(const QString& name) const { return m_values.contains(name); }
    QString value(const QString& name) const { return m_values.value(name).value(0); }
    QStringList values(const QString& name) const { return m_values.value(name); }

private:
    QHash<QString, QStringList> m_values;
};

QString readTextFile(const QString& command, const QString& option, const QString& path)
{
    QFile file;
    if (path == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly))
            throw UsageError(QStringLiteral("%1: cannot read standard input").arg(command));
    } else {
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly)) {
            throw UsageError(QStringLiteral("%1: --%2: cannot open '%3': %4")
                                 .arg(command, option, path, file.errorString()));
        }
    }
    return QString::fromUtf8(file.readAll());
}

Signature signatureFrom(const QString& command, const Options& opts)
{
    if (!opts.has(QStringLiteral("signature")))
        throw UsageError(QStringLiteral("%1: --signature is required").arg(command));
    SignatureError error;
    const std::optional<Signature> sig =
        Signature::parse(opts.value(QStringLiteral("signature")),
                         opts.value(QStringLiteral("instructions")), &error);
    if (!sig) {
        throw UsageError(
            QStringLiteral("%1: invalid --signature: %2").arg(command, error.toString()));
    }
    return *sig;
}

AdapterPtr adapterFrom(const QString& command, const Options& opts)
{
    const QString name = opts.has(QStringLiteral("adapter")) ? opts.value(QStringLiteral("adapter"))
                                                             : QStringLiteral("chat");
    AdapterPtr adapter = makeAdapter(name);
    if (!adapter) {
        throw UsageError(
            QStringLiteral("%1: --adapter must be chat, json or xml, not '%2'").arg(command, name));
    }
    return adapter;
}

std::pair<QString, QString> splitAssignment(const QString& command, const QString& option,
                                            const QString& text)
{
    const qsizetype eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0) {
        throw UsageError(
            QStringLiteral("%1: --%2 expects FIELD=VALUE, got '%3'").arg(command, option, text));
    }
    return {text.left(eq), text.mid(eq + 1)};
}

bool takesTextLiterally(const TypeSpec& type)
{
    return type.isStr() || (type.admitsNone() && type.withoutNone().isStr());
}

Value jsonValue(const QString& command, const QString& what, const QString& text)
{
    QString error;
    qsizetype offset = -1;
    std::optional<Value> v = Value::fromJson(text, &error, &offset);
    if (!v) {
        throw UsageError(QStringLiteral("%1: %2 is not valid JSON (at offset %3: %4)")
                             .arg(command, what)
                             .arg(offset)
                             .arg(error));
    }
    return *v;
}

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

    QList<Example> demos;
    if (opts.has(QStringLiteral("demos"))) {
        const QString path = opts.value(QStringLiteral("demos"));
        const QStringList lines =
            readTextFile(cmd, QStringLiteral("demos"), path).split(QLatin1Char('\n'));
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (lines.at(i).trimmed().isEmpty())
                continue;
            const Value v =
                jsonValue(cmd, QStringLiteral("--demos line %1").arg(i + 1), lines.at(i));
            if (!v.isObject()) {
                throw UsageError(
                    QStringLiteral("%1: --demos line %2 is not a JSON object").arg(cmd).arg(i + 1));
            }
            demos.append(Example(v.toObject()));
        }
    }

    Object inputs;
    if (opts.has(QStringLiteral("inputs"))) {
        const Value v = jsonValue(
            cmd, QStringLiteral("--inputs file"),
            readTextFile(cmd, QStringLiteral("inputs"), opts.value(QStringLiteral("inputs"))));
        if (!v.isObject())
            throw UsageError(
                QStringLiteral("%1: --inputs file must hold one JSON object").arg(cmd));
        inputs = v.toObject();
    }
    for (const QString& input : opts.values(QStringLiteral("input"))) {
        const auto [name, text] = splitAssignment(cmd, QStringLiteral("input"), input);
        const Field* field = sig.field(name);
        if (!field || !field->isInput) {
            throw UsageError(
                QStringLiteral("%1: --input: '%2' is not an input field of the signature")
                    .arg(cmd, name));
        }
        inputs.insert(name, takesTextLiterally(field->type)
                                ? Value(text)
                                : jsonValue(cmd, QStringLiteral("--input %1").arg(name), text));
    }

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
        throw UsageError(QStringLiteral("unknown command '%1' (commands: format, parse, demo; see "
                                        "'dspy-run --help')")
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
