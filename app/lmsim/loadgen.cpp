// dspy-lmsim-load — a minimal keep-alive HTTP load generator for measuring dspy-lmsim's ceiling
// (requests/s at 0 ms, connections held at 50 ms). Raw QTcpSockets: QNetworkAccessManager would
// cap each host at six connections and cost more CPU than the server it measures.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

namespace {

struct Client
{
    std::unique_ptr<QTcpSocket> socket;
    QByteArray buffer;
    qint64 sentAtNs = 0;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Keep-alive HTTP load against dspy-lmsim."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("Server port."), QStringLiteral("N")},
        {QStringLiteral("connections"), QStringLiteral("Concurrent connections."),
         QStringLiteral("N"), QStringLiteral("64")},
        {QStringLiteral("seconds"), QStringLiteral("Duration."), QStringLiteral("S"),
         QStringLiteral("5")},
        {QStringLiteral("path"), QStringLiteral("Request path."), QStringLiteral("PATH"),
         QStringLiteral("/v1/chat/completions")},
        {QStringLiteral("vary"),
         QStringLiteral("Make every request body unique (defeats the server's answer memo).")},
    });
    parser.process(app);
    const quint16 port = quint16(parser.value(QStringLiteral("port")).toUInt());
    const int connections = parser.value(QStringLiteral("connections")).toInt();
    const int seconds = parser.value(QStringLiteral("seconds")).toInt();
    const QByteArray path = parser.value(QStringLiteral("path")).toUtf8();
    if (port == 0 || connections <= 0 || seconds <= 0) {
        std::fprintf(stderr,
                     "dspy-lmsim-load: --port, --connections and --seconds must be positive\n");
        return 2;
    }

    // A ChatAdapter-shaped prompt so the simulator does its real work per request.
    const QByteArray body =
        R"({"model": "lmsim/sim", "messages": [{"role": "system", "content": "Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `answer` (int):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## answer ## ]]\n{answer}        # note: the value you produce must be a single int value\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`."}, {"role": "user", "content": "[[ ## question ## ]]\nTom has 5 apples. He buys 3 more. How many apples does he have?\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]` (must be formatted as a valid Python int), and then ending with the marker for `[[ ## completed ## ]]`."}]})";
    const bool vary = parser.isSet(QStringLiteral("vary"));
    qint64 serial = 0;
    auto makeRequest = [&]() -> QByteArray {
        QByteArray b = body;
        if (vary)
            b.replace("Tom has 5 apples", "Tom has " + QByteArray::number(++serial) + " apples");
        return "POST " + path +
               " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Content-Length: " +
               QByteArray::number(b.size()) + "\r\n\r\n" + b;
    };

    std::vector<Client> clients(connections);
    QElapsedTimer clock;
    qint64 done = 0, errors = 0;
    std::vector<qint64> latenciesUs;
    latenciesUs.reserve(1 << 20);
    bool running = true;
    const qint64 endNs = qint64(seconds) * 1000000000LL;

    clock.start();
    for (int i = 0; i < connections; ++i) {
        Client& c = clients[i];
        c.socket = std::make_unique<QTcpSocket>();
        QTcpSocket* s = c.socket.get();
        s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        QObject::connect(s, &QTcpSocket::connected, s, [&, s, i] {
            clients[i].sentAtNs = clock.nsecsElapsed();
            s->write(makeRequest());
        });
        QObject::connect(s, &QTcpSocket::errorOccurred, s, [&] { ++errors; });
        QObject::connect(s, &QTcpSocket::readyRead, s, [&, s, i] {
            Client& cl = clients[i];
            cl.buffer += s->readAll();
            for (;;) {
                const qsizetype headerEnd = cl.buffer.indexOf("\r\n\r\n");
                if (headerEnd < 0)
                    return;
                const qsizetype at = cl.buffer.indexOf("Content-Length: ");
                const qsizetype eol = cl.buffer.indexOf("\r\n", at);
                const qsizetype len = cl.buffer.mid(at + 16, eol - at - 16).toLongLong();
                if (cl.buffer.size() < headerEnd + 4 + len)
                    return;
                if (!cl.buffer.startsWith("HTTP/1.1 200"))
                    ++errors;
                cl.buffer.remove(0, headerEnd + 4 + len);
                const qint64 now = clock.nsecsElapsed();
                ++done;
                latenciesUs.push_back((now - cl.sentAtNs) / 1000);
                if (!running || now >= endNs) {
                    running = false;
                    return;
                }
                cl.sentAtNs = now;
                s->write(makeRequest());
            }
        });
        s->connectToHost(QHostAddress::LocalHost, port);
    }
    QTimer::singleShot(seconds * 1000 + 200, &app, [&] {
        running = false;
        QCoreApplication::quit();
    });
    app.exec();
    const double elapsed = double(clock.nsecsElapsed()) / 1e9;
    std::sort(latenciesUs.begin(), latenciesUs.end());
    auto pct = [&](double p) {
        return latenciesUs.empty()
                   ? 0
                   : latenciesUs[std::min(latenciesUs.size() - 1, size_t(p * latenciesUs.size()))];
    };
    std::printf("connections %d  requests %lld  errors %lld  %.1f s  %.0f req/s  p50 %lld us  p99 "
                "%lld us\n",
                connections, static_cast<long long>(done), static_cast<long long>(errors), elapsed,
                double(done) / elapsed, static_cast<long long>(pct(0.5)),
                static_cast<long long>(pct(0.99)));
    return 0;
}
