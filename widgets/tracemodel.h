#pragma once

#include "trace/tracestore.h"

#include <QAbstractItemModel>
#include <QThreadPool>

#include <memory>
#include <vector>

namespace dspy::ui {

// A lazy tree over a TraceStore: runs → examples (then the run-level spans) → each example's
// root spans (module calls) → their children (nested module calls, LM calls, adapter steps).
// Nothing is loaded until asked: the runs when a store is set, a node's children a page at a time
// through canFetchMore()/fetchMore() or fetchNextPage(). Every query runs on a worker thread
// (TraceStore reads open their own connection); rows arrive when it returns, so the view never
// waits on SQLite.
class TraceModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        KindColumn,
        ExampleColumn,
        LatencyColumn,
        TokensColumn,
        CostColumn,
        CacheColumn,
        ErrorColumn,
        ColumnCount
    };
    enum Role { SpanIdRole = Qt::UserRole + 1, SortRole, NodeTypeRole };
    enum NodeType { RunNode, ExampleNode, SpanNode };
    static constexpr int kDefaultPageSize = 500;

    explicit TraceModel(QObject* parent = nullptr);
    ~TraceModel() override;

    void setStore(TraceStorePtr store); // reloads the runs (asynchronously)
    const TraceStorePtr& store() const { return m_store; }
    void setPageSize(int size) { m_pageSize = size; }
    int pageSize() const { return m_pageSize; }
    void reload();
    // Merges the store's current runs into the tree without a reset: new runs appear, changed
    // ones update, and what is expanded or selected stays (a run that ended since its rows were
    // loaded loads them again). Emits runsLoaded() when done.
    void refreshRuns();
    // The threads the queries run on. Destroying the model waits for the queries in flight (they
    // are short reads), so the last reference to the store never dies on a worker after the
    // application has gone.
    QThreadPool* pool() { return &m_pool; }

    // The span, run or example at an index (nullptr / none when it is not one).
    const Span* spanAt(const QModelIndex& index) const;
    const RunInfo* runAt(const QModelIndex& index) const;
    std::optional<qint64> exampleAt(const QModelIndex& index) const;
    std::optional<NodeType> nodeType(const QModelIndex& index) const;
    // The run an index belongs to (the run's own index for a run).
    QModelIndex runOf(const QModelIndex& index) const;
    bool isFetching(const QModelIndex& node) const;
    bool isLoadingRuns() const { return m_runsLoading; } // reload() asked, the runs not here yet
    bool isComplete(const QModelIndex& node) const;
    // Rows (examples and spans) held by the model, and pages asked for so far.
    qint64 loadedRowCount() const { return m_loadedRows; }
    qint64 pagesRequested() const { return m_pagesRequested; }
    // Loads the node's next page (if any and none is in flight), whoever asks.
    void fetchNextPage(const QModelIndex& node);
    // On demand only: canFetchMore() answers false, so a view cannot pull pages by itself
    // (QTreeView asks again after every insertion into an expanded item, which with
    // asynchronous pages loads the whole run); the owner calls fetchNextPage() as it scrolls.
    void setFetchOnDemandOnly(bool onDemand) { m_onDemandOnly = onDemand; }
    // Adds a span recorded after the tree was loaded (e.g. a re-sent LM call) under its loaded
    // parent, or at the end of its run when the parent is not loaded. Returns its index.
    QModelIndex appendSpan(const Span& span);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

Q_SIGNALS:
    void runsLoaded();
    // A page of `rows` children arrived under the node with id `nodeId` (a run id, a span id,
    // or "runId#example").
    void pageLoaded(const QString& nodeId, int rows);
    void queryFailed(const QString& error);

private:
    struct Node
    {
        NodeType type = SpanNode;
        Node* parent = nullptr;
        int row = 0;
        RunInfo run;
        qint64 example = 0;
        Span span;
        std::vector<std::unique_ptr<Node>> children;
        // Paging: a run lists its examples (phase 0), then its run-level root spans (phase 1).
        int phase = 0;
        std::optional<qint64> nextExample;
        SpanCursor next;
        bool complete = false;
        bool fetching = false;
    };
    struct Answer; // a page as it comes back from the worker
    Node* nodeAt(const QModelIndex& index) const;
    QModelIndex indexOf(const Node* node, int column = 0) const;
    QString nodeId(const Node* node) const;
    void insertPage(Node* node, Answer answer);
    void mergeRuns(const QList<RunInfo>& runs);
    Node* findSpanNode(Node* under, const QString& spanId) const;

    Node m_root;
    TraceStorePtr m_store;
    int m_pageSize = kDefaultPageSize;
    bool m_onDemandOnly = false;
    qint64 m_loadedRows = 0;
    qint64 m_pagesRequested = 0;
    bool m_runsLoading = false;
    quint64 m_generation = 0; // answers for an older store are dropped
    QThreadPool m_pool;       // after m_store: destroyed (waited for) first
};

} // namespace dspy::ui
