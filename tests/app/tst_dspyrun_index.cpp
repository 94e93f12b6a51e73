// dspy-run index, run as a process ($DSPY_RUN): building an index from the bundled corpus, a JSONL
// file and a folder, querying it (one JSON line per hit, --k, punctuation, "--"), and the errors
// with their exit codes (1 for corpus and index problems naming the file and line, 2 for usage).

#include "dspyrunprocess.h"

#include "data/value.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;
using dspyruntest::run;

namespace {

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

// Every stdout line parsed as a JSON object (an empty object for a line that is not one).
QList<Object> jsonLines(const QString& out)
{
    QList<Object> lines;
    for (const QString& line : out.split(u'\n', Qt::SkipEmptyParts)) {
        const auto v = Value::fromJson(line);
        lines.append(v && v->isObject() ? v->toObject() : Object{});
    }
    return lines;
}

} // namespace

class TstDspyRunIndex : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_bundled;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bundled = path(QStringLiteral("bundled.sqlite"));
        const auto r = run({QStringLiteral("index"), QStringLiteral("build"),
                            QStringLiteral("--corpus"), QStringLiteral(":/dspy/datasets/corpus.jsonl"),
                            QStringLiteral("--out"), m_bundled});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<Object> lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0].value(u"passages").toInt(), 320);
        QCOMPARE(lines[0].value(u"index").toString(), m_bundled);
        QVERIFY(lines[0].value(u"elapsed_ms").isInt());
    }

    void queryPrintsOneJsonLinePerHit()
    {
        const auto r = run({QStringLiteral("index"), QStringLiteral("query"),
                            QStringLiteral("--index"), m_bundled, QStringLiteral("--k"),
                            QStringLiteral("4"), QStringLiteral("Who"), QStringLiteral("founded"),
                            QStringLiteral("Kestgard"), QStringLiteral("Company?")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<Object> hits = jsonLines(r.out);
        QCOMPARE(hits.size(), 4);
        QCOMPARE(hits[0].keys(), (QStringList{QStringLiteral("id"), QStringLiteral("score"),
                                              QStringLiteral("text")}));
        QCOMPARE(hits[0].value(u"id").toString(), QStringLiteral("p0315")); // rag_qa's gold passage
        QVERIFY(hits[0].value(u"text").toString().contains(QStringLiteral("Quirin Istov")));
        for (qsizetype i = 1; i < hits.size(); ++i)
            QVERIFY(hits[i - 1].value(u"score").toDouble() >= hits[i].value(u"score").toDouble());
    }

    void defaultKAndPunctuation()
    {
        const auto r = run({QStringLiteral("index"), QStringLiteral("query"),
                            QStringLiteral("--index"), m_bundled,
                            QStringLiteral("What's \"the\" height (of) Mount Brenmora? AND OR * ^")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<Object> hits = jsonLines(r.out);
        QCOMPARE(hits.size(), 3); // DSPy's Retrieve k
        QCOMPARE(hits[0].value(u"id").toString(), QStringLiteral("p0156"));
        // "--" ends the options: a query may start with a dash.
        const auto dashed = run({QStringLiteral("index"), QStringLiteral("query"),
                                 QStringLiteral("--index"), m_bundled, QStringLiteral("--k=1"),
                                 QStringLiteral("--"), QStringLiteral("-Brenmora")});
        QVERIFY2(dashed.exitCode == 0, qPrintable(dashed.err));
        QCOMPARE(jsonLines(dashed.out).value(0).value(u"id").toString(), QStringLiteral("p0156"));
        // Nothing matches: no output, success.
        const auto none = run({QStringLiteral("index"), QStringLiteral("query"),
                               QStringLiteral("--index"), m_bundled, QStringLiteral("zeppelin")});
        QCOMPARE_EXIT(none, 0);
        QVERIFY(none.out.isEmpty());
    }

    void jsonlAndFolderCorpora()
    {
        const QString jsonl = path(QStringLiteral("mine.jsonl"));
        writeFile(jsonl, "{\"id\": \"x1\", \"text\": \"Glaciers carve valleys.\"}\n"
                         "{\"id\": \"x2\", \"text\": \"Deserts are dry; glaciers are not.\"}\n");
        const QString index = path(QStringLiteral("mine.sqlite"));
        QCOMPARE(run({QStringLiteral("index"), QStringLiteral("build"), QStringLiteral("--corpus"),
                      jsonl, QStringLiteral("--out"), index})
                     .exitCode,
                 0);
        const auto r = run({QStringLiteral("index"), QStringLiteral("query"),
                            QStringLiteral("--index"), index, QStringLiteral("valleys")});
        QCOMPARE_EXIT(r, 0);
        QCOMPARE(jsonLines(r.out).size(), 1);
        QCOMPARE(jsonLines(r.out)[0].value(u"id").toString(), QStringLiteral("x1"));

        const QString folder = path(QStringLiteral("docs"));
        QVERIFY(QDir().mkpath(folder));
        writeFile(folder + QStringLiteral("/a.txt"), "Tides follow the moon.");
        writeFile(folder + QStringLiteral("/b.md"), "Volcanoes erupt lava.");
        const QString folderIndex = path(QStringLiteral("docs.sqlite"));
        const auto built = run({QStringLiteral("index"), QStringLiteral("build"),
                                QStringLiteral("--corpus"), folder, QStringLiteral("--out"),
                                folderIndex});
        QCOMPARE_EXIT(built, 0);
        QCOMPARE(jsonLines(built.out).value(0).value(u"passages").toInt(), 2);
        const auto q = run({QStringLiteral("index"), QStringLiteral("query"),
                            QStringLiteral("--index"), folderIndex, QStringLiteral("lava")});
        QCOMPARE(jsonLines(q.out).value(0).value(u"id").toString(), QStringLiteral("b.md"));
    }

    void corpusAndIndexProblemsExitOne()
    {
        const QString bad = path(QStringLiteral("bad.jsonl"));
        writeFile(bad, "{\"id\": \"a\", \"text\": \"ok\"}\n{\"id\": \"b\"}\n");
        const auto r = run({QStringLiteral("index"), QStringLiteral("build"),
                            QStringLiteral("--corpus"), bad, QStringLiteral("--out"),
                            path(QStringLiteral("bad.sqlite"))});
        QCOMPARE_EXIT(r, 1);
        QVERIFY2(r.err.contains(bad + QStringLiteral(" line 2: no \"text\" field")), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        QVERIFY(!QFile::exists(path(QStringLiteral("bad.sqlite"))));

        const auto missing = run({QStringLiteral("index"), QStringLiteral("query"),
                                  QStringLiteral("--index"), path(QStringLiteral("none.sqlite")),
                                  QStringLiteral("x")});
        QCOMPARE_EXIT(missing, 1);
        QVERIFY2(missing.err.contains(QStringLiteral("does not exist")), qPrintable(missing.err));

        const QString notIndex = path(QStringLiteral("not.sqlite"));
        writeFile(notIndex, "hello");
        const auto foreign = run({QStringLiteral("index"), QStringLiteral("query"),
                                  QStringLiteral("--index"), notIndex, QStringLiteral("x")});
        QCOMPARE_EXIT(foreign, 1);
        QVERIFY2(foreign.err.contains(QStringLiteral("not a DSPy FTS5 index")),
                 qPrintable(foreign.err));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString idx = QStringLiteral("--index=x.sqlite");
        QTest::newRow("no subcommand") << QStringList{} << QStringLiteral("build or query");
        QTest::newRow("unknown subcommand")
            << QStringList{QStringLiteral("drop")} << QStringLiteral("unknown subcommand 'drop'");
        QTest::newRow("no corpus") << QStringList{QStringLiteral("build"), QStringLiteral("--out"),
                                                  QStringLiteral("x")}
                                   << QStringLiteral("--corpus is required");
        QTest::newRow("no out") << QStringList{QStringLiteral("build"), QStringLiteral("--corpus"),
                                               QStringLiteral("x")}
                                << QStringLiteral("--out is required");
        QTest::newRow("no index") << QStringList{QStringLiteral("query"), QStringLiteral("x")}
                                  << QStringLiteral("--index is required");
        QTest::newRow("no query") << QStringList{QStringLiteral("query"), idx}
                                  << QStringLiteral("the query is missing");
        QTest::newRow("bad k") << QStringList{QStringLiteral("query"), idx, QStringLiteral("--k"),
                                              QStringLiteral("0"), QStringLiteral("x")}
                               << QStringLiteral("--k must be an integer >= 1, got '0'");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("query"), idx,
                                                       QStringLiteral("--top"), QStringLiteral("x")}
                                        << QStringLiteral("unknown option '--top'");
    }
    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const auto r = run(QStringList{QStringLiteral("index")} + args);
        QCOMPARE_EXIT(r, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    }

    void help()
    {
        const auto r = run({QStringLiteral("index"), QStringLiteral("--help")});
        QCOMPARE_EXIT(r, 0);
        QVERIFY(r.out.contains(QStringLiteral("dspy-run index build --corpus FILE|DIR --out INDEX")));
        const auto top = run({QStringLiteral("--help")});
        QVERIFY(top.out.contains(QStringLiteral("  index    Build a BM25")));
    }
};

QTEST_GUILESS_MAIN(TstDspyRunIndex)
#include "tst_dspyrun_index.moc"
