#include "cli.h"

#include "lm/httplmoptions.h"

#include <QFile>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace dspy::run {

Options::Options(const QString& command, const QList<OptionSpec>& specs, const QStringList& args)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            help = true;
            continue;
        }
        QString name;
        std::optional<QString> value;
        const bool isShort = arg.size() >= 2 && arg.at(0) == u'-' && arg.at(1) != u'-';
        if (isShort) {
            auto spec = std::find_if(specs.cbegin(), specs.cend(),
                                     [&](const OptionSpec& s) { return s.shortName == arg.at(1); });
            if (spec == specs.cend()) {
                throw UsageError(
                    QStringLiteral("%1: unknown option '%2' (see 'dspy-run %1 --help')")
                        .arg(command, arg));
            }
            name = spec->name;
            if (arg.size() > 2)
                value = arg.mid(arg.at(2) == u'=' ? 3 : 2);
        } else if (arg.startsWith(QLatin1String("--"))) {
            name = arg.mid(2);
            if (const qsizetype eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
                value = name.mid(eq + 1);
                name.truncate(eq);
            }
        } else {
            throw UsageError(QStringLiteral("%1: unexpected argument '%2'").arg(command, arg));
        }
        auto spec = std::find_if(specs.cbegin(), specs.cend(),
                                 [&](const OptionSpec& s) { return s.name == name; });
        if (spec == specs.cend()) {
            throw UsageError(QStringLiteral("%1: unknown option '--%2' (see 'dspy-run %1 --help')")
                                 .arg(command, name));
        }
        if (spec->flag) {
            if (value)
                throw UsageError(
                    QStringLiteral("%1: option '--%2' takes no value").arg(command, name));
            value = QString();
        } else if (!value) {
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

namespace {

bool takesTextLiterally(const TypeSpec& type)
{
    return type.isStr() || (type.admitsNone() && type.withoutNone().isStr());
}

} // namespace

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

QList<Example> demosFrom(const QString& command, const Options& opts)
{
    QList<Example> demos;
    if (!opts.has(QStringLiteral("demos")))
        return demos;
    const QString path = opts.value(QStringLiteral("demos"));
    const QStringList lines =
        readTextFile(command, QStringLiteral("demos"), path).split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines.at(i).trimmed().isEmpty())
            continue;
        const Value v =
            jsonValue(command, QStringLiteral("--demos line %1").arg(i + 1), lines.at(i));
        if (!v.isObject()) {
            throw UsageError(
                QStringLiteral("%1: --demos line %2 is not a JSON object").arg(command).arg(i + 1));
        }
        demos.append(Example(v.toObject()));
    }
    return demos;
}

Object inputsFrom(const QString& command, const Options& opts, const Signature& sig)
{
    Object inputs;
    if (opts.has(QStringLiteral("inputs"))) {
        const Value v = jsonValue(
            command, QStringLiteral("--inputs file"),
            readTextFile(command, QStringLiteral("inputs"), opts.value(QStringLiteral("inputs"))));
        if (!v.isObject())
            throw UsageError(
                QStringLiteral("%1: --inputs file must hold one JSON object").arg(command));
        inputs = v.toObject();
    }
    for (const QString& input : opts.values(QStringLiteral("input"))) {
        const auto [name, text] = splitAssignment(command, QStringLiteral("input"), input);
        const Field* field = sig.field(name);
        if (!field || !field->isInput) {
            throw UsageError(
                QStringLiteral("%1: --input: '%2' is not an input field of the signature")
                    .arg(command, name));
        }
        inputs.insert(name, takesTextLiterally(field->type)
                                ? Value(text)
                                : jsonValue(command, QStringLiteral("--input %1").arg(name), text));
    }
    return inputs;
}

QList<OptionSpec> lmOptionSpecs()
{
    return {{QStringLiteral("model")},       {QStringLiteral("api-base")},
            {QStringLiteral("api-key-env")}, {QStringLiteral("temperature")},
            {QStringLiteral("max-tokens")},  {QStringLiteral("timeout")},
            {QStringLiteral("num-retries")}, {QStringLiteral("no-cache"), false, true}};
}

QString oneLine(QString text)
{
    text.replace(QLatin1String("\r\n"), QLatin1String(" "));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return text.trimmed();
}

QString redactAll(QString text, const QString& secret)
{
    return secret.isEmpty() ? text : redactSecret(std::move(text), secret);
}

QString lmErrorLine(const LMError& e)
{
    QString line = LMError::kindName(e.kind());
    // A 2xx status on a response that could not be read says nothing useful.
    if (e.status() >= 400)
        line += QStringLiteral(" (%1)").arg(e.status());
    return line + QStringLiteral(": ") + oneLine(e.message());
}

double positiveNumber(const QString& cmd, const Options& opts, const QString& name, bool zeroOk)
{
    bool ok = false;
    const double v = opts.value(name).toDouble(&ok);
    if (!ok || v < 0 || (!zeroOk && v == 0) || !std::isfinite(v)) {
        throw UsageError(
            QStringLiteral("%1: --%2 must be a %3 number, got '%4'")
                .arg(cmd, name,
                     zeroOk ? QStringLiteral("non-negative") : QStringLiteral("positive"),
                     opts.value(name)));
    }
    return v;
}

int wholeNumber(const QString& cmd, const Options& opts, const QString& name, int min)
{
    bool ok = false;
    const int v = opts.value(name).toInt(&ok);
    if (!ok || v < min) {
        throw UsageError(QStringLiteral("%1: --%2 must be an integer >= %3, got '%4'")
                             .arg(cmd, name)
                             .arg(min)
                             .arg(opts.value(name)));
    }
    return v;
}

LMConfig lmConfigFrom(const QString& cmd, const Options& opts, QString* secret,
                      const QString& defaultModel)
{
    if (!opts.has(QStringLiteral("model")) && defaultModel.isEmpty())
        throw UsageError(QStringLiteral("%1: --model is required").arg(cmd));
    LMConfig config;
    config.model =
        opts.has(QStringLiteral("model")) ? opts.value(QStringLiteral("model")) : defaultModel;
    QString why;
    const std::optional<ProviderInfo> provider = providerInfo(config.model, &why);
    if (!provider)
        throw UsageError(QStringLiteral("%1: invalid --model: %2").arg(cmd, why));
    if (opts.has(QStringLiteral("api-base"))) {
        config.apiBase = opts.value(QStringLiteral("api-base"));
        const QUrl url(config.apiBase, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
            url.host().isEmpty())
            throw UsageError(QStringLiteral("%1: --api-base must be an http(s) URL, got '%2'")
                                 .arg(cmd, config.apiBase));
    }
    config.apiKeyEnv = opts.value(QStringLiteral("api-key-env"));
    const QString keyName = config.apiKeyEnv.isEmpty() ? provider->defaultKeyEnv : config.apiKeyEnv;
    if (!keyName.isEmpty())
        *secret = EnvSecretStore().get(keyName).value_or(QString());

    if (opts.has(QStringLiteral("temperature")))
        config.temperature = positiveNumber(cmd, opts, QStringLiteral("temperature"), true);
    if (opts.has(QStringLiteral("max-tokens")))
        config.maxTokens = wholeNumber(cmd, opts, QStringLiteral("max-tokens"), 1);
    if (opts.has(QStringLiteral("timeout"))) {
        const double seconds = positiveNumber(cmd, opts, QStringLiteral("timeout"), false);
        config.timeoutMs = int(std::clamp(seconds * 1000.0, 1.0, 86400000.0));
    }
    if (opts.has(QStringLiteral("num-retries")))
        config.numRetries = wholeNumber(cmd, opts, QStringLiteral("num-retries"), 0);
    config.cache = !opts.has(QStringLiteral("no-cache"));
    return config;
}

} // namespace dspy::run
