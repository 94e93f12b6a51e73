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

    // A node that picks one of the project's profiles by name runs on it; one the project does
    // not have is a usage error naming it.
    void nodesPickProfilesByName()
    {
        QFile sample(sampleProject(QStringLiteral("arithmetic")));
        QVERIFY(sample.open(QIODevice::ReadOnly));
        auto root = Value::fromJson(QString::fromUtf8(sample.readAll()));
        QVERIFY(root);
        const auto withLM = [&](const QString& profile) {
            Object o = root->toObject();
            Array programs = o.value(u"programs").toArray();
            Object program = programs.first().toObject();
            Array nodes = program.value(u"nodes").toArray();
            for (Value& n : nodes) {
                Object node = n.toObject();
                if (node.value(u"name").toString() == u"solve")
                    node.insert(QStringLiteral("settings"),
                                Value(Object{{QStringLiteral("lm"), Value(profile)}}));
                n = Value(node);
            }
            program.insert(QStringLiteral("nodes"), Value(nodes));
            programs[0] = Value(program);
            o.insert(QStringLiteral("programs"), Value(programs));
            const QString path = m_dir.filePath(profile + QStringLiteral(".dspyproj"));
            write(path, Value(o).toJson(JsonStyle{2, false, true}).toUtf8());
            return path;
        };
        const QStringList tail{
            QStringLiteral("--program"), QStringLiteral("main"),
            QStringLiteral("--model"),   QStringLiteral("lmsim/sim"),
            QStringLiteral("--input"),   QStringLiteral("question=What is 2 plus 3?")};
        Run r = run(QStringList{QStringLiteral("predict"), QStringLiteral("--project"),
                                withLM(QStringLiteral("offline"))} +
                    tail);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = run(QStringList{QStringLiteral("predict"), QStringLiteral("--project"),
                            withLM(QStringLiteral("nosuch"))} +
                tail);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("picks the LM profile 'nosuch'")),
                 qPrintable(r.err));
    }

    // --project gives the defaults: its dataset, metric and LM profile.
    void projectDefaults()
    {
        const Run sample =
            run({QStringLiteral("evaluate"), QStringLiteral("--project"),
                 sampleProject(QStringLiteral("arithmetic")), QStringLiteral("--program"),
                 QStringLiteral("main"), QStringLiteral("--limit"), QStringLiteral("8"),
                 QStringLiteral("--quiet")});
        QCOMPARE_EXIT(sample, 0);
        const Object s = Value::fromJson(sample.out)->toObject();
        QCOMPARE(s.value(u"total").toInt(), 8);
        QCOMPARE(s.value(u"metric").toString(), QStringLiteral("answer_exact_match"));
        QCOMPARE(s.value(u"model").toString(), QStringLiteral("lmsim/sim"));

        // A project of our own: data and a JavaScript metric relative to the file, two profiles.
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("data.jsonl")),
              "{\"question\": \"What is 1 plus 2?\", \"answer\": 3}\n"
              "{\"question\": \"What is 2 plus 2?\", \"answer\": 4}\n"
              "{\"question\": \"What is 5 plus 2?\", \"answer\": 7}\n");
        write(dir.filePath(QStringLiteral("half.js")),
              "function metric(example, prediction, trace) { return 0.5; }\n");
        const QString path = dir.filePath(QStringLiteral("own.dspyproj"));
        QByteArray own(R"({"format_version": 2,
            "datasets": [{"name": "mine", "path": "data.jsonl", "input_keys": ["question"]}],
            "metrics": [{"name": "exact", "kind": "exact_match", "field": "answer"},
                        {"name": "half", "kind": "js", "source": "half.js"}],
            "lm_profiles": [{"name": "remote", "model": "openai/gpt-4o-mini",
                             "api_base": "API_BASE", "api_key_env": "NO_SUCH_KEY"},
                            {"name": "sim", "model": "lmsim/sim"}],
            "programs": [{"name": "p", "signature": "question -> answer: int",
            "nodes": [{"id": 1, "kind": "Input", "name": "input"},
                      {"id": 2, "kind": "Predict", "name": "step",
                       "signature": "question -> answer: int"},
                      {"id": 3, "kind": "Output", "name": "output"}],
            "edges": [{"from": {"node": 1, "field": "question"},
                       "to": {"node": 2, "field": "question"}},
                      {"from": {"node": 2, "field": "answer"},
                       "to": {"node": 3, "field": "answer"}}]}]})");
        own.replace("API_BASE", "http:"
                                "//127.0.0.1:9/v1");
        write(path, own);
        const QStringList base{
            QStringLiteral("evaluate"),  QStringLiteral("--project"), path,
            QStringLiteral("--program"), QStringLiteral("p"),         QStringLiteral("--quiet")};
        const Run half =
            run(base + QStringList{QStringLiteral("--profile"), QStringLiteral("sim"),
                                   QStringLiteral("--metric"), QStringLiteral("half")});
        QCOMPARE_EXIT(half, 0);
        const Object h = Value::fromJson(half.out)->toObject();
        QCOMPARE(h.value(u"total").toInt(), 3);
        QCOMPARE(h.value(u"score").toDouble(), 50.0);

        // The first profile is the default: its model, and its unreachable server makes every
        // example an error.
        const Run remote =
            run(base + QStringList{QStringLiteral("--num-retries"), QStringLiteral("0")});
        QCOMPARE_EXIT(remote, 0);
        const Object rs = Value::fromJson(remote.out)->toObject();
        QCOMPARE(rs.value(u"model").toString(), QStringLiteral("openai/gpt-4o-mini"));
        QCOMPARE(rs.value(u"errors").toInt(), 3);
        // --model overrides the profile.
        const Run model =
            run(base + QStringList{QStringLiteral("--model"), QStringLiteral("lmsim/sim")});
        QCOMPARE_EXIT(model, 0);
        QCOMPARE(Value::fromJson(model.out)->toObject().value(u"metric").toString(),
                 QStringLiteral("answer_exact_match"));

        const Run noProfile =
            run(base + QStringList{QStringLiteral("--profile"), QStringLiteral("nope")});
        QCOMPARE_EXIT(noProfile, 2);
        QVERIFY2(noProfile.err.contains(QStringLiteral("has no LM profile 'nope' (profiles: "
                                                       "remote, sim)")),
                 qPrintable(noProfile.err));
        const Run noData =
            run(base + QStringList{QStringLiteral("--dataset"), QStringLiteral("nope")});
        QCOMPARE_EXIT(noData, 2);
        QVERIFY2(noData.err.contains(QStringLiteral("has no dataset 'nope' (datasets: mine)")),
                 qPrintable(noData.err));

        // predict takes the profile too.
        const Run predict =
            run({QStringLiteral("predict"), QStringLiteral("--project"), path,
                 QStringLiteral("--program"), QStringLiteral("p"), QStringLiteral("--profile"),
                 QStringLiteral("sim"), QStringLiteral("--input"),
                 QStringLiteral("question=What is 12 plus 30?")});
        QCOMPARE_EXIT(predict, 0);
        QVERIFY(Value::fromJson(predict.out)->toObject().value(u"answer").isInt());
    }

    // A Subgraph that calls its own program is reported by validate and refused by evaluate.
    void subgraphRecursionIsReported()
    {
        const QString path = m_dir.filePath(QStringLiteral("loop.dspyproj"));
        write(path, R"({"format_version": 2, "programs": [{"name": "p", "signature": "q -> a",
            "nodes": [{"id": 1, "kind": "Input", "name": "input"},
                      {"id": 2, "kind": "Subgraph", "name": "again", "signature": "q -> a",
                       "settings": {"program": "p"}},
                      {"id": 3, "kind": "Output", "name": "output"}],
            "edges": [{"from": {"node": 1, "field": "q"}, "to": {"node": 2, "field": "q"}},
                      {"from": {"node": 2, "field": "a"}, "to": {"node": 3, "field": "a"}}]}]})");
        const Run r = run({QStringLiteral("validate"), path});
        QCOMPARE_EXIT(r, 1);
        QCOMPARE(r.out, QStringLiteral("program 'p': node 'again': program 'p' contains itself "
                                       "(p -> p)\n"));
        const Run ev = run({QStringLiteral("evaluate"), QStringLiteral("--project"), path,
                            QStringLiteral("--program"), QStringLiteral("p"),
                            QStringLiteral("--sample"), QStringLiteral("arithmetic"),
                            QStringLiteral("--input-keys"), QStringLiteral("q")});
        QCOMPARE_EXIT(ev, 1);
        QVERIFY2(ev.err.contains(QStringLiteral("program 'p' contains itself (p -> p)")),
                 qPrintable(ev.err));
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
