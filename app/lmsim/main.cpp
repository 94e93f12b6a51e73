// dspy-lmsim — a simulated, OpenAI- and Anthropic-compatible LM server for tests, benchmarks and
// offline use. Its answers come from dspy::SimulatedLM (docs/lmsim.md): a simulation, not a model.

#include "lmsimserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

namespace {

[[noreturn]] void usageError(const QString& message)
{
    std::fprintf(stderr, "dspy-lmsim: %s\nTry 'dspy-lmsim --help'.\n", qPrintable(message));
    std::exit(2);
}

int intOption(const QCommandLineParser& parser, const QString& name, int min, int max)
{
    if (!parser.isSet(name))
        return min;
    bool ok = false;
    const int v = parser.value(name).toInt(&ok);
    if (!ok || v < min || v > max)
        usageError(QStringLiteral("--%1 must be an integer in %2..%3, got '%4'")
                       .arg(name)
                       .arg(min)
                       .arg(max)
                       .arg(parser.value(name)));
    return v;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("dspy-lmsim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DSPY_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Simulated LM server (OpenAI chat/embeddings, Anthropic messages) on 127.0.0.1.\n"
        "Answers are produced by a deterministic simulation (see docs/lmsim.md), not a model.\n"
        "Prints 'LISTENING <port>' as its first line."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("TCP port (0: any free port)."),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("latency-ms"), QStringLiteral("Delay before each model answer."),
         QStringLiteral("N")},
        {QStringLiteral("jitter-ms"), QStringLiteral("Extra uniform random delay 0..N."),
         QStringLiteral("N")},
        {QStringLiteral("seed"), QStringLiteral("Seed of answers, faults and jitter."),
         QStringLiteral("S")},
        {QStringLiteral("fault"),
         QStringLiteral(
             "Inject a fault at a rate 0..1; KIND is 429, 500, reset, malformed, truncate or hang. "
             "Repeatable."),
         QStringLiteral("KIND:RATE")},
        {QStringLiteral("model-name"), QStringLiteral("Model name (served as lmsim/<name>)."),
         QStringLiteral("NAME"), QStringLiteral("sim")},
    });
    if (!parser.parse(app.arguments()))
        usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        usageError(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    lmsim::ServerOptions options;
    options.port = quint16(intOption(parser, QStringLiteral("port"), 0, 65535));
    options.latencyMs = intOption(parser, QStringLiteral("latency-ms"), 0, 3600000);
    options.jitterMs = intOption(parser, QStringLiteral("jitter-ms"), 0, 3600000);
    if (parser.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        options.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok)
            usageError(QStringLiteral("--seed must be a non-negative integer, got '%1'")
                           .arg(parser.value(QStringLiteral("seed"))));
    }
    for (const QString& spec : parser.values(QStringLiteral("fault"))) {
        const qsizetype colon = spec.lastIndexOf(u':');
        const lmsim::Fault kind = lmsim::faultFromName(spec.left(colon));
        bool ok = false;
        const double rate = colon > 0 ? spec.mid(colon + 1).toDouble(&ok) : 0;
        if (colon <= 0 || kind == lmsim::Fault::None)
            usageError(QStringLiteral(
                           "--fault wants KIND:RATE with KIND one of 429, 500, reset, malformed, "
                           "truncate, hang; got '%1'")
                           .arg(spec));
        if (!ok || rate < 0 || rate > 1)
            usageError(QStringLiteral("--fault rate must be a number in 0..1, got '%1'")
                           .arg(spec.mid(colon + 1)));
        options.faults.append({kind, rate});
    }
    options.modelName = parser.value(QStringLiteral("model-name"));

    lmsim::LmSimServer server(options);
    if (!server.listen()) {
        std::fprintf(stderr, "dspy-lmsim: cannot listen on 127.0.0.1:%u: %s\n",
                     unsigned(options.port), qPrintable(server.errorString()));
        return 1;
    }
    // Parents read this line to learn the port; it must not sit in a buffer.
    std::fprintf(stdout, "LISTENING %u\n", unsigned(server.port()));
    std::fflush(stdout);
    return app.exec();
}
