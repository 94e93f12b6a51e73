// loadProjectEvaluation: a project's dataset (input keys marked: the dataset's, else the
// program's inputs) and metric (builtin with its field, JavaScript relative to the project, or
// exact_match on the first output by default), with errors naming what is missing.

#include "graph/projectevaluation.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;

namespace {
void write(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}
} // namespace

class TestProjectEvaluation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void datasetAndMetricFromTheProject()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("dev.jsonl")),
              "{\"question\": \"1+1?\", \"answer\": \"2\"}\n{\"question\": \"2+2?\", \"answer\": "
              "\"4\"}\n");
        write(dir.filePath(QStringLiteral("m.js")), "function metric(example, prediction) { return "
                                                    "example.answer === prediction.answer; }\n");
        const QString path = dir.filePath(QStringLiteral("p.dspyproj"));
        Project project;
        ProgramGraph* g = project.addProgram(QStringLiteral("main"));
        QVERIFY(g);
        g->setProgramSignature(QStringLiteral("question -> reasoning, answer"));
        project.datasets.append(DatasetRef{QStringLiteral("dev"), QStringLiteral("dev.jsonl"), {}});

        // No metric: exact_match on the first output that is not reasoning.
        auto plain = loadProjectEvaluation(project, path, QStringLiteral("main"));
        QVERIFY2(plain, qPrintable(plain ? QString() : plain.error()));
        QCOMPARE(plain->devset.size(), 2);
        QCOMPARE(plain->devset.first().inputKeys(), QStringList{QStringLiteral("question")});
        QCOMPARE(plain->goldField, QStringLiteral("answer"));
        QCOMPARE(plain->metricName, QStringLiteral("exact_match"));
        RunContext ctx;
        Prediction right;
        right.set(QStringLiteral("answer"), Value("2"));
        QCOMPARE(plain->metric.fn(plain->devset.first(), right, nullptr, ctx).toDouble(), 1.0);

        // A JavaScript metric beside the project.
        project.metrics.append(
            MetricEntry{QStringLiteral("js"), Object{{QStringLiteral("kind"), Value("js")},
                                                     {QStringLiteral("source"), Value("m.js")}}});
        auto js = loadProjectEvaluation(project, path, QStringLiteral("main"));
        QVERIFY2(js, qPrintable(js ? QString() : js.error()));
        QCOMPARE(js->metricName, QStringLiteral("js"));
        QVERIFY(js->metric.fn(js->devset.first(), right, nullptr, ctx).truthy());
        QVERIFY(!js->metric.fn(js->devset.last(), right, nullptr, ctx).truthy());

        // What is missing is named.
        auto noData =
            loadProjectEvaluation(project, path, QStringLiteral("main"), QStringLiteral("x"));
        QVERIFY(!noData);
        QCOMPARE(noData.error(), QStringLiteral("the project has no dataset 'x'"));
        QVERIFY(!loadProjectEvaluation(project, path, QStringLiteral("nope")));
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("dev.jsonl"))));
        auto gone = loadProjectEvaluation(project, path, QStringLiteral("main"));
        QVERIFY(!gone);
        QVERIFY2(gone.error().startsWith(QStringLiteral("dataset 'dev' (dev.jsonl): ")),
                 qPrintable(gone.error()));
    }
};

QTEST_GUILESS_MAIN(TestProjectEvaluation)
#include "tst_projectevaluation.moc"
