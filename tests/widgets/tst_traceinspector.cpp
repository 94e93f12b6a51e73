// TraceModel and TraceInspector over a real SQLite TraceStore: a run of 20k spans opens and is
// paged in as it is scrolled (never loaded at once), the rows show the stored spans, the filter
// narrows them, full-text search finds an LM call, and a selected LM call shows its messages.

#include "messageview.h"
#include "traceinspector.h"
#include "tracemodel.h"

#include <QCheckBox>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace dspy;
using namespace dspy::ui;

namespace {

constexpr int kSpans = 20000;

QString spanId(int i)
{
    return QStringLiteral("s%1").arg(i, 6, 10, QLatin1Char('0'));
}

// Every 10th span is an LM call; span 12340 is the only one that mentions a zebracorn.
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
    for (int i = 0; i < kSpans; ++i) {
        Span s;
        s.id = spanId(i);
        s.runId = run.id;
        s.exampleIndex = i / 10;
        s.started = 1000 + qint64(i) * 100;
        s.ended = s.started + 10 + i % 7;
        s.status = i % 1000 == 999 ? QStringLiteral("error") : QStringLiteral("ok");
        if (s.status == QLatin1String("error"))
            s.error = QStringLiteral("LMServerError: boom");
        if (i % 10 == 0) {
            s.kind = CallbackHook::LM;
            s.name = QStringLiteral("ManagedLM(lmsim/sim)");
            const QString prompt = i == 12340 ? QStringLiteral("How many legs has a zebracorn?")
                                              : QStringLiteral("What is %1 plus 1?").arg(i);
            s.inputs = Value(
                Object{{QStringLiteral("messages"),
                        Value(Array{Value(Object{{QStringLiteral("role"), Value("system")},
                                                 {QStringLiteral("content"), Value("Be exact.")}}),
                                    Value(Object{{QStringLiteral("role"), Value("user")},
                                                 {QStringLiteral("content"), Value(prompt)}})})}});
            s.outputs = Value(Array{Value(QStringLiteral("[[ ## answer ## ]]\n%1").arg(i + 1))});
            s.promptTokens = 20;
            s.completionTokens = 5;
            s.cacheHit = i % 20 == 0;
        } else {
            s.kind = CallbackHook::Module;
            s.name = QStringLiteral("Predict(question -> answer)");
            s.outputs = Value(Object{{QStringLiteral("answer"), Value(i)}});
        }
        store->record(std::move(s));
    }
    store->endRun(run.id, 9999999, QStringLiteral("finished"));
    if (!store->flush() || store->droppedCount() != 0)
        return {};
    return store;
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

    void aLargeRunIsPagedInNotLoadedAtOnce()
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

        QSignalSpy pages(&model, &TraceModel::pageLoaded);
        model.fetchMore(run);
        QVERIFY(model.isFetching(run));
        QVERIFY(!model.canFetchMore(run)); // one page in flight at a time
        QTRY_COMPARE(pages.size(), 1);
        QCOMPARE(model.rowCount(run), 500);
        model.fetchMore(run);
        QTRY_COMPARE(pages.size(), 2);
        QCOMPARE(model.rowCount(run), 1000);

        // The rows are the stored spans, in order, with their columns.
        for (int r : {0, 1, 499, 500, 999}) {
            const QModelIndex name = model.index(r, TraceModel::NameColumn, run);
            QCOMPARE(name.data(TraceModel::SpanIdRole).toString(), spanId(r));
            QCOMPARE(model.parent(name), run);
        }
        const QModelIndex lm = model.index(10, 0, run);
        QCOMPARE(model.spanAt(lm)->kind, CallbackHook::LM);
        QCOMPARE(model.index(10, TraceModel::KindColumn, run).data().toString(),
                 QStringLiteral("lm"));
        QCOMPARE(model.index(10, TraceModel::TokensColumn, run).data().toLongLong(), 25);
        QCOMPARE(model.index(10, TraceModel::CacheColumn, run).data().toString(),
                 QStringLiteral("miss"));
        QCOMPARE(model.index(20, TraceModel::CacheColumn, run).data().toString(),
                 QStringLiteral("hit"));
        QCOMPARE(model.index(10, TraceModel::ExampleColumn, run).data().toLongLong(), 1);
        QCOMPARE(model.index(13, TraceModel::LatencyColumn, run).data().toString(),
                 QStringLiteral("0.0 ms")); // 16 µs
        QCOMPARE(model.index(999, TraceModel::ErrorColumn, run).data().toString(),
                 QStringLiteral("LMServerError: boom"));

        // Paging to the end: 40 pages, then nothing more to fetch.
        while (model.rowCount(run) < kSpans) {
            const int before = model.rowCount(run);
            QVERIFY(model.canFetchMore(run));
            model.fetchMore(run);
            QTRY_VERIFY(model.rowCount(run) > before);
            QCOMPARE(model.rowCount(run) - before, 500);
        }
        QTRY_VERIFY(!model.canFetchMore(run));
        QCOMPARE(model.index(kSpans - 1, 0, run).data(TraceModel::SpanIdRole).toString(),
                 spanId(kSpans - 1));
    }

    void scrollingTheViewFetchesPages()
    {
        TraceInspector inspector;
        inspector.resize(900, 500);
        inspector.show();
        QSignalSpy runs(inspector.model(), &TraceModel::runsLoaded);
        inspector.setStore(m_store);
        QTRY_COMPARE(runs.size(), 1);
        QTreeView* tree = inspector.tree();
        const QModelIndex run = inspector.filterModel()->index(0, 0);
        tree->expand(run); // the view asks the model for the first page
        const QModelIndex sourceRun = inspector.model()->index(0, 0);
        QTRY_COMPARE(inspector.model()->rowCount(sourceRun), TraceModel::kDefaultPageSize);
        QVERIFY(!inspector.model()->isFetching(sourceRun)); // the viewport is full: no more
        // Scrolled to the bottom, the view fetches the next page, and only that.
        tree->verticalScrollBar()->setValue(tree->verticalScrollBar()->maximum());
        QTRY_COMPARE(inspector.model()->rowCount(sourceRun), 2 * TraceModel::kDefaultPageSize);
        QTRY_VERIFY(!inspector.model()->isFetching(sourceRun));
        QCOMPARE(inspector.model()->rowCount(sourceRun), 2 * TraceModel::kDefaultPageSize);

        // Selecting an LM call shows its messages by role and the raw response.
        const QModelIndex lm = inspector.filterModel()->index(30, 0, run);
        tree->setCurrentIndex(lm);
        QVERIFY(inspector.shownSpan());
        QCOMPARE(inspector.shownSpan()->id, spanId(30));
        QCOMPARE(inspector.messageView()->messages().size(), 2);
        QCOMPARE(inspector.messageView()->messages().at(1),
                 (ChatMessage{QStringLiteral("user"), QStringLiteral("What is 30 plus 1?")}));
        QCOMPARE(inspector.responseText(), QStringLiteral("[[ ## answer ## ]]\n31"));
        // A module span shows its parsed outputs.
        tree->setCurrentIndex(inspector.filterModel()->index(31, 0, run));
        QVERIFY(inspector.parsedText().contains(QStringLiteral("31")));
    }

    void filterAndFullTextSearch()
    {
        TraceInspector inspector;
        QSignalSpy runs(inspector.model(), &TraceModel::runsLoaded);
        inspector.setStore(m_store);
        QTRY_COMPARE(runs.size(), 1);

        QSignalSpy found(&inspector, &TraceInspector::searchFinished);
        inspector.search(QStringLiteral("zebracorn"));
        QTRY_COMPARE(found.size(), 1);
        QCOMPARE(found.first().first().toInt(), 1);
        QCOMPARE(inspector.searchResults().first().id, spanId(12340));

        inspector.search(QStringLiteral("unicornzebra"));
        QTRY_COMPARE(found.size(), 2);
        QCOMPARE(found.last().first().toInt(), 0);

        // Errors only: of the first page, the one failing span stays.
        auto* proxy = inspector.filterModel();
        const QModelIndex sourceRun = inspector.model()->index(0, 0);
        inspector.model()->fetchNextPage(sourceRun);
        QTRY_COMPARE(inspector.model()->rowCount(sourceRun), TraceModel::kDefaultPageSize);
        auto* errorsOnly = inspector.findChild<QCheckBox*>();
        QVERIFY(errorsOnly);
        errorsOnly->setChecked(true);
        const QModelIndex run = proxy->index(0, 0);
        QCOMPARE(proxy->rowCount(run), 0); // span 999 is not in the first 500
        errorsOnly->setChecked(false);
        QCOMPARE(proxy->rowCount(run), TraceModel::kDefaultPageSize);
    }

private:
    QTemporaryDir m_dir;
    TraceStorePtr m_store;
};

QTEST_MAIN(TestTraceInspector)
#include "tst_traceinspector.moc"
