#pragma once

// GraphView — the view of a GraphScene: zoom (wheel, Ctrl +/-), pan (middle drag, or space held
// + left drag), fit (F), rubber-band selection, drops from a NodePalette add a node at the drop
// point (one undoable command). NodePalette — the node kinds (knownNodeKinds()); drag one into a
// GraphView, or double-click to add it at the view's centre (kindActivated()).

#include <QGraphicsView>
#include <QListWidget>

namespace dspy::ui {

class GraphScene;

inline const QString kNodeKindMime = QStringLiteral("application/x-dspy-node-kind");

class NodePalette : public QListWidget
{
    Q_OBJECT
public:
    explicit NodePalette(QWidget* parent = nullptr);
    QMimeData* mimeData(const QList<QListWidgetItem*>& items) const override;
    QStringList mimeTypes() const override { return {kNodeKindMime}; }

Q_SIGNALS:
    void kindActivated(const QString& kind);
};

class GraphView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit GraphView(GraphScene* scene, QWidget* parent = nullptr);
    GraphScene* graphScene() const { return m_scene; }
    qreal zoom() const { return transform().m11(); }
    void zoomBy(qreal factor);
    // Fits the graph in the view, never enlarged past 100 %. Until the user zooms or pans, the
    // view fits again whenever it is resized (a new tab is laid out after it is built).
    void fitAll();
    bool autoFit() const { return m_autoFit; }
    // Adds a node of `kind` centred at a scene position (undoable); returns its id.
    int addNodeAt(const QString& kind, QPointF scenePos);
    QPointF visibleCentre() const;

protected:
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void keyReleaseEvent(QKeyEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dragMoveEvent(QDragMoveEvent* e) override;
    void dropEvent(QDropEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;

private:
    GraphScene* m_scene;
    bool m_space = false;
    bool m_panning = false;
    bool m_autoFit = true;
    QPoint m_panLast;
};

} // namespace dspy::ui
