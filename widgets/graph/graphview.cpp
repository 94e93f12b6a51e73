#include "graphview.h"

#include "graphcommands.h"
#include "graphscene.h"

#include <QDragEnterEvent>
#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>

namespace dspy::ui {

NodePalette::NodePalette(QWidget* parent)
    : QListWidget(parent)
{
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setSelectionMode(QAbstractItemView::SingleSelection);
    for (const QString& kind : knownNodeKinds()) {
        auto* item = new QListWidgetItem(kind, this);
        item->setData(Qt::UserRole, kind);
        item->setToolTip(tr("Drag into the graph, or double-click to add a %1 node").arg(kind));
    }
    connect(this, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
        Q_EMIT kindActivated(item->data(Qt::UserRole).toString());
    });
}

QMimeData* NodePalette::mimeData(const QList<QListWidgetItem*>& items) const
{
    if (items.isEmpty())
        return nullptr;
    auto* mime = new QMimeData;
    mime->setData(kNodeKindMime, items.first()->data(Qt::UserRole).toString().toUtf8());
    return mime;
}

GraphView::GraphView(GraphScene* scene, QWidget* parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setAcceptDrops(true);
    viewport()->setAcceptDrops(true);
    setSceneRect(-5000, -5000, 10000, 10000);
}

void GraphView::zoomBy(qreal factor)
{
    const qreal z = zoom() * factor;
    if (z < 0.1 || z > 5)
        return;
    scale(factor, factor);
}

void GraphView::fitAll()
{
    const QRectF r = m_scene->itemsBoundingRect();
    if (r.isEmpty())
        return;
    fitInView(r.adjusted(-40, -40, 40, 40), Qt::KeepAspectRatio);
    if (zoom() > 1.0) { // a small graph stays at its natural size, centred
        resetTransform();
        centerOn(r.center());
    }
}

void GraphView::resizeEvent(QResizeEvent* e)
{
    QGraphicsView::resizeEvent(e);
    if (m_autoFit)
        fitAll();
}

QPointF GraphView::visibleCentre() const
{
    return mapToScene(viewport()->rect().center());
}

int GraphView::addNodeAt(const QString& kind, QPointF scenePos)
{
    return pushAddNode(m_scene->undoStack(), m_scene->graph(), kind,
                       scenePos - QPointF(GraphScene::kNodeWidth / 2, 20));
}

void GraphView::wheelEvent(QWheelEvent* e)
{
    const int dy = e->angleDelta().y();
    if (dy == 0) {
        QGraphicsView::wheelEvent(e);
        return;
    }
    m_autoFit = false;
    zoomBy(dy > 0 ? 1.15 : 1 / 1.15);
    e->accept();
}

void GraphView::keyPressEvent(QKeyEvent* e)
{
    if (e->modifiers() & Qt::ControlModifier &&
        (e->key() == Qt::Key_Plus || e->key() == Qt::Key_Equal)) {
        m_autoFit = false;
        zoomBy(1.15);
    } else if (e->modifiers() & Qt::ControlModifier && e->key() == Qt::Key_Minus) {
        m_autoFit = false;
        zoomBy(1 / 1.15);
    } else if (e->key() == Qt::Key_F && e->modifiers() == Qt::NoModifier) {
        fitAll();
    } else if (e->key() == Qt::Key_Space && !e->isAutoRepeat()) {
        m_space = true;
        setDragMode(QGraphicsView::NoDrag);
        viewport()->setCursor(Qt::OpenHandCursor);
    } else {
        QGraphicsView::keyPressEvent(e);
        return;
    }
    e->accept();
}

void GraphView::keyReleaseEvent(QKeyEvent* e)
{
    if (e->key() == Qt::Key_Space && !e->isAutoRepeat()) {
        m_space = false;
        setDragMode(QGraphicsView::RubberBandDrag);
        viewport()->unsetCursor();
        e->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(e);
}

void GraphView::mousePressEvent(QMouseEvent* e)
{
    if (e->button() == Qt::MiddleButton || (m_space && e->button() == Qt::LeftButton)) {
        m_panning = true;
        m_autoFit = false;
        m_panLast = e->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        e->accept();
        return;
    }
    QGraphicsView::mousePressEvent(e);
}

void GraphView::mouseMoveEvent(QMouseEvent* e)
{
    if (m_panning) {
        const QPoint d = e->position().toPoint() - m_panLast;
        m_panLast = e->position().toPoint();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        e->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(e);
}

void GraphView::mouseReleaseEvent(QMouseEvent* e)
{
    if (m_panning) {
        m_panning = false;
        if (m_space)
            viewport()->setCursor(Qt::OpenHandCursor);
        else
            viewport()->unsetCursor();
        e->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(e);
}

void GraphView::dragEnterEvent(QDragEnterEvent* e)
{
    if (e->mimeData()->hasFormat(kNodeKindMime))
        e->acceptProposedAction();
    else
        QGraphicsView::dragEnterEvent(e);
}

void GraphView::dragMoveEvent(QDragMoveEvent* e)
{
    if (e->mimeData()->hasFormat(kNodeKindMime))
        e->acceptProposedAction();
    else
        QGraphicsView::dragMoveEvent(e);
}

void GraphView::dropEvent(QDropEvent* e)
{
    if (!e->mimeData()->hasFormat(kNodeKindMime)) {
        QGraphicsView::dropEvent(e);
        return;
    }
    const QString kind = QString::fromUtf8(e->mimeData()->data(kNodeKindMime));
    addNodeAt(kind, mapToScene(e->position().toPoint()));
    e->acceptProposedAction();
}

} // namespace dspy::ui
