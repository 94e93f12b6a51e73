#include "lm/scriptedlm.h"
#include "modules/predict.h"
#include "runtime/runcontext.h"

#include <QPromise>
#include <QTest>
#include <QThread>

using namespace dspy;

namespace {

LMRequest request(const QString& lastUser, Object kwargs = {})
{
    LMRequest r;
    r.model = QStringLiteral("dummy");
    r.messages = {{QStringLiteral("system"), QStringLiteral("sys")},
                  {QStringLiteral("user"), lastUser}};
    r.kwargs = std::move(kwargs);
    return r;
}

QStringList texts(const LMResponse& r)
{
    QStringList out;
    for (const LMOutput& o : r.outputs)
        out.append(o.text);
    return out;
}

// An LM whose call fails the way the HTTP clients report failures: in the response.
class FailingLM final : public LM
{
public:
    QString model() const override { return QStringLiteral("failing"); }
    QFuture<LMResponse> call(const LMRequest&) override
    {
        LMResponse r;
        auto e =
            std::make_shared<LMError>(LMError::Kind::RateLimit, QStringLiteral("slow down"), 429);
        e->retryAfterSeconds = 2;
        r.error = e;
        QPromise<LMResponse> p;
        p.start();
        p.addResult(r);
        p.finish();
        return p.future();
    }
};

} // namespace

class TstScriptedLM : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersInOrderThenExhausted()
    {
        ScriptedLM lm({Object{{"answer", Value("red")}},
                       Object{{"reasoning", Value("r")}, {"answer", Value(5)}}});
        QCOMPARE(texts(lm.callBlocking(request("q"))), QStringList{"[[ ## answer ## ]]\nred"});
        QCOMPARE(texts(lm.callBlocking(request("q"))),
                 QStringList{"[[ ## reasoning ## ]]\nr\n\n[[ ## answer ## ]]\n5"});
        QCOMPARE(texts(lm.callBlocking(request("q"))),
                 QStringList{"[[ ## answer ## ]]\nNo more responses"});
    }

    void listValuesRenderAsJsonNotAsBlobList()
    {
        // DummyLM's output fields carry no annotation, so a list is not the «» str-list format.
        ScriptedLM lm({Object{{"tags", Array{Value("a"), Value("b")}}, {"ok", Value(true)}}});
        QCOMPARE(texts(lm.callBlocking(request("q"))),
                 QStringList{"[[ ## tags ## ]]\n[\"a\", \"b\"]\n\n[[ ## ok ## ]]\nTrue"});
    }

    void responseShape()
    {
        ScriptedLM lm({Object{{"answer", Value("x")}}});
        const LMResponse r = lm.callBlocking(request("q"));
        QCOMPARE(r.model, QStringLiteral("dummy"));
        QCOMPARE(r.outputs.size(), 1);
        QCOMPARE(r.outputs.first().finishReason, QStringLiteral("stop"));
        QVERIFY(r.usage.isZero());
        QVERIFY(!r.cacheHit);
        QVERIFY(!r.error);
        QCOMPARE(lm.model(), QStringLiteral("dummy"));
        QCOMPARE(Value(lm.kwargs()).toJson(),
                 QStringLiteral("{\"temperature\": 0.0, \"max_tokens\": 1000}"));
    }

    void honoursN()
    {
        ScriptedLM lm({Object{{"answer", Value("1")}}, Object{{"answer", Value("2")}},
                       Object{{"answer", Value("3")}}});
        const LMResponse r = lm.callBlocking(request("q", Object{{"n", Value(2)}}));
        QCOMPARE(texts(r), QStringList({"[[ ## answer ## ]]\n1", "[[ ## answer ## ]]\n2"}));
        QCOMPARE(texts(lm.callBlocking(request("q"))), QStringList{"[[ ## answer ## ]]\n3"});
    }

    void bySubstringUsesTheLastMessage()
    {
        auto lm = ScriptedLM::bySubstring(
            {{QStringLiteral("sky"), Object{{"answer", Value("blue")}}},
             {QStringLiteral("grass"), Object{{"answer", Value("green")}}}});
        QCOMPARE(texts(lm->callBlocking(request("What color is the grass?"))),
                 QStringList{"[[ ## answer ## ]]\ngreen"});
        QCOMPARE(texts(lm->callBlocking(request("the sky and the grass"))),
                 QStringList{"[[ ## answer ## ]]\nblue"});
        // No key matches: the bare text, not a formatted field.
        QCOMPARE(texts(lm->callBlocking(request("sea"))), QStringList{"No more responses"});
        // Only the last message counts.
        LMRequest r = request("sea");
        r.messages.first().content = QStringLiteral("sky");
        QCOMPARE(texts(lm->callBlocking(r)), QStringList{"No more responses"});
    }

    void rawReturnsTextsVerbatim()
    {
        auto lm =
            ScriptedLM::raw({QStringLiteral("not a marker"), QStringLiteral("{\"answer\": 1}")});
        QCOMPARE(texts(lm->callBlocking(request("q"))), QStringList{"not a marker"});
        QCOMPARE(texts(lm->callBlocking(request("q"))), QStringList{"{\"answer\": 1}"});
        QCOMPARE(texts(lm->callBlocking(request("q"))), QStringList{"No more responses"});
    }

    void jsonAdapterFormatsAnswersAsJson()
    {
        ScriptedLM lm({Object{{"answer", Value("x")}, {"n", Value(2)}}}, false,
                      makeAdapter(QStringLiteral("json")));
        QCOMPARE(texts(lm.callBlocking(request("q"))),
                 QStringList{"{\n  \"answer\": \"x\",\n  \"n\": 2\n}"});
    }

    void recordsRequests()
    {
        ScriptedLM lm(QList<Object>{});
        lm.callBlocking(request("first", Object{{"temperature", Value(0.5)}}));
        lm.callBlocking(request("second"));
        const QList<LMRequest> rs = lm.requests();
        QCOMPARE(rs.size(), 2);
        QCOMPARE(rs.at(0).messages.last().content, QStringLiteral("first"));
        QCOMPARE(rs.at(0).kwargs.value(u"temperature"), Value(0.5));
        QCOMPARE(rs.at(1).messages.last().content, QStringLiteral("second"));
    }

    void followExamplesCopiesTheMatchingDemo()
    {
        auto lm =
            std::make_shared<ScriptedLM>(QList<Object>{Object{{"answer", Value("red")}}}, true);
        Predict predict(Signature::fromString(u"question -> answer"));
        predict.demos() = {
            Example{{"question", Value("What color is the sky?")}, {"answer", Value("blue")}},
            Example{{"question", Value("What color is grass?")}, {"answer", Value("green")}}};
        RunContext ctx(lm);
        const Prediction p = predict(Example{{"question", Value("What color is the sky?")}}, ctx);
        QCOMPARE(p.get(QStringLiteral("answer")), Value("blue"));
        const Prediction g = predict(Example{{"question", Value("What color is grass?")}}, ctx);
        QCOMPARE(g.get(QStringLiteral("answer")), Value("green"));
    }

    void followExamplesWithoutMatchReturnsEmptyText()
    {
        ScriptedLM lm(QList<Object>{}, true);
        LMRequest r;
        r.messages = {
            {QStringLiteral("system"), QStringLiteral("s")},
            {QStringLiteral("user"), QStringLiteral("[[ ## question ## ]]\nA")},
            {QStringLiteral("assistant"), QStringLiteral("[[ ## answer ## ]]\nx")},
            {QStringLiteral("user"), QStringLiteral("[[ ## question ## ]]\nB\n\nRespond")}};
        QCOMPARE(texts(lm.callBlocking(r)), QStringList{QString()});
        r.messages.last().content = QStringLiteral("[[ ## question ## ]]\nA\n\nRespond");
        QCOMPARE(texts(lm.callBlocking(r)), QStringList{"[[ ## answer ## ]]\nx"});
    }

    void callBlockingThrowsTheResponsesError()
    {
        FailingLM lm;
        try {
            lm.callBlocking(request("q"));
            QFAIL("no exception");
        } catch (const LMError& e) {
            QCOMPARE(e.kind(), LMError::Kind::RateLimit);
            QCOMPARE(e.message(), QStringLiteral("slow down"));
            QCOMPARE(e.status(), 429);
            QCOMPARE(e.retryAfterSeconds, 2.0);
            QVERIFY(e.isRetryable());
        }
    }

    void errorKindNames()
    {
        QCOMPARE(LMError::kindName(LMError::Kind::RateLimit), QStringLiteral("LMRateLimitError"));
        QCOMPARE(LMError::kindName(LMError::Kind::ContextWindowExceeded),
                 QStringLiteral("ContextWindowExceededError"));
        QCOMPARE(LMError::kindName(LMError::Kind::UnsupportedModel),
                 QStringLiteral("LMUnsupportedModelError"));
        QCOMPARE(LMError::kindName(LMError::Kind::Auth), QStringLiteral("LMAuthError"));
        QCOMPARE(LMError::kindName(LMError::Kind::NotConfigured),
                 QStringLiteral("LMNotConfiguredError"));
        QCOMPARE(LMError::kindName(LMError::Kind::Transport), QStringLiteral("LMTransportError"));
        QVERIFY(LMError(LMError::Kind::Server, "x").isRetryable());
        QVERIFY(LMError(LMError::Kind::Timeout, "x").isRetryable());
        QVERIFY(LMError(LMError::Kind::Transport, "x").isRetryable());
        QVERIFY(!LMError(LMError::Kind::Auth, "x").isRetryable());
        QVERIFY(!LMError(LMError::Kind::InvalidRequest, "x").isRetryable());
        QVERIFY(!LMError(LMError::Kind::ContextWindowExceeded, "x").isRetryable());
        QCOMPARE(QString::fromUtf8(LMError(LMError::Kind::Auth, "bad key").what()),
                 QStringLiteral("bad key"));
    }

    void traceIsABoundedFifo()
    {
        Trace trace(3);
        for (int i = 0; i < 5; ++i) {
            TraceRecord r;
            r.predictor = QString::number(i);
            trace.append(r);
        }
        const QList<TraceRecord> records = trace.snapshot();
        QCOMPARE(records.size(), 3);
        QCOMPARE(records.first().predictor, QStringLiteral("2"));
        QCOMPARE(records.last().predictor, QStringLiteral("4"));
        trace.clear();
        QCOMPARE(trace.size(), 0);

        Trace off(0);
        off.append(TraceRecord{});
        QCOMPARE(off.size(), 0);
    }

    void traceAcceptsConcurrentAppends()
    {
        Trace trace(100000);
        QList<QThread*> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([&trace] {
                for (int i = 0; i < 1000; ++i)
                    trace.append(TraceRecord{});
            }));
            threads.last()->start();
        }
        for (QThread* t : threads) {
            t->wait();
            delete t;
        }
        QCOMPARE(trace.size(), 4000);
    }

    void cancellation()
    {
        RunContext ctx;
        ctx.throwIfCancelled(); // no token: never cancelled
        ctx.cancellation = std::make_shared<CancellationToken>();
        QVERIFY(!ctx.isCancelled());
        ctx.cancellation->cancel();
        QVERIFY(ctx.child().isCancelled());
        QVERIFY_THROWS_EXCEPTION(Cancelled, ctx.throwIfCancelled());
    }
};

QTEST_GUILESS_MAIN(TstScriptedLM)
#include "tst_scriptedlm.moc"
