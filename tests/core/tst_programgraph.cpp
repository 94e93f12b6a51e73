#include "graph/programgraph.h"

#include <QSignalSpy>
#include <QTest>

using namespace dspy;

namespace {

// Input(question) -> cot(question -> answer) -> Output(answer)
struct Simple
{
    ProgramGraph g;
    NodeId in, cot, out;
    Simple()
    {
        g.setProgramSignature(QStringLiteral("question -> answer"));
        in = g.addNode(nodekind::Input, QStringLiteral("input"));
        cot = g.addNode(nodekind::ChainOfThought, QStringLiteral("answer_step"));
        out = g.addNode(nodekind::Output, QStringLiteral("output"));
        g.addConnection({in, QStringLiteral("question"), cot, QStringLiteral("question")});
        g.addConnection({cot, QStringLiteral("answer"), out, QStringLiteral("answer")});
    }
};

QStringList messages(const QList<GraphIssue>& issues)
{
    QStringList out;
    for (const GraphIssue& i : issues)
        out.append(i.toString());
    return out;
}

} // namespace

class TstProgramGraph : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validGraphHasNoIssues()
    {
        Simple s;
        QCOMPARE(messages(s.g.validate()), QStringList());
        const auto order = s.g.topologicalOrder();
        QVERIFY(order);
        QCOMPARE(*order, (QList<NodeId>{s.in, s.cot, s.out}));
    }

    void portsFollowKinds()
    {
        Simple s;
        auto names = [&](NodeId id, PortType t) {
            QStringList out;
            for (const Field& f : s.g.portFields(id, t))
                out.append(f.name);
            return out;
        };
        QCOMPARE(names(s.in, PortType::Out), QStringList{QStringLiteral("question")});
        QCOMPARE(names(s.in, PortType::In), QStringList());
        QCOMPARE(names(s.out, PortType::In), QStringList{QStringLiteral("answer")});
        QCOMPARE(names(s.cot, PortType::Out),
                 (QStringList{QStringLiteral("reasoning"), QStringLiteral("answer"),
                              QStringLiteral("completions")}));
        const NodeId r = s.g.addNode(nodekind::Retrieve);
        QCOMPARE(s.g.node(r)->name, QStringLiteral("retrieve"));
        QCOMPARE(names(r, PortType::In), QStringList{QStringLiteral("query")});
        QCOMPARE(names(r, PortType::Out),
                 (QStringList{QStringLiteral("passages"), QStringLiteral("ids"),
                              QStringLiteral("scores")}));
        const NodeId r2 = s.g.addNode(nodekind::Retrieve);
        QCOMPARE(s.g.node(r2)->name, QStringLiteral("retrieve_2"));
        const NodeId mcc = s.g.addNode(nodekind::MultiChainComparison);
        QCOMPARE(s.g.node(mcc)->name, QStringLiteral("multi_chain_comparison"));
        QVERIFY(names(mcc, PortType::In).contains(QStringLiteral("completions")));
        QCOMPARE(names(mcc, PortType::Out).first(), QStringLiteral("rationale"));
    }

    void unconnectedRequiredInput()
    {
        Simple s;
        s.g.setNodeSignature(s.cot, QStringLiteral("question, context -> answer"));
        const QList<GraphIssue> issues = s.g.validate();
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().node, s.cot);
        QCOMPARE(issues.first().field, QStringLiteral("context"));
        QCOMPARE(issues.first().toString(),
                 QStringLiteral("node 'answer_step', field 'context': required input is not "
                                "connected"));
    }

    void outputNotConnected()
    {
        Simple s;
        s.g.deleteConnection({s.cot, QStringLiteral("answer"), s.out, QStringLiteral("answer")});
        QCOMPARE(messages(s.g.validate()),
                 QStringList{QStringLiteral(
                     "node 'output', field 'answer': required input is not connected")});
    }

    void typeMismatch()
    {
        ProgramGraph g;
        g.setProgramSignature(QStringLiteral("question -> answer"));
        const NodeId in = g.addNode(nodekind::Input, QStringLiteral("input"));
        const NodeId a = g.addNode(nodekind::Predict, QStringLiteral("count"));
        g.setNodeSignature(a, QStringLiteral("question -> n: int"));
        const NodeId b = g.addNode(nodekind::Predict, QStringLiteral("use"));
        g.setNodeSignature(b, QStringLiteral("items: list[str] -> answer"));
        const NodeId out = g.addNode(nodekind::Output, QStringLiteral("output"));
        g.addConnection({in, QStringLiteral("question"), a, QStringLiteral("question")});
        const ConnectionId bad{a, QStringLiteral("n"), b, QStringLiteral("items")};
        QCOMPARE(g.connectionProblem(bad),
                 QStringLiteral("type mismatch: 'count.n' is int, 'use.items' expects list[str]"));
        QVERIFY(g.addConnection(bad));
        g.addConnection({b, QStringLiteral("answer"), out, QStringLiteral("answer")});
        QCOMPARE(messages(g.validate()),
                 QStringList{QStringLiteral("node 'use', field 'items': type mismatch: expects "
                                            "list[str], 'count.n' gives int")});
        // Into a str field anything goes.
        g.setNodeSignature(b, QStringLiteral("items -> answer"));
        QCOMPARE(messages(g.validate()), QStringList());
    }

    void cycleIsReported()
    {
        Simple s;
        const NodeId p = s.g.addNode(nodekind::Predict, QStringLiteral("p"));
        s.g.setNodeSignature(p, QStringLiteral("answer -> question"));
        s.g.setNodeSignature(s.cot, QStringLiteral("question, hint -> answer"));
        QCOMPARE(
            s.g.connectionProblem({s.cot, QStringLiteral("answer"), p, QStringLiteral("answer")}),
            QString());
        s.g.addConnection({s.cot, QStringLiteral("answer"), p, QStringLiteral("answer")});
        QCOMPARE(
            s.g.connectionProblem({p, QStringLiteral("question"), s.cot, QStringLiteral("hint")}),
            QStringLiteral("would make a cycle through 'p' and 'answer_step'"));
        s.g.addConnection({p, QStringLiteral("question"), s.cot, QStringLiteral("hint")});
        QVERIFY(!s.g.topologicalOrder());
        const QStringList m = messages(s.g.validate());
        QCOMPARE(m.size(), 2);
        QVERIFY2(m.at(0).startsWith(QStringLiteral("node 'answer_step', field 'answer': part of a "
                                                   "cycle")),
                 qPrintable(m.join('\n')));
        QVERIFY2(m.at(1).startsWith(QStringLiteral("node 'p', field 'question': part of a cycle")),
                 qPrintable(m.join('\n')));
    }

    void duplicateAndBadNames()
    {
        Simple s;
        const NodeId p = s.g.addNode(nodekind::Predict, QStringLiteral("answer_step"));
        s.g.addConnection({s.in, QStringLiteral("question"), p, QStringLiteral("question")});
        const NodeId q = s.g.addNode(nodekind::Predict, QStringLiteral("has space"));
        s.g.addConnection({s.in, QStringLiteral("question"), q, QStringLiteral("question")});
        QCOMPARE(
            messages(s.g.validate()),
            (QStringList{QStringLiteral("node 'answer_step': the name 'answer_step' is used by "
                                        "2 nodes"),
                         QStringLiteral("node 'answer_step': the name 'answer_step' is used by "
                                        "2 nodes"),
                         QStringLiteral("node 'has space': the name 'has space' is not an "
                                        "identifier")}));
    }

    void unknownKindAndBadSignature()
    {
        Simple s;
        const NodeId x = s.g.addNode(QStringLiteral("Teleport"), QStringLiteral("x"));
        const NodeId y = s.g.addNode(nodekind::Predict, QStringLiteral("y"));
        s.g.setNodeSignature(y, QStringLiteral("question -> answer: strr"));
        const QStringList m = messages(s.g.validate());
        QCOMPARE(m.size(), 2);
        QVERIFY2(m.at(0).startsWith(QStringLiteral("node 'x': unknown node kind 'Teleport' (known: "
                                                   "Input, Output, Predict")),
                 qPrintable(m.at(0)));
        QVERIFY2(m.at(1).startsWith(QStringLiteral("node 'y': signature 'question -> answer: strr' "
                                                   "does not parse: position")),
                 qPrintable(m.at(1)));
        Q_UNUSED(x);
    }

    void inputAndOutputCounts()
    {
        ProgramGraph g;
        g.setProgramSignature(QStringLiteral("q -> a"));
        QCOMPARE(messages(g.validate()),
                 (QStringList{
                     QStringLiteral("graph: the program needs exactly one Input node (has 0)"),
                     QStringLiteral("graph: the program needs exactly one Output node (has 0)")}));
    }

    void unknownFieldInConnection()
    {
        Simple s;
        QCOMPARE(s.g.connectionProblem(
                     {s.in, QStringLiteral("nope"), s.cot, QStringLiteral("question")}),
                 QStringLiteral("node 'input' has no output field 'nope'"));
        s.g.addConnection({s.in, QStringLiteral("nope"), s.out, QStringLiteral("answer")});
        const QStringList m = messages(s.g.validate());
        QVERIFY2(
            m.contains(QStringLiteral("node 'output', field 'answer': input is connected 2 times")),
            qPrintable(m.join('\n')));
        QVERIFY2(m.contains(QStringLiteral("node 'input', field 'nope': no such output field "
                                           "(connected to 'output.answer')")),
                 qPrintable(m.join('\n')));
    }

    void signalsAndRoles()
    {
        ProgramGraph g;
        g.setProgramSignature(QStringLiteral("question -> answer"));
        QSignalSpy created(&g, &ProgramGraph::nodeCreated);
        QSignalSpy updated(&g, &ProgramGraph::nodeUpdated);
        QSignalSpy deleted(&g, &ProgramGraph::nodeDeleted);
        QSignalSpy cCreated(&g, &ProgramGraph::connectionCreated);
        QSignalSpy cDeleted(&g, &ProgramGraph::connectionDeleted);
        const NodeId in = g.addNode(nodekind::Input);
        const NodeId p = g.addNode(nodekind::Predict);
        QCOMPARE(created.size(), 2);
        QCOMPARE(created.at(1).at(0).value<NodeId>(), p);
        QVERIFY(g.addConnection({in, QStringLiteral("question"), p, QStringLiteral("question")}));
        QCOMPARE(cCreated.size(), 1);
        QVERIFY(g.setNodeData(p, NodeRole::Name, QStringLiteral("first")));
        QVERIFY(g.setNodeData(p, NodeRole::Settings, QStringLiteral("{\"config\": {\"n\": 2}}")));
        QVERIFY(!g.setNodeData(p, NodeRole::Settings, QStringLiteral("[1]")));
        QCOMPARE(updated.size(), 2);
        QCOMPARE(g.nodeData(p, NodeRole::Name).toString(), QStringLiteral("first"));
        QCOMPARE(g.nodeData(p, NodeRole::Settings).toString(),
                 QStringLiteral("{\"config\": {\"n\": 2}}"));
        QCOMPARE(g.nodeData(p, NodeRole::Kind).toString(), nodekind::Predict);
        QCOMPARE(g.nodeByName(QStringLiteral("first")), p);
        QVERIFY(g.deleteNode(p));
        QCOMPARE(cDeleted.size(), 1);
        QCOMPARE(deleted.size(), 1);
        QVERIFY(g.allConnectionIds().isEmpty());
        // Ids are never reused.
        QCOMPARE(g.addNode(nodekind::Predict), p + 1);
        GraphNode dup;
        dup.id = in;
        dup.kind = nodekind::Predict;
        QVERIFY(!g.insertNode(dup));
    }
};

QTEST_GUILESS_MAIN(TstProgramGraph)
#include "tst_programgraph.moc"
