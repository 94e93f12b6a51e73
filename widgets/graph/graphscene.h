#pragma once

// GraphScene — a QGraphicsScene mirroring one ProgramGraph (the single source of truth) through
// its change signals. NodeItem: title (name + kind), input ports left and output ports right
// (signature fields with types), a red border and an issue tooltip for invalid nodes, a run badge
// and the last outputs under it. ConnectionItem: a cubic bezier. Dragging from an output port to an
// input port connects through the undo stack; compatible targets are highlighted while dragging; a
// drop on an incompatible port reports ProgramGraph::connectionProblem() via statusMessage() and
// connects nothing. Moving nodes pushes one MoveCommand per drag (merging with the previous one).

#include "graph/graphprogram.h"
#include "graph/programgraph.h"

#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QHash>

class QUndoStack;

namespace dspy::ui {

class GraphScene;

class PortItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 101 };
    PortItem(NodeId node, PortType type, QString field, QGraphicsItem* parent);
    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) override;
    NodeId nodeId() const { return m_node; }
    PortType portType() const { return m_type; }
    const QString& field() const { return m_field; }
    void setHighlighted(bool on);
    bool isHighlighted() const { return m_highlighted; }

private:
    NodeId m_node;
    PortType m_type;
    QString m_field;
    bool m_highlighted = false;
};

class NodeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 100 };
    NodeItem(GraphScene* scene, NodeId id);
    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) override;

    NodeId nodeId() const { return m_id; }
    QString title() const { return m_title; }
    // Rebuilds title and ports from the model.
    void refresh();
    PortItem* port(PortType type, const QString& field) const;
    QList<PortItem*> ports() const { return m_ports; }
    void setIssues(const QStringList& issues); // empty: valid
    bool isInvalid() const { return !m_issues.isEmpty(); }
    void setStatus(std::optional<NodeStatus> status, const QString& outputs);
    std::optional<NodeStatus> status() const { return m_status; }
    QString outputsText() const { return m_outputs; }

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* e) override;

private:
    GraphScene* m_scene;
    NodeId m_id;
    QString m_title;
    QList<PortItem*> m_ports;
    QStringList m_issues;
    std::optional<NodeStatus> m_status;
    QString m_outputs;
    qreal m_height = 40;
    qreal m_bodyHeight = 40;
};

class ConnectionItem : public QGraphicsPathItem
{
public:
    enum { Type = UserType + 102 };
    ConnectionItem(GraphScene* scene, const ConnectionId& c);
    int type() const override { return Type; }
    const ConnectionId& connectionId() const { return m_c; }
    void updatePath();
    static QPainterPath bezier(QPointF from, QPointF to);

private:
    GraphScene* m_scene;
    ConnectionId m_c;
};

class GraphScene : public QGraphicsScene
{
    Q_OBJECT
public:
    static constexpr qreal kNodeWidth = 200;

    GraphScene(ProgramGraph* graph, QUndoStack* stack, QObject* parent = nullptr);
    ~GraphScene() override;

    ProgramGraph* graph() const { return m_graph; }
    QUndoStack* undoStack() const { return m_stack; }
    NodeItem* nodeItem(NodeId id) const { return m_nodes.value(id); }
    ConnectionItem* connectionItem(const ConnectionId& c) const { return m_edges.value(c); }
    int nodeItemCount() const { return int(m_nodes.size()); }
    int connectionItemCount() const { return int(m_edges.size()); }

    // Validation runs after changes, coalesced to one pass per event-loop turn; this runs it now.
    void revalidate();
    QList<NodeId> selectedNodeIds() const;
    QList<ConnectionId> selectedConnectionIds() const;
    // Deletes the selection (nodes with their connections, selected connections) as one command.
    void deleteSelection();
    void copySelection() const;
    void paste();

    void setNodeStatus(NodeId id, std::optional<NodeStatus> status, const QString& outputs = {});
    void clearStatuses();
    QString lastProblem() const { return m_lastProblem; }
    // Where a dragged connection's end currently is (while dragging from an output port).
    bool isConnecting() const { return m_draft != nullptr; }

Q_SIGNALS:
    void statusMessage(const QString& text);
    void nodeDoubleClicked(dspy::NodeId id);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* e) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* e) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;

private:
    friend class NodeItem;
    void onNodeCreated(NodeId id);
    void onNodeDeleted(NodeId id);
    void onNodeUpdated(NodeId id);
    void onNodeMoved(NodeId id);
    void onConnectionCreated(const ConnectionId& c);
    void onConnectionDeleted(const ConnectionId& c);
    void itemMoved(NodeId id); // from NodeItem::itemChange
    void scheduleValidation();
    PortItem* portAt(QPointF scenePos) const;
    void endDraft();

    ProgramGraph* m_graph;
    QUndoStack* m_stack;
    QHash<NodeId, NodeItem*> m_nodes;
    QHash<ConnectionId, ConnectionItem*> m_edges;
    bool m_validationPending = false;
    bool m_syncing = false; // setting item positions from the model
    // Connection drag
    PortItem* m_dragFrom = nullptr;
    QGraphicsPathItem* m_draft = nullptr;
    // Node drag
    QHash<NodeId, QPointF> m_pressPositions;
    QString m_lastProblem;
};

} // namespace dspy::ui
