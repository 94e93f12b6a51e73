#pragma once

// Metric — scores a program's Prediction against a gold Example.
//
// DSPy's convention, kept here: a metric is called (gold, prediction, trace). `trace` is null when
// Evaluate scores a program and points at the program's trace records while an optimizer
// bootstraps demos; a metric should then return a bool (keep this demo or not), otherwise a
// number (a score, usually in [0, 1]). Evaluate sums metricScore() of what the metric returns.
//
// The RunContext is the example's: the LM, cancellation and usage tracker of the run, so a metric
// that asks an LM (SemanticF1, CompleteAndGrounded) is cancelled and accounted with the run.
// A metric reports a failure by throwing; Evaluate counts it as an error of that example.
//
//     Metric m(QStringLiteral("contains_answer"),
//              [](const Example& gold, const Prediction& pred, const QList<TraceRecord>*) {
//                  return Value(pred.get(u"answer").toString().contains(gold.get(u"answer")
//                                                                         .toString()));
//              });

#include "data/example.h"
#include "runtime/expected.h"
#include "runtime/runcontext.h"

#include <functional>
#include <stdexcept>

namespace dspy {

using MetricFn = std::function<Value(const Example& gold, const Prediction& prediction,
                                     const QList<TraceRecord>* trace, RunContext& ctx)>;
// The same without the context, for metrics that need no LM.
using SimpleMetricFn = std::function<Value(const Example& gold, const Prediction& prediction,
                                           const QList<TraceRecord>* trace)>;

struct Metric
{
    // The score column's name in saved results (DSPy: the function's __name__).
    QString name;
    MetricFn fn;

    Metric() = default;
    Metric(QString name, MetricFn fn);
    Metric(QString name, SimpleMetricFn fn);

    bool isValid() const { return bool(fn); }
    Value operator()(const Example& gold, const Prediction& prediction,
                     const QList<TraceRecord>* trace, RunContext& ctx) const
    {
        return fn(gold, prediction, trace, ctx);
    }
};

// What a metric throws for a bad result or input (not for an LM or cancellation error, which keep
// their own types).
class MetricError : public std::runtime_error
{
public:
    explicit MetricError(const QString& message)
        : std::runtime_error(message.toStdString())
    {}
    QString message() const { return QString::fromUtf8(what()); }
};

// float(value) as Evaluate sums it: a bool is 0 or 1, a number itself, an object with a "score"
// (DSPy's Prediction(score=...)) that score; anything else is an error naming the value.
Expected<double, QString> metricScore(const Value& value);

} // namespace dspy
