// dspy-run validate / export and predict / evaluate --project FILE --program NAME, over the sample
// projects in resources/projects (offline: the simulated LM, lmsim/sim).

#include "dspyrunprocess.h"

#include "data/value.h"

#include <QTemporaryDir>
#include <QTest>

using dspyruntest::Run;
using namespace dspy;

namespace {

QString sampleProject(const QString& name)
{
    return QStringLiteral(DSPY_SOURCE_DIR "/resources/projects/") + name +
           QStringLiteral(".dspyproj");
}

} // namespace

class TstDspyRunProject : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
        e.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        e.remove(QStringLiteral("OPENAI_API_KEY"));
        return e;
    }
    Run run(const QStringList& args) { return dspyruntest::run(args, environment(), 120000); }

    void write(const QString& path, const QByteArray& bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

private Q_SLOTS:
    void samplesValidate_data()
    {
        QTest::addColumn<QString>("project");
        for (const char* p : {"arithmetic", "tickets", "rag", "agent"})
            QTest::newRow(p) << QString::fromLatin1(p);
    }
    void samplesValidate()
    {
        QFETCH(QString, project);
        const Run r = run({QStringLiteral("validate"), sampleProject(project)});
        QCOMPARE(r.err, QString());
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, sampleProject(project) + QStringLiteral(": 1 program(s), no problems\n"));
    }

    void samplesEvaluate_data()
    {
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("sample");
        QTest::newRow("arithmetic (ChainOfThought)") << "arithmetic"
                                                     << "arithmetic";
        QTest::newRow("tickets (Predict)") << "tickets"
                                           << "tickets";
        QTest::newRow("rag (Retrieve -> ChainOfThought)") << "rag"
                                                          << "rag_qa";
        QTest::newRow("agent (ReAct with a JS tool)") << "agent"
                                                      << "arithmetic";
    }
    void samplesEvaluate()
    {
        QFETCH(QString, project);
        QFETCH(QString, sample);
        const Run r =
            run({QStringLiteral("evaluate"), QStringLiteral("--project"), sampleProject(project),
                 QStringLiteral("--program"), QStringLiteral("main"), QStringLiteral("--sample"),
                 sample, QStringLiteral("--limit"), QStringLiteral("8")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto summary = Value::fromJson(r.out);
        QVERIFY2(summary && summary->isObject(), qPrintable(r.out));
        const Object s = summary->toObject();
        QCOMPARE(s.value(u"completed").toInt(), 8);
        QCOMPARE(s.value(u"errors").toInt(), 0);
        QVERIFY2(s.value(u"score").toDouble() > 0, qPrintable(r.out));
        QVERIFY(s.value(u"lm_calls").toInt() >= 8);
    }

    void predictRunsADrawnProgram()
    {
        const Run r =
            run({QStringLiteral("predict"), QStringLiteral("--project"),
                 sampleProject(QStringLiteral("arithmetic")), QStringLiteral("--program"),
                 QStringLiteral("main"), QStringLiteral("--model"), QStringLiteral("lmsim/sim"),
                 QStringLiteral("--input"), QStringLiteral("question=What is 12 plus 30?")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto p = Value::fromJson(r.out);
        QVERIFY2(p && p->isObject(), qPrintable(r.out));
        QCOMPARE(p->toObject().keys(), QStringList{QStringLiteral("answer")});
        QVERIFY(p->toObject().value(u"answer").isInt());
    }

    void validateReportsProblems()
    {
        const QString path = m_dir.filePath(QStringLiteral("bad.dspyproj"));
        write(path, R"({"format_version": 2, "programs": [{"name": "p", "signature": "q -> a",
            "nodes": [{"id": 1, "kind": "Input", "name": "input"},
                      {"id": 2, "kind": "Predict", "name": "step", "signature": "q, extra -> a"},
                      {"id": 3, "kind": "Output", "name": "output"}],
            "edges": [{"from": {"node": 1, "field": "q"}, "to": {"node": 2, "field": "q"}},
                      {"from": {"node": 2, "field": "a"}, "to": {"node": 3, "field": "a"}}]}]})");
        const Run r = run({QStringLiteral("validate"), path});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QStringLiteral("program 'p': node 'step', field 'extra': required input is "
                                       "not connected\n"));
        const Run ev = run({QStringLiteral("evaluate"), QStringLiteral("--project"), path,
                            QStringLiteral("--program"), QStringLiteral("p"),
                            QStringLiteral("--sample"), QStringLiteral("arithmetic")});
        QCOMPARE(ev.exitCode, 1);
        QVERIFY2(ev.err.contains(QStringLiteral("node 'step', field 'extra': required input is not "
                                                "connected")),
                 qPrintable(ev.err));

        write(path, R"({"format_version": 9})");
        const Run newer = run({QStringLiteral("validate"), path});
        QCOMPARE(newer.exitCode, 1);
        QVERIFY2(newer.err.contains(QStringLiteral("was written by a newer version (format 9")),
                 qPrintable(newer.err));
    }

    void exportWritesDspyJson()
    {
        const QString out = m_dir.filePath(QStringLiteral("rag.json"));
        const Run r = run({QStringLiteral("export"), QStringLiteral("--project"),
                           sampleProject(QStringLiteral("rag")), QStringLiteral("--program"),
                           QStringLiteral("main"), QStringLiteral("--dspy-json"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto state = Value::fromJson(QString::fromUtf8(dspyruntest::fileBytes(out)));
        QVERIFY(state && state->isObject());
        QCOMPARE(state->toObject().keys(),
                 (QStringList{QStringLiteral("search"), QStringLiteral("answer.predict"),
                              QStringLiteral("metadata")}));
        QCOMPARE(state->toObject().value(u"search").toObject().value(u"k").toInt(), 3);

        const Run unknown = run({QStringLiteral("export"), QStringLiteral("--project"),
                                 sampleProject(QStringLiteral("rag")), QStringLiteral("--program"),
                                 QStringLiteral("nope"), QStringLiteral("--dspy-json"), out});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains(QStringLiteral("has no program 'nope' (programs: main)")),
                 qPrintable(unknown.err));
    }
};

QTEST_GUILESS_MAIN(TstDspyRunProject)
#include "tst_dspyrun_project.moc"
