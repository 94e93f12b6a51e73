// dspy-run evaluate: DSPy's Evaluate over a JSONL/CSV file or a bundled sample, with a progress
// line on stderr, a JSON summary on stdout, results files, a trace database and Ctrl-C.

#include "cli.h"
#include "command.h"

#include "cache/lmcache.h"
#include "datasets/dataset.h"
#include "datasets/samples.h"
#include "evaluate/evaluate.h"
#include "evaluate/jsmetric.h"
#include "evaluate/metrics.h"
#include "graph/graphprogram.h"
#include "lm/lmfactory.h"
#include "modules/chainofthought.h"
#include "modules/predict.h"
#include "trace/exampleindexer.h"
#include "trace/tracerecorder.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSet>
#include <QUuid>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace dspy::run {

namespace {

const char* const kEvaluateHelp =
    "Usage: dspy-run evaluate (--signature SIG [--cot] | --program FILE | --sample NAME)\n"
    "                         [--data FILE.jsonl|FILE.csv] [options]\n"
    "\n"
    "Runs DSPy's Evaluate: the program on every example of the data, scored by a metric, on a\n"
    "pool of threads. A progress line goes to stderr (rewritten in place on a terminal, one line\n"
    "a second otherwise; --quiet drops it); one JSON summary object goes to stdout:\n"
    "  {\"metric\", \"score\" (DSPy's: 100 * sum / total, 2 decimals), \"total\", \"completed\",\n"
    "   \"errors\", \"cancelled\", \"not_started\", \"aborted\", \"tokens\", \"cost\", "
    "\"elapsed_ms\",\n"
    "   \"model\", \"tokens_by_model\", \"lm_calls\", \"examples_per_second\",\n"
    "   \"max_errors_reached\", \"interrupted\"}\n"
    "Without --model the LM is the in-process simulated LM (lmsim/sim): a deterministic\n"
    "simulation for trying things out offline, not a language model.\n"
    "\n"
    "The program:\n"
    "  --signature SIG         Predict with this signature (ChainOfThought with --cot).\n"
    "  --cot                   ChainOfThought instead of Predict.\n"
    "  --instructions TEXT     The signature's instructions.\n"
    "  --program FILE          A program file, either\n"
    "                            {\"module\": \"Predict\" | \"ChainOfThought\",\n"
    "                             \"signature\": \"question -> answer\",\n"
    "                             \"state\": <what DSPy's program.save(\"x.json\") wrote>}\n"
    "                          (\"state\" optional), or a plain program.save() JSON together with\n"
    "                          --signature (and --cot for a ChainOfThought). Its demos and\n"
    "                          instructions are loaded.\n"
    "  --sample NAME           A bundled sample: arithmetic, tickets or rag_qa (with the gold\n"
    "                          passages as context). Gives the data, signature, input keys and\n"
    "                          metric; --data, --signature and --metric override them.\n"
    "  --project FILE --program NAME\n"
    "                          A program drawn in a .dspyproj project. The project's first\n"
    "                          dataset (or --dataset NAME), first metric (or --metric NAME) and\n"
    "                          first LM profile (or --profile NAME; none when --model is given)\n"
    "                          are the defaults; --data, --metric, --model ... override them.\n"
    "\n"
    "The data:\n"
    "  --data FILE             JSONL (one object per line) or CSV with a header row.\n"
    "  --input-keys a,b        The input fields (default: the signature's inputs). Every row\n"
    "                          must have them.\n"
    "  --limit N               Only the first N examples.\n"
    "\n"
    "The metric (compares the signature's \"answer\" output, else its first output):\n"
    "  --metric NAME           exact_match (default), f1, passage_match, semantic_f1,\n"
    "                          complete_and_grounded, or js:FILE for a JavaScript file defining\n"
    "                          function metric(example, prediction, trace) (docs: jsmetric.h).\n"
    "                          With --project, also the name of one of the project's metrics.\n"
    "  --metric-field F        The output field the metric compares.\n"
    "\n"
    "The LM:\n"
    "  --model ID              A DSPy model id (default lmsim/sim, the in-process simulator).\n"
    "  --api-base URL          The server, e.g. http://localhost:8000/v1.\n"
    "  --api-key-env VAR       The environment variable holding the API key.\n"
    "  --adapter NAME          chat (default), json or xml.\n"
    "  --temperature T         Sampling temperature.\n"
    "  --max-tokens N          Completion token limit.\n"
    "  --timeout SECONDS       Give up on a request silent for this long (default 600).\n"
    "  --num-retries N         Retries on 429, 5xx and transport errors (default 3).\n"
    "  --no-cache              Neither read nor write the LM cache.\n"
    "\n"
    "The run:\n"
    "  --threads N             Examples in flight at once (default 8, DSPy's num_threads).\n"
    "  --max-errors N          Stop after N failed examples (default 10, DSPy's max_errors).\n"
    "  --failure-score X       The score of a failed example (default 0).\n"
    "  --out FILE              Per-example results as DSPy's save_as_json/save_as_csv, by the\n"
    "                          extension: .json (one array), .jsonl (one row a line) or .csv.\n"
    "  --trace-db FILE         Record every module, adapter and LM call in this SQLite trace\n"
    "                          database (created if missing; a run is added to it).\n"
    "  --quiet                 No progress line.\n"
    "  -h, --help              Show this help.\n"
    "\n"
    "Ctrl-C cancels the run: examples not started never start, LM calls in flight are aborted,\n"
    "and the summary (and --out) still cover what finished. A second Ctrl-C quits at once.\n"
    "\n"
    "Exit codes: 0 the run finished (failed examples are counted, not fatal), 1 a data, program,\n"
    "metric or output file problem (the message names the line), 2 bad usage, 3 the run stopped\n"
    "at --max-errors (the summary is printed) or the LM could not be set up, 130 interrupted.\n";

const QString kDefaultModel = QStringLiteral("lmsim/sim");
constexpr int kInterruptedExit = 130;

// A data, program, metric or output file problem: exit 1 with the message.
class FileProblem
{
public:
    explicit FileProblem(QString m)
        : message(std::move(m))
    {}
    QString message;
};

// --- Ctrl-C -------------------------------------------------------------------------------
// The handler may only touch lock-free atomics: it cancels the run's token (the Evaluate driver
// polls it) and counts; the second Ctrl-C leaves without cleaning up, as users expect.

std::atomic<int> g_interrupts{0};
std::atomic<CancellationToken*> g_token{nullptr};

extern "C" void onSigint(int)
{
    if (g_interrupts.fetch_add(1) > 0)
        ::_exit(kInterruptedExit);
    if (CancellationToken* token = g_token.load())
        token->cancel();
    static const char msg[] =
        "\ndspy-run: interrupted, cancelling the run (Ctrl-C again to quit at once)\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
}

class SigintGuard
{
public:
    explicit SigintGuard(CancellationToken* token)
    {
        g_interrupts.store(0);
        g_token.store(token);
        struct sigaction sa = {};
        sa.sa_handler = onSigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &m_previous);
    }
    ~SigintGuard()
    {
        sigaction(SIGINT, &m_previous, nullptr);
        g_token.store(nullptr);
    }
    SigintGuard(const SigintGuard&) = delete;
    SigintGuard& operator=(const SigintGuard&) = delete;
    bool interrupted() const { return g_interrupts.load() > 0; }

private:
    struct sigaction m_previous = {};
};

// --- progress -----------------------------------------------------------------------------

QString duration(double seconds)
{
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString progressLine(const EvaluationProgress& p)
{
    QString eta = QStringLiteral("-");
    if (p.finished)
        eta = QStringLiteral("done");
    else if (p.examplesPerSecond > 0)
        eta = duration(double(p.total - p.done) / p.examplesPerSecond);
    return QStringLiteral("%1/%2 | score %3% | %4 ex/s | %5 LM calls/s | ETA %6 | errors %7")
        .arg(p.done)
        .arg(p.total)
        .arg(p.runningScore, 0, 'f', 2)
        .arg(p.examplesPerSecond, 0, 'f', 1)
        .arg(p.callsPerSecond, 0, 'f', 1)
        .arg(eta)
        .arg(p.errors);
}

// Evaluate reports from worker threads up to ~30 times a second; a terminal gets ~10 rewrites a
// second, a file or pipe one line a second so a log stays readable.
class ProgressPrinter
{
public:
    explicit ProgressPrinter(bool enabled)
        : m_enabled(enabled)
        , m_tty(::isatty(STDERR_FILENO) == 1)
    {
        m_clock.start();
    }

    void report(const EvaluationProgress& p)
    {
        if (!m_enabled)
            return;
        QMutexLocker lock(&m_mutex);
        if (m_closed)
            return;
        const qint64 now = m_clock.elapsed();
        if (!p.finished && m_printed && now - m_lastMs < (m_tty ? 100 : 1000))
            return;
        m_lastMs = now;
        m_printed = true;
        const QByteArray line = progressLine(p).toUtf8();
        if (m_tty)
            std::fprintf(stderr, "\r%s\x1b[K%s", line.constData(), p.finished ? "\n" : "");
        else
            std::fprintf(stderr, "%s\n", line.constData());
        std::fflush(stderr);
        if (p.finished)
            m_closed = true;
    }

private:
    bool m_enabled;
    bool m_tty;
    QMutex m_mutex;
    QElapsedTimer m_clock;
    qint64 m_lastMs = 0;
    bool m_printed = false;
    bool m_closed = false;
};

// --- trace database -----------------------------------------------------------------------

// ExampleIndexer (core/trace/exampleindexer.h) files the spans under their example.

// --- the pieces of a run ------------------------------------------------------------------

struct ProgramSpec
{
    std::unique_ptr<Module> module;
    Signature signature;
};

QString fileText(const QString& option, const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw FileProblem(
            QStringLiteral("--%1: cannot open '%2': %3").arg(option, path, file.errorString()));
    return QString::fromUtf8(file.readAll());
}

std::unique_ptr<Module> makeModule(const QString& kind, const Signature& sig)
{
    if (kind == u"ChainOfThought" || kind == u"dspy.ChainOfThought")
        return std::make_unique<ChainOfThought>(sig);
    if (kind == u"Predict" || kind == u"dspy.Predict")
        return std::make_unique<Predict>(sig);
    return nullptr;
}

Signature parseSignature(const QString& cmd, const QString& where, const QString& text,
                         const QString& instructions)
{
    SignatureError error;
    const std::optional<Signature> sig = Signature::parse(text, instructions, &error);
    if (!sig)
        throw UsageError(QStringLiteral("%1: invalid %2: %3").arg(cmd, where, error.toString()));
    return *sig;
}

ProgramSpec programFrom(const QString& cmd, const Options& opts,
                        const std::optional<samples::SampleInfo>& sample, const Project* project)
{
    if (opts.has(QStringLiteral("project"))) {
        // --project FILE --program NAME: a drawn program (graph/graphprogram.h).
        std::unique_ptr<GraphProgram> graph = projectProgramFrom(cmd, opts, project);
        const Signature sig = graph->signature();
        return {std::move(graph), sig};
    }
    const QString instructions = opts.value(QStringLiteral("instructions"));
    const bool cot = opts.has(QStringLiteral("cot"));
    std::optional<Signature> sig;
    if (opts.has(QStringLiteral("signature")))
        sig = parseSignature(cmd, QStringLiteral("--signature"),
                             opts.value(QStringLiteral("signature")), instructions);
    else if (sample)
        sig = parseSignature(cmd, QStringLiteral("sample signature"), sample->signature,
                             instructions);

    if (!opts.has(QStringLiteral("program"))) {
        if (!sig)
            throw UsageError(
                QStringLiteral("%1: give --signature, --program or --sample (see 'dspy-run %1 "
                               "--help')")
                    .arg(cmd));
        return {
            makeModule(cot ? QStringLiteral("ChainOfThought") : QStringLiteral("Predict"), *sig),
            *sig};
    }

    const QString path = opts.value(QStringLiteral("program"));
    QString error;
    qsizetype offset = -1;
    const std::optional<Value> json =
        Value::fromJson(fileText(QStringLiteral("program"), path), &error, &offset);
    if (!json || !json->isObject())
        throw FileProblem(
            QStringLiteral("--program %1: not a JSON object%2")
                .arg(path, json ? QString()
                                : QStringLiteral(" (at offset %1: %2)").arg(offset).arg(error)));
    const Object root = json->toObject();
    Object state;
    QString kind = cot ? QStringLiteral("ChainOfThought") : QStringLiteral("Predict");
    if (root.contains(u"module")) {
        kind = root.value(u"module").toString();
        if (root.contains(u"signature"))
            sig = parseSignature(cmd, QStringLiteral("signature in --program %1").arg(path),
                                 root.value(u"signature").toString(), instructions);
        if (root.contains(u"state")) {
            if (!root.value(u"state").isObject())
                throw FileProblem(
                    QStringLiteral("--program %1: \"state\" must be an object").arg(path));
            state = root.value(u"state").toObject();
        }
    } else {
        state = root; // a plain program.save()
    }
    if (!sig)
        throw UsageError(
            QStringLiteral("%1: --program %2 names no signature: give --signature").arg(cmd, path));
    std::unique_ptr<Module> module = makeModule(kind, *sig);
    if (!module)
        throw FileProblem(
            QStringLiteral("--program %1: \"module\" must be Predict or ChainOfThought, not '%2'")
                .arg(path, kind));
    if (!state.isEmpty()) {
        if (const auto loaded = module->loadState(state); !loaded)
            throw FileProblem(QStringLiteral("--program %1: %2").arg(path, loaded.error()));
    }
    // The state may carry the signature's instructions; the prompt uses the loaded one.
    const QList<NamedPredictor> predictors = module->namedPredictors();
    Signature effective = predictors.isEmpty() ? *sig : predictors.first().predictor->signature();
    return {std::move(module), effective};
}

QList<Example> dataFrom(const QString& cmd, const Options& opts, const Signature& sig,
                        const std::optional<samples::SampleInfo>& sample)
{
    QStringList inputKeys;
    if (opts.has(QStringLiteral("input-keys"))) {
        for (const QString& k :
             opts.value(QStringLiteral("input-keys")).split(QLatin1Char(','), Qt::SkipEmptyParts))
            inputKeys.append(k.trimmed());
        if (inputKeys.isEmpty())
            throw UsageError(QStringLiteral("%1: --input-keys is empty").arg(cmd));
    }

    QList<Example> data;
    if (opts.has(QStringLiteral("data"))) {
        const QString path = opts.value(QStringLiteral("data"));
        LoadOptions load;
        if (inputKeys.isEmpty()) {
            for (const Field& f : sig.inputFields())
                load.inputKeys.append(f.name);
        } else {
            load.inputKeys = inputKeys;
        }
        const QString suffix = QFileInfo(path).suffix().toLower();
        Expected<QList<Example>, DatasetError> loaded =
            suffix == u"csv" ? loadCsv(path, load) : loadJsonl(path, load);
        if (!loaded)
            throw FileProblem(QStringLiteral("--data %1: %2").arg(path, loaded.error().message));
        data = std::move(*loaded);
    } else if (sample) {
        auto loaded = samples::load(sample->name);
        if (loaded && sample->name == u"rag_qa")
            loaded = samples::withGoldContext(*loaded);
        if (!loaded)
            throw FileProblem(
                QStringLiteral("--sample %1: %2").arg(sample->name, loaded.error().message));
        data = std::move(*loaded);
        if (!inputKeys.isEmpty()) {
            for (Example& e : data)
                e = e.withInputs(inputKeys);
        }
    } else {
        throw UsageError(QStringLiteral("%1: --data is required (or --sample)").arg(cmd));
    }

    if (opts.has(QStringLiteral("limit"))) {
        const int limit = wholeNumber(cmd, opts, QStringLiteral("limit"), 0);
        if (data.size() > limit)
            data.resize(limit);
    }
    return data;
}

Metric metricFrom(const QString& cmd, const Options& opts, const Signature& sig,
                  const std::optional<samples::SampleInfo>& sample)
{
    QString name = opts.value(QStringLiteral("metric"));
    if (name.isEmpty())
        name = sample && sample->name == u"rag_qa" ? QStringLiteral("f1")
                                                   : QStringLiteral("exact_match");
    if (name.startsWith(QLatin1String("js:"))) {
        const QString path = name.mid(3);
        if (path.isEmpty())
            throw UsageError(QStringLiteral("%1: --metric js:FILE needs a file name").arg(cmd));
        Expected<Metric, QString> metric = JsMetric::fromFile(path);
        if (!metric)
            throw FileProblem(QStringLiteral("--metric %1: %2").arg(name, metric.error()));
        return std::move(*metric);
    }
    QString field;
    if (opts.has(QStringLiteral("metric-field")))
        field = opts.value(QStringLiteral("metric-field"));
    else if (sample && !opts.has(QStringLiteral("signature")) &&
             !opts.has(QStringLiteral("program")))
        field = sample->metricField;
    else if (sig.field(QStringLiteral("answer")))
        field = QStringLiteral("answer");
    else {
        for (const Field& f : sig.outputFields()) {
            if (f.name != u"reasoning") {
                field = f.name;
                break;
            }
        }
    }
    if (field.isEmpty())
        field = QStringLiteral("answer");
    std::optional<Metric> metric = builtinMetric(name, field);
    if (!metric)
        throw UsageError(QStringLiteral("%1: --metric must be one of %2 or js:FILE, not '%3'")
                             .arg(cmd, builtinMetricNames().join(QStringLiteral(", ")), name));
    return std::move(*metric);
}

enum class OutFormat { None, Json, Jsonl, Csv };

OutFormat outFormatFrom(const QString& cmd, const Options& opts)
{
    if (!opts.has(QStringLiteral("out")))
        return OutFormat::None;
    const QString suffix = QFileInfo(opts.value(QStringLiteral("out"))).suffix().toLower();
    if (suffix == u"json")
        return OutFormat::Json;
    if (suffix == u"jsonl")
        return OutFormat::Jsonl;
    if (suffix == u"csv")
        return OutFormat::Csv;
    throw UsageError(QStringLiteral("%1: --out must end in .json, .jsonl or .csv, got '%2'")
                         .arg(cmd, opts.value(QStringLiteral("out"))));
}

Expected<void, QString> saveResults(const EvaluationResult& result, OutFormat format,
                                    const QString& path)
{
    switch (format) {
    case OutFormat::None:
        return {};
    case OutFormat::Json:
        return result.saveResultsJson(path);
    case OutFormat::Csv:
        return result.saveResultsCsv(path);
    case OutFormat::Jsonl:
        break;
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return unexpected(QStringLiteral("%1: %2").arg(path, file.errorString()));
    for (const Value& row : result.rows())
        file.write(row.toJson(JsonStyle{-1, false, false}).toUtf8() + '\n');
    if (!file.flush())
        return unexpected(QStringLiteral("%1: %2").arg(path, file.errorString()));
    return {};
}

Object summaryOf(const EvaluationResult& result, const QString& model, bool interrupted)
{
    Object summary = result.summary();
    summary.insert(QStringLiteral("model"), Value(model));
    Object byModel;
    qint64 calls = 0;
    QStringList models = result.usage.keys();
    models.sort();
    for (const QString& m : models) {
        const UsageTracker::Entry& e = result.usage.value(m);
        calls += e.calls;
        byModel.insert(m,
                       Value(Object{{QStringLiteral("prompt"), Value(e.usage.promptTokens)},
                                    {QStringLiteral("completion"), Value(e.usage.completionTokens)},
                                    {QStringLiteral("total"), Value(e.usage.totalTokens)},
                                    {QStringLiteral("calls"), Value(e.calls)},
                                    {QStringLiteral("cost"), Value(e.cost)}}));
    }
    summary.insert(QStringLiteral("tokens_by_model"), Value(byModel));
    summary.insert(QStringLiteral("lm_calls"), Value(calls));
    const qint64 finished = result.completed + result.errors;
    const double perSecond =
        result.elapsedMs > 0 ? double(finished) * 1000.0 / double(result.elapsedMs) : 0.0;
    summary.insert(QStringLiteral("examples_per_second"),
                   Value(std::round(perSecond * 100.0) / 100.0));
    summary.insert(QStringLiteral("max_errors_reached"), Value(result.maxErrorsReached));
    summary.insert(QStringLiteral("interrupted"), Value(interrupted));
    return summary;
}

} // namespace

int evaluateCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString cmd = QStringLiteral("evaluate");
    Options opts(cmd,
                 lmOptionSpecs() +
                     QList<OptionSpec>{
                         {QStringLiteral("signature")},     {QStringLiteral("cot"), false, true},
                         {QStringLiteral("instructions")},  {QStringLiteral("program")},
                         {QStringLiteral("project")},       {QStringLiteral("dataset")},
                         {QStringLiteral("profile")},       {QStringLiteral("metric-field")},
                         {QStringLiteral("sample")},        {QStringLiteral("data")},
                         {QStringLiteral("input-keys")},    {QStringLiteral("limit")},
                         {QStringLiteral("metric")},        {QStringLiteral("adapter")},
                         {QStringLiteral("threads")},       {QStringLiteral("max-errors")},
                         {QStringLiteral("failure-score")}, {QStringLiteral("out")},
                         {QStringLiteral("trace-db")},      {QStringLiteral("quiet"), false, true}},
                 args);
    if (opts.help) {
        out << kEvaluateHelp;
        return Ok;
    }

    try {
        const auto project = applyProjectDefaults(cmd, opts, true);
        std::optional<samples::SampleInfo> sample;
        if (opts.has(QStringLiteral("sample"))) {
            sample = samples::info(opts.value(QStringLiteral("sample")));
            if (!sample)
                throw UsageError(QStringLiteral("%1: --sample must be one of %2, not '%3'")
                                     .arg(cmd, samples::names().join(QStringLiteral(", ")),
                                          opts.value(QStringLiteral("sample"))));
        }
        const AdapterPtr adapter = adapterFrom(cmd, opts);
        EvaluateOptions evalOptions;
        if (opts.has(QStringLiteral("threads")))
            evalOptions.numThreads =
                std::min(wholeNumber(cmd, opts, QStringLiteral("threads"), 1), 4096);
        if (opts.has(QStringLiteral("max-errors")))
            evalOptions.maxErrors = wholeNumber(cmd, opts, QStringLiteral("max-errors"), 1);
        if (opts.has(QStringLiteral("failure-score"))) {
            bool ok = false;
            evalOptions.failureScore = opts.value(QStringLiteral("failure-score")).toDouble(&ok);
            if (!ok || !std::isfinite(evalOptions.failureScore))
                throw UsageError(QStringLiteral("%1: --failure-score must be a number, got '%2'")
                                     .arg(cmd, opts.value(QStringLiteral("failure-score"))));
        }
        const OutFormat outFormat = outFormatFrom(cmd, opts);
        QString secret;
        const LMConfig config = lmConfigFrom(cmd, opts, &secret, kDefaultModel);

        ProgramSpec program = programFrom(cmd, opts, sample, project.get());
        const QList<Example> devset = dataFrom(cmd, opts, program.signature, sample);
        const Metric metric = metricFrom(cmd, opts, program.signature, sample);

        // The trace database: a run in it, every call of the evaluation as a span.
        TraceStorePtr store;
        std::shared_ptr<CallbackRegistry> callbacks;
        QString runId;
        if (opts.has(QStringLiteral("trace-db"))) {
            auto opened = TraceStore::open(opts.value(QStringLiteral("trace-db")));
            if (!opened)
                throw FileProblem(QStringLiteral("--trace-db %1: %2")
                                      .arg(opts.value(QStringLiteral("trace-db")), opened.error()));
            store = *opened;
            runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
            RunInfo info;
            info.id = runId;
            info.name = QStringLiteral("dspy-run evaluate %1")
                            .arg(sample && !opts.has(QStringLiteral("data"))
                                     ? sample->name
                                     : QFileInfo(opts.value(QStringLiteral("data"))).fileName());
            info.kind = QStringLiteral("evaluate");
            info.started = TraceRecorder::nowUs();
            info.status = QStringLiteral("running");
            store->beginRun(info);
            callbacks = std::make_shared<CallbackRegistry>();
            callbacks->add(std::make_shared<ExampleIndexer>(
                std::make_shared<TraceRecorder>(store, runId), devset));
        }

        LMFactoryOptions lmOptions;
        lmOptions.managed.callbacks = callbacks; // an LM call does not see the RunContext's
        auto made = makeLM(config, lmOptions);
        if (!made) {
            err << "error: " << redactAll(lmErrorLine(made.error()), secret) << '\n';
            return LMFailure;
        }
        RunContext base(*made, adapter);
        auto named = projectNamedLMs(cmd, project.get(), *program.module, lmOptions);
        if (!named) {
            err << "error: " << redactAll(named.error(), secret) << '\n';
            return LMFailure;
        }
        base.namedLMs = std::move(named.value());
        base.callbacks = callbacks;
        base.cancellation = std::make_shared<CancellationToken>();

        ProgressPrinter printer(!opts.has(QStringLiteral("quiet")));
        evalOptions.onProgress = [&printer](const EvaluationProgress& p) { printer.report(p); };
        err.flush();

        EvaluationResult result;
        bool interrupted = false;
        {
            SigintGuard guard(base.cancellation.get());
            result = Evaluate(evalOptions).run(*program.module, devset, metric, base);
            interrupted = guard.interrupted();
        }
        if (config.cache)
            LMCache::global()->flush();

        const Object summary = summaryOf(result, config.model, interrupted);
        if (store) {
            store->endRun(runId, TraceRecorder::nowUs(),
                          interrupted || result.aborted ? QStringLiteral("cancelled")
                                                        : QStringLiteral("finished"),
                          Value(summary));
            if (!store->flush())
                err << "dspy-run: warning: trace database: " << store->lastError() << '\n';
            if (store->droppedCount() > 0)
                err << "dspy-run: warning: trace database: " << store->droppedCount()
                    << " spans dropped (the disk did not keep up)\n";
        }

        int code = interrupted ? kInterruptedExit : result.maxErrorsReached ? LMFailure : Ok;
        if (const auto saved = saveResults(result, outFormat, opts.value(QStringLiteral("out")));
            !saved) {
            err << "dspy-run: evaluate: --out " << saved.error() << '\n';
            if (code == Ok)
                code = Failure;
        }
        if (result.maxErrorsReached) {
            const EvaluationRow* firstError = nullptr;
            for (const EvaluationRow& row : result.results) {
                if (row.status == EvaluationRow::Status::Error) {
                    firstError = &row;
                    break;
                }
            }
            err << "dspy-run: evaluate: stopped after " << result.errors << " errors (--max-errors "
                << evalOptions.maxErrors << ")";
            if (firstError)
                err << "; first, example " << firstError->index << ": "
                    << redactAll(oneLine(firstError->error), secret);
            err << '\n';
        }
        out << redactAll(Value(summary).toJson(JsonStyle{2, false, false}), secret) << '\n';
        return code;
    } catch (const FileProblem& e) {
        err << "dspy-run: evaluate: " << e.message << '\n';
        return Failure;
    }
}

} // namespace dspy::run
