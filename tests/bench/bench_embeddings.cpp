// bench_embeddings — EmbeddingsRetriever at 100k × 384: the exact scan against the hnswlib graph.
// Build time, query latency p50/p99 at k = 10, recall@10 of the graph against the exact scan (at
// a few efSearch values), save/load time and size. A benchmark: it prints figures, asserts none.
//
// The vectors are deterministic and "random-ish": --clusters centres (Gaussian) plus Gaussian
// noise of --noise times their spread, normalised; queries are drawn the same way. --clusters 0
// gives plain Gaussian vectors (no structure: the hardest case for a graph index).
//
// Run: build/<dir>/tests/bench/bench_embeddings [--n 100000] [--dims 384] [--queries 500]
//      [--clusters 1000] [--noise 0.5] [--m 16] [--ef-construction 200] [--threads 0]

#include "retrieve/embeddingsretriever.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace dspy;

namespace {

int intArg(const QStringList& args, const QString& name, int fallback)
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args[i + 1].toInt() : fallback;
}
double doubleArg(const QStringList& args, const QString& name, double fallback)
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args[i + 1].toDouble() : fallback;
}

struct Generator
{
    int dims;
    double noise;
    std::vector<float> centres;
    int clusters;
    std::mt19937_64 gen;
    std::normal_distribution<float> normal{0.0f, 1.0f};

    Generator(int d, int k, double n, quint64 seed)
        : dims(d)
        , noise(n)
        , clusters(k)
        , gen(seed)
    {
        centres.resize(size_t(k) * size_t(d));
        for (float& f : centres)
            f = normal(gen);
    }
    void next(float* out)
    {
        const float* c = nullptr;
        if (clusters > 0)
            c = centres.data() + size_t(gen() % quint64(clusters)) * size_t(dims);
        double norm = 0;
        for (int j = 0; j < dims; ++j) {
            out[j] = (c ? c[j] : 0.0f) + float(clusters > 0 ? noise : 1.0) * normal(gen);
            norm += double(out[j]) * out[j];
        }
        for (int j = 0; j < dims; ++j)
            out[j] = float(out[j] / std::sqrt(norm));
    }
};

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int n = intArg(args, QStringLiteral("--n"), 100000);
    const int dims = intArg(args, QStringLiteral("--dims"), 384);
    const int queries = intArg(args, QStringLiteral("--queries"), 500);
    const int clusters = intArg(args, QStringLiteral("--clusters"), 1000);
    const double noise = doubleArg(args, QStringLiteral("--noise"), 0.5);
    const int k = 10;

    Generator g(dims, clusters, noise, 42);
    std::vector<float> vectors(size_t(n) * size_t(dims));
    for (int i = 0; i < n; ++i)
        g.next(vectors.data() + size_t(i) * size_t(dims));
    std::vector<float> qs(size_t(queries) * size_t(dims));
    for (int i = 0; i < queries; ++i)
        g.next(qs.data() + size_t(i) * size_t(dims));
    QList<EmbeddingsRetriever::Document> corpus;
    corpus.reserve(n);
    for (int i = 0; i < n; ++i)
        corpus.append({QString::number(i), QStringLiteral("passage %1").arg(i), {}});

    std::printf("bench_embeddings: %d × %d unit vectors (%s), %d queries, k = %d\n", n, dims,
                clusters > 0
                    ? qPrintable(QStringLiteral("%1 clusters, noise %2").arg(clusters).arg(noise))
                    : "plain Gaussian",
                queries, k);

    EmbeddingsRetriever::Options exactOpts;
    exactOpts.bruteForceThreshold = qsizetype(n) + 1;
    QElapsedTimer t;
    t.start();
    auto exact = EmbeddingsRetriever::fromVectors(corpus, vectors, dims, nullptr, exactOpts);
    const double exactBuild = t.nsecsElapsed() / 1e6;
    if (!exact) {
        std::printf("exact: %s\n", qPrintable(exact.error()));
        return 1;
    }

    EmbeddingsRetriever::Options hnswOpts;
    hnswOpts.bruteForceThreshold = 1;
    hnswOpts.hnswM = intArg(args, QStringLiteral("--m"), hnswOpts.hnswM);
    hnswOpts.efConstruction =
        intArg(args, QStringLiteral("--ef-construction"), hnswOpts.efConstruction);
    hnswOpts.buildThreads = intArg(args, QStringLiteral("--threads"), 0);
    t.restart();
    auto hnsw = EmbeddingsRetriever::fromVectors(corpus, vectors, dims, nullptr, hnswOpts);
    const double hnswBuild = t.nsecsElapsed() / 1e6;
    if (!hnsw) {
        std::printf("hnsw: %s\n", qPrintable(hnsw.error()));
        return 1;
    }
    std::printf("build: exact %.0f ms (copy + normalise), hnsw %.0f ms (M = %d, "
                "efConstruction = %d, %d threads)\n",
                exactBuild, hnswBuild, hnswOpts.hnswM, hnswOpts.efConstruction,
                hnswOpts.buildThreads > 0 ? hnswOpts.buildThreads : QThread::idealThreadCount());

    std::vector<QList<std::pair<qsizetype, float>>> truth(static_cast<size_t>(queries));
    std::vector<double> lat;
    for (int q = 0; q < queries; ++q) {
        t.restart();
        truth[size_t(q)] = exact.value()->nearest(qs.data() + size_t(q) * size_t(dims), k);
        lat.push_back(t.nsecsElapsed() / 1e3);
    }
    std::printf("exact   query: p50 %8.1f µs  p99 %8.1f µs\n", percentile(lat, 0.5),
                percentile(lat, 0.99));

    for (int ef : {10, 50, 100, 200}) {
        hnsw.value()->setEfSearch(ef);
        lat.clear();
        int hits = 0;
        for (int q = 0; q < queries; ++q) {
            t.restart();
            const auto got = hnsw.value()->nearest(qs.data() + size_t(q) * size_t(dims), k);
            lat.push_back(t.nsecsElapsed() / 1e3);
            for (const auto& e : truth[size_t(q)])
                for (const auto& a : got)
                    hits += a.first == e.first;
        }
        std::printf("hnsw    query: p50 %8.1f µs  p99 %8.1f µs  recall@10 %.4f  (efSearch %d)%s\n",
                    percentile(lat, 0.5), percentile(lat, 0.99), hits / double(queries * k), ef,
                    ef == EmbeddingsRetriever::Options().efSearch ? "  [default]" : "");
    }
    hnsw.value()->setEfSearch(EmbeddingsRetriever::Options().efSearch);

    QTemporaryDir dir;
    t.restart();
    const auto saved = hnsw.value()->save(dir.path());
    const double saveMs = t.nsecsElapsed() / 1e6;
    if (!saved) {
        std::printf("save: %s\n", qPrintable(saved.error()));
        return 1;
    }
    qint64 bytes = 0;
    for (QDirIterator it(dir.path(), QDir::Files); it.hasNext();) {
        it.next();
        bytes += it.fileInfo().size();
    }
    t.restart();
    const auto loaded = EmbeddingsRetriever::load(dir.path(), nullptr);
    const double loadMs = t.nsecsElapsed() / 1e6;
    if (!loaded) {
        std::printf("load: %s\n", qPrintable(loaded.error()));
        return 1;
    }
    std::printf("save %.0f ms, load %.0f ms (checksums verified), %.1f MB on disk\n", saveMs,
                loadMs, bytes / 1e6);
    return 0;
}
