#include "cache/cachekey.h"
#include "lm/managedlm.h"
#include "lm/scriptedlm.h"

#include <QMutex>
#include <QRegularExpression>
#include <QTest>
#include <QThreadPool>
#include <QUuid>
#include <QtConcurrent>

using namespace dspy;

namespace {

// An inner LM that answers on a worker thread with real-looking usage, or fails on demand.
class UsageLM final : public LM
{
public:
    QString model() const override { return QStringLiteral("openai/test-model"); }
    QFuture<LMResponse> call(const LMRequest& request) override
    {
        {
            QMutexLocker lock(&mutex);
            requests.append(request);
        }
        const bool fail = failNext.exchange(false);
        // Its own pool: callers may be blocking every thread of the global one.
        static QThreadPool pool;
        return QtConcurrent::run(&pool, [request, fail] {
            LMResponse r;
            r.model = QStringLiteral("test-model-2025");
            if (fail) {
                r.error = std::make_shared<LMError>(LMError::Kind::Server,
                                                    QStringLiteral("upstream exploded"), 500);
                return r;
            }
            LMOutput out;
            out.text = QStringLiteral("[[ ## answer ## ]]\n") + request.messages.last().content;
            out.finishReason = QStringLiteral("stop");
            r.outputs.append(out);
            r.usage.promptTokens = 1000;
            r.usage.completionTokens = 500;
            r.usage.totalTokens = 1500;
            return r;
        });
    }
    QMutex mutex;
    QList<LMRequest> requests;
    std::atomic_bool failNext{false};
};

struct Event
{
    QString what; // "start" / "end"
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
    explicit Recorder(QString name = {})
        : name(std::move(name))
    {}
    void onStart(CallbackHook hook, const CallStart& s) override
    {
        QMutexLocker lock(&mutex);
        events.append({name + QStringLiteral("start"), hook, s.callId, s.parentCallId, s.instance,
                       s.inputs, Value(), QString()});
    }
    void onEnd(CallbackHook hook, const CallEnd& e) override
    {
        QMutexLocker lock(&mutex);
        events.append({name + QStringLiteral("end"), hook, e.callId, QString(), QString(), Object(),
                       e.outputs, e.error});
    }
    QString name;
    QMutex mutex;
    QList<Event> events;
};

// Uses the named hooks (the default dispatch) and throws from one of them.
class Thrower final : public Callback
{
public:
    void onLmStart(const QString&, const QString&, const Object&) override
    {
        throw std::runtime_error("callback bug");
    }
    void onLmEnd(const QString& callId, const Value&, const QString&) override { ended = callId; }
    QString ended;
};

LMRequest ask(const QString& question, Object kwargs = {})
{
    LMRequest r;
    r.messages = {{QStringLiteral("system"), QStringLiteral("Answer.")},
                  {QStringLiteral("user"), question}};
    r.kwargs = std::move(kwargs);
    return r;
}

std::shared_ptr<LMCache> memoryCache()
{
    LMCache::Options o;
    o.enableDisk = false;
    return std::make_shared<LMCache>(o);
}

} // namespace

class TestManagedLM : public QObject
{
    Q_OBJECT

private:
    History m_global{10000};

    ManagedLMOptions options(std::shared_ptr<LMCache> cache = memoryCache())
    {
        ManagedLMOptions o;
        o.cacheStore = std::move(cache);
        o.globalHistory = &m_global;
        return o;
    }

private Q_SLOTS:
    void init() { m_global.clear(); }

    void missThenHit()
    {
        auto inner = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{QStringLiteral("answer"), Value("4")}}});
        auto lm = ManagedLM::create(inner, {}, {}, {}, options());
        QCOMPARE(lm->model(), QStringLiteral("dummy"));
        const LMResponse first = lm->callBlocking(ask(QStringLiteral("2+2?")));
        QVERIFY(!first.cacheHit);
        const LMResponse second = lm->callBlocking(ask(QStringLiteral("2+2?")));
        QVERIFY(second.cacheHit);
        QCOMPARE(second.outputs.first().text, first.outputs.first().text);
        QVERIFY(second.outputs.first().text.contains(QStringLiteral("[[ ## answer ## ]]\n4")));
        QCOMPARE(inner->requests().size(), 1);
        // A different request misses (and the scripted LM has run out of answers).
        const LMResponse third = lm->callBlocking(ask(QStringLiteral("3+3?")));
        QVERIFY(!third.cacheHit);
        QCOMPARE(inner->requests().size(), 2);
        QVERIFY(third.outputs.first().text.contains(QStringLiteral("No more responses")));
    }

    void kwargsDefaultsMergeAndRolloutId()
    {
        auto inner = std::make_shared<ScriptedLM>(QList<Object>{});
        auto lm = ManagedLM::create(inner, {}, Value(300),
                                    Object{{QStringLiteral("rollout_id"), Value()}}, options());
        // dspy.LM keeps None temperature, drops a None rollout_id.
        QCOMPARE(Value(lm->kwargs()).toJson(),
                 QStringLiteral("{\"temperature\": null, \"max_tokens\": 300}"));
        lm->callBlocking(
            ask(QStringLiteral("q"), Object{{QStringLiteral("temperature"), Value(0.5)},
                                            {QStringLiteral("rollout_id"), Value(7)}}));
        const LMRequest sent = inner->requests().last();
        QCOMPARE(Value(sent.kwargs).toJson(),
                 QStringLiteral("{\"temperature\": 0.5, \"max_tokens\": 300}"));
        QCOMPARE(sent.model, QStringLiteral("dummy"));
        // Another rollout id is another cache entry; the same one hits.
        lm->callBlocking(
            ask(QStringLiteral("q"), Object{{QStringLiteral("temperature"), Value(0.5)},
                                            {QStringLiteral("rollout_id"), Value(8)}}));
        QCOMPARE(inner->requests().size(), 2);
        const LMResponse again = lm->callBlocking(
            ask(QStringLiteral("q"), Object{{QStringLiteral("rollout_id"), Value(7)},
                                            {QStringLiteral("temperature"), Value(0.5)}}));
        QVERIFY(again.cacheHit);
        QCOMPARE(inner->requests().size(), 2);
    }

    void optOutPerLMAndPerCall()
    {
        auto inner = std::make_shared<ScriptedLM>(QList<Object>{});
        ManagedLMOptions o = options();
        o.cache = false;
        auto off = std::make_shared<ManagedLM>(inner, Object{}, o);
        QVERIFY(!off->callBlocking(ask(QStringLiteral("a"))).cacheHit);
        QVERIFY(!off->callBlocking(ask(QStringLiteral("a"))).cacheHit);
        QCOMPARE(inner->requests().size(), 2);

        auto on = std::make_shared<ManagedLM>(inner, Object{}, options());
        LMRequest noCache = ask(QStringLiteral("b"));
        noCache.cache = false;
        on->callBlocking(noCache);
        on->callBlocking(noCache);
        QCOMPARE(inner->requests().size(), 4);
        // cache=False neither reads nor writes: a cached call afterwards still misses.
        QVERIFY(!on->callBlocking(ask(QStringLiteral("b"))).cacheHit);
        QCOMPARE(inner->requests().size(), 5);
        // DSPy's kwargs form: lm(..., cache=False); the key never reaches the inner LM.
        QVERIFY(!on->callBlocking(
                       ask(QStringLiteral("b"), Object{{QStringLiteral("cache"), Value(false)}}))
                     .cacheHit);
        QCOMPARE(inner->requests().size(), 6);
        QVERIFY(!inner->requests().last().kwargs.contains(u"cache"));
        QVERIFY(on->callBlocking(ask(QStringLiteral("b"))).cacheHit);
    }

    void historyEntriesAndCaps()
    {
        auto inner = std::make_shared<UsageLM>();
        ManagedLMOptions o = options();
        o.maxHistory = 3;
        auto prices = std::make_shared<PriceTable>();
        prices->set(QStringLiteral("test-model"), {1.0, 0.5, 2.0});
        o.prices = prices;
        auto lm = std::make_shared<ManagedLM>(
            inner, Object{{QStringLiteral("temperature"), Value(0.0)}}, o);
        for (int i = 0; i < 5; ++i)
            lm->callBlocking(ask(QStringLiteral("q%1").arg(i)));
        lm->callBlocking(ask(QStringLiteral("q4"))); // a hit
        QCOMPARE(lm->history().size(), 3);
        QCOMPARE(m_global.size(), 6);
        const QList<HistoryEntry> h = lm->history().snapshot();
        QCOMPARE(h.first().messages.last().content, QStringLiteral("q3"));
        const HistoryEntry& miss = h.at(1);
        QCOMPARE(miss.model, QStringLiteral("openai/test-model"));
        QCOMPARE(miss.responseModel, QStringLiteral("test-model-2025"));
        QCOMPARE(miss.modelType, QStringLiteral("chat"));
        QVERIFY(!miss.cacheHit);
        QCOMPARE(miss.usage.totalTokens, 1500);
        QVERIFY(miss.cost);
        QCOMPARE(*miss.cost, 0.002); // 1000 × $1/M + 500 × $2/M
        QVERIFY(miss.prompt.isNull());
        QCOMPARE(miss.uuid.size(), 36);
        // A version-4, RFC 4122 uuid as str(uuid.uuid4()) prints it, different per entry.
        const QUuid parsed = QUuid::fromString(miss.uuid);
        QVERIFY(!parsed.isNull());
        QCOMPARE(parsed.version(), QUuid::Random);
        QCOMPARE(parsed.variant(), QUuid::DCE);
        QCOMPARE(miss.uuid, miss.uuid.toLower());
        QVERIFY(h.at(0).uuid != miss.uuid);
        QVERIFY(!miss.timestamp.isEmpty());
        const HistoryEntry& hit = h.last();
        QVERIFY(hit.cacheHit);
        QVERIFY(hit.usage.isZero());
        QVERIFY(!hit.cost);
        QCOMPARE(hit.outputs.first().text, QStringLiteral("[[ ## answer ## ]]\nq4"));
        // History records the call's kwargs as given (DSPy's entry["kwargs"]).
        QCOMPARE(Value(hit.kwargs).toJson(), QStringLiteral("{}"));

        ManagedLMOptions quiet = options();
        quiet.disableHistory = true;
        auto silent = std::make_shared<ManagedLM>(inner, Object{}, quiet);
        silent->callBlocking(ask(QStringLiteral("z")));
        QCOMPARE(silent->history().size(), 0);
        QCOMPARE(m_global.size(), 6);
    }

    void inspectHistoryOfTheLM()
    {
        auto inner = std::make_shared<UsageLM>();
        auto lm = std::make_shared<ManagedLM>(inner, Object{}, options());
        lm->callBlocking(ask(QStringLiteral("Why?")));
        const QString ts = lm->history().snapshot().last().timestamp;
        QCOMPARE(lm->inspectHistory(1, false),
                 QStringLiteral("\n\n\n\n[") + ts +
                     QStringLiteral("]\n\nSystem message:\n\nAnswer.\n\n\nUser message:\n\nWhy?"
                                    "\n\n\nResponse:\n\n[[ ## answer ## ]]\nWhy?\n\n\n\n\n\n"));
    }

    void usageAndCostTracked()
    {
        auto inner = std::make_shared<UsageLM>();
        ManagedLMOptions o = options();
        auto prices = std::make_shared<PriceTable>();
        prices->set(QStringLiteral("test-model"), {1.0, 0.5, 2.0});
        o.prices = prices;
        o.usage = std::make_shared<UsageTracker>();
        auto lm = std::make_shared<ManagedLM>(inner, Object{}, o);
        const LMResponse a = lm->callBlocking(ask(QStringLiteral("a")));
        QCOMPARE(a.cost.value_or(-1), 0.002);
        lm->callBlocking(ask(QStringLiteral("b")));
        const LMResponse hit = lm->callBlocking(ask(QStringLiteral("a")));
        QVERIFY(hit.cacheHit);
        QVERIFY(!hit.cost);
        const auto perModel = o.usage->perModel();
        QCOMPARE(perModel.size(), 1);
        const UsageTracker::Entry e = perModel.value(QStringLiteral("test-model-2025"));
        QCOMPARE(e.calls, 2);
        QCOMPARE(e.usage.promptTokens, 2000);
        QCOMPARE(e.usage.completionTokens, 1000);
        QCOMPARE(o.usage->totalCost(), 0.004);
        QCOMPARE(o.usage->usageByModel().value(QStringLiteral("test-model-2025")).totalTokens,
                 3000);
    }

    void callbacksOrderIdsAndParents()
    {
        auto global = std::make_shared<Recorder>(QStringLiteral("g-"));
        CallbackRegistry::global()->add(global);
        auto local = std::make_shared<Recorder>(QStringLiteral("l-"));
        ManagedLMOptions o = options();
        o.callbacks = std::make_shared<CallbackRegistry>();
        o.callbacks->add(local);
        auto lm = std::make_shared<ManagedLM>(std::make_shared<UsageLM>(), Object{}, o);

        LMRequest r = ask(QStringLiteral("x"), Object{{QStringLiteral("n"), Value(1)}});
        r.parentCallId = QStringLiteral("0123456789abcdef0123456789abcdef");
        lm->callBlocking(r);
        lm->callBlocking(r); // a hit fires the hooks too
        CallbackRegistry::global()->remove(global);

        QCOMPARE(global->events.size(), 4);
        QCOMPARE(local->events.size(), 4);
        const Event& start = global->events.at(0);
        const Event& end = global->events.at(1);
        QCOMPARE(start.what, QStringLiteral("g-start"));
        QCOMPARE(end.what, QStringLiteral("g-end"));
        QCOMPARE(start.hook, CallbackHook::LM);
        QVERIFY(
            QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(start.callId).hasMatch());
        QCOMPARE(end.callId, start.callId);
        QCOMPARE(start.parentCallId, r.parentCallId);
        QCOMPARE(start.instance, QStringLiteral("ManagedLM(openai/test-model)"));
        QCOMPARE(Value(start.inputs).toJson(),
                 QStringLiteral("{\"prompt\": null, \"messages\": [{\"role\": \"system\", "
                                "\"content\": \"Answer.\"}, {\"role\": \"user\", \"content\": "
                                "\"x\"}], \"kwargs\": {\"n\": 1}}"));
        QCOMPARE(end.outputs.toJson(), QStringLiteral("[\"[[ ## answer ## ]]\\nx\"]"));
        QVERIFY(end.error.isEmpty());
        // The instance callbacks see the same call ids; each call has its own.
        QCOMPARE(local->events.at(0).callId, start.callId);
        QVERIFY(global->events.at(2).callId != start.callId);
        QCOMPARE(global->events.at(2).callId, global->events.at(3).callId);
    }

    void callbackErrorsAreLoggedAndSwallowed()
    {
        auto thrower = std::make_shared<Thrower>();
        ManagedLMOptions o = options();
        o.callbacks = std::make_shared<CallbackRegistry>();
        o.callbacks->add(thrower);
        auto lm = std::make_shared<ManagedLM>(std::make_shared<UsageLM>(), Object{}, o);
        QTest::ignoreMessage(QtWarningMsg, "Error when calling callback on_lm_start: callback bug");
        const LMResponse r = lm->callBlocking(ask(QStringLiteral("x")));
        QCOMPARE(r.outputs.size(), 1);
        QCOMPARE(thrower->ended.size(), 32);
    }

    void failuresAreNotCachedNorRecorded()
    {
        auto inner = std::make_shared<UsageLM>();
        auto recorder = std::make_shared<Recorder>();
        ManagedLMOptions o = options();
        o.callbacks = std::make_shared<CallbackRegistry>();
        o.callbacks->add(recorder);
        auto lm = std::make_shared<ManagedLM>(inner, Object{}, o);
        inner->failNext = true;
        try {
            lm->callBlocking(ask(QStringLiteral("x")));
            QFAIL("expected an LMError");
        } catch (const LMError& e) {
            QCOMPARE(e.kind(), LMError::Kind::Server);
            QCOMPARE(e.message(), QStringLiteral("upstream exploded"));
        }
        QCOMPARE(lm->history().size(), 0);
        QCOMPARE(recorder->events.size(), 2);
        QVERIFY(recorder->events.at(1).outputs.isNull());
        QCOMPARE(recorder->events.at(1).error, QStringLiteral("LMServerError: upstream exploded"));
        // The next identical call goes to the LM again, and succeeds.
        QVERIFY(!lm->callBlocking(ask(QStringLiteral("x"))).cacheHit);
        QCOMPARE(inner->requests.size(), 2);
    }

    void noKeyLeaks()
    {
        const QString secret = QStringLiteral("sk-LEAK-0123456789");
        auto inner = std::make_shared<UsageLM>();
        auto recorder = std::make_shared<Recorder>();
        ManagedLMOptions o = options();
        o.callbacks = std::make_shared<CallbackRegistry>();
        o.callbacks->add(recorder);
        auto lm = std::make_shared<ManagedLM>(
            inner,
            Object{{QStringLiteral("api_key"), Value(secret)},
                   {QStringLiteral("api_base"), Value("http://10.0.0.1:9/v1")}},
            o);
        const Object callKw{{QStringLiteral("api_key"), Value(secret)},
                            {QStringLiteral("api_version"), Value("v")},
                            {QStringLiteral("temperature"), Value(0.0)}};
        lm->callBlocking(ask(QStringLiteral("q"), callKw));
        lm->callBlocking(ask(QStringLiteral("q"), callKw));
        // The transport still gets its key.
        QCOMPARE(inner->requests.first().kwargs.value(u"api_key").toString(), secret);

        QString everything;
        for (const HistoryEntry& e : lm->history().snapshot())
            everything += Value(e.toObject()).toJson();
        for (const HistoryEntry& e : m_global.snapshot())
            everything += Value(e.toObject()).toJson();
        everything += lm->inspectHistory(10, true);
        for (const Event& e : recorder->events)
            everything += Value(e.inputs).toJson() + e.outputs.toJson() + e.error;
        LMRequest keyed = ask(QStringLiteral("q"), callKw);
        keyed.model = lm->model();
        everything += canonicalRequestJson(keyed);
        QVERIFY(!everything.isEmpty());
        QVERIFY2(!everything.contains(secret), qPrintable(everything));
        QVERIFY(!everything.contains(QStringLiteral("10.0.0.1")));
        QVERIFY(!everything.contains(QStringLiteral("api_key")));
        QVERIFY(!everything.contains(QStringLiteral("api_base")));
        QCOMPARE(Value(lm->history().snapshot().first().kwargs).toJson(),
                 QStringLiteral("{\"temperature\": 0.0}"));
        // The key and base URL do not split the cache: the second call was a hit.
        QCOMPARE(inner->requests.size(), 1);
    }

    void copyLikeDspy()
    {
        auto inner = std::make_shared<ScriptedLM>(QList<Object>{});
        ManagedLMOptions o = options();
        auto recorder = std::make_shared<Recorder>();
        o.callbacks = std::make_shared<CallbackRegistry>();
        o.callbacks->add(recorder);
        auto lm = ManagedLM::create(inner, Value(0.0), Value(100), {}, o);
        lm->callBlocking(ask(QStringLiteral("x")));
        auto copy = lm->copy(Object{{QStringLiteral("rollout_id"), Value(1)},
                                    {QStringLiteral("temperature"), Value(1.0)},
                                    {QStringLiteral("max_tokens"), Value()},
                                    {QStringLiteral("cache"), Value(false)}});
        QCOMPARE(Value(copy->kwargs()).toJson(),
                 QStringLiteral("{\"temperature\": 1.0, \"rollout_id\": 1}"));
        QVERIFY(!copy->cacheEnabled());
        QVERIFY(lm->cacheEnabled());
        QCOMPARE(copy->history().size(), 0);
        QCOMPARE(lm->history().size(), 1);
        QCOMPARE(copy->inner(), lm->inner());
        // Callbacks are copied, not shared: adding to the copy leaves the original alone.
        QVERIFY(copy->options().callbacks != lm->options().callbacks);
        QCOMPARE(copy->options().callbacks->callbacks().size(), 1);
        copy->options().callbacks->add(std::make_shared<Recorder>());
        QCOMPARE(lm->options().callbacks->callbacks().size(), 1);
    }

    void concurrentCallsAreEachAnsweredOnce()
    {
        auto inner = std::make_shared<UsageLM>();
        auto lm = std::make_shared<ManagedLM>(inner, Object{}, options());
        QList<int> ids;
        for (int i = 0; i < 200; ++i)
            ids.append(i % 50);
        std::atomic<int> wrong{0};
        QtConcurrent::blockingMap(ids, [&](int i) {
            const LMResponse r = lm->callBlocking(ask(QStringLiteral("q%1").arg(i)));
            if (r.outputs.first().text != QStringLiteral("[[ ## answer ## ]]\nq%1").arg(i))
                ++wrong;
        });
        QCOMPARE(wrong.load(), 0);
        QCOMPARE(lm->history().size(), 200);
        QVERIFY(inner->requests.size() >= 50);
    }
};

QTEST_GUILESS_MAIN(TestManagedLM)
#include "tst_managedlm.moc"
