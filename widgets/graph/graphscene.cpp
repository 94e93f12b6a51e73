#include "graphscene.h"

#include "graphcommands.h"

#include <QApplication>
#include <QClipboard>
#include <QCoreApplication>
#include <QGraphicsSceneMouseEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QPalette>
#include <QTimer>
#include <QUndoStack>

namespace dspy::ui {

namespace {
constexpr qreal kHeader = 26;
constexpr qreal kRow = 20;
constexpr qreal kPortR = 5;

QColor statusColor(NodeStatus s)
{
    switch (s) {
    case NodeStatus::Pending:
        return QColor(150, 150, 150);
    case NodeStatus::Running:
        return QColor(40, 120, 220);
    case NodeStatus::Done:
        return QColor(40, 160, 60);
    case NodeStatus::Failed:
        return QColor(210, 40, 40);
    case NodeStatus::Cached:
        return QColor(140, 90, 200);
    case NodeStatus::Skipped:
        return QColor(200, 150, 40);
    }
    return Qt::gray;
}

// The badge's text, translated (nodeStatusName() is core's English name).
QString statusLabel(NodeStatus s)
{
    switch (s) {
    case NodeStatus::Pending:
        return QCoreApplication::translate("dspy::ui::GraphScene", "pending");
    case NodeStatus::Running:
        return QCoreApplication::translate("dspy::ui::GraphScene", "running");
    case NodeStatus::Done:
        return QCoreApplication::translate("dspy::ui::GraphScene", "done");
    case NodeStatus::Failed:
        return QCoreApplication::translate("dspy::ui::GraphScene", "failed");
    case NodeStatus::Cached:
        return QCoreApplication::translate("dspy::ui::GraphScene", "cached");
    case NodeStatus::Skipped:
        return QCoreApplication::translate("dspy::ui::GraphScene", "skipped");
    }
    return nodeStatusName(s);
}
} // namespace

// --- PortItem ---

PortItem::PortItem(NodeId node, PortType type, QString field, QGraphicsItem* parent)
    : QGraphicsItem(parent)
    , m_node(node)
    , m_type(type)
    , m_field(std::move(field))
{
    setAcceptHoverEvents(true);
}

QRectF PortItem::boundingRect() const
{
    return QRectF(-kPortR - 2, -kPortR - 2, 2 * kPortR + 4, 2 * kPortR + 4);
}

void PortItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*)
{
    p->setRenderHint(QPainter::Antialiasing);
    p->setPen(
        QPen(m_highlighted ? QColor(255, 170, 0) : QColor(60, 60, 60), m_highlighted ? 2.5 : 1));
    p->setBrush(m_type == PortType::In ? QColor(90, 160, 230) : QColor(100, 200, 120));
    p->drawEllipse(QPointF(0, 0), kPortR, kPortR);
}

void PortItem::setHighlighted(bool on)
{
    if (on != m_highlighted) {
        m_highlighted = on;
        update();
    }
}

// --- NodeItem ---

NodeItem::NodeItem(GraphScene* scene, NodeId id)
    : m_scene(scene)
    , m_id(id)
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setZValue(1);
    refresh();
}

void NodeItem::refresh()
{
    const ProgramGraph* g = m_scene->graph();
    const GraphNode* n = g->node(m_id);
    if (!n)
        return;
    m_title = n->name + QStringLiteral(" (") + n->kind + QLatin1Char(')');
    prepareGeometryChange();
    qDeleteAll(m_ports);
    m_ports.clear();
    const QList<Field> ins = g->portFields(m_id, PortType::In);
    const QList<Field> outs = g->portFields(m_id, PortType::Out);
    for (int i = 0; i < ins.size(); ++i) {
        auto* p = new PortItem(m_id, PortType::In, ins[i].name, this);
        p->setPos(0, kHeader + kRow * i + kRow / 2);
        p->setToolTip(ins[i].name + QStringLiteral(": ") + ins[i].type.displayName());
        m_ports.append(p);
    }
    for (int i = 0; i < outs.size(); ++i) {
        auto* p = new PortItem(m_id, PortType::Out, outs[i].name, this);
        p->setPos(GraphScene::kNodeWidth, kHeader + kRow * i + kRow / 2);
        p->setToolTip(outs[i].name + QStringLiteral(": ") + outs[i].type.displayName());
        m_ports.append(p);
    }
    m_bodyHeight = kHeader + kRow * std::max<qsizetype>(1, std::max(ins.size(), outs.size())) + 4;
    const int outputLines = m_outputs.isEmpty() ? 0 : int(m_outputs.count(QLatin1Char('\n'))) + 1;
    m_height = m_bodyHeight + outputLines * 16 + (outputLines ? 6 : 0);
    update();
}

PortItem* NodeItem::port(PortType type, const QString& field) const
{
    for (PortItem* p : m_ports)
        if (p->portType() == type && p->field() == field)
            return p;
    return nullptr;
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(-kPortR - 3, -22, GraphScene::kNodeWidth + 2 * kPortR + 6, m_height + 26);
}

void NodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*)
{
    p->setRenderHint(QPainter::Antialiasing);
    // Colours from the palette, so nodes read on a dark system theme as on a light one.
    const QPalette pal = m_scene->palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    QColor header = pal.color(QPalette::Highlight);
    header.setAlphaF(0.18);
    QColor border = text;
    border.setAlphaF(0.6);
    const QRectF body(0, 0, GraphScene::kNodeWidth, m_bodyHeight);
    QPen pen(isInvalid() ? QColor(220, 30, 30) : border, isInvalid() ? 3 : 1.2);
    if (isSelected())
        pen = QPen(QColor(255, 170, 0), 3);
    p->setPen(pen);
    p->setBrush(base);
    p->drawRoundedRect(body, 6, 6);
    p->setBrush(header);
    p->drawRoundedRect(QRectF(0, 0, GraphScene::kNodeWidth, kHeader), 6, 6);
    p->setPen(text);
    QFont f = p->font();
    f.setBold(true);
    p->setFont(f);
    p->drawText(
        QRectF(8, 0, GraphScene::kNodeWidth - 16, kHeader), Qt::AlignVCenter,
        p->fontMetrics().elidedText(m_title, Qt::ElideRight, int(GraphScene::kNodeWidth - 40)));
    f.setBold(false);
    p->setFont(f);
    const ProgramGraph* g = m_scene->graph();
    for (PortItem* port : m_ports) {
        const QPointF at = port->pos();
        const auto field = g->portField(m_id, port->portType(), port->field());
        const QString label =
            field ? field->name + QStringLiteral(": ") + field->type.displayName() : port->field();
        if (port->portType() == PortType::In)
            p->drawText(QRectF(10, at.y() - kRow / 2, GraphScene::kNodeWidth / 2, kRow),
                        Qt::AlignVCenter | Qt::AlignLeft, label);
        else
            p->drawText(QRectF(GraphScene::kNodeWidth / 2 - 10, at.y() - kRow / 2,
                               GraphScene::kNodeWidth / 2, kRow),
                        Qt::AlignVCenter | Qt::AlignRight, label);
    }
    if (m_status) {
        const QColor c = statusColor(*m_status);
        p->setPen(Qt::NoPen);
        p->setBrush(c);
        const QRectF badge(GraphScene::kNodeWidth - 70, -20, 70, 16);
        p->drawRoundedRect(badge, 8, 8);
        p->setPen(Qt::white);
        p->drawText(badge, Qt::AlignCenter, statusLabel(*m_status));
    }
    if (!m_outputs.isEmpty()) {
        p->setPen(text);
        p->drawText(
            QRectF(2, m_bodyHeight + 4, GraphScene::kNodeWidth - 4, m_height - m_bodyHeight),
            Qt::AlignLeft | Qt::AlignTop, m_outputs);
    }
}

void NodeItem::setIssues(const QStringList& issues)
{
    if (issues == m_issues)
        return;
    m_issues = issues;
    setToolTip(issues.join(QLatin1Char('\n')));
    update();
}

void NodeItem::setStatus(std::optional<NodeStatus> status, const QString& outputs)
{
    const bool relayout = outputs != m_outputs;
    m_status = status;
    m_outputs = outputs;
    if (relayout)
        refresh();
    update();
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    if (change == ItemPositionHasChanged)
        m_scene->itemMoved(m_id);
    return QGraphicsItem::itemChange(change, value);
}

void NodeItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* e)
{
    Q_EMIT m_scene->nodeDoubleClicked(m_id);
    QGraphicsItem::mouseDoubleClickEvent(e);
}

// --- ConnectionItem ---

ConnectionItem::ConnectionItem(GraphScene* scene, const ConnectionId& c)
    : m_scene(scene)
    , m_c(c)
{
    setFlag(ItemIsSelectable);
    setZValue(0);
    updatePath();
}

QPainterPath ConnectionItem::bezier(QPointF from, QPointF to)
{
    QPainterPath path(from);
    const qreal dx = std::max<qreal>(40, std::abs(to.x() - from.x()) / 2);
    path.cubicTo(from + QPointF(dx, 0), to - QPointF(dx, 0), to);
    return path;
}

void ConnectionItem::updatePath()
{
    NodeItem* a = m_scene->nodeItem(m_c.outNode);
    NodeItem* b = m_scene->nodeItem(m_c.inNode);
    if (!a || !b)
        return;
    PortItem* pa = a->port(PortType::Out, m_c.outField);
    PortItem* pb = b->port(PortType::In, m_c.inField);
    const QPointF from = pa ? pa->scenePos() : a->scenePos() + QPointF(GraphScene::kNodeWidth, 13);
    const QPointF to = pb ? pb->scenePos() : b->scenePos() + QPointF(0, 13);
    setPath(bezier(from, to));
    QColor line = m_scene->palette().color(QPalette::Text);
    line.setAlphaF(0.65);
    setPen(QPen(isSelected() ? QColor(255, 170, 0) : line, 2));
}

// --- GraphScene ---

GraphScene::GraphScene(ProgramGraph* graph, QUndoStack* stack, QObject* parent)
    : QGraphicsScene(parent)
    , m_graph(graph)
    , m_stack(stack)
{
    setItemIndexMethod(QGraphicsScene::NoIndex);
    connect(graph, &ProgramGraph::nodeCreated, this, &GraphScene::onNodeCreated);
    connect(graph, &ProgramGraph::nodeDeleted, this, &GraphScene::onNodeDeleted);
    connect(graph, &ProgramGraph::nodeUpdated, this, &GraphScene::onNodeUpdated);
    connect(graph, &ProgramGraph::nodePositionUpdated, this, &GraphScene::onNodeMoved);
    connect(graph, &ProgramGraph::connectionCreated, this, &GraphScene::onConnectionCreated);
    connect(graph, &ProgramGraph::connectionDeleted, this, &GraphScene::onConnectionDeleted);
    connect(graph, &ProgramGraph::programSignatureChanged, this, [this] {
        for (NodeItem* n : std::as_const(m_nodes))
            n->refresh();
        for (ConnectionItem* c : std::as_const(m_edges))
            c->updatePath();
        scheduleValidation();
    });
    connect(this, &QGraphicsScene::selectionChanged, this, [this] {
        for (ConnectionItem* c : std::as_const(m_edges))
            c->updatePath();
    });
    for (NodeId id : graph->allNodeIds())
        onNodeCreated(id);
    for (const ConnectionId& c : graph->allConnectionIds())
        onConnectionCreated(c);
    revalidate();
}

GraphScene::~GraphScene()
{
    disconnect(m_graph, nullptr, this, nullptr);
    // QGraphicsScene's destructor removes the items and emits selectionChanged after this part
    // of the object is gone: the items go now, with nothing listening (neither the scene nor
    // outside receivers, such as the main window's Inspector, which may be half destroyed too).
    disconnect(this, &QGraphicsScene::selectionChanged, nullptr, nullptr);
    m_nodes.clear();
    m_edges.clear();
    clear();
}

void GraphScene::onNodeCreated(NodeId id)
{
    if (m_nodes.contains(id))
        return;
    auto* item = new NodeItem(this, id);
    m_nodes.insert(id, item);
    m_syncing = true;
    item->setPos(m_graph->node(id)->position);
    m_syncing = false;
    addItem(item);
    scheduleValidation();
}

void GraphScene::onNodeDeleted(NodeId id)
{
    if (NodeItem* item = m_nodes.take(id)) {
        if (m_dragFrom && m_dragFrom->nodeId() == id)
            endDraft();
        delete item;
    }
    scheduleValidation();
}

void GraphScene::onNodeUpdated(NodeId id)
{
    if (NodeItem* item = m_nodes.value(id)) {
        if (m_dragFrom && m_dragFrom->nodeId() == id)
            endDraft();
        item->refresh();
        for (const ConnectionId& c : m_graph->connections(id))
            if (ConnectionItem* e = m_edges.value(c))
                e->updatePath();
    }
    scheduleValidation();
}

void GraphScene::onNodeMoved(NodeId id)
{
    if (NodeItem* item = m_nodes.value(id)) {
        m_syncing = true;
        item->setPos(m_graph->node(id)->position);
        m_syncing = false;
        itemMoved(id);
    }
}

void GraphScene::itemMoved(NodeId id)
{
    for (const ConnectionId& c : m_graph->connections(id))
        if (ConnectionItem* e = m_edges.value(c))
            e->updatePath();
}

void GraphScene::onConnectionCreated(const ConnectionId& c)
{
    if (m_edges.contains(c))
        return;
    auto* item = new ConnectionItem(this, c);
    m_edges.insert(c, item);
    addItem(item);
    scheduleValidation();
}

void GraphScene::onConnectionDeleted(const ConnectionId& c)
{
    delete m_edges.take(c);
    scheduleValidation();
}

void GraphScene::scheduleValidation()
{
    if (m_validationPending)
        return;
    m_validationPending = true;
    QTimer::singleShot(0, this, [this] {
        if (m_validationPending)
            revalidate();
    });
}

void GraphScene::revalidate()
{
    m_validationPending = false;
    QHash<NodeId, QStringList> issues;
    for (const GraphIssue& issue : m_graph->validate())
        issues[issue.node].append(issue.toString());
    for (auto it = m_nodes.begin(); it != m_nodes.end(); ++it)
        it.value()->setIssues(issues.value(it.key()));
}

QList<NodeId> GraphScene::selectedNodeIds() const
{
    QList<NodeId> ids;
    for (QGraphicsItem* i : selectedItems())
        if (i->type() == NodeItem::Type)
            ids.append(static_cast<NodeItem*>(i)->nodeId());
    std::sort(ids.begin(), ids.end());
    return ids;
}

QList<ConnectionId> GraphScene::selectedConnectionIds() const
{
    QList<ConnectionId> ids;
    for (QGraphicsItem* i : selectedItems())
        if (i->type() == ConnectionItem::Type)
            ids.append(static_cast<ConnectionItem*>(i)->connectionId());
    return ids;
}

void GraphScene::deleteSelection()
{
    pushDelete(m_stack, m_graph, selectedNodeIds(), selectedConnectionIds());
}

void GraphScene::copySelection() const
{
    const QList<NodeId> ids = selectedNodeIds();
    if (!ids.isEmpty())
        QGuiApplication::clipboard()->setMimeData(nodesToMime(*m_graph, ids));
}

void GraphScene::paste()
{
    QString error;
    const QList<NodeId> ids = pushPaste(m_stack, m_graph, QGuiApplication::clipboard()->mimeData(),
                                        QPointF(40, 40), &error);
    if (ids.isEmpty()) {
        m_lastProblem = error;
        Q_EMIT statusMessage(error);
        return;
    }
    clearSelection();
    for (NodeId id : ids)
        if (NodeItem* n = m_nodes.value(id))
            n->setSelected(true);
}

void GraphScene::setNodeStatus(NodeId id, std::optional<NodeStatus> status, const QString& outputs)
{
    if (NodeItem* n = m_nodes.value(id))
        n->setStatus(status, outputs);
}

void GraphScene::clearStatuses()
{
    for (NodeItem* n : std::as_const(m_nodes))
        n->setStatus(std::nullopt, {});
}

PortItem* GraphScene::portAt(QPointF scenePos) const
{
    for (QGraphicsItem* i : items(QRectF(scenePos - QPointF(kPortR + 2, kPortR + 2),
                                         QSizeF(2 * kPortR + 4, 2 * kPortR + 4))))
        if (i->type() == PortItem::Type)
            return static_cast<PortItem*>(i);
    return nullptr;
}

void GraphScene::endDraft()
{
    delete m_draft;
    m_draft = nullptr;
    m_dragFrom = nullptr;
    for (NodeItem* n : std::as_const(m_nodes))
        for (PortItem* p : n->ports())
            p->setHighlighted(false);
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* e)
{
    if (e->button() == Qt::LeftButton) {
        PortItem* port = portAt(e->scenePos());
        if (port && port->portType() == PortType::Out) {
            endDraft();
            m_dragFrom = port;
            m_draft = new QGraphicsPathItem;
            m_draft->setPen(QPen(QColor(255, 140, 0), 2, Qt::DashLine));
            m_draft->setZValue(2);
            addItem(m_draft);
            m_draft->setPath(ConnectionItem::bezier(port->scenePos(), e->scenePos()));
            // Highlight every input port this output may connect to.
            for (NodeItem* n : std::as_const(m_nodes))
                for (PortItem* p : n->ports())
                    if (p->portType() == PortType::In)
                        p->setHighlighted(m_graph->connectionPossible(
                            {port->nodeId(), port->field(), p->nodeId(), p->field()}));
            e->accept();
            return;
        }
    }
    m_pressPositions.clear();
    QGraphicsScene::mousePressEvent(e);
    for (NodeId id : selectedNodeIds())
        m_pressPositions.insert(id, m_nodes.value(id)->pos());
}

void GraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent* e)
{
    if (m_draft) {
        m_draft->setPath(ConnectionItem::bezier(m_dragFrom->scenePos(), e->scenePos()));
        e->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(e);
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* e)
{
    if (m_draft) {
        const PortItem* from = m_dragFrom;
        PortItem* to = portAt(e->scenePos());
        if (to && to->portType() == PortType::In) {
            const ConnectionId c{from->nodeId(), from->field(), to->nodeId(), to->field()};
            endDraft();
            const QString problem = pushConnect(m_stack, m_graph, c);
            m_lastProblem = problem;
            Q_EMIT statusMessage(problem.isEmpty() ? tr("Connected") : problem);
        } else {
            endDraft();
        }
        e->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(e);
    // One MoveCommand for the nodes this drag moved.
    QHash<NodeId, QPointF> from, to;
    for (auto it = m_pressPositions.begin(); it != m_pressPositions.end(); ++it) {
        NodeItem* n = m_nodes.value(it.key());
        if (!n || n->pos() == it.value())
            continue;
        from.insert(it.key(), m_graph->node(it.key())->position);
        to.insert(it.key(), n->pos());
    }
    m_pressPositions.clear();
    if (!to.isEmpty())
        m_stack->push(new MoveCommand(m_graph, std::move(from), std::move(to)));
}

void GraphScene::keyPressEvent(QKeyEvent* e)
{
    if (e->matches(QKeySequence::Delete) || e->key() == Qt::Key_Backspace) {
        deleteSelection();
        e->accept();
    } else if (e->matches(QKeySequence::Copy)) {
        copySelection();
        e->accept();
    } else if (e->matches(QKeySequence::Paste)) {
        paste();
        e->accept();
    } else {
        QGraphicsScene::keyPressEvent(e);
    }
}

} // namespace dspy::ui
