// OpenAICompatibleLM against a local HTTP server: request shape, response parsing, the error
// taxonomy, key redaction, streaming (SSE) equal to non-streaming, embeddings, reasoning models.

#include "lm/openailm.h"
#include "lm/sse.h"
#include "runtime/runcontext.h"

#include "testhttpserver.h"

#include <QMutex>
#include <QTest>

using namespace dspy;
using testhttp::Reply;
using testhttp::Request;
using testhttp::TestHttpServer;

namespace {

const QByteArray kBody =
    "{\"id\": \"chatcmpl-42\", \"object\": \"chat.completion\", \"model\": \"gpt-4o-mini-2024\",\n "
    "\"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": \"[[ ## "
    "answer ## ]]\\n4\\n\\n[[ ## completed ## ]]\",\n   \"reasoning_content\": \"two plus two\"}, "
    "\"finish_reason\": \"stop\"},\n  {\"index\": 1, \"message\": {\"role\": \"assistant\", "
    "\"content\": null,\n   \"tool_calls\": [{\"id\": \"call_1\", \"type\": \"function\", "
    "\"function\": {\"name\": \"add\", \"arguments\": \"{\\\"a\\\": 2, \\\"b\\\": 2}\"}}]},\n   "
    "\"finish_reason\": \"tool_calls\"}],\n \"usage\": {\"prompt_tokens\": 20, "
    "\"completion_tokens\": 7, \"total_tokens\": 27, \"prompt_tokens_details\": "
    "{\"cached_tokens\": 5}}}";

// The same completion as kBody, as an OpenAI stream, cut into 7-byte pieces so events and even
// CRLFs straddle chunk boundaries.
QList<std::pair<int, QByteArray>> streamChunks()
{
    const QList<QByteArray> events = {
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
        "\"content\":\"\"}},{\"index\":1,\"delta\":{\"role\":\"assistant\"}}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"two "
        "plus \"}}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":"
        "\"two\"}}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"[[ ## answer "
        "## ]]\\n\"}}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\\n\\n[[ ## "
        "completed ## ]]\"}}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,"
        "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"\"}"
        "}]}}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,"
        "\"function\":{\"arguments\":\"{\\\"a\\\": 2, \"}}]}}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,"
        "\"function\":{\"arguments\":\"\\\"b\\\": 2}\"}}]}}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}"
        "]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[{\"index\":1,\"delta\":{},\"finish_reason\":\"tool_"
        "calls\"}]}",
        "{\"id\":\"chatcmpl-42\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_"
        "tokens\":7,\"total_tokens\":27,\"prompt_tokens_details\":{\"cached_tokens\":5}}}",
        "[DONE]"};
    QByteArray all = ": keep-alive\r\n\r\n";
    for (const QByteArray& e : events)
        all += "data: " + e + "\r\n\r\n";
    QList<std::pair<int, QByteArray>> chunks;
    for (qsizetype i = 0; i < all.size(); i += 7)
        chunks.append({i % 70 == 0 ? 5 : 0, all.mid(i, 7)});
    return chunks;
}

Reply streamReply(bool complete = true)
{
    Reply r;
    r.addHeader("Content-Type", "text/event-stream");
    r.chunks = streamChunks();
    if (!complete) {
        r.chunks = r.chunks.mid(0, r.chunks.size() / 2);
        r.endChunked = false;
    }
    return r;
}

Reply chatHandler(const Request& req)
{
    if (req.body.contains("\"stream\": true"))
        return streamReply();
    Reply r = Reply::json(200, kBody);
    return r;
}

LMRequest questionRequest()
{
    LMRequest req;
    req.model = QStringLiteral("openai/gpt-4o-mini");
    req.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                    {QStringLiteral("user"), QStringLiteral("What is 2+2? é")}};
    req.kwargs.insert(QStringLiteral("temperature"), 0.5);
    req.kwargs.insert(QStringLiteral("rollout_id"), 7);
    req.kwargs.insert(QStringLiteral("stop"), Value());
    req.kwargs.insert(QStringLiteral("n"), 2);
    return req;
}

Value parseJson(const QByteArray& body)
{
    auto v = Value::fromJson(QString::fromUtf8(body));
    return v ? *v : Value();
}

} // namespace

class TestOpenAILM : public QObject
{
    Q_OBJECT

private:
    HttpPool m_pool{2};

    std::shared_ptr<OpenAICompatibleLM> makeLM(const TestHttpServer& server,
                                               const QString& key = QStringLiteral("sk-test-123"),
                                               int retries = 0)
    {
        OpenAICompatibleLM::Options o;
        o.model = QStringLiteral("openai/gpt-4o-mini");
        o.provider = QStringLiteral("openai");
        o.apiBase = server.baseUrl() + QStringLiteral("/v1/");
        o.apiKey = key;
        o.kwargs =
            Object{{QStringLiteral("temperature"), Value()}, {QStringLiteral("max_tokens"), 1000}};
        o.pool = &m_pool;
        o.retry.maxRetries = retries;
        o.retry.baseDelayMs = 10;
        o.timeoutMs = 2000;
        return std::make_shared<OpenAICompatibleLM>(o);
    }

    static LMResponse wait(QFuture<LMResponse> f)
    {
        f.waitForFinished();
        return f.result();
    }

private Q_SLOTS:
    void requestShape()
    {
        TestHttpServer server(chatHandler);
        auto lm = makeLM(server);
        const LMResponse r = wait(lm->call(questionRequest()));
        QVERIFY(!r.error);
        const QList<Request> seen = server.requests();
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen[0].path, QByteArray("/v1/chat/completions"));
        QCOMPARE(seen[0].header("authorization"), QByteArray("Bearer sk-test-123"));
        QCOMPARE(seen[0].header("user-agent"), QByteArray("DSPy-Workbench/" DSPY_VERSION));
        QCOMPARE(seen[0].header("content-type"), QByteArray("application/json"));
        const Value body = parseJson(seen[0].body);
        // {"model", "messages", **lm.kwargs, **call kwargs}; None values and rollout_id dropped.
        QCOMPARE(body.toObject().keys(),
                 (QStringList{"model", "messages", "temperature", "max_tokens", "n"}));
        QCOMPARE(body.toObject().value(u"model").toString(), QStringLiteral("gpt-4o-mini"));
        QCOMPARE(body.toObject().value(u"temperature"), Value(0.5));
        QCOMPARE(body.toObject().value(u"max_tokens"), Value(1000));
        QCOMPARE(body.toObject().value(u"messages").toJson(),
                 QStringLiteral("[{\"role\": \"system\", \"content\": \"Be brief.\"}, "
                                "{\"role\": \"user\", \"content\": \"What is 2+2? \\u00e9\"}]"));
        QVERIFY(seen[0].body.contains("What is 2+2? \xc3\xa9")); // sent as UTF-8, not escaped
    }

    void noKeyNoAuthorization()
    {
        TestHttpServer server(chatHandler);
        auto lm = makeLM(server, QString());
        QVERIFY(!wait(lm->call(questionRequest())).error);
        QVERIFY(server.requests().at(0).header("authorization").isEmpty());
    }

    void parsesResponse()
    {
        TestHttpServer server(chatHandler);
        auto lm = makeLM(server);
        const LMResponse r = wait(lm->call(questionRequest()));
        QVERIFY(!r.error);
        QCOMPARE(r.model, QStringLiteral("openai/gpt-4o-mini"));
        QCOMPARE(r.requestId, QStringLiteral("chatcmpl-42"));
        QCOMPARE(r.outputs.size(), 2);
        QCOMPARE(r.outputs[0].text,
                 QStringLiteral("[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]"));
        QCOMPARE(r.outputs[0].reasoningContent, QStringLiteral("two plus two"));
        QCOMPARE(r.outputs[0].finishReason, QStringLiteral("stop"));
        QVERIFY(r.outputs[0].toolCalls.isNull());
        QCOMPARE(r.outputs[1].text, QString());
        QCOMPARE(r.outputs[1].finishReason, QStringLiteral("tool_calls"));
        QCOMPARE(
            r.outputs[1].toolCalls.toJson(),
            QStringLiteral("[{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": "
                           "\"add\", \"arguments\": \"{\\\"a\\\": 2, \\\"b\\\": 2}\"}}]"));
        QCOMPARE(r.usage.promptTokens, 20);
        QCOMPARE(r.usage.completionTokens, 7);
        QCOMPARE(r.usage.totalTokens, 27);
        QCOMPARE(r.usage.cachedTokens, 5);
        QVERIFY(!r.cacheHit);
    }

    void streamedEqualsNonStreamed()
    {
        TestHttpServer server(chatHandler);
        auto lm = makeLM(server);
        const LMResponse plain = wait(lm->call(questionRequest()));
        LMRequest req = questionRequest();
        QMutex mutex;
        QString text0, reasoning0;
        int chunks = 0;
        req.onChunk = [&](const LMStreamChunk& c) {
            QMutexLocker lock(&mutex);
            ++chunks;
            if (c.index == 0) {
                text0 += c.text;
                reasoning0 += c.reasoning;
            }
        };
        const LMResponse streamed = wait(lm->call(req));
        QVERIFY2(!streamed.error, streamed.error ? qPrintable(streamed.error->message()) : "");
        const Value sentBody = parseJson(server.requests().at(1).body);
        QCOMPARE(sentBody.toObject().value(u"stream"), Value(true));
        QCOMPARE(sentBody.toObject().value(u"stream_options").toJson(),
                 QStringLiteral("{\"include_usage\": true}"));

        QCOMPARE(streamed.model, plain.model);
        QCOMPARE(streamed.requestId, plain.requestId);
        QCOMPARE(streamed.outputs.size(), plain.outputs.size());
        for (qsizetype i = 0; i < plain.outputs.size(); ++i) {
            QCOMPARE(streamed.outputs[i].text, plain.outputs[i].text);
            QCOMPARE(streamed.outputs[i].reasoningContent, plain.outputs[i].reasoningContent);
            QCOMPARE(streamed.outputs[i].finishReason, plain.outputs[i].finishReason);
            QCOMPARE(streamed.outputs[i].toolCalls.toJson(), plain.outputs[i].toolCalls.toJson());
        }
        QCOMPARE(streamed.usage.promptTokens, plain.usage.promptTokens);
        QCOMPARE(streamed.usage.completionTokens, plain.usage.completionTokens);
        QCOMPARE(streamed.usage.totalTokens, plain.usage.totalTokens);
        QCOMPARE(streamed.usage.cachedTokens, plain.usage.cachedTokens);
        QCOMPARE(text0, plain.outputs[0].text);
        QCOMPARE(reasoning0, plain.outputs[0].reasoningContent);
        QCOMPARE(chunks, 4);
    }

    void truncatedStreamIsAnError()
    {
        TestHttpServer server([](const Request&) { return streamReply(false); });
        auto lm = makeLM(server);
        LMRequest req = questionRequest();
        req.onChunk = [](const LMStreamChunk&) {};
        const LMResponse r = wait(lm->call(req));
        QVERIFY(r.error);
        QVERIFY2(r.error->kind() == LMError::Kind::Unexpected ||
                     r.error->kind() == LMError::Kind::Transport,
                 qPrintable(LMError::kindName(r.error->kind())));
        QCOMPARE(server.requestCount(), 1); // part of the answer was seen: not retried
    }

    void statusToErrorKind_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("providerMessage");
        const auto err = [](const char* msg, const char* code) {
            return QByteArray("{\"error\": {\"message\": \"") + msg +
                   "\", \"type\": \"invalid_request_error\", \"code\": \"" + code + "\"}}";
        };
        using K = LMError::Kind;
        QTest::newRow("401") << 401 << err("Bad key", "invalid_api_key") << int(K::Auth)
                             << "Bad key";
        QTest::newRow("403") << 403 << err("Forbidden", "forbidden") << int(K::Auth) << "Forbidden";
        QTest::newRow("402") << 402 << err("Pay up", "billing") << int(K::Billing) << "Pay up";
        QTest::newRow("429") << 429 << err("Slow down", "rate_limit") << int(K::RateLimit)
                             << "Slow down";
        QTest::newRow("404") << 404 << err("No such model", "model_not_found")
                             << int(K::UnsupportedModel) << "No such model";
        QTest::newRow("408") << 408 << err("Too slow", "timeout") << int(K::Timeout) << "Too slow";
        QTest::newRow("400 code") << 400 << err("Too long", "context_length_exceeded")
                                  << int(K::ContextWindowExceeded) << "Too long";
        QTest::newRow("400 wording")
            << 400 << err("This model's maximum context length is 8192 tokens", "x")
            << int(K::ContextWindowExceeded)
            << "This model's maximum context length is 8192 tokens";
        QTest::newRow("400 anthropic wording")
            << 400 << err("prompt is too long: 300000 tokens > 200000 maximum", "x")
            << int(K::ContextWindowExceeded)
            << "prompt is too long: 300000 tokens > 200000 maximum";
        QTest::newRow("400 other") << 400 << err("Bad temperature", "invalid_value")
                                   << int(K::InvalidRequest) << "Bad temperature";
        QTest::newRow("422") << 422 << QByteArray("unprocessable") << int(K::InvalidRequest)
                             << "unprocessable";
        QTest::newRow("500") << 500 << err("Internal", "server_error") << int(K::Server)
                             << "Internal";
        QTest::newRow("503") << 503 << QByteArray("<html>overloaded</html>") << int(K::Server)
                             << "<html>overloaded</html>";
    }
    void statusToErrorKind()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, kind);
        QFETCH(QString, providerMessage);
        TestHttpServer server([&](const Request&) {
            Reply r = Reply::json(status, body);
            r.addHeader("x-request-id", "req_abc");
            if (status == 429)
                r.addHeader("Retry-After", "7");
            return r;
        });
        auto lm = makeLM(server);
        const LMResponse r = wait(lm->call(questionRequest()));
        QVERIFY(r.error);
        QCOMPARE(LMError::kindName(r.error->kind()), LMError::kindName(LMError::Kind(kind)));
        QCOMPARE(r.error->status(), status);
        QCOMPARE(r.error->requestId, QStringLiteral("req_abc"));
        QCOMPARE(r.error->model, QStringLiteral("openai/gpt-4o-mini"));
        QCOMPARE(r.error->provider, QStringLiteral("openai"));
        QCOMPARE(r.error->message(),
                 QStringLiteral("openai/gpt-4o-mini: openai returned HTTP %1: %2")
                     .arg(status)
                     .arg(providerMessage));
        QCOMPARE(r.error->retryAfterSeconds, status == 429 ? 7.0 : -1.0);
        QCOMPARE(server.requestCount(), 1); // the retry policy here allows none
    }

    void retriesThenReportsServerError()
    {
        TestHttpServer server([](const Request&) {
            return Reply::json(500, "{\"error\": {\"message\": \"down\"}}");
        });
        auto lm = makeLM(server, QStringLiteral("k"), 2);
        const LMResponse r = wait(lm->call(questionRequest()));
        QVERIFY(r.error);
        QCOMPARE(r.error->kind(), LMError::Kind::Server);
        QVERIFY(r.error->isRetryable());
        QCOMPARE(server.requestCount(), 3);
    }

    void keyNeverInErrors()
    {
        const QString key = QStringLiteral("sk-proj-SECRET0123456789");
        TestHttpServer server([&](const Request&) {
            return Reply::json(401, "{\"error\": {\"message\": \"Incorrect API key provided: " +
                                        key.toUtf8() + ".\", \"code\": \"" + key.toUtf8() + "\"}}");
        });
        auto lm = makeLM(server, key);
        const LMResponse r = wait(lm->call(questionRequest()));
        QVERIFY(r.error);
        QCOMPARE(r.error->kind(), LMError::Kind::Auth);
        QVERIFY(!r.error->message().contains(key));
        QVERIFY(!QString::fromUtf8(r.error->what()).contains(key));
        QVERIFY(!r.error->providerCode.contains(key));
        QCOMPARE(r.error->message(),
                 QStringLiteral("openai/gpt-4o-mini: openai returned HTTP 401: Incorrect API key "
                                "provided: [REDACTED]."));
        // The key did go to the server, in the header only.
        QCOMPARE(server.requests().at(0).header("authorization"), "Bearer " + key.toUtf8());
    }

    void transportAndTimeoutAndCancel()
    {
        TestHttpServer server([](const Request&) { return Reply::hang(); });
        auto lm = makeLM(server);
        // timeout (2 s in makeLM)
        const LMResponse t = wait(lm->call(questionRequest()));
        QVERIFY(t.error);
        QCOMPARE(t.error->kind(), LMError::Kind::Timeout);
        QVERIFY(t.error->message().contains(QLatin1String("2000 ms")));
        // cancel
        LMRequest req = questionRequest();
        req.cancel = std::make_shared<CancellationToken>();
        QFuture<LMResponse> f = lm->call(req);
        QTRY_COMPARE(server.requestCount(), 2);
        req.cancel->cancel();
        const LMResponse c = wait(f);
        QVERIFY(c.error);
        QCOMPARE(c.error->kind(), LMError::Kind::Cancelled);
        QTRY_COMPARE(server.closedWhilePending(), 2);
        // unreachable
        quint16 port;
        {
            TestHttpServer gone;
            port = gone.port();
        }
        OpenAICompatibleLM::Options o;
        o.model = QStringLiteral("hosted_vllm/m");
        o.apiBase = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
        o.pool = &m_pool;
        o.retry.maxRetries = 0;
        const LMResponse u = wait(OpenAICompatibleLM(o).call(questionRequest()));
        QVERIFY(u.error);
        QCOMPARE(u.error->kind(), LMError::Kind::Transport);
        QVERIFY(u.error->message().startsWith(
            QLatin1String("hosted_vllm/m: could not reach 127.0.0.1")));
    }

    void callerCancelsFuture()
    {
        TestHttpServer server([](const Request&) { return Reply::hang(); });
        auto lm = makeLM(server);
        QFuture<LMResponse> f = lm->call(questionRequest());
        QTRY_COMPARE(server.requestCount(), 1);
        f.cancel();
        QTRY_COMPARE(server.closedWhilePending(), 1);
        QVERIFY(f.isCanceled());
    }

    void malformedJson()
    {
        TestHttpServer server([](const Request&) { return Reply::json(200, "{\"choices\": ["); });
        auto lm = makeLM(server);
        const LMResponse r = wait(lm->call(questionRequest()));
        QVERIFY(r.error);
        QCOMPARE(r.error->kind(), LMError::Kind::Unexpected);
        QVERIFY(r.error->message().startsWith(
            QLatin1String("openai/gpt-4o-mini: could not read the response of openai: ")));
    }

    void reasoningModels_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("reasoning");
        QTest::newRow("o1") << "openai/o1" << true;
        QTest::newRow("o3-mini") << "openai/o3-mini" << true;
        QTest::newRow("o4-mini dated") << "openai/o4-mini-2025-04-16" << true;
        QTest::newRow("o5-pro") << "o5-pro" << true;
        QTest::newRow("gpt-5") << "openai/gpt-5" << true;
        QTest::newRow("gpt-5-nano") << "openai/gpt-5-nano" << true;
        QTest::newRow("gpt-5-chat") << "openai/gpt-5-chat" << false;
        QTest::newRow("gpt-5-chat-latest") << "openai/gpt-5-chat-latest" << false;
        QTest::newRow("gpt-4o") << "openai/gpt-4o" << false;
        QTest::newRow("o1-preview") << "openai/o1-preview" << false;
        QTest::newRow("O3 caps") << "openai/O3" << true;
    }
    void reasoningModels()
    {
        QFETCH(QString, model);
        QFETCH(bool, reasoning);
        QCOMPARE(OpenAICompatibleLM::isReasoningModel(model), reasoning);
    }

    void reasoningModelRules()
    {
        OpenAICompatibleLM::Options o;
        o.model = QStringLiteral("openai/gpt-5");
        o.apiBase = QStringLiteral("http://127.0.0.1:1/v1");
        o.kwargs =
            Object{{QStringLiteral("temperature"), 0.7}, {QStringLiteral("max_tokens"), 1000}};
        auto bad = OpenAICompatibleLM::create(o);
        QVERIFY(!bad);
        QCOMPARE(bad.error().kind(), LMError::Kind::Configuration);
        QCOMPARE(bad.error().message(),
                 QStringLiteral("[openai/gpt-5] OpenAI's reasoning models require passing "
                                "temperature=1.0 or None and max_tokens >= 16000 or None to "
                                "`dspy.LM(...)`, e.g., dspy.LM('openai/gpt-5', temperature=1.0, "
                                "max_tokens=16000)"));
        o.kwargs =
            Object{{QStringLiteral("temperature"), 1.0}, {QStringLiteral("max_tokens"), 1000}};
        QVERIFY(!OpenAICompatibleLM::create(o));
        o.kwargs =
            Object{{QStringLiteral("temperature"), 0.7}, {QStringLiteral("max_tokens"), Value()}};
        QVERIFY(!OpenAICompatibleLM::create(o));

        o.kwargs =
            Object{{QStringLiteral("temperature"), 1.0}, {QStringLiteral("max_tokens"), 16000}};
        auto good = OpenAICompatibleLM::create(o);
        QVERIFY(good);
        QCOMPARE(Value((*good)->kwargs()).toJson(),
                 QStringLiteral("{\"temperature\": 1.0, \"max_completion_tokens\": 16000}"));
        o.kwargs = Object{{QStringLiteral("temperature"), Value()},
                          {QStringLiteral("max_tokens"), Value()}};
        QVERIFY(OpenAICompatibleLM::create(o));

        // On the wire max_tokens is always max_completion_tokens for these models.
        OpenAICompatibleLM lm(o);
        LMRequest req;
        req.messages = {{QStringLiteral("user"), QStringLiteral("hi")}};
        req.kwargs = Object{{QStringLiteral("max_tokens"), 20000}};
        QCOMPARE(QString::fromUtf8(lm.requestBody(req, false)),
                 QStringLiteral(
                     "{\"model\": \"gpt-5\", \"messages\": [{\"role\": \"user\", \"content\": "
                     "\"hi\"}], \"max_completion_tokens\": 20000}"));

        // gpt-5-chat is an ordinary model.
        o.model = QStringLiteral("openai/gpt-5-chat");
        o.kwargs =
            Object{{QStringLiteral("temperature"), 0.7}, {QStringLiteral("max_tokens"), 1000}};
        auto chat = OpenAICompatibleLM::create(o);
        QVERIFY(chat);
        QCOMPARE(Value((*chat)->kwargs()).toJson(),
                 QStringLiteral("{\"temperature\": 0.7, \"max_tokens\": 1000}"));
    }

    void embeddings()
    {
        TestHttpServer server([](const Request&) {
            // Out of order on purpose: "index" decides the position.
            return Reply::json(
                200, "{\"object\": \"list\", \"data\": [\n                {\"object\": "
                     "\"embedding\", \"index\": 1, \"embedding\": [0.5, -1]},\n                "
                     "{\"object\": \"embedding\", \"index\": 0, \"embedding\": [0.25, 2.0]}],\n    "
                     "            \"model\": \"text-embedding-3-small\", \"usage\": "
                     "{\"prompt_tokens\": 6, \"total_tokens\": 6}}");
        });
        OpenAICompatibleLM::Options o;
        o.model = QStringLiteral("openai/text-embedding-3-small");
        o.provider = QStringLiteral("openai");
        o.apiBase = server.baseUrl() + QStringLiteral("/v1");
        o.pool = &m_pool;
        OpenAICompatibleLM lm(o);
        QFuture<Embeddings> f = lm.embed({QStringLiteral("first"), QStringLiteral("second")},
                                         Object{{QStringLiteral("dimensions"), 2}});
        f.waitForFinished();
        const Embeddings e = f.result();
        QVERIFY(!e.error);
        QCOMPARE(e.vectors.size(), 2);
        QCOMPARE(e.vectors[0], (QVector<float>{0.25f, 2.0f}));
        QCOMPARE(e.vectors[1], (QVector<float>{0.5f, -1.0f}));
        QCOMPARE(e.usage.promptTokens, 6);
        const Request seen = server.requests().at(0);
        QCOMPARE(seen.path, QByteArray("/v1/embeddings"));
        QCOMPARE(seen.body,
                 QByteArray(
                     "{\"model\": \"text-embedding-3-small\", \"input\": [\"first\", \"second\"], "
                     "\"dimensions\": 2}"));
    }

    void embeddingsCountMismatch()
    {
        TestHttpServer server([](const Request&) {
            return Reply::json(200, "{\"data\": [{\"index\": 0, \"embedding\": [1]}]}");
        });
        OpenAICompatibleLM::Options o;
        o.model = QStringLiteral("openai/e");
        o.apiBase = server.baseUrl() + QStringLiteral("/v1");
        o.pool = &m_pool;
        QFuture<Embeddings> f = OpenAICompatibleLM(o).embed({"a", "b"});
        f.waitForFinished();
        QVERIFY(f.result().error);
        QVERIFY(
            f.result().error->message().endsWith(QLatin1String("expected 2 embeddings, got 1")));
    }

    void sseParser()
    {
        QList<SseEvent> events;
        SseParser p([&](const SseEvent& e) { events.append(e); });
        const QByteArray stream =
            ": comment\n\nevent: message_start\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n"
            "id: 7\rdata:no-space\r\rdata: [DONE]\n\ndata: half";
        for (char c : stream)
            p.feed(QByteArrayView(&c, 1)); // byte by byte: every split point
        p.finish();
        QCOMPARE(events.size(), 3);
        QCOMPARE(events[0].event, QByteArray("message_start"));
        QCOMPARE(events[0].data, QByteArray("{\"a\":\n1}"));
        QCOMPARE(events[1].event, QByteArray());
        QCOMPARE(events[1].id, QByteArray("7"));
        QCOMPARE(events[1].data, QByteArray("no-space"));
        QCOMPARE(events[2].data, QByteArray("[DONE]"));

        // The same stream in one piece gives the same events.
        QList<SseEvent> whole;
        SseParser q([&](const SseEvent& e) { whole.append(e); });
        q.feed(stream);
        q.finish();
        QCOMPARE(whole.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(whole[i].data, events[i].data);
    }
};

QTEST_GUILESS_MAIN(TestOpenAILM)
#include "tst_openailm.moc"
