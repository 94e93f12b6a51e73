#include "evaluate/jsmetric.h"

#include "runtime/jsfunction.h"

#include <QFile>
#include <QFileInfo>

namespace dspy {

namespace {

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

} // namespace

Expected<Metric, QString> JsMetric::fromSource(const QString& source, const QString& fileName,
                                               const JsMetricOptions& options)
{
    JsFunctionSpec spec;
    spec.source = source;
    spec.fileName = fileName;
    spec.functionName = QStringLiteral("metric");
    spec.functionSignature = QStringLiteral("metric(example, prediction, trace)");
    spec.what = QStringLiteral("the metric");
    spec.timeoutMs = options.timeoutMs;
    // Compiled once here so a broken script fails at load time, where the user can fix it.
    auto function = JsFunction::compile(std::move(spec));
    if (!function)
        return unexpected(function.error());
    QString name = options.name;
    if (name.isEmpty())
        name = QFileInfo(fileName).completeBaseName();
    return Metric(name, SimpleMetricFn([fn = std::move(function.value())](
                                           const Example& gold, const Prediction& prediction,
                                           const QList<TraceRecord>* trace) {
                      try {
                          return fn.call({Value(gold.toObject()), Value(prediction.toObject()),
                                          trace ? traceToValue(*trace) : Value()});
                      } catch (const JsError& e) {
                          throw MetricError(e.message());
                      }
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
    return JsFunction::enginesOnThisThread();
}

} // namespace dspy
