#pragma once

// GraphEditor — the program tab of the workbench: the node palette, the graph view over a
// GraphScene (the model is the project's ProgramGraph; every edit an undo command on the
// project's stack), an input form generated from the program's inputs, and Run / Stop.
//
// Run builds a GraphProgram from the graph (validation errors are shown, nothing runs) and hands
// it to the RunManager, which runs it on a worker thread: the GUI thread never waits. Node events
// (pending, running, done, failed, cached, skipped) arrive on worker threads into a locked map; a
// 33 ms timer flushes the latest state of each node to the scene's badges and outputs, so the
// view updates at most 30 times a second however fast the nodes finish. Double-clicking a node
// emits nodeActivated(node, runId) so the main window can open its spans.

#include "graph/graphprogram.h"
#include "lm/lmconfig.h"
#include "runtime/runmanager.h"

#include <QHash>
#include <QMutex>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QUndoStack;

namespace dspy::ui {

class GraphScene;
class GraphView;
class NodePalette;

class GraphEditor final : public QWidget
{
    Q_OBJECT
public:
    GraphEditor(ProgramGraph* graph, QUndoStack* stack, RunManager* manager,
                QWidget* parent = nullptr);
    ~GraphEditor() override;

    GraphScene* scene() const { return m_scene; }
    GraphView* view() const { return m_view; }
    NodePalette* palette() const { return m_palette; }
    ProgramGraph* graph() const { return m_graph; }

    void setLM(const LMConfig& lm) { m_lm = lm; }
    // The LM profiles by name that nodes may pick (settings "lm"); a run gets those its nodes use.
    void setNamedLMs(QHash<QString, LMConfig> lms) { m_namedLMs = std::move(lms); }
    // What the program's nodes need from outside (Subgraph programs, retriever, tools, base dir).
    void setEnvironment(std::function<GraphEnvironment()> env) { m_env = std::move(env); }
    const std::function<GraphEnvironment()>& environment() const { return m_env; }

    // The input form's editor for a program input (nullptr when there is none).
    QLineEdit* inputField(const QString& name) const { return m_inputs.value(name); }
    QString message() const; // the status line under the form
    QString lastRunId() const { return m_runId; }

public Q_SLOTS:
    // Returns the run id, or empty (and message() says why) when the graph cannot run.
    QString run();
    void stop();

Q_SIGNALS:
    void runFinished(const dspy::PredictOutcome& outcome);
    void nodeActivated(dspy::NodeId node, const QString& runId);

private:
    struct Live
    {
        QMutex mutex;
        QHash<NodeId, NodeEvent> latest;
    };
    void rebuildForm();
    void flush();

    ProgramGraph* m_graph;
    QUndoStack* m_stack;
    QPointer<RunManager> m_manager; // the window's; it may go before its tabs do
    GraphScene* m_scene = nullptr;
    GraphView* m_view = nullptr;
    NodePalette* m_palette = nullptr;
    QFormLayout* m_form = nullptr;
    QHash<QString, QLineEdit*> m_inputs;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QLabel* m_message = nullptr;
    LMConfig m_lm;
    QHash<QString, LMConfig> m_namedLMs;
    std::function<GraphEnvironment()> m_env;
    std::shared_ptr<Live> m_live = std::make_shared<Live>();
    QTimer m_flush;
    QString m_runId;
};

} // namespace dspy::ui
