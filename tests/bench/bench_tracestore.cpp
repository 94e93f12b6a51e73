// bench_tracestore: the trace store under a simulated evaluation. Each example makes five spans
// through a TraceRecorder (module, adapter_format, lm, adapter_parse), one of
// them an LM call with a ~1.5 KB prompt. Prints spans written per second (record to committed),
// file bytes per LM call, peak RSS, and query latencies at offset 100k.
//
// Run: build/<dir>/tests/bench/bench_tracestore [--spans N] [--threads T]

#include "trace/tracerecorder.h"
#include "trace/tracestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

using namespace dspy;

namespace {

long peakRssKb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

qint64 dirBytes(const QString& dir)
{
    qint64 total = 0;
    for (const QFileInfo& fi : QDir(dir).entryInfoList(QDir::Files))
        total += fi.size();
    return total;
}

Object lmInputs(int i)
{
    QString system = QStringLiteral(
        "Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `reasoning` "
        "(str):\n2. `answer` (str):\nAll interactions will be structured in the following way, "
        "with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## "
        "reasoning ## ]]\n{reasoning}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## "
        "]]\nIn adhering to this structure, your objective is: \n        Given the fields "
        "`question`, produce the fields `reasoning`, `answer`.");
    system += QString(700, QLatin1Char(' ')); // demos and instructions make prompts longer
    const QString user =
        QStringLiteral(
            "[[ ## question ## ]]\nA shop sells %1 apples a day for 7 days. How many "
            "apples does it sell in total?\n\nRespond with the corresponding output "
            "fields, starting with the field `[[ ## reasoning ## ]]`, then `[[ ## "
            "answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.")
            .arg(i);
    return Object{
        {QStringLiteral("prompt"), Value()},
        {QStringLiteral("messages"),
         Value(Array{Value(Object{{QStringLiteral("role"), Value("system")},
                                  {QStringLiteral("content"), Value(system)}}),
                     Value(Object{{QStringLiteral("role"), Value("user")},
                                  {QStringLiteral("content"), Value(user)}})})},
        {QStringLiteral("kwargs"), Value(Object{{QStringLiteral("temperature"), Value(0.0)}})}};
}

void oneExample(TraceRecorder& rec, int i)
{
    const QString root = newCallId();
    rec.beginExample(i, root);
    const Object q{{QStringLiteral("question"), Value(QStringLiteral("question %1").arg(i))}};
    const QString mod = newCallId(), fmt = newCallId(), lm = newCallId(), parse = newCallId();
    rec.onStart(CallbackHook::Module, {mod, root, QStringLiteral("ChainOfThought"), q});
    rec.onStart(CallbackHook::AdapterFormat, {fmt, mod, QStringLiteral("ChatAdapter"), q});
    rec.onEnd(CallbackHook::AdapterFormat, {fmt, Value(QStringLiteral("[...]")), {}});
    rec.onStart(CallbackHook::LM,
                {lm, mod, QStringLiteral("ManagedLM(openai/gpt-4o-mini)"), lmInputs(i)});
    CallEnd end{lm,
                Value(Array{Value(QStringLiteral("[[ ## reasoning ## ]]\n%1 * 7 = %2\n\n[[ ## "
                                                 "answer ## ]]\n%2\n\n[[ ## completed ## ]]")
                                      .arg(i)
                                      .arg(i * 7))}),
                {}};
    end.metadata = Object{
        {QStringLiteral("model"), Value("openai/gpt-4o-mini")},
        {QStringLiteral("usage"), Value(Object{{QStringLiteral("prompt_tokens"), Value(310)},
                                               {QStringLiteral("completion_tokens"), Value(30)}})},
        {QStringLiteral("cost"), Value(0.0000645)},
        {QStringLiteral("cache_hit"), Value(false)}};
    rec.onEnd(CallbackHook::LM, end);
    rec.onStart(CallbackHook::AdapterParse, {parse, mod, QStringLiteral("ChatAdapter"), q});
    rec.onEnd(CallbackHook::AdapterParse, {parse, Value(q), {}});
    rec.onEnd(CallbackHook::Module, {mod, Value(q), {}});
    rec.endExample(root);
}

template <typename F> double medianUs(F&& f, int rounds = 21)
{
    std::vector<double> t;
    for (int i = 0; i < rounds; ++i) {
        QElapsedTimer e;
        e.start();
        f();
        t.push_back(double(e.nsecsElapsed()) / 1000.0);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int spans = 200000;
    int threads = 4;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == u"--spans")
            spans = args[i + 1].toInt();
        else if (args[i] == u"--threads")
            threads = args[i + 1].toInt();
    }
    const int examples = spans / 4;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.dspydb"));
    const long rssBefore = peakRssKb();
    double writeSeconds = 0;
    qint64 dropped = 0;
    {
        auto store = TraceStore::open(path).value();
        store->beginRun(RunInfo{QStringLiteral("run"), QStringLiteral("bench"),
                                QStringLiteral("evaluate"), TraceRecorder::nowUs(), std::nullopt,
                                QStringLiteral("running"), Value()});
        TraceRecorder rec(store, QStringLiteral("run"));
        QElapsedTimer timer;
        timer.start();
        std::atomic<int> next{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
            pool.emplace_back([&] {
                for (int i = next.fetch_add(1); i < examples; i = next.fetch_add(1))
                    oneExample(rec, i);
            });
        }
        for (std::thread& th : pool)
            th.join();
        store->flush();
        writeSeconds = double(timer.nsecsElapsed()) / 1e9;
        dropped = store->droppedCount();
    }
    const long rssAfterWrite = peakRssKb();
    const qint64 bytes = dirBytes(dir.path());

    auto store = TraceStore::open(path).value();
    const SpanCounts counts = store->counts(QStringLiteral("run")).value();
    const qint64 offset = qMin<qint64>(100000, counts.spans - 50);
    const double offsetUs =
        medianUs([&] { (void)store->spansAt(QStringLiteral("run"), offset, 50).value(); });
    const Span at = store->spansAt(QStringLiteral("run"), offset - 1, 1).value().first();
    const double keysetUs = medianUs([&] {
        (void)store->spans(QStringLiteral("run"), SpanCursor{at.started, at.id}, 50).value();
    });
    const double exampleUs =
        medianUs([&] { (void)store->spansForExample(QStringLiteral("run"), 12345).value(); });
    const double countsUs = medianUs([&] { (void)store->counts(QStringLiteral("run")).value(); });
    const double searchUs = medianUs(
        [&] { (void)store->search(QStringLiteral("run"), QStringLiteral("4242"), 20).value(); });

    std::printf("spans recorded          %lld (%d examples x 4, %d producer threads)\n",
                static_cast<long long>(counts.spans), examples, threads);
    std::printf("dropped                 %lld\n", static_cast<long long>(dropped));
    std::printf("spans written / s       %.0f (record through commit, %.2f s)\n",
                counts.spans / writeSeconds, writeSeconds);
    std::printf("file bytes              %lld (db + wal)\n", static_cast<long long>(bytes));
    std::printf("bytes per LM call       %.0f (its example's 4 spans, indexes, FTS)\n",
                double(bytes) / qMax<qint64>(1, counts.lmCalls));
    std::printf("peak RSS                %.1f MB (%.1f MB before writing)\n",
                rssAfterWrite / 1024.0, rssBefore / 1024.0);
    std::printf("page of 50 at offset %lld: OFFSET %.0f us, keyset %.0f us (median of 21)\n",
                static_cast<long long>(offset), offsetUs, keysetUs);
    std::printf("spansForExample %.0f us, counts %.0f us, search %.0f us\n", exampleUs, countsUs,
                searchUs);
    return 0;
}
