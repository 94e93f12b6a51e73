// CorpusRetriever indexes its corpus on the first search (or prepare()), searches the index
// afterwards, reports an unreadable corpus naming the file and tries again once it is fixed; and
// Project::runEnvironment gives each Retrieve node of a project its corpus's retriever (reading
// nothing unless asked to prepare, reusing retrievers across runs).

#include "graph/graphprogram.h"
#include "graph/projectfile.h"
#include "retrieve/corpusretriever.h"
#include "runtime/runcontext.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;

namespace {
void writeCorpus(const QString& path, const QByteArray& lines)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(lines);
}
} // namespace

class TestCorpusRetriever : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void indexesOnFirstSearch()
    {
        QTemporaryDir dir;
        const QString corpus = dir.filePath(QStringLiteral("c.jsonl"));
        writeCorpus(corpus, "{\"id\": \"a\", \"text\": \"Paris is the capital of France.\"}\n"
                            "{\"id\": \"b\", \"text\": \"Berlin is the capital of Germany.\"}\n");
        const QString index = dir.filePath(QStringLiteral("i.sqlite"));
        CorpusRetriever r(corpus, index);
        QVERIFY(!r.isPrepared());
        QVERIFY(!QFile::exists(index)); // nothing read or written yet
        RunContext ctx;
        const QList<Passage> hits = r.search(QStringLiteral("capital of Germany"), 1, ctx);
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits.first().id, QStringLiteral("b"));
        QVERIFY(r.isPrepared());
        QVERIFY(QFile::exists(index));
        QVERIFY(r.name().contains(corpus));
    }

    void aBrokenCorpusIsReportedAndRetried()
    {
        QTemporaryDir dir;
        const QString corpus = dir.filePath(QStringLiteral("c.jsonl"));
        CorpusRetriever r(corpus, dir.filePath(QStringLiteral("i.sqlite")));
        RunContext ctx;
        try {
            r.search(QStringLiteral("anything"), 3, ctx);
            QFAIL("a missing corpus must throw");
        } catch (const RetrieverError& e) {
            QVERIFY2(e.message().contains(corpus), qPrintable(e.message()));
        }
        writeCorpus(corpus, "{\"text\": \"ok\"}\n{not json\n");
        auto bad = r.prepare();
        QVERIFY(!bad);
        QVERIFY2(bad.error().contains(QStringLiteral("line 2")), qPrintable(bad.error()));
        writeCorpus(corpus, "{\"text\": \"the fixed corpus\"}\n");
        QCOMPARE(r.search(QStringLiteral("fixed"), 3, ctx).size(), 1);
    }

    void projectRetrieveNodesGetTheirCorpus()
    {
        auto loaded =
            Project::load(QStringLiteral(DSPY_SOURCE_DIR "/resources/projects/rag.dspyproj"));
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error()));
        const QString path = QStringLiteral(DSPY_SOURCE_DIR "/resources/projects/rag.dspyproj");
        QTemporaryDir dir;
        QHash<QString, RetrieverPtr> reuse;
        auto lazy =
            (*loaded)->runEnvironment(QStringLiteral("main"), path, dir.path(), false, &reuse);
        QVERIFY2(lazy, qPrintable(lazy ? QString() : lazy.error()));
        QCOMPARE(lazy->corpusRetrievers.size(), 1);
        auto* corpus =
            dynamic_cast<CorpusRetriever*>(lazy->corpusRetrievers.cbegin().value().get());
        QVERIFY(corpus);
        QVERIFY(!corpus->isPrepared()); // lazily: the GUI thread may ask
        QVERIFY(corpus->corpusPath().endsWith(QStringLiteral("resources/datasets/corpus.jsonl")));
        // The same retriever next time: indexed once per session.
        auto again =
            (*loaded)->runEnvironment(QStringLiteral("main"), path, dir.path(), false, &reuse);
        QCOMPARE(again->corpusRetrievers.cbegin().value(), lazy->corpusRetrievers.cbegin().value());

        // The program runs with it: the Retrieve node finds passages of the bundled corpus.
        auto program = GraphProgram::build(*(*loaded)->program(QStringLiteral("main")), *lazy);
        QVERIFY2(program, qPrintable(program ? QString() : program.error()));
        auto* search = (*program)->nodeModule(QStringLiteral("search"));
        QVERIFY(search);
        RunContext ctx;
        const Prediction p =
            (*search)(Example{{QStringLiteral("query"), Value("Who founded Ulmstead?")}}, ctx);
        QVERIFY2(p.get(u"passages")
                     .toArray()
                     .value(0)
                     .toString()
                     .contains(QStringLiteral("Kasimir Rosstad")),
                 qPrintable(p.get(u"passages").toJson()));
        QVERIFY(corpus->isPrepared());

        // A corpus that is not there: with prepare, the error names the node.
        ProgramGraph* graph = (*loaded)->program(QStringLiteral("main"));
        const NodeId id = graph->nodeByName(QStringLiteral("search"));
        Object settings = graph->node(id)->settings;
        settings.insert(QStringLiteral("corpus"), Value("../nowhere.jsonl"));
        graph->setNodeSettings(id, settings);
        auto missing = (*loaded)->runEnvironment(QStringLiteral("main"), path, dir.path(), true);
        QVERIFY(!missing);
        QVERIFY2(missing.error().startsWith(QStringLiteral("node 'search': ")),
                 qPrintable(missing.error()));
        settings.remove(u"corpus");
        graph->setNodeSettings(id, settings);
        auto none = (*loaded)->runEnvironment(QStringLiteral("main"), path, dir.path(), false);
        QVERIFY(!none);
        QVERIFY(none.error().contains(QStringLiteral("names no \"corpus\"")));
    }
};

QTEST_GUILESS_MAIN(TestCorpusRetriever)
#include "tst_corpusretriever.moc"
