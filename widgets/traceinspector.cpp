#include "traceinspector.h"

#include "lm/lmfactory.h"
#include "messageview.h"
#include "trace/tracerecorder.h"
#include "tracediffview.h"
#include "tracemodel.h"
#include "traceresend.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QThreadPool>
#include <QTimer>
#include <QTreeView>
#include <QUuid>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>

namespace dspy::ui {

namespace {

// Runs and examples always pass (their children load lazily); spans pass by kind, status, cache
// hit and model, and keep their ancestors visible (recursive filtering).
class SpanFilter final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    QString kind;
    bool errorsOnly = false;
    bool cacheHitsOnly = false;
    QString model;
    void refresh() { invalidateFilter(); }
    bool active() const
    {
        return !kind.isEmpty() || errorsOnly || cacheHitsOnly || !model.isEmpty();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        auto* source = static_cast<TraceModel*>(sourceModel());
        const QModelIndex index = source->index(row, 0, parent);
        const Span* s = source->spanAt(index);
        if (!s)
            return true;
        if (errorsOnly && s->status != QLatin1String("error"))
            return false;
        if (cacheHitsOnly && !(s->kind == CallbackHook::LM && s->cacheHit))
            return false;
        if (!model.isEmpty() && !s->model.contains(model, Qt::CaseInsensitive) &&
            !s->name.contains(model, Qt::CaseInsensitive))
            return false;
        return kind.isEmpty() || callbackHookName(s->kind) == kind;
    }
};

struct SearchAnswer
{
    QString error;
    QList<Span> spans;
    QStringList paths;
};

struct SendAnswer
{
    QString error; // the call could not be made (configuration); a failed call is a span
    Span span;
};

} // namespace

QList<ChatMessage> TraceInspector::messagesOf(const Value& inputs)
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

QString TraceInspector::responseOf(const Span& span)
{
    if (span.kind != CallbackHook::LM)
        return {};
    QStringList responses;
    if (span.outputs.isArray()) {
        for (const Value& v : span.outputs.toArray())
            responses << (v.isString() ? v.toString() : v.toJson());
    } else if (span.outputs.isString()) {
        responses << span.outputs.toString();
    }
    return responses.join(QStringLiteral("\n\n"));
}

Value TraceInspector::spanJson(const Span& s)
{
    Object o;
    o.insert(QStringLiteral("id"), Value(s.id));
    o.insert(QStringLiteral("run_id"), Value(s.runId));
    o.insert(QStringLiteral("parent_id"), s.parentId.isEmpty() ? Value() : Value(s.parentId));
    o.insert(QStringLiteral("example_index"), s.exampleIndex ? Value(*s.exampleIndex) : Value());
    o.insert(QStringLiteral("kind"), Value(callbackHookName(s.kind)));
    o.insert(QStringLiteral("name"), Value(s.name));
    o.insert(QStringLiteral("started_us"), Value(s.started));
    o.insert(QStringLiteral("ended_us"), Value(s.ended));
    o.insert(QStringLiteral("latency_ms"), Value(double(s.ended - s.started) / 1000.0));
    o.insert(QStringLiteral("status"), Value(s.status));
    o.insert(QStringLiteral("error"), s.error.isEmpty() ? Value() : Value(s.error));
    if (s.kind == CallbackHook::LM) {
        o.insert(QStringLiteral("model"), Value(s.model));
        Array messages;
        for (const ChatMessage& m : messagesOf(s.inputs))
            messages.append(Value(Object{{QStringLiteral("role"), Value(m.role)},
                                         {QStringLiteral("content"), Value(m.content)}}));
        o.insert(QStringLiteral("messages"), Value(std::move(messages)));
        o.insert(QStringLiteral("response"), s.outputs);
        Object usage;
        usage.insert(QStringLiteral("prompt_tokens"),
                     s.promptTokens ? Value(*s.promptTokens) : Value());
        usage.insert(QStringLiteral("completion_tokens"),
                     s.completionTokens ? Value(*s.completionTokens) : Value());
        o.insert(QStringLiteral("usage"), Value(std::move(usage)));
        o.insert(QStringLiteral("cost"), s.cost ? Value(*s.cost) : Value());
        o.insert(QStringLiteral("cache_hit"), Value(s.cacheHit));
    } else {
        o.insert(QStringLiteral("inputs"), s.inputs);
        o.insert(QStringLiteral("outputs"), s.outputs);
    }
    return Value(std::move(o));
}

TraceInspector::TraceInspector(QWidget* parent)
    : QWidget(parent)
    , m_model(new TraceModel(this))
    , m_sendPool(new QThreadPool(this))
{
    m_sendPool->setMaxThreadCount(2);
    auto* filter = new SpanFilter(this);
    filter->setSourceModel(m_model);
    filter->setRecursiveFilteringEnabled(true);
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
    m_errorsOnly->setObjectName(QStringLiteral("errorsOnly"));
    m_cacheHits = new QCheckBox(tr("Cache hits"), this);
    m_cacheHits->setObjectName(QStringLiteral("cacheHitsOnly"));
    m_modelFilter = new QLineEdit(this);
    m_modelFilter->setObjectName(QStringLiteral("modelFilter"));
    m_modelFilter->setPlaceholderText(tr("Model"));
    m_modelFilter->setClearButtonEnabled(true);

    m_tree = new QTreeView(this);
    m_tree->setModel(m_filter);
    m_tree->setUniformRowHeights(true); // lets the view skip measuring rows it does not show
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(TraceModel::NameColumn, 260);
    m_resultList = new QListWidget(this);
    m_resultList->setObjectName(QStringLiteral("searchResults"));
    m_resultList->hide();

    m_messages = new MessageView(this);
    m_response = new QPlainTextEdit(this);
    m_response->setReadOnly(true);
    m_parsed = new QPlainTextEdit(this);
    m_parsed->setReadOnly(true);
    m_usage = new QPlainTextEdit(this);
    m_usage->setReadOnly(true);
    auto* details = new QTabWidget(this);
    details->addTab(m_messages, tr("Messages"));
    details->addTab(m_response, tr("Raw response"));
    details->addTab(m_parsed, tr("Parsed fields"));
    details->addTab(m_usage, tr("Usage"));
    m_copy = new QPushButton(tr("Copy as JSON"), this);
    m_diff = new QPushButton(tr("Diff with…"), this);
    m_resend = new QPushButton(tr("Re-send…"), this);
    for (QPushButton* b : {m_copy, m_diff, m_resend})
        b->setEnabled(false);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_copy);
    actions->addWidget(m_diff);
    actions->addWidget(m_resend);
    actions->addStretch(1);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(details, 1);
    rightLayout->addLayout(actions);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_search, 1);
    bar->addWidget(m_kind);
    bar->addWidget(m_errorsOnly);
    bar->addWidget(m_cacheHits);
    bar->addWidget(m_modelFilter);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_tree, 3);
    leftLayout->addWidget(m_resultList, 1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    m_model->setFetchOnDemandOnly(true);
    const auto later = [this] { QTimer::singleShot(0, this, &TraceInspector::fetchForViewport); };
    connect(m_tree, &QTreeView::expanded, this, [this, later](const QModelIndex& index) {
        m_model->fetchNextPage(m_filter->mapToSource(index));
        later();
    });
    connect(m_tree->verticalScrollBar(), &QScrollBar::valueChanged, this, later);
    connect(m_model, &TraceModel::pageLoaded, this, later);
    connect(m_model, &TraceModel::runsLoaded, this, later); // a refreshed run reloads its rows
    connect(m_kind, &QComboBox::currentIndexChanged, this, &TraceInspector::applyFilter);
    connect(m_errorsOnly, &QCheckBox::toggled, this, &TraceInspector::applyFilter);
    connect(m_cacheHits, &QCheckBox::toggled, this, &TraceInspector::applyFilter);
    connect(m_modelFilter, &QLineEdit::textChanged, this, &TraceInspector::applyFilter);
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
    connect(m_model, &TraceModel::runsLoaded, this, &TraceInspector::revealStep);
    connect(m_model, &TraceModel::pageLoaded, this, &TraceInspector::revealStep);
    connect(m_model, &TraceModel::queryFailed, this, &TraceInspector::revealStep);
    connect(m_copy, &QPushButton::clicked, this, [this] { copyAsJson(); });
    connect(m_diff, &QPushButton::clicked, this, &TraceInspector::chooseDiff);
    connect(m_resend, &QPushButton::clicked, this, [this] { openResend(); });
}

TraceInspector::~TraceInspector()
{
    m_sendPool->waitForDone(); // a call in flight finishes (its answer is still recorded)
}

void TraceInspector::revealFirstLmCall()
{
    reveal([this](const QModelIndex& index) {
        const Span* s = m_model->spanAt(index);
        return s && s->kind == CallbackHook::LM ? RevealStep::Select : RevealStep::Descend;
    });
}

void TraceInspector::revealRunSpan(const QString& runId, std::function<bool(const Span&)> match)
{
    reveal([this, runId, match = std::move(match)](const QModelIndex& index) {
        if (const RunInfo* run = m_model->runAt(index))
            return run->id == runId ? RevealStep::Descend : RevealStep::Skip;
        const Span* s = m_model->spanAt(index);
        return s && match(*s) ? RevealStep::Select : RevealStep::Descend;
    });
}

void TraceInspector::revealExample(const QString& runId, qint64 exampleIndex)
{
    reveal([this, runId, exampleIndex](const QModelIndex& index) {
        switch (m_model->nodeType(index).value_or(TraceModel::SpanNode)) {
        case TraceModel::RunNode:
            return m_model->runAt(index)->id == runId ? RevealStep::Descend : RevealStep::Skip;
        case TraceModel::ExampleNode:
            return m_model->exampleAt(index) == exampleIndex ? RevealStep::Select
                                                             : RevealStep::Skip;
        case TraceModel::SpanNode:
            return RevealStep::Skip; // the run's own spans
        }
        return RevealStep::Skip;
    });
}

void TraceInspector::reveal(std::function<RevealStep(const QModelIndex&)> step)
{
    m_reveal = std::move(step);
    revealStep();
}

void TraceInspector::revealStep()
{
    if (!m_reveal)
        return;
    // Depth first in tree order over what is loaded; a node to descend into whose rows are not
    // all loaded yet gets its next page (pageLoaded calls again, and the walk starts over).
    enum class Walk { Found, Waiting, NotHere };
    std::function<Walk(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
        for (int r = 0; r < m_model->rowCount(parent); ++r) {
            const QModelIndex child = m_model->index(r, 0, parent);
            const RevealStep what = m_reveal(child);
            if (what == RevealStep::Select) {
                const QModelIndex proxy = m_filter->mapFromSource(child);
                m_tree->setCurrentIndex(proxy);
                m_tree->scrollTo(proxy);
                return Walk::Found;
            }
            if (what == RevealStep::Skip || !m_model->hasChildren(child))
                continue;
            if (const Walk w = walk(child); w != Walk::NotHere)
                return w;
        }
        if (parent.isValid() && !m_model->isComplete(parent)) {
            m_tree->expand(m_filter->mapFromSource(parent));
            m_model->fetchNextPage(parent);
            return Walk::Waiting;
        }
        return Walk::NotHere;
    };
    if (m_model->isLoadingRuns())
        return; // the runs are still coming (runsLoaded calls again)
    const Walk result = walk({});
    if (result == Walk::Waiting)
        return;
    m_reveal = nullptr;
    if (result == Walk::Found) {
        // Its ancestors open, so the selection is in view.
        for (QModelIndex p = m_tree->currentIndex().parent(); p.isValid(); p = p.parent())
            m_tree->expand(p);
    }
    Q_EMIT revealed(result == Walk::Found);
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
    filter->cacheHitsOnly = m_cacheHits->isChecked();
    filter->model = m_modelFilter->text().trimmed();
    filter->refresh();
    // The tree filters the rows it has loaded; the store answers for the whole run, in the
    // results list (with the search text, when there is one).
    search(m_search->text());
}

void TraceInspector::fetchForViewport()
{
    constexpr int kMargin = 50; // rows left below the viewport before the next page is asked for
    const QModelIndex bottom =
        m_filter->mapToSource(m_tree->indexAt(QPoint(1, m_tree->viewport()->height() - 2)));
    if (!bottom.isValid()) {
        // The viewport is not full: every expanded node may load its next page.
        std::function<void(const QModelIndex&)> visit = [&](const QModelIndex& parent) {
            for (int r = 0; r < m_model->rowCount(parent); ++r) {
                const QModelIndex child = m_model->index(r, 0, parent);
                const QModelIndex proxy = m_filter->mapFromSource(child);
                if (proxy.isValid() && m_tree->isExpanded(proxy)) {
                    m_model->fetchNextPage(child);
                    visit(child);
                }
            }
        };
        visit({});
        return;
    }
    // The node whose children reach the bottom of the viewport, and its ancestors (the last
    // example of a page may be expanded while the run has more).
    for (QModelIndex node = bottom; node.parent().isValid(); node = node.parent()) {
        const QModelIndex parent = node.parent();
        if (node.row() + kMargin >= m_model->rowCount(parent))
            m_model->fetchNextPage(parent);
    }
}

QString TraceInspector::currentRunId() const
{
    const QModelIndex run = m_model->runOf(m_filter->mapToSource(m_tree->currentIndex()));
    if (const RunInfo* info = m_model->runAt(run))
        return info->id;
    if (const RunInfo* first = m_model->runAt(m_model->index(0, 0)))
        return first->id;
    return {};
}

void TraceInspector::search(const QString& text, const QString& runId)
{
    const TraceStorePtr store = m_model->store();
    const QString run = runId.isEmpty() ? currentRunId() : runId;
    const auto* proxy = static_cast<const SpanFilter*>(m_filter);
    SpanQuery query;
    query.kind = proxy->kind;
    query.errorsOnly = proxy->errorsOnly;
    query.cacheHitsOnly = proxy->cacheHitsOnly;
    query.model = proxy->model;
    if (!store || run.isEmpty() || (text.trimmed().isEmpty() && query.isEmpty())) {
        m_results.clear();
        m_paths.clear();
        m_resultList->clear();
        m_resultList->hide();
        Q_EMIT searchFinished(0);
        return;
    }
    auto* watcher = new QFutureWatcher<SearchAnswer>(this);
    const quint64 generation = ++m_searchGeneration;
    connect(watcher, &QFutureWatcher<SearchAnswer>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_searchGeneration)
            return; // a newer search replaced this one
        SearchAnswer answer = watcher->result();
        m_results = answer.spans;
        m_paths = answer.paths;
        m_resultList->clear();
        if (!answer.error.isEmpty())
            m_resultList->addItem(tr("Search failed: %1").arg(answer.error));
        for (qsizetype i = 0; i < m_results.size(); ++i)
            m_resultList->addItem(m_paths.value(i));
        m_resultList->setVisible(true);
        Q_EMIT searchFinished(int(m_results.size()));
    });
    const QString runSep = QStringLiteral(" › ");
    watcher->setFuture(QtConcurrent::run(m_model->pool(), [store, run, text, runSep, query] {
        SearchAnswer a;
        auto found = store->search(run, text, 200, query);
        if (!found) {
            a.error = found.error();
            return a;
        }
        const auto info = store->run(run);
        const QString runName =
            info && *info ? ((*info)->name.isEmpty() ? (*info)->id : (*info)->name) : run;
        a.spans = *found;
        for (const Span& s : a.spans) {
            QStringList parts{runName};
            if (s.exampleIndex)
                parts << TraceModel::tr("Example %1").arg(*s.exampleIndex);
            if (auto up = store->ancestors(s.id)) {
                for (const Span& p : *up)
                    if (p.exampleIndex == s.exampleIndex) // the path inside the example
                        parts << p.name;
            }
            parts << s.name;
            a.paths << parts.join(runSep);
        }
        return a;
    }));
}

void TraceInspector::showSpan(const Span& span)
{
    m_shown = span;
    m_messages->setMessages(messagesOf(span.inputs));
    const bool lm = span.kind == CallbackHook::LM;
    m_response->setPlainText(responseOf(span));
    m_parsed->setPlainText(lm ? QString() : span.outputs.toJson(JsonStyle{2, false, false}));
    if (!span.error.isEmpty())
        m_parsed->appendPlainText(tr("Error: %1").arg(span.error));
    QStringList usage;
    usage << tr("Latency: %1 ms").arg(double(span.ended - span.started) / 1000.0, 0, 'f', 1);
    if (lm) {
        usage << tr("Model: %1").arg(span.model);
        if (span.promptTokens)
            usage << tr("Prompt tokens: %1").arg(*span.promptTokens);
        if (span.completionTokens)
            usage << tr("Completion tokens: %1").arg(*span.completionTokens);
        if (span.cost)
            usage << tr("Cost: $%1").arg(*span.cost, 0, 'f', 6);
        usage << (span.cacheHit ? tr("Cache: hit") : tr("Cache: miss"));
    }
    m_usage->setPlainText(usage.join(QLatin1Char('\n')));
    m_copy->setEnabled(true);
    m_diff->setEnabled(lm);
    m_resend->setEnabled(lm);
}

QString TraceInspector::responseText() const
{
    return m_response->toPlainText();
}

QString TraceInspector::parsedText() const
{
    return m_parsed->toPlainText();
}

QString TraceInspector::usageText() const
{
    return m_usage->toPlainText();
}

QString TraceInspector::copyAsJson()
{
    if (!m_shown)
        return {};
    const QString text = spanJson(*m_shown).toJson(JsonStyle{2, false, false});
    if (QClipboard* clipboard = QApplication::clipboard())
        clipboard->setText(text);
    return text;
}

QList<Span> TraceInspector::loadedLmCalls(int max) const
{
    QList<Span> out;
    std::function<void(const QModelIndex&)> visit = [&](const QModelIndex& parent) {
        for (int r = 0; r < m_model->rowCount(parent) && out.size() < max; ++r) {
            const QModelIndex child = m_model->index(r, 0, parent);
            if (const Span* s = m_model->spanAt(child); s && s->kind == CallbackHook::LM)
                out.append(*s);
            visit(child);
        }
    };
    visit({});
    for (const Span& s : m_results)
        if (out.size() < max && s.kind == CallbackHook::LM)
            out.append(s);
    return out;
}

void TraceInspector::chooseDiff()
{
    if (!m_shown)
        return;
    QList<Span> calls = loadedLmCalls();
    calls.removeIf([this](const Span& s) { return s.id == m_shown->id; });
    if (calls.isEmpty())
        return;
    QStringList items;
    for (const Span& s : calls)
        items << QStringLiteral("%1  %2%3")
                     .arg(s.id, s.name,
                          s.exampleIndex ? tr("  (example %1)").arg(*s.exampleIndex) : QString());
    bool ok = false;
    const QString picked =
        QInputDialog::getItem(this, tr("Diff with…"), tr("Second LM call:"), items, 0, false, &ok);
    if (!ok)
        return;
    const qsizetype i = items.indexOf(picked);
    if (i >= 0)
        diffWith(calls[i]);
}

TraceDiffView* TraceInspector::diffWith(const Span& other)
{
    if (!m_shown)
        return nullptr;
    auto* view = new TraceDiffView(this);
    view->setAttribute(Qt::WA_DeleteOnClose);
    view->setSpans(*m_shown, other);
    view->show();
    return view;
}

TraceResendDialog* TraceInspector::openResend()
{
    if (!m_shown || m_shown->kind != CallbackHook::LM)
        return nullptr;
    auto* dialog = new TraceResendDialog(*m_shown, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &TraceResendDialog::sendRequested, this,
            [this, dialog](const QList<ChatMessage>& messages) {
                resend(dialog->original(), messages);
            });
    // Answers for this dialog's call; the connections go with the dialog.
    const QString originalId = m_shown->id;
    connect(this, &TraceInspector::resent, dialog, [dialog, originalId](const Span& s) {
        if (s.inputs.toObject().value(u"resent_from").toString() == originalId)
            dialog->showResult(s);
    });
    connect(this, &TraceInspector::resendFailed, dialog, &TraceResendDialog::showError);
    dialog->show();
    return dialog;
}

void TraceInspector::resend(const Span& original, const QList<ChatMessage>& messages)
{
    const TraceStorePtr store = m_model->store();
    if (!store) {
        Q_EMIT resendFailed(tr("No trace store is open."));
        return;
    }
    auto* watcher = new QFutureWatcher<SendAnswer>(this);
    connect(watcher, &QFutureWatcher<SendAnswer>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const SendAnswer answer = watcher->result();
        if (!answer.error.isEmpty()) {
            Q_EMIT resendFailed(answer.error);
            return;
        }
        m_model->appendSpan(answer.span);
        Q_EMIT resent(answer.span);
    });
    watcher->setFuture(QtConcurrent::run(m_sendPool, [store, original, messages] {
        SendAnswer a;
        LMConfig config;
        config.model = original.model.isEmpty() ? QStringLiteral("lmsim/sim") : original.model;
        config.cache = false; // re-sending means asking again
        auto lm = makeLM(config);
        if (!lm) {
            a.error = lm.error().message();
            return a;
        }
        LMRequest request;
        request.model = config.model;
        request.messages = messages;
        request.cache = false;
        const Value& kwargs = original.inputs.toObject().value(u"kwargs");
        if (kwargs.isObject())
            request.kwargs = kwargs.toObject();
        Span s;
        s.id = QStringLiteral("resend-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        s.runId = original.runId;
        s.parentId = original.parentId;
        s.exampleIndex = original.exampleIndex;
        s.kind = CallbackHook::LM;
        s.name = original.name;
        s.model = config.model;
        s.started = TraceRecorder::nowUs();
        const LMResponse response = (*lm)->call(request).result(); // a worker may wait
        s.ended = TraceRecorder::nowUs();
        Array sentMessages;
        for (const ChatMessage& m : messages)
            sentMessages.append(Value(Object{{QStringLiteral("role"), Value(m.role)},
                                             {QStringLiteral("content"), Value(m.content)}}));
        Object inputs;
        inputs.insert(QStringLiteral("messages"), Value(std::move(sentMessages)));
        if (kwargs.isObject())
            inputs.insert(QStringLiteral("kwargs"), kwargs);
        inputs.insert(QStringLiteral("resent_from"), Value(original.id));
        s.inputs = Value(std::move(inputs));
        Array outputs;
        for (const LMOutput& o : response.outputs)
            outputs.append(Value(o.text));
        s.outputs = Value(std::move(outputs));
        if (response.error) {
            s.status = QStringLiteral("error");
            s.error = response.error->message();
        } else {
            s.status = QStringLiteral("ok");
            s.promptTokens = response.usage.promptTokens;
            s.completionTokens = response.usage.completionTokens;
            s.cost = response.cost;
            s.cacheHit = response.cacheHit;
        }
        store->record(s);
        if (!store->flush())
            a.error =
                QStringLiteral("the answer could not be recorded: %1").arg(store->lastError());
        a.span = std::move(s);
        return a;
    }));
}

} // namespace dspy::ui
