#include "evaluate/evaluate.h"

#include "runtime/callbacks.h"

#include <QElapsedTimer>
#include <QFile>
#include <QMutex>
#include <QSaveFile>
#include <QThreadPool>
#include <QtConcurrent>

#include <cxxabi.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace dspy {

namespace {

QString demangled(const char* name)
{
    int status = 0;
    char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    QString text = QString::fromUtf8(status == 0 && out ? out : name);
    std::free(out);
    return text;
}

QString describeOne(std::exception_ptr e, std::exception_ptr* nested)
{
    *nested = nullptr;
    try {
        std::rethrow_exception(e);
    } catch (const LMError& err) {
        if (auto* n = dynamic_cast<const std::nested_exception*>(&err))
            *nested = n->nested_ptr();
        return LMError::kindName(err.kind()) + QStringLiteral(": ") + err.message();
    } catch (const AdapterParseException& err) {
        if (auto* n = dynamic_cast<const std::nested_exception*>(&err))
            *nested = n->nested_ptr();
        return QStringLiteral("AdapterParseError: ") + err.error().toString();
    } catch (const Cancelled&) {
        return QStringLiteral("Cancelled: the run was cancelled");
    } catch (const std::exception& err) {
        if (auto* n = dynamic_cast<const std::nested_exception*>(&err))
            *nested = n->nested_ptr();
        QString type = demangled(typeid(err).name());
        // std::throw_with_nested's wrapper: name the type the program threw.
        if (type.startsWith(u"std::_Nested_exception<") && type.endsWith(u'>'))
            type = type.mid(23).chopped(1);
        if (type.startsWith(u"dspy::"))
            type = type.mid(6);
        return type + QStringLiteral(": ") + QString::fromUtf8(err.what());
    } catch (...) {
        return QStringLiteral("unknown exception");
    }
}

// Python's round(x, 2): the double nearest the correctly rounded decimal (glibc's printf rounds
// the exact binary value, half to even, as CPython's dtoa does).
double roundTo2(double x)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.2f", x);
    return std::strtod(buffer, nullptr);
}

double roundTo1(double x)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.1f", x);
    return std::strtod(buffer, nullptr);
}

const QString kAbortReason = QStringLiteral("Execution cancelled due to errors or interruption.");

} // namespace

QStringList exceptionChain(std::exception_ptr e)
{
    QStringList chain;
    while (e && chain.size() < 32) {
        std::exception_ptr nested;
        chain.append(describeOne(e, &nested));
        e = nested;
    }
    return chain;
}

// Shared by the driver, the workers and the EvaluationRun handle.
struct EvaluationRun::State
{
    EvaluateOptions options;
    std::shared_ptr<CancellationToken> token = std::make_shared<CancellationToken>();
    std::shared_ptr<UsageTracker> usage;
    std::atomic_bool maxErrorsReached{false};
    std::atomic<qsizetype> errorCount{0};

    mutable QMutex mutex; // guards the members below
    QThreadPool* pool = nullptr;
    EvaluationProgress progress;
    QElapsedTimer clock;
    qint64 lastEmitMs = -1000;

    QMutex publishMutex; // orders the published events
    qsizetype lastPublishedDone = -1;
    bool publishedFinal = false;
    EvaluationRun* run = nullptr; // outlives the run: its destructor waits for the future

    void cancel()
    {
        token->cancel();
        QMutexLocker lock(&mutex);
        // Queued examples are dropped from the pool: they never start.
        if (pool)
            pool->clear();
    }

    EvaluationProgress snapshotLocked(qint64 nowMs) const
    {
        EvaluationProgress p = progress;
        p.elapsedMs = nowMs;
        p.runningScore = p.done ? 100.0 * p.scoreSum / double(p.done) : 0.0;
        const double seconds = double(nowMs) / 1000.0;
        if (seconds > 0) {
            p.examplesPerSecond = double(p.done) / seconds;
            const qint64 calls = usage ? usage->total().calls : 0;
            p.callsPerSecond = double(calls) / seconds;
        }
        return p;
    }

    void finishOne(double score, bool error)
    {
        EvaluationProgress snap;
        bool publishNow = false;
        {
            QMutexLocker lock(&mutex);
            ++progress.done;
            if (error)
                ++progress.errors;
            progress.scoreSum += score;
            const qint64 now = clock.elapsed();
            // ~30 events a second at most: the GUI and the CLI redraw on each.
            if (now - lastEmitMs >= 33) {
                lastEmitMs = now;
                snap = snapshotLocked(now);
                publishNow = true;
            }
        }
        if (publishNow)
            publish(snap);
    }

    void publishFinal()
    {
        EvaluationProgress snap;
        {
            QMutexLocker lock(&mutex);
            snap = snapshotLocked(clock.elapsed());
        }
        snap.finished = true;
        publish(snap);
    }

    void publish(const EvaluationProgress& snap)
    {
        QMutexLocker lock(&publishMutex);
        // A worker that lost the race with a later snapshot drops its older one: events stay
        // monotone.
        if (publishedFinal || snap.done < lastPublishedDone ||
            (snap.done == lastPublishedDone && !snap.finished))
            return;
        lastPublishedDone = snap.done;
        publishedFinal = snap.finished;
        if (options.displayProgress) {
            const double pct = snap.done ? roundTo1(100.0 * snap.scoreSum / double(snap.done)) : 0;
            std::fprintf(stderr, "\rAverage Metric: %.2f / %lld (%s%%)", snap.scoreSum,
                         static_cast<long long>(snap.done), qPrintable(pythonFloatRepr(pct)));
            if (snap.finished)
                std::fputc('\n', stderr);
            std::fflush(stderr);
        }
        if (options.onProgress)
            options.onProgress(snap);
        if (run)
            Q_EMIT run->progressChanged(snap);
    }
};

namespace {

EvaluationResult evaluateImpl(EvaluationRun::State& st, Module& program,
                              const QList<Example>& devset, const Metric& metric,
                              const RunContext& base)
{
    const EvaluateOptions& opt = st.options;
    const qsizetype n = devset.size();
    st.usage = base.usage ? base.usage : std::make_shared<UsageTracker>();
    {
        QMutexLocker lock(&st.mutex);
        st.progress.total = n;
        st.clock.start();
    }

    CallbackScope scope(CallbackHook::Evaluate, {base.callbacks.get()});
    QString callId;
    if (scope.isActive()) {
        callId = scope.start(QStringLiteral("Evaluate"),
                             Object{{QStringLiteral("program"), Value(program.instanceName())},
                                    {QStringLiteral("metric"), Value(metric.name)},
                                    {QStringLiteral("devset"), Value(qint64(n))},
                                    {QStringLiteral("num_threads"), Value(opt.numThreads)},
                                    {QStringLiteral("max_errors"), Value(opt.maxErrors)},
                                    {QStringLiteral("failure_score"), Value(opt.failureScore)}},
                             base.parentCallId);
    }

    std::vector<EvaluationRow> rows(static_cast<size_t>(n));
    for (qsizetype i = 0; i < n; ++i) {
        EvaluationRow& row = rows[size_t(i)];
        row.index = i;
        row.example = devset[i];
        row.metricValue = Value(opt.failureScore);
        row.score = opt.failureScore;
    }

    auto work = [&](qsizetype i) {
        if (st.token->isCancelled())
            return;
        EvaluationRow& row = rows[size_t(i)];
        RunContext ctx = base.child();
        ctx.cancellation = st.token;
        ctx.usage = st.usage;
        ctx.callUsage.reset();
        row.traceId = newCallId();
        ctx.parentCallId = row.traceId;
        const char* stage = "program";
        try {
            const Example inputs = row.example.inputs();
            row.prediction = program(inputs, ctx);
            stage = "metric";
            Value value = metric(row.example, row.prediction, nullptr, ctx);
            const Expected<double, QString> score = metricScore(value);
            if (!score)
                throw MetricError(score.error());
            row.metricValue = std::move(value);
            row.score = *score;
            row.status = EvaluationRow::Status::Ok;
        } catch (...) {
            const auto error = std::current_exception();
            if (st.token->isCancelled()) {
                // Aborted by the cancellation (an LM call cut off, or Cancelled thrown).
                row.status = EvaluationRow::Status::Cancelled;
                row.prediction = Prediction();
                return;
            }
            const QStringList chain = exceptionChain(error);
            row.status = EvaluationRow::Status::Error;
            row.prediction = Prediction();
            row.error = chain.value(0);
            if (opt.provideTraceback) {
                row.traceback = QStringLiteral("Error in the %1 for example %2:\n  %3")
                                    .arg(QLatin1String(stage))
                                    .arg(i)
                                    .arg(chain.join(QStringLiteral("\n  caused by: ")));
            }
            if (st.errorCount.fetch_add(1) + 1 >= opt.maxErrors) {
                st.maxErrorsReached = true;
                st.cancel();
            }
            st.finishOne(opt.failureScore, true);
            return;
        }
        st.finishOne(row.score, false);
    };

    QThreadPool pool;
    pool.setMaxThreadCount(std::max(1, opt.numThreads));
    {
        QMutexLocker lock(&st.mutex);
        st.pool = &pool;
    }
    for (qsizetype i = 0; i < n; ++i) {
        if (st.token->isCancelled())
            break;
        pool.start([&work, i] { work(i); });
    }
    // The base context's token (Ctrl-C in the CLI) cancels the run too.
    while (!pool.waitForDone(20)) {
        if (base.isCancelled() && !st.token->isCancelled())
            st.cancel();
    }
    if (base.isCancelled())
        st.token->cancel();
    {
        QMutexLocker lock(&st.mutex);
        st.pool = nullptr;
    }
    st.publishFinal();

    EvaluationResult result;
    result.metricName = metric.name;
    result.total = n;
    result.callId = callId;
    double sum = 0;
    result.results.reserve(n);
    for (EvaluationRow& row : rows) {
        sum += row.score;
        switch (row.status) {
        case EvaluationRow::Status::Ok:
            ++result.completed;
            break;
        case EvaluationRow::Status::Error:
            ++result.errors;
            break;
        case EvaluationRow::Status::Cancelled:
            ++result.cancelled;
            break;
        case EvaluationRow::Status::NotStarted:
            ++result.notStarted;
            break;
        }
        result.results.append(std::move(row));
    }
    result.score = n ? roundTo2(100.0 * sum / double(n)) : 0.0;
    result.maxErrorsReached = st.maxErrorsReached;
    result.aborted = st.token->isCancelled();
    if (result.aborted)
        result.abortReason = kAbortReason;
    result.usage = st.usage->perModel();
    result.totalCost = st.usage->totalCost();
    {
        QMutexLocker lock(&st.mutex);
        result.elapsedMs = st.clock.elapsed();
    }
    if (opt.displayProgress && n) {
        std::fprintf(stderr, "Average Metric: %s / %lld (%s%%)\n", qPrintable(pythonFloatRepr(sum)),
                     static_cast<long long>(n),
                     qPrintable(pythonFloatRepr(roundTo1(100.0 * sum / double(n)))));
    }

    if (scope.isActive()) {
        if (result.aborted)
            scope.end(Value(), kAbortReason);
        else
            scope.end(Value(Object{{QStringLiteral("score"), Value(result.score)},
                                   {QStringLiteral("results"), Value(qint64(n))}}));
    }
    return result;
}

QThreadPool& driverPool()
{
    // Drivers only wait; they stay off the global pool, which LMs use for their own work.
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;
        p->setMaxThreadCount(256);
        return p;
    }();
    return *pool;
}

} // namespace

Evaluate::Evaluate(EvaluateOptions options)
    : m_options(std::move(options))
{
    qRegisterMetaType<dspy::EvaluationProgress>();
}

EvaluationResult Evaluate::run(Module& program, const QList<Example>& devset, const Metric& metric,
                               const RunContext& base) const
{
    EvaluationRun::State state;
    state.options = m_options;
    return evaluateImpl(state, program, devset, metric, base);
}

std::shared_ptr<EvaluationRun> Evaluate::prepare(Module& program, QList<Example> devset,
                                                 Metric metric, RunContext base) const
{
    auto state = std::make_shared<EvaluationRun::State>();
    state->options = m_options;
    std::shared_ptr<EvaluationRun> run(new EvaluationRun(state));
    state->run = run.get();
    run->m_job = [state, &program, devset = std::move(devset), metric = std::move(metric),
                  base = std::move(base)]() {
        EvaluationResult result = evaluateImpl(*state, program, devset, metric, base);
        if (state->run)
            Q_EMIT state->run->finished();
        return result;
    };
    return run;
}

std::shared_ptr<EvaluationRun> Evaluate::start(Module& program, QList<Example> devset,
                                               Metric metric, RunContext base) const
{
    auto run = prepare(program, std::move(devset), std::move(metric), std::move(base));
    run->start();
    return run;
}

QFuture<EvaluationResult> EvaluationRun::start()
{
    if (m_job) {
        m_future = QtConcurrent::run(&driverPool(), std::move(m_job));
        m_job = nullptr;
    }
    return m_future;
}

EvaluationRun::EvaluationRun(std::shared_ptr<State> state)
    : m_state(std::move(state))
{}

EvaluationRun::~EvaluationRun()
{
    // The workers emit through this object: they must be done before it goes.
    m_state->cancel();
    if (m_future.isValid())
        m_future.waitForFinished();
    m_state->run = nullptr;
}

EvaluationResult EvaluationRun::result() const
{
    return m_future.result();
}

void EvaluationRun::cancel()
{
    m_state->cancel();
}

bool EvaluationRun::isCancelled() const
{
    return m_state->token->isCancelled();
}

EvaluationProgress EvaluationRun::progress() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->snapshotLocked(m_state->clock.isValid() ? m_state->clock.elapsed() : 0);
}

// ---- results output ---------------------------------------------------------------------------

Array EvaluationResult::rows() const
{
    Array out;
    out.reserve(results.size());
    for (const EvaluationRow& r : results) {
        const Object ex = r.example.store();
        const Object pred = r.prediction.store();
        Object merged;
        for (const auto& [k, v] : ex)
            merged.insert(pred.contains(k) ? QStringLiteral("example_") + k : k, v);
        for (const auto& [k, v] : pred)
            merged.insert(ex.contains(k) ? QStringLiteral("pred_") + k : k, v);
        merged.insert(metricName, r.metricValue);
        out.append(Value(std::move(merged)));
    }
    return out;
}

namespace {

Expected<void, QString> writeFile(const QString& path, const QByteArray& data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return unexpected(QStringLiteral("%1: %2").arg(path, file.errorString()));
    file.write(data);
    if (!file.commit())
        return unexpected(QStringLiteral("%1: %2").arg(path, file.errorString()));
    return {};
}

QString csvCell(const Value& v)
{
    const QString text = v.isNull() ? QString() : v.toPythonStr();
    if (text.contains(u',') || text.contains(u'"') || text.contains(u'\n') ||
        text.contains(u'\r')) {
        return QLatin1Char('"') + QString(text).replace(u'"', QStringLiteral("\"\"")) +
               QLatin1Char('"');
    }
    return text;
}

QString csvLine(const QStringList& cells)
{
    // Python's csv quotes a row that is one empty field, or it would read back as no row.
    if (cells.size() == 1 && cells.first().isEmpty())
        return QStringLiteral("\"\"\r\n");
    return cells.join(QLatin1Char(',')) + QStringLiteral("\r\n");
}

} // namespace

Expected<void, QString> EvaluationResult::saveResultsJson(const QString& path) const
{
    // json.dump(data, f): ASCII-escaped, ", " and ": " separators, no trailing newline.
    return writeFile(path, Value(rows()).toJson().toUtf8());
}

Expected<void, QString> EvaluationResult::saveResultsCsv(const QString& path) const
{
    const Array data = rows();
    QStringList columns;
    for (const Value& row : data) {
        for (const QString& key : row.toObject().keys()) {
            if (!columns.contains(key))
                columns.append(key);
        }
    }
    QString out;
    if (!data.isEmpty()) {
        QStringList header;
        for (const QString& c : columns)
            header.append(csvCell(Value(c)));
        out += csvLine(header);
        for (const Value& row : data) {
            QStringList cells;
            for (const QString& c : columns)
                cells.append(csvCell(row.toObject().value(c)));
            out += csvLine(cells);
        }
    }
    return writeFile(path, out.toUtf8());
}

Object EvaluationResult::summary() const
{
    Object tokens;
    qint64 promptTokens = 0, completionTokens = 0, totalTokens = 0;
    for (auto it = usage.cbegin(); it != usage.cend(); ++it) {
        promptTokens += it->usage.promptTokens;
        completionTokens += it->usage.completionTokens;
        totalTokens += it->usage.totalTokens;
    }
    tokens.insert(QStringLiteral("prompt"), Value(promptTokens));
    tokens.insert(QStringLiteral("completion"), Value(completionTokens));
    tokens.insert(QStringLiteral("total"), Value(totalTokens));
    return Object{{QStringLiteral("metric"), Value(metricName)},
                  {QStringLiteral("score"), Value(score)},
                  {QStringLiteral("total"), Value(qint64(total))},
                  {QStringLiteral("completed"), Value(qint64(completed))},
                  {QStringLiteral("errors"), Value(qint64(errors))},
                  {QStringLiteral("cancelled"), Value(qint64(cancelled))},
                  {QStringLiteral("not_started"), Value(qint64(notStarted))},
                  {QStringLiteral("aborted"), Value(aborted)},
                  {QStringLiteral("tokens"), Value(tokens)},
                  {QStringLiteral("cost"), Value(totalCost)},
                  {QStringLiteral("elapsed_ms"), Value(elapsedMs)}};
}

} // namespace dspy
