#include "tracemodel.h"

#include <QColor>
#include <QFutureWatcher>
#include <QHash>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>

namespace dspy::ui {

namespace {

// Spans of these kinds never have children: no query is made for them.
bool isLeafKind(CallbackHook kind)
{
    return kind == CallbackHook::LM || kind == CallbackHook::AdapterFormat ||
           kind == CallbackHook::AdapterParse;
}

} // namespace

struct TraceModel::Answer
{
    QString error;
    QList<qint64> examples;
    QList<Span> spans;
    bool examplesDone = false; // a run's examples are all listed (its phase 1 begins)
    std::optional<qint64> nextExample;
    std::optional<SpanCursor> next;
};

TraceModel::TraceModel(QObject* parent)
    : QAbstractItemModel(parent)
{
    m_root.type = RunNode; // the invisible root; its children are the runs
    m_pool.setMaxThreadCount(2);
}

TraceModel::~TraceModel()
{
    m_pool.waitForDone();
}

void TraceModel::setStore(TraceStorePtr store)
{
    m_store = std::move(store);
    reload();
}

void TraceModel::reload()
{
    beginResetModel();
    m_root.children.clear();
    m_loadedRows = 0;
    ++m_generation;
    endResetModel();
    m_runsLoading = false;
    if (!m_store)
        return;
    refreshRuns(); // into the empty root: every run, in the store's order
}

void TraceModel::refreshRuns()
{
    if (!m_store)
        return;
    m_runsLoading = true;
    using Result = Expected<QList<RunInfo>, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_runsLoading = false;
        const Result result = watcher->result();
        if (!result) {
            Q_EMIT queryFailed(result.error());
            return;
        }
        mergeRuns(*result);
        Q_EMIT runsLoaded();
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [store = m_store] { return store->runs(); }));
}

void TraceModel::mergeRuns(const QList<RunInfo>& runs)
{
    if (m_root.children.empty()) { // after a reload: every run at once
        if (!runs.isEmpty()) {
            beginInsertRows({}, 0, int(runs.size()) - 1);
            for (const RunInfo& run : runs) {
                auto node = std::make_unique<Node>();
                node->type = RunNode;
                node->parent = &m_root;
                node->row = int(m_root.children.size());
                node->run = run;
                m_root.children.push_back(std::move(node));
            }
            endInsertRows();
        }
        return;
    }
    QHash<QString, Node*> byId;
    for (const auto& node : m_root.children)
        byId.insert(node->run.id, node.get());
    for (int i = 0; i < runs.size(); ++i) {
        const RunInfo& run = runs[i];
        Node* node = byId.value(run.id);
        if (!node) {
            // A new run: at its place in the store's order (the runs already shown keep theirs).
            const int row = std::min(i, int(m_root.children.size()));
            beginInsertRows({}, row, row);
            auto fresh = std::make_unique<Node>();
            fresh->type = RunNode;
            fresh->parent = &m_root;
            fresh->run = run;
            m_root.children.insert(m_root.children.begin() + row, std::move(fresh));
            for (int r = row; r < int(m_root.children.size()); ++r)
                m_root.children[size_t(r)]->row = r;
            endInsertRows();
            continue;
        }
        if (node->run == run)
            continue;
        const bool ended = node->run.status != run.status || node->run.ended != run.ended;
        node->run = run;
        const QModelIndex index = indexOf(node);
        // A run that ended since its rows were loaded may have more: its rows load again (not
        // while a page of it is on its way; the next refresh does it then).
        if (ended && !node->fetching && (node->complete || !node->children.empty())) {
            if (!node->children.empty()) {
                beginRemoveRows(index, 0, int(node->children.size()) - 1);
                std::function<qint64(const Node*)> count = [&](const Node* n) {
                    qint64 c = qint64(n->children.size());
                    for (const auto& child : n->children)
                        c += count(child.get());
                    return c;
                };
                m_loadedRows -= count(node);
                node->children.clear();
                endRemoveRows();
            }
            node->phase = 0;
            node->nextExample.reset();
            node->next = {};
            node->complete = false;
        }
        Q_EMIT dataChanged(index, indexOf(node, ColumnCount - 1));
    }
}

TraceModel::Node* TraceModel::nodeAt(const QModelIndex& index) const
{
    if (!index.isValid())
        return nullptr;
    return static_cast<Node*>(index.internalPointer());
}

QModelIndex TraceModel::indexOf(const Node* node, int column) const
{
    if (!node || node == &m_root)
        return {};
    return createIndex(node->row, column, const_cast<Node*>(node));
}

const Span* TraceModel::spanAt(const QModelIndex& index) const
{
    const Node* n = nodeAt(index);
    return n && n->type == SpanNode ? &n->span : nullptr;
}

const RunInfo* TraceModel::runAt(const QModelIndex& index) const
{
    const Node* n = nodeAt(index);
    return n && n->type == RunNode ? &n->run : nullptr;
}

std::optional<qint64> TraceModel::exampleAt(const QModelIndex& index) const
{
    const Node* n = nodeAt(index);
    if (!n || n->type != ExampleNode)
        return std::nullopt;
    return n->example;
}

std::optional<TraceModel::NodeType> TraceModel::nodeType(const QModelIndex& index) const
{
    const Node* n = nodeAt(index);
    if (!n)
        return std::nullopt;
    return n->type;
}

QModelIndex TraceModel::runOf(const QModelIndex& index) const
{
    const Node* n = nodeAt(index);
    while (n && n->parent != &m_root)
        n = n->parent;
    return indexOf(n);
}

bool TraceModel::isFetching(const QModelIndex& node) const
{
    const Node* n = nodeAt(node);
    return n && n->fetching;
}

bool TraceModel::isComplete(const QModelIndex& node) const
{
    const Node* n = nodeAt(node);
    return n && n->complete;
}

QModelIndex TraceModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    const Node* p = parent.isValid() ? nodeAt(parent) : &m_root;
    if (!p || (parent.isValid() && parent.column() != 0) || row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex TraceModel::parent(const QModelIndex& child) const
{
    const Node* n = nodeAt(child);
    if (!n)
        return {};
    return indexOf(n->parent);
}

int TraceModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_root.children.size());
    if (parent.column() != 0)
        return 0;
    return int(nodeAt(parent)->children.size());
}

int TraceModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool TraceModel::hasChildren(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return !m_root.children.empty();
    if (parent.column() != 0)
        return false;
    const Node* n = nodeAt(parent);
    if (!n->children.empty())
        return true;
    if (n->complete)
        return false;
    return n->type != SpanNode || !isLeafKind(n->span.kind);
}

bool TraceModel::canFetchMore(const QModelIndex& parent) const
{
    if (m_onDemandOnly || !parent.isValid() || !hasChildren(parent))
        return false;
    const Node* n = nodeAt(parent);
    return !n->complete && !n->fetching;
}

void TraceModel::fetchMore(const QModelIndex& parent)
{
    if (canFetchMore(parent))
        fetchNextPage(parent);
}

QString TraceModel::nodeId(const Node* node) const
{
    switch (node->type) {
    case RunNode:
        return node->run.id;
    case ExampleNode:
        return QStringLiteral("%1#%2").arg(node->parent->run.id).arg(node->example);
    case SpanNode:
        return node->span.id;
    }
    return {};
}

void TraceModel::fetchNextPage(const QModelIndex& index)
{
    Node* node = nodeAt(index);
    if (!node || index.column() != 0 || !m_store || node->complete || node->fetching)
        return;
    if (node->type == SpanNode && isLeafKind(node->span.kind)) {
        node->complete = true;
        return;
    }
    node->fetching = true;
    ++m_pagesRequested;
    auto* watcher = new QFutureWatcher<Answer>(this);
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcher<Answer>::finished, this, [this, watcher, generation, node] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // the nodes of an older load are gone
        insertPage(node, watcher->result());
    });
    const int limit = m_pageSize;
    const SpanCursor after = node->next;
    std::function<Answer()> task;
    const TraceStorePtr store = m_store;
    switch (node->type) {
    case RunNode:
        task = [store, runId = node->run.id, phase = node->phase, nextExample = node->nextExample,
                after, limit] {
            Answer a;
            if (phase == 0) {
                auto page = store->examplePage(runId, nextExample, limit);
                if (!page) {
                    a.error = page.error();
                    return a;
                }
                a.examples = page->indexes;
                a.nextExample = page->next;
                a.examplesDone = !page->next;
                if (page->next || a.examples.size() >= limit)
                    return a;
            }
            // The run-level spans after the examples, filling the rest of the page.
            auto roots = store->rootSpans(runId, std::nullopt, phase == 0 ? SpanCursor{} : after,
                                          limit - int(a.examples.size()));
            if (!roots) {
                a.error = roots.error();
                return a;
            }
            a.spans = roots->spans;
            a.next = roots->next;
            return a;
        };
        break;
    case ExampleNode:
        task = [store, runId = node->parent->run.id, example = node->example, after, limit] {
            Answer a;
            auto roots = store->rootSpans(runId, example, after, limit);
            if (!roots)
                a.error = roots.error();
            else {
                a.spans = roots->spans;
                a.next = roots->next;
            }
            return a;
        };
        break;
    case SpanNode:
        task = [store, span = node->span, after, limit] {
            Answer a;
            auto page = store->childPage(span, after, limit);
            if (!page)
                a.error = page.error();
            else {
                a.spans = page->spans;
                a.next = page->next;
            }
            return a;
        };
        break;
    }
    watcher->setFuture(QtConcurrent::run(&m_pool, std::move(task)));
}

void TraceModel::insertPage(Node* node, Answer answer)
{
    node->fetching = false;
    const QModelIndex parent = indexOf(node);
    if (!answer.error.isEmpty()) {
        node->complete = true;
        Q_EMIT dataChanged(parent, parent);
        Q_EMIT queryFailed(answer.error);
        return;
    }
    const int rows = int(answer.examples.size() + answer.spans.size());
    if (rows > 0) {
        const int first = int(node->children.size());
        beginInsertRows(parent, first, first + rows - 1);
        for (qint64 example : answer.examples) {
            auto child = std::make_unique<Node>();
            child->type = ExampleNode;
            child->parent = node;
            child->row = int(node->children.size());
            child->example = example;
            node->children.push_back(std::move(child));
        }
        for (Span& span : answer.spans) {
            auto child = std::make_unique<Node>();
            child->type = SpanNode;
            child->parent = node;
            child->row = int(node->children.size());
            child->span = std::move(span);
            node->children.push_back(std::move(child));
        }
        m_loadedRows += rows;
        endInsertRows();
    }
    bool complete;
    if (node->type == RunNode && node->phase == 0) {
        node->nextExample = answer.nextExample;
        if (answer.examplesDone) {
            node->phase = 1;
            if (answer.next)
                node->next = *answer.next;
            // A page that ended in the examples has not asked for the run-level spans yet.
            complete = answer.examples.size() < m_pageSize && !answer.next;
        } else {
            complete = false;
        }
    } else {
        if (answer.next)
            node->next = *answer.next;
        complete = !answer.next;
    }
    node->complete = complete;
    if (rows == 0)
        Q_EMIT dataChanged(parent, parent); // the expand indicator may go
    Q_EMIT pageLoaded(nodeId(node), rows);
}

TraceModel::Node* TraceModel::findSpanNode(Node* under, const QString& spanId) const
{
    for (const auto& child : under->children) {
        if (child->type == SpanNode && child->span.id == spanId)
            return child.get();
        if (Node* found = findSpanNode(child.get(), spanId))
            return found;
    }
    return nullptr;
}

QModelIndex TraceModel::appendSpan(const Span& span)
{
    Node* run = nullptr;
    for (const auto& r : m_root.children)
        if (r->run.id == span.runId)
            run = r.get();
    if (!run)
        return {};
    Node* parent = nullptr;
    if (!span.parentId.isEmpty())
        parent = findSpanNode(run, span.parentId);
    if (parent && parent->span.exampleIndex != span.exampleIndex)
        parent = nullptr; // an example's root hangs under its example, not the run-level span
    if (!parent && span.exampleIndex) {
        for (const auto& c : run->children)
            if (c->type == ExampleNode && c->example == *span.exampleIndex)
                parent = c.get();
    }
    if (!parent)
        parent = run;
    // A parent whose pages are still to come will list the span itself (it is in the store).
    if (!parent->complete)
        return {};
    const int row = int(parent->children.size());
    beginInsertRows(indexOf(parent), row, row);
    auto child = std::make_unique<Node>();
    child->type = SpanNode;
    child->parent = parent;
    child->row = row;
    child->span = span;
    child->complete = isLeafKind(span.kind);
    parent->children.push_back(std::move(child));
    ++m_loadedRows;
    endInsertRows();
    return indexOf(parent->children.back().get());
}

QVariant TraceModel::data(const QModelIndex& index, int role) const
{
    const Node* n = nodeAt(index);
    if (!n)
        return {};
    if (role == NodeTypeRole)
        return int(n->type);
    if (n->type == RunNode) {
        const RunInfo* run = &n->run;
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
    if (n->type == ExampleNode) {
        if (role == Qt::DisplayRole || role == SortRole) {
            if (index.column() == NameColumn)
                return role == SortRole ? QVariant(n->example) : tr("Example %1").arg(n->example);
            if (index.column() == ExampleColumn)
                return n->example;
        }
        return {};
    }
    const Span* s = &n->span;
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
