#include "lm/httppool.h"

#include "runtime/runcontext.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QEventLoop>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QLocale>
#include <QMutex>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPromise>
#include <QRandomGenerator>
#include <QSemaphore>
#include <QThread>
#include <QThreadStorage>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <deque>

namespace dspy {

namespace {

qint64 nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// How often in-flight requests are checked for cancellation: a cancelled request is aborted
// within this time, at the cost of one atomic read per request per tick.
constexpr int kCancelPollMs = 20;
// Managers across all threads: 6 connections each, so up to 768 requests in flight per host.
constexpr int kManagers = 128;

class Worker;

struct Job
{
    quint64 id = 0;
    HttpPool::Private* pool = nullptr;
    HttpRequest req;
    RetryPolicy policy;
    QPromise<HttpResponse> promise;
    Worker* worker = nullptr;
    QNetworkReply* reply = nullptr;
    QString endpointKey; // non-empty when the endpoint has limits
    int attempts = 0;
    int manager = 0;
    bool holdsSlot = false;
    bool queued = false;
    bool chunkDelivered = false;
    bool abortedByUs = false;
    // Backstop for QNetworkRequest's transfer timeout, checked by the cancellation poll: a session
    // once saw a silent server outlive the transfer timeout; this bounds every attempt regardless.
    QDeadlineTimer attemptDeadline = QDeadlineTimer::Forever;

    bool isCancelled() const
    {
        return promise.isCanceled() || (req.cancel && req.cancel->isCancelled()) ||
               (req.cancelWith && req.cancelWith->isCanceled());
    }
};

struct Endpoint
{
    int maxInFlight = 0;
    int rpm = 0;
    int tpm = 0;
    qint64 windowMs = 60000;
    int inFlight = 0;
    std::deque<std::pair<Worker*, quint64>> waiting;
    std::deque<qint64> starts;                      // attempt start times within the last minute
    std::deque<std::pair<qint64, int>> tokenStarts; // (time, tokens)
};

} // namespace

struct HttpPool::Private
{
    QList<QThread*> threads;
    QList<Worker*> workers;
    std::atomic<quint64> next{0};
    std::atomic<quint64> nextId{1};
    std::atomic<qint64> attempts{0};
    std::atomic_bool hasLimits{false};
    std::atomic_bool stopped{false};
    QMutex limitsMutex;
    QHash<QString, Endpoint> endpoints;

    enum class Admit { Go, Queued, Later };
    Admit admit(Job* job, qint64* delayMs);
    void release(const QString& key);
};

namespace {

class Worker : public QObject
{
public:
    explicit Worker(int managers)
    {
        // Six connections per host per manager (Qt 6.4): several managers per thread give
        // hundreds of connections without more threads.
        for (int k = 0; k < std::max(1, managers); ++k) {
            auto* nam = new QNetworkAccessManager(this);
            nam->setProxy(QNetworkProxy::NoProxy);
            nam->setAutoDeleteReplies(false);
            connect(nam, &QNetworkAccessManager::finished, this, &Worker::onFinished);
            m_nams.append(nam);
            m_namLoad.append(0);
        }
        m_poll.setInterval(kCancelPollMs);
        connect(&m_poll, &QTimer::timeout, this, &Worker::pollCancelled);
    }

    ~Worker() override { shutdown(); }

    qsizetype jobCount() const { return m_jobs.size(); }

    void adopt(Job* job)
    {
        job->worker = this;
        m_jobs.insert(job->id, job);
        if (!m_poll.isActive())
            m_poll.start();
        attempt(job);
    }

    // The endpoint handed a freed slot to this queued job.
    void resumeQueued(quint64 id)
    {
        Job* job = m_jobs.value(id);
        if (!job) {
            // Finished (cancelled) while queued: pass the slot on.
            const auto [pool, key] = m_lastKeyFor.take(id);
            if (pool)
                pool->release(key);
            return;
        }
        m_lastKeyFor.remove(id);
        job->queued = false;
        job->holdsSlot = true;
        attempt(job);
    }

    void shutdown()
    {
        m_shuttingDown = true;
        const auto jobs = m_jobs.values();
        for (Job* job : jobs) {
            if (job->reply) {
                job->abortedByUs = true;
                job->reply->abort();
            }
        }
        const auto rest = m_jobs.values();
        for (Job* job : rest) {
            HttpResponse r;
            r.cancelled = true;
            r.attempts = job->attempts;
            r.errorString = QStringLiteral("The HTTP pool shut down.");
            finish(job, std::move(r));
        }
    }

private:
    void attempt(Job* job)
    {
        if (job->isCancelled()) {
            finishCancelled(job);
            return;
        }
        if (!job->endpointKey.isEmpty()) {
            qint64 delay = 0;
            switch (job->pool->admit(job, &delay)) {
            case HttpPool::Private::Admit::Go:
                break;
            case HttpPool::Private::Admit::Queued:
                m_lastKeyFor.insert(job->id, {job->pool, job->endpointKey});
                return;
            case HttpPool::Private::Admit::Later:
                later(job, int(delay));
                return;
            }
        }
        QNetworkRequest nr(job->req.url);
        for (const auto& [name, value] : job->req.headers)
            nr.setRawHeader(name, value);
        nr.setTransferTimeout(job->req.timeoutMs);
        // Qt's transfer timeout fires first; ours (1 s later) only catches a timeout Qt missed.
        job->attemptDeadline = job->req.timeoutMs > 0
                                   ? QDeadlineTimer(qint64(job->req.timeoutMs) + 1000)
                                   : QDeadlineTimer(QDeadlineTimer::Forever);
        ++job->attempts;
        job->pool->attempts.fetch_add(1, std::memory_order_relaxed);
        // The first manager with a free connection: sequential traffic stays on one warm
        // keep-alive connection, bursts spread out.
        qsizetype pick = 0;
        for (qsizetype k = 0; k < m_namLoad.size(); ++k) {
            if (m_namLoad[k] < 6) {
                pick = k;
                break;
            }
            if (m_namLoad[k] < m_namLoad[pick])
                pick = k;
        }
        ++m_namLoad[pick];
        job->manager = int(pick);
        QNetworkAccessManager* nam = m_nams[pick];
        QNetworkReply* reply = job->req.body.isEmpty() && job->req.method == "GET"
                                   ? nam->get(nr)
                                   : nam->sendCustomRequest(nr, job->req.method, job->req.body);
        job->reply = reply;
        m_replies.insert(reply, job);
        if (job->req.onChunk)
            connect(reply, &QNetworkReply::readyRead, this, [this, reply] { onReadyRead(reply); });
    }

    void later(Job* job, int delayMs)
    {
        const quint64 id = job->id;
        QTimer::singleShot(std::max(0, delayMs), Qt::PreciseTimer, this, [this, id] {
            if (Job* j = m_jobs.value(id))
                attempt(j);
        });
    }

    static bool isSuccess(QNetworkReply* reply)
    {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        return status >= 200 && status < 300;
    }

    void onReadyRead(QNetworkReply* reply)
    {
        Job* job = m_replies.value(reply);
        if (!job || !isSuccess(reply))
            return; // an error body is collected whole at the end
        const QByteArray chunk = reply->readAll();
        if (chunk.isEmpty())
            return;
        job->chunkDelivered = true;
        job->req.onChunk(chunk);
    }

    void onFinished(QNetworkReply* reply)
    {
        Job* job = m_replies.take(reply);
        reply->deleteLater();
        if (!job)
            return;
        job->reply = nullptr;
        --m_namLoad[job->manager];

        HttpResponse r;
        r.attempts = job->attempts;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QNetworkReply::NetworkError error = reply->error();
        if (!reply->isOpen()) {
            // Aborted: nothing left to read.
        } else if (job->req.onChunk && r.ok()) {
            const QByteArray tail = reply->readAll();
            if (!tail.isEmpty()) {
                job->chunkDelivered = true;
                job->req.onChunk(tail);
            }
        } else {
            r.body = reply->readAll();
        }
        r.headers = reply->rawHeaderPairs();

        if (job->abortedByUs) {
            r.cancelled = true;
            r.errorString = QStringLiteral("Request cancelled.");
            finish(job, std::move(r));
            return;
        }
        if (r.status == 0 || (error != QNetworkReply::NoError && r.ok())) {
            // No (complete) HTTP response: a timeout (transfer timeout aborts the reply) or a
            // network failure, including a connection dropped mid-body.
            r.errorString = reply->errorString();
            if (error == QNetworkReply::OperationCanceledError ||
                error == QNetworkReply::TimeoutError)
                r.timedOut = true;
            else
                r.transportError = true;
        }

        if (!m_shuttingDown && shouldRetry(job, r)) {
            qint64 delay = nextDelayMs(job, r);
            if (delay >= 0) {
                later(job, int(delay));
                return;
            }
        }
        finish(job, std::move(r));
    }

    static bool shouldRetry(const Job* job, const HttpResponse& r)
    {
        if (job->attempts > job->policy.maxRetries || job->chunkDelivered)
            return false;
        return r.transportError || r.timedOut || r.status == 429 || r.status >= 500;
    }

    static qint64 nextDelayMs(const Job* job, const HttpResponse& r)
    {
        const double retryAfter = HttpPool::parseRetryAfter(r.header("retry-after"));
        if (retryAfter >= 0) {
            const qint64 ms = qint64(retryAfter * 1000.0 + 0.999);
            return ms > job->policy.maxRetryAfterMs ? -1 : ms;
        }
        const double base = HttpPool::backoffDelayMs(job->policy, job->attempts);
        const double j =
            job->policy.jitter * (2.0 * QRandomGenerator::global()->generateDouble() - 1.0);
        return qint64(std::max(0.0, base * (1.0 + j)));
    }

    void pollCancelled()
    {
        if (m_jobs.isEmpty()) {
            m_poll.stop();
            return;
        }
        QList<Job*> cancelled;
        QList<QNetworkReply*> overdue;
        for (Job* job : std::as_const(m_jobs)) {
            if (job->isCancelled())
                cancelled.append(job);
            else if (job->reply && job->attemptDeadline.hasExpired())
                overdue.append(job->reply);
        }
        // Aborted without abortedByUs: onFinished reports OperationCanceledError as a timeout
        // and the retry policy applies as for Qt's own transfer timeout.
        for (QNetworkReply* reply : std::as_const(overdue))
            reply->abort();
        for (Job* job : std::as_const(cancelled)) {
            if (job->reply) {
                job->abortedByUs = true;
                job->reply->abort(); // emits finished() synchronously: onFinished ends the job
            } else {
                finishCancelled(job);
            }
        }
    }

    void finishCancelled(Job* job)
    {
        HttpResponse r;
        r.cancelled = true;
        r.attempts = job->attempts;
        r.errorString = QStringLiteral("Request cancelled.");
        finish(job, std::move(r));
    }

    void finish(Job* job, HttpResponse r)
    {
        if (!m_jobs.remove(job->id))
            return;
        if (job->holdsSlot)
            job->pool->release(job->endpointKey);
        // A queued job keeps its key in m_lastKeyFor: the slot it may still be handed goes on.
        job->promise.addResult(std::move(r));
        job->promise.finish();
        delete job;
    }

    QList<QNetworkAccessManager*> m_nams;
    QList<int> m_namLoad; // requests in flight per manager
    QTimer m_poll;
    QHash<quint64, Job*> m_jobs;
    QHash<QNetworkReply*, Job*> m_replies;
    // queued jobs -> their pool and endpoint key
    QHash<quint64, std::pair<HttpPool::Private*, QString>> m_lastKeyFor;
    bool m_shuttingDown = false;
};

class NetThread : public QThread
{
public:
    NetThread(QSemaphore* ready, int managers)
        : m_ready(ready)
        , m_managers(managers)
    {}
    Worker* worker = nullptr;

protected:
    void run() override
    {
        // The manager must be created in the thread that uses it.
        Worker w(m_managers);
        worker = &w;
        m_ready->release();
        exec();
        w.shutdown();
        worker = nullptr;
    }

private:
    QSemaphore* m_ready;
    int m_managers;
};

// The calling thread's own worker, for requests sent inside an HttpBlockingScope: a synchronous
// caller then runs its request on its own manager while it waits, instead of handing it to a
// network thread and being woken from there (two thread hand-offs per call). QThreadStorage
// deletes it when the thread finishes, while the thread's event dispatcher still exists.
QThreadStorage<Worker*>& localWorkers()
{
    static QThreadStorage<Worker*> storage;
    return storage;
}

thread_local int t_blockingDepth = 0;

Worker* localWorker(bool create)
{
    QThreadStorage<Worker*>& storage = localWorkers();
    if (storage.hasLocalData() || !create)
        return storage.hasLocalData() ? storage.localData() : nullptr;
    // QNetworkAccessManager needs the thread's event dispatcher; a QEventLoop creates it.
    { QEventLoop ensureDispatcher; }
    auto* worker = new Worker(1);
    storage.setLocalData(worker);
    QCoreApplication* app = QCoreApplication::instance();
    if (app && app->thread() == QThread::currentThread()) {
        // The main thread's storage outlives QCoreApplication: let the worker go while Qt is whole.
        qAddPostRoutine([] {
            if (localWorkers().hasLocalData())
                localWorkers().setLocalData(nullptr);
        });
    }
    return worker;
}

} // namespace

HttpBlockingScope::HttpBlockingScope()
{
    ++t_blockingDepth;
}

HttpBlockingScope::~HttpBlockingScope()
{
    --t_blockingDepth;
}

void HttpBlockingScope::wait(const QFuture<void>& future)
{
    Worker* worker = localWorker(false);
    if (!worker)
        return;
    QAbstractEventDispatcher* dispatcher = QThread::currentThread()->eventDispatcher();
    // Only this thread's own requests need its events; once none is left, whatever the future
    // still waits for happens elsewhere and the caller's plain wait is right.
    while (dispatcher && !future.isFinished() && worker->jobCount() > 0)
        dispatcher->processEvents(QEventLoop::WaitForMoreEvents |
                                  QEventLoop::ExcludeUserInputEvents);
}

HttpPool::Private::Admit HttpPool::Private::admit(Job* job, qint64* delayMs)
{
    QMutexLocker lock(&limitsMutex);
    auto it = endpoints.find(job->endpointKey);
    if (it == endpoints.end())
        return Admit::Go;
    Endpoint& ep = *it;
    if (!job->holdsSlot && ep.maxInFlight > 0) {
        if (ep.inFlight >= ep.maxInFlight || !ep.waiting.empty()) {
            job->queued = true;
            ep.waiting.emplace_back(job->worker, job->id);
            return Admit::Queued;
        }
    }
    if (ep.rpm > 0 || ep.tpm > 0) {
        const qint64 now = nowMs();
        while (!ep.starts.empty() && ep.starts.front() <= now - ep.windowMs)
            ep.starts.pop_front();
        qint64 tokens = 0;
        while (!ep.tokenStarts.empty() && ep.tokenStarts.front().first <= now - ep.windowMs)
            ep.tokenStarts.pop_front();
        for (const auto& t : ep.tokenStarts)
            tokens += t.second;
        qint64 wait = 0;
        if (ep.rpm > 0 && qsizetype(ep.starts.size()) >= ep.rpm)
            wait = ep.starts.front() + ep.windowMs - now;
        if (ep.tpm > 0 && !ep.tokenStarts.empty() && tokens + job->req.estimatedTokens > ep.tpm)
            wait = std::max(wait, ep.tokenStarts.front().first + ep.windowMs - now);
        if (wait > 0) {
            *delayMs = wait;
            return Admit::Later; // keeps its in-flight slot, if any, while it waits
        }
        ep.starts.push_back(now);
        if (ep.tpm > 0)
            ep.tokenStarts.emplace_back(now, job->req.estimatedTokens);
    }
    if (!job->holdsSlot && ep.maxInFlight > 0) {
        job->holdsSlot = true;
        ++ep.inFlight;
    }
    return Admit::Go;
}

void HttpPool::Private::release(const QString& key)
{
    Worker* target = nullptr;
    quint64 id = 0;
    {
        QMutexLocker lock(&limitsMutex);
        auto it = endpoints.find(key);
        if (it == endpoints.end())
            return;
        if (it->waiting.empty()) {
            it->inFlight = std::max(0, it->inFlight - 1);
            return;
        }
        // The slot passes straight to the oldest waiter.
        std::tie(target, id) = it->waiting.front();
        it->waiting.pop_front();
    }
    QMetaObject::invokeMethod(
        target, [target, id] { target->resumeQueued(id); }, Qt::QueuedConnection);
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

HttpPool::HttpPool(int threads)
    : d(std::make_unique<Private>())
{
    if (threads <= 0)
        threads = std::min(4, std::max(2, QThread::idealThreadCount()));
    QSemaphore ready;
    QList<NetThread*> started;
    for (int i = 0; i < threads; ++i) {
        auto* t = new NetThread(&ready, (kManagers + threads - 1) / threads);
        t->setObjectName(QStringLiteral("dspy-http-%1").arg(i));
        t->start();
        started.append(t);
    }
    ready.acquire(threads);
    for (NetThread* t : started) {
        d->threads.append(t);
        d->workers.append(t->worker);
    }
}

HttpPool::~HttpPool()
{
    shutdown();
}

void HttpPool::shutdown()
{
    if (d->stopped.exchange(true))
        return;
    for (QThread* t : std::as_const(d->threads))
        t->quit();
    for (QThread* t : std::as_const(d->threads)) {
        t->wait();
        delete t;
    }
    d->threads.clear();
    d->workers.clear();
}

QFuture<HttpResponse> HttpPool::send(HttpRequest request, RetryPolicy policy)
{
    auto* job = new Job;
    job->pool = d.get();
    job->id = d->nextId.fetch_add(1, std::memory_order_relaxed);
    if (!request.endpointKey.isEmpty() && d->hasLimits.load(std::memory_order_acquire)) {
        QMutexLocker lock(&d->limitsMutex);
        if (d->endpoints.contains(request.endpointKey))
            job->endpointKey = request.endpointKey;
    }
    job->req = std::move(request);
    job->policy = policy;
    job->promise.start();
    QFuture<HttpResponse> future = job->promise.future();
    if (d->stopped.load(std::memory_order_acquire)) {
        HttpResponse r;
        r.transportError = true;
        r.errorString = QStringLiteral("The HTTP pool has been shut down.");
        job->promise.addResult(std::move(r));
        job->promise.finish();
        delete job;
        return future;
    }
    // A synchronous caller (inside an HttpBlockingScope, not inside an event loop of its own,
    // whose events it must not run) runs the request on its own thread while it waits.
    if (t_blockingDepth > 0 && QThread::currentThread()->loopLevel() == 0) {
        if (Worker* local = localWorker(true)) {
            local->adopt(job);
            return future;
        }
    }
    Worker* w = d->workers.at(
        int(d->next.fetch_add(1, std::memory_order_relaxed) % quint64(d->workers.size())));
    QMetaObject::invokeMethod(
        w, [w, job] { w->adopt(job); }, Qt::QueuedConnection);
    return future;
}

void HttpPool::setEndpointLimit(const QString& key, int maxInFlight, int rpm, int tpm, int windowMs)
{
    QMutexLocker lock(&d->limitsMutex);
    Endpoint& ep = d->endpoints[key];
    ep.maxInFlight = maxInFlight;
    ep.rpm = rpm;
    ep.tpm = tpm;
    ep.windowMs = std::max(1, windowMs);
    d->hasLimits.store(true, std::memory_order_release);
}

int HttpPool::threadCount() const
{
    return int(d->workers.size());
}

qint64 HttpPool::attemptsStarted() const
{
    return d->attempts.load(std::memory_order_relaxed);
}

HttpPool& HttpPool::shared()
{
    static HttpPool pool;
    // Stopped while the application object still exists: left to static destruction, its
    // threads would tear their managers down after QCoreApplication is gone, racing the process
    // exit (LeakSanitizer saw their objects half torn down now and then).
    static const bool once = [] {
        if (QCoreApplication::instance())
            qAddPostRoutine([] { HttpPool::shared().shutdown(); });
        return true;
    }();
    Q_UNUSED(once);
    return pool;
}

double HttpPool::parseRetryAfter(QByteArrayView value)
{
    const QByteArray v = value.trimmed().toByteArray();
    if (v.isEmpty())
        return -1;
    bool ok = false;
    const double seconds = v.toDouble(&ok);
    if (ok)
        return seconds >= 0 ? seconds : -1;
    // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), which Qt's RFC 2822 parser refuses for
    // its "GMT" zone.
    QDateTime when = QLocale::c().toDateTime(QString::fromLatin1(v),
                                             QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    if (when.isValid())
        when.setTimeSpec(Qt::UTC);
    else
        when = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
    if (!when.isValid())
        return -1;
    const qint64 ms = QDateTime::currentDateTimeUtc().msecsTo(when);
    return std::max<qint64>(0, ms) / 1000.0;
}

int HttpPool::backoffDelayMs(const RetryPolicy& policy, int retry)
{
    double delay = policy.baseDelayMs;
    for (int i = 1; i < retry && delay < policy.maxDelayMs; ++i)
        delay *= 2;
    return int(std::min<double>(delay, policy.maxDelayMs));
}

} // namespace dspy
