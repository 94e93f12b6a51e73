// bench_memory — peak RSS for 10k distinct cached Predict calls.
//
//   bench_memory [--calls N] [--disk]
//
// Makes N distinct Predict calls (every question differs, so each is a cache miss that is then
// stored) through ManagedLM over the in-process SimulatedLM, with the two-tier cache on (memory
// tier, plus the SQLite tier in a temp dir with --disk) and history at its defaults, then prints
// /proc/self/status VmHWM. Goal: < 150 MB for 10k calls (Python DSPy peaks at ~250 MB).

#include "cache/lmcache.h"
#include "lm/managedlm.h"
#include "lm/simulator.h"
#include "modules/predict.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>

using namespace dspy;

namespace {

QByteArray statusLine(const char* name)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return "?";
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(name))
            return line.mid(qstrlen(name)).trimmed();
    }
    return "?";
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qsizetype i = args.indexOf(QLatin1String("--calls"));
    const int calls = i >= 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : 10000;
    const bool disk = args.contains(QLatin1String("--disk"));

    std::printf("before: VmHWM %s, VmRSS %s\n", statusLine("VmHWM:").constData(),
                statusLine("VmRSS:").constData());
    QTemporaryDir dir;
    LMCache::Options co;
    co.enableDisk = disk;
    co.diskPath = dir.filePath(QStringLiteral("cache.sqlite"));
    ManagedLMOptions mo;
    mo.cacheStore = std::make_shared<LMCache>(co);
    auto lm = ManagedLM::create(std::make_shared<SimulatedLM>(), 0.0, 1000, {}, mo);
    Predict predict(Signature::fromString(u"question -> answer"));
    RunContext ctx(lm);
    QElapsedTimer t;
    t.start();
    int answered = 0;
    for (int k = 0; k < calls; ++k) {
        const Example in{
            {"question", Value(QStringLiteral("What is %1 plus %2?").arg(k).arg(k % 97))}};
        const Prediction p = predict.call(in, ctx, {});
        answered += p.get(u"answer").isNull() ? 0 : 1;
    }
    mo.cacheStore->flush();
    std::printf("%d distinct Predict calls (cache: memory%s; history on) in %.2f s, %d answered\n",
                calls, disk ? " + SQLite" : "", t.nsecsElapsed() / 1e9, answered);
    std::printf("after:  VmHWM %s, VmRSS %s\n", statusLine("VmHWM:").constData(),
                statusLine("VmRSS:").constData());
    return 0;
}
