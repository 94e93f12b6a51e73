// The Chat -> JSON adapter fallback (one retry on a parse failure, visible in the report and the
// trace, switchable off) and the JSONAdapter's structured-output -> json_object fallback.

#include "adapters/chatadapter.h"
#include "adapters/jsonadapter.h"
#include "adapters/xmladapter.h"
#include "lm/scriptedlm.h"
#include "modules/predict.h"
#include "runtime/runcontext.h"
#include "signature/signature.h"

#include <QPromise>
#include <QTest>

using namespace dspy;

namespace {

Signature qa()
{
    return Signature::fromString(u"question -> answer");
}

const Object kInputs{{QStringLiteral("question"), "What is 2+2?"}};

// An LM that answers from a script of texts or errors, and can claim response_format support.
class StubLM final : public LM
{
public:
    struct Step
    {
        QString text;
        std::optional<LMError::Kind> error;
    };
    explicit StubLM(QList<Step> steps, bool responseFormat = false)
        : m_steps(std::move(steps))
        , m_responseFormat(responseFormat)
    {}
    QString model() const override { return QStringLiteral("stub"); }
    bool supportsResponseFormat() const override { return m_responseFormat; }
    bool supportsResponseSchema() const override { return m_responseFormat; }
    QFuture<LMResponse> call(const LMRequest& request) override
    {
        requests.append(request);
        LMResponse response;
        response.model = model();
        const Step step =
            m_steps.value(requests.size() - 1, Step{QStringLiteral("unscripted"), {}});
        if (step.error)
            response.error =
                std::make_shared<LMError>(*step.error, QStringLiteral("rejected"), 400);
        else
            response.outputs.append(LMOutput{step.text, {}, {}, QStringLiteral("stop")});
        QPromise<LMResponse> promise;
        promise.start();
        promise.addResult(response);
        promise.finish();
        return promise.future();
    }
    QList<LMRequest> requests;

private:
    QList<Step> m_steps;
    bool m_responseFormat;
};

QString responseFormatType(const LMRequest& r)
{
    return r.kwargs.value(u"response_format").toObject().value(u"type").toString();
}

} // namespace

class TestAdapterFallback : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chatParseFailureRetriesOnceWithJson();
    void fallbackIsRecordedInPredictTrace();
    void fallbackOffThrows();
    void bothFailThrowsJsonError();
    void lmErrorDoesNotFallBack();
    void xmlInheritsFallback();
    void emptyResponseIsParseError();
    void structuredOutputFallsBackToJsonObjectOnParseFailure();
    void structuredOutputRejectedByProvider();
    void otherLmErrorsPropagate();
    void chatThenStructuredThenJsonObject();
};

void TestAdapterFallback::chatParseFailureRetriesOnceWithJson()
{
    auto lm = ScriptedLM::raw(
        {QStringLiteral("I think it is 4."), QStringLiteral("{\"answer\": \"4\"}")});
    RunContext ctx(lm);
    AdapterCallReport report;
    const QList<Completion> out =
        ChatAdapter().callWithReport(*lm, {}, qa(), {}, kInputs, ctx, report);
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().value(u"answer"), Value("4"));

    const QList<LMRequest> requests = lm->requests();
    QCOMPARE(requests.size(), 2);
    QVERIFY(
        requests.at(0).messages.first().content.contains(QStringLiteral("[[ ## completed ## ]]")));
    QCOMPARE(requests.at(1).messages, JSONAdapter().format(qa(), {}, kInputs));
    QCOMPARE(report.adapter, QStringLiteral("JSONAdapter"));
    QCOMPARE(report.fallbackFrom, QStringLiteral("ChatAdapter"));
    QCOMPARE(report.fallbackReason,
             QStringLiteral("ChatAdapter: Adapter ChatAdapter failed to parse the LM response. "
                            "\n\nLM Response: I think it is 4. \n\nExpected to find output fields "
                            "in the LM response: [answer] \n\nActual output fields parsed from the "
                            "LM response: [] \n\n"));
    QCOMPARE(report.lmCalls, 2);
    QCOMPARE(report.rawCompletions, QStringList{QStringLiteral("{\"answer\": \"4\"}")});
    QCOMPARE(report.messages, requests.at(1).messages);
}

void TestAdapterFallback::fallbackIsRecordedInPredictTrace()
{
    auto lm =
        ScriptedLM::raw({QStringLiteral("no markers"), QStringLiteral("{\"answer\": \"4\"}")});
    RunContext ctx(lm);
    ctx.trace = std::make_shared<Trace>();
    Predict predict(qa());
    const Prediction p = predict.forward(Example(kInputs), ctx);
    QCOMPARE(p.get(u"answer"), Value("4"));
    const QList<TraceRecord> records = ctx.trace->snapshot();
    QCOMPARE(records.size(), 1);
    QCOMPARE(records.first().fallbackFrom, QStringLiteral("ChatAdapter"));
    QCOMPARE(records.first().adapter, QStringLiteral("JSONAdapter"));
    QCOMPARE(lm->requests().size(), 2);
}

void TestAdapterFallback::fallbackOffThrows()
{
    auto lm =
        ScriptedLM::raw({QStringLiteral("no markers"), QStringLiteral("{\"answer\": \"4\"}")});
    RunContext ctx(lm);
    try {
        ChatAdapter(false).call(*lm, {}, qa(), {}, kInputs, ctx);
        QFAIL("expected AdapterParseException");
    } catch (const AdapterParseException& e) {
        QCOMPARE(e.error().adapterName, QStringLiteral("ChatAdapter"));
        QCOMPARE(e.error().lmResponse, QStringLiteral("no markers"));
        QCOMPARE(QString::fromStdString(e.what()), e.error().toString());
    }
    QCOMPARE(lm->requests().size(), 1);
}

void TestAdapterFallback::bothFailThrowsJsonError()
{
    auto lm = ScriptedLM::raw({QStringLiteral("no markers"), QStringLiteral("still prose")});
    RunContext ctx(lm);
    AdapterCallReport report;
    try {
        ChatAdapter().callWithReport(*lm, {}, qa(), {}, kInputs, ctx, report);
        QFAIL("expected AdapterParseException");
    } catch (const AdapterParseException& e) {
        QCOMPARE(e.error().adapterName, QStringLiteral("JSONAdapter"));
        QCOMPARE(e.error().message,
                 QStringLiteral("LM response cannot be serialized to a JSON object."));
    }
    QCOMPARE(lm->requests().size(), 2);
    QCOMPARE(report.fallbackFrom, QStringLiteral("ChatAdapter"));
}

void TestAdapterFallback::lmErrorDoesNotFallBack()
{
    StubLM lm({{QString(), LMError::Kind::Auth}});
    RunContext ctx;
    try {
        ChatAdapter().call(lm, {}, qa(), {}, kInputs, ctx);
        QFAIL("expected LMError");
    } catch (const LMError& e) {
        QCOMPARE(e.kind(), LMError::Kind::Auth);
    }
    QCOMPARE(lm.requests.size(), 1);
}

void TestAdapterFallback::xmlInheritsFallback()
{
    StubLM lm(
        {{QStringLiteral("<answer>broken"), {}}, {QStringLiteral("{\"answer\": \"ok\"}"), {}}});
    RunContext ctx;
    AdapterCallReport report;
    const QList<Completion> out =
        XMLAdapter().callWithReport(lm, {}, qa(), {}, kInputs, ctx, report);
    QCOMPARE(out.first().value(u"answer"), Value("ok"));
    QCOMPARE(report.fallbackFrom, QStringLiteral("XMLAdapter"));
    QVERIFY(report.fallbackReason.startsWith(QStringLiteral("XMLAdapter: Failed to parse XML: ")));
}

void TestAdapterFallback::emptyResponseIsParseError()
{
    auto lm = ScriptedLM::raw({QString()});
    RunContext ctx(lm);
    try {
        ChatAdapter(false).call(*lm, {}, qa(), {}, kInputs, ctx);
        QFAIL("expected AdapterParseException");
    } catch (const AdapterParseException& e) {
        QCOMPARE(
            e.error().toString(),
            QStringLiteral("The LM returned an empty or null response.\n\nAdapter ChatAdapter "
                           "failed to parse the LM response. \n\nLM Response:  \n\nExpected to "
                           "find output fields in the LM response: [answer] \n\n"));
    }
}

void TestAdapterFallback::structuredOutputFallsBackToJsonObjectOnParseFailure()
{
    auto lm = ScriptedLM::raw({QStringLiteral("not json"), QStringLiteral("{\"answer\": \"4\"}")});
    lm->setSupportsResponseFormat(true);
    RunContext ctx(lm);
    AdapterCallReport report;
    const QList<Completion> out =
        JSONAdapter().callWithReport(*lm, {}, qa(), {}, kInputs, ctx, report);
    QCOMPARE(out.first().value(u"answer"), Value("4"));
    const QList<LMRequest> requests = lm->requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(responseFormatType(requests.at(0)), QStringLiteral("json_schema"));
    QCOMPARE(requests.at(1).kwargs.value(u"response_format").toJson(),
             QStringLiteral("{\"type\": \"json_object\"}"));
    QCOMPARE(report.fallbackFrom, QStringLiteral("JSONAdapter(json_schema)"));
    QVERIFY(report.fallbackReason.startsWith(
        QStringLiteral("JSONAdapter(json_schema): Failed to use structured output format, falling "
                       "back to JSON mode. LM response cannot be serialized to a JSON object.")));
    // ScriptedLM's own kwargs come first, as DSPy merges lm.kwargs before the call's config.
    QCOMPARE(requests.at(1).kwargs.keys(),
             (QStringList{QStringLiteral("temperature"), QStringLiteral("max_tokens"),
                          QStringLiteral("response_format")}));
}

void TestAdapterFallback::structuredOutputRejectedByProvider()
{
    StubLM lm(
        {{QString(), LMError::Kind::InvalidRequest}, {QStringLiteral("{\"answer\": \"x\"}"), {}}},
        true);
    RunContext ctx;
    AdapterCallReport report;
    const QList<Completion> out =
        JSONAdapter().callWithReport(lm, {}, qa(), {}, kInputs, ctx, report);
    QCOMPARE(out.first().value(u"answer"), Value("x"));
    QCOMPARE(lm.requests.size(), 2);
    QCOMPARE(responseFormatType(lm.requests.at(0)), QStringLiteral("json_schema"));
    QCOMPARE(responseFormatType(lm.requests.at(1)), QStringLiteral("json_object"));
    QCOMPARE(report.fallbackFrom, QStringLiteral("JSONAdapter(json_schema)"));
    QVERIFY(report.fallbackReason.contains(LMError::kindName(LMError::Kind::InvalidRequest)));
}

void TestAdapterFallback::otherLmErrorsPropagate()
{
    StubLM lm({{QString(), LMError::Kind::RateLimit}, {QStringLiteral("{\"answer\": \"x\"}"), {}}},
              true);
    RunContext ctx;
    try {
        JSONAdapter().call(lm, {}, qa(), {}, kInputs, ctx);
        QFAIL("expected LMError");
    } catch (const LMError& e) {
        QCOMPARE(e.kind(), LMError::Kind::RateLimit);
    }
    QCOMPARE(lm.requests.size(), 1);
}

void TestAdapterFallback::chatThenStructuredThenJsonObject()
{
    StubLM lm({{QStringLiteral("prose"), {}},
               {QStringLiteral("more prose"), {}},
               {QStringLiteral("{\"answer\": \"y\"}"), {}}},
              true);
    RunContext ctx;
    AdapterCallReport report;
    const QList<Completion> out =
        ChatAdapter().callWithReport(lm, {}, qa(), {}, kInputs, ctx, report);
    QCOMPARE(out.first().value(u"answer"), Value("y"));
    QCOMPARE(lm.requests.size(), 3);
    QVERIFY(!lm.requests.at(0).kwargs.contains(u"response_format"));
    QCOMPARE(responseFormatType(lm.requests.at(1)), QStringLiteral("json_schema"));
    QCOMPARE(responseFormatType(lm.requests.at(2)), QStringLiteral("json_object"));
    QCOMPARE(report.fallbackFrom, QStringLiteral("ChatAdapter, JSONAdapter(json_schema)"));
    QCOMPARE(report.lmCalls, 3);
}

QTEST_GUILESS_MAIN(TestAdapterFallback)
#include "tst_adapterfallback.moc"
