// bench_http — client CPU per request and throughput of the HTTP LM path.
//
//   bench_http [--requests N] [--seconds S] [--latency-ms L] [--url BASE] [--fast-url BASE]
//              [--in-flight 32,128,512]
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

#include "cache/lmcache.h"
#include "lm/managedlm.h"
#include "lm/openailm.h"
#include "modules/predict.h"

#include "../core/testhttpserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QThread>

#include <algorithm>
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

// Each measurement is a runner: run(n) makes n sequential calls and returns client CPU us per
// call. The benchmark interleaves short blocks of (a), (b) and (b2) over several rounds, so load
// from other processes on the machine hits all three alike.

// (a) bare QNAM: one manager, one request at a time, chained from the finished signal.
class BareQnam
{
public:
    BareQnam(const QUrl& url, QByteArray body)
        : m_req(url)
        , m_body(std::move(body))
    {
        m_nam.setProxy(QNetworkProxy::NoProxy);
        m_req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        run(20); // warm the connection
    }

    double run(int n)
    {
        int done = 0;
        QEventLoop loop;
        std::function<void()> next = [&] {
            QNetworkReply* reply = m_nam.post(m_req, m_body);
            QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply] {
                reply->readAll();
                reply->deleteLater();
                if (++done == n)
                    loop.quit();
                else
                    next();
            });
        };
        const double c0 = cpuSeconds();
        next();
        loop.exec();
        return (cpuSeconds() - c0) / n * 1e6;
    }

private:
    QNetworkAccessManager m_nam;
    QNetworkRequest m_req;
    QByteArray m_body;
};

// (b) OpenAICompatibleLM: sequential calls from this thread, each waited for.
class LmCalls
{
public:
    explicit LmCalls(OpenAICompatibleLM& lm)
        : m_lm(lm)
        , m_req(sampleRequest())
    {
        run(20);
    }

    double run(int n)
    {
        const double c0 = cpuSeconds();
        for (int i = 0; i < n; ++i) {
            QFuture<LMResponse> f = m_lm.call(m_req);
            f.waitForFinished();
            if (f.result().error) {
                std::fprintf(stderr, "error: %s\n", qPrintable(f.result().error->message()));
                return -1;
            }
        }
        return (cpuSeconds() - c0) / n * 1e6;
    }

private:
    OpenAICompatibleLM& m_lm;
    LMRequest m_req;
};

// (b2) the whole Predict call: ChatAdapter format, cache key and lookup (a miss: every question
// differs), HTTP through the pool, parse, cache store, history, callbacks. Sequential.
class PredictCalls
{
public:
    explicit PredictCalls(const LMPtr& http)
        : m_predict(Signature::fromString(u"question -> answer"))
    {
        LMCache::Options co;
        co.enableDisk = false;
        ManagedLMOptions mo;
        mo.cacheStore = std::make_shared<LMCache>(co);
        mo.globalHistory = &m_global;
        // For profiling what each part costs: B2_NOHIST=1 / B2_NOCACHE=1 turn history / cache off.
        mo.disableHistory = qEnvironmentVariableIsSet("B2_NOHIST");
        mo.cache = !qEnvironmentVariableIsSet("B2_NOCACHE");
        m_ctx = RunContext(ManagedLM::create(http, 0.0, 1000, {}, mo));
        run(20);
    }

    double run(int n)
    {
        const double c0 = cpuSeconds();
        for (int i = 0; i < n; ++i) {
            const Example in{{"question", Value(QStringLiteral("What is 2+%1?").arg(++m_seq))}};
            const Prediction p = m_predict.call(in, m_ctx, {});
            if (p.get(u"answer").toString() != u"4") {
                std::fprintf(stderr, "unexpected answer\n");
                return -1;
            }
        }
        return (cpuSeconds() - c0) / n * 1e6;
    }

private:
    History m_global;
    Predict m_predict;
    RunContext m_ctx;
    int m_seq = 0;
};

struct Stat
{
    QList<double> samples;
    void add(double v) { samples.append(v); }
    double best() const { return *std::min_element(samples.cbegin(), samples.cend()); }
    double median() const
    {
        QList<double> s = samples;
        std::sort(s.begin(), s.end());
        return s.at(s.size() / 2);
    }
    double worst() const { return *std::max_element(samples.cbegin(), samples.cend()); }
};

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
    // The 0 ms server for (a), (b) and (b2); defaults to --url.
    const QString fastUrl = opt("--fast-url", url);

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
    const QString fastBase = fastUrl.isEmpty() ? spawn(0) : fastUrl;
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
    std::printf("server: %s (0 ms), %s (%d ms)\n",
                fastUrl.isEmpty() ? "stub (single-threaded Qt, child process)"
                                  : qPrintable(fastUrl),
                url.isEmpty() ? "stub" : qPrintable(url), latency);
    std::printf("payload: %lld bytes request, %lld bytes reply; pool threads: %d\n",
                qint64(body.size()), qint64(kReply.size()), pool.threadCount());
    // --only a|b|b2: one measurement, for profiling; --only none: throughput only.
    const QString only = opt("--only", QString());
    const int rounds = opt("--rounds", QStringLiteral("10")).toInt();
    const int block = std::max(1, n / std::max(1, rounds));
    std::unique_ptr<BareQnam> bareRunner;
    std::unique_ptr<LmCalls> lmRunner;
    std::unique_ptr<PredictCalls> predictRunner;
    if (only.isEmpty() || only == u"a")
        bareRunner =
            std::make_unique<BareQnam>(QUrl(fastBase + QStringLiteral("/chat/completions")), body);
    if (only.isEmpty() || only == u"b")
        lmRunner = std::make_unique<LmCalls>(*fast);
    if (only.isEmpty() || only == u"b2")
        predictRunner = std::make_unique<PredictCalls>(LMPtr(fast.get(), [](LM*) {}));
    Stat bare, lmCpu, predictCpu;
    for (int r = 0; r < rounds; ++r) {
        if (bareRunner)
            bare.add(bareRunner->run(block));
        if (lmRunner)
            lmCpu.add(lmRunner->run(block));
        if (predictRunner)
            predictCpu.add(predictRunner->run(block));
    }
    std::printf(
        "client CPU per call, %d rounds of %d sequential calls each: best / median / worst\n",
        rounds, block);
    auto line = [&](const char* what, const Stat& s) {
        if (s.samples.isEmpty())
            return;
        std::printf("%-30s %7.1f / %7.1f / %7.1f us", what, s.best(), s.median(), s.worst());
        if (&s != &bare && !bare.samples.isEmpty())
            std::printf("   (%.2fx / %.2fx the bare POST)", s.best() / bare.best(),
                        s.median() / bare.median());
        std::printf("\n");
    };
    line("(a) bare QNAM POST:", bare);
    line("(b) OpenAICompatibleLM call:", lmCpu);
    line("(b2) Predict via ManagedLM:", predictCpu);

    auto slow = makeLM(slowBase);
    QList<int> levels;
    for (const QString& k : opt("--in-flight", QStringLiteral("32,128,512")).split(u',')) {
        if (k.toInt() > 0)
            levels.append(k.toInt());
    }
    if (only == u"a" || only == u"b" || only == u"b2")
        levels.clear();
    for (int k : std::as_const(levels)) {
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
