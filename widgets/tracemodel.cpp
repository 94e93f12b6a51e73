#include "tracemodel.h"

#include <QColor>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace dspy::ui {

namespace {

constexpr quintptr kRunId = 0; // internalId of a run row; span rows hold their run's row + 1

} // namespace

TraceModel::TraceModel(QObject* parent)
    : QAbstractItemModel(parent)
{
    m_pool.setMaxThreadCount(2);
}

void TraceModel::setStore(TraceStorePtr store)
{
    m_store = std::move(store);
    reload();
}

void TraceModel::reload()
{
    beginResetModel();
    m_runs.clear();
    ++m_generation;
    endResetModel();
    if (!m_store)
        return;
    using Result = Expected<QList<RunInfo>, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        const Result result = watcher->result();
        if (!result) {
            Q_EMIT queryFailed(result.error());
            return;
        }
        if (!result->isEmpty()) {
            beginInsertRows({}, 0, int(result->size()) - 1);
            for (const RunInfo& run : *result)
                m_runs.append(RunNode{run, {}, {}, false, false});
            endInsertRows();
        }
        Q_EMIT runsLoaded();
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [store = m_store] { return store->runs(); }));
}

const Span* TraceModel::spanAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.internalId() == kRunId)
        return nullptr;
    return &m_runs[int(index.internalId() - 1)].spans[index.row()];
}

const RunInfo* TraceModel::runAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.internalId() != kRunId)
        return nullptr;
    return &m_runs[index.row()].info;
}

bool TraceModel::isFetching(const QModelIndex& run) const
{
    return runAt(run) && m_runs[run.row()].fetching;
}

QModelIndex TraceModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_runs.size() ? createIndex(row, column, kRunId) : QModelIndex();
    if (parent.internalId() != kRunId || row >= m_runs[parent.row()].spans.size())
        return {};
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex TraceModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kRunId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kRunId);
}

int TraceModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_runs.size());
    if (parent.column() != 0 || parent.internalId() != kRunId)
        return 0;
    return int(m_runs[parent.row()].spans.size());
}

int TraceModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool TraceModel::hasChildren(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return !m_runs.isEmpty();
    return parent.internalId() == kRunId && parent.column() == 0;
}

bool TraceModel::isComplete(const QModelIndex& run) const
{
    return runAt(run) && m_runs[run.row()].complete;
}

bool TraceModel::canFetchMore(const QModelIndex& parent) const
{
    if (m_onDemandOnly || !parent.isValid() || parent.internalId() != kRunId)
        return false;
    const RunNode& run = m_runs[parent.row()];
    return !run.complete && !run.fetching;
}

void TraceModel::fetchMore(const QModelIndex& parent)
{
    if (canFetchMore(parent))
        fetchNextPage(parent);
}

void TraceModel::fetchNextPage(const QModelIndex& parent)
{
    if (!runAt(parent) || !m_store || m_runs[parent.row()].complete ||
        m_runs[parent.row()].fetching)
        return;
    const int row = parent.row();
    RunNode& run = m_runs[row];
    run.fetching = true;
    using Result = Expected<SpanPage, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    const quint64 generation = m_generation;
    const QString runId = run.info.id;
    connect(watcher, &QFutureWatcher<Result>::finished, this,
            [this, watcher, generation, row, runId] {
                watcher->deleteLater();
                if (generation != m_generation)
                    return;
                RunNode& node = m_runs[row];
                node.fetching = false;
                const Result page = watcher->result();
                if (!page) {
                    node.complete = true;
                    Q_EMIT queryFailed(page.error());
                    return;
                }
                const int first = int(node.spans.size());
                if (!page->spans.isEmpty()) {
                    beginInsertRows(index(row, 0), first, first + int(page->spans.size()) - 1);
                    node.spans.append(page->spans);
                    endInsertRows();
                }
                if (page->next)
                    node.next = *page->next;
                else
                    node.complete = true;
                Q_EMIT pageLoaded(runId, int(page->spans.size()));
            });
    watcher->setFuture(
        QtConcurrent::run(&m_pool, [store = m_store, runId, after = run.next, limit = m_pageSize] {
            return store->spans(runId, after, limit);
        }));
}

QVariant TraceModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    if (const RunInfo* run = runAt(index)) {
        if (role == Qt::DisplayRole) {
            switch (index.column()) {
            case NameColumn:
                return run->name.isEmpty() ? run->id : run->name;
            case KindColumn:
                return run->kind;
            case ErrorColumn:
                return run->status;
            default:
                return {};
            }
        }
        if (role == SpanIdRole)
            return run->id;
        return {};
    }
    const Span* s = spanAt(index);
    if (!s)
        return {};
    const qint64 latencyUs = s->ended > s->started ? s->ended - s->started : 0;
    const qint64 tokens = s->promptTokens.value_or(0) + s->completionTokens.value_or(0);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return s->name;
        case KindColumn:
            return callbackHookName(s->kind);
        case ExampleColumn:
            return s->exampleIndex ? QVariant(*s->exampleIndex) : QVariant();
        case LatencyColumn:
            return tr("%1 ms").arg(double(latencyUs) / 1000.0, 0, 'f', 1);
        case TokensColumn:
            return s->promptTokens || s->completionTokens ? QVariant(tokens) : QVariant();
        case CostColumn:
            return s->cost ? QVariant(QStringLiteral("$%1").arg(*s->cost, 0, 'f', 6)) : QVariant();
        case CacheColumn:
            return s->kind == CallbackHook::LM ? (s->cacheHit ? tr("hit") : tr("miss")) : QString();
        case ErrorColumn:
            return s->error;
        }
        return {};
    case Qt::ToolTipRole:
        return index.column() == ErrorColumn ? s->error : s->name;
    case Qt::ForegroundRole:
        return s->status == QLatin1String("error") ? QVariant(QColor(0xc6, 0x28, 0x28))
                                                   : QVariant();
    case SpanIdRole:
        return s->id;
    case SortRole:
        return index.column() == LatencyColumn ? QVariant(latencyUs) : data(index, Qt::DisplayRole);
    }
    return {};
}

QVariant TraceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case KindColumn:
        return tr("Kind");
    case ExampleColumn:
        return tr("Example");
    case LatencyColumn:
        return tr("Latency");
    case TokensColumn:
        return tr("Tokens");
    case CostColumn:
        return tr("Cost");
    case CacheColumn:
        return tr("Cache");
    case ErrorColumn:
        return tr("Error");
    }
    return {};
}

} // namespace dspy::ui
