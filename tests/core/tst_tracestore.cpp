// TraceStore and TraceRecorder: every span field round-trips, keyset paging over 20k spans, FTS
// search, a reader while the writer writes, children/example queries, refusal of corrupt and
// foreign files, the bounded write queue, example indexes through parent chains, and LM spans
// (usage, model, cost, cache hit) recorded through ManagedLM without its api_key.

#include "lm/managedlm.h"
#include "lm/pricing.h"
#include "trace/tracerecorder.h"
#include "trace/tracestore.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace dspy;

// The message is built only on failure (error() of a value is not an error).
#define VERIFY_OK(x)                                                                               \
    do {                                                                                           \
        if (!(x))                                                                                  \
            QFAIL(qPrintable((x).error()));                                                        \
    } while (false)

namespace {

TraceStorePtr openStore(const QString& path, TraceStoreOptions options = {})
{
    auto s = TraceStore::open(path, options);
    if (!s)
        qFatal("open failed: %s", qPrintable(s.error()));
    return s.value();
}

Span makeSpan(const QString& id, const QString& run, qint64 started,
              CallbackHook kind = CallbackHook::Module, const QString& parent = {})
{
    Span s;
    s.id = id;
    s.runId = run;
    s.parentId = parent;
    s.kind = kind;
    s.name = QStringLiteral("Predict(question -> answer)");
    s.started = started;
    s.ended = started + 10;
    s.status = QStringLiteral("ok");
    return s;
}

Span lmSpan(const QString& id, const QString& run, qint64 started, const QString& prompt,
            const QString& response)
{
    Span s = makeSpan(id, run, started, CallbackHook::LM);
    s.name = QStringLiteral("ManagedLM(openai/gpt-4o-mini)");
    s.inputs = Value(Object{
        {QStringLiteral("prompt"), Value()},
        {QStringLiteral("messages"),
         Value(Array{Value(Object{{QStringLiteral("role"), Value("system")},
                                  {QStringLiteral("content"), Value("You are helpful.")}}),
                     Value(Object{{QStringLiteral("role"), Value("user")},
                                  {QStringLiteral("content"), Value(prompt)}})})},
        {QStringLiteral("kwargs"), Value(Object{{QStringLiteral("temperature"), Value(0.0)}})}});
    s.outputs = Value(Array{Value(response)});
    return s;
}

QStringList ids(const QList<Span>& spans)
{
    QStringList out;
    for (const Span& s : spans)
        out.append(s.id);
    return out;
}

// An LM that answers with usage, as a provider does.
class UsageLM : public LM
{
public:
    QString model() const override { return QStringLiteral("openai/gpt-4o-mini"); }
    QFuture<LMResponse> call(const LMRequest&) override
    {
        LMResponse r;
        r.model = model();
        LMOutput o;
        o.text = QStringLiteral("[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]");
        r.outputs.append(o);
        r.usage.promptTokens = 12;
        r.usage.completionTokens = 5;
        r.usage.totalTokens = 17;
        return QtFuture::makeReadyFuture(std::move(r));
    }
};

} // namespace

class TestTraceStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFieldRoundTrips()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.filePath(QStringLiteral("t.dspydb")));
        RunInfo run{QStringLiteral("run-1"),
                    QStringLiteral("eval «ünï»"),
                    QStringLiteral("evaluate"),
                    1700000000000000,
                    std::nullopt,
                    QStringLiteral("running"),
                    Value()};
        store->beginRun(run);
        Span full = lmSpan(QStringLiteral("a1"), run.id, 1700000000000100, QStringLiteral("q ✓"),
                           QStringLiteral("r"));
        full.parentId = QStringLiteral("p0");
        full.exampleIndex = 41;
        full.status = QStringLiteral("error");
        full.error = QStringLiteral("LMError: boom\nline 2");
        full.model = QStringLiteral("openai/gpt-4o-mini");
        full.promptTokens = 120;
        full.completionTokens = 7;
        full.cost = 0.000123;
        full.cacheHit = true;
        Span bare = makeSpan(QStringLiteral("b2"), run.id, 1700000000000200, CallbackHook::Compile);
        bare.inputs = Value(Object{{QStringLiteral("n"), Value(qint64(1) << 40)},
                                   {QStringLiteral("f"), Value(0.1)},
                                   {QStringLiteral("b"), Value(false)}});
        store->record(full);
        store->record(bare);
        store->addEvent(TraceEvent{run.id, 1700000000000300, QStringLiteral("progress"),
                                   Value(Object{{QStringLiteral("done"), Value(1)}})});
        store->endRun(run.id, 1700000000000400, QStringLiteral("finished"),
                      Value(Object{{QStringLiteral("score"), Value(87.5)}}));
        QVERIFY(store->flush());
        QCOMPARE(store->writtenSpans(), 2);

        auto a = store->span(QStringLiteral("a1"));
        VERIFY_OK(a);
        QVERIFY(a->has_value());
        QCOMPARE(**a, full);
        auto b = store->span(QStringLiteral("b2"));
        QVERIFY(b && b->has_value());
        QCOMPARE(**b, bare);
        QVERIFY(!b->value().exampleIndex);
        QVERIFY(!b->value().cost);
        QCOMPARE(store->span(QStringLiteral("missing")).value(), std::optional<Span>());

        RunInfo ended = run;
        ended.ended = 1700000000000400;
        ended.status = QStringLiteral("finished");
        ended.summary = Value(Object{{QStringLiteral("score"), Value(87.5)}});
        QCOMPARE(store->runs().value(), QList<RunInfo>{ended});
        QCOMPARE(store->run(run.id).value(), std::optional<RunInfo>(ended));
        const auto events = store->events(run.id).value();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].payload.toJson(), QStringLiteral("{\"done\": 1}"));

        // Reopening finds everything (schema version 1 accepted).
        store.reset();
        auto again = openStore(dir.filePath(QStringLiteral("t.dspydb")));
        QCOMPARE(again->span(QStringLiteral("a1")).value().value(), full);
        const SpanCounts c = again->counts(run.id).value();
        QCOMPARE(c.spans, 2);
        QCOMPARE(c.lmCalls, 1);
        QCOMPARE(c.errors, 1);
        QCOMPARE(c.cacheHits, 1);
        QCOMPARE(c.promptTokens, 120);
        QCOMPARE(c.completionTokens, 7);
        QCOMPARE(c.cost, 0.000123);
        QCOMPARE(c.examples, 1);
        QCOMPARE(again->counts(QStringLiteral("no-such-run")).value().spans, 0);
    }

    void keysetPagingHasNoGapsOrDuplicates()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.filePath(QStringLiteral("p.dspydb")));
        constexpr int kSpans = 20000;
        QList<int> order;
        for (int i = 0; i < kSpans; ++i)
            order.append(i);
        std::shuffle(order.begin(), order.end(), *QRandomGenerator::global());
        for (int i : order) // started collides in threes: the id breaks the tie
            store->record(makeSpan(QStringLiteral("s%1").arg(i, 6, 10, QLatin1Char('0')),
                                   QStringLiteral("r"), 1000 + i / 3));
        store->record(makeSpan(QStringLiteral("other"), QStringLiteral("r2"), 1500));
        QVERIFY(store->flush());

        QStringList seen;
        SpanCursor cursor;
        int pages = 0;
        for (;;) {
            auto page = store->spans(QStringLiteral("r"), cursor, 997);
            VERIFY_OK(page);
            seen += ids(page->spans);
            ++pages;
            if (!page->next)
                break;
            cursor = *page->next;
        }
        QCOMPARE(pages, 21);
        QCOMPARE(seen.size(), kSpans);
        QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), kSpans);
        QStringList sorted = seen;
        std::sort(sorted.begin(), sorted.end()); // ids sort as (started, id) here
        QCOMPARE(seen, sorted);
        // OFFSET paging agrees with the keyset order.
        QCOMPARE(ids(store->spansAt(QStringLiteral("r"), 12345, 5).value()), seen.mid(12345, 5));
        // An exact multiple of the page size still ends with no next.
        auto last =
            store->spans(QStringLiteral("r"), SpanCursor{1000 + 19989 / 3, seen[19989]}, 10);
        QCOMPARE(last->spans.size(), 10);
        QVERIFY(!last->next);
    }

    void fullTextSearchOverPromptsAndResponses()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.filePath(QStringLiteral("f.dspydb")));
        store->record(lmSpan(QStringLiteral("l1"), QStringLiteral("r"), 10,
                             QStringLiteral("What is the capital of France?"),
                             QStringLiteral("[[ ## answer ## ]]\nParis")));
        store->record(lmSpan(QStringLiteral("l2"), QStringLiteral("r"), 20,
                             QStringLiteral("What is the capital of Peru?"),
                             QStringLiteral("[[ ## answer ## ]]\nLima")));
        store->record(lmSpan(QStringLiteral("l3"), QStringLiteral("other"), 30,
                             QStringLiteral("capital of France again"), QStringLiteral("Paris")));
        Span module = makeSpan(QStringLiteral("m1"), QStringLiteral("r"), 5);
        module.inputs = Value(Object{{QStringLiteral("question"), Value("France")}});
        store->record(module); // not an LM span: not indexed
        QVERIFY(store->flush());

        QCOMPARE(ids(store->search(QStringLiteral("r"), QStringLiteral("france")).value()),
                 QStringList{QStringLiteral("l1")});
        QCOMPARE(ids(store->search(QStringLiteral("r"), QStringLiteral("Lima")).value()),
                 QStringList{QStringLiteral("l2")});
        QCOMPARE(ids(store->search(QStringLiteral("r"), QStringLiteral("capital")).value()).size(),
                 2);
        QCOMPARE(ids(store->search(QString(), QStringLiteral("France")).value()).size(), 2);
        QVERIFY(store->search(QStringLiteral("r"), QStringLiteral("Paris Lima")).value().isEmpty());
        // FTS5 syntax in the text is taken literally instead of failing the query.
        auto odd = store->search(QStringLiteral("r"), QStringLiteral("NEAR( \"capital OR *"));
        VERIFY_OK(odd);
        QVERIFY(odd->isEmpty());
    }

    void childrenAndExampleQueries()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.filePath(QStringLiteral("c.dspydb")));
        Span root = makeSpan(QStringLiteral("root"), QStringLiteral("r"), 1);
        root.exampleIndex = 7;
        Span c1 = makeSpan(QStringLiteral("c1"), QStringLiteral("r"), 3,
                           CallbackHook::AdapterFormat, QStringLiteral("root"));
        c1.exampleIndex = 7;
        Span c2 = makeSpan(QStringLiteral("c2"), QStringLiteral("r"), 2, CallbackHook::LM,
                           QStringLiteral("root"));
        c2.exampleIndex = 7;
        Span other = makeSpan(QStringLiteral("x"), QStringLiteral("r"), 4);
        other.exampleIndex = 8;
        for (const Span& s : {root, c1, c2, other})
            store->record(s);
        QVERIFY(store->flush());
        QCOMPARE(ids(store->children(QStringLiteral("root")).value()),
                 (QStringList{QStringLiteral("c2"), QStringLiteral("c1")}));
        QVERIFY(store->children(QStringLiteral("c1")).value().isEmpty());
        QCOMPARE(ids(store->spansForExample(QStringLiteral("r"), 7).value()),
                 (QStringList{QStringLiteral("root"), QStringLiteral("c2"), QStringLiteral("c1")}));
        const SpanCounts counts = store->counts(QStringLiteral("r")).value();
        QCOMPARE(counts.spans, 4);
        QCOMPARE(counts.lmCalls, 1);
        QCOMPARE(counts.examples, 2);
    }

    void readerWhileWriting()
    {
        QTemporaryDir dir;
        TraceStoreOptions o;
        o.maxBatchSize = 64;
        o.maxWaitMs = 1;
        auto store = openStore(dir.filePath(QStringLiteral("w.dspydb")), o);
        constexpr int kSpans = 6000;
        std::atomic<bool> writing{true};
        std::atomic<int> readerErrors{0};
        std::atomic<int> nonMonotonic{0};
        std::atomic<int> reads{0};
        std::atomic<qint64> maxSeenWhileWriting{0};
        std::thread reader([&] {
            qint64 last = 0;
            while (writing.load()) {
                auto c = store->counts(QStringLiteral("r"));
                auto page = store->spans(QStringLiteral("r"), SpanCursor{}, 50);
                if (!c || !page) {
                    readerErrors.fetch_add(1);
                    continue;
                }
                if (c->spans < last)
                    nonMonotonic.fetch_add(1);
                last = c->spans;
                maxSeenWhileWriting.store(last);
                reads.fetch_add(1);
            }
        });
        for (int i = 0; i < kSpans; ++i) {
            store->record(makeSpan(QStringLiteral("w%1").arg(i), QStringLiteral("r"), i));
            if (i % 500 == 499)
                QVERIFY(store->flush()); // commits land while the reader reads
            if (i == kSpans / 2)         // the reader must have seen a partly written run
                QTRY_VERIFY_WITH_TIMEOUT(maxSeenWhileWriting.load() > 0, 20000);
        }
        QVERIFY(store->flush());
        writing.store(false);
        reader.join();
        QCOMPARE(readerErrors.load(), 0);
        QCOMPARE(nonMonotonic.load(), 0);
        QVERIFY(reads.load() > 0);
        QCOMPARE(store->counts(QStringLiteral("r")).value().spans, kSpans);
    }

    void corruptFileIsRefusedAndKept()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.dspydb"));
        QByteArray garbage(8192, '\0');
        for (int i = 0; i < garbage.size(); ++i)
            garbage[i] = char((i * 131 + 7) % 251);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(garbage);
        }
        auto s = TraceStore::open(path);
        QVERIFY(!s);
        QCOMPARE(s.error(), QStringLiteral("%1 is not a usable trace store: file is not a database "
                                           "Unable to fetch row")
                                .arg(QFileInfo(path).absoluteFilePath()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), garbage);
    }

    void foreignOrNewerDatabaseIsRefused()
    {
        QTemporaryDir dir;
        const QString foreign = dir.filePath(QStringLiteral("foreign.sqlite"));
        const QString newer = dir.filePath(QStringLiteral("newer.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "setup");
            db.setDatabaseName(foreign);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("CREATE TABLE notes(x)"));
            db.close();
            db.setDatabaseName(newer);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 99"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("setup"));
        auto a = TraceStore::open(foreign);
        QVERIFY(!a);
        QVERIFY2(a.error().endsWith(
                     QStringLiteral("it is a SQLite database of something else (tables: notes)")),
                 qPrintable(a.error()));
        auto b = TraceStore::open(newer);
        QVERIFY(!b);
        QVERIFY2(b.error().endsWith(
                     QStringLiteral("its schema version 99 is newer than this program's (1)")),
                 qPrintable(b.error()));
        auto c = TraceStore::open(dir.filePath(QStringLiteral("no/such/dir/t.dspydb")));
        QVERIFY(!c);
        QVERIFY(c.error().contains(QStringLiteral("the directory does not exist")));
    }

    void fullQueueDropsAndCounts()
    {
        QTemporaryDir dir;
        TraceStoreOptions o;
        o.maxBatchSize = 1000; // never full
        o.maxWaitMs = 600000;  // and the timer never fires: nothing leaves the queue
        o.maxPending = 10;
        o.overflowWaitMs = 0;
        auto store = openStore(dir.filePath(QStringLiteral("d.dspydb")), o);
        for (int i = 0; i < 15; ++i)
            store->record(makeSpan(QStringLiteral("d%1").arg(i), QStringLiteral("r"), i));
        QCOMPARE(store->droppedCount(), 5);
        // The flush mark itself does not fit either: flush reports failure, then the queue is
        // written on shutdown.
        store.reset();
        auto again = openStore(dir.filePath(QStringLiteral("d.dspydb")));
        QCOMPARE(again->counts(QStringLiteral("r")).value().spans, 10);
    }

    void recorderInheritsExampleIndexThroughParents()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.filePath(QStringLiteral("rec.dspydb")));
        TraceRecorder rec(store, QStringLiteral("run"));
        rec.beginExample(3, QStringLiteral("eval-3")); // the evaluation's synthetic parent id
        rec.beginExample(4, QStringLiteral("mod-4"));  // or the program call's own id
        Object in{{QStringLiteral("question"), Value("q")}};
        rec.onStart(CallbackHook::Module, {QStringLiteral("mod-3"), QStringLiteral("eval-3"),
                                           QStringLiteral("ChainOfThought"), in});
        rec.onStart(CallbackHook::Module, {QStringLiteral("pred-3"), QStringLiteral("mod-3"),
                                           QStringLiteral("Predict"), in});
        rec.onStart(CallbackHook::AdapterFormat, {QStringLiteral("fmt-3"), QStringLiteral("pred-3"),
                                                  QStringLiteral("ChatAdapter"), in});
        rec.onEnd(CallbackHook::AdapterFormat, {QStringLiteral("fmt-3"), Value("msgs"), {}});
        rec.onStart(CallbackHook::Module,
                    {QStringLiteral("mod-4"), QString(), QStringLiteral("ChainOfThought"), in});
        rec.onStart(CallbackHook::Tool, {QStringLiteral("orphan"), QStringLiteral("unknown"),
                                         QStringLiteral("search"), in});
        rec.onEnd(CallbackHook::Tool, {QStringLiteral("orphan"), Value(), QStringLiteral("boom")});
        rec.onEnd(CallbackHook::Module, {QStringLiteral("pred-3"), Value("p"), {}});
        rec.onEnd(CallbackHook::Module, {QStringLiteral("mod-3"), Value("m"), {}});
        rec.onEnd(CallbackHook::Module, {QStringLiteral("mod-4"), Value("m4"), {}});
        rec.onEnd(CallbackHook::Module, {QStringLiteral("never-started"), Value(), {}});
        QCOMPARE(rec.openSpanCount(), 0);
        rec.endExample(QStringLiteral("eval-3"));
        QVERIFY(store->flush());

        // Spans come in (started, id) order; these three may start within one microsecond.
        QStringList example3 = ids(store->spansForExample(QStringLiteral("run"), 3).value());
        example3.sort();
        QCOMPARE(example3, (QStringList{QStringLiteral("fmt-3"), QStringLiteral("mod-3"),
                                        QStringLiteral("pred-3")}));
        QCOMPARE(ids(store->spansForExample(QStringLiteral("run"), 4).value()),
                 QStringList{QStringLiteral("mod-4")});
        const Span orphan = store->span(QStringLiteral("orphan")).value().value();
        QVERIFY(!orphan.exampleIndex);
        QCOMPARE(orphan.status, QStringLiteral("error"));
        QCOMPARE(orphan.error, QStringLiteral("boom"));
        QCOMPARE(orphan.kind, CallbackHook::Tool);
        const Span fmt = store->span(QStringLiteral("fmt-3")).value().value();
        QCOMPARE(fmt.parentId, QStringLiteral("pred-3"));
        QCOMPARE(fmt.outputs, Value("msgs"));
        QVERIFY(fmt.ended >= fmt.started && fmt.started > 1600000000000000);
        QVERIFY(!store->span(QStringLiteral("never-started")).value());
        QCOMPARE(store->counts(QStringLiteral("run")).value().spans, 5);
    }

    void lmSpansCarryUsageAndNoSecret()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lm.dspydb"));
        const QString secret = QStringLiteral("sk-test-SECRET-0123456789");
        auto store = openStore(path);
        auto recorder = std::make_shared<TraceRecorder>(store, QStringLiteral("run"));
        auto registry = std::make_shared<CallbackRegistry>();
        registry->add(recorder);
        ManagedLMOptions o;
        o.cache = false;
        o.callbacks = registry;
        o.prices = std::make_shared<PriceTable>(PriceTable::defaults());
        o.disableHistory = true;
        ManagedLM lm(std::make_shared<UsageLM>(),
                     Object{{QStringLiteral("temperature"), Value(0.0)},
                            {QStringLiteral("api_key"), Value(secret)}},
                     o);
        LMRequest req;
        req.messages = {ChatMessage{QStringLiteral("user"), QStringLiteral("capital of France?")}};
        req.kwargs.insert(QStringLiteral("temperature"), Value(0.0));
        req.kwargs.insert(QStringLiteral("api_key"), Value(secret));
        req.parentCallId = QStringLiteral("eval-0");
        recorder->beginExample(0, QStringLiteral("eval-0"));
        const LMResponse r = lm.callBlocking(req);
        QVERIFY(!r.error);
        QVERIFY(store->flush());

        const QList<Span> spans = store->spansForExample(QStringLiteral("run"), 0).value();
        QCOMPARE(spans.size(), 1);
        const Span& s = spans[0];
        QCOMPARE(s.kind, CallbackHook::LM);
        QCOMPARE(s.name, QStringLiteral("ManagedLM(openai/gpt-4o-mini)"));
        QCOMPARE(s.model, QStringLiteral("openai/gpt-4o-mini"));
        QCOMPARE(s.promptTokens, std::optional<qint64>(12));
        QCOMPARE(s.completionTokens, std::optional<qint64>(5));
        QCOMPARE(s.cost,
                 PriceTable::defaults().cost(QStringLiteral("openai/gpt-4o-mini"), r.usage));
        QVERIFY(s.cost.has_value());
        QCOMPARE(s.cacheHit, false);
        QCOMPARE(s.inputs.toObject().value(u"kwargs").toJson(),
                 QStringLiteral("{\"temperature\": 0.0}"));
        QCOMPARE(ids(store->search(QStringLiteral("run"), QStringLiteral("Paris")).value()),
                 QStringList{s.id});

        // The key is nowhere in the database, its WAL or anything else in the directory.
        registry->clear();
        recorder.reset();
        store.reset(); // the last owner: writes, checkpoints and closes
        QDirIterator it(dir.path(), QDir::Files);
        int files = 0;
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(!bytes.contains(secret.toUtf8()), qPrintable(f.fileName()));
            QVERIFY2(!bytes.contains("SECRET-0123"), qPrintable(f.fileName()));
            ++files;
        }
        QVERIFY(files >= 1);
    }
};

QTEST_GUILESS_MAIN(TestTraceStore)
#include "tst_tracestore.moc"
