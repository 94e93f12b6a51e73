// Cached Predict calls: a memory hit and a disk hit (memory tier off, so every call reads SQLite),
// through ManagedLM over an offline LM. Python DSPy: ~1.2 ms (memory hit), ~2 ms (disk hit).
// Goals here: <= 15 us and <= 80 us. Also the bare tier lookups and the cache key alone.

#include "cache/cachekey.h"
#include "cache/lmcache.h"
#include "lm/managedlm.h"
#include "lm/scriptedlm.h"
#include "modules/predict.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

using namespace dspy;

namespace {

std::shared_ptr<ManagedLM> managed(std::shared_ptr<LMCache> cache)
{
    auto inner = std::make_shared<ScriptedLM>(
        QList<Object>{Object{{QStringLiteral("answer"), Value("42")}}});
    ManagedLMOptions o;
    o.cacheStore = std::move(cache);
    static History global;
    o.globalHistory = &global;
    return ManagedLM::create(inner, {}, {}, {}, o);
}

void cachedPredict(benchmark::State& state, std::shared_ptr<LMCache> cache)
{
    Predict predict(Signature::fromString(u"question -> answer"));
    RunContext ctx(managed(cache));
    const Example in{{"question", Value("What is 21 + 21?")}};
    predict.call(in, ctx, {}); // the miss that fills the cache
    cache->flush();
    for (auto _ : state) {
        Prediction p = predict.call(in, ctx, {});
        benchmark::DoNotOptimize(p);
    }
}

void BM_PredictMemoryHit(benchmark::State& state)
{
    LMCache::Options o;
    o.enableDisk = false;
    cachedPredict(state, std::make_shared<LMCache>(o));
}
BENCHMARK(BM_PredictMemoryHit);

void BM_PredictDiskHit(benchmark::State& state)
{
    QTemporaryDir dir;
    LMCache::Options o;
    o.enableMemory = false;
    o.diskPath = dir.filePath(QStringLiteral("bench.sqlite"));
    cachedPredict(state, std::make_shared<LMCache>(o));
}
BENCHMARK(BM_PredictDiskHit);

// The miss path without HTTP: every question differs, so each call formats, keys, misses, calls
// the (in-process) LM, parses, stores in the memory tier and appends to both histories. What the
// whole Predict call adds on top of the transport in bench_http's (b2).
void BM_PredictMiss(benchmark::State& state)
{
    LMCache::Options o;
    o.enableDisk = false;
    auto cache = std::make_shared<LMCache>(o);
    Predict predict(Signature::fromString(u"question -> answer"));
    RunContext ctx(managed(cache));
    int seq = 0;
    for (auto _ : state) {
        const Example in{{"question", Value(QStringLiteral("What is 2+%1?").arg(++seq))}};
        Prediction p = predict.call(in, ctx, {});
        benchmark::DoNotOptimize(p);
    }
}
BENCHMARK(BM_PredictMiss);

LMRequest request()
{
    LMRequest r;
    r.model = QStringLiteral("openai/gpt-4o-mini");
    r.messages = {{QStringLiteral("system"), QString(600, u's')},
                  {QStringLiteral("user"), QString(200, u'u')}};
    r.kwargs =
        Object{{QStringLiteral("temperature"), Value()}, {QStringLiteral("max_tokens"), Value()}};
    return r;
}

void BM_CacheKey(benchmark::State& state)
{
    const LMRequest r = request();
    for (auto _ : state)
        benchmark::DoNotOptimize(cacheKey(r));
}
BENCHMARK(BM_CacheKey);

void BM_DiskLookup(benchmark::State& state)
{
    QTemporaryDir dir;
    DiskCache disk(dir.filePath(QStringLiteral("lookup.sqlite")));
    const QByteArray key = cacheKey(request());
    disk.put(key, QByteArray(400, 'v'));
    disk.flush();
    for (auto _ : state)
        benchmark::DoNotOptimize(disk.get(key));
}
BENCHMARK(BM_DiskLookup);

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
