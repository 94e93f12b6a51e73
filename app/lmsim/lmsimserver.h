#pragma once

// LmSimServer — the HTTP face of the simulated LM (dspy-lmsim). A small HTTP/1.1 server on
// QTcpServer (keep-alive, Content-Length bodies, chunked SSE replies) rather than QtHttpServer 6.4:
// the fault kinds need the raw socket (reset, truncate, hang), and a hand-rolled parser keeps the
// per-request cost far below the clients it is used to measure (docs/lmsim.md has the figures).

#include "lm/simulator.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpServer>

class QTcpSocket;

namespace lmsim {

enum class Fault { None, RateLimit, ServerError, Reset, Malformed, Truncate, Hang };

struct ServerOptions
{
    quint16 port = 0;
    int latencyMs = 0;
    int jitterMs = 0;
    quint64 seed = 0;
    QList<std::pair<Fault, double>> faults; // checked in order; the first that fires wins
    QString modelName = QStringLiteral("sim");
};

// "429" | "500" | "reset" | "malformed" | "truncate" | "hang"
Fault faultFromName(const QString& name);
QString faultName(Fault f);

struct HttpRequest
{
    QByteArray method;
    QByteArray path;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    bool keepAlive = true;
};

class LmSimServer : public QObject
{
    Q_OBJECT
public:
    explicit LmSimServer(ServerOptions options, QObject* parent = nullptr);
    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    QString errorString() const { return m_server.errorString(); }

private:
    struct Connection
    {
        QPointer<QTcpSocket> socket;
        QByteArray buffer;
        bool busy = false; // a request is being answered; later ones wait (HTTP/1.1 order)
        bool closing = false;
    };

    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void onDisconnected(QTcpSocket* socket);
    void processBuffer(QTcpSocket* socket);
    void dispatch(QTcpSocket* socket, const HttpRequest& request);
    void answer(QTcpSocket* socket, const HttpRequest& request, const QByteArray& endpoint);
    void finishRequest(QTcpSocket* socket, bool keepAlive);

    void writeResponse(QTcpSocket* socket, int status, const QByteArray& body,
                       const QList<std::pair<QByteArray, QByteArray>>& extraHeaders = {},
                       const QByteArray& contentType = "application/json");
    void writeStream(QTcpSocket* socket, const QList<QByteArray>& events, bool truncate);
    // A 200 JSON reply that ends the request; with the truncate fault the headers promise the
    // whole body, half of it is sent and the connection is closed.
    void writeReply(QTcpSocket* socket, const QByteArray& body, bool truncate, bool keepAlive,
                    const std::pair<QByteArray, QByteArray>& idHeader);
    void writeError(QTcpSocket* socket, int status, const QByteArray& endpoint,
                    const QString& message, const QByteArray& type, bool keepAlive);

    void chatCompletions(QTcpSocket* socket, const HttpRequest& request, Fault fault);
    void messages(QTcpSocket* socket, const HttpRequest& request, Fault fault);
    void embeddings(QTcpSocket* socket, const HttpRequest& request, Fault fault);

    Fault rollFault();
    int delayMs();
    QByteArray statsJson() const;
    QString nextId(const char* prefix);

    ServerOptions m_options;
    QTcpServer m_server;
    dspy::SimulatedLM m_sim;
    QRandomGenerator m_faultRng;
    QRandomGenerator m_jitterRng;
    QHash<QTcpSocket*, Connection> m_connections;
    struct ChatCall
    {
        dspy::LMResponse response;
        bool stream = false;
        bool includeUsage = false;
    };
    QHash<QByteArray, ChatCall> m_chatMemo; // request body -> simulated answer
    qint64 m_nextId = 0;

    // Counters for /stats.
    QHash<QByteArray, qint64> m_requests;
    QHash<QString, qint64> m_faults;
    qint64 m_inFlight = 0;
    qint64 m_maxInFlight = 0;
    qint64 m_maxConnections = 0;
    QHash<QTcpSocket*, int> m_inFlightBySocket;
};

} // namespace lmsim
