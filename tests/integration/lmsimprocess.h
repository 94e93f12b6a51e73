#pragma once

// A dspy-lmsim child process for the integration and CLI tests: started from $DSPY_LMSIM, its
// port read from the "LISTENING <port>" line, its /stats counters read over HTTP.

#include "data/value.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTimer>

namespace lmsimtest {

class LmSimProcess
{
public:
    explicit LmSimProcess(QStringList args = {})
    {
        m_process.setProgram(qEnvironmentVariable("DSPY_LMSIM"));
        m_process.setArguments(args);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return;
        while (!m_process.canReadLine() && m_process.waitForReadyRead(10000)) {
        }
        m_firstLine = QString::fromUtf8(m_process.readLine()).trimmed();
        if (m_firstLine.startsWith(u"LISTENING "))
            m_port = m_firstLine.mid(10).toInt();
    }
    ~LmSimProcess()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    LmSimProcess(const LmSimProcess&) = delete;
    LmSimProcess& operator=(const LmSimProcess&) = delete;

    bool isListening() const { return m_port > 0; }
    int port() const { return m_port; }
    // What the process printed first ("LISTENING <port>", or why it did not start).
    QString firstLine() const { return m_firstLine; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QUrl url(const QString& path) const { return QUrl(baseUrl() + path); }
    // The OpenAI-style api_base.
    QString apiBase() const { return baseUrl() + QStringLiteral("/v1"); }

    dspy::Object stats() const { return request("GET", QStringLiteral("/stats")); }
    void resetStats() const { request("POST", QStringLiteral("/stats/reset")); }
    qint64 chatRequests() const
    {
        return stats().value(u"requests").toObject().value(u"chat").toInt();
    }
    qint64 messagesRequests() const
    {
        return stats().value(u"requests").toObject().value(u"messages").toInt();
    }

private:
    dspy::Object request(const QByteArray& method, const QString& path) const
    {
        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(baseUrl() + path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply* reply =
            method == "GET" ? nam.get(req) : nam.post(req, QByteArrayLiteral("{}"));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
        const auto v = dspy::Value::fromJson(QString::fromUtf8(reply->readAll()));
        reply->deleteLater();
        return v && v->isObject() ? v->toObject() : dspy::Object{};
    }

    QProcess m_process;
    QString m_firstLine;
    int m_port = 0;
};

} // namespace lmsimtest
