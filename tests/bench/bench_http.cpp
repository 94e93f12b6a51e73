// bench_http — client CPU per request and throughput of the HTTP LM path.
//
//   bench_http [--requests N] [--seconds S] [--latency-ms L] [--url BASE]
//
// Without --url it starts itself as a stub server in a child process (`--serve`), so the CPU
// figures count the client only. The stub is a single-threaded Qt server (the tests' tiny
// HTTP/1.1 server); for throughput figures where the server must not be the bottleneck, point
// --url at nginx (nginx-light + libnginx-mod-http-echo: echo_sleep, then a fixed reply).
//
// Prints: (a) a bare QNetworkAccessManager POST of the same payload, (b) an
// OpenAICompatibleLM call through the HttpPool (serialize, send, parse), CPU µs per request
// (CLOCK_PROCESS_CPUTIME_ID), then (c) throughput at 32/128/512 in flight with the server
// answering after --latency-ms.

#include "lm/openailm.h"

#include "../core/testhttpserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QThread>

#include <atomic>
#include <cstdio>
#include <ctime>

using namespace dspy;

namespace {

const QByteArray kReply =
    R"({"id":"chatcmpl-1","object":"chat.completion","model":"bench","choices":[{"index":0,)"
    R"("message":{"role":"assistant","content":"[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]"},)"
    R"("finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":12,"total_tokens":132}})";

double cpuSeconds()
{
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

LMRequest sampleRequest()
{
    LMRequest r;
    r.model = QStringLiteral("openai/bench");
    r.messages = {
        {QStringLiteral("system"),
         QStringLiteral("Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. "
                        "`answer` (str):\nAll interactions will be structured in the following "
                        "way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n"
                        "{question}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\n"
                        "In adhering to this structure, your objective is: \n        Given the "
                        "fields `question`, produce the fields `answer`.")},
        {QStringLiteral("user"),
         QStringLiteral("[[ ## question ## ]]\nWhat is 2+2?\n\nRespond with the corresponding "
                        "output fields, starting with the field `[[ ## answer ## ]]`, and then "
                        "ending with the marker for `[[ ## completed ## ]]`.")}};
    r.kwargs = Object{{QStringLiteral("temperature"), 0.0}, {QStringLiteral("max_tokens"), 1000}};
    return r;
}

int serve(int latencyMs)
{
    testhttp::TestHttpServer server([latencyMs](const testhttp::Request&) {
        return testhttp::Reply::json(200, kReply, latencyMs);
    });
    std::printf("LISTENING %d\n", server.port());
    std::fflush(stdout);
    return QCoreApplication::exec();
}

// (a) bare QNAM: one manager, one request at a time, chained from the finished signal.
double bareQnamCpuPerRequest(const QUrl& url, const QByteArray& body, int n)
{
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    int done = 0;
    QEventLoop loop;
    std::function<void()> next = [&] {
        QNetworkReply* reply = nam.post(req, body);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply] {
            reply->readAll();
            reply->deleteLater();
            if (++done == n)
                loop.quit();
            else
                next();
        });
    };
    // Warm up the connection first.
    for (int i = 0; i < 20; ++i) {
        QNetworkReply* r = nam.post(req, body);
        QEventLoop l;
        QObject::connect(r, &QNetworkReply::finished, &l, &QEventLoop::quit);
        l.exec();
        r->deleteLater();
    }
    const double c0 = cpuSeconds();
    next();
    loop.exec();
    return (cpuSeconds() - c0) / n * 1e6;
}

// (b) OpenAICompatibleLM: sequential calls from this thread, each waited for.
double lmCpuPerCall(OpenAICompatibleLM& lm, int n)
{
    const LMRequest req = sampleRequest();
    for (int i = 0; i < 20; ++i)
        lm.call(req).waitForFinished();
    const double c0 = cpuSeconds();
    for (int i = 0; i < n; ++i) {
        QFuture<LMResponse> f = lm.call(req);
        f.waitForFinished();
        if (f.result().error) {
            std::fprintf(stderr, "error: %s\n", qPrintable(f.result().error->message()));
            return -1;
        }
    }
    return (cpuSeconds() - c0) / n * 1e6;
}

struct Throughput
{
    double perSecond = 0;
    double cpuUsPerCall = 0;
    qint64 errors = 0;
};

// (c) keep `inFlight` calls going for `seconds`: each completion starts the next call.
Throughput throughput(OpenAICompatibleLM& lm, int inFlight, double seconds)
{
    const LMRequest req = sampleRequest();
    std::atomic<qint64> completed{0}, errors{0};
    std::atomic_bool stop{false};
    std::atomic<int> outstanding{0};
    std::function<void()> launch = [&] {
        ++outstanding;
        lm.call(req).then(QtFuture::Launch::Sync, [&](const LMResponse& r) {
            if (r.error)
                ++errors;
            ++completed;
            if (!stop.load())
                launch();
            --outstanding;
        });
    };
    // Warm-up, then measure a window.
    for (int i = 0; i < inFlight; ++i)
        launch();
    QThread::msleep(500);
    const qint64 n0 = completed.load();
    const double c0 = cpuSeconds();
    QElapsedTimer t;
    t.start();
    QThread::msleep(qint64(seconds * 1000));
    const qint64 n1 = completed.load();
    const double c1 = cpuSeconds();
    const double elapsed = t.nsecsElapsed() / 1e9;
    stop = true;
    while (outstanding.load() > 0)
        QThread::msleep(10);
    Throughput out;
    out.perSecond = double(n1 - n0) / elapsed;
    out.cpuUsPerCall = n1 > n0 ? (c1 - c0) / double(n1 - n0) * 1e6 : 0;
    out.errors = errors.load();
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto opt = [&](const char* name, const QString& def) {
        const qsizetype i = args.indexOf(QLatin1String(name));
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : def;
    };
    const int latency = opt("--latency-ms", QStringLiteral("50")).toInt();
    if (args.contains(QLatin1String("--serve")))
        return serve(opt("--serve-latency", QStringLiteral("0")).toInt());

    const int n = opt("--requests", QStringLiteral("3000")).toInt();
    const double seconds = opt("--seconds", QStringLiteral("3")).toDouble();
    QString url = opt("--url", QString());

    // Two stub servers in child processes: one answering at once, one after `latency` ms.
    QList<QProcess*> children;
    auto spawn = [&](int serveLatency) -> QString {
        auto* p = new QProcess;
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start(app.applicationFilePath(),
                 {QStringLiteral("--serve"), QStringLiteral("--serve-latency"),
                  QString::number(serveLatency)});
        p->waitForReadyRead(10000);
        const QByteArray line = p->readLine().trimmed();
        children.append(p);
        return QStringLiteral("http://127.0.0.1:%1/v1").arg(QString::fromLatin1(line.mid(10)));
    };
    const QString fastBase = url.isEmpty() ? spawn(0) : url;
    const QString slowBase = url.isEmpty() ? spawn(latency) : url;

    HttpPool pool;
    auto makeLM = [&](const QString& base) {
        OpenAICompatibleLM::Options o;
        o.model = QStringLiteral("openai/bench");
        o.provider = QStringLiteral("openai");
        o.apiBase = base;
        o.pool = &pool;
        o.retry.maxRetries = 0;
        return std::make_unique<OpenAICompatibleLM>(o);
    };

    auto fast = makeLM(fastBase);
    const QByteArray body = fast->requestBody(sampleRequest(), false);
    std::printf("server: %s\n",
                url.isEmpty() ? "stub (single-threaded Qt, child process)" : qPrintable(url));
    std::printf("payload: %lld bytes request, %lld bytes reply; pool threads: %d\n",
                qint64(body.size()), qint64(kReply.size()), pool.threadCount());
    const double bare =
        bareQnamCpuPerRequest(QUrl(fastBase + QStringLiteral("/chat/completions")), body, n);
    const double lmCpu = lmCpuPerCall(*fast, n);
    std::printf("(a) bare QNAM POST:            %8.1f us CPU/request (%d sequential)\n", bare, n);
    std::printf("(b) OpenAICompatibleLM call:   %8.1f us CPU/call    (%.2fx the bare POST)\n",
                lmCpu, lmCpu / bare);

    auto slow = makeLM(slowBase);
    for (int k : {32, 128, 512}) {
        const Throughput t = throughput(*slow, k, seconds);
        const double ideal = k * 1000.0 / std::max(1, latency);
        std::printf("(c) %3d in flight @ %d ms:      %8.0f calls/s (%.0f%% of %.0f ideal), "
                    "%6.1f us CPU/call, %lld errors\n",
                    k, latency, t.perSecond, 100.0 * t.perSecond / ideal, ideal, t.cpuUsPerCall,
                    t.errors);
    }
    for (QProcess* p : children) {
        p->kill();
        p->waitForFinished();
        delete p;
    }
    return 0;
}
