#include "lm/scriptedlm.h"
#include "modules/chainofthought.h"
#include "modules/predict.h"

#include <QMutex>
#include <QPromise>
#include <QTest>

using namespace dspy;

namespace {

// An LM with chosen default kwargs that answers every completion with "[[ ## answer ## ]]\nok".
class FakeLM final : public LM
{
public:
    explicit FakeLM(Object kwargs = {}, QString model = QStringLiteral("fake/model"))
        : m_kwargs(std::move(kwargs))
        , m_model(std::move(model))
    {}
    QString model() const override { return m_model; }
    Object kwargs() const override { return m_kwargs; }
    QFuture<LMResponse> call(const LMRequest& request) override
    {
        requests.append(request);
        LMResponse r;
        r.model = m_model;
        const qint64 n =
            request.kwargs.value(u"n").isInt() ? request.kwargs.value(u"n").toInt() : 1;
        for (qint64 i = 0; i < n; ++i)
            r.outputs.append(
                LMOutput{QStringLiteral("[[ ## answer ## ]]\nok %1").arg(i), {}, {}, "stop"});
        r.usage = LMUsage{10, 2, 12, 0};
        QPromise<LMResponse> p;
        p.start();
        p.addResult(r);
        p.finish();
        return p.future();
    }
    QList<LMRequest> requests;

private:
    Object m_kwargs;
    QString m_model;
};

Example ask(const QString& question)
{
    return Example{{QStringLiteral("question"), Value(question)}};
}

} // namespace

class TstPredict : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void predictsWithScriptedLM()
    {
        auto lm = std::make_shared<ScriptedLM>(QList<Object>{Object{{"answer", Value("4")}}});
        Predict predict(Signature::fromString(u"question -> answer: int"));
        RunContext ctx(lm);
        const Prediction p = predict(ask(QStringLiteral("What is 2+2?")), ctx);
        QCOMPARE(p.keys(), QStringList{"answer"});
        QCOMPARE(p.get(QStringLiteral("answer")), Value(4));
        QVERIFY(p.get(QStringLiteral("answer")).isInt());
        QCOMPARE(p.completions().size(), 1);

        const QList<LMRequest> requests = lm->requests();
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests.first().messages.size(), 2);
        QCOMPARE(requests.first().messages.first().role, QStringLiteral("system"));
        QCOMPARE(
            requests.first().messages.last().content,
            QStringLiteral("[[ ## question ## ]]\nWhat is 2+2?\n\nRespond with the corresponding "
                           "output fields, starting with the field `[[ ## answer ## ]]` (must be "
                           "formatted as a valid Python int), and then ending with the marker for "
                           "`[[ ## completed ## ]]`."));
        QCOMPARE(requests.first().model, QStringLiteral("dummy"));
    }

    void demosBecomeMessagePairs()
    {
        auto lm = std::make_shared<ScriptedLM>(QList<Object>{Object{{"answer", Value("4")}}});
        Predict predict(Signature::fromString(u"question -> answer"));
        predict.demos().append(Example{{"question", Value("1+1?")}, {"answer", Value("2")}});
        RunContext ctx(lm);
        predict(ask(QStringLiteral("2+2?")), ctx);
        const QList<ChatMessage> m = lm->requests().first().messages;
        QCOMPARE(m.size(), 4);
        QCOMPARE(m.at(1), (ChatMessage{"user", "[[ ## question ## ]]\n1+1?"}));
        QCOMPARE(m.at(2),
                 (ChatMessage{"assistant", "[[ ## answer ## ]]\n2\n\n[[ ## completed ## ]]\n"}));

        // Per-call demos replace the predictor's.
        PredictCallOptions options;
        options.demos = QList<Example>{};
        lm = std::make_shared<ScriptedLM>(QList<Object>{Object{{"answer", Value("4")}}});
        ctx.lm = lm;
        predict.call(ask(QStringLiteral("2+2?")), ctx, options);
        QCOMPARE(lm->requests().first().messages.size(), 2);
    }

    void lmResolutionOrder()
    {
        auto ctxLm = std::make_shared<FakeLM>(Object{}, QStringLiteral("ctx"));
        auto ownLm = std::make_shared<FakeLM>(Object{}, QStringLiteral("own"));
        auto callLm = std::make_shared<FakeLM>(Object{}, QStringLiteral("call"));
        Predict predict(Signature::fromString(u"question -> answer"));
        RunContext ctx(ctxLm);

        predict(ask("q"), ctx);
        QCOMPARE(ctxLm->requests.size(), 1);

        predict.setLM(ownLm);
        predict(ask("q"), ctx);
        QCOMPARE(ownLm->requests.size(), 1);
        QCOMPARE(ctxLm->requests.size(), 1);

        PredictCallOptions options;
        options.lm = callLm;
        predict.call(ask("q"), ctx, options);
        QCOMPARE(callLm->requests.size(), 1);
        QCOMPARE(ownLm->requests.size(), 1);
    }

    void noLMIsAClearError()
    {
        Predict predict(Signature::fromString(u"question -> answer"));
        RunContext ctx;
        try {
            predict(ask("q"), ctx);
            QFAIL("no exception");
        } catch (const LMError& e) {
            QCOMPARE(e.kind(), LMError::Kind::NotConfigured);
            QVERIFY2(e.message().startsWith(QStringLiteral("No LM is loaded.")),
                     qPrintable(e.message()));
        }
    }

    void temperatureRule_data()
    {
        QTest::addColumn<QString>("lmKwargs");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("expected");
        QTest::newRow("n>1, lm temperature 0.0") << R"({"temperature": 0.0})"
                                                 << R"({"n": 3})"
                                                 << R"({"n": 3, "temperature": 0.7})";
        QTest::newRow("n>1, no temperature") << "{}"
                                             << R"({"n": 2})"
                                             << R"({"n": 2, "temperature": 0.7})";
        QTest::newRow("n>1, config temperature 0.1") << "{}"
                                                     << R"({"temperature": 0.1, "n": 2})"
                                                     << R"({"temperature": 0.7, "n": 2})";
        QTest::newRow("n>1, temperature 0.15 is still cold") << R"({"temperature": 0.15})"
                                                             << R"({"n": 2})"
                                                             << R"({"n": 2, "temperature": 0.7})";
        QTest::newRow("n>1, warm config kept") << "{}"
                                               << R"({"temperature": 0.5, "n": 2})"
                                               << R"({"temperature": 0.5, "n": 2})";
        QTest::newRow("n>1, warm lm kept") << R"({"temperature": 1.0})"
                                           << R"({"n": 2})"
                                           << R"({"n": 2})";
        // Python's `or`: config temperature 0.0 falls through to the LM's 1.0.
        QTest::newRow("config 0.0 falls through to warm lm") << R"({"temperature": 1.0})"
                                                             << R"({"temperature": 0.0, "n": 2})"
                                                             << R"({"temperature": 0.0, "n": 2})";
        QTest::newRow("n from lm kwargs") << R"({"n": 4})"
                                          << "{}"
                                          << R"({"temperature": 0.7})";
        QTest::newRow("num_generations from lm kwargs")
            << R"({"num_generations": 2, "temperature": 0.0})"
            << "{}"
            << R"({"temperature": 0.7})";
        QTest::newRow("n=1 untouched") << "{}"
                                       << R"({"n": 1})"
                                       << R"({"n": 1})";
        QTest::newRow("None values kept") << "{}"
                                          << R"({"stop": null})"
                                          << R"({"stop": null})";
    }

    void temperatureRule()
    {
        QFETCH(QString, lmKwargs);
        QFETCH(QString, config);
        QFETCH(QString, expected);
        FakeLM lm(Value::fromJson(lmKwargs)->toObject());
        Predict predict(Signature::fromString(u"question -> answer"));
        QCOMPARE(Value(predict.effectiveConfig(lm, Value::fromJson(config)->toObject())).toJson(),
                 expected);
    }

    void requestKwargsMergeLmThenConfig()
    {
        auto lm = std::make_shared<FakeLM>(
            Object{{"temperature", Value(0.0)}, {"max_tokens", Value(1000)}, {"top_p", Value()}});
        Predict predict(Signature::fromString(u"question -> answer"),
                        Object{{"n", Value(2)}, {"max_tokens", Value(50)}});
        RunContext ctx(lm);
        PredictCallOptions options;
        options.config = Object{{"stop", Value()}, {"n", Value(3)}};
        const Prediction p = predict.call(ask("q"), ctx, options);
        QCOMPARE(
            Value(lm->requests.first().kwargs).toJson(),
            QStringLiteral("{\"temperature\": 0.7, \"max_tokens\": 50, \"top_p\": null, \"n\": 3, "
                           "\"stop\": null}"));
        QCOMPARE(p.completions().size(), 3);
        QCOMPARE(p.get(QStringLiteral("answer")), Value("ok 0"));
        QCOMPARE(Value(p.completionValues(u"answer")).toJson(),
                 QStringLiteral("[\"ok 0\", \"ok 1\", \"ok 2\"]"));
        // The predictor's own config is not changed by a call.
        QCOMPARE(Value(predict.state().config).toJson(),
                 QStringLiteral("{\"n\": 2, \"max_tokens\": 50}"));
    }

    void usageIsAddedPerModel()
    {
        auto lm = std::make_shared<FakeLM>();
        Predict predict(Signature::fromString(u"question -> answer"));
        RunContext ctx(lm);
        const Prediction p = predict(ask("q"), ctx);
        QCOMPARE(p.lmUsage().size(), 1);
        QCOMPARE(p.lmUsage().value(QStringLiteral("fake/model")).totalTokens, 12);
        QCOMPARE(p.lmUsage().value(QStringLiteral("fake/model")).promptTokens, 10);
    }

    void missingInputsWarnButProceed()
    {
        auto lm = std::make_shared<FakeLM>();
        Predict predict(Signature::fromString(u"question, context -> answer"));
        RunContext ctx(lm);
        QTest::ignoreMessage(QtWarningMsg,
                             "Not all input fields were provided to module. Present: ['question']. "
                             "Missing: ['context'].");
        const Prediction p = predict(ask("q"), ctx);
        QCOMPARE(p.get(QStringLiteral("answer")), Value("ok 0"));
        QCOMPARE(lm->requests.size(), 1);
    }

    void missingInputsWithDefaultsAreFilled()
    {
        Field context = makeInputField(QStringLiteral("context"), TypeSpec::list(TypeSpec::str()));
        context.defaultValue = Value(Array{});
        const Signature sig =
            Signature::fromFields({makeInputField(QStringLiteral("question")), context},
                                  {makeOutputField(QStringLiteral("answer"))});
        auto lm = std::make_shared<FakeLM>();
        Predict predict(sig);
        RunContext ctx(lm);
        ctx.trace = std::make_shared<Trace>();
        predict(ask("q"), ctx); // no warning: the default fills it
        QCOMPARE(lm->requests.first().messages.last().content.section(QStringLiteral("\n\nRespond"),
                                                                      0, 0),
                 QStringLiteral("[[ ## question ## ]]\nq\n\n[[ ## context ## ]]\n[]"));
        QCOMPARE(Value(ctx.trace->snapshot().first().inputs).toJson(),
                 QStringLiteral("{\"question\": \"q\", \"context\": []}"));
    }

    void extraInputsWarnAndAreIgnored()
    {
        auto lm = std::make_shared<FakeLM>();
        Predict predict(Signature::fromString(u"question -> answer"));
        RunContext ctx(lm);
        QTest::ignoreMessage(
            QtWarningMsg, "Input contains fields not in signature. These fields will be ignored: "
                          "['hint']. Expected fields: ['question'].");
        predict(Example{{"question", Value("q")}, {"hint", Value("h")}}, ctx);
        QVERIFY(!lm->requests.first().messages.last().content.contains(QStringLiteral("hint")));
    }

    void predictedOutputsMoveToLmKwargs()
    {
        auto lm = std::make_shared<FakeLM>();
        Predict predict(Signature::fromString(u"question -> answer"));
        RunContext ctx(lm);
        const Value predicted = Object{{"type", Value("content")}, {"content", Value("draft")}};
        predict(Example{{"question", Value("q")}, {"prediction", predicted}}, ctx);
        QCOMPARE(lm->requests.first().kwargs.value(u"prediction"), predicted);
    }

    void traceRecordsTheCall()
    {
        auto lm = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{"reasoning", Value("Because.")}, {"answer", Value("4")}}});
        ChainOfThought cot(Signature::fromString(u"question -> answer"));
        RunContext ctx(lm);
        ctx.trace = std::make_shared<Trace>();
        const Prediction p = cot(ask("2+2?"), ctx);
        QCOMPARE(p.keys(), QStringList({"reasoning", "answer"}));
        const QList<TraceRecord> records = ctx.trace->snapshot();
        QCOMPARE(records.size(), 1);
        const TraceRecord& r = records.first();
        QCOMPARE(r.predictor, QStringLiteral("predict"));
        QCOMPARE(Value(r.inputs).toJson(), QStringLiteral("{\"question\": \"2+2?\"}"));
        QCOMPARE(r.prediction.get(QStringLiteral("answer")), Value("4"));
        QCOMPARE(r.messages, lm->requests().first().messages);
        QCOMPARE(r.rawCompletions,
                 QStringList{"[[ ## reasoning ## ]]\nBecause.\n\n[[ ## answer ## ]]\n4"});
        QCOMPARE(r.adapter, QStringLiteral("ChatAdapter"));
        QVERIFY(r.fallbackFrom.isEmpty());
        QVERIFY(r.error.isEmpty());
    }

    void noTraceWithoutATrace()
    {
        auto lm = std::make_shared<FakeLM>();
        Predict predict(Signature::fromString(u"question -> answer"));
        RunContext ctx(lm);
        predict(ask("q"), ctx);
        QVERIFY(!ctx.trace);
    }

    void parseFailureThrowsAndIsTraced()
    {
        auto lm =
            ScriptedLM::raw({QStringLiteral("no markers here"), QStringLiteral("still nothing")});
        Predict predict(Signature::fromString(u"question -> answer: int"));
        RunContext ctx(lm);
        ctx.trace = std::make_shared<Trace>();
        QVERIFY_THROWS_EXCEPTION(AdapterParseException, predict(ask("q"), ctx));
        const QList<TraceRecord> records = ctx.trace->snapshot();
        QVERIFY(!records.isEmpty());
        QVERIFY(!records.last().error.isEmpty());
        QVERIFY(records.last().prediction.keys().isEmpty());
    }

    void chainOfThoughtExtendsTheSignature()
    {
        const Signature base =
            Signature::fromString(u"question -> answer: int", QStringLiteral("Be brief."));
        const Signature s = ChainOfThought::extend(base);
        QCOMPARE(s.outputNames(), QStringList({"reasoning", "answer"}));
        QCOMPARE(s.inputNames(), QStringList{"question"});
        const Field* reasoning = s.field(u"reasoning");
        QVERIFY(reasoning);
        QVERIFY(!reasoning->isInput);
        QVERIFY(reasoning->type.isStr());
        QCOMPARE(reasoning->prefix, QStringLiteral("Reasoning:"));
        QCOMPARE(reasoning->description, QString());
        QCOMPARE(reasoning->savedDescription(), QStringLiteral("${reasoning}"));
        QCOMPARE(s.instructions(), QStringLiteral("Be brief."));

        ChainOfThought cot(base, Object{{"temperature", Value(0.3)}});
        QVERIFY(cot.predict().signature().equals(s));
        QCOMPARE(Value(cot.predict().state().config).toJson(),
                 QStringLiteral("{\"temperature\": 0.3}"));
        const QList<NamedPredictor> named = cot.namedPredictors();
        QCOMPARE(named.size(), 1);
        QCOMPARE(named.first().path, QStringLiteral("predict"));
        QCOMPARE(named.first().predictor, &cot.predict());
    }

    void namedPathOfABarePredictIsSelf()
    {
        Predict predict(Signature::fromString(u"question -> answer"));
        QCOMPARE(predict.namedPredictors().first().path, QStringLiteral("self"));
    }

    void cloneIsIndependent()
    {
        ChainOfThought cot(Signature::fromString(u"question -> answer"));
        std::unique_ptr<Module> copy = cot.clone();
        auto* copied = dynamic_cast<ChainOfThought*>(copy.get());
        QVERIFY(copied);
        copied->predict().demos().append(Example{{"question", Value("q")}, {"answer", Value("a")}});
        copied->predict().state().instructions = QStringLiteral("Changed.");
        QVERIFY(cot.predict().demos().isEmpty());
        QVERIFY(!cot.predict().state().instructions.has_value());
        QCOMPARE(copied->namedPredictors().first().predictor, &copied->predict());
    }

    void stateInstructionsApplyToCalls()
    {
        auto lm = std::make_shared<FakeLM>();
        Predict predict(Signature::fromString(u"question -> answer"));
        predict.state().instructions = QStringLiteral("Answer in French.");
        RunContext ctx(lm);
        predict(ask("q"), ctx);
        QVERIFY(lm->requests.first().messages.first().content.endsWith(
            QStringLiteral("your objective is: \n        Answer in French.")));
    }

    void cancelledContextStopsBeforeTheLM()
    {
        auto lm = std::make_shared<FakeLM>();
        Predict predict(Signature::fromString(u"question -> answer"));
        RunContext ctx(lm);
        ctx.cancellation = std::make_shared<CancellationToken>();
        ctx.cancellation->cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled, predict(ask("q"), ctx));
        QVERIFY(lm->requests.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstPredict)
#include "tst_predict.moc"
