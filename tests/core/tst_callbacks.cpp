#include "adapters/chatadapter.h"
#include "lm/managedlm.h"
#include "lm/pricing.h"
#include "lm/scriptedlm.h"
#include "modules/chainofthought.h"
#include "modules/predict.h"
#include "runtime/callbacks.h"

#include <QMutex>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QThreadPool>
#include <QWaitCondition>
#include <QtConcurrent>

using namespace dspy;

namespace {

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

// Records every hook through the generic entry points, which see parent ids.
class Recorder final : public Callback
{
public:
    void onStart(CallbackHook hook, const CallStart& s) override
    {
        QMutexLocker lock(&mutex);
        events.append({QStringLiteral("start"), hook, s.callId, s.parentCallId, s.instance,
                       s.inputs, Value(), QString()});
    }
    void onEnd(CallbackHook hook, const CallEnd& e) override
    {
        QMutexLocker lock(&mutex);
        events.append({QStringLiteral("end"), hook, e.callId, QString(), QString(), Object(),
                       e.outputs, e.error});
    }
    QList<Event> snapshot() const
    {
        QMutexLocker lock(&mutex);
        return events;
    }
    // "start module ChainOfThought(...)", ... — the sequence at a glance.
    QStringList lines() const
    {
        QStringList out;
        for (const Event& e : snapshot()) {
            out.append(e.what + QLatin1Char(' ') + callbackHookName(e.hook) +
                       (e.instance.isEmpty() ? QString() : QLatin1Char(' ') + e.instance));
        }
        return out;
    }

    mutable QMutex mutex;
    QList<Event> events;
};

// Appends its tag to a shared log: shows the order in which callback lists fire.
class Tagger final : public Callback
{
public:
    Tagger(QString tag, QStringList* log)
        : m_tag(std::move(tag))
        , m_log(log)
    {}
    void onModuleStart(const QString&, const QString&, const Object&) override
    {
        m_log->append(m_tag);
    }

private:
    QString m_tag;
    QStringList* m_log;
};

// Throws from several named hooks; the default dispatch reaches them.
class Thrower final : public Callback
{
public:
    void onModuleStart(const QString&, const QString&, const Object&) override
    {
        throw std::runtime_error("module start bug");
    }
    void onAdapterFormatEnd(const QString&, const Value&, const QString&) override
    {
        throw std::runtime_error("format end bug");
    }
    void onLmStart(const QString&, const QString&, const Object&) override { throw 42; }
};

// Answers a Chat-format reasoning/answer pair naming the "q<N>" it finds in the last message,
// with real-looking usage; optionally fails, optionally holds the first `latch` callers until
// that many are inside at once (proves the calls overlap, without timing).
class EchoLM final : public LM
{
public:
    QString model() const override { return QStringLiteral("openai/test-model"); }
    QFuture<LMResponse> call(const LMRequest& request) override
    {
        {
            QMutexLocker lock(&mutex);
            requests.append(request);
            ++inside;
            maxInside = std::max(maxInside, inside);
            if (arrived < latch) {
                ++arrived;
                if (arrived == latch)
                    allArrived.wakeAll();
                else
                    allArrived.wait(&mutex, 20000);
            }
        }
        LMResponse r;
        r.model = QStringLiteral("test-model-2025");
        if (fail) {
            r.error = std::make_shared<LMError>(LMError::Kind::Server,
                                                QStringLiteral("upstream exploded"), 500);
        } else {
            static const QRegularExpression id(QStringLiteral("q\\d+"));
            const QString q = id.match(request.messages.last().content).captured();
            LMOutput out;
            out.text = QStringLiteral("[[ ## reasoning ## ]]\nthinking about %1\n\n[[ ## answer "
                                      "## ]]\n%1\n\n[[ ## completed ## ]]")
                           .arg(q);
            out.finishReason = QStringLiteral("stop");
            r.outputs.append(out);
            r.usage = LMUsage{1000, 500, 1500, 0};
        }
        {
            QMutexLocker lock(&mutex);
            --inside;
        }
        return QtFuture::makeReadyFuture(std::move(r));
    }

    bool fail = false;
    int latch = 0;
    QMutex mutex;
    QWaitCondition allArrived;
    int arrived = 0;
    int inside = 0;
    int maxInside = 0;
    QList<LMRequest> requests;
};

std::shared_ptr<ManagedLM> managed(LMPtr inner, std::shared_ptr<CallbackRegistry> callbacks,
                                   std::shared_ptr<const PriceTable> prices = {})
{
    ManagedLMOptions o;
    o.cache = false; // every call reaches the inner LM, so usage and hooks are per call
    o.callbacks = std::move(callbacks);
    o.prices = std::move(prices);
    o.disableHistory = true;
    return std::make_shared<ManagedLM>(std::move(inner), Object{}, std::move(o));
}

Signature qa()
{
    return Signature::parse(QStringLiteral("question -> answer")).value();
}

Example ask(const QString& question)
{
    return Example{{QStringLiteral("question"), Value(question)}};
}

bool isCallId(const QString& id)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    return hex.match(id).hasMatch();
}

// A two-step program that builds its own Prediction, as user modules do.
class TwoStep final : public Module
{
public:
    TwoStep()
        : first(qa())
        , second(qa())
    {}
    Prediction forward(const Example& inputs, RunContext& ctx) override
    {
        const Prediction a = first(inputs, ctx);
        const Prediction b = second(ask(a.get(u"answer").toString()), ctx);
        Prediction out;
        out.set(QStringLiteral("answer"), b.get(u"answer"));
        return out;
    }
    std::unique_ptr<Module> clone() const override { return std::make_unique<TwoStep>(*this); }
    QList<NamedPredictor> namedPredictors() override
    {
        return {{QStringLiteral("first"), &first}, {QStringLiteral("second"), &second}};
    }
    QString instanceName() const override { return QStringLiteral("TwoStep"); }

    Predict first;
    Predict second;
};

} // namespace

class TstCallbacks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { CallbackRegistry::global()->clear(); }

    void chainOfThoughtHookSequence()
    {
        auto registry = std::make_shared<CallbackRegistry>();
        auto recorder = std::make_shared<Recorder>();
        registry->add(recorder);
        auto scripted = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{QStringLiteral("reasoning"), Value("Two and two.")},
                                 {QStringLiteral("answer"), Value("4")}}});
        RunContext ctx(managed(scripted, registry));
        ctx.callbacks = registry;
        ChainOfThought cot(qa());

        const Prediction p = cot(ask(QStringLiteral("2+2?")), ctx);
        QCOMPARE(p.get(u"answer"), Value("4"));

        QCOMPARE(recorder->lines(),
                 (QStringList{
                     QStringLiteral("start module ChainOfThought(question -> reasoning, answer)"),
                     QStringLiteral("start module Predict(question -> reasoning, answer)"),
                     QStringLiteral("start adapter_format ChatAdapter"),
                     QStringLiteral("end adapter_format"),
                     QStringLiteral("start lm ManagedLM(dummy)"),
                     QStringLiteral("end lm"),
                     QStringLiteral("start adapter_parse ChatAdapter"),
                     QStringLiteral("end adapter_parse"),
                     QStringLiteral("end module"),
                     QStringLiteral("end module"),
                 }));
        const QList<Event> ev = recorder->snapshot();
        const Event& cotStart = ev[0];
        const Event& predictStart = ev[1];

        // Ids: uuid4 hex, one per call, each end matching its start (nested: last in, first out).
        QSet<QString> ids;
        for (int i : {0, 1, 2, 4, 6}) {
            QVERIFY2(isCallId(ev[i].callId), qPrintable(ev[i].callId));
            ids.insert(ev[i].callId);
        }
        QCOMPARE(ids.size(), 5);
        QCOMPARE(ev[3].callId, ev[2].callId);
        QCOMPARE(ev[5].callId, ev[4].callId);
        QCOMPARE(ev[7].callId, ev[6].callId);
        QCOMPARE(ev[8].callId, predictStart.callId);
        QCOMPARE(ev[9].callId, cotStart.callId);

        // Parents: CoT is top level; its Predict is under it; format, LM and parse under Predict.
        QCOMPARE(cotStart.parentCallId, QString());
        QCOMPARE(predictStart.parentCallId, cotStart.callId);
        QCOMPARE(ev[2].parentCallId, predictStart.callId);
        QCOMPARE(ev[4].parentCallId, predictStart.callId);
        QCOMPARE(ev[6].parentCallId, predictStart.callId);
        QCOMPARE(scripted->requests().size(), 1);
        QCOMPARE(scripted->requests().first().parentCallId, predictStart.callId);

        // Inputs and outputs.
        const Object question{{QStringLiteral("question"), Value("2+2?")}};
        QCOMPARE(cotStart.inputs, question);
        QCOMPARE(predictStart.inputs, question);
        QCOMPARE(ev[2].inputs.keys(),
                 (QStringList{QStringLiteral("signature"), QStringLiteral("demos"),
                              QStringLiteral("inputs")}));
        QCOMPARE(ev[2].inputs.value(u"signature"), Value("question -> reasoning, answer"));
        QCOMPARE(ev[2].inputs.value(u"demos"), Value(Array()));
        QCOMPARE(ev[2].inputs.value(u"inputs"), Value(question));
        const Array messages = ev[3].outputs.toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[0].toObject().value(u"role"), Value("system"));
        QCOMPARE(messages[1].toObject().value(u"content"),
                 Value("[[ ## question ## ]]\n2+2?\n\nRespond with the corresponding output "
                       "fields, starting with the field `[[ ## reasoning ## ]]`, then `[[ ## "
                       "answer ## ]]`, and then ending with the marker for `[[ ## completed ## "
                       "]]`."));
        QCOMPARE(ev[6].inputs.value(u"signature"), Value("question -> reasoning, answer"));
        QCOMPARE(ev[6].inputs.value(u"completion"),
                 Value("[[ ## reasoning ## ]]\nTwo and two.\n\n[[ ## answer ## ]]\n4"));
        const Value fields(Object{{QStringLiteral("reasoning"), Value("Two and two.")},
                                  {QStringLiteral("answer"), Value("4")}});
        QCOMPARE(ev[7].outputs, fields);
        QCOMPARE(ev[8].outputs, fields);
        QCOMPARE(ev[9].outputs, fields);
        for (const Event& e : ev)
            QCOMPARE(e.error, QString());
    }

    void parentFromTheContextAndCallbacksOff()
    {
        auto scripted = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{"answer", Value("a")}}, Object{{"answer", Value("b")}}});
        RunContext ctx(scripted);
        Predict predict(qa());

        // Nobody listens: no ids are made and the request carries the caller's parent as is.
        ctx.parentCallId = QStringLiteral("0123456789abcdef0123456789abcdef");
        predict(ask(QStringLiteral("x")), ctx);
        QCOMPARE(scripted->requests().last().parentCallId, ctx.parentCallId);

        // A caller's own call id (an evaluation, say) parents the top-level module call.
        auto recorder = std::make_shared<Recorder>();
        CallbackRegistry::global()->add(recorder);
        predict(ask(QStringLiteral("y")), ctx);
        const QList<Event> ev = recorder->snapshot();
        QCOMPARE(ev.size(), 6); // module, format, parse: no ManagedLM, so no LM hooks
        QCOMPARE(ev[0].hook, CallbackHook::Module);
        QCOMPARE(ev[0].parentCallId, ctx.parentCallId);
        QCOMPARE(scripted->requests().last().parentCallId, ev[0].callId);
        QCOMPARE(ctx.parentCallId, QStringLiteral("0123456789abcdef0123456789abcdef"));
    }

    void callbackListsFireGlobalThenRunThenInstance()
    {
        QStringList log;
        CallbackRegistry::global()->add(std::make_shared<Tagger>(QStringLiteral("global"), &log));
        auto run = std::make_shared<CallbackRegistry>();
        run->add(std::make_shared<Tagger>(QStringLiteral("run"), &log));
        auto own = std::make_shared<CallbackRegistry>();
        own->add(std::make_shared<Tagger>(QStringLiteral("instance"), &log));

        RunContext ctx(std::make_shared<ScriptedLM>(QList<Object>{Object{{"answer", Value("a")}}}));
        ctx.callbacks = run;
        Predict predict(qa());
        predict.setCallbacks(own);
        predict(ask(QStringLiteral("x")), ctx);
        QCOMPARE(log, (QStringList{QStringLiteral("global"), QStringLiteral("run"),
                                   QStringLiteral("instance")}));
    }

    void lmErrorReachesTheEndHooks()
    {
        auto registry = std::make_shared<CallbackRegistry>();
        auto recorder = std::make_shared<Recorder>();
        registry->add(recorder);
        auto echo = std::make_shared<EchoLM>();
        echo->fail = true;
        RunContext ctx(managed(echo, registry));
        ctx.callbacks = registry;
        ChainOfThought cot(qa());

        QVERIFY_THROWS_EXCEPTION(LMError, cot(ask(QStringLiteral("q1")), ctx));
        QCOMPARE(recorder->lines(),
                 (QStringList{
                     QStringLiteral("start module ChainOfThought(question -> reasoning, answer)"),
                     QStringLiteral("start module Predict(question -> reasoning, answer)"),
                     QStringLiteral("start adapter_format ChatAdapter"),
                     QStringLiteral("end adapter_format"),
                     QStringLiteral("start lm ManagedLM(openai/test-model)"),
                     QStringLiteral("end lm"),
                     QStringLiteral("end module"),
                     QStringLiteral("end module"),
                 }));
        const QList<Event> ev = recorder->snapshot();
        const QString error = QStringLiteral("LMServerError: upstream exploded");
        for (int i : {5, 6, 7}) {
            QCOMPARE(ev[i].outputs, Value());
            QVERIFY(ev[i].outputs.isNull());
            QCOMPARE(ev[i].error, error);
        }
        QCOMPARE(ev[6].callId, ev[1].callId);
        QCOMPARE(ev[7].callId, ev[0].callId);
    }

    void parseErrorAndFallbackReachTheEndHooks()
    {
        auto registry = std::make_shared<CallbackRegistry>();
        auto recorder = std::make_shared<Recorder>();
        registry->add(recorder);
        // Chat parse fails, the JSON fallback's parse fails too.
        auto scripted = ScriptedLM::raw({QStringLiteral("no markers"), QStringLiteral("nor json")});
        RunContext ctx(scripted);
        ctx.callbacks = registry;
        Predict predict(qa());

        AdapterParseError thrown;
        try {
            predict(ask(QStringLiteral("x")), ctx);
            QFAIL("no exception");
        } catch (const AdapterParseException& e) {
            thrown = e.error();
        }
        QCOMPARE(recorder->lines(), (QStringList{
                                        QStringLiteral("start module Predict(question -> answer)"),
                                        QStringLiteral("start adapter_format ChatAdapter"),
                                        QStringLiteral("end adapter_format"),
                                        QStringLiteral("start adapter_parse ChatAdapter"),
                                        QStringLiteral("end adapter_parse"),
                                        QStringLiteral("start adapter_format JSONAdapter"),
                                        QStringLiteral("end adapter_format"),
                                        QStringLiteral("start adapter_parse JSONAdapter"),
                                        QStringLiteral("end adapter_parse"),
                                        QStringLiteral("end module"),
                                    }));
        const QList<Event> ev = recorder->snapshot();
        QVERIFY(ev[4].outputs.isNull());
        const ParseResult chat = ChatAdapter().parse(qa(), QStringLiteral("no markers"));
        QVERIFY(!chat);
        QCOMPARE(ev[4].error, chat.error().toString());
        QCOMPARE(ev[3].inputs.value(u"completion"), Value("no markers"));
        QCOMPARE(ev[7].inputs.value(u"completion"), Value("nor json"));
        QCOMPARE(thrown.adapterName, QStringLiteral("JSONAdapter"));
        QCOMPARE(ev[8].error, thrown.toString());
        QCOMPARE(ev[9].error, thrown.toString());
        QVERIFY(ev[9].outputs.isNull());
        for (int i : {1, 3, 5, 7})
            QCOMPARE(ev[i].parentCallId, ev[0].callId);
    }

    void throwingCallbackDoesNotBreakTheRun()
    {
        auto registry = std::make_shared<CallbackRegistry>();
        auto recorder = std::make_shared<Recorder>();
        registry->add(std::make_shared<Thrower>());
        registry->add(recorder); // after the thrower: still called for every hook
        auto echo = std::make_shared<EchoLM>();
        RunContext ctx(managed(echo, registry));
        ctx.callbacks = registry;
        ChainOfThought cot(qa());

        QTest::ignoreMessage(QtWarningMsg,
                             "Error when calling callback on_module_start: module start bug");
        QTest::ignoreMessage(QtWarningMsg,
                             "Error when calling callback on_module_start: module start bug");
        QTest::ignoreMessage(QtWarningMsg,
                             "Error when calling callback on_adapter_format_end: format end bug");
        QTest::ignoreMessage(QtWarningMsg,
                             "Error when calling callback on_lm_start: unknown exception");
        const Prediction p = cot(ask(QStringLiteral("q7")), ctx);
        QCOMPARE(p.get(u"answer"), Value("q7"));
        QCOMPARE(p.get(u"reasoning"), Value("thinking about q7"));
        QCOMPARE(recorder->snapshot().size(), 10);
    }

    void eightThreadsKeepTheirOwnParentChains()
    {
        auto registry = std::make_shared<CallbackRegistry>();
        auto recorder = std::make_shared<Recorder>();
        registry->add(recorder);
        auto echo = std::make_shared<EchoLM>();
        echo->latch = 8; // the first eight calls wait for each other: all eight overlap
        auto lm = managed(echo, registry);
        ChainOfThought cot(qa());
        constexpr int kCalls = 64;

        QThreadPool pool;
        pool.setMaxThreadCount(8);
        QList<QFuture<QString>> futures;
        for (int i = 0; i < kCalls; ++i) {
            futures.append(QtConcurrent::run(&pool, [&, i] {
                RunContext ctx(lm);
                ctx.callbacks = registry;
                return cot(ask(QStringLiteral("q%1").arg(i)), ctx).get(u"answer").toString();
            }));
        }
        for (int i = 0; i < kCalls; ++i)
            QCOMPARE(futures[i].result(), QStringLiteral("q%1").arg(i));
        QCOMPARE(echo->maxInside, 8);

        // Each start names its question; its parent must be the right kind of call about the
        // same question, and every call must end exactly once.
        static const QRegularExpression qid(QStringLiteral("q\\d+"));
        struct Call
        {
            CallbackHook hook;
            QString question;
            QString parent;
            int ends = 0;
        };
        QHash<QString, Call> calls;
        const QList<Event> events = recorder->snapshot();
        for (const Event& e : events) {
            if (e.what != u"start")
                continue;
            QString text;
            switch (e.hook) {
            case CallbackHook::Module:
                text = e.inputs.value(u"question").toString();
                break;
            case CallbackHook::AdapterFormat:
                text = e.inputs.value(u"inputs").toObject().value(u"question").toString();
                break;
            case CallbackHook::LM:
                text = e.inputs.value(u"messages")
                           .toArray()
                           .last()
                           .toObject()
                           .value(u"content")
                           .toString();
                break;
            case CallbackHook::AdapterParse:
                text = e.inputs.value(u"completion").toString();
                break;
            default:
                QFAIL("unexpected hook");
            }
            QVERIFY(!calls.contains(e.callId));
            calls.insert(e.callId, Call{e.hook, qid.match(text).captured(), e.parentCallId});
        }
        for (const Event& e : events) {
            if (e.what == u"end") {
                QVERIFY(calls.contains(e.callId));
                ++calls[e.callId].ends;
                QVERIFY(e.error.isEmpty());
            }
        }
        QCOMPARE(calls.size(), kCalls * 5);
        int topLevel = 0;
        for (const Call& c : std::as_const(calls)) {
            QCOMPARE(c.ends, 1);
            QVERIFY(!c.question.isEmpty());
            if (c.parent.isEmpty()) {
                ++topLevel;
                QCOMPARE(c.hook, CallbackHook::Module);
                continue;
            }
            QVERIFY(calls.contains(c.parent));
            const Call& parent = calls.value(c.parent);
            QCOMPARE(parent.hook, CallbackHook::Module);
            QCOMPARE(parent.question, c.question);
            if (c.hook == CallbackHook::Module)
                QVERIFY(parent.parent.isEmpty()); // Predict under its CoT
            else
                QVERIFY(!parent.parent.isEmpty()); // format/LM/parse under the Predict
        }
        QCOMPARE(topLevel, kCalls);
        // Every LM request names its Predict call as parent.
        for (const LMRequest& r : echo->requests) {
            QVERIFY(calls.contains(r.parentCallId));
            QCOMPARE(calls.value(r.parentCallId).question,
                     qid.match(r.messages.last().content).captured());
        }
    }

    void usageSummedPerRunAndPerCall()
    {
        auto prices = std::make_shared<PriceTable>();
        prices->set(QStringLiteral("openai/test-model"), ModelPrice{1.0, -1, 2.0});
        auto echo = std::make_shared<EchoLM>();
        RunContext ctx(managed(echo, {}, prices));
        ctx.usage = std::make_shared<UsageTracker>();

        ChainOfThought cot(qa());
        for (int i = 0; i < 3; ++i) {
            const Prediction p = cot(ask(QStringLiteral("q%1").arg(i)), ctx);
            // The top-level call's own usage, not the run's running total.
            QCOMPARE(p.lmUsage().size(), 1);
            const LMUsage u = p.lmUsage().value(QStringLiteral("openai/test-model"));
            QCOMPARE(u.promptTokens, 1000);
            QCOMPARE(u.completionTokens, 500);
            QCOMPARE(u.totalTokens, 1500);
        }

        // A program that builds its own Prediction still reports both of its LM calls.
        TwoStep two;
        const Prediction p = two(ask(QStringLiteral("q9")), ctx);
        QCOMPARE(p.get(u"answer"), Value("q9"));
        QCOMPARE(p.lmUsage().value(QStringLiteral("openai/test-model")).totalTokens, 3000);

        const QHash<QString, UsageTracker::Entry> run = ctx.usage->perModel();
        QCOMPARE(run.size(), 1);
        const UsageTracker::Entry e = run.value(QStringLiteral("openai/test-model"));
        QCOMPARE(e.calls, 5);
        QCOMPARE(e.pricedCalls, 5);
        QCOMPARE(e.usage.promptTokens, 5000);
        QCOMPARE(e.usage.completionTokens, 2500);
        QCOMPARE(e.usage.totalTokens, 7500);
        // 1000 tokens at $1/M + 500 at $2/M = $0.002 per call.
        QCOMPARE(ctx.usage->totalCost(), 0.010);
        QVERIFY(!ctx.callUsage); // the per-call tracker never leaks into the caller's context
    }

    void failedCallStillCountsItsTokens()
    {
        auto echo = std::make_shared<EchoLM>();
        // Answers, but not in the signature's fields: both Chat and the JSON fallback fail.
        RunContext ctx(managed(echo, {}));
        ctx.usage = std::make_shared<UsageTracker>();
        Predict predict(Signature::parse(QStringLiteral("question -> verdict")).value());
        QVERIFY_THROWS_EXCEPTION(AdapterParseException, predict(ask(QStringLiteral("q1")), ctx));
        const UsageTracker::Entry e =
            ctx.usage->perModel().value(QStringLiteral("openai/test-model"));
        QCOMPARE(e.usage.totalTokens, 3000); // the Chat attempt and the JSON retry
        QCOMPARE(echo->requests.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TstCallbacks)
#include "tst_callbacks.moc"
