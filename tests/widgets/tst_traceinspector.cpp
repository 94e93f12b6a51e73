// TraceModel and TraceInspector over a real SQLite TraceStore of 20,001 spans: the tree nests
// run → example → module call → LM call, pages arrive one at a time and only when asked (a view
// never loads more than a page per expand or scroll), the rows show the stored spans, the filters
// narrow the loaded rows, full-text search finds an LM call with its path, and a selected LM call
// shows its messages, response and usage, copies as JSON, diffs against another call and is
// re-sent (through the in-process simulated LM, on a worker thread) as a new span in the trace.

#include "messageview.h"
#include "tracediffview.h"
#include "traceinspector.h"
#include "tracemodel.h"
#include "traceresend.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace dspy;
using namespace dspy::ui;

namespace {

constexpr int kExamples = 2000;
constexpr int kSpans = kExamples * 10; // plus the run-level "eval" span

QString spanId(int i)
{
    return QStringLiteral("s%1").arg(i, 6, 10, QLatin1Char('0'));
}

QString prompt(int i)
{
    return i == 12341 ? QStringLiteral("How many legs has a zebracorn?")
                      : QStringLiteral("What is %1 plus 1?").arg(i);
}

// Example e holds spans 10e..10e+9: 10e is the Predict module call (parent: the run-level
// evaluate span "eval"), 10e+1 its LM call, 10e+2..10e+9 adapter steps below the Predict call.
// Even examples' LM calls are cache hits; span 991 (example 99) and every 1000th after it fail;
// span 12341 is the only one that mentions a zebracorn.
TraceStorePtr makeStore(const QString& path)
{
    auto opened = TraceStore::open(path);
    if (!opened)
        return {};
    TraceStorePtr store = *opened;
    RunInfo run;
    run.id = QStringLiteral("run1");
    run.name = QStringLiteral("Evaluate arithmetic");
    run.kind = QStringLiteral("evaluate");
    run.started = 1;
    run.status = QStringLiteral("running");
    store->beginRun(run);
    Span eval;
    eval.id = QStringLiteral("eval");
    eval.runId = run.id;
    eval.kind = CallbackHook::Evaluate;
    eval.name = QStringLiteral("Evaluate");
    eval.started = 500;
    eval.ended = 9000000;
    eval.status = QStringLiteral("ok");
    store->record(eval);
    for (int i = 0; i < kSpans; ++i) {
        Span s;
        s.id = spanId(i);
        s.runId = run.id;
        s.exampleIndex = i / 10;
        s.parentId = i % 10 == 0 ? QStringLiteral("eval") : spanId(i - i % 10);
        s.started = 1000 + qint64(i) * 100;
        s.ended = s.started + 10 + i % 7;
        s.status = i % 1000 == 991 ? QStringLiteral("error") : QStringLiteral("ok");
        if (s.status == QLatin1String("error"))
            s.error = QStringLiteral("LMServerError: boom");
        if (i % 10 == 1) {
            s.kind = CallbackHook::LM;
            s.name = QStringLiteral("ManagedLM(lmsim/sim)");
            s.model = QStringLiteral("lmsim/sim");
            s.inputs = Value(Object{
                {QStringLiteral("messages"),
                 Value(Array{Value(Object{{QStringLiteral("role"), Value("system")},
                                          {QStringLiteral("content"), Value("Be exact.")}}),
                             Value(Object{{QStringLiteral("role"), Value("user")},
                                          {QStringLiteral("content"), Value(prompt(i))}})})}});
            s.outputs = Value(Array{Value(QStringLiteral("[[ ## answer ## ]]\n%1").arg(i + 1))});
            s.promptTokens = 20;
            s.completionTokens = 5;
            s.cacheHit = (i / 10) % 2 == 0;
        } else if (i % 10 == 0) {
            s.kind = CallbackHook::Module;
            s.name = QStringLiteral("Predict(question -> answer)");
            s.outputs = Value(Object{{QStringLiteral("answer"), Value(i)}});
        } else {
            s.kind = i % 2 ? CallbackHook::AdapterParse : CallbackHook::AdapterFormat;
            s.name = QStringLiteral("ChatAdapter");
        }
        store->record(std::move(s));
    }
    store->endRun(run.id, 9999999, QStringLiteral("finished"));
    if (!store->flush() || store->droppedCount() != 0)
        return {};
    return store;
}

// Fetches a node's next page and waits for it.
bool fetch(TraceModel& model, const QModelIndex& node)
{
    QSignalSpy pages(&model, &TraceModel::pageLoaded);
    model.fetchNextPage(node);
    return pages.wait(10000) || pages.size() > 0;
}

} // namespace

class TestTraceInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = makeStore(m_dir.filePath(QStringLiteral("traces.sqlite")));
        QVERIFY(m_store);
    }

    void treeNestsRunExampleModuleLm()
    {
        TraceModel model;
        model.setPageSize(500);
        QSignalSpy runs(&model, &TraceModel::runsLoaded);
        model.setStore(m_store);
        QCOMPARE(model.rowCount(), 0); // the runs arrive from a worker
        QTRY_COMPARE(runs.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex run = model.index(0, 0);
        QCOMPARE(run.data().toString(), QStringLiteral("Evaluate arithmetic"));
        QVERIFY(model.hasChildren(run));
        QCOMPARE(model.rowCount(run), 0);
        QVERIFY(model.canFetchMore(run));

        // The run's first page: 500 examples, nothing else loaded.
        QSignalSpy pages(&model, &TraceModel::pageLoaded);
        model.fetchMore(run);
        QVERIFY(model.isFetching(run));
        QVERIFY(!model.canFetchMore(run)); // one page in flight at a time
        QTRY_COMPARE(pages.size(), 1);
        QCOMPARE(model.rowCount(run), 500);
        QCOMPARE(model.loadedRowCount(), 500);
        const QModelIndex ex3 = model.index(3, 0, run);
        QCOMPARE(model.nodeType(ex3), TraceModel::ExampleNode);
        QCOMPARE(model.exampleAt(ex3), 3);
        QCOMPARE(ex3.data().toString(), QStringLiteral("Example 3"));
        QCOMPARE(model.parent(ex3), run);

        // Example 3 → its Predict call (its parent "eval" is a run-level span) → LM + adapters.
        QVERIFY(fetch(model, ex3));
        QCOMPARE(model.rowCount(ex3), 1);
        const QModelIndex predict = model.index(0, 0, ex3);
        QCOMPARE(predict.data(TraceModel::SpanIdRole).toString(), spanId(30));
        QCOMPARE(model.index(0, TraceModel::KindColumn, ex3).data().toString(),
                 QStringLiteral("module"));
        QVERIFY(model.hasChildren(predict));
        QVERIFY(fetch(model, predict));
        QCOMPARE(model.rowCount(predict), 9);
        QVERIFY(model.isComplete(predict));
        const QModelIndex lm = model.index(0, 0, predict);
        QCOMPARE(lm.data(TraceModel::SpanIdRole).toString(), spanId(31));
        QCOMPARE(model.parent(lm), predict);
        QCOMPARE(model.runOf(lm), run);
        QVERIFY(!model.hasChildren(lm)); // LM calls are leaves: no query for them
        QCOMPARE(model.index(0, TraceModel::KindColumn, predict).data().toString(),
                 QStringLiteral("lm"));
        QCOMPARE(model.index(0, TraceModel::TokensColumn, predict).data().toLongLong(), 25);
        QCOMPARE(model.index(0, TraceModel::CacheColumn, predict).data().toString(),
                 QStringLiteral("miss"));
        QCOMPARE(model.index(0, TraceModel::ExampleColumn, predict).data().toLongLong(), 3);
        QCOMPARE(model.index(0, TraceModel::LatencyColumn, predict).data().toString(),
                 QStringLiteral("0.0 ms")); // 13 µs
        QCOMPARE(model.index(1, TraceModel::KindColumn, predict).data().toString(),
                 QStringLiteral("adapter_format"));
        QCOMPARE(model.loadedRowCount(), 500 + 1 + 9);

        // An error is in the error column and coloured.
        const QModelIndex ex99 = model.index(99, 0, run);
        QVERIFY(fetch(model, ex99));
        QVERIFY(fetch(model, model.index(0, 0, ex99)));
        const QModelIndex failed = model.index(0, TraceModel::ErrorColumn, model.index(0, 0, ex99));
        QCOMPARE(failed.data().toString(), QStringLiteral("LMServerError: boom"));
        QVERIFY(failed.data(Qt::ForegroundRole).isValid());
        QVERIFY(!model.index(0, 0, predict).data(Qt::ForegroundRole).isValid());

        // Paging to the end: 4 pages of examples, then the run-level span "eval" (its examples'
        // roots are not listed again below it).
        while (!model.isComplete(run)) {
            const int before = model.rowCount(run);
            QVERIFY(fetch(model, run));
            QVERIFY(model.rowCount(run) - before <= 500);
        }
        QCOMPARE(model.rowCount(run), kExamples + 1);
        const QModelIndex eval = model.index(kExamples, 0, run);
        QCOMPARE(eval.data(TraceModel::SpanIdRole).toString(), QStringLiteral("eval"));
        QCOMPARE(model.index(kExamples - 1, 0, run).data().toString(),
                 QStringLiteral("Example %1").arg(kExamples - 1));
        QVERIFY(fetch(model, eval));
        QCOMPARE(model.rowCount(eval), 0);
        QVERIFY(!model.hasChildren(eval));
        QVERIFY(!model.canFetchMore(run));
    }

    void theViewLoadsOnePageAtATime()
    {
        TraceInspector inspector;
        inspector.resize(900, 500);
        inspector.show();
        QSignalSpy runs(inspector.model(), &TraceModel::runsLoaded);
        inspector.setStore(m_store);
        QTRY_COMPARE(runs.size(), 1);
        TraceModel* model = inspector.model();
        QTreeView* tree = inspector.tree();
        tree->expand(inspector.filterModel()->index(0, 0)); // the inspector asks for one page
        const QModelIndex sourceRun = model->index(0, 0);
        QTRY_COMPARE(model->rowCount(sourceRun), TraceModel::kDefaultPageSize);
        QTest::qWait(100); // nothing more arrives: the viewport is full
        QVERIFY(!model->isFetching(sourceRun));
        QCOMPARE(model->loadedRowCount(), TraceModel::kDefaultPageSize);
        QCOMPARE(model->pagesRequested(), 1);
        // Scrolled to the bottom, the view fetches the next page, and only that.
        tree->verticalScrollBar()->setValue(tree->verticalScrollBar()->maximum());
        QTRY_COMPARE(model->rowCount(sourceRun), 2 * TraceModel::kDefaultPageSize);
        QTRY_VERIFY(!model->isFetching(sourceRun));
        QCOMPARE(model->loadedRowCount(), 2 * TraceModel::kDefaultPageSize);
        QCOMPARE(model->pagesRequested(), 2);

        // Expanding an example loads its Predict call; expanding that loads its 9 children.
        tree->scrollToTop();
        const QModelIndex ex0 =
            inspector.filterModel()->index(0, 0, inspector.filterModel()->index(0, 0));
        tree->expand(ex0);
        QTRY_COMPARE(model->rowCount(model->index(0, 0, sourceRun)), 1);
        const QModelIndex predict = inspector.filterModel()->index(0, 0, ex0);
        tree->expand(predict);
        QTRY_COMPARE(inspector.filterModel()->rowCount(predict), 9);
        QCOMPARE(model->loadedRowCount(), 2 * TraceModel::kDefaultPageSize + 1 + 9);

        // Selecting the LM call shows its messages by role, the raw response and the usage.
        tree->setCurrentIndex(inspector.filterModel()->index(0, 0, predict));
        QVERIFY(inspector.shownSpan());
        QCOMPARE(inspector.shownSpan()->id, spanId(1));
        QCOMPARE(inspector.messageView()->messages().size(), 2);
        QCOMPARE(inspector.messageView()->messages().at(1),
                 (ChatMessage{QStringLiteral("user"), QStringLiteral("What is 1 plus 1?")}));
        QCOMPARE(inspector.responseText(), QStringLiteral("[[ ## answer ## ]]\n2"));
        QVERIFY(inspector.usageText().contains(QStringLiteral("Prompt tokens: 20")));
        QVERIFY(inspector.usageText().contains(QStringLiteral("Cache: hit")));
        // A module call shows its parsed outputs.
        tree->setCurrentIndex(predict);
        QVERIFY(inspector.parsedText().contains(QStringLiteral("\"answer\": 0")));
    }

    void filters()
    {
        TraceInspector inspector;
        QSignalSpy runs(inspector.model(), &TraceModel::runsLoaded);
        inspector.setStore(m_store);
        QTRY_COMPARE(runs.size(), 1);
        TraceModel& model = *inspector.model();
        const QModelIndex run = model.index(0, 0);
        QVERIFY(fetch(model, run));
        for (int e : {0, 1, 99}) {
            QVERIFY(fetch(model, model.index(e, 0, run)));
            QVERIFY(fetch(model, model.index(0, 0, model.index(e, 0, run))));
        }
        auto* proxy = inspector.filterModel();
        const auto children = [&](int example) {
            const QModelIndex ex = proxy->index(example, 0, proxy->index(0, 0));
            const QModelIndex predict = proxy->index(0, 0, ex);
            return predict.isValid() ? proxy->rowCount(predict) : -1;
        };
        QCOMPARE(children(0), 9);

        auto* errorsOnly = inspector.findChild<QCheckBox*>(QStringLiteral("errorsOnly"));
        QVERIFY(errorsOnly);
        errorsOnly->setChecked(true);
        QCOMPARE(proxy->rowCount(proxy->index(0, 0)), 500); // examples stay (lazy)
        QCOMPARE(children(0), -1);                          // no failing call: Predict hidden
        QCOMPARE(children(99), 1);                          // the failing LM call, with its path
        // The store answers for the whole run, loaded or not: every failing call (one in a
        // thousand spans), each with its path.
        QSignalSpy found(&inspector, &TraceInspector::searchFinished);
        QTRY_VERIFY(!found.isEmpty());
        QCOMPARE(found.last().first().toInt(), 20);
        for (const Span& s : inspector.searchResults())
            QCOMPARE(s.status, QStringLiteral("error"));
        QVERIFY(inspector.searchPaths().first().contains(QStringLiteral("Example ")));
        errorsOnly->setChecked(false);

        auto* cacheHits = inspector.findChild<QCheckBox*>(QStringLiteral("cacheHitsOnly"));
        QVERIFY(cacheHits);
        cacheHits->setChecked(true);
        QCOMPARE(children(0), 1);  // example 0's LM call was a hit
        QCOMPARE(children(1), -1); // example 1's was not
        cacheHits->setChecked(false);

        auto* modelFilter = inspector.findChild<QLineEdit*>(QStringLiteral("modelFilter"));
        QVERIFY(modelFilter);
        modelFilter->setText(QStringLiteral("lmsim"));
        QCOMPARE(children(0), 1);
        modelFilter->setText(QStringLiteral("gpt-4o"));
        QCOMPARE(children(0), -1);
        modelFilter->clear();
        QCOMPARE(children(0), 9);
    }

    void fullTextSearchShowsPaths()
    {
        TraceInspector inspector;
        QSignalSpy runs(inspector.model(), &TraceModel::runsLoaded);
        inspector.setStore(m_store);
        QTRY_COMPARE(runs.size(), 1);
        QSignalSpy found(&inspector, &TraceInspector::searchFinished);
        inspector.search(QStringLiteral("zebracorn"));
        QTRY_COMPARE(found.size(), 1);
        QCOMPARE(found.first().first().toInt(), 1);
        QCOMPARE(inspector.searchResults().first().id, spanId(12341));
        QCOMPARE(inspector.searchPaths().first(),
                 QStringLiteral("Evaluate arithmetic › Example 1234 › Predict(question -> answer) "
                                "› ManagedLM(lmsim/sim)"));
        inspector.search(QStringLiteral("unicornzebra"));
        QTRY_COMPARE(found.size(), 2);
        QCOMPARE(found.last().first().toInt(), 0);
    }

    void copyAsJsonAndDiff()
    {
        auto one = m_store->span(spanId(1));
        auto two = m_store->span(spanId(11));
        QVERIFY(one && *one && two && *two);
        TraceInspector inspector;
        inspector.setStore(m_store);
        QCOMPARE(inspector.copyAsJson(), QString()); // nothing shown
        inspector.showSpan(**one);
        const QString json = inspector.copyAsJson();
        QCOMPARE(QApplication::clipboard()->text(), json);
        const auto parsed = Value::fromJson(json);
        QVERIFY(parsed && parsed->isObject());
        const Object& o = parsed->toObject();
        QCOMPARE(o.value(u"id").toString(), spanId(1));
        QCOMPARE(o.value(u"kind").toString(), QStringLiteral("lm"));
        QCOMPARE(o.value(u"model").toString(), QStringLiteral("lmsim/sim"));
        QCOMPARE(o.value(u"messages").toArray().size(), 2);
        QCOMPARE(o.value(u"messages").toArray()[1].toObject().value(u"content").toString(),
                 QStringLiteral("What is 1 plus 1?"));
        QCOMPARE(o.value(u"response").toArray()[0].toString(),
                 QStringLiteral("[[ ## answer ## ]]\n2"));
        QCOMPARE(o.value(u"usage").toObject().value(u"prompt_tokens").toInt(), 20);
        QCOMPARE(o.value(u"cache_hit").toBool(), true);

        TraceDiffView* diff = inspector.diffWith(**two);
        QVERIFY(diff);
        // Same system message, different question and answer: two changed rows.
        QCOMPARE(diff->changedRows(), 2);
        QVERIFY(diff->leftText().contains(QStringLiteral("What is 1 plus 1?")));
        QVERIFY(diff->rightText().contains(QStringLiteral("What is 11 plus 1?")));
        const auto& rows = diff->rows();
        const auto changed = std::find_if(rows.begin(), rows.end(),
                                          [](const SideBySideRow& r) { return r.changed; });
        QVERIFY(changed != rows.end());
        QCOMPARE(changed->left, QStringLiteral("What is 1 plus 1?"));
        QCOMPARE(changed->right, QStringLiteral("What is 11 plus 1?"));
        QVERIFY(!rows.first().changed); // "[system]"
        diff->close();
    }

    // Last: it adds a span to the shared store.
    void resendRecordsANewSpan()
    {
        TraceInspector inspector;
        QSignalSpy runs(inspector.model(), &TraceModel::runsLoaded);
        inspector.setStore(m_store);
        QTRY_COMPARE(runs.size(), 1);
        TraceModel& model = *inspector.model();
        const QModelIndex run = model.index(0, 0);
        QVERIFY(fetch(model, run));
        QVERIFY(fetch(model, model.index(0, 0, run)));
        const QModelIndex predict = model.index(0, 0, model.index(0, 0, run));
        QVERIFY(fetch(model, predict));
        QCOMPARE(model.rowCount(predict), 9);

        inspector.showSpan(*model.spanAt(model.index(0, 0, predict)));
        TraceResendDialog* dialog = inspector.openResend();
        QVERIFY(dialog);
        QCOMPARE(dialog->messages().size(), 2);
        QList<ChatMessage> edited = dialog->messages();
        edited[1].content = QStringLiteral("What is 40 plus 2?");
        dialog->setMessages(edited);
        QSignalSpy sent(&inspector, &TraceInspector::resent);
        QSignalSpy failed(&inspector, &TraceInspector::resendFailed);
        dialog->sendButton()->click();
        QVERIFY(!dialog->sendButton()->isEnabled()); // the GUI thread did not wait
        QTRY_VERIFY_WITH_TIMEOUT(sent.size() + failed.size() > 0, 20000);
        QCOMPARE(failed.size(), 0);
        const Span span = sent.first().first().value<Span>();
        QVERIFY(span.id != spanId(1));
        QCOMPARE(span.parentId, spanId(0));
        QCOMPARE(span.exampleIndex, 0);
        QCOMPARE(span.kind, CallbackHook::LM);
        QCOMPARE(span.status, QStringLiteral("ok"));
        QVERIFY(!TraceInspector::responseOf(span).isEmpty());
        QCOMPARE(dialog->newResponseText(), TraceInspector::responseOf(span));

        // It is in the store, with the edited messages, and in the tree beside the original.
        const auto stored = m_store->span(span.id);
        QVERIFY(stored && *stored);
        QCOMPARE(TraceInspector::messagesOf((*stored)->inputs).at(1).content,
                 QStringLiteral("What is 40 plus 2?"));
        QCOMPARE((*stored)->inputs.toObject().value(u"resent_from").toString(), spanId(1));
        QCOMPARE(model.rowCount(predict), 10);
        QCOMPARE(model.index(9, 0, predict).data(TraceModel::SpanIdRole).toString(), span.id);
        // The original is unchanged.
        QCOMPARE(TraceInspector::messagesOf((*m_store->span(spanId(1)))->inputs).at(1).content,
                 QStringLiteral("What is 1 plus 1?"));
    }

private:
    QTemporaryDir m_dir;
    TraceStorePtr m_store;
};

QTEST_MAIN(TestTraceInspector)
#include "tst_traceinspector.moc"
