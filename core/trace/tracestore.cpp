#include "trace/tracestore.h"

#include "runtime/batcher.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>
#include <limits>
#include <variant>

namespace dspy {

std::optional<CallbackHook> callbackHookFromName(QStringView name)
{
    for (CallbackHook h : {CallbackHook::Module, CallbackHook::LM, CallbackHook::AdapterFormat,
                           CallbackHook::AdapterParse, CallbackHook::Tool, CallbackHook::Evaluate,
                           CallbackHook::Compile}) {
        if (callbackHookName(h) == name)
            return h;
    }
    return std::nullopt;
}

namespace {

std::atomic<quint64> g_connectionCounter{0};

QString nextConnectionName(const char* role)
{
    return QStringLiteral("dspy-trace-%1-%2")
        .arg(QLatin1String(role))
        .arg(g_connectionCounter.fetch_add(1, std::memory_order_relaxed));
}

const QString kBusyTimeout = QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000");

QString sqlError(const QSqlQuery& q)
{
    return q.lastError().text();
}

// Compact JSON with non-ASCII kept as is: the file stores a lot of prompt text.
QVariant jsonColumn(const Value& v)
{
    if (v.isNull())
        return QVariant();
    return v.toJson(JsonStyle{-1, false, false});
}

Value valueColumn(const QVariant& v)
{
    if (v.isNull())
        return Value();
    return Value::fromJson(v.toString()).value_or(Value(v.toString()));
}

template <typename T> QVariant optionalColumn(const std::optional<T>& v)
{
    return v ? QVariant::fromValue(*v) : QVariant();
}

QString textOf(const Value& v)
{
    if (v.isString())
        return v.toString();
    if (v.isObject()) {
        const Object& o = v.toObject();
        if (o.contains(u"text"))
            return textOf(o.value(u"text"));
        if (o.contains(u"content"))
            return textOf(o.value(u"content"));
        return {};
    }
    if (v.isArray()) {
        QStringList parts;
        for (const Value& e : v.toArray()) {
            QString t = textOf(e);
            if (!t.isEmpty())
                parts.append(std::move(t));
        }
        return parts.join(QLatin1Char('\n'));
    }
    return {};
}

// What FTS indexes for an LM span: the message contents, and the completions.
QString promptText(const Value& inputs)
{
    if (!inputs.isObject())
        return textOf(inputs);
    const Object& o = inputs.toObject();
    QString text = textOf(o.value(u"messages"));
    if (const Value& prompt = o.value(u"prompt"); prompt.isString())
        text = prompt.toString() + (text.isEmpty() ? QString() : QStringLiteral("\n") + text);
    return text;
}

const char* const kSchema[] = {
    "CREATE TABLE runs(id TEXT PRIMARY KEY, name TEXT, kind TEXT, started INTEGER, ended INTEGER,"
    " status TEXT, summary TEXT)",
    "CREATE TABLE spans(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, run_id TEXT NOT NULL,"
    " parent_id TEXT, example_index INTEGER, kind TEXT NOT NULL, name TEXT,"
    " started INTEGER NOT NULL, ended INTEGER, status TEXT, error TEXT, inputs TEXT, outputs TEXT,"
    " model TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, cost REAL,"
    " cache_hit INTEGER NOT NULL DEFAULT 0)",
    // (run_id, started) plus id, so keyset paging in (started, id) order is an index walk.
    "CREATE INDEX spans_run_started ON spans(run_id, started, id)",
    "CREATE INDEX spans_parent ON spans(parent_id, started, id)",
    // With started: the planner otherwise walks the whole run in (started, id) order to find one
    // example's spans (measured: 0.5 s at 160k spans).
    "CREATE INDEX spans_run_example ON spans(run_id, example_index, started, id)",
    // Totals per run, added to in each write transaction, so counts() reads one row instead of
    // every span (a re-recorded span id is counted twice).
    "CREATE TABLE run_stats(run_id TEXT PRIMARY KEY, spans INTEGER, lm_calls INTEGER,"
    " errors INTEGER, cache_hits INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER,"
    " cost REAL)",
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, run_id TEXT NOT NULL, time INTEGER NOT NULL,"
    " kind TEXT NOT NULL, payload TEXT)",
    "CREATE INDEX events_run ON events(run_id, time)",
    // Contentless: the text is already in spans.inputs/outputs; the index alone maps words to
    // span rows (rowid = spans.seq).
    "CREATE VIRTUAL TABLE span_text USING fts5(prompt, response, content='')",
};

const char* const kSpanColumns =
    "s.id, s.run_id, s.parent_id, s.example_index, s.kind, s.name, s.started, s.ended, s.status,"
    " s.error, s.inputs, s.outputs, s.model, s.prompt_tokens, s.completion_tokens, s.cost,"
    " s.cache_hit";

Span spanFromQuery(const QSqlQuery& q)
{
    Span s;
    s.id = q.value(0).toString();
    s.runId = q.value(1).toString();
    s.parentId = q.value(2).toString();
    if (!q.value(3).isNull())
        s.exampleIndex = q.value(3).toLongLong();
    s.kind = callbackHookFromName(q.value(4).toString()).value_or(CallbackHook::Module);
    s.name = q.value(5).toString();
    s.started = q.value(6).toLongLong();
    s.ended = q.value(7).toLongLong();
    s.status = q.value(8).toString();
    s.error = q.value(9).toString();
    s.inputs = valueColumn(q.value(10));
    s.outputs = valueColumn(q.value(11));
    s.model = q.value(12).toString();
    if (!q.value(13).isNull())
        s.promptTokens = q.value(13).toLongLong();
    if (!q.value(14).isNull())
        s.completionTokens = q.value(14).toLongLong();
    if (!q.value(15).isNull())
        s.cost = q.value(15).toDouble();
    s.cacheHit = q.value(16).toBool();
    return s;
}

RunInfo runFromQuery(const QSqlQuery& q)
{
    RunInfo r;
    r.id = q.value(0).toString();
    r.name = q.value(1).toString();
    r.kind = q.value(2).toString();
    r.started = q.value(3).toLongLong();
    if (!q.value(4).isNull())
        r.ended = q.value(4).toLongLong();
    r.status = q.value(5).toString();
    r.summary = valueColumn(q.value(6));
    return r;
}

struct RunTotals
{
    qint64 spans = 0, lmCalls = 0, errors = 0, cacheHits = 0, promptTokens = 0,
           completionTokens = 0;
    double cost = 0;
};

struct EndRun
{
    QString id;
    qint64 ended = 0;
    QString status;
    Value summary;
};
struct FlushMark
{};
using WriteOp = std::variant<Span, RunInfo, EndRun, TraceEvent, FlushMark>;
using WriteBatcher = Batcher<WriteOp, bool>;

// Runs fn with a fresh connection to path on this thread, then removes the connection.
template <typename T, typename F> Expected<T, QString> withConnection(const QString& path, F&& fn)
{
    const QString name = nextConnectionName("r");
    std::optional<Expected<T, QString>> result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(kBusyTimeout);
        if (!db.open())
            result.emplace(unexpected(
                QStringLiteral("cannot open trace store %1: %2").arg(path, db.lastError().text())));
        else
            result.emplace(fn(db));
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return std::move(*result);
}

// Runs a prepared query and collects spans.
Expected<QList<Span>, QString> collectSpans(QSqlQuery& q)
{
    if (!q.exec())
        return unexpected(sqlError(q));
    QList<Span> out;
    while (q.next())
        out.append(spanFromQuery(q));
    return out;
}

// Binds the rest of a keyset query ((started, id) > cursor, limit + 1) and cuts the page.
Expected<SpanPage, QString> keysetPage(QSqlQuery& q, const SpanCursor& after, int limit)
{
    q.addBindValue(after.isStart() ? std::numeric_limits<qint64>::min() : after.started);
    q.addBindValue(after.id);
    q.addBindValue(qMax(0, limit) + 1); // one more tells whether a next page exists
    auto rows = collectSpans(q);
    if (!rows)
        return unexpected(rows.error());
    SpanPage page;
    page.spans = std::move(rows.value());
    if (page.spans.size() > qMax(0, limit)) {
        page.spans.removeLast();
        const Span& last = page.spans.isEmpty() ? Span() : page.spans.last();
        page.next = SpanCursor{last.started, last.id};
    }
    return page;
}

QVariant exampleValue(std::optional<qint64> example)
{
    return example ? QVariant(*example) : QVariant(QMetaType(QMetaType::LongLong));
}

} // namespace

struct TraceStore::Private
{
    QString path;
    TraceStoreOptions options;

    // Worker-thread state: the writing connection and its prepared statements.
    QString writerName;
    bool writerOpen = false;
    std::unique_ptr<QSqlQuery> insertSpan, insertText, insertRun, updateRun, insertEvent, addStats;
    QHash<QString, RunTotals> batchTotals;

    std::atomic<qint64> written{0};
    std::atomic<qint64> droppedWrites{0};
    std::atomic<bool> batchFailedSinceFlush{false};
    mutable QMutex errorMutex;
    QString lastError;

    std::unique_ptr<WriteBatcher> batcher;

    void setError(const QString& e)
    {
        QMutexLocker lock(&errorMutex);
        lastError = e;
        batchFailedSinceFlush.store(true);
    }

    Expected<void, QString> openWriter()
    {
        if (writerOpen)
            return {};
        writerName = nextConnectionName("w");
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), writerName);
        db.setDatabaseName(path);
        db.setConnectOptions(kBusyTimeout);
        if (!db.open())
            return unexpected(db.lastError().text());
        QSqlQuery pragma(db);
        // WAL + NORMAL: a commit is durable against a process crash, fsync at checkpoints only.
        pragma.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        auto prepare = [&](std::unique_ptr<QSqlQuery>& q, const char* sql) -> bool {
            q = std::make_unique<QSqlQuery>(db);
            return q->prepare(QString::fromLatin1(sql));
        };
        if (!prepare(insertSpan,
                     "INSERT OR REPLACE INTO spans(id, run_id, parent_id, example_index, kind, "
                     "name, started, ended, status, error, inputs, outputs, model, prompt_tokens, "
                     "completion_tokens, cost, cache_hit) "
                     "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)") ||
            !prepare(insertText, "INSERT INTO span_text(rowid, prompt, response) VALUES(?,?,?)") ||
            !prepare(insertRun, "INSERT OR REPLACE INTO runs(id, name, kind, started, ended, "
                                "status, summary) VALUES(?,?,?,?,?,?,?)") ||
            !prepare(updateRun,
                     "UPDATE runs SET ended = ?, status = ?, summary = coalesce(?, summary) "
                     "WHERE id = ?") ||
            !prepare(insertEvent,
                     "INSERT INTO events(run_id, time, kind, payload) VALUES(?,?,?,?)") ||
            !prepare(addStats,
                     "INSERT INTO run_stats VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(run_id) DO UPDATE "
                     "SET spans = spans + excluded.spans, lm_calls = lm_calls + excluded.lm_calls, "
                     "errors = errors + excluded.errors, cache_hits = cache_hits + "
                     "excluded.cache_hits, prompt_tokens = prompt_tokens + excluded.prompt_tokens, "
                     "completion_tokens = completion_tokens + excluded.completion_tokens, "
                     "cost = cost + excluded.cost")) {
            QString e = db.lastError().text();
            closeWriter();
            return unexpected(e);
        }
        writerOpen = true;
        return {};
    }

    void closeWriter()
    {
        insertSpan.reset();
        insertText.reset();
        insertRun.reset();
        updateRun.reset();
        insertEvent.reset();
        addStats.reset();
        if (!writerName.isEmpty()) {
            QSqlDatabase::database(writerName, false).close();
            QSqlDatabase::removeDatabase(writerName);
            writerName.clear();
        }
        writerOpen = false;
    }

    // Worker thread. Returns the error text, empty on success.
    QString apply(const WriteOp& op, qint64& spans)
    {
        if (const Span* s = std::get_if<Span>(&op)) {
            QSqlQuery& q = *insertSpan;
            q.bindValue(0, s->id);
            q.bindValue(1, s->runId);
            q.bindValue(2, s->parentId.isEmpty() ? QVariant() : QVariant(s->parentId));
            q.bindValue(3, optionalColumn(s->exampleIndex));
            q.bindValue(4, callbackHookName(s->kind));
            q.bindValue(5, s->name);
            q.bindValue(6, s->started);
            q.bindValue(7, s->ended);
            q.bindValue(8, s->status);
            q.bindValue(9, s->error.isEmpty() ? QVariant() : QVariant(s->error));
            q.bindValue(10, jsonColumn(s->inputs));
            q.bindValue(11, jsonColumn(s->outputs));
            q.bindValue(12, s->model.isEmpty() ? QVariant() : QVariant(s->model));
            q.bindValue(13, optionalColumn(s->promptTokens));
            q.bindValue(14, optionalColumn(s->completionTokens));
            q.bindValue(15, optionalColumn(s->cost));
            q.bindValue(16, s->cacheHit ? 1 : 0);
            if (!q.exec())
                return sqlError(q);
            ++spans;
            RunTotals& t = batchTotals[s->runId];
            ++t.spans;
            t.lmCalls += s->kind == CallbackHook::LM;
            t.errors += s->status == u"error";
            t.cacheHits += s->cacheHit;
            t.promptTokens += s->promptTokens.value_or(0);
            t.completionTokens += s->completionTokens.value_or(0);
            t.cost += s->cost.value_or(0);
            if (s->kind == CallbackHook::LM) {
                QSqlQuery& t = *insertText;
                t.bindValue(0, q.lastInsertId());
                t.bindValue(1, promptText(s->inputs));
                t.bindValue(2, textOf(s->outputs));
                if (!t.exec())
                    return sqlError(t);
            }
            return {};
        }
        if (const RunInfo* r = std::get_if<RunInfo>(&op)) {
            QSqlQuery& q = *insertRun;
            q.bindValue(0, r->id);
            q.bindValue(1, r->name);
            q.bindValue(2, r->kind);
            q.bindValue(3, r->started);
            q.bindValue(4, optionalColumn(r->ended));
            q.bindValue(5, r->status);
            q.bindValue(6, jsonColumn(r->summary));
            return q.exec() ? QString() : sqlError(q);
        }
        if (const EndRun* e = std::get_if<EndRun>(&op)) {
            QSqlQuery& q = *updateRun;
            q.bindValue(0, e->ended);
            q.bindValue(1, e->status);
            q.bindValue(2, jsonColumn(e->summary));
            q.bindValue(3, e->id);
            return q.exec() ? QString() : sqlError(q);
        }
        if (const TraceEvent* ev = std::get_if<TraceEvent>(&op)) {
            QSqlQuery& q = *insertEvent;
            q.bindValue(0, ev->runId);
            q.bindValue(1, ev->time);
            q.bindValue(2, ev->kind);
            q.bindValue(3, jsonColumn(ev->payload));
            return q.exec() ? QString() : sqlError(q);
        }
        return {}; // FlushMark
    }

    // Worker thread: one transaction per batch.
    WriteBatcher::BatchResult writeBatch(const QList<WriteOp>& ops)
    {
        if (auto opened = openWriter(); !opened) {
            setError(opened.error());
            return unexpected(opened.error());
        }
        QSqlDatabase db = QSqlDatabase::database(writerName, false);
        if (!db.transaction()) {
            const QString e = db.lastError().text();
            setError(e);
            return unexpected(e);
        }
        qint64 spans = 0;
        batchTotals.clear();
        QString e;
        for (const WriteOp& op : ops) {
            if (e = apply(op, spans); !e.isEmpty())
                break;
        }
        for (auto it = batchTotals.cbegin(); e.isEmpty() && it != batchTotals.cend(); ++it) {
            QSqlQuery& q = *addStats;
            const RunTotals& t = it.value();
            q.bindValue(0, it.key());
            q.bindValue(1, t.spans);
            q.bindValue(2, t.lmCalls);
            q.bindValue(3, t.errors);
            q.bindValue(4, t.cacheHits);
            q.bindValue(5, t.promptTokens);
            q.bindValue(6, t.completionTokens);
            q.bindValue(7, t.cost);
            if (!q.exec())
                e = sqlError(q);
        }
        if (!e.isEmpty()) {
            db.rollback();
            setError(e);
            return unexpected(e);
        }
        if (!db.commit()) {
            const QString e = db.lastError().text();
            db.rollback();
            setError(e);
            return unexpected(e);
        }
        written.fetch_add(spans, std::memory_order_relaxed);
        return QList<bool>(ops.size(), true);
    }

    void post(WriteOp op)
    {
        if (!batcher->post(std::move(op)))
            droppedWrites.fetch_add(1, std::memory_order_relaxed);
    }
};

TraceStore::TraceStore(std::unique_ptr<Private> d)
    : d(std::move(d))
{}

TraceStore::~TraceStore()
{
    d->batcher->shutdown(); // drains, then closes the writer on its thread
}

namespace {

// Checks and creates the schema. The file is left untouched unless it is new or ours.
Expected<void, QString> prepareFile(const QString& path, QSqlDatabase& db)
{
    QSqlQuery q(db);
    auto refuse = [&](const QString& why) {
        return unexpected(QStringLiteral("%1 is not a usable trace store: %2").arg(path, why));
    };
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return refuse(sqlError(q));
    const int version = q.value(0).toInt();
    q.finish();
    if (version > TraceStore::kSchemaVersion)
        return refuse(QStringLiteral("its schema version %1 is newer than this program's (%2)")
                          .arg(version)
                          .arg(TraceStore::kSchemaVersion));
    if (!q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")))
        return refuse(sqlError(q));
    QStringList tables;
    while (q.next())
        tables.append(q.value(0).toString());
    q.finish();
    if (version == 0 && !tables.isEmpty())
        return refuse(QStringLiteral("it is a SQLite database of something else (tables: %1)")
                          .arg(tables.join(QStringLiteral(", "))));
    if (version == TraceStore::kSchemaVersion) {
        for (const char* t : {"runs", "spans", "events", "span_text", "run_stats"}) {
            if (!tables.contains(QLatin1String(t)))
                return refuse(QStringLiteral("table %1 is missing").arg(QLatin1String(t)));
        }
    }
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next())
        return refuse(sqlError(q));
    if (q.value(0).toString().compare(u"wal", Qt::CaseInsensitive) != 0)
        return refuse(QStringLiteral("WAL mode is not available (journal_mode %1)")
                          .arg(q.value(0).toString()));
    q.finish();
    if (version == TraceStore::kSchemaVersion)
        return {};
    if (!db.transaction())
        return refuse(db.lastError().text());
    for (const char* sql : kSchema) {
        if (!q.exec(QString::fromLatin1(sql))) {
            const QString e = sqlError(q);
            db.rollback();
            return refuse(e);
        }
    }
    if (!q.exec(QStringLiteral("PRAGMA user_version = %1").arg(TraceStore::kSchemaVersion))) {
        const QString e = sqlError(q);
        db.rollback();
        return refuse(e);
    }
    if (!db.commit())
        return refuse(db.lastError().text());
    return {};
}

} // namespace

Expected<std::shared_ptr<TraceStore>, QString> TraceStore::open(const QString& path,
                                                                TraceStoreOptions options)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (!QFileInfo(absolute).absoluteDir().exists())
        return unexpected(
            QStringLiteral("cannot create trace store %1: the directory does not exist")
                .arg(absolute));
    auto prepared =
        withConnection<bool>(absolute, [&](QSqlDatabase& db) -> Expected<bool, QString> {
            if (auto r = prepareFile(absolute, db); !r)
                return unexpected(r.error());
            return true;
        });
    if (!prepared)
        return unexpected(prepared.error());

    auto d = std::make_unique<Private>();
    d->path = absolute;
    d->options = options;
    Private* p = d.get();
    BatcherOptions bo;
    bo.maxBatchSize = options.maxBatchSize;
    bo.maxWaitMs = options.maxWaitMs;
    bo.maxPending = options.maxPending;
    bo.overflowWaitMs = options.overflowWaitMs;
    bo.threadName = QStringLiteral("dspy-trace-writer");
    bo.onWorkerExit = [p] { p->closeWriter(); };
    d->batcher = std::make_unique<WriteBatcher>(
        [p](QList<WriteOp> ops) { return p->writeBatch(ops); }, std::move(bo));
    return std::shared_ptr<TraceStore>(new TraceStore(std::move(d)));
}

QString TraceStore::path() const
{
    return d->path;
}

void TraceStore::beginRun(const RunInfo& run)
{
    d->post(run);
}

void TraceStore::endRun(const QString& runId, qint64 ended, const QString& status,
                        const Value& summary)
{
    d->post(EndRun{runId, ended, status, summary});
}

void TraceStore::record(Span span)
{
    d->post(std::move(span));
}

void TraceStore::addEvent(TraceEvent event)
{
    d->post(std::move(event));
}

bool TraceStore::flush()
{
    QFuture<bool> mark = d->batcher->submit(FlushMark{});
    d->batcher->processNow();
    bool ok = true;
    try {
        mark.waitForFinished();
    } catch (const BatcherError&) {
        ok = false;
    }
    return !d->batchFailedSinceFlush.exchange(false) && ok;
}

qint64 TraceStore::droppedCount() const
{
    return d->droppedWrites.load(std::memory_order_relaxed);
}

qint64 TraceStore::writtenSpans() const
{
    return d->written.load(std::memory_order_relaxed);
}

QString TraceStore::lastError() const
{
    QMutexLocker lock(&d->errorMutex);
    return d->lastError;
}

Expected<QList<RunInfo>, QString> TraceStore::runs() const
{
    return withConnection<QList<RunInfo>>(
        d->path, [](QSqlDatabase& db) -> Expected<QList<RunInfo>, QString> {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("SELECT id, name, kind, started, ended, status, summary "
                                       "FROM runs ORDER BY started, id")))
                return unexpected(sqlError(q));
            QList<RunInfo> out;
            while (q.next())
                out.append(runFromQuery(q));
            return out;
        });
}

Expected<std::optional<RunInfo>, QString> TraceStore::run(const QString& runId) const
{
    return withConnection<std::optional<RunInfo>>(
        d->path, [&](QSqlDatabase& db) -> Expected<std::optional<RunInfo>, QString> {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT id, name, kind, started, ended, status, summary "
                                     "FROM runs WHERE id = ?"));
            q.addBindValue(runId);
            if (!q.exec())
                return unexpected(sqlError(q));
            if (!q.next())
                return std::optional<RunInfo>();
            return std::optional<RunInfo>(runFromQuery(q));
        });
}

Expected<SpanPage, QString> TraceStore::spans(const QString& runId, const SpanCursor& after,
                                              int limit) const
{
    return withConnection<SpanPage>(d->path, [&](QSqlDatabase& db) -> Expected<SpanPage, QString> {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        // Row values compare (started, id) as one key, which the (run_id, started, id) index
        // serves directly.
        q.prepare(QStringLiteral("SELECT %1 FROM spans s WHERE s.run_id = ? AND (s.started, s.id) "
                                 "> (?, ?) ORDER BY s.started, s.id LIMIT ?")
                      .arg(QLatin1String(kSpanColumns)));
        q.addBindValue(runId);
        return keysetPage(q, after, limit);
    });
}

Expected<QList<Span>, QString> TraceStore::spansAt(const QString& runId, qint64 offset,
                                                   int limit) const
{
    return withConnection<QList<Span>>(d->path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT %1 FROM spans s WHERE s.run_id = ? "
                                 "ORDER BY s.started, s.id LIMIT ? OFFSET ?")
                      .arg(QLatin1String(kSpanColumns)));
        q.addBindValue(runId);
        q.addBindValue(qMax(0, limit));
        q.addBindValue(qMax<qint64>(0, offset));
        return collectSpans(q);
    });
}

Expected<QList<Span>, QString> TraceStore::spansForExample(const QString& runId, qint64 index) const
{
    return withConnection<QList<Span>>(d->path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT %1 FROM spans s WHERE s.run_id = ? AND "
                                 "s.example_index = ? ORDER BY s.started, s.id")
                      .arg(QLatin1String(kSpanColumns)));
        q.addBindValue(runId);
        q.addBindValue(index);
        return collectSpans(q);
    });
}

Expected<std::optional<Span>, QString> TraceStore::span(const QString& spanId) const
{
    return withConnection<std::optional<Span>>(
        d->path, [&](QSqlDatabase& db) -> Expected<std::optional<Span>, QString> {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT %1 FROM spans s WHERE s.id = ?")
                          .arg(QLatin1String(kSpanColumns)));
            q.addBindValue(spanId);
            auto rows = collectSpans(q);
            if (!rows)
                return unexpected(rows.error());
            if (rows->isEmpty())
                return std::optional<Span>();
            return std::optional<Span>(rows->first());
        });
}

Expected<QList<Span>, QString> TraceStore::children(const QString& spanId) const
{
    return withConnection<QList<Span>>(d->path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT %1 FROM spans s WHERE s.parent_id = ? "
                                 "ORDER BY s.started, s.id")
                      .arg(QLatin1String(kSpanColumns)));
        q.addBindValue(spanId);
        return collectSpans(q);
    });
}

Expected<QList<Span>, QString> TraceStore::search(const QString& runId, const QString& text,
                                                  int limit, const SpanQuery& filter) const
{
    // Every word becomes a quoted FTS5 string, so the user's text is never FTS5 syntax.
    QStringList terms;
    for (const QString& word :
         text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
        QString w = word;
        w.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        terms.append(QLatin1Char('"') + w + QLatin1Char('"'));
    }
    if (terms.isEmpty() && filter.isEmpty())
        return QList<Span>();
    // The filter as SQL over the spans row `s` (values bound, never spliced).
    QString where;
    QVariantList binds;
    if (!runId.isEmpty()) {
        where += QStringLiteral(" AND s.run_id = ?");
        binds << runId;
    }
    if (!filter.kind.isEmpty()) {
        where += QStringLiteral(" AND s.kind = ?");
        binds << filter.kind;
    }
    if (filter.errorsOnly)
        where += QStringLiteral(" AND s.status = 'error'");
    if (filter.cacheHitsOnly)
        where += QStringLiteral(" AND s.kind = 'lm' AND s.cache_hit = 1");
    if (!filter.model.isEmpty()) {
        where += QStringLiteral(" AND (instr(lower(coalesce(s.model, '')), lower(?)) > 0 OR "
                                "instr(lower(coalesce(s.name, '')), lower(?)) > 0)");
        binds << filter.model << filter.model;
    }
    return withConnection<QList<Span>>(d->path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (terms.isEmpty()) {
            q.prepare(QStringLiteral("SELECT %1 FROM spans s WHERE 1%2 ORDER BY s.started, s.id "
                                     "LIMIT ?")
                          .arg(QLatin1String(kSpanColumns), where));
        } else {
            q.prepare(QStringLiteral("SELECT %1 FROM span_text JOIN spans s ON s.seq = "
                                     "span_text.rowid WHERE span_text MATCH ?%2 "
                                     "ORDER BY span_text.rank, s.started LIMIT ?")
                          .arg(QLatin1String(kSpanColumns), where));
            q.addBindValue(terms.join(QLatin1Char(' ')));
        }
        for (const QVariant& v : std::as_const(binds))
            q.addBindValue(v);
        q.addBindValue(qMax(0, limit));
        return collectSpans(q);
    });
}

Expected<SpanCounts, QString> TraceStore::counts(const QString& runId) const
{
    return withConnection<SpanCounts>(
        d->path, [&](QSqlDatabase& db) -> Expected<SpanCounts, QString> {
            QSqlQuery q(db);
            // The distinct count walks only the (run_id, example_index, ...) index.
            q.prepare(QStringLiteral(
                "SELECT coalesce(spans, 0), coalesce(lm_calls, 0), coalesce(errors, 0), "
                "coalesce(cache_hits, 0), coalesce(prompt_tokens, 0), "
                "coalesce(completion_tokens, 0), coalesce(cost, 0), (SELECT count(DISTINCT "
                "example_index) FROM spans WHERE run_id = ?) FROM (SELECT 1) LEFT JOIN "
                "run_stats ON run_stats.run_id = ?"));
            q.addBindValue(runId);
            q.addBindValue(runId);
            if (!q.exec() || !q.next())
                return unexpected(sqlError(q));
            SpanCounts c;
            c.spans = q.value(0).toLongLong();
            c.lmCalls = q.value(1).toLongLong();
            c.errors = q.value(2).toLongLong();
            c.cacheHits = q.value(3).toLongLong();
            c.promptTokens = q.value(4).toLongLong();
            c.completionTokens = q.value(5).toLongLong();
            c.cost = q.value(6).toDouble();
            c.examples = q.value(7).toLongLong();
            return c;
        });
}

Expected<QList<TraceEvent>, QString> TraceStore::events(const QString& runId) const
{
    return withConnection<QList<TraceEvent>>(
        d->path, [&](QSqlDatabase& db) -> Expected<QList<TraceEvent>, QString> {
            QSqlQuery q(db);
            q.setForwardOnly(true);
            q.prepare(QStringLiteral("SELECT run_id, time, kind, payload FROM events "
                                     "WHERE run_id = ? ORDER BY time, seq"));
            q.addBindValue(runId);
            if (!q.exec())
                return unexpected(sqlError(q));
            QList<TraceEvent> out;
            while (q.next())
                out.append(TraceEvent{q.value(0).toString(), q.value(1).toLongLong(),
                                      q.value(2).toString(), valueColumn(q.value(3))});
            return out;
        });
}

} // namespace dspy

namespace dspy {

Expected<ExamplePage, QString> TraceStore::examplePage(const QString& runId,
                                                       std::optional<qint64> after, int limit) const
{
    return withConnection<ExamplePage>(
        d->path, [&](QSqlDatabase& db) -> Expected<ExamplePage, QString> {
            QSqlQuery q(db);
            q.setForwardOnly(true);
            // The (run_id, example_index, ...) index yields the indexes in order; LIMIT stops the
            // scan after the page's examples.
            q.prepare(
                QStringLiteral("SELECT DISTINCT example_index FROM spans WHERE run_id = ? AND "
                               "example_index > ? ORDER BY example_index LIMIT ?"));
            q.addBindValue(runId);
            q.addBindValue(after ? *after : std::numeric_limits<qint64>::min());
            q.addBindValue(qMax(0, limit) + 1);
            if (!q.exec())
                return unexpected(sqlError(q));
            ExamplePage page;
            while (q.next())
                page.indexes.append(q.value(0).toLongLong());
            if (page.indexes.size() > qMax(0, limit)) {
                page.indexes.removeLast();
                page.next = page.indexes.isEmpty() ? std::numeric_limits<qint64>::min()
                                                   : page.indexes.last();
            }
            return page;
        });
}

Expected<SpanPage, QString> TraceStore::rootSpans(const QString& runId,
                                                  std::optional<qint64> example,
                                                  const SpanCursor& after, int limit) const
{
    return withConnection<SpanPage>(d->path, [&](QSqlDatabase& db) -> Expected<SpanPage, QString> {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(
            QStringLiteral("SELECT %1 FROM spans s WHERE s.run_id = ? AND s.example_index IS ? "
                           "AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.id = s.parent_id "
                           "AND p.example_index IS s.example_index) "
                           "AND (s.started, s.id) > (?, ?) ORDER BY s.started, s.id LIMIT ?")
                .arg(QLatin1String(kSpanColumns)));
        q.addBindValue(runId);
        q.addBindValue(exampleValue(example));
        return keysetPage(q, after, limit);
    });
}

Expected<SpanPage, QString> TraceStore::childPage(const Span& parent, const SpanCursor& after,
                                                  int limit) const
{
    return withConnection<SpanPage>(d->path, [&](QSqlDatabase& db) -> Expected<SpanPage, QString> {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT %1 FROM spans s WHERE s.parent_id = ? AND "
                                 "s.example_index IS ? AND (s.started, s.id) > (?, ?) "
                                 "ORDER BY s.started, s.id LIMIT ?")
                      .arg(QLatin1String(kSpanColumns)));
        q.addBindValue(parent.id);
        q.addBindValue(exampleValue(parent.exampleIndex));
        return keysetPage(q, after, limit);
    });
}

Expected<QList<Span>, QString> TraceStore::ancestors(const QString& spanId) const
{
    return withConnection<QList<Span>>(d->path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        // Depth-bounded so a (corrupt) cycle of parent ids cannot loop.
        q.prepare(QStringLiteral("WITH RECURSIVE up(id, depth) AS (SELECT parent_id, 1 FROM spans "
                                 "WHERE id = ? UNION ALL SELECT p.parent_id, up.depth + 1 FROM up "
                                 "JOIN spans p ON p.id = up.id WHERE up.depth < 256) "
                                 "SELECT %1 FROM up JOIN spans s ON s.id = up.id "
                                 "ORDER BY up.depth DESC")
                      .arg(QLatin1String(kSpanColumns)));
        q.addBindValue(spanId);
        return collectSpans(q);
    });
}

} // namespace dspy
