#include "traceinspector.h"

#include "messageview.h"
#include "tracemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace dspy::ui {

namespace {

// Runs always pass (their spans load lazily); spans pass by kind and status.
class SpanFilter final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    QString kind;
    bool errorsOnly = false;
    void refresh() { invalidateFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        if (!parent.isValid())
            return true;
        auto* model = static_cast<TraceModel*>(sourceModel());
        const Span* s = model->spanAt(model->index(row, 0, parent));
        if (!s)
            return true;
        if (errorsOnly && s->status != QLatin1String("error"))
            return false;
        return kind.isEmpty() || callbackHookName(s->kind) == kind;
    }
};

QList<ChatMessage> messagesOf(const Value& inputs)
{
    QList<ChatMessage> out;
    if (!inputs.isObject())
        return out;
    const Value& messages = inputs.toObject().value(u"messages");
    if (!messages.isArray())
        return out;
    for (const Value& m : messages.toArray()) {
        if (!m.isObject())
            continue;
        const Object& o = m.toObject();
        const Value& content = o.value(u"content");
        out.append({o.value(u"role").toString(),
                    content.isString() ? content.toString() : content.toJson()});
    }
    return out;
}

} // namespace

TraceInspector::TraceInspector(QWidget* parent)
    : QWidget(parent)
    , m_model(new TraceModel(this))
{
    auto* filter = new SpanFilter(this);
    filter->setSourceModel(m_model);
    m_filter = filter;

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("traceSearch"));
    m_search->setPlaceholderText(tr("Search prompts and responses (Enter)"));
    m_search->setClearButtonEnabled(true);
    m_kind = new QComboBox(this);
    m_kind->addItem(tr("All kinds"), QString());
    for (const char* k : {"module", "lm", "adapter_format", "adapter_parse", "tool", "evaluate"})
        m_kind->addItem(QString::fromLatin1(k), QString::fromLatin1(k));
    m_errorsOnly = new QCheckBox(tr("Errors only"), this);

    m_tree = new QTreeView(this);
    m_tree->setModel(m_filter);
    m_tree->setUniformRowHeights(true); // lets the view skip measuring rows it does not show
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    m_resultList = new QListWidget(this);
    m_resultList->setObjectName(QStringLiteral("searchResults"));
    m_resultList->hide();

    m_messages = new MessageView(this);
    m_response = new QPlainTextEdit(this);
    m_response->setReadOnly(true);
    m_parsed = new QPlainTextEdit(this);
    m_parsed->setReadOnly(true);
    auto* details = new QTabWidget(this);
    details->addTab(m_messages, tr("Messages"));
    details->addTab(m_response, tr("Raw response"));
    details->addTab(m_parsed, tr("Parsed fields"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_search, 1);
    bar->addWidget(m_kind);
    bar->addWidget(m_errorsOnly);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_tree, 3);
    leftLayout->addWidget(m_resultList, 1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    m_model->setFetchOnDemandOnly(true);
    const auto later = [this] { QTimer::singleShot(0, this, &TraceInspector::fetchForViewport); };
    connect(m_tree, &QTreeView::expanded, this, later);
    connect(m_tree->verticalScrollBar(), &QScrollBar::valueChanged, this, later);
    connect(m_model, &TraceModel::pageLoaded, this, later);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &TraceInspector::applyFilter);
    connect(m_errorsOnly, &QCheckBox::toggled, this, &TraceInspector::applyFilter);
    connect(m_search, &QLineEdit::returnPressed, this, [this] { search(m_search->text()); });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                if (const Span* s = m_model->spanAt(m_filter->mapToSource(current)))
                    showSpan(*s);
            });
    connect(m_resultList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_results.size())
            showSpan(m_results[row]);
    });
}

void TraceInspector::setStore(TraceStorePtr store)
{
    m_model->setStore(std::move(store));
}

void TraceInspector::applyFilter()
{
    auto* filter = static_cast<SpanFilter*>(m_filter);
    filter->kind = m_kind->currentData().toString();
    filter->errorsOnly = m_errorsOnly->isChecked();
    filter->refresh();
}

void TraceInspector::fetchForViewport()
{
    constexpr int kMargin = 50; // rows left below the viewport before the next page is asked for
    const QModelIndex bottom =
        m_filter->mapToSource(m_tree->indexAt(QPoint(1, m_tree->viewport()->height() - 2)));
    if (!bottom.isValid()) {
        for (int r = 0; r < m_model->rowCount(); ++r) {
            const QModelIndex run = m_model->index(r, 0);
            if (m_tree->isExpanded(m_filter->mapFromSource(run)))
                m_model->fetchNextPage(run);
        }
        return;
    }
    const QModelIndex run = bottom.parent().isValid() ? bottom.parent() : bottom;
    if (bottom.parent().isValid() && bottom.row() + kMargin >= m_model->rowCount(run))
        m_model->fetchNextPage(run);
}

QString TraceInspector::currentRunId() const
{
    QModelIndex index = m_filter->mapToSource(m_tree->currentIndex());
    while (index.parent().isValid())
        index = index.parent();
    if (const RunInfo* run = m_model->runAt(index))
        return run->id;
    if (const RunInfo* first = m_model->runAt(m_model->index(0, 0)))
        return first->id;
    return {};
}

void TraceInspector::search(const QString& text, const QString& runId)
{
    const TraceStorePtr store = m_model->store();
    const QString run = runId.isEmpty() ? currentRunId() : runId;
    if (!store || run.isEmpty() || text.trimmed().isEmpty()) {
        m_results.clear();
        m_resultList->clear();
        m_resultList->hide();
        Q_EMIT searchFinished(0);
        return;
    }
    using Result = Expected<QList<Span>, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    const quint64 generation = ++m_searchGeneration;
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_searchGeneration)
            return; // a newer search replaced this one
        const Result result = watcher->result();
        m_results = result ? *result : QList<Span>{};
        m_resultList->clear();
        for (const Span& s : m_results)
            m_resultList->addItem(QStringLiteral("%1  %2").arg(s.name, s.id));
        m_resultList->setVisible(true);
        Q_EMIT searchFinished(int(m_results.size()));
    });
    watcher->setFuture(QtConcurrent::run(
        m_model->pool(), [store, run, text] { return store->search(run, text, 200); }));
}

void TraceInspector::showSpan(const Span& span)
{
    m_shown = span;
    m_messages->setMessages(messagesOf(span.inputs));
    QStringList responses;
    if (span.outputs.isArray()) {
        for (const Value& v : span.outputs.toArray())
            responses << (v.isString() ? v.toString() : v.toJson());
    } else if (span.outputs.isString()) {
        responses << span.outputs.toString();
    }
    m_response->setPlainText(span.kind == CallbackHook::LM ? responses.join(QStringLiteral("\n\n"))
                                                           : QString());
    m_parsed->setPlainText(span.kind == CallbackHook::LM ? QString() : span.outputs.toJson());
    if (!span.error.isEmpty())
        m_parsed->appendPlainText(tr("Error: %1").arg(span.error));
}

QString TraceInspector::responseText() const
{
    return m_response->toPlainText();
}

QString TraceInspector::parsedText() const
{
    return m_parsed->toPlainText();
}

} // namespace dspy::ui
