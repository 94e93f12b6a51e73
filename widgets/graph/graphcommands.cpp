#include "graphcommands.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMimeData>
#include <QRegularExpression>
#include <QSet>
#include <QUndoStack>

#include <algorithm>

namespace dspy::ui {

namespace {
QString tr(const char* s)
{
    return QCoreApplication::translate("dspy::ui::GraphCommands", s);
}

void insertAll(ProgramGraph* graph, const QList<GraphNode>& nodes, const QList<ConnectionId>& edges)
{
    for (const GraphNode& n : nodes) {
        graph->reserveIds(n.id + 1);
        (void)graph->insertNode(n);
    }
    for (const ConnectionId& c : edges)
        (void)graph->addConnection(c);
}
} // namespace

InsertNodesCommand::InsertNodesCommand(ProgramGraph* graph, QList<GraphNode> nodes,
                                       QList<ConnectionId> edges, const QString& text,
                                       QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_graph(graph)
    , m_nodes(std::move(nodes))
    , m_edges(std::move(edges))
{}

void InsertNodesCommand::redo()
{
    insertAll(m_graph, m_nodes, m_edges);
}

void InsertNodesCommand::undo()
{
    for (const GraphNode& n : m_nodes)
        m_graph->deleteNode(n.id);
}

AddNodeCommand::AddNodeCommand(ProgramGraph* graph, const QString& kind, QPointF pos,
                               QUndoCommand* parent)
    : QUndoCommand(tr("Add %1").arg(kind), parent)
    , m_graph(graph)
    , m_kind(kind)
    , m_pos(pos)
{}

void AddNodeCommand::redo()
{
    if (m_node.id == InvalidNodeId) {
        const NodeId id = m_graph->addNode(m_kind);
        m_graph->setNodeData(id, NodeRole::Position, m_pos);
        m_node = *m_graph->node(id);
    } else {
        insertAll(m_graph, {m_node}, {});
    }
}

void AddNodeCommand::undo()
{
    m_graph->deleteNode(m_node.id);
}

DeleteCommand::DeleteCommand(ProgramGraph* graph, const QList<NodeId>& nodes,
                             const QList<ConnectionId>& connections, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_graph(graph)
{
    const QSet<NodeId> ids(nodes.begin(), nodes.end());
    const QSet<ConnectionId> extra(connections.begin(), connections.end());
    for (NodeId id : graph->allNodeIds())
        if (ids.contains(id))
            m_nodes.append(*graph->node(id));
    for (const ConnectionId& c : graph->allConnectionIds())
        if (ids.contains(c.outNode) || ids.contains(c.inNode) || extra.contains(c))
            m_edges.append(c);
    setText(tr("Disconnect"));
    if (!m_nodes.isEmpty())
        setText(QCoreApplication::translate("dspy::ui::GraphCommands", "Delete %n node(s)", nullptr,
                                            int(m_nodes.size())));
}

void DeleteCommand::redo()
{
    for (const ConnectionId& c : m_edges)
        m_graph->deleteConnection(c);
    for (const GraphNode& n : m_nodes)
        m_graph->deleteNode(n.id);
}

void DeleteCommand::undo()
{
    insertAll(m_graph, m_nodes, m_edges);
}

ConnectCommand::ConnectCommand(ProgramGraph* graph, const ConnectionId& c, bool connect,
                               QUndoCommand* parent)
    : QUndoCommand(connect ? tr("Connect") : tr("Disconnect"), parent)
    , m_graph(graph)
    , m_c(c)
    , m_connect(connect)
{}

void ConnectCommand::redo()
{
    if (m_connect)
        (void)m_graph->addConnection(m_c);
    else
        m_graph->deleteConnection(m_c);
}

void ConnectCommand::undo()
{
    if (m_connect)
        m_graph->deleteConnection(m_c);
    else
        (void)m_graph->addConnection(m_c);
}

MoveCommand::MoveCommand(ProgramGraph* graph, QHash<NodeId, QPointF> from,
                         QHash<NodeId, QPointF> to, bool mergeable, QUndoCommand* parent)
    : QUndoCommand(mergeable ? tr("Move") : tr("Auto-layout"), parent)
    , m_graph(graph)
    , m_from(std::move(from))
    , m_to(std::move(to))
    , m_mergeable(mergeable)
{}

void MoveCommand::apply(const QHash<NodeId, QPointF>& positions)
{
    for (auto it = positions.begin(); it != positions.end(); ++it)
        m_graph->setNodeData(it.key(), NodeRole::Position, it.value());
}

void MoveCommand::redo()
{
    apply(m_to);
}

void MoveCommand::undo()
{
    apply(m_from);
}

bool MoveCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = static_cast<const MoveCommand*>(other);
    if (!o->m_mergeable || o->m_to.keys() != m_to.keys()) {
        QList<NodeId> a = o->m_to.keys(), b = m_to.keys();
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        if (!o->m_mergeable || a != b)
            return false;
    }
    m_to = o->m_to;
    return true;
}

SetNodeDataCommand::SetNodeDataCommand(ProgramGraph* graph, NodeId id, NodeRole role,
                                       QVariant value, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_graph(graph)
    , m_id(id)
    , m_role(role)
    , m_old(graph->nodeData(id, role))
    , m_new(std::move(value))
{
    switch (role) {
    case NodeRole::Name:
        setText(tr("Rename"));
        break;
    case NodeRole::Signature:
        setText(tr("Edit signature"));
        break;
    case NodeRole::Settings:
        setText(tr("Edit settings"));
        break;
    default:
        setText(tr("Edit node"));
        break;
    }
}

void SetNodeDataCommand::redo()
{
    m_graph->setNodeData(m_id, m_role, m_new);
}

void SetNodeDataCommand::undo()
{
    m_graph->setNodeData(m_id, m_role, m_old);
}

bool SetNodeDataCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = static_cast<const SetNodeDataCommand*>(other);
    if (o->m_graph != m_graph || o->m_id != m_id || o->m_role != m_role ||
        o->m_mergeKey != m_mergeKey)
        return false;
    m_new = o->m_new;
    setObsolete(m_new == m_old);
    return true;
}

QString pushConnect(QUndoStack* stack, ProgramGraph* graph, const ConnectionId& c)
{
    const QString problem = graph->connectionProblem(c);
    if (problem.isEmpty())
        stack->push(new ConnectCommand(graph, c, true));
    return problem;
}

QString pushRename(QUndoStack* stack, ProgramGraph* graph, NodeId id, const QString& name)
{
    if (!graph->nodeExists(id))
        return tr("no such node");
    if (!isValidNodeName(name))
        return tr("'%1' is not a valid node name (letters, digits and _, not starting with a "
                  "digit)")
            .arg(name);
    const NodeId other = graph->nodeByName(name);
    if (other == id)
        return {};
    if (other != InvalidNodeId)
        return tr("a node named '%1' already exists").arg(name);
    stack->push(new SetNodeDataCommand(graph, id, NodeRole::Name, name));
    return {};
}

QString pushSignature(QUndoStack* stack, ProgramGraph* graph, NodeId id, const QString& text)
{
    if (!graph->nodeExists(id))
        return tr("no such node");
    stack->push(new SetNodeDataCommand(graph, id, NodeRole::Signature, text));
    return {};
}

QString pushSettingsJson(QUndoStack* stack, ProgramGraph* graph, NodeId id, const QString& json)
{
    if (!graph->nodeExists(id))
        return tr("no such node");
    QString error;
    const auto v = Value::fromJson(json, &error);
    if (!v || !v->isObject())
        return tr("settings must be a JSON object: %1").arg(error.isEmpty() ? json : error);
    stack->push(new SetNodeDataCommand(graph, id, NodeRole::Settings, json));
    return {};
}

NodeId pushAddNode(QUndoStack* stack, ProgramGraph* graph, const QString& kind, QPointF pos)
{
    auto* cmd = new AddNodeCommand(graph, kind, pos);
    stack->push(cmd); // redo() runs here
    return cmd->nodeId();
}

void pushDelete(QUndoStack* stack, ProgramGraph* graph, const QList<NodeId>& nodes,
                const QList<ConnectionId>& connections)
{
    if (nodes.isEmpty() && connections.isEmpty())
        return;
    stack->push(new DeleteCommand(graph, nodes, connections));
}

QMimeData* nodesToMime(const ProgramGraph& graph, const QList<NodeId>& nodes)
{
    const QSet<NodeId> ids(nodes.begin(), nodes.end());
    QJsonArray jn, je;
    for (NodeId id : graph.allNodeIds()) {
        if (!ids.contains(id))
            continue;
        const GraphNode* n = graph.node(id);
        QJsonObject o;
        o[QStringLiteral("id")] = n->id;
        o[QStringLiteral("name")] = n->name;
        o[QStringLiteral("kind")] = n->kind;
        o[QStringLiteral("signature")] = n->signatureText;
        o[QStringLiteral("settings")] = Value(n->settings).toJson();
        o[QStringLiteral("state")] = Value(n->state).toJson();
        o[QStringLiteral("x")] = n->position.x();
        o[QStringLiteral("y")] = n->position.y();
        jn.append(o);
    }
    for (const ConnectionId& c : graph.allConnectionIds()) {
        if (!ids.contains(c.outNode) || !ids.contains(c.inNode))
            continue;
        je.append(QJsonObject{{QStringLiteral("out"), c.outNode},
                              {QStringLiteral("out_field"), c.outField},
                              {QStringLiteral("in"), c.inNode},
                              {QStringLiteral("in_field"), c.inField}});
    }
    auto* mime = new QMimeData;
    mime->setData(kGraphNodesMime, QJsonDocument(QJsonObject{{QStringLiteral("nodes"), jn},
                                                             {QStringLiteral("edges"), je}})
                                       .toJson(QJsonDocument::Compact));
    return mime;
}

namespace {
Object objectFrom(const QString& json)
{
    const auto v = Value::fromJson(json);
    return v && v->isObject() ? v->toObject() : Object{};
}

QString freshName(const ProgramGraph& graph, const QString& name, const QSet<QString>& taken)
{
    static const QRegularExpression suffix(QStringLiteral("_(\\d+)$"));
    QString base = name;
    base.remove(suffix);
    if (base.isEmpty())
        base = QStringLiteral("node");
    for (int i = 2;; ++i) {
        const QString candidate = base + QLatin1Char('_') + QString::number(i);
        if (graph.nodeByName(candidate) == InvalidNodeId && !taken.contains(candidate))
            return candidate;
    }
}
} // namespace

QList<NodeId> pushPaste(QUndoStack* stack, ProgramGraph* graph, const QMimeData* mime,
                        QPointF offset, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return QList<NodeId>{};
    };
    if (!mime || !mime->hasFormat(kGraphNodesMime))
        return fail(tr("the clipboard holds no graph nodes"));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(mime->data(kGraphNodesMime), &pe);
    if (!doc.isObject())
        return fail(tr("the copied nodes are not valid JSON: %1").arg(pe.errorString()));
    const QJsonObject root = doc.object();
    QHash<NodeId, NodeId> idMap;
    QSet<QString> taken;
    QList<GraphNode> nodes;
    NodeId next = graph->nextNodeId();
    for (const QJsonValue& v : root.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString kind = o.value(QStringLiteral("kind")).toString();
        // One Input and one Output per graph: those are not duplicated.
        if (kind == nodekind::Input || kind == nodekind::Output || kind.isEmpty())
            continue;
        GraphNode n;
        n.id = next++;
        n.kind = kind;
        n.name = freshName(*graph, o.value(QStringLiteral("name")).toString(), taken);
        taken.insert(n.name);
        n.signatureText = o.value(QStringLiteral("signature")).toString();
        n.settings = objectFrom(o.value(QStringLiteral("settings")).toString());
        n.state = objectFrom(o.value(QStringLiteral("state")).toString());
        n.position = QPointF(o.value(QStringLiteral("x")).toDouble(),
                             o.value(QStringLiteral("y")).toDouble()) +
                     offset;
        idMap.insert(o.value(QStringLiteral("id")).toInt(), n.id);
        nodes.append(n);
    }
    if (nodes.isEmpty())
        return fail(tr("nothing to paste"));
    QList<ConnectionId> edges;
    for (const QJsonValue& v : root.value(QStringLiteral("edges")).toArray()) {
        const QJsonObject o = v.toObject();
        const NodeId out = idMap.value(o.value(QStringLiteral("out")).toInt(), InvalidNodeId);
        const NodeId in = idMap.value(o.value(QStringLiteral("in")).toInt(), InvalidNodeId);
        if (out != InvalidNodeId && in != InvalidNodeId)
            edges.append({out, o.value(QStringLiteral("out_field")).toString(), in,
                          o.value(QStringLiteral("in_field")).toString()});
    }
    QList<NodeId> ids;
    for (const GraphNode& n : nodes)
        ids.append(n.id);
    stack->push(new InsertNodesCommand(graph, std::move(nodes), std::move(edges), tr("Paste")));
    return ids;
}

bool pushAutoLayout(QUndoStack* stack, ProgramGraph* graph, qreal columnWidth, qreal rowHeight)
{
    const auto order = graph->topologicalOrder();
    if (!order || order->isEmpty())
        return false;
    QHash<NodeId, int> column;
    for (NodeId id : *order) {
        int c = 0;
        for (const ConnectionId& e : graph->connections(id))
            if (e.inNode == id)
                c = std::max(c, column.value(e.outNode) + 1);
        column.insert(id, c);
    }
    // The Output node goes in the last column.
    int last = 0;
    for (int c : std::as_const(column))
        last = std::max(last, c);
    for (NodeId id : *order)
        if (graph->node(id)->kind == nodekind::Output)
            column[id] = last;
    QHash<int, int> rows;
    QHash<NodeId, QPointF> from, to;
    QList<NodeId> ids = *order;
    std::sort(ids.begin(), ids.end());
    for (NodeId id : ids) {
        const int c = column.value(id);
        const int r = rows[c]++;
        from.insert(id, graph->node(id)->position);
        to.insert(id, QPointF(c * columnWidth, r * rowHeight));
    }
    stack->push(new MoveCommand(graph, std::move(from), std::move(to), false));
    return true;
}

} // namespace dspy::ui
