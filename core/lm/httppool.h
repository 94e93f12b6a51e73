#pragma once

// HttpPool — HTTP/1.1 requests spread over K network threads, each with its own
// QNetworkAccessManagers (128 in all), because one manager opens at most six connections per host
// in Qt 6.4 (qt64.md). Retries with backoff and jitter (Retry-After honoured), per-request
// timeouts, cancellation, and per-endpoint limits (requests in flight, requests/tokens per minute)
// all run on the network threads' event loops: no thread ever sleeps, and send() never blocks.

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace dspy {

class CancellationToken;

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QUrl url;
    QByteArray method = "POST";
    HttpHeaders headers;
    QByteArray body;
    // Inactivity timeout (QNetworkRequest::setTransferTimeout): no byte for this long aborts.
    int timeoutMs = 600000;
    // Requests with the same key share the limits set by setEndpointLimit(); empty: unlimited.
    QString endpointKey;
    // Counted against the endpoint's tokens-per-minute limit when one is set.
    int estimatedTokens = 0;
    // Streaming: the raw body of a 2xx response is handed over chunk by chunk as it arrives, on a
    // network thread, and is then not collected in HttpResponse::body. Once a chunk was delivered
    // the request is no longer retried (the consumer has seen part of an answer).
    std::function<void(QByteArrayView)> onChunk;
    std::shared_ptr<CancellationToken> cancel;
    // Cancelling this future (typically the caller's own future for the result) also aborts.
    std::optional<QFuture<void>> cancelWith;
};

struct HttpResponse
{
    int status = 0; // 0 when no HTTP response arrived
    QByteArray body;
    HttpHeaders headers;
    QString errorString;
    bool transportError = false;
    bool timedOut = false;
    bool cancelled = false;
    int attempts = 0;

    bool ok() const { return status >= 200 && status < 300; }
    // Case-insensitive lookup; empty when absent.
    QByteArray header(QByteArrayView name) const;
};

struct RetryPolicy
{
    int maxRetries = 3;
    int baseDelayMs = 500;
    int maxDelayMs = 30000;
    double jitter = 0.25; // the delay varies by +-jitter of itself
    // A Retry-After longer than this is not waited for: the 429/503 is returned to the caller.
    int maxRetryAfterMs = 120000;
};

// Marks the calling thread as a synchronous caller for its lifetime: requests it sends meanwhile
// (from a thread not inside an event loop) run on a QNetworkAccessManager of the thread itself,
// with the same retries, limits, timeouts and cancellation, and wait() runs the thread's events
// until the future is finished or none of its requests is left. This spares a synchronous call
// the two thread hand-offs of the network threads. Nests; not for threads whose event loop is
// running (their requests go to the network threads as usual).
class HttpBlockingScope
{
public:
    HttpBlockingScope();
    ~HttpBlockingScope();
    HttpBlockingScope(const HttpBlockingScope&) = delete;
    HttpBlockingScope& operator=(const HttpBlockingScope&) = delete;
    // Returns when `future` is finished, or earlier when it no longer depends on this thread
    // (the caller then waits on the future as usual).
    void wait(const QFuture<void>& future);
};

class HttpPool
{
public:
    // threads <= 0: min(4, max(2, QThread::idealThreadCount())).
    explicit HttpPool(int threads = 0);
    ~HttpPool();
    HttpPool(const HttpPool&) = delete;
    HttpPool& operator=(const HttpPool&) = delete;

    // Thread-safe; callable from any thread, with or without an event loop. The future finishes
    // from a network thread. Cancelling the future aborts the request.
    QFuture<HttpResponse> send(HttpRequest request, RetryPolicy policy = {});

    // maxInFlight <= 0: unlimited; rpm/tpm <= 0: no per-minute limit. Queued requests start in
    // FIFO order as slots free up. The rate limits count attempts started within a sliding window
    // of windowMs (a minute; shorter windows are for tests and for providers that meter per
    // second).
    void setEndpointLimit(const QString& key, int maxInFlight, int rpm = 0, int tpm = 0,
                          int windowMs = 60000);

    int threadCount() const;
    // Requests started (including retries) since construction, for tests and diagnostics.
    qint64 attemptsStarted() const;

    // The process-wide pool, created on first use.
    static HttpPool& shared();

    // Stops the network threads and waits for them; requests still in flight end as cancelled.
    // Idempotent; the destructor calls it. Later send()s fail at once with a transport error. The
    // shared pool is shut down by a QCoreApplication post routine, while Qt is still whole.
    void shutdown();

    // Retry-After as seconds, or an HTTP date relative to now; -1 when absent or unparsable.
    static double parseRetryAfter(QByteArrayView value);
    // The backoff before retry number `retry` (1-based), without jitter.
    static int backoffDelayMs(const RetryPolicy& policy, int retry);

    struct Private;

private:
    std::unique_ptr<Private> d;
};

} // namespace dspy
