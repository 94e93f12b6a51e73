#pragma once

// Runs the real dspy-run binary ($DSPY_RUN) for the app and integration tests and collects what it
// printed. A process that does not finish in time is killed and reported in `err`, so one hung run
// fails its test instead of hanging the whole suite.

#include <QDebug>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// QCOMPARE on a run's exit code that also shows what the process printed on stderr when it fails,
// so a failure in CI (where only the test log survives) says why dspy-run exited as it did.
#define QCOMPARE_EXIT(run, expected)                                                               \
    do {                                                                                           \
        const auto& run_ = (run);                                                                  \
        if (run_.exitCode != (expected))                                                           \
            qWarning().noquote() << "dspy-run exited" << run_.exitCode << "; stderr:\n"            \
                                 << run_.err;                                                      \
        QCOMPARE(run_.exitCode, (expected));                                                       \
    } while (false)

namespace dspyruntest {

struct Run
{
    int exitCode = -1; // -1 when the process crashed or did not finish
    QString out;
    QString err;
};

// Waits for a started process and collects its exit code, stdout and stderr.
inline Run finish(QProcess& p, int timeoutMs)
{
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = QStringLiteral("dspy-run did not finish within %1 s\n").arg(timeoutMs / 1000);
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline void start(QProcess& p, const QStringList& args,
                  const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("DSPY_RUN"), args);
}

inline Run run(const QStringList& args,
               const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
               int timeoutMs = 60000)
{
    QProcess p;
    start(p, args, env);
    return finish(p, timeoutMs);
}

inline QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace dspyruntest
