#include "lmsimserver.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QTimer>

namespace lmsim {

using dspy::Array;
using dspy::Object;
using dspy::Value;

namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
constexpr qsizetype kMaxBodyBytes = 64 * 1024 * 1024;
constexpr qsizetype kMemoEntries = 4096;

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

QByteArray json(const Value& v)
{
    return v.toJson(dspy::JsonStyle{-1, false, false}).toUtf8();
}

// OpenAI content is a string or a list of parts; Anthropic's likewise with "text" blocks.
QString contentText(const Value& content)
{
    if (content.isString())
        return content.toString();
    QString out;
    if (content.isArray()) {
        for (const Value& part : content.toArray()) {
            if (part.isObject() && part.toObject().value(u"text").isString())
                out += part.toObject().value(u"text").toString();
            else if (part.isString())
                out += part.toString();
        }
    }
    return out;
}

// Splits a completion into stream deltas of about 24 characters, never inside a surrogate pair.
QStringList pieces(const QString& text)
{
    QStringList out;
    qsizetype i = 0;
    while (i < text.size()) {
        qsizetype len = std::min<qsizetype>(24, text.size() - i);
        if (i + len < text.size() && text.at(i + len - 1).isHighSurrogate())
            ++len;
        out.append(text.mid(i, len));
        i += len;
    }
    return out;
}

QByteArray sse(const Value& v)
{
    return "data: " + json(v) + "\n\n";
}

QByteArray sseEvent(const char* event, const Value& v)
{
    return QByteArray("event: ") + event + "\ndata: " + json(v) + "\n\n";
}

} // namespace

Fault faultFromName(const QString& name)
{
    if (name == u"429")
        return Fault::RateLimit;
    if (name == u"500")
        return Fault::ServerError;
    if (name == u"reset")
        return Fault::Reset;
    if (name == u"malformed")
        return Fault::Malformed;
    if (name == u"truncate")
        return Fault::Truncate;
    if (name == u"hang")
        return Fault::Hang;
    return Fault::None;
}

QString faultName(Fault f)
{
    switch (f) {
    case Fault::RateLimit:
        return QStringLiteral("429");
    case Fault::ServerError:
        return QStringLiteral("500");
    case Fault::Reset:
        return QStringLiteral("reset");
    case Fault::Malformed:
        return QStringLiteral("malformed");
    case Fault::Truncate:
        return QStringLiteral("truncate");
    case Fault::Hang:
        return QStringLiteral("hang");
    case Fault::None:
        break;
    }
    return QStringLiteral("none");
}

LmSimServer::LmSimServer(ServerOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_sim(m_options.modelName, m_options.seed)
    , m_faultRng(quint32(m_options.seed ^ 0xfa17))
    , m_jitterRng(quint32(m_options.seed ^ 0x717e))
{
    m_server.setMaxPendingConnections(4096);
    connect(&m_server, &QTcpServer::newConnection, this, &LmSimServer::onNewConnection);
}

bool LmSimServer::listen()
{
    // Local only: the simulator is a test and benchmark fixture, never a public service.
    return m_server.listen(QHostAddress::LocalHost, m_options.port);
}

void LmSimServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        Connection c;
        c.socket = socket;
        m_connections.insert(socket, c);
        m_maxConnections = std::max<qint64>(m_maxConnections, m_connections.size());
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this,
                [this, socket] { onDisconnected(socket); });
    }
}

void LmSimServer::onDisconnected(QTcpSocket* socket)
{
    const int pending = m_inFlightBySocket.take(socket);
    m_inFlight -= pending;
    m_connections.remove(socket);
    socket->deleteLater();
}

void LmSimServer::onReadyRead(QTcpSocket* socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->buffer += socket->readAll();
    processBuffer(socket);
}

void LmSimServer::processBuffer(QTcpSocket* socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end() || it->busy || it->closing)
        return;
    QByteArray& buf = it->buffer;
    const qsizetype headerEnd = buf.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (buf.size() > kMaxHeaderBytes) {
            it->closing = true;
            writeResponse(socket, 400, R"({"error": {"message": "header too large"}})",
                          {{"Connection", "close"}});
            socket->disconnectFromHost();
        }
        return;
    }
    HttpRequest request;
    const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3) {
        it->closing = true;
        writeResponse(socket, 400, R"({"error": {"message": "bad request line"}})",
                      {{"Connection", "close"}});
        socket->disconnectFromHost();
        return;
    }
    request.method = requestLine[0];
    request.path = requestLine[1];
    const qsizetype query = request.path.indexOf('?');
    if (query >= 0)
        request.path.truncate(query);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                   lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = request.headers.value("content-length", "0").toLongLong();
    if (length < 0 || length > kMaxBodyBytes) {
        it->closing = true;
        writeResponse(socket, 413, R"({"error": {"message": "body too large"}})",
                      {{"Connection", "close"}});
        socket->disconnectFromHost();
        return;
    }
    if (buf.size() < headerEnd + 4 + length)
        return;
    request.body = buf.mid(headerEnd + 4, length);
    buf.remove(0, headerEnd + 4 + length);
    const QByteArray connection = request.headers.value("connection").toLower();
    request.keepAlive =
        requestLine[2] == "HTTP/1.1" ? connection != "close" : connection == "keep-alive";
    it->busy = true;
    dispatch(socket, request);
}

void LmSimServer::finishRequest(QTcpSocket* socket, bool keepAlive)
{
    if (m_inFlightBySocket.value(socket) > 0) {
        --m_inFlightBySocket[socket];
        --m_inFlight;
    }
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->busy = false;
    if (!keepAlive) {
        it->closing = true;
        socket->disconnectFromHost();
        return;
    }
    if (!it->buffer.isEmpty())
        processBuffer(socket);
}

Fault LmSimServer::rollFault()
{
    for (const auto& [fault, rate] : m_options.faults) {
        if (m_faultRng.generateDouble() < rate)
            return fault;
    }
    return Fault::None;
}

int LmSimServer::delayMs()
{
    return m_options.latencyMs +
           (m_options.jitterMs > 0 ? int(m_jitterRng.bounded(m_options.jitterMs + 1)) : 0);
}

QString LmSimServer::nextId(const char* prefix)
{
    return QString::fromLatin1(prefix) + QString::number(++m_nextId);
}

void LmSimServer::dispatch(QTcpSocket* socket, const HttpRequest& request)
{
    struct Route
    {
        const char* path;
        const char* method;
        const char* endpoint;
    };
    static const Route routes[] = {
        {"/v1/chat/completions", "POST", "chat"},
        {"/chat/completions", "POST", "chat"},
        {"/v1/messages", "POST", "messages"},
        {"/v1/embeddings", "POST", "embeddings"},
        {"/embeddings", "POST", "embeddings"},
        {"/v1/models", "GET", "models"},
        {"/models", "GET", "models"},
        {"/stats", "GET", "stats"},
        {"/stats/reset", "POST", "stats_reset"},
    };
    QByteArray endpoint = "other";
    bool methodOk = false;
    bool known = false;
    for (const Route& r : routes) {
        if (request.path == r.path) {
            known = true;
            if (request.method == r.method) {
                endpoint = r.endpoint;
                methodOk = true;
                break;
            }
        }
    }
    ++m_requests[endpoint];
    ++m_inFlight;
    ++m_inFlightBySocket[socket];
    m_maxInFlight = std::max(m_maxInFlight, m_inFlight);
    if (!known || !methodOk) {
        writeResponse(
            socket, known ? 405 : 404,
            json(Object{{"error", Object{{"message", known ? "method not allowed" : "not found"},
                                         {"type", "invalid_request_error"}}}}));
        finishRequest(socket, request.keepAlive);
        return;
    }
    const bool delayed = endpoint == "chat" || endpoint == "messages" || endpoint == "embeddings";
    const int delay = delayed ? delayMs() : 0;
    if (delay <= 0) {
        answer(socket, request, endpoint);
        return;
    }
    // A timer, never a sleep: hundreds of delayed requests wait side by side on one thread.
    QPointer<QTcpSocket> guard(socket);
    QTimer::singleShot(delay, this, [this, guard, request, endpoint] {
        if (guard)
            answer(guard.data(), request, endpoint);
    });
}

void LmSimServer::answer(QTcpSocket* socket, const HttpRequest& request, const QByteArray& endpoint)
{
    if (endpoint == "models") {
        const Value body = Object{{"object", "list"},
                                  {"data", Array{Object{{"id", m_sim.model()},
                                                        {"object", "model"},
                                                        {"created", 0},
                                                        {"owned_by", "dspy-lmsim (simulated)"}}}}};
        writeResponse(socket, 200, json(body));
        finishRequest(socket, request.keepAlive);
        return;
    }
    if (endpoint == "stats") {
        writeResponse(socket, 200, statsJson());
        finishRequest(socket, request.keepAlive);
        return;
    }
    if (endpoint == "stats_reset") {
        m_requests.clear();
        m_faults.clear();
        m_maxInFlight = m_inFlight;
        m_maxConnections = m_connections.size();
        writeResponse(socket, 200, statsJson());
        finishRequest(socket, request.keepAlive);
        return;
    }

    const Fault fault = rollFault();
    if (fault != Fault::None)
        ++m_faults[faultName(fault)];
    switch (fault) {
    case Fault::Reset:
        // Dropped without a byte of answer, as a crashed upstream would.
        socket->abort();
        return;
    case Fault::Hang:
        return; // stays in flight until the client gives up
    case Fault::RateLimit:
        writeError(socket, 429, endpoint, QStringLiteral("Rate limit exceeded (simulated fault)."),
                   endpoint == "messages" ? "rate_limit_error" : "rate_limit_exceeded",
                   request.keepAlive);
        return;
    case Fault::ServerError:
        writeError(socket, 500, endpoint,
                   QStringLiteral("Internal server error (simulated fault)."),
                   endpoint == "messages" ? "api_error" : "server_error", request.keepAlive);
        return;
    default:
        break;
    }
    if (endpoint == "chat")
        chatCompletions(socket, request, fault);
    else if (endpoint == "messages")
        messages(socket, request, fault);
    else
        embeddings(socket, request, fault);
}

void LmSimServer::writeReply(QTcpSocket* socket, const QByteArray& body, bool truncate,
                             bool keepAlive, const std::pair<QByteArray, QByteArray>& idHeader)
{
    if (truncate) {
        // Promise the whole body, deliver half, hang up.
        const QByteArray head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n";
        socket->write(head + body.left(body.size() / 2));
        socket->disconnectFromHost();
        finishRequest(socket, false);
        return;
    }
    writeResponse(socket, 200, body, {idHeader});
    finishRequest(socket, keepAlive);
}

void LmSimServer::writeResponse(QTcpSocket* socket, int status, const QByteArray& body,
                                const QList<std::pair<QByteArray, QByteArray>>& extraHeaders,
                                const QByteArray& contentType)
{
    QByteArray out;
    out.reserve(body.size() + 160);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    out += "Content-Type: " + contentType +
           "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto& [k, v] : extraHeaders)
        out += k + ": " + v + "\r\n";
    out += "\r\n";
    out += body;
    socket->write(out);
}

void LmSimServer::writeError(QTcpSocket* socket, int status, const QByteArray& endpoint,
                             const QString& message, const QByteArray& type, bool keepAlive)
{
    const Value body = endpoint == "messages"
                           ? Value(Object{{"type", "error"},
                                          {"error", Object{{"type", QString::fromLatin1(type)},
                                                           {"message", message}}}})
                           : Value(Object{{"error", Object{{"message", message},
                                                           {"type", QString::fromLatin1(type)},
                                                           {"code", QString::fromLatin1(type)}}}});
    QList<std::pair<QByteArray, QByteArray>> headers = {
        {"x-request-id", nextId("req-sim-").toLatin1()}};
    if (status == 429)
        headers.append(std::pair<QByteArray, QByteArray>("Retry-After", "1"));
    writeResponse(socket, status, json(body), headers);
    finishRequest(socket, keepAlive);
}

void LmSimServer::writeStream(QTcpSocket* socket, const QList<QByteArray>& events, bool truncate)
{
    QByteArray out =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    // Truncation cuts the stream in the middle of an event, as a dropped upstream does.
    const qsizetype keep = truncate ? std::max<qsizetype>(1, events.size() / 2) : events.size();
    for (qsizetype i = 0; i < keep; ++i) {
        QByteArray e = events[i];
        if (truncate && i == keep - 1)
            e.truncate(e.size() / 2);
        out += QByteArray::number(e.size(), 16) + "\r\n" + e + "\r\n";
    }
    if (!truncate)
        out += "0\r\n\r\n";
    socket->write(out);
}

void LmSimServer::chatCompletions(QTcpSocket* socket, const HttpRequest& request, Fault fault)
{
    // The simulation is a pure function of (seed, body): benchmarks repeat one body, so the
    // answer is remembered and only the envelope (id, created) is rebuilt.
    ChatCall call;
    if (auto memo = m_chatMemo.constFind(request.body); memo != m_chatMemo.cend()) {
        call = *memo;
    } else {
        const auto parsed = Value::fromJson(QString::fromUtf8(request.body));
        if (!parsed || !parsed->isObject() || !parsed->toObject().value(u"messages").isArray()) {
            writeError(socket, 400, "chat",
                       QStringLiteral("Request body must be a JSON object with a messages array."),
                       "invalid_request_error", request.keepAlive);
            return;
        }
        const Object& body = parsed->toObject();
        dspy::LMRequest lmRequest;
        lmRequest.model =
            body.value(u"model").isString() ? body.value(u"model").toString() : m_sim.model();
        for (const Value& m : body.value(u"messages").toArray()) {
            const Object& o = m.toObject();
            lmRequest.messages.append(
                {o.value(u"role").toString(), contentText(o.value(u"content"))});
        }
        for (const auto& [k, v] : body) {
            if (k != u"model" && k != u"messages" && k != u"stream" && k != u"stream_options")
                lmRequest.kwargs.insert(k, v);
        }
        call.response = m_sim.respond(lmRequest);
        call.stream = body.value(u"stream").toBool();
        call.includeUsage =
            body.value(u"stream_options").toObject().value(u"include_usage").toBool();
        if (m_chatMemo.size() >= kMemoEntries)
            m_chatMemo.clear();
        m_chatMemo.insert(request.body, call);
    }
    const dspy::LMResponse& r = call.response;
    const QString id = nextId("chatcmpl-sim-");
    const qint64 created = QDateTime::currentSecsSinceEpoch();
    const Value usage = Object{{"prompt_tokens", r.usage.promptTokens},
                               {"completion_tokens", r.usage.completionTokens},
                               {"total_tokens", r.usage.totalTokens}};
    if (!call.stream) {
        if (fault == Fault::Malformed) {
            writeResponse(socket, 200,
                          "{\"id\": \"" + id.toLatin1() +
                              "\", \"choices\": [{\"message\": {\"content\": ");
            finishRequest(socket, request.keepAlive);
            return;
        }
        Array choices;
        for (int i = 0; i < r.outputs.size(); ++i) {
            choices.append(
                Object{{"index", i},
                       {"message", Object{{"role", "assistant"}, {"content", r.outputs[i].text}}},
                       {"logprobs", nullptr},
                       {"finish_reason", r.outputs[i].finishReason}});
        }
        const Value out =
            Object{{"id", id},         {"object", "chat.completion"},        {"created", created},
                   {"model", r.model}, {"system_fingerprint", "dspy-lmsim"}, {"choices", choices},
                   {"usage", usage}};
        writeReply(socket, json(out), fault == Fault::Truncate, request.keepAlive,
                   {"x-request-id", id.toLatin1()});
        return;
    }

    const bool includeUsage = call.includeUsage;
    auto chunk = [&](Array choices) {
        Object o{{"id", id},
                 {"object", "chat.completion.chunk"},
                 {"created", created},
                 {"model", r.model},
                 {"system_fingerprint", "dspy-lmsim"},
                 {"choices", std::move(choices)}};
        if (includeUsage)
            o.insert("usage", nullptr);
        return Value(std::move(o));
    };
    QList<QByteArray> events;
    for (int i = 0; i < r.outputs.size(); ++i) {
        events.append(
            sse(chunk(Array{Object{{"index", i},
                                   {"delta", Object{{"role", "assistant"}, {"content", ""}}},
                                   {"logprobs", nullptr},
                                   {"finish_reason", nullptr}}})));
        for (const QString& piece : pieces(r.outputs[i].text)) {
            events.append(sse(chunk(Array{Object{{"index", i},
                                                 {"delta", Object{{"content", piece}}},
                                                 {"logprobs", nullptr},
                                                 {"finish_reason", nullptr}}})));
        }
        events.append(sse(chunk(Array{Object{{"index", i},
                                             {"delta", Object{}},
                                             {"logprobs", nullptr},
                                             {"finish_reason", r.outputs[i].finishReason}}})));
    }
    if (includeUsage) {
        Value last = chunk(Array{});
        Object o = last.toObject();
        o.insert("usage", usage);
        events.append(sse(Value(o)));
    }
    if (fault == Fault::Malformed)
        events.insert(1, "data: {\"choices\": [{\"delta\": {\"content\": oops}\n\n");
    events.append("data: [DONE]\n\n");
    writeStream(socket, events, fault == Fault::Truncate);
    if (fault == Fault::Truncate) {
        socket->disconnectFromHost();
        finishRequest(socket, false);
        return;
    }
    finishRequest(socket, request.keepAlive);
}

void LmSimServer::messages(QTcpSocket* socket, const HttpRequest& request, Fault fault)
{
    const auto parsed = Value::fromJson(QString::fromUtf8(request.body));
    if (!parsed || !parsed->isObject() || !parsed->toObject().value(u"messages").isArray()) {
        writeError(socket, 400, "messages",
                   QStringLiteral("Request body must be a JSON object with a messages array."),
                   "invalid_request_error", request.keepAlive);
        return;
    }
    const Object& body = parsed->toObject();
    if (!body.value(u"max_tokens").isNumber()) {
        writeError(socket, 400, "messages", QStringLiteral("max_tokens: Field required"),
                   "invalid_request_error", request.keepAlive);
        return;
    }
    dspy::LMRequest lmRequest;
    lmRequest.model =
        body.value(u"model").isString() ? body.value(u"model").toString() : m_sim.model();
    const QString system = contentText(body.value(u"system"));
    if (!system.isEmpty())
        lmRequest.messages.append({QStringLiteral("system"), system});
    for (const Value& m : body.value(u"messages").toArray()) {
        const Object& o = m.toObject();
        lmRequest.messages.append({o.value(u"role").toString(), contentText(o.value(u"content"))});
    }
    for (const QString& k : {QStringLiteral("temperature"), QStringLiteral("max_tokens")}) {
        if (body.contains(k))
            lmRequest.kwargs.insert(k, body.value(k));
    }
    const dspy::LMResponse r = m_sim.respond(lmRequest);
    const QString text = r.outputs.value(0).text;
    const QString id = nextId("msg_sim_");
    const Value usage =
        Object{{"input_tokens", r.usage.promptTokens}, {"output_tokens", r.usage.completionTokens}};

    if (!body.value(u"stream").toBool()) {
        if (fault == Fault::Malformed) {
            writeResponse(socket, 200,
                          "{\"id\": \"" + id.toLatin1() +
                              "\", \"content\": [{\"type\": \"text\", ");
            finishRequest(socket, request.keepAlive);
            return;
        }
        const Value out = Object{{"id", id},
                                 {"type", "message"},
                                 {"role", "assistant"},
                                 {"model", r.model},
                                 {"content", Array{Object{{"type", "text"}, {"text", text}}}},
                                 {"stop_reason", "end_turn"},
                                 {"stop_sequence", nullptr},
                                 {"usage", usage}};
        writeReply(socket, json(out), fault == Fault::Truncate, request.keepAlive,
                   {"request-id", id.toLatin1()});
        return;
    }

    QList<QByteArray> events;
    events.append(
        sseEvent("message_start",
                 Object{{"type", "message_start"},
                        {"message", Object{{"id", id},
                                           {"type", "message"},
                                           {"role", "assistant"},
                                           {"model", r.model},
                                           {"content", Array{}},
                                           {"stop_reason", nullptr},
                                           {"stop_sequence", nullptr},
                                           {"usage", Object{{"input_tokens", r.usage.promptTokens},
                                                            {"output_tokens", 1}}}}}}));
    events.append(sseEvent("content_block_start",
                           Object{{"type", "content_block_start"},
                                  {"index", 0},
                                  {"content_block", Object{{"type", "text"}, {"text", ""}}}}));
    events.append(sseEvent("ping", Object{{"type", "ping"}}));
    if (fault == Fault::Malformed)
        events.append(
            "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", oops\n\n");
    for (const QString& piece : pieces(text)) {
        events.append(sseEvent("content_block_delta",
                               Object{{"type", "content_block_delta"},
                                      {"index", 0},
                                      {"delta", Object{{"type", "text_delta"}, {"text", piece}}}}));
    }
    events.append(
        sseEvent("content_block_stop", Object{{"type", "content_block_stop"}, {"index", 0}}));
    events.append(
        sseEvent("message_delta",
                 Object{{"type", "message_delta"},
                        {"delta", Object{{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
                        {"usage", Object{{"output_tokens", r.usage.completionTokens}}}}));
    events.append(sseEvent("message_stop", Object{{"type", "message_stop"}}));
    writeStream(socket, events, fault == Fault::Truncate);
    if (fault == Fault::Truncate) {
        socket->disconnectFromHost();
        finishRequest(socket, false);
        return;
    }
    finishRequest(socket, request.keepAlive);
}

void LmSimServer::embeddings(QTcpSocket* socket, const HttpRequest& request, Fault fault)
{
    const auto parsed = Value::fromJson(QString::fromUtf8(request.body));
    if (!parsed || !parsed->isObject() ||
        !(parsed->toObject().value(u"input").isString() ||
          parsed->toObject().value(u"input").isArray())) {
        writeError(socket, 400, "embeddings",
                   QStringLiteral("Request body must be a JSON object with an input."),
                   "invalid_request_error", request.keepAlive);
        return;
    }
    const Object& body = parsed->toObject();
    QStringList inputs;
    const Value& input = body.value(u"input");
    if (input.isString())
        inputs.append(input.toString());
    else {
        for (const Value& v : input.toArray())
            inputs.append(v.isString() ? v.toString() : v.toJson());
    }
    const int dims =
        body.value(u"dimensions").isInt() ? int(body.value(u"dimensions").toInt()) : 384;
    if (dims < 1 || dims > 8192) {
        writeError(socket, 400, "embeddings",
                   QStringLiteral("dimensions must be between 1 and 8192."),
                   "invalid_request_error", request.keepAlive);
        return;
    }
    // Hand-built: thousands of floats through dspy::Value would dominate the request's cost.
    QByteArray out = "{\"object\": \"list\", \"data\": [";
    qint64 tokens = 0;
    for (int i = 0; i < inputs.size(); ++i) {
        tokens += dspy::SimulatedLM::countTokens(inputs[i]);
        out += i ? ", " : "";
        out += "{\"object\": \"embedding\", \"index\": " + QByteArray::number(i) +
               ", \"embedding\": [";
        const QList<float> v = dspy::SimulatedLM::embed(inputs[i], dims);
        for (int j = 0; j < v.size(); ++j) {
            if (j)
                out += ", ";
            out += QByteArray::number(double(v[j]), 'g', 7);
        }
        out += "]}";
    }
    const QString model =
        body.value(u"model").isString() ? body.value(u"model").toString() : m_sim.model();
    out += "], \"model\": " + json(Value(model)) +
           ", \"usage\": {\"prompt_tokens\": " + QByteArray::number(tokens) +
           ", \"total_tokens\": " + QByteArray::number(tokens) + "}}";
    if (fault == Fault::Malformed)
        out.chop(out.size() / 3);
    if (fault == Fault::Truncate) {
        QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                          QByteArray::number(out.size()) + "\r\n\r\n";
        socket->write(head + out.left(out.size() / 2));
        socket->disconnectFromHost();
        finishRequest(socket, false);
        return;
    }
    writeResponse(socket, 200, out);
    finishRequest(socket, request.keepAlive);
}

QByteArray LmSimServer::statsJson() const
{
    Object requests;
    qint64 total = 0;
    for (const char* name :
         {"chat", "messages", "embeddings", "models", "stats", "stats_reset", "other"}) {
        requests.insert(QString::fromLatin1(name), m_requests.value(name));
        total += m_requests.value(name);
    }
    Object faults;
    qint64 faultTotal = 0;
    for (const char* name : {"429", "500", "reset", "malformed", "truncate", "hang"}) {
        faults.insert(QString::fromLatin1(name), m_faults.value(QString::fromLatin1(name)));
        faultTotal += m_faults.value(QString::fromLatin1(name));
    }
    return json(Object{{"simulated", true},
                       {"model", m_sim.model()},
                       {"requests", requests},
                       {"requests_total", total},
                       {"in_flight", m_inFlight},
                       {"max_in_flight", m_maxInFlight},
                       {"connections", qint64(m_connections.size())},
                       {"max_connections", m_maxConnections},
                       {"faults", faults},
                       {"faults_total", faultTotal}});
}

} // namespace lmsim
