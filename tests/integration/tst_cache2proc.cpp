// Several dspy-run predict processes sharing one cache file and one history file (the same
// XDG_CACHE_HOME) against a real dspy-lmsim: every process succeeds, what one process stored is
// a hit for the others (the server is not asked again: /stats), and no history line is lost.

#include "../app/dspyrunprocess.h"
#include "lmsimprocess.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace dspy;
using lmsimtest::LmSimProcess;

namespace {

using dspyruntest::Run;

QString question(int i)
{
    return QStringLiteral("Lee has %1 cards and gets %2 more. How many cards now?")
        .arg(10 + i)
        .arg(i + 1);
}

} // namespace

class TstCache2Proc : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<LmSimProcess> m_sim;

    // Starts all processes before waiting for any, so they overlap.
    QList<Run> runConcurrently(const QString& cacheHome, const QList<QStringList>& argLists)
    {
        QList<std::shared_ptr<QProcess>> processes;
        for (const QStringList& args : argLists) {
            auto p = std::make_shared<QProcess>();
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("XDG_CACHE_HOME"), cacheHome);
            dspyruntest::start(*p, args, env);
            processes.append(p);
        }
        QList<Run> runs;
        for (const auto& p : processes)
            runs.append(dspyruntest::finish(*p, 120000));
        return runs;
    }

    QStringList predictArgs(int i) const
    {
        return {QStringLiteral("predict"),
                QStringLiteral("--signature"),
                QStringLiteral("question -> answer: int"),
                QStringLiteral("--model"),
                QStringLiteral("openai/sim"),
                QStringLiteral("--api-base"),
                m_sim->apiBase(),
                QStringLiteral("--input"),
                QStringLiteral("question=") + question(i)};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariable("DSPY_RUN").isEmpty(), "DSPY_RUN is not set");
        QVERIFY2(!qEnvironmentVariable("DSPY_LMSIM").isEmpty(), "DSPY_LMSIM is not set");
        // Some latency so that the processes really overlap at the server.
        m_sim = std::make_unique<LmSimProcess>(
            QStringList{QStringLiteral("--latency-ms"), QStringLiteral("100")});
        QVERIFY(m_sim->isListening());
    }

    void init() { m_sim->resetStats(); }

    void oneProcessStoresAnotherHits()
    {
        QTemporaryDir home;
        const QList<Run> first = runConcurrently(home.path(), {predictArgs(0)});
        QCOMPARE(first[0].exitCode, 0);
        QCOMPARE(m_sim->chatRequests(), 1);
        const QList<Run> second = runConcurrently(home.path(), {predictArgs(0)});
        QCOMPARE(second[0].exitCode, 0);
        QCOMPARE(second[0].out, first[0].out);
        QVERIFY(Value::fromJson(first[0].out)->toObject().value(u"answer").isInt());
        QCOMPARE(m_sim->chatRequests(), 1);
    }

    void concurrentProcessesShareOneCacheFile()
    {
        QTemporaryDir home;
        const int n = 6;
        QList<QStringList> args;
        for (int i = 0; i < n; ++i)
            args.append(predictArgs(i));
        // Two rounds of the same six questions from six concurrent processes each.
        const QList<Run> first = runConcurrently(home.path(), args);
        for (const Run& r : first)
            QVERIFY2(r.exitCode == 0 && r.err.isEmpty(), qPrintable(r.err));
        QCOMPARE(m_sim->chatRequests(), n);
        const QList<Run> second = runConcurrently(home.path(), args);
        for (int i = 0; i < n; ++i) {
            QVERIFY2(second[i].exitCode == 0 && second[i].err.isEmpty(), qPrintable(second[i].err));
            QCOMPARE(second[i].out, first[i].out);
            QVERIFY(Value::fromJson(second[i].out)->toObject().value(u"answer").isInt());
        }
        QCOMPARE(m_sim->chatRequests(), n); // every second-round answer came from the file

        // Both rounds are in the shared history file, one intact line per call.
        QFile history(home.path() + QStringLiteral("/dspy-workbench/history.jsonl"));
        QVERIFY(history.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = history.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2 * n);
        int hits = 0;
        for (const QByteArray& line : lines) {
            const auto v = Value::fromJson(QString::fromUtf8(line));
            QVERIFY(v && v->isObject());
            hits += v->toObject().value(u"cache_hit").toBool() ? 1 : 0;
        }
        QCOMPARE(hits, n);
        // The inspect of a third process sees them.
        const QList<Run> inspect = runConcurrently(
            home.path(), {{QStringLiteral("inspect"), QStringLiteral("-n"), QStringLiteral("0")}});
        QCOMPARE(inspect[0].exitCode, 0);
        QCOMPARE(inspect[0].out.count(QStringLiteral("Response:\n")), 2 * n);
    }

    void sameQuestionRacingStaysCorrect()
    {
        QTemporaryDir home;
        // Four processes ask the same question at once: each may miss, none may fail or differ.
        const QList<Run> runs = runConcurrently(
            home.path(), {predictArgs(3), predictArgs(3), predictArgs(3), predictArgs(3)});
        for (const Run& r : runs) {
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QCOMPARE(r.out, runs[0].out);
        }
        const qint64 asked = m_sim->chatRequests();
        QVERIFY(asked >= 1 && asked <= 4);
        QCOMPARE(runConcurrently(home.path(), {predictArgs(3)})[0].out, runs[0].out);
        QCOMPARE(m_sim->chatRequests(), asked);
    }
};

QTEST_GUILESS_MAIN(TstCache2Proc)
#include "tst_cache2proc.moc"
