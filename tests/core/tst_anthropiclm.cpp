// AnthropicLM against a local HTTP server: the Messages request shape, content blocks, usage,
// streaming equal to non-streaming, Anthropic's error bodies.

#include "lm/anthropiclm.h"

#include "testhttpserver.h"

#include <QTest>

using namespace dspy;
using testhttp::Reply;
using testhttp::Request;
using testhttp::TestHttpServer;

namespace {

const QByteArray kBody =
    "{\"id\": \"msg_01\", \"type\": \"message\", \"role\": \"assistant\", \"model\": "
    "\"claude-x\",\n \"content\": [{\"type\": \"thinking\", \"thinking\": \"Add them.\", "
    "\"signature\": \"sig\"},\n             {\"type\": \"text\", \"text\": \"[[ ## answer ## "
    "]]\\n\"},\n             {\"type\": \"text\", \"text\": \"4\"},\n             {\"type\": "
    "\"tool_use\", \"id\": \"toolu_1\", \"name\": \"add\", \"input\": {\"a\": 2, \"b\": 2}}],\n "
    "\"stop_reason\": \"tool_use\", \"stop_sequence\": null,\n \"usage\": {\"input_tokens\": 30, "
    "\"output_tokens\": 12, \"cache_read_input_tokens\": 8}}";

Reply streamReply()
{
    const QList<std::pair<QByteArray, QByteArray>> events = {
        {"message_start",
         "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":"
         "\"assistant\",\"model\":\"claude-x\",\"content\":[],\"stop_reason\":null,\"usage\":{"
         "\"input_tokens\":30,\"output_tokens\":1,\"cache_read_input_tokens\":8}}}"},
        {"content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{"
                                "\"type\":\"thinking\",\"thinking\":\"\"}}"},
        {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                                "\"thinking_delta\",\"thinking\":\"Add \"}}"},
        {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                                "\"thinking_delta\",\"thinking\":\"them.\"}}"},
        {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                                "\"signature_delta\",\"signature\":\"sig\"}}"},
        {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"},
        {"ping", "{\"type\":\"ping\"}"},
        {"content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{"
                                "\"type\":\"text\",\"text\":\"\"}}"},
        {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
                                "\"text_delta\",\"text\":\"[[ ## answer ## ]]\\n\"}}"},
        {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"},
        {"content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{"
                                "\"type\":\"text\",\"text\":\"\"}}"},
        {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":"
                                "\"text_delta\",\"text\":\"4\"}}"},
        {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"},
        {"content_block_start",
         "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"tool_use\","
         "\"id\":\"toolu_1\",\"name\":\"add\",\"input\":{}}}"},
        {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":"
                                "\"input_json_delta\",\"partial_json\":\"{\\\"a\\\": 2\"}}"},
        {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":"
                                "\"input_json_delta\",\"partial_json\":\", \\\"b\\\": 2}\"}}"},
        {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":3}"},
        {"message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                          "\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}"},
        {"message_stop", "{\"type\":\"message_stop\"}"}};
    Reply r;
    r.addHeader("Content-Type", "text/event-stream");
    for (const auto& [name, data] : events)
        r.chunks.append({0, "event: " + name + "\ndata: " + data + "\n\n"});
    return r;
}

Reply handler(const Request& req)
{
    if (req.body.contains("\"stream\": true"))
        return streamReply();
    return Reply::json(200, kBody);
}

LMRequest request()
{
    LMRequest req;
    req.model = QStringLiteral("anthropic/claude-x");
    req.messages = {{QStringLiteral("system"), QStringLiteral("Rule one.")},
                    {QStringLiteral("system"), QStringLiteral("Rule two.")},
                    {QStringLiteral("user"), QStringLiteral("2+2?")},
                    {QStringLiteral("assistant"), QStringLiteral("Thinking.")},
                    {QStringLiteral("user"), QStringLiteral("Well?")}};
    req.kwargs = Object{{QStringLiteral("temperature"), 0.0},
                        {QStringLiteral("stop"), QStringLiteral("END")},
                        {QStringLiteral("rollout_id"), 3},
                        {QStringLiteral("top_p"), Value()}};
    return req;
}

} // namespace

class TestAnthropicLM : public QObject
{
    Q_OBJECT

private:
    HttpPool m_pool{2};

    std::unique_ptr<AnthropicLM> makeLM(const TestHttpServer& server, Object kwargs = {})
    {
        HttpLMOptions o;
        o.model = QStringLiteral("anthropic/claude-x");
        o.provider = QStringLiteral("anthropic");
        o.apiBase = server.baseUrl();
        o.apiKey = QStringLiteral("sk-ant-SECRET");
        o.kwargs = std::move(kwargs);
        o.pool = &m_pool;
        o.retry.maxRetries = 0;
        return std::make_unique<AnthropicLM>(o);
    }

    static LMResponse wait(QFuture<LMResponse> f)
    {
        f.waitForFinished();
        return f.result();
    }

private Q_SLOTS:
    void requestShape()
    {
        TestHttpServer server(handler);
        auto lm = makeLM(server, Object{{QStringLiteral("temperature"), Value()},
                                        {QStringLiteral("max_tokens"), Value()}});
        QVERIFY(!wait(lm->call(request())).error);
        const Request seen = server.requests().at(0);
        QCOMPARE(seen.path, QByteArray("/v1/messages"));
        QCOMPARE(seen.header("x-api-key"), QByteArray("sk-ant-SECRET"));
        QCOMPARE(seen.header("anthropic-version"), QByteArray("2023-06-01"));
        QVERIFY(seen.header("authorization").isEmpty());
        QCOMPARE(seen.header("user-agent"), QByteArray("DSPy-Workbench/" DSPY_VERSION));
        QCOMPARE(QString::fromUtf8(seen.body),
                 QStringLiteral("{\"model\": \"claude-x\", \"system\": \"Rule one.\\n\\nRule "
                                "two.\", \"messages\": ["
                                "{\"role\": \"user\", \"content\": \"2+2?\"}, {\"role\": "
                                "\"assistant\", \"content\": "
                                "\"Thinking.\"}, {\"role\": \"user\", \"content\": \"Well?\"}], "
                                "\"max_tokens\": 4096, "
                                "\"temperature\": 0.0, \"stop_sequences\": [\"END\"]}"));
    }

    void maxTokensAndTools()
    {
        TestHttpServer server(handler);
        auto lm = makeLM(server, Object{{QStringLiteral("max_tokens"), 512}});
        LMRequest req;
        req.messages = {{QStringLiteral("user"), QStringLiteral("hi")}};
        req.kwargs.insert(
            QStringLiteral("tools"),
            Array{Object{{QStringLiteral("type"), QStringLiteral("function")},
                         {QStringLiteral("function"),
                          Object{{QStringLiteral("name"), QStringLiteral("add")},
                                 {QStringLiteral("description"), QStringLiteral("Adds.")},
                                 {QStringLiteral("parameters"),
                                  Object{{QStringLiteral("type"), QStringLiteral("object")}}}}}}});
        QCOMPARE(QString::fromUtf8(lm->requestBody(req, true)),
                 QStringLiteral(
                     "{\"model\": \"claude-x\", \"messages\": [{\"role\": \"user\", \"content\": "
                     "\"hi\"}], \"max_tokens\": 512, \"tools\": [{\"name\": \"add\", "
                     "\"description\": \"Adds.\", \"input_schema\": {\"type\": \"object\"}}], "
                     "\"stream\": true}"));
        req.kwargs.insert(QStringLiteral("n"), 3);
        const LMResponse r = wait(lm->call(req));
        QVERIFY(r.error);
        QCOMPARE(r.error->kind(), LMError::Kind::UnsupportedFeature);
    }

    void parsesContentBlocks()
    {
        TestHttpServer server(handler);
        auto lm = makeLM(server);
        const LMResponse r = wait(lm->call(request()));
        QVERIFY(!r.error);
        QCOMPARE(r.model, QStringLiteral("anthropic/claude-x"));
        QCOMPARE(r.requestId, QStringLiteral("msg_01"));
        QCOMPARE(r.outputs.size(), 1);
        QCOMPARE(r.outputs[0].text, QStringLiteral("[[ ## answer ## ]]\n4"));
        QCOMPARE(r.outputs[0].reasoningContent, QStringLiteral("Add them."));
        QCOMPARE(r.outputs[0].finishReason, QStringLiteral("tool_calls"));
        QCOMPARE(r.outputs[0].toolCalls.toJson(),
                 QStringLiteral(
                     "[{\"id\": \"toolu_1\", \"type\": \"function\", \"function\": {\"name\": "
                     "\"add\", \"arguments\": \"{\\\"a\\\": 2, \\\"b\\\": 2}\"}}]"));
        QCOMPARE(r.usage.promptTokens, 30);
        QCOMPARE(r.usage.completionTokens, 12);
        QCOMPARE(r.usage.totalTokens, 42);
        QCOMPARE(r.usage.cachedTokens, 8);
    }

    void streamedEqualsNonStreamed()
    {
        TestHttpServer server(handler);
        auto lm = makeLM(server);
        const LMResponse plain = wait(lm->call(request()));
        LMRequest req = request();
        QString text, reasoning;
        req.onChunk = [&](const LMStreamChunk& c) {
            text += c.text; // one request: chunks arrive in order on one network thread
            reasoning += c.reasoning;
        };
        const LMResponse s = wait(lm->call(req));
        QVERIFY2(!s.error, s.error ? qPrintable(s.error->message()) : "");
        QCOMPARE(s.requestId, plain.requestId);
        QCOMPARE(s.model, plain.model);
        QCOMPARE(s.outputs.size(), 1);
        QCOMPARE(s.outputs[0].text, plain.outputs[0].text);
        QCOMPARE(s.outputs[0].reasoningContent, plain.outputs[0].reasoningContent);
        QCOMPARE(s.outputs[0].finishReason, plain.outputs[0].finishReason);
        QCOMPARE(s.outputs[0].toolCalls.toJson(), plain.outputs[0].toolCalls.toJson());
        QCOMPARE(s.usage.promptTokens, plain.usage.promptTokens);
        QCOMPARE(s.usage.completionTokens, plain.usage.completionTokens);
        QCOMPARE(s.usage.totalTokens, plain.usage.totalTokens);
        QCOMPARE(s.usage.cachedTokens, plain.usage.cachedTokens);
        QCOMPARE(text, plain.outputs[0].text);
        QCOMPARE(reasoning, plain.outputs[0].reasoningContent);
    }

    void finishReasons()
    {
        QCOMPARE(AnthropicLM::finishReason(QStringLiteral("end_turn")), QStringLiteral("stop"));
        QCOMPARE(AnthropicLM::finishReason(QStringLiteral("stop_sequence")),
                 QStringLiteral("stop"));
        QCOMPARE(AnthropicLM::finishReason(QStringLiteral("max_tokens")), QStringLiteral("length"));
        QCOMPARE(AnthropicLM::finishReason(QStringLiteral("tool_use")),
                 QStringLiteral("tool_calls"));
    }

    void errorBodies()
    {
        TestHttpServer server([](const Request&) {
            Reply r =
                Reply::json(429, "{\"type\": \"error\", \"error\": {\"type\": "
                                 "\"rate_limit_error\", \"message\": \"Number of request tokens "
                                 "has exceeded your per-minute rate limit (key sk-ant-SECRET)\"}}");
            r.addHeader("request-id", "req_011");
            r.addHeader("retry-after", "12");
            return r;
        });
        auto lm = makeLM(server);
        const LMResponse r = wait(lm->call(request()));
        QVERIFY(r.error);
        QCOMPARE(r.error->kind(), LMError::Kind::RateLimit);
        QCOMPARE(r.error->providerCode, QStringLiteral("rate_limit_error"));
        QCOMPARE(r.error->requestId, QStringLiteral("req_011"));
        QCOMPARE(r.error->retryAfterSeconds, 12.0);
        QCOMPARE(
            r.error->message(),
            QStringLiteral("anthropic/claude-x: anthropic returned HTTP 429: Number of request "
                           "tokens has exceeded your per-minute rate limit (key [REDACTED])"));

        server.setHandler([](const Request&) {
            return Reply::json(
                400, "{\"type\": \"error\", \"error\": {\"type\": \"invalid_request_error\", "
                     "\"message\": \"prompt is too long: 210000 tokens > 200000 maximum\"}}");
        });
        const LMResponse c = wait(lm->call(request()));
        QVERIFY(c.error);
        QCOMPARE(c.error->kind(), LMError::Kind::ContextWindowExceeded);
    }
};

QTEST_GUILESS_MAIN(TestAnthropicLM)
#include "tst_anthropiclm.moc"
