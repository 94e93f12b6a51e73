// bench_graph: GraphProgram's own cost per node, LM time excluded, and the load time of a
// 500-node project file.
// Run: build/<dir>/tests/bench/bench_graph [--nodes N] [--runs R]
//
// Overhead: a chain of N Predict nodes (alternating "a -> b" / "b -> a") on a ScriptedLM is run R
// times through GraphProgram, and the same N Predict modules are called directly in the same order
// with the same inputs R times; (graph - direct) / (N * R) is what the graph adds per node
// (scheduling, events, input binding, output copies). Load: a 500-node chain is saved as a
// .dspyproj and timed through Project::load, validate() and GraphProgram::build().

#include "graph/graphprogram.h"
#include "graph/projectfile.h"
#include "lm/scriptedlm.h"
#include "modules/predict.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>

using namespace dspy;

namespace {

void buildChain(ProgramGraph& g, int n)
{
    g.setProgramSignature(QStringLiteral("a -> b"));
    const NodeId in = g.addNode(nodekind::Input, QStringLiteral("input"));
    NodeId prev = in;
    QString prevField = QStringLiteral("a");
    for (int i = 0; i < n; ++i) {
        const NodeId p = g.addNode(nodekind::Predict, QStringLiteral("step_%1").arg(i));
        const bool ab = prevField == u"a";
        g.setNodeSignature(p, ab ? QStringLiteral("a -> b") : QStringLiteral("b -> a"));
        g.addConnection({prev, prevField, p, prevField});
        prev = p;
        prevField = ab ? QStringLiteral("b") : QStringLiteral("a");
    }
    // An odd chain ends on b; an even one on a: bind whichever to the output's b via a last node.
    if (prevField == u"a") {
        const NodeId p = g.addNode(nodekind::Predict, QStringLiteral("step_last"));
        g.setNodeSignature(p, QStringLiteral("a -> b"));
        g.addConnection({prev, QStringLiteral("a"), p, QStringLiteral("a")});
        prev = p;
    }
    const NodeId out = g.addNode(nodekind::Output, QStringLiteral("output"));
    g.addConnection({prev, QStringLiteral("b"), out, QStringLiteral("b")});
}

std::shared_ptr<ScriptedLM> chainLM()
{
    return ScriptedLM::bySubstring({
        {QStringLiteral("field `[[ ## b ## ]]`"), Object{{QStringLiteral("b"), Value("x")}}},
        {QStringLiteral("field `[[ ## a ## ]]`"), Object{{QStringLiteral("a"), Value("x")}}},
    });
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int nodes = 50;
    int runs = 40;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == u"--nodes")
            nodes = args.at(i + 1).toInt();
        if (args.at(i) == u"--runs")
            runs = args.at(i + 1).toInt();
    }

    ProgramGraph g;
    buildChain(g, nodes);
    auto program = GraphProgram::build(g);
    if (!program) {
        std::fprintf(stderr, "build failed: %s\n", qPrintable(program.error()));
        return 1;
    }
    const int steps = int((*program)->namedPredictors().size());
    RunContext ctx(chainLM());
    const Example input{{QStringLiteral("a"), Value("x")}};

    // Warm up both paths (adapter memo, signature caches).
    (**program)(input, ctx);
    QList<Predict*> direct;
    for (const NamedPredictor& np : (*program)->namedPredictors())
        direct.append(np.predictor);

    QElapsedTimer t;
    t.start();
    for (int r = 0; r < runs; ++r)
        (**program)(input, ctx);
    const double graphNs = double(t.nsecsElapsed());

    t.restart();
    for (int r = 0; r < runs; ++r) {
        Example in = input;
        for (Predict* p : direct) {
            const Prediction out = (*p)(in, ctx);
            in = Example(out.toObject());
        }
    }
    const double directNs = double(t.nsecsElapsed());
    const double perNodeUs = (graphNs - directNs) / (double(steps) * runs) / 1000.0;
    std::printf("chain of %d Predict nodes, %d runs\n", steps, runs);
    std::printf("  graph:  %.1f us per node (LM and adapter included)\n",
                graphNs / (double(steps) * runs) / 1000.0);
    std::printf("  direct: %.1f us per node\n", directNs / (double(steps) * runs) / 1000.0);
    std::printf("  graph overhead: %.1f us per node\n", perNodeUs);

    // 500-node project: save, then time load + validate + build.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.dspyproj"));
    {
        Project p;
        p.name = QStringLiteral("big");
        ProgramGraph* big = p.addProgram(QStringLiteral("main"));
        buildChain(*big, 497); // + input, output = 499
        const NodeId side = big->addNode(nodekind::Predict, QStringLiteral("side")); // 500
        big->setNodeSignature(side, QStringLiteral("a -> b"));
        big->addConnection({big->nodeByName(QStringLiteral("input")), QStringLiteral("a"), side,
                            QStringLiteral("a")});
        if (auto ok = p.save(path); !ok) {
            std::fprintf(stderr, "save failed: %s\n", qPrintable(ok.error()));
            return 1;
        }
    }
    const int loads = 10;
    double loadMs = 0, validateMs = 0, buildMs = 0;
    int nodeCount = 0;
    for (int i = 0; i < loads; ++i) {
        t.restart();
        auto loaded = Project::load(path);
        loadMs += double(t.nsecsElapsed()) / 1e6;
        if (!loaded) {
            std::fprintf(stderr, "load failed: %s\n", qPrintable(loaded.error()));
            return 1;
        }
        const ProgramGraph* big = (*loaded)->program(QStringLiteral("main"));
        nodeCount = int(big->allNodeIds().size());
        t.restart();
        const auto issues = big->validate();
        validateMs += double(t.nsecsElapsed()) / 1e6;
        t.restart();
        auto built = GraphProgram::build(*big);
        buildMs += double(t.nsecsElapsed()) / 1e6;
        if (!issues.isEmpty() || !built) {
            std::fprintf(stderr, "500-node graph invalid\n");
            return 1;
        }
    }
    std::printf("%d-node project (%lld bytes): load %.1f ms, validate %.1f ms, build %.1f ms "
                "(mean of %d)\n",
                nodeCount, static_cast<long long>(QFileInfo(path).size()), loadMs / loads,
                validateMs / loads, buildMs / loads, loads);
    return 0;
}
