#include "modules/tool.h"
#include "runtime/callbacks.h"
#include "runtime/runcontext.h"

#include "testhttpserver.h"

#include <QTest>

#include <functional>

using namespace dspy;
using testhttp::Reply;
using testhttp::Request;
using testhttp::TestHttpServer;

namespace {

Object stringArg()
{
    return Object{{QStringLiteral("type"), Value("string")}};
}

Tool weather()
{
    return Tool(
        QStringLiteral("get_weather"), QStringLiteral("Get the weather for a city."),
        Object{{QStringLiteral("city"), stringArg()}}, [](const Object& args) {
            return Value(
                QStringLiteral("The weather in %1 is sunny.").arg(args.value(u"city").toString()));
        });
}

// The error a call throws, as its Python exception line.
QString failure(const std::function<void()>& call)
{
    try {
        call();
    } catch (const ToolError& e) {
        return e.pythonLine();
    }
    return QStringLiteral("<no error>");
}

struct Event
{
    bool start;
    CallbackHook hook;
    QString callId;
    QString parentCallId;
    QString instance;
    Object inputs;
    Value outputs;
    QString error;
};

class Recorder final : public Callback
{
public:
    void onStart(CallbackHook hook, const CallStart& s) override
    {
        QMutexLocker lock(&mutex);
        events.append(Event{true, hook, s.callId, s.parentCallId, s.instance, s.inputs, {}, {}});
    }
    void onEnd(CallbackHook hook, const CallEnd& e) override
    {
        QMutexLocker lock(&mutex);
        events.append(Event{false, hook, e.callId, {}, {}, {}, e.outputs, e.error});
    }
    QMutex mutex;
    QList<Event> events;
};

const QString kCalculator = QStringLiteral("function calculator(expression) {\n"
                                           "  if (!/^[-+*/().\\d\\s]+$/.test(expression))\n"
                                           "    throw new Error('not arithmetic: ' + expression);\n"
                                           "  return Function('return (' + expression + ')')();\n"
                                           "}\n");

Tool calculator(int timeoutMs = 1000)
{
    auto t = Tool::fromJavaScript(QStringLiteral("calculator"),
                                  QStringLiteral("Evaluates an arithmetic expression."),
                                  kCalculator, Object{{QStringLiteral("expression"), stringArg()}},
                                  JsToolOptions{timeoutMs, {}});
    if (!t)
        qFatal("calculator: %s", qPrintable(t.error()));
    return *t;
}

} // namespace

class TstTool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendersAsDSPysStr()
    {
        QCOMPARE(weather().toString(),
                 QStringLiteral("get_weather, whose description is <desc>Get the weather for a "
                                "city.</desc>. It takes arguments {'city': {'type': 'string'}}."));
        // Defaults and other schema values print as Python literals; newlines in the description
        // become two spaces; no description leaves only the period.
        const Tool search(
            QStringLiteral("search"), QStringLiteral("Search the web.\nReturns hits."),
            Object{{QStringLiteral("query"), stringArg()},
                   {QStringLiteral("k"), Object{{QStringLiteral("type"), Value("integer")},
                                                {QStringLiteral("default"), Value(3)}}},
                   {QStringLiteral("exact"), Object{{QStringLiteral("type"), Value("boolean")},
                                                    {QStringLiteral("default"), Value(false)}}}},
            [](const Object&) { return Value(); });
        QCOMPARE(search.toString(),
                 QStringLiteral("search, whose description is <desc>Search the web.  Returns "
                                "hits.</desc>. It takes arguments {'query': {'type': 'string'}, "
                                "'k': {'type': 'integer', 'default': 3}, 'exact': {'type': "
                                "'boolean', 'default': False}}."));
        const Tool bare(QStringLiteral("noop"), QString(), Object(),
                        [](const Object&) { return Value(); });
        QCOMPARE(bare.toString(), QStringLiteral("noop. It takes arguments {}."));
        QCOMPARE(weather().repr(),
                 QStringLiteral("Tool(name=get_weather, desc=Get the weather for a city., "
                                "args={'city': {'type': 'string'}})"));
    }

    void validatesArgumentsLikeDSPy()
    {
        const Tool t = weather();
        QCOMPARE(t(Object{{QStringLiteral("city"), Value("Paris")}}),
                 Value("The weather in Paris is sunny."));
        QCOMPARE(failure([&] {
                     t(Object{{QStringLiteral("city"), Value("Paris")},
                              {QStringLiteral("country"), Value("FR")}});
                 }),
                 QStringLiteral("ValueError: Arg country is not in the tool's args."));
        QCOMPARE(failure([&] {
                     t(Object{{QStringLiteral("city"), Value(3)}});
                 }),
                 QStringLiteral("ValueError: Arg city is invalid: 3 is not of type 'string'"));
        QCOMPARE(failure([&] { t(Object()); }),
                 QStringLiteral("TypeError: get_weather() missing 1 required positional "
                                "argument: 'city'"));

        Object seen;
        const Tool typed(
            QStringLiteral("pick"), QStringLiteral("Picks."),
            Object{{QStringLiteral("n"), Object{{QStringLiteral("type"), Value("integer")}}},
                   {QStringLiteral("tags"), Object{{QStringLiteral("type"), Value("array")},
                                                   {QStringLiteral("items"), stringArg()}}},
                   {QStringLiteral("mode"),
                    Object{{QStringLiteral("enum"), Array{Value("a"), Value("b")}},
                           {QStringLiteral("type"), Value("string")},
                           {QStringLiteral("default"), Value("a")}}},
                   {QStringLiteral("anything"), Object()}},
            [&seen](const Object& args) {
                seen = args;
                return Value(true);
            });
        // An integral float becomes the int the schema asks for; the default fills `mode`; a
        // schema without "type" is not checked (as DSPy).
        typed(Object{{QStringLiteral("tags"), Array{Value("x")}},
                     {QStringLiteral("n"), Value(2.0)},
                     {QStringLiteral("anything"), Value(Object{{QStringLiteral("k"), Value(1)}})}});
        QCOMPARE(Value(seen).toJson(),
                 QStringLiteral(R"({"n": 2, "tags": ["x"], "mode": "a", "anything": {"k": 1}})"));
        QVERIFY(seen.value(u"n").isInt());
        QCOMPARE(failure([&] {
                     typed(Object{{QStringLiteral("n"), Value(1.5)},
                                  {QStringLiteral("tags"), Array()},
                                  {QStringLiteral("anything"), Value()}});
                 }),
                 QStringLiteral("ValueError: Arg n is invalid: 1.5 is not of type 'integer'"));
        QCOMPARE(failure([&] {
                     typed(Object{{QStringLiteral("n"), Value(1)},
                                  {QStringLiteral("tags"), Array{Value("x"), Value(2)}},
                                  {QStringLiteral("anything"), Value()}});
                 }),
                 QStringLiteral("ValueError: Arg tags is invalid: 2 is not of type 'string'"));
        QCOMPARE(failure([&] {
                     typed(Object{{QStringLiteral("n"), Value(true)},
                                  {QStringLiteral("tags"), Array()},
                                  {QStringLiteral("anything"), Value()}});
                 }),
                 QStringLiteral("ValueError: Arg n is invalid: True is not of type 'integer'"));
        QCOMPARE(failure([&] {
                     typed(Object{{QStringLiteral("n"), Value(1)},
                                  {QStringLiteral("tags"), Array()},
                                  {QStringLiteral("mode"), Value("c")},
                                  {QStringLiteral("anything"), Value()}});
                 }),
                 QStringLiteral("ValueError: Arg mode is invalid: 'c' is not one of ['a', 'b']"));
        QCOMPARE(failure([&] {
                     typed(Object{{QStringLiteral("tags"), Array()}});
                 }),
                 QStringLiteral("TypeError: pick() missing 2 required positional arguments: 'n' "
                                "and 'anything'"));
    }

    void callableFailuresBecomeToolErrors()
    {
        const Tool thrower(
            QStringLiteral("boom"), QStringLiteral("Fails."), Object(),
            [](const Object&) -> Value { throw std::runtime_error("disk on fire"); });
        QCOMPARE(failure([&] { thrower(Object()); }), QStringLiteral("RuntimeError: disk on fire"));
        const Tool typedThrower(QStringLiteral("lookup"), QStringLiteral("Fails."), Object(),
                                [](const Object&) -> Value {
                                    throw ToolError(QStringLiteral("KeyError"),
                                                    QStringLiteral("'x'"));
                                });
        QCOMPARE(failure([&] { typedThrower(Object()); }), QStringLiteral("KeyError: 'x'"));
    }

    void firesToolCallbacksWithParents()
    {
        auto recorder = std::make_shared<Recorder>();
        RunContext ctx;
        ctx.callbacks = std::make_shared<CallbackRegistry>();
        ctx.callbacks->add(recorder);
        ctx.parentCallId = QStringLiteral("parent-123");
        const Tool t = weather();
        t(Object{{QStringLiteral("city"), Value("Oslo")}}, ctx);
        try {
            t(Object{{QStringLiteral("town"), Value("Oslo")}}, ctx);
            QFAIL("expected a ToolError");
        } catch (const ToolError&) {
        }
        QCOMPARE(recorder->events.size(), 4);
        const Event& s0 = recorder->events.at(0);
        const Event& e0 = recorder->events.at(1);
        QVERIFY(s0.start && !e0.start);
        QCOMPARE(s0.hook, CallbackHook::Tool);
        QCOMPARE(s0.instance, QStringLiteral("Tool(get_weather)"));
        QCOMPARE(s0.parentCallId, QStringLiteral("parent-123"));
        QCOMPARE(Value(s0.inputs).toJson(), QStringLiteral(R"({"city": "Oslo"})"));
        QCOMPARE(s0.callId.size(), 32);
        QCOMPARE(e0.callId, s0.callId);
        QCOMPARE(e0.outputs, Value("The weather in Oslo is sunny."));
        QVERIFY(e0.error.isEmpty());
        const Event& s1 = recorder->events.at(2);
        const Event& e1 = recorder->events.at(3);
        QVERIFY(s1.callId != s0.callId);
        QCOMPARE(e1.callId, s1.callId);
        QVERIFY(e1.outputs.isNull());
        QCOMPARE(e1.error, QStringLiteral("ValueError: Arg town is not in the tool's args."));
    }

    void javaScriptToolRuns()
    {
        const Tool calc = calculator();
        QCOMPARE(calc.kind(), Tool::Kind::JavaScript);
        QCOMPARE(calc(Object{{QStringLiteral("expression"), Value("23 + (4 * 7)")}}), Value(51));
        QCOMPARE(calc(Object{{QStringLiteral("expression"), Value("7 / 2")}}), Value(3.5));
        QCOMPARE(failure([&] {
                     calc(Object{{QStringLiteral("expression"), Value("x + 1")}});
                 }),
                 QStringLiteral("JavaScriptError: calculator.js:3: Error: not arithmetic: x + 1"));

        // Positional parameters in the schema's order; objects and arrays both ways.
        auto joiner = Tool::fromJavaScript(
            QStringLiteral("join"), QStringLiteral("Joins."),
            QStringLiteral("function join(items, sep) { return {text: items.join(sep), n: "
                           "items.length}; }"),
            Object{{QStringLiteral("items"), Object{{QStringLiteral("type"), Value("array")}}},
                   {QStringLiteral("sep"), Object{{QStringLiteral("type"), Value("string")},
                                                  {QStringLiteral("default"), Value("-")}}}});
        QVERIFY2(joiner, joiner ? "" : qPrintable(joiner.error()));
        QCOMPARE(
            (*joiner)(Object{{QStringLiteral("items"), Array{Value("a"), Value("b")}}}).toJson(),
            QStringLiteral(R"({"text": "a-b", "n": 2})"));
    }

    void javaScriptToolLoadErrors()
    {
        const auto syntax =
            Tool::fromJavaScript(QStringLiteral("f"), QString(),
                                 QStringLiteral("function f() { return 1 +; }\n"), Object());
        QVERIFY(!syntax);
        QVERIFY2(syntax.error().startsWith(u"f.js:1: SyntaxError: "), qPrintable(syntax.error()));
        const auto missing = Tool::fromJavaScript(QStringLiteral("lookup"), QString(),
                                                  QStringLiteral("function other() {}"),
                                                  Object{{QStringLiteral("key"), stringArg()}},
                                                  JsToolOptions{1000, QStringLiteral("tools.js")});
        QVERIFY(!missing);
        QCOMPARE(missing.error(), QStringLiteral("tools.js: defines no function lookup(key)"));
        const auto badName = Tool::fromJavaScript(QStringLiteral("my-tool"), QString(),
                                                  QStringLiteral("function f() {}"), Object());
        QVERIFY(!badName);
        QCOMPARE(badName.error(),
                 QStringLiteral("the tool name 'my-tool' is not a JavaScript identifier"));
    }

    void javaScriptToolTimeLimit()
    {
        auto spinner = Tool::fromJavaScript(
            QStringLiteral("spin"), QStringLiteral("Never returns."),
            QStringLiteral(
                "function spin(forever) { if (forever) { while (true) {} } return 'done'; }"),
            Object{{QStringLiteral("forever"), Object{{QStringLiteral("type"), Value("boolean")}}}},
            JsToolOptions{150, {}});
        QVERIFY2(spinner, spinner ? "" : qPrintable(spinner.error()));
        QCOMPARE(failure([&] {
                     (*spinner)(Object{{QStringLiteral("forever"), Value(true)}});
                 }),
                 QStringLiteral("TimeoutError: spin.js: the tool took longer than 150 ms and was "
                                "interrupted"));
        // The engine is usable again after the interruption.
        QCOMPARE((*spinner)(Object{{QStringLiteral("forever"), Value(false)}}), Value("done"));
    }

    void javaScriptToolHasNoIO()
    {
        auto probe = Tool::fromJavaScript(
            QStringLiteral("probe"), QString(),
            QStringLiteral("function probe() {\n"
                           "  return [typeof require, typeof console, typeof XMLHttpRequest,\n"
                           "          typeof fetch, typeof setTimeout, typeof print,\n"
                           "          typeof importScripts, typeof Qt];\n"
                           "}\n"),
            Object());
        QVERIFY2(probe, probe ? "" : qPrintable(probe.error()));
        QCOMPARE((*probe)(Object()).toJson(),
                 QStringLiteral(R"(["undefined", "undefined", "undefined", "undefined", )"
                                R"("undefined", "undefined", "undefined", "undefined"])"));
        // import() would read a file: a script using it does not load.
        const auto importer = Tool::fromJavaScript(
            QStringLiteral("read"), QString(),
            QStringLiteral("function read() { return import('/etc/hostname'); }\n"), Object());
        QVERIFY(!importer);
        QVERIFY2(importer.error().startsWith(u"read.js:1: SyntaxError: "),
                 qPrintable(importer.error()));
    }

    void httpToolPostsJson()
    {
        TestHttpServer server([](const Request& req) {
            const auto args = Value::fromJson(QString::fromUtf8(req.body));
            if (req.path == "/text")
                return Reply::json(200, "plain words");
            return Reply::json(200, QStringLiteral(R"({"hits": ["%1 one", "%1 two"]})")
                                        .arg(args->toObject().value(u"query").toString())
                                        .toUtf8());
        });
        auto search = Tool::fromHttp(
            QStringLiteral("search"), QStringLiteral("Searches."),
            QUrl(server.baseUrl() + QStringLiteral("/search")),
            Object{{QStringLiteral("query"), stringArg()},
                   {QStringLiteral("k"), Object{{QStringLiteral("type"), Value("integer")},
                                                {QStringLiteral("default"), Value(2)}}}});
        QVERIFY2(search, search ? "" : qPrintable(search.error()));
        RunContext ctx;
        QCOMPARE((*search)(Object{{QStringLiteral("query"), Value("café")}}, ctx).toJson(),
                 QStringLiteral(R"({"hits": ["caf\u00e9 one", "caf\u00e9 two"]})"));
        const QList<Request> seen = server.requests();
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen.first().method, QByteArray("POST"));
        QCOMPARE(seen.first().path, QByteArray("/search"));
        QCOMPARE(seen.first().header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(QString::fromUtf8(seen.first().body),
                 QStringLiteral(R"({"query": "café", "k": 2})"));

        auto text = Tool::fromHttp(QStringLiteral("text"), QString(),
                                   QUrl(server.baseUrl() + QStringLiteral("/text")), Object());
        QCOMPARE((*text)(Object()), Value("plain words"));
    }

    void httpToolFailures()
    {
        TestHttpServer server([](const Request& req) {
            if (req.path == "/slow")
                return Reply::json(200, "{}", 3000);
            return Reply::json(500, R"({"error": "index offline"})");
        });
        auto broken = Tool::fromHttp(QStringLiteral("broken"), QString(),
                                     QUrl(server.baseUrl() + QStringLiteral("/broken")), Object());
        QCOMPARE(failure([&] { (*broken)(Object()); }),
                 QStringLiteral("HTTPError: 500 from %1/broken: {\"error\": \"index offline\"}")
                     .arg(server.baseUrl()));
        QCOMPARE(server.requestCount(), 1); // not retried

        auto slow = Tool::fromHttp(QStringLiteral("slow"), QString(),
                                   QUrl(server.baseUrl() + QStringLiteral("/slow")), Object(),
                                   HttpToolOptions{300, {}});
        QCOMPARE(failure([&] { (*slow)(Object()); }),
                 QStringLiteral("TimeoutError: no reply from %1/slow within 300 ms")
                     .arg(server.baseUrl()));

        QVERIFY(!Tool::fromHttp(QStringLiteral("f"), QString(),
                                QUrl(QStringLiteral("file:///etc/passwd")), Object()));
    }
};

QTEST_GUILESS_MAIN(TstTool)
#include "tst_tool.moc"
