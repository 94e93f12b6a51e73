// bench_evaluate — Evaluate throughput over HTTP with trace recording on (issue 4, Benchmarks).
//
//   bench_evaluate --url BASE [--examples 5000] [--threads 128] [--latency-ms 50]
//                  [--no-trace] [--trace-db FILE]
//
// Predict("question -> answer") over --examples distinct questions against an OpenAI-compatible
// server at BASE that answers every request after --latency-ms with a fixed ChatAdapter reply
// ("4"): nginx with the echo module in tests/bench/run-evaluate-bench, so the server is not the
// bottleneck. The LM cache is off (every example is a request). With the trace on, every module,
// adapter and LM call goes through a TraceRecorder into a SQLite TraceStore, as
// `dspy-run evaluate --trace-db` does.
//
// Prints one block: examples/s against the ceiling the latency allows (threads * 1000 /
// latency), LM calls, the score (100 when every reply parsed), spans written and per second,
// bytes of trace file per LM call, dropped spans, and peak RSS (VmHWM). Run one thread count per
// process so that the peak RSS is that run's.

#include "evaluate/evaluate.h"
#include "evaluate/metrics.h"
#include "lm/lmfactory.h"
#include "modules/predict.h"
#include "trace/tracerecorder.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QUuid>

#include <cstdio>

using namespace dspy;

namespace {

QByteArray statusLine(const char* key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return "?";
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(qstrlen(key)).trimmed();
    }
    return "?";
}

QString arg(const QStringList& args, const QString& name, const QString& fallback = {})
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString url = arg(args, QStringLiteral("--url"));
    if (url.isEmpty()) {
        std::fprintf(stderr, "usage: bench_evaluate --url BASE [--examples N] [--threads N] "
                             "[--latency-ms L] [--no-trace] [--trace-db FILE]\n");
        return 2;
    }
    const int examples = arg(args, QStringLiteral("--examples"), QStringLiteral("5000")).toInt();
    const int threads = arg(args, QStringLiteral("--threads"), QStringLiteral("128")).toInt();
    const int latencyMs = arg(args, QStringLiteral("--latency-ms"), QStringLiteral("50")).toInt();
    const bool trace = !args.contains(QStringLiteral("--no-trace"));

    LMConfig config;
    config.model = QStringLiteral("openai/bench");
    config.apiBase = url;
    config.cache = false;
    config.numRetries = 0;
    qputenv("OPENAI_API_KEY", "bench-not-a-secret");

    QTemporaryDir dir;
    const QString dbPath =
        arg(args, QStringLiteral("--trace-db"), dir.filePath(QStringLiteral("trace.sqlite")));
    TraceStorePtr store;
    std::shared_ptr<CallbackRegistry> callbacks;
    std::shared_ptr<TraceRecorder> recorder;
    const QString runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (trace) {
        auto opened = TraceStore::open(dbPath);
        if (!opened) {
            std::fprintf(stderr, "bench_evaluate: %s\n", qPrintable(opened.error()));
            return 1;
        }
        store = *opened;
        store->beginRun(RunInfo{runId, QStringLiteral("bench_evaluate"), QStringLiteral("evaluate"),
                                TraceRecorder::nowUs(), std::nullopt, QStringLiteral("running"),
                                Value()});
        recorder = std::make_shared<TraceRecorder>(store, runId);
        callbacks = std::make_shared<CallbackRegistry>();
        callbacks->add(recorder);
    }

    LMFactoryOptions lmOptions;
    lmOptions.managed.callbacks = callbacks;
    auto lm = makeLM(config, lmOptions);
    if (!lm) {
        std::fprintf(stderr, "bench_evaluate: %s\n", lm.error().what());
        return 1;
    }

    QList<Example> devset;
    devset.reserve(examples);
    for (int i = 0; i < examples; ++i) {
        devset.append(
            Example{{QStringLiteral("question"),
                     Value(QStringLiteral("What is %1 + %2 - %1 - %2 + 4?").arg(i).arg(i % 97))},
                    {QStringLiteral("answer"), Value(QStringLiteral("4"))}}
                .withInputs({QStringLiteral("question")}));
    }
    Predict program(Signature::fromString(u"question -> answer"));
    const Metric metric = *builtinMetric(QStringLiteral("exact_match"));

    EvaluateOptions options;
    options.numThreads = threads;
    options.maxErrors = examples + 1;
    RunContext base(*lm);
    base.callbacks = callbacks;

    const QByteArray rssBefore = statusLine("VmHWM:");
    QElapsedTimer clock;
    clock.start();
    const EvaluationResult result = Evaluate(options).run(program, devset, metric, base);
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    if (store) {
        store->endRun(runId, TraceRecorder::nowUs(), QStringLiteral("finished"),
                      Value(result.summary()));
        store->flush();
    }
    const double flushedSeconds = double(clock.nsecsElapsed()) / 1e9;

    qint64 calls = 0;
    for (const UsageTracker::Entry& e : result.usage)
        calls += e.calls;
    const double perSecond = double(result.completed + result.errors) / seconds;
    const double ceiling = double(threads) * 1000.0 / double(latencyMs);
    std::printf("bench_evaluate: %d examples, %d threads, %d ms server latency, trace %s\n",
                examples, threads, latencyMs, trace ? "on" : "off");
    std::printf("  examples/s      %.0f  (%.1f %% of the %.0f/s the latency allows; %.2f s)\n",
                perSecond, 100.0 * perSecond / ceiling, ceiling, seconds);
    std::printf("  completed       %lld, errors %lld, score %.2f, LM calls %lld\n",
                static_cast<long long>(result.completed), static_cast<long long>(result.errors),
                result.score, static_cast<long long>(calls));
    if (!result.results.isEmpty() && result.errors > 0) {
        for (const EvaluationRow& row : result.results) {
            if (!row.error.isEmpty()) {
                std::printf("  first error     %s\n", qPrintable(row.error));
                break;
            }
        }
    }
    if (store) {
        const qint64 spans = store->writtenSpans();
        const qint64 bytes =
            QFileInfo(dbPath).size() + QFileInfo(dbPath + QStringLiteral("-wal")).size();
        std::printf("  trace           %lld spans written (%.0f/s over the run incl. final flush "
                    "%.2f s), %lld dropped, %.0f bytes per LM call (%s)\n",
                    static_cast<long long>(spans), double(spans) / flushedSeconds,
                    flushedSeconds - seconds, static_cast<long long>(store->droppedCount()),
                    calls ? double(bytes) / double(calls) : 0.0,
                    store->lastError().isEmpty() ? "ok" : qPrintable(store->lastError()));
    }
    std::printf("  peak RSS        %s (before the run %s)\n", statusLine("VmHWM:").constData(),
                rssBefore.constData());
    return result.completed == examples ? 0 : 1;
}
