#pragma once

#include "trace/tracestore.h"

#include <QAbstractItemModel>
#include <QThreadPool>

namespace dspy::ui {

// A lazy tree over a TraceStore: runs at the top, each run's spans below it in (started, id)
// order. Nothing is loaded until asked: the runs when a store is set, a run's spans a page at a
// time through canFetchMore()/fetchMore(). Every query runs on a worker thread (TraceStore reads
// open their own connection); rows arrive when it returns, so the view never waits on SQLite.
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
    enum Role { SpanIdRole = Qt::UserRole + 1, SortRole };
    static constexpr int kDefaultPageSize = 500;

    explicit TraceModel(QObject* parent = nullptr);

    void setStore(TraceStorePtr store); // reloads the runs (asynchronously)
    const TraceStorePtr& store() const { return m_store; }
    void setPageSize(int size) { m_pageSize = size; }
    int pageSize() const { return m_pageSize; }
    void reload();
    // The threads the queries run on. Destroying the model waits for the queries in flight (they
    // are short reads), so the last reference to the store never dies on a worker after the
    // application has gone.
    QThreadPool* pool() { return &m_pool; }

    // The span or run at an index (nullptr when it is not one).
    const Span* spanAt(const QModelIndex& index) const;
    const RunInfo* runAt(const QModelIndex& index) const;
    bool isFetching(const QModelIndex& run) const;
    bool isComplete(const QModelIndex& run) const;
    // Loads the run's next page (if any and none is in flight), whoever asks.
    void fetchNextPage(const QModelIndex& run);
    // On demand only: canFetchMore() answers false, so a view cannot pull pages by itself
    // (QTreeView asks again after every insertion into an expanded item, which with
    // asynchronous pages loads the whole run); the owner calls fetchNextPage() as it scrolls.
    void setFetchOnDemandOnly(bool onDemand) { m_onDemandOnly = onDemand; }

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
    void pageLoaded(const QString& runId, int rows);
    void queryFailed(const QString& error);

private:
    struct RunNode
    {
        RunInfo info;
        QList<Span> spans;
        SpanCursor next;
        bool complete = false;
        bool fetching = false;
    };
    QList<RunNode> m_runs;
    TraceStorePtr m_store;
    int m_pageSize = kDefaultPageSize;
    bool m_onDemandOnly = false;
    quint64 m_generation = 0; // answers for an older store are dropped
    QThreadPool m_pool;       // after m_store: destroyed (waited for) first
};

} // namespace dspy::ui
