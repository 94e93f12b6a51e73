// dspy-run index build --embeddings, run as a process ($DSPY_RUN): an embeddings index folder of
// simulated vectors built from a JSONL corpus, queried through the same `index query`, and its
// errors (a query with other dimensions than the index's, --dimensions without --embeddings).

#include "dspyrunprocess.h"

#include "data/value.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;
using dspyruntest::run;

namespace {

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

class TstDspyRunEmbeddings : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void buildAndQuery()
    {
        const QString corpus = m_dir.filePath(QStringLiteral("c.jsonl"));
        QFile f(corpus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"id\": \"x1\", \"text\": \"Glaciers carve deep valleys into mountains.\"}\n"
                "{\"id\": \"x2\", \"text\": \"Bread is baked with caraway seeds.\", \"title\": "
                "\"Baking\"}\n"
                "{\"id\": \"x3\", \"text\": \"The harbour freezes every winter.\"}\n");
        f.close();
        const QString index = m_dir.filePath(QStringLiteral("c.emb"));
        const auto built =
            run({QStringLiteral("index"), QStringLiteral("build"), QStringLiteral("--corpus"),
                 corpus, QStringLiteral("--out"), index, QStringLiteral("--embeddings"),
                 QStringLiteral("--dimensions"), QStringLiteral("128")});
        QVERIFY2(built.exitCode == 0, qPrintable(built.err));
        const QList<Object> lines = jsonLines(built.out);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0].value(u"passages").toInt(), 3);
        QCOMPARE(lines[0].value(u"embedder").toString(), QStringLiteral("SimulatedEmbedder(128)"));
        QVERIFY(QFileInfo(index + QStringLiteral("/manifest.json")).isFile());

        const auto q =
            run({QStringLiteral("index"), QStringLiteral("query"), QStringLiteral("--index"), index,
                 QStringLiteral("--dimensions"), QStringLiteral("128"), QStringLiteral("--k"),
                 QStringLiteral("2"), QStringLiteral("caraway"), QStringLiteral("bread")});
        QVERIFY2(q.exitCode == 0, qPrintable(q.err));
        const QList<Object> hits = jsonLines(q.out);
        QCOMPARE(hits.size(), 2);
        QCOMPARE(hits[0].value(u"id").toString(), QStringLiteral("x2"));
        QVERIFY(hits[0].value(u"score").toDouble() > hits[1].value(u"score").toDouble());

        // The default 384 dimensions against a 128-dimension index: refused, exit 1.
        const auto wrong = run({QStringLiteral("index"), QStringLiteral("query"),
                                QStringLiteral("--index"), index, QStringLiteral("bread")});
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY2(
            wrong.err.contains(u"built with SimulatedEmbedder(128), not SimulatedEmbedder(384)"),
            qPrintable(wrong.err));

        const auto usage =
            run({QStringLiteral("index"), QStringLiteral("build"), QStringLiteral("--corpus"),
                 corpus, QStringLiteral("--out"), m_dir.filePath(QStringLiteral("x.sqlite")),
                 QStringLiteral("--dimensions"), QStringLiteral("8")});
        QCOMPARE(usage.exitCode, 2);
        QVERIFY(usage.err.contains(u"--dimensions needs --embeddings"));
    }
};

QTEST_GUILESS_MAIN(TstDspyRunEmbeddings)
#include "tst_dspyrun_embeddings.moc"
