// Graph editor: the scene mirrors the model, connecting by drag and by command with the type check,
// undo/redo of every command, move merging, copy/paste with fresh names, auto-layout columns and
// the issue tooltip of invalid nodes.

#include "graph/graphcommands.h"
#include "graph/grapheditor.h"
#include "graph/graphscene.h"
#include "graph/graphview.h"
#include "graph/projectfile.h"

#include <QApplication>
#include <QClipboard>
#include <QGraphicsSceneMouseEvent>
#include <QImage>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace dspy;
using namespace dspy::ui;

namespace {
void sendMouse(QGraphicsScene* scene, QEvent::Type type, QPointF pos)
{
    QGraphicsSceneMouseEvent e(type);
    e.setScenePos(pos);
    e.setButton(Qt::LeftButton);
    e.setButtons(type == QEvent::GraphicsSceneMouseRelease ? Qt::NoButton : Qt::LeftButton);
    QApplication::sendEvent(scene, &e);
}

// Input(question) -> Predict(question -> answer: int) -> Output(answer: int)
void makeChain(ProgramGraph& g, NodeId* in, NodeId* pred, NodeId* out)
{
    QVERIFY(g.setProgramSignature(QStringLiteral("question -> answer: int")).hasValue());
    *in = g.addNode(nodekind::Input);
    *pred = g.addNode(nodekind::Predict, QStringLiteral("solve"));
    *out = g.addNode(nodekind::Output);
    QVERIFY(g.setNodeSignature(*pred, QStringLiteral("question -> answer: int")));
}
} // namespace

class TestGraphEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sceneMirrorsModel()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        GraphScene scene(&g, &stack);
        QCOMPARE(scene.nodeItemCount(), 3);
        QCOMPARE(scene.nodeItem(pred)->title(), QStringLiteral("solve (Predict)"));
        QVERIFY(scene.nodeItem(pred)->port(PortType::In, QStringLiteral("question")));
        QVERIFY(scene.nodeItem(pred)->port(PortType::Out, QStringLiteral("answer")));
        const NodeId extra = g.addNode(nodekind::ChainOfThought);
        QCOMPARE(scene.nodeItemCount(), 4);
        QVERIFY(scene.nodeItem(extra));
        QVERIFY(g.addConnection({in, QStringLiteral("question"), pred, QStringLiteral("question")})
                    .hasValue());
        QCOMPARE(scene.connectionItemCount(), 1);
        g.setNodeData(pred, NodeRole::Position, QPointF(300, 50));
        QCOMPARE(scene.nodeItem(pred)->pos(), QPointF(300, 50));
        QVERIFY(g.deleteNode(pred));
        QCOMPARE(scene.nodeItemCount(), 3);
        QCOMPARE(scene.connectionItemCount(), 0);
        QVERIFY(!scene.nodeItem(pred));
        // Signature edits rebuild ports.
        QVERIFY(g.setNodeSignature(extra, QStringLiteral("context, question -> answer")));
        QVERIFY(scene.nodeItem(extra)->port(PortType::In, QStringLiteral("context")));
    }

    void connectByDragWithTypeCheck()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        const NodeId list = g.addNode(nodekind::Predict, QStringLiteral("lister"));
        QVERIFY(g.setNodeSignature(list, QStringLiteral("items: list[str] -> answer")));
        g.setNodeData(pred, NodeRole::Position, QPointF(300, 0));
        g.setNodeData(out, NodeRole::Position, QPointF(600, 0));
        g.setNodeData(list, NodeRole::Position, QPointF(600, 300));
        GraphScene scene(&g, &stack);
        QSignalSpy status(&scene, &GraphScene::statusMessage);

        const QPointF from =
            scene.nodeItem(pred)->port(PortType::Out, QStringLiteral("answer"))->scenePos();
        const QPointF good =
            scene.nodeItem(out)->port(PortType::In, QStringLiteral("answer"))->scenePos();
        const QPointF bad =
            scene.nodeItem(list)->port(PortType::In, QStringLiteral("items"))->scenePos();
        // Drop on an incompatible port: the problem is reported and nothing connects.
        sendMouse(&scene, QEvent::GraphicsSceneMousePress, from);
        QVERIFY(scene.isConnecting());
        QVERIFY(scene.nodeItem(out)->port(PortType::In, QStringLiteral("answer"))->isHighlighted());
        QVERIFY(
            !scene.nodeItem(list)->port(PortType::In, QStringLiteral("items"))->isHighlighted());
        sendMouse(&scene, QEvent::GraphicsSceneMouseMove, bad);
        sendMouse(&scene, QEvent::GraphicsSceneMouseRelease, bad);
        QVERIFY(!scene.isConnecting());
        const ConnectionId badC{pred, QStringLiteral("answer"), list, QStringLiteral("items")};
        QVERIFY(!g.connectionExists(badC));
        QCOMPARE(scene.lastProblem(), g.connectionProblem(badC));
        QVERIFY(!scene.lastProblem().isEmpty());
        QCOMPARE(status.last().first().toString(), scene.lastProblem());
        QCOMPARE(stack.count(), 0);
        // Drop on a compatible port connects, undoably.
        sendMouse(&scene, QEvent::GraphicsSceneMousePress, from);
        sendMouse(&scene, QEvent::GraphicsSceneMouseMove, good);
        sendMouse(&scene, QEvent::GraphicsSceneMouseRelease, good);
        const ConnectionId goodC{pred, QStringLiteral("answer"), out, QStringLiteral("answer")};
        QVERIFY(g.connectionExists(goodC));
        QVERIFY(scene.connectionItem(goodC));
        QCOMPARE(stack.count(), 1);
        stack.undo();
        QVERIFY(!g.connectionExists(goodC));
        QVERIFY(!scene.connectionItem(goodC));
        stack.redo();
        QVERIFY(g.connectionExists(goodC));
        // By the command API: refused with the model's reason.
        QCOMPARE(pushConnect(&stack, &g, badC), g.connectionProblem(badC));
        QCOMPARE(stack.count(), 1);
    }

    void undoRedoOfEachCommand()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        GraphScene scene(&g, &stack);
        QVERIFY(pushConnect(&stack, &g,
                            {in, QStringLiteral("question"), pred, QStringLiteral("question")})
                    .isEmpty());
        QVERIFY(
            pushConnect(&stack, &g, {pred, QStringLiteral("answer"), out, QStringLiteral("answer")})
                .isEmpty());
        // Add
        const NodeId added = pushAddNode(&stack, &g, nodekind::ChainOfThought, QPointF(10, 20));
        QVERIFY(g.nodeExists(added));
        QCOMPARE(g.node(added)->position, QPointF(10, 20));
        stack.undo();
        QVERIFY(!g.nodeExists(added));
        QVERIFY(!scene.nodeItem(added));
        stack.redo();
        QVERIFY(g.nodeExists(added));
        QVERIFY(scene.nodeItem(added));
        // Rename (refusals push nothing)
        QVERIFY(!pushRename(&stack, &g, added, QStringLiteral("solve")).isEmpty());
        QVERIFY(!pushRename(&stack, &g, added, QStringLiteral("1bad")).isEmpty());
        QVERIFY(pushRename(&stack, &g, added, QStringLiteral("think")).isEmpty());
        QCOMPARE(g.node(added)->name, QStringLiteral("think"));
        QCOMPARE(scene.nodeItem(added)->title(), QStringLiteral("think (ChainOfThought)"));
        stack.undo();
        QVERIFY(g.node(added)->name != QStringLiteral("think"));
        stack.redo();
        QCOMPARE(g.node(added)->name, QStringLiteral("think"));
        // Signature and settings
        QVERIFY(pushSignature(&stack, &g, added, QStringLiteral("q -> a")).isEmpty());
        QVERIFY(scene.nodeItem(added)->port(PortType::In, QStringLiteral("q")));
        stack.undo();
        QVERIFY(!scene.nodeItem(added)->port(PortType::In, QStringLiteral("q")));
        stack.redo();
        QVERIFY(!pushSettingsJson(&stack, &g, added, QStringLiteral("[1]")).isEmpty());
        const int before = stack.count();
        QVERIFY(pushSettingsJson(&stack, &g, added, QStringLiteral("{\"n\": 3}")).isEmpty());
        QCOMPARE(stack.count(), before + 1);
        QCOMPARE(g.node(added)->settings.value(QStringLiteral("n")).toJson(), QStringLiteral("3"));
        stack.undo();
        QVERIFY(!g.node(added)->settings.contains(QStringLiteral("n")));
        stack.redo();
        // Delete the selection: a node with its connections, undo restores both.
        scene.nodeItem(pred)->setSelected(true);
        const int edges = int(g.allConnectionIds().size());
        QCOMPARE(edges, 2);
        scene.deleteSelection();
        QVERIFY(!g.nodeExists(pred));
        QCOMPARE(g.allConnectionIds().size(), 0);
        QCOMPARE(scene.connectionItemCount(), 0);
        stack.undo();
        QVERIFY(g.nodeExists(pred));
        QCOMPARE(g.node(pred)->name, QStringLiteral("solve"));
        QCOMPARE(g.allConnectionIds().size(), 2);
        QCOMPARE(scene.connectionItemCount(), 2);
        stack.redo();
        QVERIFY(!g.nodeExists(pred));
        stack.undo();
        // Delete key on the scene, and disconnect by deleting a selected connection.
        scene.clearSelection();
        const ConnectionId c{in, QStringLiteral("question"), pred, QStringLiteral("question")};
        scene.connectionItem(c)->setSelected(true);
        QKeyEvent del(QEvent::KeyPress, Qt::Key_Delete, Qt::NoModifier);
        QApplication::sendEvent(&scene, &del);
        QVERIFY(!g.connectionExists(c));
        QVERIFY(g.nodeExists(pred));
        stack.undo();
        QVERIFY(g.connectionExists(c));
        // Undo everything: back to the three unconnected nodes.
        while (stack.canUndo())
            stack.undo();
        QCOMPARE(g.allNodeIds().size(), 3);
        QCOMPARE(g.allConnectionIds().size(), 0);
    }

    void consecutiveMovesMerge()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        GraphScene scene(&g, &stack);
        QHash<NodeId, QPointF> a{{pred, QPointF(0, 0)}}, b{{pred, QPointF(10, 0)}},
            c{{pred, QPointF(20, 5)}};
        stack.push(new MoveCommand(&g, a, b));
        stack.push(new MoveCommand(&g, b, c));
        QCOMPARE(stack.count(), 1);
        QCOMPARE(g.node(pred)->position, QPointF(20, 5));
        QCOMPARE(scene.nodeItem(pred)->pos(), QPointF(20, 5));
        // Another selection does not merge.
        stack.push(new MoveCommand(&g, {{out, QPointF(0, 0)}}, {{out, QPointF(1, 1)}}));
        QCOMPARE(stack.count(), 2);
        stack.undo();
        stack.undo();
        QCOMPARE(g.node(pred)->position, QPointF(0, 0));

        // A drag of the item pushes a MoveCommand.
        stack.clear();
        g.setNodeData(in, NodeRole::Position, QPointF(-1000, 0));
        g.setNodeData(out, NodeRole::Position, QPointF(1000, 0));
        NodeItem* item = scene.nodeItem(pred);
        const QPointF grab = item->scenePos() + QPointF(50, 10);
        sendMouse(&scene, QEvent::GraphicsSceneMousePress, grab);
        QVERIFY(item->isSelected());
        item->setPos(item->pos() + QPointF(30, 40)); // what a drag does to the item
        sendMouse(&scene, QEvent::GraphicsSceneMouseRelease, grab + QPointF(30, 40));
        QCOMPARE(stack.count(), 1);
        QCOMPARE(g.node(pred)->position, QPointF(30, 40));
        stack.undo();
        QCOMPARE(item->pos(), QPointF(0, 0));
    }

    void copyPasteGivesFreshNames()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        const NodeId second = g.addNode(nodekind::Predict, QStringLiteral("check"));
        QVERIFY(g.setNodeSignature(second, QStringLiteral("answer: int -> ok: bool")));
        QVERIFY(g.addConnection({pred, QStringLiteral("answer"), second, QStringLiteral("answer")})
                    .hasValue());
        QVERIFY(g.addConnection({in, QStringLiteral("question"), pred, QStringLiteral("question")})
                    .hasValue());
        GraphScene scene(&g, &stack);
        scene.nodeItem(pred)->setSelected(true);
        scene.nodeItem(second)->setSelected(true);
        scene.copySelection();
        QVERIFY(QGuiApplication::clipboard()->mimeData()->hasFormat(kGraphNodesMime));
        scene.paste();
        QCOMPARE(g.allNodeIds().size(), 6);
        const NodeId p2 = g.nodeByName(QStringLiteral("solve_2"));
        const NodeId c2 = g.nodeByName(QStringLiteral("check_2"));
        QVERIFY(p2 != InvalidNodeId && c2 != InvalidNodeId);
        QVERIFY(p2 > out && c2 > out);
        QCOMPARE(g.node(p2)->position, g.node(pred)->position + QPointF(40, 40));
        QCOMPARE(g.node(p2)->signatureText, g.node(pred)->signatureText);
        // The internal connection is copied, the one from Input is not.
        QVERIFY(g.connectionExists({p2, QStringLiteral("answer"), c2, QStringLiteral("answer")}));
        QCOMPARE(g.connections(p2).size(), 1);
        QCOMPARE(scene.selectedNodeIds(), (QList<NodeId>{p2, c2}));
        scene.paste();
        QVERIFY(g.nodeByName(QStringLiteral("solve_3")) != InvalidNodeId);
        stack.undo();
        stack.undo();
        QCOMPARE(g.allNodeIds().size(), 4);
        QCOMPARE(scene.nodeItemCount(), 4);
    }

    void autoLayoutOrdersColumnsByDependency()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        const NodeId second = g.addNode(nodekind::Predict, QStringLiteral("check"));
        QVERIFY(g.setNodeSignature(second, QStringLiteral("answer: int -> answer: int")));
        for (const ConnectionId& c :
             {ConnectionId{in, QStringLiteral("question"), pred, QStringLiteral("question")},
              ConnectionId{pred, QStringLiteral("answer"), second, QStringLiteral("answer")},
              ConnectionId{second, QStringLiteral("answer"), out, QStringLiteral("answer")}})
            QVERIFY(g.addConnection(c).hasValue());
        // Scrambled positions.
        g.setNodeData(in, NodeRole::Position, QPointF(900, 0));
        g.setNodeData(out, NodeRole::Position, QPointF(-300, 0));
        GraphScene scene(&g, &stack);
        QVERIFY(pushAutoLayout(&stack, &g));
        QCOMPARE(stack.count(), 1);
        QVERIFY(g.node(in)->position.x() < g.node(pred)->position.x());
        QVERIFY(g.node(pred)->position.x() < g.node(second)->position.x());
        QVERIFY(g.node(second)->position.x() < g.node(out)->position.x());
        QCOMPARE(scene.nodeItem(out)->pos(), g.node(out)->position);
        stack.undo();
        QCOMPARE(g.node(in)->position, QPointF(900, 0));
        QCOMPARE(g.node(out)->position, QPointF(-300, 0));
    }

    void invalidNodeShowsIssueTooltip()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        GraphScene scene(&g, &stack);
        scene.revalidate();
        QVERIFY(scene.nodeItem(pred)->isInvalid()); // its input is not connected
        QString expected;
        for (const GraphIssue& i : g.validate())
            if (i.node == pred)
                expected += (expected.isEmpty() ? QString() : QStringLiteral("\n")) + i.toString();
        QVERIFY(!expected.isEmpty());
        QCOMPARE(scene.nodeItem(pred)->toolTip(), expected);
        QVERIFY(g.addConnection({in, QStringLiteral("question"), pred, QStringLiteral("question")})
                    .hasValue());
        QVERIFY(g.addConnection({pred, QStringLiteral("answer"), out, QStringLiteral("answer")})
                    .hasValue());
        QTRY_VERIFY(!scene.nodeItem(pred)->isInvalid());
        QVERIFY(scene.nodeItem(pred)->toolTip().isEmpty());
    }

    void nodesFollowTheSystemPalette()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        GraphScene scene(&g, &stack);
        // The node body's colour at its centre, rendered through the scene.
        const auto bodyColour = [&] {
            const QRectF r = scene.nodeItem(pred)->sceneBoundingRect();
            QImage image(r.size().toSize(), QImage::Format_ARGB32);
            image.fill(Qt::transparent);
            QPainter painter(&image);
            scene.render(&painter, QRectF(QPointF(0, 0), r.size()), r);
            painter.end();
            return QColor(image.pixel(image.width() / 2, image.height() - 12));
        };
        QPalette light = scene.palette();
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, Qt::black);
        scene.setPalette(light);
        QVERIFY(bodyColour().lightness() > 200);
        QPalette dark = light;
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        scene.setPalette(dark);
        QVERIFY2(bodyColour().lightness() < 60, qPrintable(bodyColour().name()));
    }

    void viewZoomFitAndPaletteDrop()
    {
        ProgramGraph g;
        QUndoStack stack;
        NodeId in, pred, out;
        makeChain(g, &in, &pred, &out);
        GraphScene scene(&g, &stack);
        GraphView view(&scene);
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // A new view fits its graph, a small one at its natural size.
        QVERIFY(view.autoFit());
        QVERIFY(view.zoom() <= 1.0);
        QVERIFY(view.mapToScene(view.viewport()->rect())
                    .boundingRect()
                    .contains(scene.nodeItem(pred)->sceneBoundingRect()));
        const qreal z = view.zoom();
        QTest::keyClick(&view, Qt::Key_Plus, Qt::ControlModifier);
        QVERIFY(view.zoom() > z);
        // Once the user zooms, a resize keeps their zoom.
        QVERIFY(!view.autoFit());
        const qreal chosen = view.zoom();
        view.resize(300, 200);
        QCOMPARE(view.zoom(), chosen);
        QTest::keyClick(&view, Qt::Key_Minus, Qt::ControlModifier);
        QTest::keyClick(&view, Qt::Key_Minus, Qt::ControlModifier);
        QVERIFY(view.zoom() < z);
        g.setNodeData(out, NodeRole::Position, QPointF(3000, 2000));
        QTest::keyClick(&view, Qt::Key_F);
        const QRectF visible = view.mapToScene(view.viewport()->rect()).boundingRect();
        QVERIFY(visible.contains(scene.nodeItem(out)->sceneBoundingRect()));
        QVERIFY(visible.contains(scene.nodeItem(in)->sceneBoundingRect()));

        NodePalette palette;
        QCOMPARE(palette.count(), knownNodeKinds().size());
        std::unique_ptr<QMimeData> mime(palette.mimeData({palette.item(2)}));
        QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, mime.get(), Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(view.viewport(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(100, 100), Qt::CopyAction, mime.get(), Qt::LeftButton,
                        Qt::NoModifier);
        QApplication::sendEvent(view.viewport(), &drop);
        QCOMPARE(g.allNodeIds().size(), 4);
        const NodeId added = g.allNodeIds().last();
        QCOMPARE(g.node(added)->kind, knownNodeKinds().at(2));
        QCOMPARE(stack.count(), 1);
        stack.undo();
        QCOMPARE(g.allNodeIds().size(), 3);
    }

    // GraphEditor runs the arithmetic sample project's program on a worker through the
    // RunManager: every node ends "done" with its outputs shown; an invalid graph does not run.
    void editorRunsTheSampleProgram()
    {
        auto project = Project::load(
            QStringLiteral(DSPY_SOURCE_DIR "/resources/projects/arithmetic.dspyproj"));
        QVERIFY2(project, qPrintable(project ? QString() : project.error()));
        ProgramGraph* graph = (*project)->program(QStringLiteral("main"));
        QVERIFY(graph);
        QUndoStack stack;
        RunManager manager;
        GraphEditor editor(graph, &stack, &manager);
        QLineEdit* question = editor.inputField(QStringLiteral("question"));
        QVERIFY(question);
        question->setText(QStringLiteral("Tom has 3 apples and buys 4 more. How many apples "
                                         "does he have?"));
        QSignalSpy finished(&editor, &GraphEditor::runFinished);
        const QString runId = editor.run();
        QVERIFY2(!runId.isEmpty(), qPrintable(editor.message()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const auto outcome = finished.first().first().value<PredictOutcome>();
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QCOMPARE(outcome.prediction.get(u"answer"), Value(7));
        QVERIFY2(editor.message().contains(QStringLiteral("answer: 7")),
                 qPrintable(editor.message()));
        for (NodeId id : graph->allNodeIds()) {
            const QString kind = graph->node(id)->kind;
            if (kind == nodekind::Input || kind == nodekind::Output)
                continue;
            NodeItem* item = editor.scene()->nodeItem(id);
            QVERIFY(item);
            QCOMPARE(item->status(), std::optional<NodeStatus>(NodeStatus::Done));
            QVERIFY2(item->outputsText().contains(QStringLiteral("answer")),
                     qPrintable(item->outputsText()));
        }
        // Broken: an unconnected required input; nothing starts.
        const NodeId extra = graph->addNode(nodekind::Predict, QStringLiteral("dangling"));
        QVERIFY(extra != InvalidNodeId);
        QVERIFY(editor.run().isEmpty());
        QVERIFY2(editor.message().startsWith(QStringLiteral("Cannot run")),
                 qPrintable(editor.message()));
    }
};

QTEST_MAIN(TestGraphEditor)
#include "tst_grapheditor.moc"
