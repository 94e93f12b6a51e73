#include "lm/openailm.h"

#include "lm/sse.h"

#include <QPromise>
#include <QRegularExpression>
#include <QThreadPool>

namespace dspy {

namespace {

// Request kwargs that configure the client rather than the completion.
bool isClientOnlyKey(const QString& key)
{
    return key == u"rollout_id" || key == u"cache" || key == u"num_retries" || key == u"api_key" ||
           key == u"api_base" || key == u"base_url";
}

LMUsage usageFrom(const Value& u)
{
    LMUsage usage;
    if (!u.isObject())
        return usage;
    const Object& o = u.toObject();
    usage.promptTokens = o.value(u"prompt_tokens").toInt();
    usage.completionTokens = o.value(u"completion_tokens").toInt();
    usage.totalTokens = o.contains(u"total_tokens") ? o.value(u"total_tokens").toInt()
                                                    : usage.promptTokens + usage.completionTokens;
    const Value& details = o.value(u"prompt_tokens_details");
    if (details.isObject())
        usage.cachedTokens = details.toObject().value(u"cached_tokens").toInt();
    return usage;
}

Value toolCallsOrNull(const Value& v)
{
    return v.isArray() && !v.toArray().isEmpty() ? v : Value();
}

// Rebuilds the non-streamed response from chat.completion.chunk events.
class StreamAccumulator final : public ChatStream
{
public:
    explicit StreamAccumulator(std::function<void(const LMStreamChunk&)> cb)
        : m_parser([this](const SseEvent& e) { onEvent(e); })
        , m_callback(std::move(cb))
    {}

    void feed(QByteArrayView bytes) override { m_parser.feed(bytes); }

    // The response, or an error text when the stream was cut short or reported an error.
    LMResponse finish(const HttpLMOptions& o, QString* error) override
    {
        m_parser.finish();
        if (!m_error.isEmpty()) {
            *error = m_error;
            return {};
        }
        bool anyFinish = false;
        for (const Choice& c : std::as_const(m_choices))
            anyFinish = anyFinish || !c.finishReason.isEmpty();
        if (!m_done && !anyFinish) {
            *error = QStringLiteral("the stream ended before the completion did");
            return {};
        }
        LMResponse r;
        r.model = o.model;
        r.requestId = m_id;
        r.usage = m_usage;
        for (const Choice& c : std::as_const(m_choices)) {
            LMOutput out;
            out.text = c.text;
            out.reasoningContent = c.reasoning;
            out.finishReason = c.finishReason;
            if (!c.tools.isEmpty()) {
                Array calls;
                for (const Tool& t : c.tools) {
                    calls.append(Object{{QStringLiteral("id"), t.id},
                                        {QStringLiteral("type"),
                                         t.type.isEmpty() ? QStringLiteral("function") : t.type},
                                        {QStringLiteral("function"),
                                         Object{{QStringLiteral("name"), t.name},
                                                {QStringLiteral("arguments"), t.arguments}}}});
                }
                out.toolCalls = calls;
            }
            r.outputs.append(out);
        }
        return r;
    }

private:
    struct Tool
    {
        QString id, type, name, arguments;
    };
    struct Choice
    {
        QString text, reasoning, finishReason;
        QList<Tool> tools;
    };

    void onEvent(const SseEvent& e)
    {
        if (e.data == "[DONE]") {
            m_done = true;
            return;
        }
        auto v = Value::fromJson(QString::fromUtf8(e.data));
        if (!v || !v->isObject())
            return; // keep-alive noise some servers send
        const Object& o = v->toObject();
        if (o.contains(u"error")) {
            const Value& err = o.value(u"error");
            m_error =
                err.isObject() ? err.toObject().value(u"message").toString() : err.toPythonStr();
            if (m_error.isEmpty())
                m_error = QStringLiteral("the server reported an error in the stream");
            return;
        }
        if (m_id.isEmpty())
            m_id = o.value(u"id").toString();
        if (o.value(u"usage").isObject())
            m_usage = usageFrom(o.value(u"usage"));
        for (const Value& cv : o.value(u"choices").toArray()) {
            const Object& c = cv.toObject();
            const int index = int(c.value(u"index").toInt());
            if (index < 0 || index > 1024)
                continue;
            while (m_choices.size() <= index)
                m_choices.append(Choice{});
            Choice& choice = m_choices[index];
            const Object& delta = c.value(u"delta").toObject();
            LMStreamChunk chunk;
            chunk.index = index;
            chunk.text = delta.value(u"content").toString();
            chunk.reasoning = delta.value(u"reasoning_content").toString();
            choice.text += chunk.text;
            choice.reasoning += chunk.reasoning;
            for (const Value& tv : delta.value(u"tool_calls").toArray()) {
                const Object& t = tv.toObject();
                const int ti = int(t.value(u"index").toInt());
                if (ti < 0 || ti > 1024)
                    continue;
                while (choice.tools.size() <= ti)
                    choice.tools.append(Tool{});
                Tool& tool = choice.tools[ti];
                if (t.value(u"id").isString())
                    tool.id = t.value(u"id").toString();
                if (t.value(u"type").isString())
                    tool.type = t.value(u"type").toString();
                const Object& fn = t.value(u"function").toObject();
                tool.name += fn.value(u"name").toString();
                tool.arguments += fn.value(u"arguments").toString();
            }
            if (c.value(u"finish_reason").isString())
                choice.finishReason = c.value(u"finish_reason").toString();
            if (m_callback && (!chunk.text.isEmpty() || !chunk.reasoning.isEmpty()))
                m_callback(chunk);
        }
    }

    SseParser m_parser;
    std::function<void(const LMStreamChunk&)> m_callback;
    QList<Choice> m_choices;
    QString m_id;
    LMUsage m_usage;
    QString m_error;
    bool m_done = false;
};

QUrl endpoint(const QString& apiBase, QLatin1String path)
{
    QString base = apiBase;
    while (base.endsWith(u'/'))
        base.chop(1);
    return QUrl(base + path);
}

} // namespace

OpenAICompatibleLM::OpenAICompatibleLM(Options options)
    : m_responseSchema(options.responseSchema)
    , m_reasoning(isReasoningModel(options.model))
{
    if (options.endpointKey.isEmpty())
        options.endpointKey = options.apiBase;
    m_chatUrl = endpoint(options.apiBase, QLatin1String("/chat/completions"));
    m_embeddingsUrl = endpoint(options.apiBase, QLatin1String("/embeddings"));
    m_headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    m_headers.append({QByteArrayLiteral("User-Agent"), httpUserAgent()});
    if (!options.apiKey.isEmpty())
        m_headers.append({QByteArrayLiteral("Authorization"), "Bearer " + options.apiKey.toUtf8()});
    m_headers.append(options.extraHeaders);
    m_opts = std::make_shared<const HttpLMOptions>(std::move(options));
}

Expected<std::shared_ptr<OpenAICompatibleLM>, LMError> OpenAICompatibleLM::create(Options options)
{
    if (isReasoningModel(options.model)) {
        Object& kw = options.kwargs;
        // Python's truthiness, as DSPy tests it: 0 and None pass.
        const Value& t = kw.value(u"temperature");
        const Value maxTokens = kw.contains(u"max_tokens") ? kw.value(u"max_tokens")
                                                           : kw.value(u"max_completion_tokens");
        if ((t.truthy() && t.toDouble() != 1.0) ||
            (maxTokens.truthy() && maxTokens.toDouble() < 16000)) {
            LMError e(LMError::Kind::Configuration,
                      QStringLiteral("[%1] OpenAI's reasoning models require passing "
                                     "temperature=1.0 or None and max_tokens >= 16000 or None to "
                                     "`dspy.LM(...)`, e.g., dspy.LM('openai/gpt-5', "
                                     "temperature=1.0, max_tokens=16000)")
                          .arg(options.model));
            e.model = options.model;
            e.provider = options.provider;
            return unexpected(std::move(e));
        }
        if (kw.contains(u"max_tokens")) {
            // Renamed in place: lm.kwargs keeps temperature first, as DSPy's dict(...) does.
            Object renamed;
            for (const auto& [k, v] : kw)
                renamed.insert(k == u"max_tokens" ? QStringLiteral("max_completion_tokens") : k, v);
            kw = std::move(renamed);
        }
    }
    return std::make_shared<OpenAICompatibleLM>(std::move(options));
}

bool OpenAICompatibleLM::isReasoningModel(const QString& modelId)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(?:o[1345](?:-(?:mini|nano|pro))?(?:-\d{4}-\d{2}-\d{2})?|gpt-5(?!-chat)(?:-.*)?)$)"));
    const QString family = modelId.section(u'/', -1).toLower();
    return re.match(family).hasMatch();
}

QByteArray OpenAICompatibleLM::requestBody(const LMRequest& request, bool stream) const
{
    Object merged = m_opts->kwargs;
    for (const auto& [k, v] : request.kwargs)
        merged.insert(k, v);
    Object body;
    body.insert(QStringLiteral("model"),
                wireModelName(request.model.isEmpty() ? m_opts->model : request.model));
    body.insert(QStringLiteral("messages"), messagesToValue(request.messages));
    for (const auto& [k, v] : merged) {
        if (v.isNull() || isClientOnlyKey(k) || k == u"stream" || k == u"stream_options")
            continue;
        if (m_reasoning && k == u"max_tokens" && !merged.contains(u"max_completion_tokens"))
            body.insert(QStringLiteral("max_completion_tokens"), v);
        else
            body.insert(k, v);
    }
    if (stream) {
        body.insert(QStringLiteral("stream"), true);
        body.insert(QStringLiteral("stream_options"),
                    Object{{QStringLiteral("include_usage"), true}});
    }
    JsonStyle style;
    style.ensureAscii = false;
    return Value(std::move(body)).toJson(style).toUtf8();
}

LMResponse OpenAICompatibleLM::parseResponse(const Value& body, const HttpLMOptions& options)
{
    LMResponse r;
    r.model = options.model;
    const Object& o = body.toObject();
    r.requestId = o.value(u"id").toString();
    r.usage = usageFrom(o.value(u"usage"));
    const Array& choices = o.value(u"choices").toArray();
    r.outputs.reserve(choices.size());
    for (const Value& cv : choices) {
        const Object& c = cv.toObject();
        const Object& message = c.value(u"message").toObject();
        LMOutput out;
        out.text = message.value(u"content").toString();
        out.reasoningContent = message.value(u"reasoning_content").toString();
        out.toolCalls = toolCallsOrNull(message.value(u"tool_calls"));
        out.finishReason = c.value(u"finish_reason").toString();
        r.outputs.append(std::move(out));
    }
    return r;
}

QFuture<LMResponse> OpenAICompatibleLM::call(const LMRequest& request)
{
    const bool stream = bool(request.onChunk);
    HttpRequest http;
    http.url = m_chatUrl;
    http.headers = m_headers;
    http.body = requestBody(request, stream);
    return sendChat(std::move(http), request, m_opts,
                    stream ? std::make_shared<StreamAccumulator>(request.onChunk) : nullptr,
                    ChatReplyFormat{QStringLiteral("choices"), &OpenAICompatibleLM::parseResponse});
}

QFuture<Embeddings> OpenAICompatibleLM::embed(const QStringList& inputs, const Object& kwargs)
{
    auto promise = std::make_shared<QPromise<Embeddings>>();
    promise->start();
    QFuture<Embeddings> future = promise->future();

    Object body;
    body.insert(QStringLiteral("model"), wireModelName(m_opts->model));
    Array input;
    input.reserve(inputs.size());
    for (const QString& s : inputs)
        input.append(s);
    body.insert(QStringLiteral("input"), std::move(input));
    for (const auto& [k, v] : kwargs) {
        if (v.isNull() || isClientOnlyKey(k))
            continue;
        body.insert(k, k == u"model" ? Value(wireModelName(v.toString())) : v);
    }
    JsonStyle style;
    style.ensureAscii = false;

    HttpRequest http;
    http.url = m_embeddingsUrl;
    http.headers = m_headers;
    http.body = Value(std::move(body)).toJson(style).toUtf8();
    http.timeoutMs = m_opts->timeoutMs;
    http.endpointKey = m_opts->endpointKey;
    http.cancelWith = QFuture<void>(future);
    const qsizetype count = inputs.size();
    HttpPool& pool = m_opts->pool ? *m_opts->pool : HttpPool::shared();
    pool.send(std::move(http), m_opts->retry)
        .then(lmParsePool(), [promise, count, opts = m_opts](const HttpResponse& http) {
            Embeddings e;
            if (!http.ok() || http.transportError || http.timedOut || http.cancelled) {
                e.error = httpLMError(http, *opts);
            } else {
                QString error;
                auto v = Value::fromJson(QString::fromUtf8(http.body), &error);
                const Array data =
                    v && v->isObject() ? v->toObject().value(u"data").toArray() : Array();
                if (!v || data.size() != count) {
                    e.error =
                        malformedResponseError(v ? QStringLiteral("expected %1 embeddings, got %2")
                                                       .arg(count)
                                                       .arg(data.size())
                                                 : error,
                                               http, *opts);
                } else {
                    e.vectors.resize(count);
                    for (qsizetype i = 0; i < data.size(); ++i) {
                        const Object& item = data.at(i).toObject();
                        const qsizetype index =
                            item.contains(u"index") ? item.value(u"index").toInt() : i;
                        if (index < 0 || index >= count)
                            continue;
                        const Array& values = item.value(u"embedding").toArray();
                        QVector<float> vec;
                        vec.reserve(values.size());
                        for (const Value& x : values)
                            vec.append(float(x.toDouble()));
                        e.vectors[index] = std::move(vec);
                    }
                    e.usage = usageFrom(v->toObject().value(u"usage"));
                }
            }
            promise->addResult(std::move(e));
            promise->finish();
        });
    return future;
}

} // namespace dspy
