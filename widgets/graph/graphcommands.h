#pragma once

// Undoable edits of a ProgramGraph (the editor's only way to change the model).
//
// Every command works on the model by id; redo after undo restores the same ids, so commands
// further up the stack stay valid. Helpers that can refuse (connect, rename) check first and return
// why they refused (empty: pushed). Consecutive moves of the same set of nodes merge into one
// command (mergeWith, id MoveCommand::Id); auto-layout is one command that never merges.

#include "graph/programgraph.h"

#include <QHash>
#include <QPointF>
#include <QUndoCommand>

class QMimeData;
class QUndoStack;

namespace dspy::ui {

// The custom clipboard MIME type of copied nodes (JSON: {"nodes": [...], "edges": [...]}).
inline const QString kGraphNodesMime = QStringLiteral("application/x-dspy-graph-nodes");

// Inserts nodes (with their ids) and connections; undo removes them. Used by paste.
class InsertNodesCommand : public QUndoCommand
{
public:
    InsertNodesCommand(ProgramGraph* graph, QList<GraphNode> nodes, QList<ConnectionId> edges,
                       const QString& text, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    ProgramGraph* m_graph;
    QList<GraphNode> m_nodes;
    QList<ConnectionId> m_edges;
};

// Adds one node of a kind at a position (name: a free one derived from the kind).
class AddNodeCommand : public QUndoCommand
{
public:
    AddNodeCommand(ProgramGraph* graph, const QString& kind, QPointF pos,
                   QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    NodeId nodeId() const { return m_node.id; }

private:
    ProgramGraph* m_graph;
    QString m_kind;
    QPointF m_pos;
    GraphNode m_node; // after the first redo
};

// Deletes nodes with all their connections, and further connections.
class DeleteCommand : public QUndoCommand
{
public:
    DeleteCommand(ProgramGraph* graph, const QList<NodeId>& nodes,
                  const QList<ConnectionId>& connections, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    ProgramGraph* m_graph;
    QList<GraphNode> m_nodes;
    QList<ConnectionId> m_edges; // every connection removed, in model order
};

class ConnectCommand : public QUndoCommand
{
public:
    ConnectCommand(ProgramGraph* graph, const ConnectionId& c, bool connect,
                   QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    ProgramGraph* m_graph;
    ConnectionId m_c;
    bool m_connect;
};

class MoveCommand : public QUndoCommand
{
public:
    enum { Id = 0x4d4f5645 };
    MoveCommand(ProgramGraph* graph, QHash<NodeId, QPointF> from, QHash<NodeId, QPointF> to,
                bool mergeable = true, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return m_mergeable ? int(Id) : -1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    void apply(const QHash<NodeId, QPointF>& positions);
    ProgramGraph* m_graph;
    QHash<NodeId, QPointF> m_from, m_to;
    bool m_mergeable;
};

// Sets one role (Name, Signature, Settings, State) of one node. With a merge key (the inspector's
// "settings.config.temperature", "instructions:predict", ...), consecutive commands of the same
// node, role and key merge into one undo step, as drags do; without one they never merge.
class SetNodeDataCommand : public QUndoCommand
{
public:
    enum { Id = 0x4e444154 };
    SetNodeDataCommand(ProgramGraph* graph, NodeId id, NodeRole role, QVariant value,
                       QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    void setMergeKey(const QString& key) { m_mergeKey = key; }
    int id() const override { return m_mergeKey.isEmpty() ? -1 : int(Id); }
    bool mergeWith(const QUndoCommand* other) override;

private:
    ProgramGraph* m_graph;
    NodeId m_id;
    NodeRole m_role;
    QVariant m_old, m_new;
    QString m_mergeKey;
};

// --- helpers pushing onto a stack; they return why they refused (empty: pushed) ---
QString pushConnect(QUndoStack* stack, ProgramGraph* graph, const ConnectionId& c);
QString pushRename(QUndoStack* stack, ProgramGraph* graph, NodeId id, const QString& name);
QString pushSignature(QUndoStack* stack, ProgramGraph* graph, NodeId id, const QString& text);
QString pushSettingsJson(QUndoStack* stack, ProgramGraph* graph, NodeId id, const QString& json);
NodeId pushAddNode(QUndoStack* stack, ProgramGraph* graph, const QString& kind, QPointF pos);
void pushDelete(QUndoStack* stack, ProgramGraph* graph, const QList<NodeId>& nodes,
                const QList<ConnectionId>& connections = {});

// Copy/paste: the nodes and the connections among them as JSON in kGraphNodesMime.
QMimeData* nodesToMime(const ProgramGraph& graph, const QList<NodeId>& nodes);
// Pastes with fresh ids and names, offset by `offset`; returns the new ids (empty: nothing to
// paste or bad data, *error says why).
QList<NodeId> pushPaste(QUndoStack* stack, ProgramGraph* graph, const QMimeData* mime,
                        QPointF offset, QString* error = nullptr);

// Layered layout: each node's column is its longest path from a source in topologicalOrder();
// columns left to right, nodes of a column top to bottom in id order. One undoable command.
// Returns false (nothing pushed) on a cycle or an empty graph.
bool pushAutoLayout(QUndoStack* stack, ProgramGraph* graph, qreal columnWidth = 260,
                    qreal rowHeight = 160);

} // namespace dspy::ui
