// EmbeddingsRetriever: the exact scan against a naive reference, the HNSW graph's recall against
// the exact scan, Retrieve(k) over simulated embeddings, save/load round trips (exact and HNSW),
// and broken or mismatched index folders refused with errors that name the file.

#include "retrieve/embeddingsretriever.h"

#include "modules/retrieve.h"
#include "runtime/runcontext.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace dspy;

namespace {

std::vector<float> randomVectors(qsizetype n, int dims, quint32 seed)
{
    std::mt19937 gen(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> out(size_t(n) * size_t(dims));
    for (float& f : out)
        f = dist(gen);
    return out;
}

QList<EmbeddingsRetriever::Document> docs(qsizetype n)
{
    QList<EmbeddingsRetriever::Document> out;
    for (qsizetype i = 0; i < n; ++i)
        out.append({QStringLiteral("d%1").arg(i), QStringLiteral("passage %1").arg(i),
                    Object{{QStringLiteral("title"), QStringLiteral("T%1").arg(i)}}});
    return out;
}

// All scores in double, sorted: the reference.
QList<std::pair<qsizetype, double>> naive(const std::vector<float>& m, int dims,
                                          std::vector<float> q, int k, bool normalize)
{
    const qsizetype n = qsizetype(m.size()) / dims;
    auto norm = [&](const float* v) {
        double s = 0;
        for (int j = 0; j < dims; ++j)
            s += double(v[j]) * v[j];
        return std::sqrt(s);
    };
    const double qn = normalize ? norm(q.data()) : 1.0;
    QList<std::pair<qsizetype, double>> all;
    for (qsizetype i = 0; i < n; ++i) {
        const float* row = m.data() + size_t(i) * dims;
        double s = 0;
        for (int j = 0; j < dims; ++j)
            s += double(row[j]) * q[j];
        all.append({i, normalize ? s / (norm(row) * qn) : s});
    }
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.second > b.second; });
    all.resize(std::min<qsizetype>(k, n));
    return all;
}

const QStringList kTexts = {
    QStringLiteral("Mount Brenmora is 2736 metres high."),
    QStringLiteral("The river Tessel flows into the northern sea."),
    QStringLiteral("Ulmstead holds an annual festival every July."),
    QStringLiteral("Gustav Calic first climbed Mount Kestwick."),
    QStringLiteral("The library of Varn keeps ten thousand scrolls."),
    QStringLiteral("Bread in Ostrava is baked with caraway seeds."),
};

} // namespace

class TestEmbeddingsRetriever : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void exactMatchesNaive_data()
    {
        QTest::addColumn<bool>("normalize");
        QTest::newRow("cosine") << true;
        QTest::newRow("inner product") << false;
    }
    void exactMatchesNaive()
    {
        QFETCH(bool, normalize);
        const int dims = 48;
        const std::vector<float> m = randomVectors(700, dims, 7);
        EmbeddingsRetriever::Options o;
        o.normalize = normalize;
        auto r = EmbeddingsRetriever::fromVectors(docs(700), m, dims, nullptr, o);
        QVERIFY2(r, qPrintable(r ? QString() : r.error()));
        QVERIFY(!r.value()->usesHnsw());
        const std::vector<float> queries = randomVectors(25, dims, 8);
        for (int q = 0; q < 25; ++q) {
            std::vector<float> query(queries.begin() + q * dims, queries.begin() + (q + 1) * dims);
            const auto got = r.value()->nearest(query.data(), 10);
            const auto want = naive(m, dims, query, 10, normalize);
            QCOMPARE(got.size(), 10);
            for (int i = 0; i < 10; ++i) {
                QCOMPARE(got[i].first, want[i].first);
                QVERIFY(std::abs(double(got[i].second) - want[i].second) < 1e-4);
            }
        }
        // k beyond the corpus: everything, best first.
        auto small = EmbeddingsRetriever::fromVectors(
            docs(3), std::vector<float>(m.begin(), m.begin() + 3 * dims), dims, nullptr, o);
        QVERIFY(small);
        QCOMPARE(small.value()->nearest(queries.data(), 10).size(), 3);
    }

    void hnswRecall()
    {
        const int dims = 64;
        const qsizetype n = 4000;
        EmbeddingsRetriever::Options o;
        o.bruteForceThreshold = 1000;
        o.buildThreads = 1; // the same graph every run
        auto r =
            EmbeddingsRetriever::fromVectors(docs(n), randomVectors(n, dims, 11), dims, nullptr, o);
        QVERIFY(r);
        QVERIFY(r.value()->usesHnsw());
        const std::vector<float> queries = randomVectors(200, dims, 12);
        int hits = 0;
        for (int q = 0; q < 200; ++q) {
            std::vector<float> query(queries.begin() + q * dims, queries.begin() + (q + 1) * dims);
            const auto approx = r.value()->nearest(query.data(), 10);
            float norm = 0;
            for (float f : query)
                norm += f * f;
            for (float& f : query)
                f /= std::sqrt(norm);
            const auto exact = r.value()->nearestExact(query.data(), 10);
            QCOMPARE(approx.size(), 10);
            for (const auto& e : exact)
                for (const auto& a : approx)
                    if (a.first == e.first) {
                        ++hits;
                        QVERIFY(std::abs(a.second - e.second) < 1e-6f); // re-scored exactly
                    }
        }
        const double recall = hits / 2000.0;
        qInfo("hnsw recall@10 on %lld × %d: %.4f", qint64(n), dims, recall);
        QVERIFY2(recall >= 0.95, qPrintable(QString::number(recall)));
    }

    void retrieveOverSimulatedEmbeddings()
    {
        QList<EmbeddingsRetriever::Document> corpus;
        for (qsizetype i = 0; i < kTexts.size(); ++i)
            corpus.append({QStringLiteral("p%1").arg(i), kTexts[i], {}});
        auto r = EmbeddingsRetriever::build(corpus, std::make_shared<SimulatedEmbedder>());
        QVERIFY(r);
        QCOMPARE(r.value()->dimensions(), 384);
        RunContext ctx;
        const QList<Passage> top =
            r.value()->search(QStringLiteral("How high is Mount Brenmora?"), 2, ctx);
        QCOMPARE(top.size(), 2);
        QCOMPARE(top[0].id, QStringLiteral("p0"));
        QCOMPARE(top[0].metadata.value(u"index").toInt(), 0);
        QVERIFY(top[0].score > top[1].score);
        QCOMPARE(r.value()->forward(QStringLiteral("scrolls in the library"), ctx).size(), 5);
        QCOMPARE(r.value()->forward(QStringLiteral("scrolls in the library"), ctx)[0].id,
                 QStringLiteral("p4"));

        Retrieve retrieve(3, r.value());
        const Prediction p = retrieve(
            Example{{QStringLiteral("query"), Value(QStringLiteral("caraway bread"))}}, ctx);
        const Array passages = p.get(u"passages").toArray();
        QCOMPARE(passages.size(), 3);
        QCOMPARE(passages[0].toString(), kTexts[5]);
        QCOMPARE(p.get(u"ids").toArray()[0].toString(), QStringLiteral("p5"));

        QVERIFY_THROWS_EXCEPTION(RetrieverError, r.value()->search(QStringLiteral("x"), 0, ctx));
        // A query embedder of another size is refused, not read past its end.
        auto other = EmbeddingsRetriever::fromVectors(docs(2), std::vector<float>(2 * 16, 0.5f), 16,
                                                      std::make_shared<SimulatedEmbedder>(), {});
        QVERIFY(other);
        QVERIFY_THROWS_EXCEPTION(RetrieverError,
                                 other.value()->search(QStringLiteral("x"), 1, ctx));
    }

    void duplicateIdsRefused()
    {
        auto d = docs(3);
        d[2].id = d[0].id;
        auto r =
            EmbeddingsRetriever::fromVectors(d, std::vector<float>(3 * 4, 1.0f), 4, nullptr, {});
        QVERIFY(!r);
        QVERIFY(r.error().contains(u"duplicate passage id \"d0\""));
        QVERIFY(!EmbeddingsRetriever::fromVectors(docs(3), std::vector<float>(11, 1.0f), 4, nullptr,
                                                  {}));
    }

    void saveLoadRoundTrip_data()
    {
        QTest::addColumn<qsizetype>("threshold");
        QTest::newRow("exact") << qsizetype(20000);
        QTest::newRow("hnsw") << qsizetype(100);
    }
    void saveLoadRoundTrip()
    {
        QFETCH(qsizetype, threshold);
        const int dims = 32;
        EmbeddingsRetriever::Options o;
        o.bruteForceThreshold = threshold;
        o.k = 4;
        auto embedder = std::make_shared<SimulatedEmbedder>(dims);
        QList<EmbeddingsRetriever::Document> corpus = docs(600);
        corpus[1].text = QStringLiteral("ünïcode ✓ \"quoted\"\nnewline");
        auto built = EmbeddingsRetriever::build(corpus, embedder, o);
        QVERIFY(built);
        QCOMPARE(built.value()->usesHnsw(), threshold < 600);
        const QString dir = m_dir.filePath(QStringLiteral("rt-%1").arg(threshold));
        const auto saved = built.value()->save(dir);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error()));
        QCOMPARE(QFile::exists(dir + QStringLiteral("/hnsw.bin")), threshold < 600);

        auto loaded = EmbeddingsRetriever::load(dir, embedder);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error()));
        auto& a = *built.value();
        const auto& b = *loaded.value();
        QCOMPARE(b.size(), 600);
        QCOMPARE(b.dimensions(), dims);
        QCOMPARE(b.usesHnsw(), a.usesHnsw());
        QCOMPARE(b.options().k, 4);
        QCOMPARE(b.corpus()[1].text, corpus[1].text);
        QCOMPARE(b.corpus()[7].metadata.value(u"title").toString(), QStringLiteral("T7"));
        RunContext ctx;
        for (const QString& q : {QStringLiteral("passage 42"), QStringLiteral("passage 7"),
                                 QStringLiteral("something else")}) {
            const auto x = a.forward(q, ctx);
            const auto y = loaded.value()->forward(q, ctx);
            QCOMPARE(y.size(), 4);
            for (int i = 0; i < 4; ++i) {
                QCOMPARE(y[i].id, x[i].id);
                QCOMPARE(y[i].score, x[i].score);
            }
        }
        QCOMPARE(a.forward(QStringLiteral("passage 42"), ctx)[0].id, QStringLiteral("d42"));
    }

    void brokenIndexRefused()
    {
        const int dims = 16;
        EmbeddingsRetriever::Options o;
        o.bruteForceThreshold = 50;
        auto embedder = std::make_shared<SimulatedEmbedder>(dims);
        auto built = EmbeddingsRetriever::build(docs(80), embedder, o);
        QVERIFY(built);
        const QString dir = m_dir.filePath(QStringLiteral("broken"));
        QVERIFY(built.value()->save(dir));
        QVERIFY(EmbeddingsRetriever::load(dir, embedder));

        const auto expectRefusal = [&](const QString& file, auto&& damage, const QString& needle) {
            const QString path = dir + u'/' + file;
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray original = f.readAll();
            f.close();
            QByteArray bytes = original;
            damage(bytes);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(bytes);
            f.close();
            auto r = EmbeddingsRetriever::load(dir, embedder);
            QVERIFY2(!r, qPrintable(file));
            QVERIFY2(r.error().contains(needle), qPrintable(r.error()));
            QVERIFY2(r.error().contains(dir), qPrintable(r.error()));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(original);
            f.close();
            QVERIFY(EmbeddingsRetriever::load(dir, embedder));
        };
        const auto flip = [](QByteArray& b) { b[b.size() / 2] = char(b[b.size() / 2] ^ 0x40); };
        const auto cut = [](QByteArray& b) { b.chop(b.size() / 3); };
        expectRefusal(QStringLiteral("vectors.f32"), flip,
                      QStringLiteral("vectors.f32 does not match its checksum"));
        expectRefusal(QStringLiteral("vectors.f32"), cut, QStringLiteral("vectors.f32 has"));
        expectRefusal(QStringLiteral("hnsw.bin"), flip,
                      QStringLiteral("hnsw.bin does not match its checksum"));
        expectRefusal(QStringLiteral("hnsw.bin"), cut,
                      QStringLiteral("hnsw.bin does not match its checksum"));
        expectRefusal(QStringLiteral("corpus.jsonl"), flip,
                      QStringLiteral("corpus.jsonl does not match its checksum"));
        expectRefusal(QStringLiteral("manifest.json"), cut, QStringLiteral("manifest.json"));
        expectRefusal(
            QStringLiteral("manifest.json"),
            [](QByteArray& b) { b.replace("dspy-embeddings/1", "dspy-embeddings/9"); },
            QStringLiteral("format \"dspy-embeddings/9\""));
        expectRefusal(
            QStringLiteral("manifest.json"),
            [](QByteArray& b) { b.replace("\"count\": 80", "\"count\": 81"); },
            QStringLiteral("vectors.f32 has"));

        // Another embedder than the index was built with.
        auto wrong = EmbeddingsRetriever::load(dir, std::make_shared<SimulatedEmbedder>(32));
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().contains(u"built with SimulatedEmbedder(16), not "
                                        u"SimulatedEmbedder(32)"),
                 qPrintable(wrong.error()));
        // No index there at all.
        auto missing =
            EmbeddingsRetriever::load(m_dir.filePath(QStringLiteral("nothing")), embedder);
        QVERIFY(!missing);
        QVERIFY(missing.error().contains(u"cannot read manifest.json"));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddingsRetriever)
#include "tst_embeddingsretriever.moc"
