#pragma once

// TestHttpServer — a tiny HTTP/1.1 server for the network tests, on its own thread so tests may
// block on futures. Keep-alive, Content-Length request bodies, scripted replies (status,
// headers, body, delay), chunked streaming (SSE) with pauses, connection resets and hangs.
// It records what it saw: arrival times, request lines, headers and bodies, concurrency, and
// connections the client closed while a request was pending.

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QMutexLocker>
#include <QPointer>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <functional>
#include <memory>

#include <sys/socket.h>

namespace testhttp {

struct Request
{
    QByteArray method;
    QByteArray path;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qint64 arrivalMs = 0; // since the server started
    int index = 0;        // 0-based arrival order
    QByteArray header(QByteArrayView name) const
    {
        for (const auto& [k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

struct Reply
{
    enum class Kind { Normal, Reset, Hang };
    Kind kind = Kind::Normal;
    int status = 200;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int delayMs = 0;
    // Chunked transfer: each chunk written after its pause (ms). Empty: Content-Length body.
    QList<std::pair<int, QByteArray>> chunks;
    bool endChunked = true; // false: close the connection without the last chunk

    void addHeader(const QByteArray& name, const QByteArray& value)
    {
        headers.append(std::make_pair(name, value));
    }

    static Reply json(int status, QByteArray body, int delayMs = 0)
    {
        Reply r;
        r.status = status;
        r.body = std::move(body);
        r.delayMs = delayMs;
        r.addHeader("Content-Type", "application/json");
        return r;
    }
    static Reply reset()
    {
        Reply r;
        r.kind = Kind::Reset;
        return r;
    }
    static Reply hang()
    {
        Reply r;
        r.kind = Kind::Hang;
        return r;
    }
};

using Handler = std::function<Reply(const Request&)>;

class TestHttpServer
{
public:
    explicit TestHttpServer(Handler handler = {})
    {
        m_state = std::make_shared<State>();
        m_state->handler = std::move(handler);
        m_thread.start();
        QSemaphore ready;
        auto state = m_state;
        m_anchor.moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            &m_anchor,
            [this, state, &ready] {
                m_server = new QTcpServer;
                m_server->listen(QHostAddress::LocalHost, 0);
                state->port = m_server->serverPort();
                state->clock.start();
                QObject::connect(m_server, &QTcpServer::newConnection, m_server,
                                 [this] { acceptAll(); });
                ready.release();
            },
            Qt::QueuedConnection);
        ready.acquire();
    }

    ~TestHttpServer()
    {
        QMetaObject::invokeMethod(
            &m_anchor,
            [this] {
                for (QTcpSocket* s : m_server->findChildren<QTcpSocket*>())
                    s->abort();
                delete m_server;
                m_server = nullptr;
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    quint16 port() const { return m_state->port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }

    void setHandler(Handler h)
    {
        QMutexLocker lock(&m_state->mutex);
        m_state->handler = std::move(h);
    }

    QList<Request> requests() const
    {
        QMutexLocker lock(&m_state->mutex);
        return m_state->requests;
    }
    int requestCount() const
    {
        QMutexLocker lock(&m_state->mutex);
        return int(m_state->requests.size());
    }
    int maxConcurrent() const
    {
        QMutexLocker lock(&m_state->mutex);
        return m_state->maxConcurrent;
    }
    int closedWhilePending() const
    {
        QMutexLocker lock(&m_state->mutex);
        return m_state->closedWhilePending;
    }
    int connectionsAccepted() const
    {
        QMutexLocker lock(&m_state->mutex);
        return m_state->connections;
    }
    void reset()
    {
        QMutexLocker lock(&m_state->mutex);
        m_state->requests.clear();
        m_state->maxConcurrent = 0;
        m_state->concurrent = 0;
        m_state->closedWhilePending = 0;
    }

private:
    struct State
    {
        mutable QMutex mutex;
        Handler handler;
        QList<Request> requests;
        int concurrent = 0;
        int maxConcurrent = 0;
        int closedWhilePending = 0;
        int connections = 0;
        quint16 port = 0;
        QElapsedTimer clock;
    };

    struct Conn
    {
        QByteArray buffer;
        bool pending = false; // a request is being answered
    };

    void acceptAll()
    {
        while (QTcpSocket* s = m_server->nextPendingConnection()) {
            s->setParent(m_server);
            {
                QMutexLocker lock(&m_state->mutex);
                ++m_state->connections;
            }
            auto conn = std::make_shared<Conn>();
            QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, conn] { onRead(s, conn); });
            QObject::connect(s, &QTcpSocket::disconnected, s, [this, s, conn] {
                if (conn->pending) {
                    conn->pending = false;
                    QMutexLocker lock(&m_state->mutex);
                    ++m_state->closedWhilePending;
                    --m_state->concurrent;
                }
                s->deleteLater();
            });
        }
    }

    void onRead(QTcpSocket* s, const std::shared_ptr<Conn>& conn)
    {
        conn->buffer.append(s->readAll());
        while (!conn->pending) {
            const qsizetype end = conn->buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Request req;
            const QList<QByteArray> lines = conn->buffer.left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            req.method = first.value(0);
            req.path = first.value(1);
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                req.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
                if (line.left(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0)
                    length = line.mid(colon + 1).trimmed().toLongLong();
            }
            if (conn->buffer.size() < end + 4 + length)
                return;
            req.body = conn->buffer.mid(end + 4, length);
            conn->buffer.remove(0, end + 4 + length);
            Handler handler;
            {
                QMutexLocker lock(&m_state->mutex);
                req.arrivalMs = m_state->clock.elapsed();
                req.index = int(m_state->requests.size());
                m_state->requests.append(req);
                ++m_state->concurrent;
                m_state->maxConcurrent = std::max(m_state->maxConcurrent, m_state->concurrent);
                handler = m_state->handler;
            }
            conn->pending = true;
            const Reply reply = handler ? handler(req) : Reply::json(200, "{}");
            respond(s, conn, reply);
        }
    }

    void done(const std::shared_ptr<Conn>& conn)
    {
        if (!conn->pending)
            return;
        conn->pending = false;
        QMutexLocker lock(&m_state->mutex);
        --m_state->concurrent;
    }

    void respond(QTcpSocket* s, const std::shared_ptr<Conn>& conn, const Reply& reply)
    {
        if (reply.kind == Reply::Kind::Hang)
            return;
        QPointer<QTcpSocket> sp(s);
        auto write = [this, sp, conn, reply] {
            if (!sp)
                return;
            if (reply.kind == Reply::Kind::Reset) {
                done(conn);
                // SO_LINGER 0: close() sends RST, as a crashed or overloaded server would.
                struct linger lg
                {
                    1, 0
                };
                ::setsockopt(int(sp->socketDescriptor()), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
                sp->abort();
                return;
            }
            QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + " X\r\n";
            for (const auto& [k, v] : reply.headers)
                head += k + ": " + v + "\r\n";
            if (reply.chunks.isEmpty()) {
                head += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n\r\n";
                sp->write(head + reply.body);
                done(conn);
                return;
            }
            head += "Transfer-Encoding: chunked\r\n\r\n";
            sp->write(head);
            writeChunks(sp, conn, reply, 0);
        };
        if (reply.delayMs > 0)
            QTimer::singleShot(reply.delayMs, Qt::PreciseTimer, s, write);
        else
            write();
    }

    void writeChunks(QPointer<QTcpSocket> sp, std::shared_ptr<Conn> conn, Reply reply, int i)
    {
        if (!sp)
            return;
        if (i >= reply.chunks.size()) {
            if (reply.endChunked) {
                sp->write("0\r\n\r\n");
                done(conn);
            } else {
                done(conn);
                sp->flush();
                sp->disconnectFromHost();
            }
            return;
        }
        auto step = [this, sp, conn, reply, i] {
            if (!sp)
                return;
            const QByteArray& c = reply.chunks.at(i).second;
            sp->write(QByteArray::number(c.size(), 16) + "\r\n" + c + "\r\n");
            sp->flush();
            writeChunks(sp, conn, reply, i + 1);
        };
        const int pause = reply.chunks.at(i).first;
        if (pause > 0)
            QTimer::singleShot(pause, sp, step);
        else
            step();
    }

    std::shared_ptr<State> m_state;
    QThread m_thread;
    QObject m_anchor;
    QTcpServer* m_server = nullptr;
};

} // namespace testhttp
