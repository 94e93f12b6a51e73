// The HTTP LM clients against a real dspy-lmsim process ($DSPY_LMSIM): every fault kind retried
// and then reported with the right LMError kind (server-side request counts from /stats),
// Retry-After, timeouts, cancellation in flight, streamed == non-streamed for OpenAI and
// Anthropic shapes, the cache through ManagedLM (hit, miss, corrupt file), 300 concurrent
// requests, Predict/ChainOfThought end to end, and no key leaks.

#include "../core/testhttpserver.h"
#include "lmsimprocess.h"

#include "adapters/adapter.h"
#include "cache/lmcache.h"
#include "lm/anthropiclm.h"
#include "lm/lmfactory.h"
#include "lm/openailm.h"
#include "lm/simulator.h"
#include "modules/chainofthought.h"
#include "modules/predict.h"
#include "runtime/runcontext.h"
#include "signature/signature.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace dspy;
using lmsimtest::LmSimProcess;

namespace {

const QString kFakeKey = QStringLiteral("sk-fake-LEAKCHECK-0a1b2c3d4e5f");

HttpLMOptions options(const QString& apiBase, int maxRetries = 2, int timeoutMs = 20000)
{
    HttpLMOptions o;
    o.model = QStringLiteral("openai/sim");
    o.provider = QStringLiteral("openai");
    o.apiBase = apiBase;
    o.retry.maxRetries = maxRetries;
    o.retry.baseDelayMs = 20; // short backoffs; Retry-After (1 s from lmsim) still wins
    o.timeoutMs = timeoutMs;
    return o;
}

std::shared_ptr<OpenAICompatibleLM> openai(const HttpLMOptions& o)
{
    OpenAICompatibleLM::Options oo;
    static_cast<HttpLMOptions&>(oo) = o;
    return std::make_shared<OpenAICompatibleLM>(oo);
}

std::shared_ptr<AnthropicLM> anthropic(const QString& baseUrl, int maxRetries = 2)
{
    HttpLMOptions o = options(baseUrl, maxRetries);
    o.model = QStringLiteral("anthropic/sim");
    o.provider = QStringLiteral("anthropic");
    return std::make_shared<AnthropicLM>(o);
}

const Signature& arithmetic()
{
    static const Signature sig = Signature::fromString(u"question -> answer: int");
    return sig;
}

LMRequest arithmeticRequest(const QString& question = QStringLiteral(
                                "Tom has 5 apples. He buys 3 more. He gives away 2. How many "
                                "are left?"))
{
    LMRequest r;
    r.model = QStringLiteral("sim");
    r.messages = makeAdapter(QStringLiteral("chat"))
                     ->format(arithmetic(), {}, Object{{"question", question}});
    return r;
}

QString inProcessAnswer(const LMRequest& request)
{
    return SimulatedLM(QStringLiteral("sim")).respond(request).outputs.value(0).text;
}

// Bounded, so that a client that never gives up fails the test instead of hanging it.
LMResponse wait(QFuture<LMResponse> f, int deadlineMs = 60000)
{
    if (!QTest::qWaitFor([&f] { return f.isFinished(); }, deadlineMs)) {
        f.cancel();
        LMResponse r;
        r.error = std::make_shared<LMError>(
            LMError::Kind::Unexpected,
            QStringLiteral("test: no answer within %1 ms").arg(deadlineMs));
        return r;
    }
    return f.result();
}

} // namespace

class TstLmClient : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<LmSimProcess> m_sim; // fault-free, 0 ms latency

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariable("DSPY_LMSIM").isEmpty(), "DSPY_LMSIM is not set");
        m_sim = std::make_unique<LmSimProcess>();
        QVERIFY(m_sim->isListening());
    }

    void init() { m_sim->resetStats(); }

    void answersLikeTheInProcessSimulator()
    {
        const LMRequest request = arithmeticRequest();
        const LMResponse r = wait(openai(options(m_sim->apiBase()))->call(request));
        QVERIFY(!r.error);
        QCOMPARE(r.outputs.size(), 1);
        QCOMPARE(r.outputs[0].text, inProcessAnswer(request));
        QCOMPARE(r.outputs[0].finishReason, QStringLiteral("stop"));
        QVERIFY(r.usage.totalTokens > 0);
        QVERIFY(r.requestId.startsWith(QStringLiteral("chatcmpl-sim-")));
        QCOMPARE(m_sim->chatRequests(), 1);
    }

    void faultsRetriedThenReported_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("serverRequests");
        QTest::addColumn<bool>("stream");
        // Two retries: three requests reach the server for everything DSPy retries (429, 5xx,
        // transport failures, timeouts); a 200 whose body is not JSON is not retried.
        QTest::newRow("429") << "429:1" << int(LMError::Kind::RateLimit) << 429 << 3 << false;
        QTest::newRow("500") << "500:1" << int(LMError::Kind::Server) << 500 << 3 << false;
        // -3: three attempts by the pool, and QNAM itself resends a request once when a reused
        // keep-alive connection is reset before any answer, so the server may count more.
        QTest::newRow("reset") << "reset:1" << int(LMError::Kind::Transport) << 0 << -3 << false;
        QTest::newRow("malformed")
            << "malformed:1" << int(LMError::Kind::Unexpected) << 200 << 1 << false;
        QTest::newRow("truncate") << "truncate:1" << int(LMError::Kind::Transport) << 0 << 3
                                  << false;
        QTest::newRow("truncate stream")
            << "truncate:1" << int(LMError::Kind::Transport) << 0 << 1 << true;
        QTest::newRow("hang") << "hang:1" << int(LMError::Kind::Timeout) << 0 << 3 << false;
    }
    void faultsRetriedThenReported()
    {
        QFETCH(QString, fault);
        QFETCH(int, kind);
        QFETCH(int, status);
        QFETCH(int, serverRequests);
        QFETCH(bool, stream);
        LmSimProcess sim({QStringLiteral("--fault"), fault});
        QVERIFY(sim.isListening());
        LMRequest request = arithmeticRequest();
        QString streamed;
        if (stream)
            request.onChunk = [&streamed](const LMStreamChunk& c) { streamed += c.text; };
        const LMResponse r = wait(openai(options(sim.apiBase(), 2, 400))->call(request));
        QVERIFY(r.error);
        if (stream && r.error->kind() == LMError::Kind::Unexpected) {
            // Racing the hang-up, QNAM may see the body end before the reset: the stream is then
            // reported as ending without its final event rather than as a transport failure.
            QVERIFY2(r.error->message().contains(QLatin1String("could not read the response")),
                     qPrintable(r.error->message()));
        } else {
            QCOMPARE(LMError::kindName(r.error->kind()), LMError::kindName(LMError::Kind(kind)));
            QCOMPARE(r.error->status(), status);
        }
        QCOMPARE(r.error->model, QStringLiteral("openai/sim"));
        const QString faultName = fault.section(QLatin1Char(':'), 0, 0);
        const qint64 faults = sim.stats().value(u"faults").toObject().value(faultName).toInt();
        if (serverRequests < 0) {
            QVERIFY(sim.chatRequests() >= -serverRequests);
            QCOMPARE(faults, sim.chatRequests());
            serverRequests = -serverRequests;
        } else {
            QCOMPARE(sim.chatRequests(), serverRequests);
            QCOMPARE(faults, qint64(serverRequests));
        }
        if (kind == int(LMError::Kind::RateLimit))
            QCOMPARE(r.error->retryAfterSeconds, 1.0);
        if (!stream &&
            (kind == int(LMError::Kind::Timeout) || kind == int(LMError::Kind::Transport)))
            QVERIFY2(r.error->message().endsWith(
                         QStringLiteral("(after %1 attempt(s)).").arg(serverRequests)),
                     qPrintable(r.error->message()));
    }

    void faultsOnAnthropic_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("serverRequests");
        QTest::newRow("429") << "429:1" << int(LMError::Kind::RateLimit) << 2;
        QTest::newRow("500") << "500:1" << int(LMError::Kind::Server) << 2;
        QTest::newRow("reset") << "reset:1" << int(LMError::Kind::Transport) << -2; // >= 2
    }
    void faultsOnAnthropic()
    {
        QFETCH(QString, fault);
        QFETCH(int, kind);
        QFETCH(int, serverRequests);
        LmSimProcess sim({QStringLiteral("--fault"), fault});
        QVERIFY(sim.isListening());
        const LMResponse r = wait(anthropic(sim.baseUrl(), 1)->call(arithmeticRequest()));
        QVERIFY(r.error);
        QCOMPARE(LMError::kindName(r.error->kind()), LMError::kindName(LMError::Kind(kind)));
        if (serverRequests < 0)
            QVERIFY(sim.messagesRequests() >= -serverRequests); // QNAM may resend after a reset
        else
            QCOMPARE(sim.messagesRequests(), serverRequests);
    }

    void intermittentFaultsAreRetriedToSuccess()
    {
        LmSimProcess sim({QStringLiteral("--fault"), QStringLiteral("500:0.5"),
                          QStringLiteral("--seed"), QStringLiteral("7")});
        QVERIFY(sim.isListening());
        auto lm = openai(options(sim.apiBase(), 12));
        int succeeded = 0;
        for (int i = 0; i < 8; ++i) {
            const LMRequest request =
                arithmeticRequest(QStringLiteral("What is %1 plus 2?").arg(i));
            const LMResponse r = wait(lm->call(request));
            QVERIFY2(!r.error, r.error ? qPrintable(r.error->message()) : "");
            QCOMPARE(r.outputs.value(0).text,
                     SimulatedLM(QStringLiteral("sim"), 7).respond(request).outputs[0].text);
            ++succeeded;
        }
        QCOMPARE(succeeded, 8);
        const Object stats = sim.stats();
        const qint64 faults = stats.value(u"faults").toObject().value(u"500").toInt();
        QVERIFY(faults > 0); // at rate 0.5 over >= 8 requests, seed 7: some did fail
        QCOMPARE(stats.value(u"requests").toObject().value(u"chat").toInt(), 8 + faults);
    }

    void retryAfterHonoured()
    {
        LmSimProcess sim({QStringLiteral("--fault"), QStringLiteral("429:1")});
        QVERIFY(sim.isListening());
        // Backoff alone would retry after ~20 ms; lmsim says Retry-After: 1.
        QElapsedTimer clock;
        clock.start();
        const LMResponse r = wait(openai(options(sim.apiBase(), 1))->call(arithmeticRequest()));
        QVERIFY(r.error);
        QCOMPARE(r.error->kind(), LMError::Kind::RateLimit);
        QCOMPARE(sim.chatRequests(), 2);
        QVERIFY2(clock.elapsed() >= 950, qPrintable(QString::number(clock.elapsed())));

        // A Retry-After beyond the policy's limit is handed back instead of waited for.
        sim.resetStats();
        HttpLMOptions o = options(sim.apiBase(), 3);
        o.retry.maxRetryAfterMs = 500;
        const LMResponse quick = wait(openai(o)->call(arithmeticRequest()));
        QVERIFY(quick.error);
        QCOMPARE(quick.error->kind(), LMError::Kind::RateLimit);
        QCOMPARE(quick.error->retryAfterSeconds, 1.0);
        QCOMPARE(sim.chatRequests(), 1);
    }

    void cancellationAbortsInFlight()
    {
        LmSimProcess sim({QStringLiteral("--fault"), QStringLiteral("hang:1")});
        QVERIFY(sim.isListening());
        auto token = std::make_shared<CancellationToken>();
        LMRequest request = arithmeticRequest();
        request.cancel = token;
        QFuture<LMResponse> f = openai(options(sim.apiBase(), 3, 600000))->call(request);
        // Cancel only once the request is really at the server. in_flight counts the /stats
        // request that reads it too.
        QTRY_COMPARE_WITH_TIMEOUT(sim.stats().value(u"in_flight").toInt(), qint64(2), 10000);
        QVERIFY(!f.isFinished());
        token->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 10000);
        const LMResponse r = f.result();
        QVERIFY(r.error);
        QCOMPARE(r.error->kind(), LMError::Kind::Cancelled);
        QCOMPARE(sim.chatRequests(), 1); // not retried
        // The connection was dropped, so the server no longer holds the request.
        QTRY_COMPARE_WITH_TIMEOUT(sim.stats().value(u"in_flight").toInt(), qint64(1), 10000);
    }

    void streamedEqualsNonStreamed()
    {
        auto compare = [](const std::shared_ptr<LM>& lm, const LMRequest& base) {
            const LMResponse plain = wait(lm->call(base));
            QVERIFY(!plain.error);
            LMRequest streamedRequest = base;
            QString chunks;
            int count = 0;
            streamedRequest.onChunk = [&](const LMStreamChunk& c) {
                chunks += c.text;
                ++count;
            };
            const LMResponse streamed = wait(lm->call(streamedRequest));
            QVERIFY(!streamed.error);
            QVERIFY(count > 1);
            QCOMPARE(streamed.outputs.size(), plain.outputs.size());
            QCOMPARE(streamed.outputs[0].text, plain.outputs[0].text);
            QCOMPARE(streamed.outputs[0].finishReason, plain.outputs[0].finishReason);
            QCOMPARE(chunks, plain.outputs[0].text);
            QCOMPARE(streamed.usage.totalTokens, plain.usage.totalTokens);
            QCOMPARE(streamed.model, plain.model);
        };
        const LMRequest request = arithmeticRequest();
        compare(openai(options(m_sim->apiBase())), request);
        compare(anthropic(m_sim->baseUrl()), request);
        // Both shapes carry the same simulated answer.
        QCOMPARE(wait(anthropic(m_sim->baseUrl())->call(request)).outputs[0].text,
                 inProcessAnswer(request));
        QCOMPARE(m_sim->chatRequests(), 2);
        QCOMPARE(m_sim->messagesRequests(), 3);
    }

    void cacheThroughManagedLM()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        LMCache::Options co;
        co.diskPath = path;
        ManagedLMOptions mo;
        mo.cacheStore = std::make_shared<LMCache>(co);
        auto lm = std::make_shared<ManagedLM>(openai(options(m_sim->apiBase())), Object{}, mo);

        const LMRequest request = arithmeticRequest();
        const LMResponse first = wait(lm->call(request));
        QVERIFY(!first.error);
        QVERIFY(!first.cacheHit);
        const LMResponse second = wait(lm->call(request));
        QVERIFY(second.cacheHit);
        QCOMPARE(second.outputs[0].text, first.outputs[0].text);
        QVERIFY(second.usage.isZero());
        QCOMPARE(m_sim->chatRequests(), 1); // the second call never reached the server

        // Per-call opt-out, and a different request, both miss.
        LMRequest noCache = request;
        noCache.cache = false;
        QVERIFY(!wait(lm->call(noCache)).cacheHit);
        LMRequest other = request;
        other.kwargs.insert(QStringLiteral("temperature"), Value(0.9));
        QVERIFY(!wait(lm->call(other)).cacheHit);
        QCOMPARE(m_sim->chatRequests(), 3);

        // A fresh process (new memory tier) finds the answer on disk.
        mo.cacheStore->flush();
        ManagedLMOptions fresh;
        fresh.cacheStore = std::make_shared<LMCache>(co);
        auto lm2 = std::make_shared<ManagedLM>(openai(options(m_sim->apiBase())), Object{}, fresh);
        const LMResponse disk = wait(lm2->call(request));
        QVERIFY(disk.cacheHit);
        QCOMPARE(disk.outputs[0].text, first.outputs[0].text);
        QCOMPARE(m_sim->chatRequests(), 3);
    }

    void corruptCacheFileMovedAside()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(8192, 'x'));
        }
        LMCache::Options co;
        co.diskPath = path;
        ManagedLMOptions mo;
        mo.cacheStore = std::make_shared<LMCache>(co);
        QVERIFY(mo.cacheStore->disk()->isEnabled());
        const QString aside = mo.cacheStore->disk()->movedAsidePath();
        QVERIFY(aside.startsWith(path + QStringLiteral(".corrupt-")));
        QVERIFY(QFile::exists(aside));
        auto lm = std::make_shared<ManagedLM>(openai(options(m_sim->apiBase())), Object{}, mo);
        const LMRequest request = arithmeticRequest();
        const LMResponse r = wait(lm->call(request));
        QVERIFY(!r.error);
        QCOMPARE(r.outputs[0].text, inProcessAnswer(request)); // never a wrong answer
        mo.cacheStore->flush();
        QCOMPARE(mo.cacheStore->disk()->count(), 1);
        QCOMPARE(m_sim->chatRequests(), 1);
    }

    void threeHundredConcurrentRequests()
    {
        LmSimProcess slow({QStringLiteral("--latency-ms"), QStringLiteral("200")});
        QVERIFY(slow.isListening());
        auto lm = openai(options(slow.apiBase(), 0, 60000));
        QList<LMRequest> requests;
        QList<QFuture<LMResponse>> futures;
        for (int i = 0; i < 300; ++i) {
            requests.append(arithmeticRequest(
                QStringLiteral("Sam has %1 marbles and finds %2 more. How many now?")
                    .arg(i)
                    .arg(i % 7 + 1)));
            futures.append(lm->call(requests.last()));
        }
        SimulatedLM reference(QStringLiteral("sim"));
        for (int i = 0; i < 300; ++i) {
            const LMResponse r = wait(futures[i]);
            QVERIFY2(!r.error, r.error ? qPrintable(r.error->message()) : "");
            // Each answer belongs to its own request.
            QCOMPARE(r.outputs.value(0).text, reference.respond(requests[i]).outputs[0].text);
        }
        const Object stats = slow.stats();
        QCOMPARE(stats.value(u"requests").toObject().value(u"chat").toInt(), qint64(300));
        QVERIFY2(stats.value(u"max_in_flight").toInt() > 6,
                 qPrintable(stats.value(u"max_in_flight").toJson()));
    }

    void predictAndChainOfThoughtEndToEnd()
    {
        LMConfig config;
        config.model = QStringLiteral("openai/sim");
        config.apiBase = m_sim->apiBase();
        config.cache = false;
        auto made = makeLM(config);
        QVERIFY(made);
        LMConfig offline;
        offline.model = QStringLiteral("lmsim/sim");
        offline.cache = false;
        auto local = makeLM(offline);
        QVERIFY(local);

        const Example inputs{
            {QStringLiteral("question"), Value("Ann has 10 pens and loses 4. How many remain?")}};
        for (const QString& adapterName :
             {QStringLiteral("chat"), QStringLiteral("json"), QStringLiteral("xml")}) {
            Predict predict(arithmetic());
            RunContext http(*made, makeAdapter(adapterName));
            RunContext inproc(*local, makeAdapter(adapterName));
            const Prediction overHttp = predict(inputs, http);
            QCOMPARE(overHttp.toObject(), predict(inputs, inproc).toObject());
            QVERIFY(overHttp.toObject().value(u"answer").isInt());

            ChainOfThought cot(arithmetic());
            const Prediction cotHttp = cot(inputs, http);
            QCOMPARE(cotHttp.toObject(), cot(inputs, inproc).toObject());
            QCOMPARE(cotHttp.toObject().keys(), (QStringList{"reasoning", "answer"}));
        }
        QCOMPARE(m_sim->chatRequests(), 6);

        // The same through the Anthropic shape.
        LMConfig claude;
        claude.model = QStringLiteral("anthropic/sim");
        claude.apiBase = m_sim->baseUrl();
        claude.cache = false;
        auto viaAnthropic = makeLM(claude);
        QVERIFY(viaAnthropic);
        Predict predict(arithmetic());
        RunContext ctx(*viaAnthropic);
        RunContext inproc(*local);
        QCOMPARE(predict(inputs, ctx).toObject(), predict(inputs, inproc).toObject());
        QCOMPARE(m_sim->messagesRequests(), 1);
    }

    void noKeyLeaks()
    {
        // A provider that quotes the key back in its error, and a bad-gateway page.
        std::atomic<int> mode{0};
        testhttp::TestHttpServer server([&mode](const testhttp::Request& req) {
            const QByteArray key = req.header("authorization").mid(7);
            if (mode == 0)
                return testhttp::Reply::json(
                    401, "{\"error\": {\"message\": \"Incorrect API key provided: " + key +
                             "\", \"code\": \"invalid_api_key\"}}");
            if (mode == 1)
                return testhttp::Reply::json(502, "<html>upstream said " + key + "</html>");
            return testhttp::Reply::json(
                200,
                Value(
                    Object{{"id", "x"},
                           {"model", "sim"},
                           {"choices",
                            Array{Object{{"index", 0},
                                         {"message", Object{{"role", "assistant"},
                                                            {"content", "[[ ## answer ## ]]\n3"}}},
                                         {"finish_reason", "stop"}}}},
                           {"usage", Object{{"prompt_tokens", 1},
                                            {"completion_tokens", 1},
                                            {"total_tokens", 2}}}})
                    .toJson()
                    .toUtf8());
        });
        MemorySecretStore secrets;
        secrets.set(QStringLiteral("FAKE_KEY"), kFakeKey);
        LMConfig config;
        config.model = QStringLiteral("openai/sim");
        config.apiBase = server.baseUrl() + QStringLiteral("/v1");
        config.apiKeyEnv = QStringLiteral("FAKE_KEY");
        config.numRetries = 0;
        config.cache = false;
        LMFactoryOptions fo;
        fo.secrets = &secrets;
        History global;
        fo.managed.globalHistory = &global;
        auto made = makeLM(config, fo);
        QVERIFY(made);
        std::shared_ptr<ManagedLM> lm = *made;

        Predict predict(arithmetic());
        RunContext ctx(lm);
        ctx.trace = std::make_shared<Trace>();
        QStringList texts;
        for (int m : {0, 1}) {
            mode = m;
            try {
                predict(Example{{QStringLiteral("question"), Value("1+2?")}}, ctx);
                QFAIL("the call should have failed");
            } catch (const LMError& e) {
                texts << e.message() << e.providerCode << QString::fromUtf8(e.what());
                QVERIFY(e.message().contains(QStringLiteral("[REDACTED]")));
            }
        }
        mode = 2;
        QCOMPARE(predict(Example{{QStringLiteral("question"), Value("1+2?")}}, ctx)
                     .toObject()
                     .value(u"answer"),
                 Value(3));
        // The key did go on the wire.
        QCOMPARE(server.requests().first().header("authorization"),
                 QByteArray("Bearer ") + kFakeKey.toUtf8());
        for (const TraceRecord& r : ctx.trace->snapshot())
            texts << r.error << Value(r.inputs).toJson() << messagesToJson(r.messages);
        for (const HistoryEntry& e : lm->history().snapshot())
            texts << Value(e.toObject()).toJson();
        for (const HistoryEntry& e : global.snapshot())
            texts << Value(e.toObject()).toJson();
        texts << lm->inspectHistory(10) << Value(lm->kwargs()).toJson();
        QCOMPARE(lm->history().size(), 1);
        for (const QString& t : texts)
            QVERIFY2(!t.contains(kFakeKey), qPrintable(t));
    }
};

QTEST_GUILESS_MAIN(TstLmClient)
#include "tst_lmclient.moc"
