// Format + parse of "question, context: list[str] -> answer" with 4 demos, per adapter, and a full
// Predict call on an offline LM. Python DSPy's Predict with DummyLM costs 0.9-1.2 ms of CPU per
// call on the reference machine; the goal here is <= 10 us per format + parse.

#include "adapters/adapter.h"
#include "lm/scriptedlm.h"
#include "modules/predict.h"

#include <QPromise>

#include <benchmark/benchmark.h>

using namespace dspy;

namespace {

const Signature& signature()
{
    static const Signature sig = Signature::fromString(u"question, context: list[str] -> answer");
    return sig;
}

QList<Example> demos()
{
    QList<Example> out;
    for (int i = 0; i < 4; ++i) {
        out.append(Example{
            {"question", Value(QStringLiteral("What is %1 + %1?").arg(i))},
            {"context", Array{Value(QStringLiteral("Addition adds numbers.")),
                              Value(QStringLiteral("%1 doubled is %2.").arg(i).arg(2 * i))}},
            {"answer", Value(QString::number(2 * i))}});
    }
    return out;
}

Object inputs()
{
    return Object{{"question", Value("What is 21 + 21?")},
                  {"context", Array{Value("Addition adds numbers."), Value("21 doubled is 42.")}}};
}

QString completionFor(const QString& adapterName)
{
    if (adapterName == QLatin1String("json"))
        return QStringLiteral("{\n  \"answer\": \"42\"\n}");
    return QStringLiteral("[[ ## answer ## ]]\n42\n\n[[ ## completed ## ]]");
}

void formatAndParse(benchmark::State& state, const QString& adapterName)
{
    const AdapterPtr adapter = makeAdapter(adapterName);
    const QList<Example> ds = demos();
    const Object in = inputs();
    const QString completion = completionFor(adapterName);
    for (auto _ : state) {
        QList<ChatMessage> messages = adapter->format(signature(), ds, in);
        benchmark::DoNotOptimize(messages);
        ParseResult parsed = adapter->parse(signature(), completion);
        if (!parsed)
            state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(parsed);
    }
}

void formatOnly(benchmark::State& state, const QString& adapterName)
{
    const AdapterPtr adapter = makeAdapter(adapterName);
    const QList<Example> ds = demos();
    const Object in = inputs();
    for (auto _ : state) {
        QList<ChatMessage> messages = adapter->format(signature(), ds, in);
        benchmark::DoNotOptimize(messages);
    }
}

void parseOnly(benchmark::State& state, const QString& adapterName)
{
    const AdapterPtr adapter = makeAdapter(adapterName);
    const QString completion = completionFor(adapterName);
    for (auto _ : state) {
        ParseResult parsed = adapter->parse(signature(), completion);
        benchmark::DoNotOptimize(parsed);
    }
}

void BM_ChatAdapter_FormatParse(benchmark::State& s)
{
    formatAndParse(s, QStringLiteral("chat"));
}
void BM_JSONAdapter_FormatParse(benchmark::State& s)
{
    formatAndParse(s, QStringLiteral("json"));
}
void BM_ChatAdapter_Format(benchmark::State& s)
{
    formatOnly(s, QStringLiteral("chat"));
}
void BM_ChatAdapter_Parse(benchmark::State& s)
{
    parseOnly(s, QStringLiteral("chat"));
}
void BM_JSONAdapter_Format(benchmark::State& s)
{
    formatOnly(s, QStringLiteral("json"));
}
void BM_JSONAdapter_Parse(benchmark::State& s)
{
    parseOnly(s, QStringLiteral("json"));
}

// The same answer to every request, without ScriptedLM's request log, for long runs.
class ConstantLM final : public LM
{
public:
    QString model() const override { return QStringLiteral("constant"); }
    QFuture<LMResponse> call(const LMRequest&) override
    {
        LMResponse r;
        r.model = model();
        r.outputs.append(LMOutput{
            QStringLiteral("[[ ## answer ## ]]\n42\n\n[[ ## completed ## ]]"), {}, {}, "stop"});
        QPromise<LMResponse> p;
        p.start();
        p.addResult(std::move(r));
        p.finish();
        return p.future();
    }
};

void predictCall(benchmark::State& state, const LMPtr& lm)
{
    Predict predict(signature());
    predict.demos() = demos();
    RunContext ctx(lm);
    const Example in(inputs());
    for (auto _ : state) {
        Prediction p = predict(in, ctx);
        benchmark::DoNotOptimize(p);
    }
}

void BM_Predict_ScriptedLM(benchmark::State& state)
{
    // bySubstring keeps answering; it also logs every request, hence the bounded iteration count.
    predictCall(state, ScriptedLM::bySubstring(
                           {{QStringLiteral("question"), Object{{"answer", Value("42")}}}}));
}

void BM_Predict_ConstantLM(benchmark::State& state)
{
    predictCall(state, std::make_shared<ConstantLM>());
}

void BM_Predict_ConstantLM_Traced(benchmark::State& state)
{
    Predict predict(signature());
    predict.demos() = demos();
    RunContext ctx(std::make_shared<ConstantLM>());
    ctx.trace = std::make_shared<Trace>(1000);
    const Example in(inputs());
    for (auto _ : state) {
        Prediction p = predict(in, ctx);
        benchmark::DoNotOptimize(p);
    }
}

} // namespace

BENCHMARK(BM_ChatAdapter_FormatParse);
BENCHMARK(BM_JSONAdapter_FormatParse);
BENCHMARK(BM_ChatAdapter_Format);
BENCHMARK(BM_ChatAdapter_Parse);
BENCHMARK(BM_JSONAdapter_Format);
BENCHMARK(BM_JSONAdapter_Parse);
BENCHMARK(BM_Predict_ScriptedLM)->Iterations(20000);
BENCHMARK(BM_Predict_ConstantLM);
BENCHMARK(BM_Predict_ConstantLM_Traced);

BENCHMARK_MAIN();
