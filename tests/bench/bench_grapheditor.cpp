// bench_grapheditor (plain main): a 500-node chain graph — time to build the GraphScene from the
// model, and the frame time of a full repaint of the scene to an offscreen QImage.
// Run: QT_QPA_PLATFORM=offscreen build/<dir>/tests/bench/bench_grapheditor [--nodes N] [--frames F]

#include "graph/graphscene.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QUndoStack>

#include <cstdio>

using namespace dspy;

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    int nodes = 500, frames = 20;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--nodes"))
            nodes = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--frames"))
            frames = args[i + 1].toInt();
    }
    ProgramGraph g;
    (void)g.setProgramSignature(QStringLiteral("question -> answer"));
    NodeId prev = g.addNode(nodekind::Input);
    for (int i = 0; i < nodes - 2; ++i) {
        const NodeId id = g.addNode(nodekind::Predict);
        (void)g.setNodeSignature(id, QStringLiteral("question -> question"));
        g.setNodeData(id, NodeRole::Position, QPointF((i % 25) * 260.0, (i / 25) * 160.0));
        (void)g.addConnection({prev, QStringLiteral("question"), id, QStringLiteral("question")});
        prev = id;
    }
    const NodeId out = g.addNode(nodekind::Output);
    (void)g.addConnection({prev, QStringLiteral("question"), out, QStringLiteral("answer")});

    QUndoStack stack;
    QElapsedTimer t;
    t.start();
    ui::GraphScene scene(&g, &stack);
    const double buildMs = t.nsecsElapsed() / 1e6;

    const QRectF r = scene.itemsBoundingRect();
    QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    double total = 0, worst = 0;
    for (int f = 0; f < frames; ++f) {
        image.fill(Qt::white);
        QPainter p(&image);
        t.restart();
        scene.render(&p, QRectF(image.rect()), r);
        p.end();
        const double ms = t.nsecsElapsed() / 1e6;
        total += ms;
        worst = std::max(worst, ms);
    }
    std::printf("bench_grapheditor: %d nodes, %d connections\n", scene.nodeItemCount(),
                scene.connectionItemCount());
    std::printf("  scene build: %.2f ms\n", buildMs);
    std::printf("  full repaint to 1920x1080 QImage: mean %.2f ms, worst %.2f ms over %d frames\n",
                total / std::max(1, frames), worst, frames);
    return 0;
}
