#include "evaluate/jsmetric.h"

#include "runtime/jssandbox.h"

#include <QFile>
#include <QFileInfo>
#include <QJSEngine>

#include <atomic>
#include <vector>

namespace dspy {

namespace {

struct Program
{
    quint64 id;
    QString source;
    QString fileName;
    int timeoutMs;
};

std::atomic<quint64> g_nextProgramId{1};

// The wrapper keeps a thrown value apart from a returned one (QJSValue::call hands back either).
const QString kWrapper =
    QStringLiteral("(function (example, prediction, trace) {\n"
                   "    try { return { ok: true, value: metric(example, prediction, trace) }; }\n"
                   "    catch (e) { return { ok: false, error: e }; }\n"
                   "})");

QString timeoutMessage(const Program& p)
{
    return QStringLiteral("%1: the metric took longer than %2 ms and was interrupted")
        .arg(p.fileName)
        .arg(p.timeoutMs);
}

QString describeError(const QJSValue& error, const QString& fileName)
{
    return JsSandbox::describeError(error, fileName);
}

QJSValue toJs(QJSEngine& engine, const Value& v)
{
    return JsSandbox::toJs(engine, v);
}

Value fromJs(const QJSValue& v)
{
    QString error;
    Value out = JsSandbox::fromJs(v, &error);
    if (!error.isEmpty())
        throw MetricError(QStringLiteral("the metric returned ") + error);
    return out;
}

Value traceToValue(const QList<TraceRecord>& trace)
{
    Array out;
    for (const TraceRecord& r : trace) {
        out.append(Value(Object{{QStringLiteral("predictor"), Value(r.predictor)},
                                {QStringLiteral("inputs"), Value(r.inputs)},
                                {QStringLiteral("outputs"), Value(r.prediction.toObject())}}));
    }
    return Value(std::move(out));
}

// A compiled program in one engine. Members in this order so the function dies before its engine.
struct CompiledMetric
{
    quint64 programId = 0;
    std::weak_ptr<const Program> program;
    std::unique_ptr<QJSEngine> engine;
    QJSValue call;
};

// Runs `what` on the engine under the program's time limit; throws MetricError on timeout.
template <typename F> QJSValue guarded(QJSEngine& engine, const Program& p, F what)
{
    bool timedOut = false;
    QJSValue result = JsSandbox::runGuarded(engine, p.timeoutMs, what, &timedOut);
    if (timedOut)
        throw MetricError(timeoutMessage(p));
    return result;
}

// Loads the program into a fresh engine: runs its top level, checks `metric`, builds the call.
std::unique_ptr<CompiledMetric> compile(const std::shared_ptr<const Program>& p)
{
    auto compiled = std::make_unique<CompiledMetric>();
    compiled->programId = p->id;
    compiled->program = p;
    compiled->engine = std::make_unique<QJSEngine>();
    QJSEngine& engine = *compiled->engine;
    const QJSValue loaded =
        guarded(engine, *p, [&] { return engine.evaluate(p->source, p->fileName, 1); });
    if (loaded.isError())
        throw MetricError(describeError(loaded, p->fileName));
    if (!engine.globalObject().property(QStringLiteral("metric")).isCallable()) {
        throw MetricError(QStringLiteral("%1: defines no function metric(example, prediction, "
                                         "trace)")
                              .arg(p->fileName));
    }
    compiled->call = engine.evaluate(kWrapper, QStringLiteral("<jsmetric wrapper>"), 1);
    if (!compiled->call.isCallable())
        throw MetricError(describeError(compiled->call, p->fileName));
    return compiled;
}

// QJSEngine is not thread-safe: each thread keeps its own engines, one per live program.
thread_local std::vector<std::unique_ptr<CompiledMetric>> t_engines;

CompiledMetric& engineFor(const std::shared_ptr<const Program>& p)
{
    std::erase_if(t_engines,
                  [](const std::unique_ptr<CompiledMetric>& c) { return c->program.expired(); });
    for (auto& c : t_engines) {
        if (c->programId == p->id)
            return *c;
    }
    t_engines.push_back(compile(p));
    return *t_engines.back();
}

Value runMetric(const std::shared_ptr<const Program>& p, const Example& gold,
                const Prediction& prediction, const QList<TraceRecord>* trace)
{
    CompiledMetric& c = engineFor(p);
    QJSEngine& engine = *c.engine;
    const QJSValueList args{
        toJs(engine, Value(gold.toObject())), toJs(engine, Value(prediction.toObject())),
        trace ? toJs(engine, traceToValue(*trace)) : QJSValue(QJSValue::NullValue)};
    const QJSValue result = guarded(engine, *p, [&] { return c.call.call(args); });
    if (result.isError())
        throw MetricError(describeError(result, p->fileName));
    if (!result.property(QStringLiteral("ok")).toBool())
        throw MetricError(describeError(result.property(QStringLiteral("error")), p->fileName));
    return fromJs(result.property(QStringLiteral("value")));
}

} // namespace

Expected<Metric, QString> JsMetric::fromSource(const QString& source, const QString& fileName,
                                               const JsMetricOptions& options)
{
    if (options.timeoutMs <= 0)
        return unexpected(QStringLiteral("the time limit must be positive"));
    auto program = std::make_shared<const Program>(
        Program{g_nextProgramId.fetch_add(1), source, fileName, options.timeoutMs});
    // Compile once here so a broken script fails at load time, where the user can fix it.
    try {
        compile(program);
    } catch (const MetricError& e) {
        return unexpected(e.message());
    }
    QString name = options.name;
    if (name.isEmpty())
        name = QFileInfo(fileName).completeBaseName();
    return Metric(name, SimpleMetricFn([program](const Example& gold, const Prediction& prediction,
                                                 const QList<TraceRecord>* trace) {
                      return runMetric(program, gold, prediction, trace);
                  }));
}

Expected<Metric, QString> JsMetric::fromFile(const QString& path, const JsMetricOptions& options)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(QStringLiteral("%1: %2").arg(path, file.errorString()));
    const QString source = QString::fromUtf8(file.readAll());
    return fromSource(source, QFileInfo(path).fileName(), options);
}

int JsMetric::enginesOnThisThread()
{
    std::erase_if(t_engines,
                  [](const std::unique_ptr<CompiledMetric>& c) { return c->program.expired(); });
    return int(t_engines.size());
}

} // namespace dspy
