#include "runtime/runmanager.h"

#include "lm/lmfactory.h"
#include "trace/exampleindexer.h"
#include "trace/tracerecorder.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QMutex>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

namespace dspy {

struct RunManager::Job
{
    QString id;
    QString kind;
    QString name;
    std::shared_ptr<CancellationToken> token = std::make_shared<CancellationToken>();
    QFutureWatcher<void>* watcher = nullptr;

    QMutex mutex; // guards progress and dirty, written by Evaluate's workers
    EvaluationProgress progress;
    bool dirty = false;

    // Written by the worker before its future finishes, read after.
    std::optional<PredictOutcome> predicted;
    std::optional<EvaluationResult> evaluated;
    QString error;
};

namespace {

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString lmErrorText(const LMError& e)
{
    QString line = LMError::kindName(e.kind());
    if (e.status() >= 400)
        line += QStringLiteral(" (%1)").arg(e.status());
    return line + QStringLiteral(": ") + e.message();
}

// The run's callbacks: the session statistics, and the trace recorder when a store is set.
std::shared_ptr<CallbackRegistry> runCallbacks(const std::shared_ptr<SessionStats>& stats,
                                               CallbackPtr recorder)
{
    auto callbacks = std::make_shared<CallbackRegistry>();
    callbacks->add(stats);
    if (recorder)
        callbacks->add(std::move(recorder));
    return callbacks;
}

// The LM and the context of one run, built on the worker (the LM factory may open files).
Expected<RunContext, QString> runContext(const RunRequest& request,
                                         const std::shared_ptr<CallbackRegistry>& callbacks,
                                         const std::shared_ptr<SessionStats>& stats,
                                         const std::shared_ptr<CancellationToken>& token)
{
    LMFactoryOptions options;
    options.secrets = request.secrets.get();
    options.managed.callbacks = callbacks; // an LM call does not see the RunContext's
    options.managed.prices = request.prices;
    options.managed.usage = stats->usage();
    auto made = makeLM(request.lm, options);
    if (!made)
        return unexpected(lmErrorText(made.error()));
    RunContext ctx(*made, request.adapter);
    for (auto it = request.namedLMs.cbegin(); it != request.namedLMs.cend(); ++it) {
        auto named = makeLM(it.value(), options);
        if (!named)
            return unexpected(
                QStringLiteral("LM profile '%1': %2").arg(it.key(), lmErrorText(named.error())));
        ctx.namedLMs.insert(it.key(), *named);
    }
    ctx.callbacks = callbacks;
    ctx.cancellation = token;
    return ctx;
}

} // namespace

RunManager::RunManager(QObject* parent)
    : QObject(parent)
    , m_stats(std::make_shared<SessionStats>())
{
    qRegisterMetaType<EvaluationProgress>();
    qRegisterMetaType<PredictOutcome>();
    qRegisterMetaType<EvaluationResult>();
    qRegisterMetaType<SessionSnapshot>();
    m_pool.setMaxThreadCount(8);
    m_timer.setInterval(1000 / kMaxUpdatesPerSecond + 1);
    connect(&m_timer, &QTimer::timeout, this, &RunManager::flush);
}

RunManager::~RunManager()
{
    cancelAll();
    m_pool.waitForDone();
}

QString RunManager::start(const QString& kind, const RunRequest& request, std::shared_ptr<Job> job)
{
    job->id = newId();
    job->kind = kind;
    job->name = request.name;
    m_jobs.insert(job->id, job);
    if (m_store) {
        RunInfo info;
        info.id = job->id;
        info.name = request.name;
        info.kind = kind;
        info.started = TraceRecorder::nowUs();
        info.status = QStringLiteral("running");
        m_store->beginRun(info);
    }
    if (!m_timer.isActive())
        m_timer.start();
    Q_EMIT runStarted(job->id, kind, request.name);
    Q_EMIT runningCountChanged(runningCount());
    return job->id;
}

QString RunManager::predict(RunRequest request, Example inputs)
{
    if (!request.prices)
        request.prices = m_prices;
    auto job = std::make_shared<Job>();
    const QString id = start(QStringLiteral("predict"), request, job);
    job->watcher = new QFutureWatcher<void>(this);
    connect(job->watcher, &QFutureWatcher<void>::finished, this, [this, id] { finish(id); });

    std::shared_ptr<TraceRecorder> recorder =
        m_store ? std::make_shared<TraceRecorder>(m_store, id) : nullptr;
    auto callbacks = runCallbacks(m_stats, recorder);
    job->watcher->setFuture(
        QtConcurrent::run(&m_pool, [job, request = std::move(request), inputs = std::move(inputs),
                                    callbacks, recorder, stats = m_stats]() mutable {
            QElapsedTimer clock;
            clock.start();
            PredictOutcome outcome;
            outcome.runId = job->id;
            outcome.inputs = inputs;
            outcome.rootCallId = newId();
            auto ctx = runContext(request, callbacks, stats, job->token);
            if (!ctx) {
                outcome.error = ctx.error();
            } else {
                ctx->trace = std::make_shared<Trace>();
                ctx->parentCallId = outcome.rootCallId;
                if (recorder)
                    recorder->beginExample(0, outcome.rootCallId);
                try {
                    outcome.prediction = (*request.program)(inputs, *ctx);
                } catch (...) {
                    outcome.error = exceptionChain(std::current_exception()).join(u'\n');
                }
                outcome.trace = ctx->trace->snapshot();
            }
            outcome.cancelled = job->token->isCancelled();
            outcome.elapsedMs = clock.elapsed();
            job->predicted = std::move(outcome);
        }));
    return id;
}

QString RunManager::evaluate(RunRequest request, QList<Example> devset, Metric metric,
                             EvaluateOptions options)
{
    if (!request.prices)
        request.prices = m_prices;
    auto job = std::make_shared<Job>();
    const QString id = start(QStringLiteral("evaluate"), request, job);
    job->progress.total = devset.size();
    job->watcher = new QFutureWatcher<void>(this);
    connect(job->watcher, &QFutureWatcher<void>::finished, this, [this, id] { finish(id); });

    CallbackPtr indexer;
    if (m_store)
        indexer =
            std::make_shared<ExampleIndexer>(std::make_shared<TraceRecorder>(m_store, id), devset);
    auto callbacks = runCallbacks(m_stats, indexer);
    auto userProgress = std::move(options.onProgress);
    options.onProgress = [job, userProgress](const EvaluationProgress& p) {
        {
            QMutexLocker lock(&job->mutex);
            job->progress = p;
            job->dirty = true;
        }
        if (userProgress)
            userProgress(p);
    };
    job->watcher->setFuture(
        QtConcurrent::run(&m_pool, [job, request = std::move(request), devset = std::move(devset),
                                    metric = std::move(metric), options = std::move(options),
                                    callbacks, stats = m_stats]() mutable {
            auto ctx = runContext(request, callbacks, stats, job->token);
            if (!ctx) {
                job->error = ctx.error();
                return;
            }
            try {
                job->evaluated = Evaluate(options).run(*request.program, devset, metric, *ctx);
            } catch (...) {
                job->error = exceptionChain(std::current_exception()).join(u'\n');
            }
        }));
    return id;
}

void RunManager::cancel(const QString& runId)
{
    if (const auto job = m_jobs.value(runId))
        job->token->cancel();
}

void RunManager::cancelAll()
{
    for (const auto& job : std::as_const(m_jobs))
        job->token->cancel();
}

EvaluationProgress RunManager::progress(const QString& runId) const
{
    const auto job = m_jobs.value(runId);
    if (!job)
        return {};
    QMutexLocker lock(&job->mutex);
    return job->progress;
}

void RunManager::waitForAll()
{
    m_pool.waitForDone();
    // The watchers report through queued events: deliver them.
    while (!m_jobs.isEmpty()) {
        const auto job = *m_jobs.begin();
        job->watcher->waitForFinished();
        finish(job->id);
    }
}

void RunManager::flush()
{
    for (const auto& job : std::as_const(m_jobs)) {
        EvaluationProgress p;
        {
            QMutexLocker lock(&job->mutex);
            if (!job->dirty)
                continue;
            job->dirty = false;
            p = job->progress;
        }
        Q_EMIT progressChanged(job->id, p);
    }
    const SessionSnapshot stats = m_stats->snapshot();
    if (!(stats == m_lastStats)) {
        m_lastStats = stats;
        Q_EMIT statsChanged(stats);
    }
    if (m_jobs.isEmpty())
        m_timer.stop();
}

void RunManager::finish(const QString& runId)
{
    if (!m_jobs.contains(runId))
        return; // waitForAll() got there first
    flush();    // the last progress and statistics before the result
    const std::shared_ptr<Job> job = m_jobs.take(runId);
    job->watcher->deleteLater();

    QString status = QStringLiteral("finished");
    Value summary;
    if (!job->error.isEmpty()) {
        status = QStringLiteral("failed");
    } else if (job->evaluated) {
        if (job->evaluated->aborted)
            status =
                job->token->isCancelled() ? QStringLiteral("cancelled") : QStringLiteral("failed");
        summary = Value(job->evaluated->summary());
    } else if (job->predicted) {
        if (job->predicted->cancelled)
            status = QStringLiteral("cancelled");
        else if (!job->predicted->error.isEmpty())
            status = QStringLiteral("failed");
        job->error = job->predicted->error;
    }
    if (m_store)
        m_store->endRun(runId, TraceRecorder::nowUs(), status, summary);

    if (job->predicted)
        Q_EMIT predictFinished(*job->predicted);
    if (job->evaluated) {
        if (job->evaluated->maxErrorsReached && job->error.isEmpty())
            job->error = job->evaluated->abortReason;
        Q_EMIT evaluationFinished(runId, *job->evaluated);
    }
    Q_EMIT runFinished(runId, status, job->error);
    Q_EMIT runningCountChanged(runningCount());
}

} // namespace dspy
