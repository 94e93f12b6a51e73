// dspy-lmsim as a real process: started through DSPY_LMSIM, spoken to over HTTP with
// QNetworkAccessManager (and raw sockets where QNAM's six-connection limit would hide the server).

#include "lmsimprocess.h"

#include "adapters/adapter.h"
#include "lm/simulator.h"
#include "signature/signature.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <cmath>
#include <memory>

using namespace dspy;
using lmsimtest::LmSimProcess;

namespace {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QByteArray retryAfter;
    QByteArray contentType;
};

Reply send(QNetworkAccessManager& nam, const QUrl& url, const QByteArray& body = {},
           int timeoutMs = 0)
{
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (timeoutMs > 0)
        req.setTransferTimeout(timeoutMs);
    QNetworkReply* reply = body.isNull() ? nam.get(req) : nam.post(req, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    if (reply->isOpen())
        r.body = reply->readAll();
    r.retryAfter = reply->rawHeader("Retry-After");
    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    reply->deleteLater();
    return r;
}

Object parseObject(const QByteArray& body)
{
    const auto v = Value::fromJson(QString::fromUtf8(body));
    return v && v->isObject() ? v->toObject() : Object{};
}

QByteArray toBytes(const Object& o)
{
    return Value(o).toJson().toUtf8();
}

Array messagesArray(const QList<ChatMessage>& messages)
{
    return messagesToValue(messages);
}

const Signature& arithmeticSig()
{
    static const Signature sig = Signature::fromString(u"question -> reasoning, answer: int");
    return sig;
}

QList<ChatMessage> arithmeticPrompt()
{
    return makeAdapter(QStringLiteral("chat"))
        ->format(arithmeticSig(), {},
                 Object{{"question",
                         "Tom has 5 apples. He buys 3 more. He gives away 2. How many are left?"}});
}

// The "data: ..." payloads of an SSE body, in order.
QList<QByteArray> sseData(const QByteArray& body)
{
    QList<QByteArray> out;
    for (const QByteArray& line : body.split('\n')) {
        if (line.startsWith("data: "))
            out.append(line.mid(6));
    }
    return out;
}

} // namespace

class TestLmSim : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void chatMatchesInProcessSimulator();
    void chatHonoursN();
    void streamEqualsNonStreamed();
    void embeddings();
    void models();
    void anthropicMessages();
    void anthropicStream();
    void statsCountAndReset();
    void badRequests();
    void faults_data();
    void faults();
    void faultRateIsPartial();
    void holdsHundredsOfConnections();
    void cliErrors();

private:
    std::unique_ptr<LmSimProcess> m_sim;
    QNetworkAccessManager m_nam;
};

void TestLmSim::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("DSPY_LMSIM"))
        QSKIP("DSPY_LMSIM is not set (the dspy-lmsim target is not built)");
    m_sim = std::make_unique<LmSimProcess>(QStringList{"--seed", "7"});
    QVERIFY2(m_sim->port() > 0, qPrintable(m_sim->firstLine()));
}

void TestLmSim::chatMatchesInProcessSimulator()
{
    const QList<ChatMessage> messages = arithmeticPrompt();
    const Reply r =
        send(m_nam, m_sim->url("/v1/chat/completions"),
             toBytes(Object{{"model", "lmsim/sim"}, {"messages", messagesArray(messages)}}));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.contentType, QByteArrayLiteral("application/json"));
    const Object o = parseObject(r.body);
    QCOMPARE(o.keys(), (QStringList{"id", "object", "created", "model", "system_fingerprint",
                                    "choices", "usage"}));
    QCOMPARE(o.value(u"object"), Value("chat.completion"));
    QCOMPARE(o.value(u"model"), Value("lmsim/sim"));
    const Array choices = o.value(u"choices").toArray();
    QCOMPARE(choices.size(), 1);
    const Object choice = choices[0].toObject();
    QCOMPARE(choice.value(u"index"), Value(0));
    QCOMPARE(choice.value(u"finish_reason"), Value("stop"));
    QCOMPARE(choice.value(u"message").toObject().value(u"role"), Value("assistant"));

    SimulatedLM local(QStringLiteral("sim"), 7);
    LMRequest req;
    req.messages = messages;
    const LMResponse expected = local.respond(req);
    const QString content = choice.value(u"message").toObject().value(u"content").toString();
    QCOMPARE(content, expected.outputs[0].text);
    const ParseResult parsed = makeAdapter(QStringLiteral("chat"))->parse(arithmeticSig(), content);
    QVERIFY(parsed.hasValue());
    QVERIFY(std::abs(parsed->value(u"answer").toInt() - 6) <= 1);
    const Object usage = o.value(u"usage").toObject();
    QCOMPARE(usage.value(u"prompt_tokens"), Value(expected.usage.promptTokens));
    QCOMPARE(usage.value(u"completion_tokens"), Value(expected.usage.completionTokens));
    QCOMPARE(usage.value(u"total_tokens"), Value(expected.usage.totalTokens));
}

void TestLmSim::chatHonoursN()
{
    const Reply r = send(m_nam, m_sim->url("/v1/chat/completions"),
                         toBytes(Object{{"model", "lmsim/sim"},
                                        {"messages", messagesArray(arithmeticPrompt())},
                                        {"n", 3},
                                        {"temperature", 0.7}}));
    QCOMPARE(r.status, 200);
    const Array choices = parseObject(r.body).value(u"choices").toArray();
    QCOMPARE(choices.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(choices[i].toObject().value(u"index"), Value(i));
        QVERIFY(
            makeAdapter(QStringLiteral("chat"))
                ->parse(
                    arithmeticSig(),
                    choices[i].toObject().value(u"message").toObject().value(u"content").toString())
                .hasValue());
    }
}

void TestLmSim::streamEqualsNonStreamed()
{
    const Object base{{"model", "lmsim/sim"},
                      {"messages", messagesArray(arithmeticPrompt())},
                      {"n", 2},
                      {"temperature", 1.0}};
    const Reply plain = send(m_nam, m_sim->url("/v1/chat/completions"), toBytes(base));
    Object streamed = base;
    streamed.insert("stream", true);
    streamed.insert("stream_options", Object{{"include_usage", true}});
    const Reply s = send(m_nam, m_sim->url("/v1/chat/completions"), toBytes(streamed));
    QCOMPARE(s.status, 200);
    QCOMPARE(s.contentType, QByteArrayLiteral("text/event-stream"));
    const QList<QByteArray> data = sseData(s.body);
    QVERIFY(data.size() > 4);
    QCOMPARE(data.last(), QByteArrayLiteral("[DONE]"));
    QStringList text(2);
    QStringList finish(2);
    Object usage;
    for (qsizetype i = 0; i + 1 < data.size(); ++i) {
        const Object chunk = parseObject(data[i]);
        QCOMPARE(chunk.value(u"object"), Value("chat.completion.chunk"));
        for (const Value& c : chunk.value(u"choices").toArray()) {
            const qint64 index = c.toObject().value(u"index").toInt();
            text[index] += c.toObject().value(u"delta").toObject().value(u"content").toString();
            if (c.toObject().value(u"finish_reason").isString())
                finish[index] = c.toObject().value(u"finish_reason").toString();
        }
        if (chunk.value(u"usage").isObject())
            usage = chunk.value(u"usage").toObject();
    }
    const Object full = parseObject(plain.body);
    const Array choices = full.value(u"choices").toArray();
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(text[i],
                 choices[i].toObject().value(u"message").toObject().value(u"content").toString());
        QCOMPARE(finish[i], QStringLiteral("stop"));
    }
    QCOMPARE(Value(usage), full.value(u"usage"));
}

void TestLmSim::embeddings()
{
    const Reply r =
        send(m_nam, m_sim->url("/v1/embeddings"),
             toBytes(Object{{"model", "lmsim/embed"},
                            {"input", Array{Value("the cat sat"), Value("the cat sat down")}},
                            {"dimensions", 64}}));
    QCOMPARE(r.status, 200);
    const Object o = parseObject(r.body);
    QCOMPARE(o.value(u"object"), Value("list"));
    QCOMPARE(o.value(u"model"), Value("lmsim/embed"));
    const Array data = o.value(u"data").toArray();
    QCOMPARE(data.size(), 2);
    const QList<float> local = SimulatedLM::embed(QStringLiteral("the cat sat"), 64);
    const Array v0 = data[0].toObject().value(u"embedding").toArray();
    QCOMPARE(v0.size(), 64);
    double norm = 0;
    for (int i = 0; i < 64; ++i) {
        norm += v0[i].toDouble() * v0[i].toDouble();
        QVERIFY(std::abs(v0[i].toDouble() - local[i]) < 1e-6);
    }
    QVERIFY(std::abs(norm - 1.0) < 1e-5);
    QCOMPARE(data[1].toObject().value(u"index"), Value(1));
    QCOMPARE(o.value(u"usage").toObject().value(u"prompt_tokens"),
             Value(9)); // (3 + 4) × 1.3 rounded per input
}

void TestLmSim::models()
{
    const Reply r = send(m_nam, m_sim->url("/v1/models"));
    QCOMPARE(r.status, 200);
    const Object o = parseObject(r.body);
    QCOMPARE(o.value(u"data").toArray().value(0).toObject().value(u"id"), Value("lmsim/sim"));
    QCOMPARE(send(m_nam, m_sim->url("/v1/models"), "{}").status, 405);
    QCOMPARE(send(m_nam, m_sim->url("/v2/nothing")).status, 404);
}

void TestLmSim::anthropicMessages()
{
    const QList<ChatMessage> messages = arithmeticPrompt();
    const Object body{
        {"model", "claude-sim"},
        {"max_tokens", 512},
        {"system", messages[0].content},
        {"messages", Array{Object{{"role", "user"},
                                  {"content", Array{Object{{"type", "text"},
                                                           {"text", messages[1].content}}}}}}}};
    const Reply r = send(m_nam, m_sim->url("/v1/messages"), toBytes(body));
    QCOMPARE(r.status, 200);
    const Object o = parseObject(r.body);
    QCOMPARE(o.value(u"type"), Value("message"));
    QCOMPARE(o.value(u"role"), Value("assistant"));
    QCOMPARE(o.value(u"model"), Value("claude-sim"));
    QCOMPARE(o.value(u"stop_reason"), Value("end_turn"));
    const Object block = o.value(u"content").toArray().value(0).toObject();
    QCOMPARE(block.value(u"type"), Value("text"));
    SimulatedLM local(QStringLiteral("sim"), 7);
    LMRequest req;
    req.messages = messages;
    const LMResponse expected = local.respond(req);
    QCOMPARE(block.value(u"text").toString(), expected.outputs[0].text);
    QCOMPARE(o.value(u"usage").toObject().value(u"input_tokens"),
             Value(expected.usage.promptTokens));
    QCOMPARE(o.value(u"usage").toObject().value(u"output_tokens"),
             Value(expected.usage.completionTokens));

    Object missing = body;
    missing.remove(QStringLiteral("max_tokens"));
    const Reply bad = send(m_nam, m_sim->url("/v1/messages"), toBytes(missing));
    QCOMPARE(bad.status, 400);
    QCOMPARE(parseObject(bad.body).value(u"error").toObject().value(u"type"),
             Value("invalid_request_error"));
}

void TestLmSim::anthropicStream()
{
    const QList<ChatMessage> messages = arithmeticPrompt();
    const Object body{
        {"model", "claude-sim"},
        {"max_tokens", 512},
        {"stream", true},
        {"system", messages[0].content},
        {"messages", Array{Object{{"role", "user"}, {"content", messages[1].content}}}}};
    const Reply r = send(m_nam, m_sim->url("/v1/messages"), toBytes(body));
    QCOMPARE(r.status, 200);
    QStringList events;
    for (const QByteArray& line : r.body.split('\n')) {
        if (line.startsWith("event: "))
            events.append(QString::fromUtf8(line.mid(7)));
    }
    QCOMPARE(events.first(), QStringLiteral("message_start"));
    QCOMPARE(events.last(), QStringLiteral("message_stop"));
    QVERIFY(events.contains(QStringLiteral("content_block_delta")));
    QString text;
    for (const QByteArray& d : sseData(r.body)) {
        const Object o = parseObject(d);
        if (o.value(u"type") == Value("content_block_delta"))
            text += o.value(u"delta").toObject().value(u"text").toString();
    }
    SimulatedLM local(QStringLiteral("sim"), 7);
    LMRequest req;
    req.messages = messages;
    QCOMPARE(text, local.respond(req).outputs[0].text);
}

void TestLmSim::statsCountAndReset()
{
    LmSimProcess sim;
    QVERIFY(sim.port() > 0);
    QNetworkAccessManager nam;
    send(nam, sim.url("/v1/models"));
    send(nam, sim.url("/v1/chat/completions"),
         toBytes(Object{{"messages", Array{Object{{"role", "user"}, {"content", "hi"}}}}}));
    Object stats = parseObject(send(nam, sim.url("/stats")).body);
    QCOMPARE(stats.value(u"simulated"), Value(true));
    QCOMPARE(stats.value(u"requests").toObject().value(u"models"), Value(1));
    QCOMPARE(stats.value(u"requests").toObject().value(u"chat"), Value(1));
    QCOMPARE(stats.value(u"requests").toObject().value(u"stats"), Value(1));
    QCOMPARE(stats.value(u"in_flight"), Value(1)); // the /stats request itself
    QVERIFY(stats.value(u"max_in_flight").toInt() >= 1);
    QCOMPARE(stats.value(u"faults_total"), Value(0));
    QCOMPARE(send(nam, sim.url("/stats/reset"), "").status, 200);
    stats = parseObject(send(nam, sim.url("/stats")).body);
    QCOMPARE(stats.value(u"requests").toObject().value(u"chat"), Value(0));
    QCOMPARE(stats.value(u"requests_total"), Value(1));
}

void TestLmSim::badRequests()
{
    const Reply r = send(m_nam, m_sim->url("/v1/chat/completions"), "{not json");
    QCOMPARE(r.status, 400);
    QCOMPARE(parseObject(r.body).value(u"error").toObject().value(u"type"),
             Value("invalid_request_error"));
}

void TestLmSim::faults_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("stream");
    QTest::newRow("429") << "429" << false;
    QTest::newRow("500") << "500" << false;
    QTest::newRow("reset") << "reset" << false;
    QTest::newRow("malformed") << "malformed" << false;
    QTest::newRow("truncate stream") << "truncate" << true;
    QTest::newRow("truncate body") << "truncate" << false;
    QTest::newRow("hang") << "hang" << false;
}

void TestLmSim::faults()
{
    QFETCH(QString, kind);
    QFETCH(bool, stream);
    LmSimProcess sim({"--fault", kind + ":1"});
    QVERIFY(sim.port() > 0);
    QNetworkAccessManager nam;
    const Object body{{"model", "lmsim/sim"},
                      {"messages", messagesArray(arithmeticPrompt())},
                      {"stream", stream}};
    const Reply r =
        send(nam, sim.url("/v1/chat/completions"), toBytes(body), kind == u"hang" ? 400 : 0);
    if (kind == u"429") {
        QCOMPARE(r.status, 429);
        QCOMPARE(r.retryAfter, QByteArrayLiteral("1"));
        QCOMPARE(parseObject(r.body).value(u"error").toObject().value(u"type"),
                 Value("rate_limit_exceeded"));
    } else if (kind == u"500") {
        QCOMPARE(r.status, 500);
        QCOMPARE(parseObject(r.body).value(u"error").toObject().value(u"type"),
                 Value("server_error"));
    } else if (kind == u"reset") {
        QCOMPARE(r.status, 0);
        QCOMPARE(r.error, QNetworkReply::RemoteHostClosedError);
    } else if (kind == u"malformed") {
        QCOMPARE(r.status, 200);
        QCOMPARE(r.error, QNetworkReply::NoError);
        QVERIFY(!Value::fromJson(QString::fromUtf8(r.body)).has_value());
    } else if (kind == u"truncate" && stream) {
        // Cut mid-event: no [DONE], and the last payload is not whole JSON. (Whether QNAM also
        // reports an error for the missing last chunk depends on timing.)
        const QList<QByteArray> data = sseData(r.body);
        QVERIFY(!data.isEmpty());
        QVERIFY(!data.contains(QByteArrayLiteral("[DONE]")));
        QVERIFY(!Value::fromJson(QString::fromUtf8(data.last())).has_value());
    } else if (kind == u"truncate") {
        QVERIFY(r.error != QNetworkReply::NoError);
        QVERIFY(!Value::fromJson(QString::fromUtf8(r.body)).has_value());
    } else if (kind == u"hang") {
        QCOMPARE(r.error, QNetworkReply::OperationCanceledError); // the client's transfer timeout
        QCOMPARE(r.status, 0);
    }
    // Faults are counted; the anthropic endpoint sees the same fault in its own error shape.
    const Object stats = parseObject(send(nam, sim.url("/stats")).body);
    if (kind == u"reset") {
        // QNAM resends a request once when the connection dies before any response byte.
        const qint64 seen = stats.value(u"faults").toObject().value(kind).toInt();
        QVERIFY2(seen == 1 || seen == 2, qPrintable(QString::number(seen)));
    } else {
        QCOMPARE(stats.value(u"faults").toObject().value(kind), Value(1));
    }
    if (kind == u"hang")
        QCOMPARE(stats.value(u"in_flight"),
                 Value(1)); // the /stats request; the hung one was dropped
    if (kind == u"429") {
        const Reply a =
            send(nam, sim.url("/v1/messages"),
                 toBytes(Object{{"max_tokens", 5},
                                {"messages", Array{Object{{"role", "user"}, {"content", "hi"}}}}}));
        QCOMPARE(a.status, 429);
        QCOMPARE(parseObject(a.body).value(u"error").toObject().value(u"type"),
                 Value("rate_limit_error"));
    }
}

void TestLmSim::faultRateIsPartial()
{
    LmSimProcess sim({"--fault", "500:0.5", "--seed", "3"});
    QVERIFY(sim.port() > 0);
    QNetworkAccessManager nam;
    int failed = 0;
    for (int i = 0; i < 40; ++i) {
        const Reply r =
            send(nam, sim.url("/v1/chat/completions"),
                 toBytes(Object{{"messages", Array{Object{{"role", "user"}, {"content", "hi"}}}}}));
        QVERIFY(r.status == 200 || r.status == 500);
        failed += r.status == 500;
    }
    QVERIFY2(failed > 8 && failed < 32, qPrintable(QString::number(failed)));
    QCOMPARE(parseObject(send(nam, sim.url("/stats")).body).value(u"faults_total"), Value(failed));
}

void TestLmSim::holdsHundredsOfConnections()
{
    // Raw sockets: 300 simultaneous connections, each with one request held for 2 s — long
    // enough that all are connected and waiting together even on a loaded machine.
    LmSimProcess sim({"--latency-ms", "2000"});
    QVERIFY(sim.port() > 0);
    constexpr int kConnections = 300;
    const QByteArray body = toBytes(
        Object{{"messages", Array{Object{{"role", "user"}, {"content", "What is 2 + 2?"}}}}});
    const QByteArray request = "POST /v1/chat/completions HTTP/1.1\r\nHost: "
                               "127.0.0.1\r\nContent-Type: application/json\r\n"
                               "Content-Length: " +
                               QByteArray::number(body.size()) + "\r\n\r\n" + body;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QList<QByteArray> received(kConnections);
    int complete = 0;
    QEventLoop loop;
    for (int i = 0; i < kConnections; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        QTcpSocket* raw = s.get();
        QObject::connect(raw, &QTcpSocket::connected, raw, [raw, request] { raw->write(request); });
        QObject::connect(raw, &QTcpSocket::readyRead, raw, [&, raw, i] {
            received[i] += raw->readAll();
            const qsizetype headerEnd = received[i].indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            const qsizetype lenAt = received[i].indexOf("Content-Length: ");
            const qsizetype len =
                received[i]
                    .mid(lenAt + 16, received[i].indexOf("\r\n", lenAt) - lenAt - 16)
                    .toLongLong();
            if (received[i].size() == headerEnd + 4 + len && ++complete == kConnections)
                loop.quit();
        });
        raw->connectToHost(QHostAddress::LocalHost, quint16(sim.port()));
        sockets.push_back(std::move(s));
    }
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    QCOMPARE(complete, kConnections);
    for (const QByteArray& r : received) {
        QVERIFY(r.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(r.contains("The answer is 4."));
    }
    QNetworkAccessManager nam;
    const Object stats = parseObject(send(nam, sim.url("/stats")).body);
    QCOMPARE(stats.value(u"requests").toObject().value(u"chat"), Value(kConnections));
    // Every request waited its 2 s side by side with the others, not one after another.
    QVERIFY2(stats.value(u"max_in_flight").toInt() >= kConnections * 9 / 10,
             qPrintable(QString::number(stats.value(u"max_in_flight").toInt())));
    QVERIFY(stats.value(u"max_connections").toInt() >= kConnections * 9 / 10);
}

void TestLmSim::cliErrors()
{
    for (const QStringList& args :
         {QStringList{"--fault", "teapot:1"}, QStringList{"--fault", "500:2"},
          QStringList{"--port", "x"}, QStringList{"--bogus"}}) {
        QProcess p;
        p.start(qEnvironmentVariable("DSPY_LMSIM"), args);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardOutput().isEmpty());
        QVERIFY(p.readAllStandardError().startsWith("dspy-lmsim: "));
    }
}

QTEST_GUILESS_MAIN(TestLmSim)
#include "tst_lmsim.moc"
