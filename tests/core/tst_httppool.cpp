// HttpPool against a real local HTTP/1.1 server: retries, Retry-After, timeouts, cancellation,
// concurrency past QNAM's six connections, endpoint limits, streaming.

#include "lm/httppool.h"
#include "runtime/runcontext.h"

#include "testhttpserver.h"

#include <QDateTime>
#include <QLocale>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <atomic>

using namespace dspy;
using testhttp::Reply;
using testhttp::Request;
using testhttp::TestHttpServer;

namespace {

HttpRequest post(const TestHttpServer& server, QByteArray body = "{}", QString path = "/x")
{
    HttpRequest r;
    r.url = QUrl(server.baseUrl() + path);
    r.headers = {{"Content-Type", "application/json"}, {"X-Test", "yes"}};
    r.body = std::move(body);
    return r;
}

RetryPolicy fastRetries(int n)
{
    RetryPolicy p;
    p.maxRetries = n;
    p.baseDelayMs = 10;
    p.maxDelayMs = 50;
    return p;
}

HttpResponse wait(QFuture<HttpResponse> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace

class TestHttpPool : public QObject
{
    Q_OBJECT

private:
    HttpPool m_pool{3};

private Q_SLOTS:
    void okResponse()
    {
        TestHttpServer server([](const Request&) {
            Reply r = Reply::json(200, R"({"ok": true})");
            r.addHeader("X-Request-Id", "req-1");
            return r;
        });
        const HttpResponse r = wait(m_pool.send(post(server, R"({"a": 1})", "/v1/thing")));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray(R"({"ok": true})"));
        QCOMPARE(r.header("x-request-id"), QByteArray("req-1"));
        QCOMPARE(r.attempts, 1);
        QVERIFY(!r.transportError && !r.timedOut && !r.cancelled);
        const QList<Request> seen = server.requests();
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen[0].method, QByteArray("POST"));
        QCOMPARE(seen[0].path, QByteArray("/v1/thing"));
        QCOMPARE(seen[0].body, QByteArray(R"({"a": 1})"));
        QCOMPARE(seen[0].header("x-test"), QByteArray("yes"));
        QCOMPARE(seen[0].header("content-type"), QByteArray("application/json"));
    }

    void retriesServerErrorsThenSucceeds()
    {
        TestHttpServer server([](const Request& req) {
            return req.index < 2 ? Reply::json(500, R"({"error": "boom"})")
                                 : Reply::json(200, "done");
        });
        const HttpResponse r = wait(m_pool.send(post(server), fastRetries(3)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("done"));
        QCOMPARE(r.attempts, 3);
        QCOMPARE(server.requestCount(), 3);
    }

    void retriesExhausted()
    {
        TestHttpServer server([](const Request&) { return Reply::json(503, "busy"); });
        const HttpResponse r = wait(m_pool.send(post(server), fastRetries(2)));
        QCOMPARE(r.status, 503);
        QCOMPARE(r.body, QByteArray("busy"));
        QCOMPARE(r.attempts, 3);
        QCOMPARE(server.requestCount(), 3);
    }

    void clientErrorsAreNotRetried_data()
    {
        QTest::addColumn<int>("status");
        for (int s : {400, 401, 402, 403, 404, 408, 422})
            QTest::addRow("%d", s) << s;
    }
    void clientErrorsAreNotRetried()
    {
        QFETCH(int, status);
        TestHttpServer server([status](const Request&) { return Reply::json(status, "no"); });
        const HttpResponse r = wait(m_pool.send(post(server), fastRetries(3)));
        QCOMPARE(r.status, status);
        QCOMPARE(r.attempts, 1);
        QCOMPARE(server.requestCount(), 1);
    }

    void retryAfterSecondsHonoured()
    {
        TestHttpServer server([](const Request& req) {
            if (req.index == 0) {
                Reply r = Reply::json(429, "slow down");
                r.addHeader("Retry-After", "1");
                return r;
            }
            return Reply::json(200, "ok");
        });
        RetryPolicy p = fastRetries(3); // backoff alone would wait ~10 ms
        const HttpResponse r = wait(m_pool.send(post(server), p));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.attempts, 2);
        const QList<Request> seen = server.requests();
        QCOMPARE(seen.size(), 2);
        QCOMPARE_GE(seen[1].arrivalMs - seen[0].arrivalMs, 1000);
    }

    void retryAfterHttpDateHonoured()
    {
        TestHttpServer server([](const Request& req) {
            if (req.index == 0) {
                // Two seconds ahead; the date has whole seconds, so at least one full second.
                const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(2);
                Reply r = Reply::json(503, "maintenance");
                r.addHeader(
                    "Retry-After",
                    QLocale::c().toString(when, "ddd, dd MMM yyyy hh:mm:ss 'GMT'").toLatin1());
                return r;
            }
            return Reply::json(200, "ok");
        });
        const HttpResponse r = wait(m_pool.send(post(server), fastRetries(3)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.attempts, 2);
        const QList<Request> seen = server.requests();
        QCOMPARE(seen.size(), 2);
        QCOMPARE_GE(seen[1].arrivalMs - seen[0].arrivalMs, 1000);
    }

    void retryAfterBeyondLimitIsReturned()
    {
        TestHttpServer server([](const Request&) {
            Reply r = Reply::json(429, "come back in an hour");
            r.addHeader("Retry-After", "3600");
            return r;
        });
        RetryPolicy p = fastRetries(3);
        p.maxRetryAfterMs = 5000;
        const HttpResponse r = wait(m_pool.send(post(server), p));
        QCOMPARE(r.status, 429);
        QCOMPARE(r.attempts, 1);
        QCOMPARE(r.header("Retry-After"), QByteArray("3600"));
    }

    void parseRetryAfter()
    {
        QCOMPARE(HttpPool::parseRetryAfter("5"), 5.0);
        QCOMPARE(HttpPool::parseRetryAfter(" 1.5 "), 1.5);
        QCOMPARE(HttpPool::parseRetryAfter("0"), 0.0);
        QCOMPARE(HttpPool::parseRetryAfter(""), -1.0);
        QCOMPARE(HttpPool::parseRetryAfter("soon"), -1.0);
        QCOMPARE(HttpPool::parseRetryAfter("-3"), -1.0);
        QCOMPARE(HttpPool::parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0); // in the past
        const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(100);
        const double s = HttpPool::parseRetryAfter(
            QLocale::c().toString(when, "ddd, dd MMM yyyy hh:mm:ss 'GMT'").toLatin1());
        QVERIFY2(s > 98 && s <= 100, QByteArray::number(s));
    }

    void backoffDoubles()
    {
        RetryPolicy p;
        p.baseDelayMs = 500;
        p.maxDelayMs = 3000;
        QCOMPARE(HttpPool::backoffDelayMs(p, 1), 500);
        QCOMPARE(HttpPool::backoffDelayMs(p, 2), 1000);
        QCOMPARE(HttpPool::backoffDelayMs(p, 3), 2000);
        QCOMPARE(HttpPool::backoffDelayMs(p, 4), 3000);
        QCOMPARE(HttpPool::backoffDelayMs(p, 30), 3000);
    }

    void timeout()
    {
        TestHttpServer server([](const Request&) { return Reply::hang(); });
        HttpRequest req = post(server);
        req.timeoutMs = 300;
        const HttpResponse r = wait(m_pool.send(req, fastRetries(0)));
        QVERIFY(r.timedOut);
        QVERIFY(!r.transportError);
        QCOMPARE(r.status, 0);
        QCOMPARE(r.attempts, 1);
        QTRY_COMPARE(server.closedWhilePending(), 1);
    }

    void timeoutIsRetried()
    {
        TestHttpServer server([](const Request& req) {
            return req.index == 0 ? Reply::hang() : Reply::json(200, "second time lucky");
        });
        HttpRequest req = post(server);
        req.timeoutMs = 300;
        const HttpResponse r = wait(m_pool.send(req, fastRetries(2)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.attempts, 2);
        QCOMPARE(server.requestCount(), 2);
    }

    void connectionResetIsTransportError()
    {
        TestHttpServer server([](const Request&) { return Reply::reset(); });
        const HttpResponse r = wait(m_pool.send(post(server), fastRetries(1)));
        QVERIFY(r.transportError);
        QCOMPARE(r.status, 0);
        QCOMPARE(r.attempts, 2);
        QVERIFY(!r.errorString.isEmpty());
        QCOMPARE_GE(server.requestCount(), 2);
    }

    void connectionResetThenRecovered()
    {
        TestHttpServer server([](const Request& req) {
            return req.index == 0 ? Reply::reset() : Reply::json(200, "fine");
        });
        const HttpResponse r = wait(m_pool.send(post(server), fastRetries(2)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("fine"));
    }

    void unreachableIsTransportError()
    {
        quint16 port;
        {
            TestHttpServer gone;
            port = gone.port();
        }
        HttpRequest req;
        req.url = QUrl(QStringLiteral("http://127.0.0.1:%1/x").arg(port));
        req.body = "{}";
        const HttpResponse r = wait(m_pool.send(req, fastRetries(1)));
        QVERIFY(r.transportError);
        QCOMPARE(r.attempts, 2);
    }

    void tokenCancelAbortsInFlight()
    {
        TestHttpServer server([](const Request&) { return Reply::hang(); });
        HttpRequest req = post(server);
        req.cancel = std::make_shared<CancellationToken>();
        QFuture<HttpResponse> f = m_pool.send(req, fastRetries(3));
        QTRY_COMPARE(server.requestCount(), 1);
        req.cancel->cancel();
        const HttpResponse r = wait(f);
        QVERIFY(r.cancelled);
        QCOMPARE(r.attempts, 1);
        QTRY_COMPARE(server.closedWhilePending(), 1);
        QCOMPARE(server.requestCount(), 1); // not retried
    }

    void futureCancelAbortsInFlight()
    {
        TestHttpServer server([](const Request&) { return Reply::hang(); });
        QFuture<HttpResponse> f = m_pool.send(post(server), fastRetries(3));
        QTRY_COMPARE(server.requestCount(), 1);
        f.cancel();
        QTRY_COMPARE(server.closedWhilePending(), 1);
        QVERIFY(f.isCanceled());
        QCOMPARE(server.requestCount(), 1);
    }

    void cancelDuringBackoff()
    {
        TestHttpServer server([](const Request&) {
            Reply r = Reply::json(429, "later");
            r.addHeader("Retry-After", "30");
            return r;
        });
        HttpRequest req = post(server);
        req.cancel = std::make_shared<CancellationToken>();
        QFuture<HttpResponse> f = m_pool.send(req, fastRetries(3));
        QTRY_COMPARE(server.requestCount(), 1);
        req.cancel->cancel();
        const HttpResponse r = wait(f); // within a poll tick, not after 30 s
        QVERIFY(r.cancelled);
        QCOMPARE(server.requestCount(), 1);
    }

    void threeHundredConcurrent()
    {
        TestHttpServer server(
            [](const Request& req) { return Reply::json(200, "echo:" + req.body, 100); });
        QList<QFuture<HttpResponse>> futures;
        for (int i = 0; i < 300; ++i)
            futures.append(m_pool.send(post(server, QByteArray::number(i)), fastRetries(0)));
        QSet<QByteArray> bodies;
        for (int i = 0; i < 300; ++i) {
            const HttpResponse r = wait(futures[i]);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, "echo:" + QByteArray::number(i));
            QCOMPARE(r.attempts, 1);
            bodies.insert(r.body);
        }
        QCOMPARE(bodies.size(), 300);
        QCOMPARE(server.requestCount(), 300); // each answered exactly once
        QCOMPARE_GT(server.maxConcurrent(), 6);
    }

    void endpointInFlightLimit()
    {
        HttpPool pool(3);
        pool.setEndpointLimit(QStringLiteral("ep"), 2);
        TestHttpServer server(
            [](const Request& req) { return Reply::json(200, "echo:" + req.body, 50); });
        QList<QFuture<HttpResponse>> futures;
        for (int i = 0; i < 12; ++i) {
            HttpRequest req = post(server, QByteArray::number(i));
            req.endpointKey = QStringLiteral("ep");
            futures.append(pool.send(req, fastRetries(0)));
        }
        for (int i = 0; i < 12; ++i) {
            const HttpResponse r = wait(futures[i]);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, "echo:" + QByteArray::number(i));
        }
        QCOMPARE(server.requestCount(), 12);
        QCOMPARE(server.maxConcurrent(), 2);
    }

    // rpm: at most two attempts start in any 400 ms window, so the 3rd and 4th requests of a burst
    // arrive a window after the 1st and 2nd (a lower bound, which load cannot break).
    void requestsPerWindowLimit()
    {
        HttpPool pool(2);
        pool.setEndpointLimit(QStringLiteral("rpm"), 0, 2, 0, 400);
        TestHttpServer server([](const Request& req) { return Reply::json(200, req.body); });
        QList<QFuture<HttpResponse>> futures;
        for (int i = 0; i < 5; ++i) {
            HttpRequest req = post(server, QByteArray::number(i));
            req.endpointKey = QStringLiteral("rpm");
            futures.append(pool.send(req, fastRetries(0)));
        }
        for (int i = 0; i < 5; ++i)
            QCOMPARE(wait(futures[i]).status, 200);
        const QList<Request> seen = server.requests();
        QCOMPARE(seen.size(), 5);
        QList<qint64> arrivals;
        for (const Request& r : seen)
            arrivals.append(r.arrivalMs);
        std::sort(arrivals.begin(), arrivals.end());
        // Arrival is after the attempt started; allow the clocks a few ms of skew.
        QCOMPARE_GE(arrivals[2] - arrivals[0], 390);
        QCOMPARE_GE(arrivals[3] - arrivals[1], 390);
        QCOMPARE_GE(arrivals[4] - arrivals[2], 390);
        QCOMPARE(pool.attemptsStarted(), 5);
    }

    // tpm: each request estimates 60 tokens against 100 per window, so they go one per window;
    // a queued request can still be cancelled and never starts.
    void tokensPerWindowLimit()
    {
        HttpPool pool(2);
        pool.setEndpointLimit(QStringLiteral("tpm"), 0, 0, 100, 300);
        TestHttpServer server([](const Request& req) { return Reply::json(200, req.body); });
        auto token = std::make_shared<CancellationToken>();
        QList<QFuture<HttpResponse>> futures;
        for (int i = 0; i < 4; ++i) {
            HttpRequest req = post(server, QByteArray::number(i));
            req.endpointKey = QStringLiteral("tpm");
            req.estimatedTokens = 60;
            if (i == 3)
                req.cancel = token;
            futures.append(pool.send(req, fastRetries(0)));
        }
        // The 4th cannot start before the third window (900 ms from now): cancel it while it
        // waits behind the budget.
        token->cancel();
        for (int i = 0; i < 3; ++i)
            QCOMPARE(wait(futures[i]).status, 200);
        const HttpResponse cancelled = wait(futures[3]);
        QVERIFY(cancelled.cancelled);
        QCOMPARE(cancelled.attempts, 0);
        QList<qint64> arrivals;
        for (const Request& r : server.requests())
            arrivals.append(r.arrivalMs);
        QCOMPARE(arrivals.size(), 3);
        std::sort(arrivals.begin(), arrivals.end());
        QCOMPARE_GE(arrivals[1] - arrivals[0], 290);
        QCOMPARE_GE(arrivals[2] - arrivals[1], 290);
    }

    void endpointLimitSurvivesCancelledWaiters()
    {
        HttpPool pool(2);
        pool.setEndpointLimit(QStringLiteral("one"), 1);
        TestHttpServer server([](const Request& req) {
            return Reply::json(200, req.body, req.index == 0 ? 300 : 20);
        });
        HttpRequest first = post(server, "first");
        first.endpointKey = QStringLiteral("one");
        QFuture<HttpResponse> firstFuture = pool.send(first, fastRetries(0));
        QTRY_COMPARE(server.requestCount(), 1);
        // These all queue behind the first; the odd ones are cancelled while queued.
        auto token = std::make_shared<CancellationToken>();
        QList<QFuture<HttpResponse>> futures;
        for (int i = 0; i < 6; ++i) {
            HttpRequest req = post(server, QByteArray::number(i));
            req.endpointKey = QStringLiteral("one");
            if (i % 2 == 1)
                req.cancel = token;
            futures.append(pool.send(req, fastRetries(0)));
        }
        token->cancel();
        QCOMPARE(wait(firstFuture).body, QByteArray("first"));
        for (int i = 0; i < 6; ++i) {
            const HttpResponse r = wait(futures[i]);
            if (i % 2 == 1) {
                QVERIFY(r.cancelled);
                QCOMPARE(r.attempts, 0);
            } else {
                QCOMPARE(r.status, 200);
                QCOMPARE(r.body, QByteArray::number(i));
            }
        }
        QCOMPARE(server.maxConcurrent(), 1);
        QCOMPARE(server.requestCount(), 4);
    }

    void streamingChunks()
    {
        TestHttpServer server([](const Request&) {
            Reply r;
            r.addHeader("Content-Type", "text/event-stream");
            r.chunks = {{0, "data: one\n\n"}, {30, "data: two\n"}, {30, "\ndata: three\n\n"}};
            return r;
        });
        QByteArray seen;
        std::atomic_int calls{0};
        HttpRequest req = post(server);
        req.onChunk = [&](QByteArrayView c) {
            seen.append(c);
            ++calls;
        };
        const HttpResponse r = wait(m_pool.send(req));
        QCOMPARE(r.status, 200);
        QCOMPARE(seen, QByteArray("data: one\n\ndata: two\n\ndata: three\n\n"));
        QCOMPARE_GE(calls.load(), 2); // delivered as it arrived, not at the end
        QVERIFY(r.body.isEmpty());
    }

    void streamingErrorBodyIsCollected()
    {
        TestHttpServer server([](const Request& req) {
            return req.index == 0 ? Reply::json(500, "oops") : Reply::json(200, "data: x\n\n");
        });
        QByteArray seen;
        HttpRequest req = post(server);
        req.onChunk = [&](QByteArrayView c) { seen.append(c); };
        const HttpResponse r = wait(m_pool.send(req, fastRetries(1)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.attempts, 2);
        QCOMPARE(seen, QByteArray("data: x\n\n")); // the 500 body never reached the consumer
    }

    void shutdownEndsInFlightAndRefusesLaterRequests()
    {
        TestHttpServer server([](const Request&) { return Reply::hang(); });
        HttpPool pool(2);
        QFuture<HttpResponse> inFlight = pool.send(post(server), fastRetries(3));
        QTRY_COMPARE(server.requestCount(), 1);
        pool.shutdown();
        QVERIFY(inFlight.isFinished()); // shutdown() waited for the threads
        const HttpResponse ended = wait(inFlight);
        QVERIFY(ended.cancelled);
        QCOMPARE(ended.status, 0);
        QCOMPARE(pool.threadCount(), 0);
        QTRY_COMPARE(server.closedWhilePending(), 1);

        const HttpResponse later = wait(pool.send(post(server)));
        QVERIFY(later.transportError);
        QVERIFY2(later.errorString.contains(QStringLiteral("shut down")),
                 qPrintable(later.errorString));
        QCOMPARE(server.requestCount(), 1); // never sent
        pool.shutdown();                    // idempotent
    }

    void sharedPool()
    {
        HttpPool& a = HttpPool::shared();
        QCOMPARE(&a, &HttpPool::shared());
        QCOMPARE_GE(a.threadCount(), 2);
        QCOMPARE_LE(a.threadCount(), 4);
    }
};

QTEST_GUILESS_MAIN(TestHttpPool)
#include "tst_httppool.moc"
