// Retrieve(k): DSPy's Prediction(passages=[...]) plus ids and scores, from a real FTS5 index; k
// and its per-call override; the errors (no retriever, bad inputs, a failing retriever); DSPy's
// saved state {"k": 3}; clone; and the module callbacks every module fires.

#include "modules/retrieve.h"
#include "retrieve/fts5retriever.h"
#include "runtime/callbacks.h"

#include <QTemporaryDir>
#include <QTest>

using namespace dspy;

namespace {

class Recorder final : public Callback
{
public:
    struct Event
    {
        bool start;
        QString instance;
        Object inputs;
        Value outputs;
        QString error;
    };
    void onModuleStart(const QString&, const QString& instance, const Object& inputs) override
    {
        events.append({true, instance, inputs, {}, {}});
    }
    void onModuleEnd(const QString&, const Value& outputs, const QString& error) override
    {
        events.append({false, {}, {}, outputs, error});
    }
    QList<Event> events;
};

// A retriever whose backend is down.
class Failing final : public Retriever
{
public:
    QList<Passage> search(const QString&, int, const RunContext&) override
    {
        throw RetrieverError(QStringLiteral("Failing: the server is down"));
    }
    QString name() const override { return QStringLiteral("Failing"); }
};

Example query(const QString& q)
{
    return Example{{QStringLiteral("query"), Value(q)}};
}

QStringList strings(const Value& v)
{
    QStringList out;
    for (const Value& x : v.toArray())
        out.append(x.toString());
    return out;
}

} // namespace

class TstRetrieve : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<FTS5Retriever> m_index;

private Q_SLOTS:
    void initTestCase()
    {
        QList<FTS5Retriever::Document> docs;
        const QStringList texts{
            QStringLiteral("Mount Brenmora is 2736 metres high."),
            QStringLiteral("Mount Sellund is 1534 metres high and part of the Wenstead range."),
            QStringLiteral("Kestgard Company was founded by Quirin Istov."),
            QStringLiteral("The annual festival of Ulmstead is held in July."),
            QStringLiteral("Mount Kestwick was first climbed by Gustav Calic.")};
        for (qsizetype i = 0; i < texts.size(); ++i)
            docs.append({QStringLiteral("p%1").arg(i), QString(), texts[i], {}});
        const QString path = m_dir.filePath(QStringLiteral("index.sqlite"));
        QVERIFY(FTS5Retriever::build(docs, path));
        auto opened = FTS5Retriever::open(path);
        QVERIFY(opened);
        m_index = opened.value();
    }
    void cleanup() { CallbackRegistry::global()->clear(); }

    void passagesIdsAndScores()
    {
        Retrieve retrieve(2, m_index);
        RunContext ctx;
        const QString q = QStringLiteral("How high is Mount Brenmora?");
        const Prediction p = retrieve(query(q), ctx);
        const QList<Passage> direct = m_index->search(q, 2, ctx);
        QCOMPARE(direct.size(), 2);
        QCOMPARE(strings(p.get(u"passages")),
                 (QStringList{direct[0].text, direct[1].text}));
        QCOMPARE(strings(p.get(u"passages")).value(0),
                 QStringLiteral("Mount Brenmora is 2736 metres high."));
        QCOMPARE(strings(p.get(u"ids")), (QStringList{direct[0].id, direct[1].id}));
        const Array scores = p.get(u"scores").toArray();
        QCOMPARE(scores.size(), 2);
        QCOMPARE(scores[0].toDouble(), direct[0].score);
        QVERIFY(scores[0].toDouble() >= scores[1].toDouble());
        // passages first, as DSPy's Prediction(passages=...).
        QCOMPARE(p.keys().value(0), QStringLiteral("passages"));
    }

    void kAndItsOverride()
    {
        Retrieve retrieve;
        QCOMPARE(retrieve.k(), 3); // DSPy's default
        retrieve.setRetriever(m_index);
        RunContext ctx;
        const QString q = QStringLiteral("Mount metres high climbed");
        QCOMPARE(retrieve(query(q), ctx).get(u"passages").toArray().size(), 3);
        Example one = query(q);
        one.set(QStringLiteral("k"), Value(1));
        QCOMPARE(retrieve(one, ctx).get(u"passages").toArray().size(), 1);
        retrieve.setK(5);
        QCOMPARE(retrieve.instanceName(), QStringLiteral("Retrieve(k=5)"));
        // Only three passages match: fewer than k come back, no padding.
        QCOMPARE(retrieve(query(q), ctx).get(u"passages").toArray().size(), 3);
        QVERIFY_THROWS_EXCEPTION(RetrieverError, retrieve.setK(0));
        QVERIFY_THROWS_EXCEPTION(RetrieverError, Retrieve(-1));
    }

    void errors()
    {
        RunContext ctx;
        Retrieve none;
        try {
            none(query(QStringLiteral("x")), ctx);
            QFAIL("no exception");
        } catch (const RetrieverError& e) {
            QVERIFY2(e.message().startsWith(QStringLiteral("No RM is loaded.")),
                     qPrintable(e.message()));
            QVERIFY(e.message().contains(QStringLiteral("setRetriever")));
        }
        Retrieve retrieve(3, m_index);
        auto message = [&](const Example& inputs) {
            try {
                retrieve(inputs, ctx);
            } catch (const RetrieverError& e) {
                return e.message();
            }
            return QString();
        };
        QVERIFY(message(Example{{QStringLiteral("question"), Value("x")}})
                    .contains(QStringLiteral("'query' is missing (inputs: question)")));
        QVERIFY(message(Example{{QStringLiteral("query"), Value(3)}})
                    .contains(QStringLiteral("'query' must be a string, got 3")));
        Example badK = query(QStringLiteral("x"));
        badK.set(QStringLiteral("k"), Value(0));
        QVERIFY(message(badK).contains(QStringLiteral("'k' must be a positive integer, got 0")));
        badK.set(QStringLiteral("k"), Value("2"));
        QVERIFY(message(badK).contains(QStringLiteral("'k' must be a positive integer")));
        retrieve.setRetriever(std::make_shared<Failing>());
        QCOMPARE(message(query(QStringLiteral("x"))), QStringLiteral("Failing: the server is down"));
    }

    void savedStateIsDspys()
    {
        Retrieve retrieve;
        QCOMPARE(Value(retrieve.dumpState()).toJson(), QStringLiteral("{\"k\": 3}"));
        QVERIFY(retrieve.loadDumpedState(Object{{QStringLiteral("k"), Value(7)}}));
        QCOMPARE(retrieve.k(), 7);
        for (const Object& bad : {Object{}, Object{{QStringLiteral("k"), Value(0)}},
                                  Object{{QStringLiteral("k"), Value("3")}},
                                  Object{{QStringLiteral("k"), Value(2.5)}}}) {
            const auto r = retrieve.loadDumpedState(bad);
            QVERIFY(!r);
            QVERIFY2(r.error().contains(QStringLiteral("\"k\"")), qPrintable(r.error()));
            QCOMPARE(retrieve.k(), 7);
        }
        // No predictors inside: the module-level state holds only the metadata.
        QVERIFY(retrieve.namedPredictors().isEmpty());
    }

    void cloneSharesTheRetriever()
    {
        Retrieve retrieve(2, m_index);
        const std::unique_ptr<Module> copy = retrieve.clone();
        auto* r = dynamic_cast<Retrieve*>(copy.get());
        QVERIFY(r);
        QCOMPARE(r->k(), 2);
        QCOMPARE(r->retriever().get(), m_index.get());
        retrieve.setK(4);
        QCOMPARE(r->k(), 2);
    }

    void callbacks()
    {
        auto recorder = std::make_shared<Recorder>();
        auto registry = std::make_shared<CallbackRegistry>();
        registry->add(recorder);
        Retrieve retrieve(1, m_index);
        retrieve.setCallbacks(registry);
        RunContext ctx;
        const Prediction p = retrieve(query(QStringLiteral("festival Ulmstead")), ctx);
        QCOMPARE(recorder->events.size(), 2);
        QVERIFY(recorder->events[0].start);
        QCOMPARE(recorder->events[0].instance, QStringLiteral("Retrieve(k=1)"));
        QCOMPARE(recorder->events[0].inputs.value(u"query").toString(),
                 QStringLiteral("festival Ulmstead"));
        QCOMPARE(recorder->events[1].outputs.toObject().value(u"passages"), p.get(u"passages"));
        QVERIFY(recorder->events[1].error.isEmpty());

        retrieve.setRetriever(std::make_shared<Failing>());
        QVERIFY_THROWS_EXCEPTION(RetrieverError, retrieve(query(QStringLiteral("x")), ctx));
        QCOMPARE(recorder->events.size(), 4);
        QVERIFY(recorder->events[3].outputs.isNull());
        QCOMPARE(recorder->events[3].error, QStringLiteral("Failing: the server is down"));
    }
};

QTEST_GUILESS_MAIN(TstRetrieve)
#include "tst_retrieve.moc"
