#include "graph/graphprogram.h"
#include "graph/projectfile.h"
#include "lm/scriptedlm.h"
#include "modules/predict.h"
#include "runtime/callbacks.h"

#include <QFile>
#include <QHash>
#include <QMutex>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace dspy;

namespace {

// Delegates to a ScriptedLM, but each call waits (up to 10 s) until `rendezvous` calls are in
// flight at once: sequential execution can never meet it, so maxInFlight shows real overlap.
class RendezvousLM final : public LM
{
public:
    RendezvousLM(LMPtr inner, int rendezvous)
        : m_inner(std::move(inner))
        , m_rendezvous(rendezvous)
    {}
    QString model() const override { return m_inner->model(); }
    QFuture<LMResponse> call(const LMRequest& request) override
    {
        const int now = ++m_inFlight;
        int seen = m_maxInFlight.load();
        while (now > seen && !m_maxInFlight.compare_exchange_weak(seen, now)) {
        }
        if (m_calls++ < m_rendezvous) {
            m_arrived.release();
            // Wait until everyone of the first group arrived.
            if (m_arrived.tryAcquire(m_rendezvous, 10000))
                m_arrived.release(m_rendezvous);
        }
        auto f = m_inner->call(request);
        f.waitForFinished();
        --m_inFlight;
        return f;
    }
    int maxInFlight() const { return m_maxInFlight.load(); }

private:
    LMPtr m_inner;
    int m_rendezvous;
    std::atomic_int m_inFlight{0};
    std::atomic_int m_maxInFlight{0};
    std::atomic_int m_calls{0};
    QSemaphore m_arrived;
};

// Input(question) -> a: question -> x, b: question -> y -> c: x, y -> answer -> Output(answer)
void buildDiamond(ProgramGraph& g, const QString& cKind = nodekind::Predict)
{
    g.setProgramSignature(QStringLiteral("question -> answer"));
    const NodeId in = g.addNode(nodekind::Input, QStringLiteral("input"));
    const NodeId a = g.addNode(nodekind::Predict, QStringLiteral("a"));
    g.setNodeSignature(a, QStringLiteral("question -> x"));
    const NodeId b = g.addNode(nodekind::Predict, QStringLiteral("b"));
    g.setNodeSignature(b, QStringLiteral("question -> y"));
    const NodeId c = g.addNode(cKind, QStringLiteral("c"));
    g.setNodeSignature(c, QStringLiteral("x, y -> answer"));
    const NodeId out = g.addNode(nodekind::Output, QStringLiteral("output"));
    g.addConnection({in, QStringLiteral("question"), a, QStringLiteral("question")});
    g.addConnection({in, QStringLiteral("question"), b, QStringLiteral("question")});
    g.addConnection({a, QStringLiteral("x"), c, QStringLiteral("x")});
    g.addConnection({b, QStringLiteral("y"), c, QStringLiteral("y")});
    g.addConnection({c, QStringLiteral("answer"), out, QStringLiteral("answer")});
}

// Input(question) -> `name`: Subgraph(question -> answer) with `settings` -> Output(answer);
// returns the Subgraph node.
NodeId buildCaller(ProgramGraph& g, const QString& name, const Object& settings)
{
    g.setProgramSignature(QStringLiteral("question -> answer"));
    const NodeId in = g.addNode(nodekind::Input, QStringLiteral("input"));
    const NodeId sub = g.addNode(nodekind::Subgraph, name);
    g.setNodeSignature(sub, QStringLiteral("question -> answer"));
    g.setNodeSettings(sub, settings);
    const NodeId out = g.addNode(nodekind::Output, QStringLiteral("output"));
    g.addConnection({in, QStringLiteral("question"), sub, QStringLiteral("question")});
    g.addConnection({sub, QStringLiteral("answer"), out, QStringLiteral("answer")});
    return sub;
}

std::shared_ptr<ScriptedLM> diamondLM()
{
    return ScriptedLM::bySubstring({
        {QStringLiteral("field `[[ ## x ## ]]`"), Object{{QStringLiteral("x"), Value("ex")}}},
        {QStringLiteral("field `[[ ## y ## ]]`"), Object{{QStringLiteral("y"), Value("why")}}},
        {QStringLiteral("field `[[ ## answer ## ]]`"),
         Object{{QStringLiteral("answer"), Value("both")}}},
    });
}

struct EventLog
{
    QMutex mutex;
    QList<NodeEvent> events;
    NodeEventFn fn()
    {
        return [this](const NodeEvent& e) {
            QMutexLocker lock(&mutex);
            events.append(e);
        };
    }
    QStringList of(const QString& node)
    {
        QMutexLocker lock(&mutex);
        QStringList out;
        for (const NodeEvent& e : events) {
            if (e.name == node)
                out.append(nodeStatusName(e.status));
        }
        return out;
    }
};

} // namespace

class TstGraphProgram : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsDiamondInDependencyOrder()
    {
        ProgramGraph g;
        buildDiamond(g);
        auto program = GraphProgram::build(g);
        QVERIFY2(program, qPrintable(program ? QString() : program.error()));
        EventLog log;
        (*program)->setEventCallback(log.fn());
        auto lm = diamondLM();
        RunContext ctx(lm);
        const Prediction p = (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        QCOMPARE(p.get(u"answer").toString(), QStringLiteral("both"));
        QCOMPARE(p.keys(), QStringList{QStringLiteral("answer")});
        for (const char* n : {"a", "b", "c"})
            QCOMPARE(log.of(QString::fromLatin1(n)),
                     (QStringList{QStringLiteral("pending"), QStringLiteral("running"),
                                  QStringLiteral("done")}));
        // c saw both branches' outputs.
        const QList<LMRequest> requests = lm->requests();
        QCOMPARE(requests.size(), 3);
        const QString last = requests.last().messages.last().content;
        QVERIFY2(last.contains(QStringLiteral("ex")) && last.contains(QStringLiteral("why")),
                 qPrintable(last));
        QCOMPARE((*program)->nodeNames(),
                 (QStringList{QStringLiteral("input"), QStringLiteral("a"), QStringLiteral("b"),
                              QStringLiteral("c"), QStringLiteral("output")}));
    }

    // Observed, each node's module span is named "NODE: Instance" so the workbench finds a node's
    // calls; the program's own span and what the node's module calls inside keep their names.
    void nodeSpansAreLabelledWithTheNodeName()
    {
        ProgramGraph g;
        buildDiamond(g, nodekind::ChainOfThought);
        auto program = GraphProgram::build(g);
        QVERIFY2(program, qPrintable(program ? QString() : program.error()));
        struct Names final : Callback
        {
            QMutex mutex;
            QHash<QString, QString> parentOf; // instance -> parent's instance
            QHash<QString, QString> idName;
            void onStart(CallbackHook hook, const CallStart& start) override
            {
                if (hook != CallbackHook::Module)
                    return;
                QMutexLocker lock(&mutex);
                idName.insert(start.callId, start.instance);
                parentOf.insert(start.instance, idName.value(start.parentCallId));
            }
        };
        auto names = std::make_shared<Names>();
        auto lm = ScriptedLM::bySubstring({
            {QStringLiteral("field `[[ ## x ## ]]`"), Object{{QStringLiteral("x"), Value("ex")}}},
            {QStringLiteral("field `[[ ## y ## ]]`"), Object{{QStringLiteral("y"), Value("why")}}},
            {QStringLiteral("field `[[ ## reasoning ## ]]`"),
             Object{{QStringLiteral("reasoning"), Value("r")},
                    {QStringLiteral("answer"), Value("both")}}},
        });
        RunContext ctx(lm);
        ctx.callbacks = std::make_shared<CallbackRegistry>();
        ctx.callbacks->add(names);
        (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        const QString top = (*program)->instanceName();
        QCOMPARE(names->parentOf.value(top), QString());
        QCOMPARE(names->parentOf.value(QStringLiteral("a: Predict(question -> x)")), top);
        QCOMPARE(names->parentOf.value(QStringLiteral("b: Predict(question -> y)")), top);
        const QString c = QStringLiteral("c: ChainOfThought(x, y -> reasoning, answer)");
        QCOMPARE(names->parentOf.value(c), top);
        // ChainOfThought's inner Predict is not the node: no label.
        QStringList inner;
        for (auto it = names->parentOf.cbegin(); it != names->parentOf.cend(); ++it) {
            if (it.value() == c)
                inner.append(it.key());
        }
        QCOMPARE(inner.size(), 1);
        QVERIFY2(inner.first().startsWith(QStringLiteral("Predict(")), qPrintable(inner.first()));
        QCOMPARE(names->idName.size(), 5);
    }

    void nodePredictorStatesReadANodesPredictors()
    {
        ProgramGraph g;
        buildDiamond(g, nodekind::ChainOfThought);
        const NodeId c = g.nodeByName(QStringLiteral("c"));
        auto fresh = nodePredictorStates(*g.node(c));
        QVERIFY2(fresh, qPrintable(fresh ? QString() : fresh.error()));
        QCOMPARE(fresh->size(), 1);
        QCOMPARE(fresh->first().path, QStringLiteral("predict"));
        Object state = fresh->first().state;
        Object sig = state.value(u"signature").toObject();
        sig.insert(QStringLiteral("instructions"), Value("Combine x and y."));
        state.insert(QStringLiteral("signature"), Value(sig));
        g.setNodeState(c, Object{{QStringLiteral("predict"), Value(state)}});
        auto saved = nodePredictorStates(*g.node(c));
        QVERIFY(saved);
        QCOMPARE(
            saved->first().state.value(u"signature").toObject().value(u"instructions").toString(),
            QStringLiteral("Combine x and y."));
        // Input and Output have none; state that does not fit names the node and predictor.
        QCOMPARE(nodePredictorStates(*g.node(g.nodeByName(QStringLiteral("input"))))->size(), 0);
        g.setNodeState(c, Object{{QStringLiteral("predict"), Value(Object{})}});
        auto bad = nodePredictorStates(*g.node(c));
        QVERIFY(!bad);
        QVERIFY2(bad.error().startsWith(QStringLiteral("node 'c', predictor 'predict': ")),
                 qPrintable(bad.error()));
    }

    void aNodeCanPickANamedLM()
    {
        ProgramGraph g;
        buildDiamond(g);
        const NodeId b = g.nodeByName(QStringLiteral("b"));
        g.setNodeSettings(b, Object{{QStringLiteral("lm"), Value("fast")}});
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        QCOMPARE((*program)->lmProfiles(), QStringList{QStringLiteral("fast")});
        // The run's LM answers a and c; node b calls the "fast" profile's LM.
        auto main = ScriptedLM::bySubstring({
            {QStringLiteral("field `[[ ## x ## ]]`"), Object{{QStringLiteral("x"), Value("ex")}}},
            {QStringLiteral("field `[[ ## answer ## ]]`"),
             Object{{QStringLiteral("answer"), Value("both")}}},
        });
        auto fast = ScriptedLM::bySubstring({
            {QStringLiteral("field `[[ ## y ## ]]`"),
             Object{{QStringLiteral("y"), Value("fast y")}}},
        });
        RunContext ctx(main);
        ctx.namedLMs.insert(QStringLiteral("fast"), fast);
        const Prediction p = (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        QCOMPARE(p.get(u"answer").toString(), QStringLiteral("both"));
        QCOMPARE(fast->requests().size(), 1);
        QCOMPARE(main->requests().size(), 2);
        // A run without that profile: the node fails, naming it.
        RunContext without(main);
        try {
            (**program)(Example{{QStringLiteral("question"), Value("q?")}}, without);
            QFAIL("a node whose LM profile is missing must fail");
        } catch (const std::exception& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(
                         QStringLiteral("node 'b': its LM profile 'fast' is not available")),
                     e.what());
        }
    }

    void independentBranchesOverlap()
    {
        ProgramGraph g;
        buildDiamond(g);
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        auto lm = std::make_shared<RendezvousLM>(diamondLM(), 2);
        RunContext ctx(lm);
        const Prediction p = (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        QCOMPARE(p.get(u"answer").toString(), QStringLiteral("both"));
        QCOMPARE(lm->maxInFlight(), 2);
    }

    void sequentialWhenMaxParallelIsOne()
    {
        ProgramGraph g;
        buildDiamond(g);
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        (*program)->setMaxParallel(1);
        EventLog log;
        (*program)->setEventCallback(log.fn());
        RunContext ctx(diamondLM());
        (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        QStringList order;
        for (const NodeEvent& e : log.events) {
            if (e.status == NodeStatus::Running)
                order.append(e.name);
        }
        QCOMPARE(order,
                 (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    }

    void failureStopsDownstream()
    {
        ProgramGraph g;
        buildDiamond(g);
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        (*program)->setMaxParallel(1);
        EventLog log;
        (*program)->setEventCallback(log.fn());
        // Neither the chat nor the JSON fallback parse can read this.
        RunContext ctx(ScriptedLM::raw({QStringLiteral("nonsense"), QStringLiteral("nonsense"),
                                        QStringLiteral("nonsense"), QStringLiteral("nonsense")}));
        bool threw = false;
        try {
            (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        } catch (const std::exception&) {
            threw = true;
        }
        QVERIFY(threw);
        QCOMPARE(log.of(QStringLiteral("a")),
                 (QStringList{QStringLiteral("pending"), QStringLiteral("running"),
                              QStringLiteral("failed")}));
        QCOMPARE(log.of(QStringLiteral("b")),
                 (QStringList{QStringLiteral("pending"), QStringLiteral("skipped")}));
        QCOMPARE(log.of(QStringLiteral("c")),
                 (QStringList{QStringLiteral("pending"), QStringLiteral("skipped")}));
        for (const NodeEvent& e : log.events) {
            if (e.name == u"c" && e.status == NodeStatus::Skipped)
                QCOMPARE(e.error, QStringLiteral("node 'a' failed"));
            if (e.status == NodeStatus::Failed)
                QVERIFY(!e.error.isEmpty());
        }
    }

    void cancellationMidGraph()
    {
        ProgramGraph g;
        buildDiamond(g);
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        (*program)->setMaxParallel(1);
        auto token = std::make_shared<CancellationToken>();
        EventLog log;
        (*program)->setEventCallback([&](const NodeEvent& e) {
            log.fn()(e);
            if (e.name == u"a" && e.status == NodeStatus::Done)
                token->cancel();
        });
        auto lm = diamondLM();
        RunContext ctx(lm);
        ctx.cancellation = token;
        bool cancelled = false;
        try {
            (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QCOMPARE(lm->requests().size(), 1);
        QCOMPARE(log.of(QStringLiteral("b")),
                 (QStringList{QStringLiteral("pending"), QStringLiteral("skipped")}));
        QCOMPARE(log.of(QStringLiteral("c")),
                 (QStringList{QStringLiteral("pending"), QStringLiteral("skipped")}));
    }

    void reuseUnchangedNodesIsCached()
    {
        ProgramGraph g;
        buildDiamond(g);
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        (*program)->setReuseUnchanged(true);
        auto lm = diamondLM();
        RunContext ctx(lm);
        (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        EventLog log;
        (*program)->setEventCallback(log.fn());
        const Prediction p = (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        QCOMPARE(p.get(u"answer").toString(), QStringLiteral("both"));
        QCOMPARE(lm->requests().size(), 3);
        QCOMPARE(log.of(QStringLiteral("c")),
                 (QStringList{QStringLiteral("pending"), QStringLiteral("running"),
                              QStringLiteral("cached")}));
        // A changed state (a demo) runs the node again.
        Module* a = (*program)->nodeModule(QStringLiteral("a"));
        a->namedPredictors().first().predictor->demos().append(
            Example{{QStringLiteral("question"), Value("d")}, {QStringLiteral("x"), Value("e")}});
        (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        QCOMPARE(lm->requests().size(), 4);
    }

    void namedPredictorsUseNodeNames()
    {
        ProgramGraph g;
        g.setProgramSignature(QStringLiteral("question -> answer"));
        const NodeId in = g.addNode(nodekind::Input, QStringLiteral("input"));
        const NodeId cls = g.addNode(nodekind::Predict, QStringLiteral("classify"));
        g.setNodeSignature(cls, QStringLiteral("question -> topic"));
        const NodeId ans = g.addNode(nodekind::ChainOfThought, QStringLiteral("answer"));
        g.setNodeSignature(ans, QStringLiteral("question, topic -> answer"));
        const NodeId out = g.addNode(nodekind::Output, QStringLiteral("output"));
        g.addConnection({in, QStringLiteral("question"), cls, QStringLiteral("question")});
        g.addConnection({in, QStringLiteral("question"), ans, QStringLiteral("question")});
        g.addConnection({cls, QStringLiteral("topic"), ans, QStringLiteral("topic")});
        g.addConnection({ans, QStringLiteral("answer"), out, QStringLiteral("answer")});
        auto program = GraphProgram::build(g);
        QVERIFY2(program, qPrintable(program ? QString() : program.error()));
        QStringList paths;
        for (const NamedPredictor& np : (*program)->namedPredictors())
            paths.append(np.path);
        QCOMPARE(paths,
                 (QStringList{QStringLiteral("classify"), QStringLiteral("answer.predict")}));

        // saveState -> loadState across a rebuilt program, and back into the graph.
        (*program)->namedPredictors().at(1).predictor->state().instructions =
            QStringLiteral("Think hard.");
        const Object saved = (*program)->saveState();
        QVERIFY(saved.contains(u"answer.predict"));
        auto again = GraphProgram::build(g);
        QVERIFY(again);
        QVERIFY((*again)->loadState(saved));
        QCOMPARE((*again)->namedPredictors().at(1).predictor->signature().instructions(),
                 QStringLiteral("Think hard."));
        (*program)->storeState(g);
        QVERIFY(g.node(ans)->state.contains(u"predict"));
        QVERIFY(g.node(cls)->state.contains(u"self"));
        auto fromGraph = GraphProgram::build(g);
        QVERIFY(fromGraph);
        QCOMPARE((*fromGraph)->namedPredictors().at(1).predictor->signature().instructions(),
                 QStringLiteral("Think hard."));

        // A clone is independent.
        auto copy = (*fromGraph)->clone();
        copy->namedPredictors().at(0).predictor->state().instructions = QStringLiteral("Other.");
        QVERIFY(!(*fromGraph)->namedPredictors().at(0).predictor->state().instructions);
    }

    void buildRefusesInvalidGraphs()
    {
        ProgramGraph g;
        buildDiamond(g);
        g.deleteConnection({g.nodeByName(QStringLiteral("b")), QStringLiteral("y"),
                            g.nodeByName(QStringLiteral("c")), QStringLiteral("y")});
        auto program = GraphProgram::build(g);
        QVERIFY(!program);
        QCOMPARE(program.error(),
                 QStringLiteral("node 'c', field 'y': required input is not connected"));

        ProgramGraph r;
        r.setProgramSignature(QStringLiteral("question -> passages: list[str]"));
        const NodeId in = r.addNode(nodekind::Input, QStringLiteral("input"));
        const NodeId ret = r.addNode(nodekind::Retrieve, QStringLiteral("search"));
        const NodeId out = r.addNode(nodekind::Output, QStringLiteral("output"));
        r.addConnection({in, QStringLiteral("question"), ret, QStringLiteral("query")});
        r.addConnection({ret, QStringLiteral("passages"), out, QStringLiteral("passages")});
        auto noRetriever = GraphProgram::build(r);
        QVERIFY(!noRetriever);
        QCOMPARE(noRetriever.error(),
                 QStringLiteral("node 'search': no retriever is configured for Retrieve nodes"));
    }

    void subgraphRunsAnotherProgram()
    {
        // inner: question -> answer, the diamond; outer: input -> sub (Subgraph of inner) ->
        // output.
        ProgramGraph inner;
        buildDiamond(inner);
        ProgramGraph outer;
        const NodeId sub = buildCaller(outer, QStringLiteral("sub"),
                                       Object{{QStringLiteral("program"), Value("inner")}});
        const NodeId out = outer.nodeByName(QStringLiteral("output"));

        // Without a way to find programs it names what is missing.
        auto lonely = GraphProgram::build(outer);
        QVERIFY(!lonely);
        QCOMPARE(lonely.error(), QStringLiteral("node 'sub': there is no program 'inner' to run"));

        GraphEnvironment env;
        env.programs = [&](const QString& name) -> const ProgramGraph* {
            return name == u"inner" ? &inner : nullptr;
        };
        auto program = GraphProgram::build(outer, env);
        QVERIFY2(program, qPrintable(program ? QString() : program.error()));
        auto lm = diamondLM();
        RunContext ctx(lm);
        const Prediction p = (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
        QCOMPARE(p.get(u"answer").toString(), QStringLiteral("both"));
        QCOMPARE(lm->requests().size(), 3);

        // The inner predictors under the node's name, so optimizers reach them.
        QStringList paths;
        for (const NamedPredictor& np : (*program)->namedPredictors())
            paths.append(np.path);
        QCOMPARE(paths, (QStringList{QStringLiteral("sub.a"), QStringLiteral("sub.b"),
                                     QStringLiteral("sub.c")}));
        // State round trip through the outer node.
        (*program)->namedPredictors().at(2).predictor->state().instructions =
            QStringLiteral("Combine.");
        (*program)->storeState(outer);
        QVERIFY(outer.node(sub)->state.contains(u"c"));
        auto again = GraphProgram::build(outer, env);
        QVERIFY(again);
        QCOMPARE((*again)->namedPredictors().at(2).predictor->signature().instructions(),
                 QStringLiteral("Combine."));
        // The referenced program itself is untouched.
        QVERIFY(inner.node(inner.nodeByName(QStringLiteral("c")))->state.isEmpty());

        // Fields that differ from the program's are refused, naming both.
        outer.setNodeSignature(sub, QStringLiteral("question -> reply"));
        outer.deleteConnection({sub, QStringLiteral("answer"), out, QStringLiteral("answer")});
        outer.addConnection({sub, QStringLiteral("reply"), out, QStringLiteral("answer")});
        auto mismatch = GraphProgram::build(outer, env);
        QVERIFY(!mismatch);
        QCOMPARE(mismatch.error(), QStringLiteral("node 'sub': its fields (question -> reply) are "
                                                  "not those of program 'inner' (question -> "
                                                  "answer)"));
    }

    void subgraphInlineAndRecursion()
    {
        ProgramGraph inner;
        buildDiamond(inner);
        ProgramGraph outer;
        const NodeId sub =
            buildCaller(outer, QStringLiteral("sub"),
                        Object{{QStringLiteral("graph"), Value(graphToObject(inner))}});
        auto program = GraphProgram::build(outer);
        QVERIFY2(program, qPrintable(program ? QString() : program.error()));
        RunContext ctx(diamondLM());
        QCOMPARE((**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx)
                     .get(u"answer")
                     .toString(),
                 QStringLiteral("both"));
        // A clone runs on its own.
        auto copy = (*program)->clone();
        RunContext ctx2(diamondLM());
        QCOMPARE((*copy)(Example{{QStringLiteral("question"), Value("q?")}}, ctx2)
                     .get(u"answer")
                     .toString(),
                 QStringLiteral("both"));

        // Neither or both of "program" and "graph": refused.
        outer.setNodeSettings(sub, Object{});
        auto neither = GraphProgram::build(outer);
        QVERIFY(!neither);
        QVERIFY2(neither.error().startsWith(QStringLiteral("node 'sub': a Subgraph node's settings "
                                                           "need either")),
                 qPrintable(neither.error()));

        // a -> b -> a: the chain is named.
        ProgramGraph a;
        ProgramGraph b;
        for (auto [g, target] : {std::pair{&a, "b"}, std::pair{&b, "a"}})
            buildCaller(*g, QStringLiteral("call"),
                        Object{{QStringLiteral("program"), Value(QString::fromLatin1(target))}});
        GraphEnvironment env;
        env.programs = [&](const QString& name) -> const ProgramGraph* {
            return name == u"a" ? &a : name == u"b" ? &b : nullptr;
        };
        env.enclosingPrograms = {QStringLiteral("a")};
        auto loop = GraphProgram::build(a, env);
        QVERIFY(!loop);
        QVERIFY2(loop.error().endsWith(
                     QStringLiteral("node 'call': program 'a' contains itself (a -> b -> a)")),
                 qPrintable(loop.error()));
    }

    // BestOfN with settings "reward_metric": "js:FILE": the JavaScript function scores
    // (args, prediction); below the threshold every attempt runs, at it the first one ends it.
    void bestOfNRewardFromAJavaScriptMetric()
    {
        QTemporaryDir dir;
        auto writeJs = [&](const char* name, const char* body) {
            QFile f(dir.filePath(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(body);
        };
        writeJs("never.js", "function metric(args, pred, trace) { return 0; }\n");
        writeJs("likes.js", "function metric(args, pred, trace) {\n"
                            "  return args.question === 'q?' && pred.answer === 'both';\n}\n");
        for (const auto& [file, calls] : {std::pair{"never.js", 3}, std::pair{"likes.js", 1}}) {
            ProgramGraph g;
            g.setProgramSignature(QStringLiteral("question -> answer"));
            const NodeId in = g.addNode(nodekind::Input, QStringLiteral("input"));
            const NodeId best = g.addNode(nodekind::BestOfN, QStringLiteral("best"));
            g.setNodeSettings(best,
                              Object{{QStringLiteral("N"), Value(3)},
                                     {QStringLiteral("reward_metric"),
                                      Value(QStringLiteral("js:") + QString::fromLatin1(file))}});
            const NodeId out = g.addNode(nodekind::Output, QStringLiteral("output"));
            g.addConnection({in, QStringLiteral("question"), best, QStringLiteral("question")});
            g.addConnection({best, QStringLiteral("answer"), out, QStringLiteral("answer")});
            GraphEnvironment env;
            env.baseDir = dir.path();
            auto program = GraphProgram::build(g, env);
            QVERIFY2(program, qPrintable(program ? QString() : program.error()));
            auto lm = diamondLM();
            RunContext ctx(lm);
            const Prediction p =
                (**program)(Example{{QStringLiteral("question"), Value("q?")}}, ctx);
            QCOMPARE(p.get(u"answer").toString(), QStringLiteral("both"));
            QCOMPARE(lm->requests().size(), calls);

            // A missing file names the node.
            g.setNodeSettings(best,
                              Object{{QStringLiteral("reward_metric"), Value("js:nowhere.js")}});
            auto missing = GraphProgram::build(g, env);
            QVERIFY(!missing);
            QVERIFY2(missing.error().startsWith(QStringLiteral("node 'best', reward_metric: ")),
                     qPrintable(missing.error()));
        }
    }

    void missingProgramInputThrows()
    {
        ProgramGraph g;
        buildDiamond(g);
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        RunContext ctx(diamondLM());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (**program)(Example{}, ctx));
    }
};

QTEST_GUILESS_MAIN(TstGraphProgram)
#include "tst_graphprogram.moc"
