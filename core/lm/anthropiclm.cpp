#include "lm/anthropiclm.h"

#include "lm/sse.h"

#include <QPromise>
#include <QThreadPool>

namespace dspy {

namespace {

bool isClientOnlyKey(const QString& key)
{
    return key == u"rollout_id" || key == u"cache" || key == u"num_retries" || key == u"api_key" ||
           key == u"api_base" || key == u"base_url";
}

LMUsage usageFrom(const Object& u, LMUsage usage = {})
{
    if (u.contains(u"input_tokens"))
        usage.promptTokens = u.value(u"input_tokens").toInt();
    if (u.contains(u"output_tokens"))
        usage.completionTokens = u.value(u"output_tokens").toInt();
    if (u.contains(u"cache_read_input_tokens"))
        usage.cachedTokens = u.value(u"cache_read_input_tokens").toInt();
    usage.totalTokens = usage.promptTokens + usage.completionTokens;
    return usage;
}

// OpenAI's tool shape {"type": "function", "function": {name, description, parameters}} ->
// Anthropic's {name, description, input_schema}; anything else passes through.
Value anthropicTool(const Value& tool)
{
    const Object& t = tool.toObject();
    if (t.value(u"type").toString() != u"function" || !t.value(u"function").isObject())
        return tool;
    const Object& fn = t.value(u"function").toObject();
    Object out;
    out.insert(QStringLiteral("name"), fn.value(u"name"));
    if (fn.contains(u"description"))
        out.insert(QStringLiteral("description"), fn.value(u"description"));
    out.insert(QStringLiteral("input_schema"),
               fn.contains(u"parameters")
                   ? fn.value(u"parameters")
                   : Value(Object{{QStringLiteral("type"), QStringLiteral("object")}}));
    return out;
}

Value toolCall(const QString& id, const QString& name, const Value& input)
{
    return Object{
        {QStringLiteral("id"), id},
        {QStringLiteral("type"), QStringLiteral("function")},
        {QStringLiteral("function"),
         Object{{QStringLiteral("name"), name}, {QStringLiteral("arguments"), input.toJson()}}}};
}

// Rebuilds the Messages response from message_start / content_block_* / message_delta events.
class AnthropicStream final : public ChatStream
{
public:
    explicit AnthropicStream(std::function<void(const LMStreamChunk&)> cb)
        : m_parser([this](const SseEvent& e) { onEvent(e); })
        , m_callback(std::move(cb))
    {}

    void feed(QByteArrayView bytes) override { m_parser.feed(bytes); }

    LMResponse finish(const HttpLMOptions& o, QString* error) override
    {
        m_parser.finish();
        if (!m_error.isEmpty()) {
            *error = m_error;
            return {};
        }
        if (!m_stopped) {
            *error = QStringLiteral("the stream ended before message_stop");
            return {};
        }
        LMOutput out;
        Array calls;
        for (const Block& b : std::as_const(m_blocks)) {
            if (b.type == u"text") {
                out.text += b.text;
            } else if (b.type == u"thinking") {
                out.reasoningContent += b.text;
            } else if (b.type == u"tool_use") {
                Value input = Object();
                if (!b.json.trimmed().isEmpty()) {
                    if (auto v = Value::fromJson(b.json))
                        input = *v;
                }
                calls.append(toolCall(b.id, b.name, input));
            }
        }
        if (!calls.isEmpty())
            out.toolCalls = calls;
        out.finishReason = AnthropicLM::finishReason(m_stopReason);
        LMResponse r;
        r.model = o.model;
        r.requestId = m_id;
        r.usage = m_usage;
        r.outputs.append(out);
        return r;
    }

private:
    struct Block
    {
        QString type, text, id, name, json;
    };

    void onEvent(const SseEvent& e)
    {
        auto v = Value::fromJson(QString::fromUtf8(e.data));
        if (!v || !v->isObject())
            return;
        const Object& o = v->toObject();
        const QString type = o.value(u"type").toString();
        if (type == u"message_start") {
            const Object& m = o.value(u"message").toObject();
            m_id = m.value(u"id").toString();
            m_usage = usageFrom(m.value(u"usage").toObject());
        } else if (type == u"content_block_start") {
            const int index = int(o.value(u"index").toInt());
            if (index < 0 || index > 4096)
                return;
            while (m_blocks.size() <= index)
                m_blocks.append(Block{});
            const Object& cb = o.value(u"content_block").toObject();
            Block& b = m_blocks[index];
            b.type = cb.value(u"type").toString();
            b.id = cb.value(u"id").toString();
            b.name = cb.value(u"name").toString();
            b.text = cb.value(b.type == u"thinking" ? u"thinking" : u"text").toString();
        } else if (type == u"content_block_delta") {
            const int index = int(o.value(u"index").toInt());
            if (index < 0 || index >= m_blocks.size())
                return;
            Block& b = m_blocks[index];
            const Object& d = o.value(u"delta").toObject();
            const QString dt = d.value(u"type").toString();
            LMStreamChunk chunk;
            if (dt == u"text_delta") {
                chunk.text = d.value(u"text").toString();
                b.text += chunk.text;
            } else if (dt == u"thinking_delta") {
                chunk.reasoning = d.value(u"thinking").toString();
                b.text += chunk.reasoning;
            } else if (dt == u"input_json_delta") {
                b.json += d.value(u"partial_json").toString();
            }
            if (m_callback && (!chunk.text.isEmpty() || !chunk.reasoning.isEmpty()))
                m_callback(chunk);
        } else if (type == u"message_delta") {
            const Object& d = o.value(u"delta").toObject();
            if (d.value(u"stop_reason").isString())
                m_stopReason = d.value(u"stop_reason").toString();
            if (o.value(u"usage").isObject())
                m_usage = usageFrom(o.value(u"usage").toObject(), m_usage);
        } else if (type == u"message_stop") {
            m_stopped = true;
        } else if (type == u"error") {
            m_error = o.value(u"error").toObject().value(u"message").toString();
            if (m_error.isEmpty())
                m_error = QStringLiteral("the server reported an error in the stream");
        }
    }

    SseParser m_parser;
    std::function<void(const LMStreamChunk&)> m_callback;
    QList<Block> m_blocks;
    QString m_id;
    QString m_stopReason;
    LMUsage m_usage;
    QString m_error;
    bool m_stopped = false;
};

} // namespace

AnthropicLM::AnthropicLM(HttpLMOptions options)
{
    if (options.endpointKey.isEmpty())
        options.endpointKey = options.apiBase;
    QString base = options.apiBase;
    while (base.endsWith(u'/'))
        base.chop(1);
    m_url = QUrl(base + (base.endsWith(QLatin1String("/v1")) ? QStringLiteral("/messages")
                                                             : QStringLiteral("/v1/messages")));
    m_headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    m_headers.append({QByteArrayLiteral("User-Agent"), httpUserAgent()});
    m_headers.append({QByteArrayLiteral("anthropic-version"), QByteArrayLiteral("2023-06-01")});
    if (!options.apiKey.isEmpty())
        m_headers.append({QByteArrayLiteral("x-api-key"), options.apiKey.toUtf8()});
    m_headers.append(options.extraHeaders);
    m_opts = std::make_shared<const HttpLMOptions>(std::move(options));
}

QString AnthropicLM::finishReason(const QString& stopReason)
{
    if (stopReason == u"end_turn" || stopReason == u"stop_sequence")
        return QStringLiteral("stop");
    if (stopReason == u"max_tokens")
        return QStringLiteral("length");
    if (stopReason == u"tool_use")
        return QStringLiteral("tool_calls");
    return stopReason;
}

QByteArray AnthropicLM::requestBody(const LMRequest& request, bool stream) const
{
    Object merged = m_opts->kwargs;
    for (const auto& [k, v] : request.kwargs)
        merged.insert(k, v);

    QStringList system;
    Array messages;
    for (const ChatMessage& m : request.messages) {
        if (m.role == u"system") {
            system.append(m.content);
            continue;
        }
        messages.append(
            Object{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content}});
    }

    Object body;
    body.insert(QStringLiteral("model"),
                wireModelName(request.model.isEmpty() ? m_opts->model : request.model));
    if (!system.isEmpty())
        body.insert(QStringLiteral("system"), system.join(QStringLiteral("\n\n")));
    body.insert(QStringLiteral("messages"), std::move(messages));
    const Value& maxTokens = merged.value(u"max_tokens");
    body.insert(QStringLiteral("max_tokens"),
                maxTokens.isNumber() ? maxTokens : Value(kDefaultMaxTokens));
    for (const auto& [k, v] : merged) {
        if (v.isNull() || isClientOnlyKey(k) || k == u"max_tokens" || k == u"stream")
            continue;
        if (k == u"n") {
            continue; // one completion per request; n > 1 is refused in call()
        } else if (k == u"stop") {
            body.insert(QStringLiteral("stop_sequences"), v.isArray() ? v : Value(Array{v}));
        } else if (k == u"tools") {
            Array tools;
            for (const Value& t : v.toArray())
                tools.append(anthropicTool(t));
            body.insert(QStringLiteral("tools"), std::move(tools));
        } else if (k == u"response_format" || k == u"seed") {
            continue; // not in the Messages API
        } else {
            body.insert(k, v);
        }
    }
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    JsonStyle style;
    style.ensureAscii = false;
    return Value(std::move(body)).toJson(style).toUtf8();
}

LMResponse AnthropicLM::parseResponse(const Value& body, const HttpLMOptions& options)
{
    LMResponse r;
    r.model = options.model;
    const Object& o = body.toObject();
    r.requestId = o.value(u"id").toString();
    r.usage = usageFrom(o.value(u"usage").toObject());
    LMOutput out;
    Array calls;
    for (const Value& bv : o.value(u"content").toArray()) {
        const Object& b = bv.toObject();
        const QString type = b.value(u"type").toString();
        if (type == u"text")
            out.text += b.value(u"text").toString();
        else if (type == u"thinking")
            out.reasoningContent += b.value(u"thinking").toString();
        else if (type == u"tool_use")
            calls.append(toolCall(b.value(u"id").toString(), b.value(u"name").toString(),
                                  b.value(u"input")));
    }
    if (!calls.isEmpty())
        out.toolCalls = calls;
    out.finishReason = finishReason(o.value(u"stop_reason").toString());
    r.outputs.append(std::move(out));
    return r;
}

QFuture<LMResponse> AnthropicLM::call(const LMRequest& request)
{
    const Value& n =
        request.kwargs.contains(u"n") ? request.kwargs.value(u"n") : m_opts->kwargs.value(u"n");
    if (n.isNumber() && n.toInt() > 1) {
        auto e = std::make_shared<LMError>(
            LMError::Kind::UnsupportedFeature,
            QStringLiteral("%1: the Anthropic Messages API returns one completion per request "
                           "(n=%2 asked).")
                .arg(m_opts->model)
                .arg(n.toInt()));
        e->model = m_opts->model;
        e->provider = m_opts->provider;
        return QtFuture::makeReadyFuture(errorResponse(std::move(e), m_opts->model));
    }

    const bool stream = bool(request.onChunk);
    HttpRequest http;
    http.url = m_url;
    http.headers = m_headers;
    http.body = requestBody(request, stream);
    return sendChat(std::move(http), request, m_opts,
                    stream ? std::make_shared<AnthropicStream>(request.onChunk) : nullptr,
                    ChatReplyFormat{QStringLiteral("content"), &AnthropicLM::parseResponse});
}

} // namespace dspy
