// ColBERTv2 and WeaviateRetriever against real HTTP servers (TestHttpServer) speaking their
// protocols: ColBERTv2's GET ?query=&k= or POST {"query","k"} answered by {"topk":[...]}
// (dspy.md §3.8), Weaviate's POST /v1/graphql with Get{Class(bm25|nearText|hybrid, limit)}.
// What the clients send (method, path, query, body, headers) and what they make of the replies,
// including HTTP errors and malformed JSON.

#include "modules/retrieve.h"
#include "retrieve/colbertv2.h"
#include "retrieve/weaviateretriever.h"
#include "runtime/runcontext.h"
#include "testhttpserver.h"

#include <QTest>
#include <QUrlQuery>

using namespace dspy;
using testhttp::Reply;
using testhttp::Request;
using testhttp::TestHttpServer;

namespace {

const QByteArray kTopk = "{\"topk\": [ "
                         "{\"text\": \"Paris is the capital of France.\", \"pid\": 12, \"rank\": "
                         "1, \"score\": 27.5, \"prob\": 0.7, "
                         "\"long_text\": \"Paris is the capital of France.\"}, "
                         "{\"text\": \"France is in Europe.\", \"pid\": 7, \"rank\": 2, \"score\": "
                         "21.25, \"prob\": 0.2}, "
                         "{\"text\": \"Lyon is a French city.\", \"pid\": 3, \"rank\": 3, "
                         "\"score\": 19.0, \"prob\": 0.1} "
                         "]}";

// How the ColBERTv2 server (Flask's request.args) reads a query string: '+' is a space.
QString formValue(const QByteArray& path, const QString& key)
{
    const qsizetype q = path.indexOf('?');
    if (q < 0)
        return {};
    for (const QByteArray& pair : path.mid(q + 1).split('&')) {
        const qsizetype eq = pair.indexOf('=');
        if (QString::fromUtf8(pair.left(eq)) != key)
            continue;
        QByteArray v = pair.mid(eq + 1);
        v.replace('+', ' ');
        return QString::fromUtf8(QByteArray::fromPercentEncoding(v));
    }
    return {};
}

Object bodyObject(const Request& r)
{
    return Value::fromJson(QString::fromUtf8(r.body)).value_or(Value()).toObject();
}

QString errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const RetrieverError& e) {
        return e.message();
    }
    return QStringLiteral("<no RetrieverError>");
}

QByteArray weaviateReply(const QByteArray& objects)
{
    return "{\"data\": {\"Get\": {\"Passage\":" + objects + "}}}";
}

} // namespace

class TstHttpRetrievers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void colbertGet()
    {
        TestHttpServer server([](const Request&) { return Reply::json(200, kTopk); });
        ColBERTv2 colbert(server.baseUrl() + QStringLiteral("/api/search"));
        const QString query = QStringLiteral("capital of France? a+b & c=d 100% é");
        const QList<Passage> ps = colbert.search(query, 2, RunContext());

        QCOMPARE(server.requestCount(), 1);
        const Request r = server.requests().first();
        QCOMPARE(r.method, QByteArray("GET"));
        QVERIFY(r.path.startsWith("/api/search?"));
        QCOMPARE(formValue(r.path, QStringLiteral("query")), query);
        QCOMPARE(formValue(r.path, QStringLiteral("k")), QStringLiteral("2"));
        QVERIFY(r.body.isEmpty());

        // The first k entries, in the server's order.
        QCOMPARE(ps.size(), 2);
        QCOMPARE(ps[0].text, QStringLiteral("Paris is the capital of France."));
        QCOMPARE(ps[0].id, QStringLiteral("12"));
        QCOMPARE(ps[0].score, 27.5);
        QCOMPARE(ps[0].metadata.value(u"rank"), Value(1));
        QCOMPARE(ps[0].metadata.value(u"prob"), Value(0.7));
        QVERIFY(!ps[0].metadata.contains(u"text"));
        QCOMPARE(ps[1].text, QStringLiteral("France is in Europe."));
        QCOMPARE(ps[1].id, QStringLiteral("7"));
    }

    void colbertPortAndPost()
    {
        TestHttpServer server([](const Request&) { return Reply::json(200, kTopk); });
        // DSPy's f"{url}:{port}".
        ColBERTv2 colbert(QStringLiteral("http://127.0.0.1"), server.port(), true);
        QCOMPARE(colbert.url().port(), int(server.port()));
        const QList<Passage> ps = colbert.search(QStringLiteral("French cities"), 3, RunContext());
        const Request r = server.requests().first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/"));
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        const Object body = bodyObject(r);
        QCOMPARE(body.value(u"query"), Value("French cities"));
        QCOMPARE(body.value(u"k"), Value(3));
        QCOMPARE(ps.size(), 3);
        QCOMPARE(ps[2].text, QStringLiteral("Lyon is a French city."));
        // POST has no k <= 100 limit; GET does (DSPy's assert for the hosted server).
        colbert.search(QStringLiteral("x"), 150, RunContext());
        QCOMPARE(bodyObject(server.requests().last()).value(u"k"), Value(150));
        ColBERTv2 get(server.baseUrl());
        QVERIFY(errorOf([&] {
                    get.search(QStringLiteral("x"), 101, RunContext());
                }).contains(u"Only k <= 100"));
        QCOMPARE(server.requestCount(), 2);
    }

    void colbertThroughRetrieve()
    {
        TestHttpServer server([](const Request&) { return Reply::json(200, kTopk); });
        Retrieve retrieve(2, std::make_shared<ColBERTv2>(server.baseUrl()));
        RunContext ctx;
        const Prediction p =
            retrieve(Example{{QStringLiteral("query"), Value("capital of France")}}, ctx);
        QCOMPARE(p.get(u"passages"), Value(Array{Value("Paris is the capital of France."),
                                                 Value("France is in Europe.")}));
        QCOMPARE(formValue(server.requests().first().path, QStringLiteral("k")),
                 QStringLiteral("2"));
    }

    void colbertErrors()
    {
        TestHttpServer server;
        ColBERTv2 colbert(server.baseUrl());
        const auto search = [&] { colbert.search(QStringLiteral("q"), 3, RunContext()); };

        server.setHandler([](const Request&) { return Reply::json(500, "index not loaded"); });
        QString e = errorOf(search);
        QVERIFY2(e.contains(u"HTTP 500") && e.contains(u"index not loaded"), qPrintable(e));
        QVERIFY(e.startsWith(u"ColBERTv2("));

        server.setHandler([](const Request&) { return Reply::json(200, "{\"topk\": [1, 2"); });
        e = errorOf(search);
        QVERIFY2(e.contains(u"is not JSON"), qPrintable(e));

        server.setHandler([](const Request&) { return Reply::json(200, "{\"hits\": []}"); });
        e = errorOf(search);
        QVERIFY2(e.contains(u"no \"topk\" list"), qPrintable(e));

        server.setHandler(
            [](const Request&) { return Reply::json(200, "{\"topk\": [{\"pid\": 1}]}"); });
        e = errorOf(search);
        QVERIFY2(e.contains(u"topk[0] has no string \"text\""), qPrintable(e));

        server.setHandler([](const Request&) { return Reply::json(200, "{\"topk\": []}"); });
        QVERIFY(colbert.search(QStringLiteral("q"), 3, RunContext()).isEmpty());

        QVERIFY(errorOf([&] {
                    colbert.search(QStringLiteral("q"), 0, RunContext());
                }).contains(u"k must be >= 1"));
        ColBERTv2 ftp(QStringLiteral("ftp://example.org"));
        QVERIFY(errorOf([&] {
                    ftp.search(QStringLiteral("q"), 1, RunContext());
                }).contains(u"http:// or https://"));

        // Nobody listening.
        quint16 closedPort = 0;
        {
            TestHttpServer gone;
            closedPort = gone.port();
        }
        ColBERTv2 unreachable(QStringLiteral("http://127.0.0.1"), closedPort);
        e = errorOf([&] { unreachable.search(QStringLiteral("q"), 1, RunContext()); });
        QVERIFY2(e.contains(u"cannot reach"), qPrintable(e));
    }

    void weaviateBm25()
    {
        TestHttpServer server([](const Request&) {
            return Reply::json(
                200,
                weaviateReply(
                    "[ "
                    "{\"content\": \"Paris is the capital of France.\", \"title\": \"Paris\", "
                    "\"_additional\": {\"id\": \"a1\", \"score\": \"3.25\", \"distance\": null}}, "
                    "{\"content\": \"France is in Europe.\", \"title\": \"France\", "
                    "\"_additional\": {\"id\": \"b2\", \"score\": \"1.5\", \"distance\": null}}]"));
        });
        WeaviateRetriever::Options o;
        o.url = server.baseUrl() + QStringLiteral("/");
        o.collection = QStringLiteral("Passage");
        o.mode = WeaviateRetriever::Mode::BM25;
        o.properties = {QStringLiteral("title")};
        o.apiKey = QStringLiteral("sekret-key");
        WeaviateRetriever weaviate(o);
        const QList<Passage> ps =
            weaviate.search(QStringLiteral("capital \"of\" France"), 2, RunContext());

        const Request r = server.requests().first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/v1/graphql"));
        QCOMPARE(r.header("Authorization"), QByteArray("Bearer sekret-key"));
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        QCOMPARE(bodyObject(r).value(u"query"),
                 Value("{ Get { Passage(bm25: {query: \"capital \\\"of\\\" France\"}, limit: 2) "
                       "{ content title _additional { id score distance } } } }"));

        QCOMPARE(ps.size(), 2);
        QCOMPARE(ps[0].id, QStringLiteral("a1"));
        QCOMPARE(ps[0].text, QStringLiteral("Paris is the capital of France."));
        QCOMPARE(ps[0].score, 3.25); // Weaviate sends scores as strings
        QCOMPARE(ps[0].metadata.value(u"title"), Value("Paris"));
        QVERIFY(!ps[0].metadata.contains(u"distance"));
        QCOMPARE(ps[1].score, 1.5);
    }

    void weaviateNearTextAndHybrid()
    {
        TestHttpServer server([](const Request&) {
            return Reply::json(200,
                               weaviateReply("[ "
                                             "{\"content\": \"close\", \"_additional\": {\"id\": "
                                             "\"n1\", \"score\": null, \"distance\": 0.25}}, "
                                             "{\"content\": \"far\", \"_additional\": {\"id\": "
                                             "\"n2\", \"score\": null, \"distance\": 0.75}}, "
                                             "{\"content\": \"extra\", \"_additional\": {\"id\": "
                                             "\"n3\", \"distance\": 0.9}}]"));
        });
        WeaviateRetriever::Options o;
        o.url = server.baseUrl();
        o.collection = QStringLiteral("Passage");
        o.textKey = QStringLiteral("content");
        o.mode = WeaviateRetriever::Mode::NearText;
        o.tenant = QStringLiteral("tenantA");
        WeaviateRetriever near(o);
        const QList<Passage> ps = near.search(QStringLiteral("cities"), 2, RunContext());
        QCOMPARE(bodyObject(server.requests().last()).value(u"query"),
                 Value("{ Get { Passage(nearText: {concepts: [\"cities\"]}, limit: 2, tenant: "
                       "\"tenantA\") { content _additional { id score distance } } } }"));
        QVERIFY(server.requests().last().header("Authorization").isEmpty());
        // At most k, even when the server sends more; score = 1 - distance.
        QCOMPARE(ps.size(), 2);
        QCOMPARE(ps[0].score, 0.75);
        QCOMPARE(ps[0].metadata.value(u"distance"), Value(0.25));
        QCOMPARE(ps[1].id, QStringLiteral("n2"));

        o.mode = WeaviateRetriever::Mode::Hybrid;
        o.tenant.clear();
        o.alpha = 0.5;
        WeaviateRetriever hybrid(o);
        hybrid.search(QStringLiteral("cities"), 5, RunContext());
        QCOMPARE(bodyObject(server.requests().last()).value(u"query"),
                 Value("{ Get { Passage(hybrid: {query: \"cities\", alpha: 0.5}, limit: 5) "
                       "{ content _additional { id score distance } } } }"));
        o.alpha.reset();
        WeaviateRetriever plain(o);
        QCOMPARE(plain.graphqlQuery(QStringLiteral("q"), 1),
                 QStringLiteral("{ Get { Passage(hybrid: {query: \"q\"}, limit: 1) { content "
                                "_additional { id score distance } } } }"));
    }

    void weaviateErrors()
    {
        TestHttpServer server;
        WeaviateRetriever::Options o;
        o.url = server.baseUrl();
        o.collection = QStringLiteral("Passage");
        o.apiKey = QStringLiteral("sekret-key");
        WeaviateRetriever weaviate(o);
        const auto search = [&] { weaviate.search(QStringLiteral("q"), 3, RunContext()); };

        // GraphQL errors come with HTTP 200.
        server.setHandler([](const Request&) {
            return Reply::json(
                200,
                "{\"data\": {\"Get\": {\"Passage\": null}}, \"errors\": [ "
                "{\"message\": \"Cannot query field \\\"content\\\" on type \\\"Passage\\\".\"}, "
                "{\"message\": \"bad token sekret-key\"}]}");
        });
        QString e = errorOf(search);
        QVERIFY2(e.contains(u"Weaviate reported: Cannot query field \"content\" on type "
                            u"\"Passage\".; bad token [REDACTED]"),
                 qPrintable(e));
        QVERIFY(!e.contains(u"sekret-key"));

        server.setHandler([](const Request&) {
            return Reply::json(500, "{\"error\": [{\"message\": \"sekret-key rejected\"}]}");
        });
        e = errorOf(search);
        QVERIFY2(e.contains(u"HTTP 500") && e.contains(u"[REDACTED] rejected"), qPrintable(e));
        QVERIFY(!e.contains(u"sekret-key"));

        server.setHandler([](const Request&) { return Reply::json(200, "<html>oops</html>"); });
        e = errorOf(search);
        QVERIFY2(e.contains(u"is not JSON"), qPrintable(e));

        server.setHandler([](const Request&) { return Reply::json(200, "{\"data\": {}}"); });
        e = errorOf(search);
        QVERIFY2(e.contains(u"no data.Get.Passage list"), qPrintable(e));

        server.setHandler([](const Request&) {
            return Reply::json(200, weaviateReply("[{\"_additional\": {\"id\": \"x\"}}]"));
        });
        e = errorOf(search);
        QVERIFY2(e.contains(u"object 0 has no string property \"content\""), qPrintable(e));

        // Options are checked up front.
        o.collection = QStringLiteral("Passage) { x }");
        QVERIFY_THROWS_EXCEPTION(RetrieverError, WeaviateRetriever{o});
        o.collection = QStringLiteral("Passage");
        o.alpha = 1.5;
        QVERIFY_THROWS_EXCEPTION(RetrieverError, WeaviateRetriever{o});
        o.alpha.reset();
        o.properties = {QStringLiteral("_additional")};
        QVERIFY_THROWS_EXCEPTION(RetrieverError, WeaviateRetriever{o});
    }

    void cancellation()
    {
        TestHttpServer server([](const Request&) { return Reply::json(200, kTopk); });
        ColBERTv2 colbert(server.baseUrl());
        RunContext ctx;
        ctx.cancellation = std::make_shared<CancellationToken>();
        ctx.cancellation->cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled, colbert.search(QStringLiteral("q"), 1, ctx));
        QCOMPARE(server.requestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TstHttpRetrievers)

#include "tst_httpretrievers.moc"
