// FTS5Retriever: index build throughput and BM25 query latency over a synthetic corpus. The
// corpus is deterministic (a fixed-seed generator over a 20,000-word synthetic vocabulary with a
// Zipf-like word distribution; 30-90 words a passage, a 3-6 word title), so runs compare. Prints
// build time (passages/s), index size, and p50/p90/p99 query latency at k=5 and k=20 over the
// same queries (2-5 words each; one set drawn like the passages' words, one uniformly from the
// vocabulary).
// Run: build/release/tests/bench/bench_retrieve [--passages N] [--queries Q]
#include "retrieve/fts5retriever.h"
#include "runtime/runcontext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace dspy;

namespace {

// SplitMix64: a fixed sequence for a fixed seed on every platform.
class Rng
{
public:
    explicit Rng(quint64 seed)
        : m_state(seed)
    {}
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) / double(1ull << 53); }
    int range(int lo, int hi) { return lo + int(next() % quint64(hi - lo + 1)); }

private:
    quint64 m_state;
};

class Vocabulary
{
public:
    explicit Vocabulary(int size)
    {
        static const char* syllables[] = {"ka",  "lo", "mi",  "ren", "tas", "vo",  "shi", "pel",
                                          "dor", "an", "qui", "ber", "ul",  "zen", "fa",  "gor"};
        Rng rng(7);
        QSet<QString> seen;
        while (m_words.size() < size) {
            QString w;
            const int parts = rng.range(2, 4);
            for (int i = 0; i < parts; ++i)
                w += QLatin1String(syllables[rng.next() % 16]);
            if (!seen.contains(w)) {
                seen.insert(w);
                m_words.append(w);
            }
        }
        // Zipf (s = 1): cumulative weights 1/rank.
        double total = 0;
        for (int r = 1; r <= size; ++r) {
            total += 1.0 / r;
            m_cdf.push_back(total);
        }
        for (double& c : m_cdf)
            c /= total;
    }
    int size() const { return int(m_words.size()); }
    const QString& word(int i) const { return m_words.at(i); }
    const QString& draw(Rng& rng) const
    {
        const double u = rng.uniform();
        const auto it = std::lower_bound(m_cdf.begin(), m_cdf.end(), u);
        return m_words.at(std::min<qsizetype>(it - m_cdf.begin(), m_words.size() - 1));
    }

private:
    QStringList m_words;
    std::vector<double> m_cdf;
};

QString sentence(const Vocabulary& v, Rng& rng, int words)
{
    QString s;
    for (int i = 0; i < words; ++i) {
        if (i)
            s += (i % 12 == 0) ? QStringLiteral(". ") : QStringLiteral(" ");
        s += v.draw(rng);
    }
    return s + u'.';
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(std::ceil(p * double(v.size()))) - 1);
    return v[i];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int passages = 100000;
    int queries = 2000;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == u"--passages")
            passages = args[i + 1].toInt();
        if (args[i] == u"--queries")
            queries = args[i + 1].toInt();
    }

    const Vocabulary vocab(20000);
    Rng rng(42);
    QList<FTS5Retriever::Document> docs;
    docs.reserve(passages);
    qint64 words = 0;
    for (int i = 0; i < passages; ++i) {
        FTS5Retriever::Document d;
        d.id = QStringLiteral("p%1").arg(i);
        const int n = rng.range(30, 90);
        words += n;
        d.title = sentence(vocab, rng, rng.range(3, 6));
        d.text = sentence(vocab, rng, n);
        docs.append(std::move(d));
    }

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.sqlite"));
    QElapsedTimer clock;
    clock.start();
    const auto built = FTS5Retriever::build(docs, path);
    const double buildS = double(clock.nsecsElapsed()) / 1e9;
    if (!built) {
        std::fprintf(stderr, "build failed: %s\n", qPrintable(built.error()));
        return 1;
    }
    std::printf("corpus: %d passages, %.1f words each on average (deterministic, seed 42)\n",
                passages, double(words) / passages);
    std::printf("build: %.2f s, %.0f passages/s, index %.1f MiB\n", buildS, passages / buildS,
                double(QFileInfo(path).size()) / (1024.0 * 1024.0));

    clock.restart();
    auto opened = FTS5Retriever::open(path);
    if (!opened) {
        std::fprintf(stderr, "open failed: %s\n", qPrintable(opened.error()));
        return 1;
    }
    std::printf("open: %.2f ms\n", double(clock.nsecsElapsed()) / 1e6);
    const std::shared_ptr<FTS5Retriever> retriever = *opened;

    // Two query sets: words drawn like the corpus (Zipf: most queries hold very common words, so
    // the OR-ed match touches much of the index), and words drawn uniformly from the vocabulary
    // (content-word queries: few postings each).
    QStringList zipfQueries;
    QStringList uniformQueries;
    Rng qrng(4242);
    for (int i = 0; i < queries; ++i) {
        QStringList zw;
        QStringList uw;
        const int n = qrng.range(2, 5);
        for (int j = 0; j < n; ++j) {
            zw.append(vocab.draw(qrng));
            uw.append(vocab.word(int(qrng.next() % quint64(vocab.size()))));
        }
        zipfQueries.append(zw.join(u' '));
        uniformQueries.append(uw.join(u' '));
    }

    const RunContext ctx;
    // Warm-up: the first query opens this thread's connection and pages the index in.
    for (int i = 0; i < std::min(50, queries); ++i)
        retriever->search(zipfQueries[i], 5, ctx);
    for (const auto& [label, qs] :
         {std::pair{"zipf words   ", &zipfQueries}, std::pair{"uniform words", &uniformQueries}}) {
        for (int k : {5, 20}) {
            std::vector<double> us;
            us.reserve(size_t(queries));
            qint64 hits = 0;
            for (const QString& q : *qs) {
                clock.restart();
                hits += retriever->search(q, k, ctx).size();
                us.push_back(double(clock.nsecsElapsed()) / 1e3);
            }
            double sum = 0;
            for (double u : us)
                sum += u;
            std::printf("query %s k=%-2d: %d queries, p50 %.0f us, p90 %.0f us, p99 %.0f us, "
                        "mean %.0f us, %.1f passages/query\n",
                        label, k, queries, percentile(us, 0.50), percentile(us, 0.90),
                        percentile(us, 0.99), sum / double(us.size()), double(hits) / queries);
        }
    }
    return 0;
}
