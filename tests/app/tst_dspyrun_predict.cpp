// dspy-run predict / inspect against a real dspy-lmsim process ($DSPY_LMSIM) and a scripted HTTP
// server: outputs, exit codes, one-line errors, --trace, the cache, the history file and
// inspect's layout, and that an API key never shows.

#include "../core/testhttpserver.h"
#include "../integration/lmsimprocess.h"
#include "dspyrunprocess.h"

#include "adapters/adapter.h"
#include "lm/simulator.h"
#include "signature/signature.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;
using lmsimtest::LmSimProcess;

namespace {

using dspyruntest::fileBytes;
using dspyruntest::Run;

const QString kQuestion =
    QStringLiteral("Tom has 5 apples. He buys 3 more. He gives away 2. How many are left?");
const QString kFakeKey = QStringLiteral("sk-fake-LEAKCHECK-9f8e7d6c5b4a");

QString chatCompletion(const QString& content)
{
    return Value(Object{
                     {"id", "chatcmpl-1"},
                     {"object", "chat.completion"},
                     {"model", "scripted"},
                     {"choices",
                      Array{Object{{"index", 0},
                                   {"message", Object{{"role", "assistant"}, {"content", content}}},
                                   {"finish_reason", "stop"}}}},
                     {"usage",
                      Object{{"prompt_tokens", 5}, {"completion_tokens", 2}, {"total_tokens", 7}}}})
        .toJson();
}

} // namespace

class TstDspyRunPredict : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<LmSimProcess> m_sim;
    std::unique_ptr<QTemporaryDir> m_cache; // XDG_CACHE_HOME of the dspy-run processes

    Run run(const QStringList& args, const QHash<QString, QString>& env = {})
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CACHE_HOME"), m_cache->path());
        e.remove(QStringLiteral("OPENAI_API_KEY"));
        e.remove(QStringLiteral("NO_COLOR"));
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            e.insert(it.key(), it.value());
        return dspyruntest::run(args, e);
    }

    QStringList predictArgs(const QString& apiBase, const QString& question = kQuestion) const
    {
        return {QStringLiteral("predict"),
                QStringLiteral("--signature"),
                QStringLiteral("question -> answer: int"),
                QStringLiteral("--model"),
                QStringLiteral("openai/sim"),
                QStringLiteral("--api-base"),
                apiBase,
                QStringLiteral("--input"),
                QStringLiteral("question=") + question};
    }

    QString historyPath() const
    {
        return m_cache->path() + QStringLiteral("/dspy-workbench/history.jsonl");
    }

    // The messages dspy-run format builds for the same arguments: what predict must send.
    QList<ChatMessage> expectedMessages(const QString& question = kQuestion) const
    {
        return makeAdapter(QStringLiteral("chat"))
            ->format(Signature::fromString(u"question -> answer: int"), {},
                     Object{{"question", question}});
    }

    // What the simulator answers those messages (the server runs the same engine).
    QString simulatedCompletion(const QList<ChatMessage>& messages) const
    {
        LMRequest request;
        request.model = QStringLiteral("sim");
        request.messages = messages;
        return SimulatedLM(QStringLiteral("sim")).respond(request).outputs.value(0).text;
    }

    // The simulator's typed answer, as predict prints it (the accuracy model may make it wrong
    // on purpose; it is the same answer either way).
    QString expectedOutput(const QString& question = kQuestion) const
    {
        const Signature sig = Signature::fromString(u"question -> answer: int");
        const ParseResult parsed =
            makeAdapter(QStringLiteral("chat"))
                ->parse(sig, simulatedCompletion(expectedMessages(question)));
        if (!parsed)
            return parsed.error().toString();
        return Value(*parsed).toJson(JsonStyle{2, false, false}) + QLatin1Char('\n');
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariable("DSPY_RUN").isEmpty(), "DSPY_RUN is not set");
        QVERIFY2(!qEnvironmentVariable("DSPY_LMSIM").isEmpty(), "DSPY_LMSIM is not set");
        m_sim = std::make_unique<LmSimProcess>();
        QVERIFY(m_sim->isListening());
    }

    void init()
    {
        m_cache = std::make_unique<QTemporaryDir>();
        QVERIFY(m_cache->isValid());
        m_sim->resetStats();
    }

    void helpAndTopLevelListing()
    {
        const Run top = run({QStringLiteral("--help")});
        QCOMPARE_EXIT(top, 0);
        QVERIFY(top.out.contains(QStringLiteral("\n  predict  Run Predict")));
        QVERIFY(top.out.contains(QStringLiteral("\n  inspect  Print the last LM calls")));
        const Run p = run({QStringLiteral("predict"), QStringLiteral("--help")});
        QCOMPARE_EXIT(p, 0);
        QCOMPARE(p.out.section(QLatin1Char('\n'), 0, 0),
                 QStringLiteral("Usage: dspy-run predict --signature SIG --model ID [options]"));
        const Run i = run({QStringLiteral("inspect"), QStringLiteral("-h")});
        QCOMPARE_EXIT(i, 0);
        QCOMPARE(i.out.section(QLatin1Char('\n'), 0, 0),
                 QStringLiteral("Usage: dspy-run inspect [-n N] [options]"));
    }

    void predictOverHttpPrintsTypedOutputs()
    {
        const Run r = run(predictArgs(m_sim->apiBase()));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.err, QString());
        QCOMPARE(r.out, expectedOutput());
        // Typed: an int, not the string the completion carried.
        QVERIFY(Value::fromJson(r.out)->toObject().value(u"answer").isInt());
        QCOMPARE(m_sim->chatRequests(), 1);
    }

    void offlineSimulatorMatchesTheServer()
    {
        QStringList args = predictArgs(m_sim->apiBase());
        const Run http = run(args);
        args = {QStringLiteral("predict"),
                QStringLiteral("--signature"),
                QStringLiteral("question -> answer: int"),
                QStringLiteral("--model"),
                QStringLiteral("lmsim/sim"),
                QStringLiteral("--input"),
                QStringLiteral("question=") + kQuestion};
        const Run offline = run(args);
        QCOMPARE_EXIT(offline, 0);
        QCOMPARE(offline.out, http.out);
        QCOMPARE(m_sim->chatRequests(), 1); // the offline run never touched the server
    }

    void chainOfThoughtAddsReasoning()
    {
        const Run r = run(predictArgs(m_sim->apiBase()) << QStringLiteral("--cot"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto v = Value::fromJson(r.out);
        QVERIFY(v && v->isObject());
        QCOMPARE(v->toObject().keys(), (QStringList{"reasoning", "answer"}));
        QVERIFY(v->toObject().value(u"reasoning").isString());
        QVERIFY(!v->toObject().value(u"reasoning").toString().isEmpty());
        QVERIFY(v->toObject().value(u"answer").isInt());
    }

    void adaptersAndOptionsReachTheServer()
    {
        testhttp::TestHttpServer server([](const testhttp::Request&) {
            return testhttp::Reply::json(
                200, chatCompletion(QStringLiteral("{\"answer\": 7}")).toUtf8());
        });
        const Run r =
            run({QStringLiteral("predict"), QStringLiteral("--signature"),
                 QStringLiteral("question -> answer: int"), QStringLiteral("--model"),
                 QStringLiteral("openai/scripted"), QStringLiteral("--api-base"),
                 server.baseUrl() + QStringLiteral("/v1"), QStringLiteral("--adapter"),
                 QStringLiteral("json"), QStringLiteral("--temperature"), QStringLiteral("0.5"),
                 QStringLiteral("--max-tokens"), QStringLiteral("64"),
                 QStringLiteral("--instructions"), QStringLiteral("Count carefully."),
                 QStringLiteral("--input"), QStringLiteral("question=2+5?")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out, QStringLiteral("{\n  \"answer\": 7\n}\n"));
        QCOMPARE(server.requestCount(), 1);
        const testhttp::Request req = server.requests().first();
        const Object body = Value::fromJson(QString::fromUtf8(req.body))->toObject();
        QCOMPARE(body.value(u"model"), Value("scripted"));
        QCOMPARE(body.value(u"temperature"), Value(0.5));
        QCOMPARE(body.value(u"max_tokens"), Value(64));
        QVERIFY(body.value(u"response_format").isObject()); // the JSON adapter asked for JSON
        const QString system =
            body.value(u"messages").toArray().first().toObject().value(u"content").toString();
        QVERIFY(system.endsWith(QStringLiteral("In adhering to this structure, your objective is: "
                                               "\n        Count carefully.")));
        // No key configured for a local server: no Authorization header.
        QVERIFY(req.header("authorization").isEmpty());
    }

    void cacheServesTheSecondCallAndNoCacheBypassesIt()
    {
        QVERIFY(run(predictArgs(m_sim->apiBase())).exitCode == 0);
        QCOMPARE(m_sim->chatRequests(), 1);
        const Run again = run(predictArgs(m_sim->apiBase()));
        QCOMPARE_EXIT(again, 0);
        QCOMPARE(again.out, expectedOutput());
        QCOMPARE(m_sim->chatRequests(), 1); // answered by the disk cache of the first process
        const Run bypass = run(predictArgs(m_sim->apiBase()) << QStringLiteral("--no-cache"));
        QCOMPARE_EXIT(bypass, 0);
        QCOMPARE(m_sim->chatRequests(), 2);

        const QList<QByteArray> lines = fileBytes(historyPath()).trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].endsWith("\"cache_hit\": false}"));
        QVERIFY(lines[1].endsWith("\"cache_hit\": true}"));
        QVERIFY(lines[2].endsWith("\"cache_hit\": false}"));
    }

    void traceShowsMessagesAndRawResponse()
    {
        const Run r = run(predictArgs(m_sim->apiBase()) << QStringLiteral("--trace"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out, expectedOutput());
        const QList<ChatMessage> messages = expectedMessages();
        QString expected = QStringLiteral("=== LM call 1: openai/sim ===\n");
        for (const ChatMessage& m : messages)
            expected += QStringLiteral("--- %1 ---\n%2\n").arg(m.role, m.content);
        expected += QStringLiteral("--- response ---\n") + simulatedCompletion(messages) +
                    QStringLiteral("\n=== end of trace ===\n");
        QCOMPARE(r.err, expected);

        const Run hit = run(predictArgs(m_sim->apiBase()) << QStringLiteral("--trace"));
        QVERIFY(hit.err.startsWith(QStringLiteral("=== LM call 1: openai/sim (cache hit) ===\n")));
    }

    void unauthorizedIsOneLineAndExit3()
    {
        testhttp::TestHttpServer server([](const testhttp::Request& req) {
            // Some providers echo part of the key back; this one echoes all of it.
            const QByteArray key = req.header("authorization").mid(7);
            return testhttp::Reply::json(
                401, "{\"error\": {\"message\": \"Incorrect API key provided: " + key +
                         ".\", \"type\": \"invalid_request_error\", \"code\": "
                         "\"invalid_api_key\"}}");
        });
        const Run r = run(predictArgs(server.baseUrl() + QStringLiteral("/v1"))
                              << QStringLiteral("--api-key-env") << QStringLiteral("MY_KEY")
                              << QStringLiteral("--trace"),
                          {{QStringLiteral("MY_KEY"), kFakeKey}});
        QCOMPARE_EXIT(r, 3);
        QCOMPARE(r.out, QString());
        QCOMPARE(server.requestCount(), 1); // a 401 is not retried
        // The key was sent ...
        QCOMPARE(server.requests().first().header("authorization"),
                 QByteArray("Bearer ") + kFakeKey.toUtf8());
        // ... and never printed.
        QVERIFY(!r.err.contains(kFakeKey));
        const QString last = r.err.trimmed().section(QLatin1Char('\n'), -1);
        QCOMPARE(last, QStringLiteral("error: LMAuthError (401): openai/sim: openai returned HTTP "
                                      "401: Incorrect API key provided: [REDACTED]."));
        // The trace shows the request that failed, then the error.
        QVERIFY(r.err.contains(QStringLiteral("=== LM call 1 (failed) ===\n--- system ---\n")));
        // Nothing was answered, so nothing was written to history.
        QVERIFY(!QFile::exists(historyPath()));
    }

    void unreachableServer()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        const Run r = run(predictArgs(QStringLiteral("http://127.0.0.1:%1/v1").arg(port))
                          << QStringLiteral("--num-retries") << QStringLiteral("1"));
        QCOMPARE_EXIT(r, 3);
        QCOMPARE(r.out, QString());
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(r.err.startsWith(QStringLiteral("error: LMTransportError: openai/sim: could not "
                                                 "reach 127.0.0.1: ")),
                 qPrintable(r.err));
        QVERIFY2(r.err.endsWith(QStringLiteral(" (after 2 attempt(s)).\n")), qPrintable(r.err));
    }

    void faultsAfterRetries_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("errorStart");
        QTest::addColumn<int>("serverRequests");
        QTest::newRow("429") << "429:1" << QStringList{"--num-retries", "1"}
                             << "error: LMRateLimitError (429): openai/sim: openai returned HTTP "
                                "429: "
                             << 2;
        QTest::newRow("500") << "500:1" << QStringList{"--num-retries", "2"}
                             << "error: LMServerError (500): openai/sim: openai returned HTTP "
                                "500: "
                             << 3;
        QTest::newRow("hang") << "hang:1" << QStringList{"--num-retries", "1", "--timeout", "0.3"}
                              << "error: LMTimeoutError: openai/sim: no response from "
                                 "127.0.0.1 within 300 ms (after 2 attempt(s))."
                              << 2;
    }
    void faultsAfterRetries()
    {
        QFETCH(QString, fault);
        QFETCH(QStringList, extra);
        QFETCH(QString, errorStart);
        QFETCH(int, serverRequests);
        LmSimProcess faulty({QStringLiteral("--fault"), fault});
        QVERIFY(faulty.isListening());
        const Run r = run(predictArgs(faulty.apiBase()) + extra);
        QCOMPARE_EXIT(r, 3);
        QCOMPARE(r.out, QString());
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        const QString start =
            errorStart.contains(QLatin1String("%1")) ? errorStart.arg(faulty.port()) : errorStart;
        QVERIFY2(r.err.startsWith(start), qPrintable(r.err));
        QCOMPARE(faulty.chatRequests(), serverRequests);
    }

    void unparsableAnswerExits1()
    {
        testhttp::TestHttpServer server([](const testhttp::Request&) {
            return testhttp::Reply::json(
                200, chatCompletion(QStringLiteral("I would rather not say.")).toUtf8());
        });
        const Run r = run(predictArgs(server.baseUrl() + QStringLiteral("/v1")));
        QCOMPARE_EXIT(r, 1);
        QCOMPARE(r.out, QString());
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(r.err.startsWith(QStringLiteral("error: AdapterParseError: JSONAdapter failed to "
                                                 "parse the LM response: ")),
                 qPrintable(r.err));
        // ChatAdapter, then its JSON fallback (json_schema, then json_object): every call was
        // answered and is history.
        QCOMPARE(server.requestCount(), 3);
        QCOMPARE(fileBytes(historyPath()).count('\n'), 3);
    }

    void usageErrorsExit2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error");
        const QStringList base{"predict", "--signature", "q -> a"};
        QTest::newRow("no model") << base << "dspy-run: predict: --model is required\n";
        QTest::newRow("unknown provider")
            << (base + QStringList{"--model", "acme/x"})
            << "dspy-run: predict: invalid --model: Unknown provider 'acme' in model id "
               "'acme/x' (known: openai, anthropic, ollama_chat, ollama, hosted_vllm, lm_studio, "
               "openrouter, groq, together_ai, lmsim).\n";
        QTest::newRow("bad api base")
            << (base + QStringList{"--model", "openai/x", "--api-base", "ftp://h"})
            << "dspy-run: predict: --api-base must be an http(s) URL, got 'ftp://h'\n";
        QTest::newRow("bad temperature")
            << (base + QStringList{"--model", "lmsim/x", "--temperature", "warm"})
            << "dspy-run: predict: --temperature must be a non-negative number, got 'warm'\n";
        QTest::newRow("bad max tokens")
            << (base + QStringList{"--model", "lmsim/x", "--max-tokens", "0"})
            << "dspy-run: predict: --max-tokens must be an integer >= 1, got '0'\n";
        QTest::newRow("flag with value") << (base + QStringList{"--model", "lmsim/x", "--cot=yes"})
                                         << "dspy-run: predict: option '--cot' takes no value\n";
        QTest::newRow("input not in signature")
            << (base + QStringList{"--model", "lmsim/x", "--input", "z=1"})
            << "dspy-run: predict: --input: 'z' is not an input field of the signature\n";
        QTest::newRow("inspect bad n") << QStringList{"inspect", "-n", "many"}
                                       << "dspy-run: inspect: -n must be a non-negative integer, "
                                          "got 'many'\n";
        QTest::newRow("inspect unknown short")
            << QStringList{"inspect", "-x"}
            << "dspy-run: inspect: unknown option '-x' (see 'dspy-run inspect --help')\n";
    }
    void usageErrorsExit2()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        const Run r = run(args);
        QCOMPARE_EXIT(r, 2);
        QCOMPARE(r.out, QString());
        QCOMPARE(r.err, error);
    }

    void missingKeyForHostedProvider()
    {
        const Run r =
            run({QStringLiteral("predict"), QStringLiteral("--signature"), QStringLiteral("q -> a"),
                 QStringLiteral("--model"), QStringLiteral("openai/gpt-4o-mini"),
                 QStringLiteral("--api-key-env"), QStringLiteral("DSPY_TEST_UNSET_KEY"),
                 QStringLiteral("--input"), QStringLiteral("q=hi")});
        QCOMPARE_EXIT(r, 3);
        QCOMPARE(r.err, QStringLiteral("error: LMConfigurationError: No API key for "
                                       "'openai/gpt-4o-mini': set the environment variable "
                                       "DSPY_TEST_UNSET_KEY (or store the key under that "
                                       "name).\n"));
    }

    void inspectPrintsDspyLayout()
    {
        const Run empty = run({QStringLiteral("inspect")});
        QCOMPARE_EXIT(empty, 0);
        QCOMPARE(empty.out, QString());
        QVERIFY(
            empty.err.startsWith(QStringLiteral("dspy-run: inspect: no LM calls recorded yet")));

        const QString q2 = QStringLiteral("Ann has 10 pens and loses 4. How many remain?");
        QCOMPARE(run(predictArgs(m_sim->apiBase())).exitCode, 0);
        QCOMPARE(run(predictArgs(m_sim->apiBase(), q2)).exitCode, 0);

        auto block = [&](const QString& question) {
            const QList<ChatMessage> messages = expectedMessages(question);
            QString b = QStringLiteral("\n\n\n\n[TS]\n\n");
            for (const ChatMessage& m : messages) {
                const QString role = m.role.left(1).toUpper() + m.role.mid(1);
                b += role + QStringLiteral(" message:\n\n") + m.content.trimmed() +
                     QStringLiteral("\n\n\n");
            }
            b += QStringLiteral("Response:\n\n") + simulatedCompletion(messages).trimmed() +
                 QStringLiteral("\n\n");
            return b;
        };
        const QRegularExpression ts(
            QStringLiteral("\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\]"));

        const Run one = run({QStringLiteral("inspect")});
        QCOMPARE_EXIT(one, 0);
        QCOMPARE(one.out.count(ts), 1);
        QCOMPARE(QString(one.out).replace(ts, QStringLiteral("[TS]")),
                 block(q2) + QStringLiteral("\n\n\n\n"));
        QVERIFY(!one.out.contains(QLatin1Char('\x1b'))); // not a terminal: no colours

        const Run two = run({QStringLiteral("inspect"), QStringLiteral("-n"), QStringLiteral("2")});
        QCOMPARE_EXIT(two, 0);
        QCOMPARE(QString(two.out).replace(ts, QStringLiteral("[TS]")),
                 block(kQuestion) + block(q2) + QStringLiteral("\n\n\n\n"));
        QCOMPARE(run({QStringLiteral("inspect"), QStringLiteral("-n0")}).out, two.out);
        QCOMPARE(run({QStringLiteral("inspect"), QStringLiteral("--n=5")}).out, two.out);

        const Run colored = run({QStringLiteral("inspect"), QStringLiteral("--color")});
        QVERIFY(colored.out.startsWith(QStringLiteral("\n\n\n\n\x1b[34m[")));
        QVERIFY(colored.out.contains(QStringLiteral("\x1b[31mSystem message:\x1b[0m\n")));
        QVERIFY(colored.out.contains(QStringLiteral("\x1b[31mResponse:\x1b[0m\n")));
        QCOMPARE(run({QStringLiteral("inspect"), QStringLiteral("--no-color")}).out, one.out);
    }

    void keyNeverLeaks()
    {
        const Run r = run(predictArgs(m_sim->apiBase())
                              << QStringLiteral("--api-key-env") << QStringLiteral("MY_KEY")
                              << QStringLiteral("--trace"),
                          {{QStringLiteral("MY_KEY"), kFakeKey}});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Run inspect =
            run({QStringLiteral("inspect"), QStringLiteral("-n"), QStringLiteral("0")});
        QVERIFY(!inspect.out.isEmpty());
        for (const QString& text : {r.out, r.err, inspect.out, inspect.err})
            QVERIFY(!text.contains(kFakeKey));
        QVERIFY(!fileBytes(historyPath()).isEmpty());
        QVERIFY(!fileBytes(historyPath()).contains(kFakeKey.toUtf8()));
        // Nor in the cache file (its key is computed without credentials).
        QVERIFY(!fileBytes(m_cache->path() + QStringLiteral("/dspy-workbench/lm-cache.sqlite"))
                     .contains(kFakeKey.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TstDspyRunPredict)
#include "tst_dspyrun_predict.moc"
