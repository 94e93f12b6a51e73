// Embedders: SimulatedEmbedder's deterministic vectors, and HttpEmbedder coalescing concurrent
// callers' texts into few /v1/embeddings requests (counted at a TestHttpServer and at a real
// dspy-lmsim process), each caller getting its own vectors and only its own errors.

#include "retrieve/embedder.h"

#include "lm/httppool.h"
#include "lm/openailm.h"
#include "lm/simulator.h"

#include "../integration/lmsimprocess.h"
#include "testhttpserver.h"

#include <QTest>

#include <cmath>
#include <thread>

using namespace dspy;
using testhttp::Reply;
using testhttp::Request;
using testhttp::TestHttpServer;

namespace {

QStringList inputsOf(const Request& r)
{
    QStringList out;
    const auto v = Value::fromJson(QString::fromUtf8(r.body));
    if (v && v->isObject())
        for (const Value& s : v->toObject().value(u"input").toArray())
            out.append(s.toString());
    return out;
}

// An OpenAI embeddings answer with SimulatedLM's 8-dimensional vectors of the inputs.
QByteArray embeddingsBody(const QStringList& inputs)
{
    Array data;
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        Array v;
        for (float f : SimulatedLM::embed(inputs[i], 8))
            v.append(double(f));
        data.append(Object{{QStringLiteral("index"), qint64(i)},
                           {QStringLiteral("embedding"), std::move(v)}});
    }
    return Value(Object{{QStringLiteral("data"), std::move(data)}}).toJson().toUtf8();
}

bool near(const EmbeddingVector& a, const EmbeddingVector& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (std::abs(a[i] - b[i]) > 1e-6f)
            return false;
    return true;
}

} // namespace

class TestEmbedder : public QObject
{
    Q_OBJECT

    HttpPool m_pool{2};

    std::shared_ptr<OpenAICompatibleLM> lmFor(const QString& apiBase)
    {
        OpenAICompatibleLM::Options o;
        o.model = QStringLiteral("openai/text-embedding-3-small");
        o.provider = QStringLiteral("openai");
        o.apiBase = apiBase;
        o.pool = &m_pool;
        o.retry.maxRetries = 0;
        return std::make_shared<OpenAICompatibleLM>(o);
    }

    // callers threads, each embedding its own `perCaller` texts; returns each caller's result or
    // error message.
    struct Outcome
    {
        QList<EmbeddingVector> vectors;
        QString error;
    };
    static QList<Outcome> concurrently(Embedder& e, const QList<QStringList>& texts)
    {
        QList<Outcome> out(texts.size());
        std::vector<std::thread> threads;
        for (qsizetype c = 0; c < texts.size(); ++c)
            threads.emplace_back([&, c] {
                try {
                    out[c].vectors = e.embedBlocking(texts[c]);
                } catch (const EmbedderError& err) {
                    out[c].error = err.message();
                }
            });
        for (std::thread& t : threads)
            t.join();
        return out;
    }

    static QList<QStringList> callerTexts(int callers, int perCaller)
    {
        QList<QStringList> texts;
        for (int c = 0; c < callers; ++c) {
            QStringList mine;
            for (int i = 0; i < perCaller; ++i)
                mine.append(QStringLiteral("caller %1 text %2 about topic %3")
                                .arg(c)
                                .arg(i)
                                .arg(c * 7 % 5));
            texts.append(mine);
        }
        return texts;
    }

private Q_SLOTS:
    void simulatedIsDeterministicUnitVectors()
    {
        SimulatedEmbedder e(64);
        QCOMPARE(e.dimensions(), 64);
        QCOMPARE(e.name(), QStringLiteral("SimulatedEmbedder(64)"));
        const auto a = e.embedBlocking({QStringLiteral("the cat sat"), QStringLiteral("a dog")});
        QCOMPARE(a.size(), 2);
        QCOMPARE(a[0], SimulatedLM::embed(QStringLiteral("the cat sat"), 64));
        QCOMPARE(a[1], SimulatedLM::embed(QStringLiteral("a dog"), 64));
        double norm = 0;
        for (float f : a[0])
            norm += double(f) * f;
        QVERIFY(std::abs(norm - 1.0) < 1e-5);
        QCOMPARE(e.embedBlocking({QStringLiteral("the cat sat")})[0], a[0]);
        QVERIFY(a[0] != a[1]);
        QVERIFY(e.embedBlocking({}).isEmpty());
    }

    void concurrentCallersShareRequests()
    {
        TestHttpServer server(
            [](const Request& r) { return Reply::json(200, embeddingsBody(inputsOf(r)), 100); });
        HttpEmbedder e(lmFor(server.baseUrl() + QStringLiteral("/v1")));
        const QList<QStringList> texts = callerTexts(40, 3);
        const QList<Outcome> out = concurrently(e, texts);
        for (qsizetype c = 0; c < texts.size(); ++c) {
            QVERIFY2(out[c].error.isEmpty(), qPrintable(out[c].error));
            QCOMPARE(out[c].vectors.size(), 3);
            for (int i = 0; i < 3; ++i)
                QVERIFY(near(out[c].vectors[i], SimulatedLM::embed(texts[c][i], 8)));
        }
        // 120 texts: one request took what came within 5 ms, the rest waited for one more or two.
        const int requests = server.requestCount();
        QVERIFY2(requests < 40, qPrintable(QString::number(requests)));
        QCOMPARE(e.requestCount(), qint64(requests));
        qsizetype sent = 0;
        for (const Request& r : server.requests())
            sent += inputsOf(r).size();
        QCOMPARE(sent, 120);
        QCOMPARE(e.dimensions(), 8);
    }

    void batchesAreCapped()
    {
        TestHttpServer server(
            [](const Request& r) { return Reply::json(200, embeddingsBody(inputsOf(r))); });
        HttpEmbedder::Options o;
        o.maxBatchSize = 64;
        HttpEmbedder e(lmFor(server.baseUrl() + QStringLiteral("/v1")), o);
        QStringList texts;
        for (int i = 0; i < 300; ++i)
            texts.append(QStringLiteral("passage %1").arg(i));
        const auto v = e.embedBlocking(texts);
        QCOMPARE(v.size(), 300);
        for (int i = 0; i < 300; ++i)
            QVERIFY(near(v[i], SimulatedLM::embed(texts[i], 8)));
        QVERIFY(server.requestCount() >= 5);
        for (const Request& r : server.requests()) {
            QCOMPARE(r.path, QByteArray("/v1/embeddings"));
            QVERIFY(inputsOf(r).size() <= 64);
        }
    }

    void refusedInputFailsOnlyItsCaller()
    {
        // A 400 for any request that holds "boom": the batch is split until the bad text is alone.
        TestHttpServer server([](const Request& r) {
            const QStringList in = inputsOf(r);
            for (const QString& s : in)
                if (s.contains(u"boom"))
                    return Reply::json(400, "{\"error\": {\"message\": \"input boom refused\", "
                                            "\"type\": \"invalid_request_error\"}}");
            return Reply::json(200, embeddingsBody(in), 50);
        });
        HttpEmbedder e(lmFor(server.baseUrl() + QStringLiteral("/v1")));
        QList<QStringList> texts = callerTexts(16, 2);
        texts[5][1] = QStringLiteral("this one goes boom");
        const QList<Outcome> out = concurrently(e, texts);
        for (qsizetype c = 0; c < texts.size(); ++c) {
            if (c == 5) {
                QVERIFY(out[c].vectors.isEmpty());
                QVERIFY2(out[c].error.contains(u"input boom refused"), qPrintable(out[c].error));
                QVERIFY(out[c].error.startsWith(u"HttpEmbedder(openai/text-embedding-3-small)"));
                continue;
            }
            QVERIFY2(out[c].error.isEmpty(), qPrintable(out[c].error));
            for (int i = 0; i < 2; ++i)
                QVERIFY(near(out[c].vectors[i], SimulatedLM::embed(texts[c][i], 8)));
        }
    }

    void serverErrorFailsItsBatchOnly()
    {
        // The first request gets a 500; later ones succeed. Callers whose texts were in it fail,
        // the others do not.
        std::atomic<int> seen{0};
        TestHttpServer server([&seen](const Request& r) {
            if (seen++ == 0)
                return Reply::json(500, "{\"error\": {\"message\": \"overloaded\"}}", 100);
            return Reply::json(200, embeddingsBody(inputsOf(r)));
        });
        HttpEmbedder e(lmFor(server.baseUrl() + QStringLiteral("/v1")));
        QFuture<QList<EmbeddingVector>> first = e.embed({QStringLiteral("early")});
        // Wait until the first request is at the server before the second caller comes.
        QTRY_COMPARE(server.requestCount(), 1);
        QFuture<QList<EmbeddingVector>> second = e.embed({QStringLiteral("late")});
        second.waitForFinished();
        bool threw = false;
        try {
            first.waitForFinished(); // Qt 6 rethrows here
            first.result();
        } catch (const EmbedderError& err) {
            threw = true;
            QVERIFY2(err.message().contains(u"overloaded"), qPrintable(err.message()));
        }
        QVERIFY(threw);
        QVERIFY(near(second.result().at(0), SimulatedLM::embed(QStringLiteral("late"), 8)));
        QCOMPARE(server.requestCount(), 2);
    }

    void againstLmsim()
    {
        lmsimtest::LmSimProcess sim({QStringLiteral("--latency-ms"), QStringLiteral("50")});
        QVERIFY2(sim.isListening(), qPrintable(sim.firstLine()));
        sim.resetStats();
        HttpEmbedder e(lmFor(sim.apiBase()));
        const QList<QStringList> texts = callerTexts(30, 2);
        const QList<Outcome> out = concurrently(e, texts);
        for (qsizetype c = 0; c < texts.size(); ++c) {
            QVERIFY2(out[c].error.isEmpty(), qPrintable(out[c].error));
            for (int i = 0; i < 2; ++i)
                QVERIFY(near(out[c].vectors[i], SimulatedLM::embed(texts[c][i], 384)));
        }
        const qint64 requests =
            sim.stats().value(u"requests").toObject().value(u"embeddings").toInt();
        QVERIFY2(requests >= 1 && requests < 30, qPrintable(QString::number(requests)));
        QCOMPARE(e.requestCount(), requests);
        QCOMPARE(e.dimensions(), 384);
    }
};

QTEST_GUILESS_MAIN(TestEmbedder)
#include "tst_embedder.moc"
