#pragma once

// Metrics written in JavaScript, run in QJSEngine.
//
// The script defines a function named `metric`:
//
//     // metric.js
//     function metric(example, prediction, trace) {
//         // example, prediction: plain objects of their fields ({question: "...", answer: "..."})
//         // trace: null when evaluating; while bootstrapping, an array of
//         //        {predictor, inputs, outputs} (then return a bool, as DSPy's convention asks)
//         return example.answer.trim() === prediction.answer.trim() ? 1.0 : 0.0;
//     }
//
// It returns a bool, a number or an object with a numeric `score`. Strings, numbers, bools,
// null, arrays and objects convert both ways; ints arrive as JS numbers.
//
// Sandbox: a bare QJSEngine (ECMAScript only: no console, require, timers, files, network or QML
// imports). Each call has a time limit (default 1000 ms); a watchdog thread interrupts a call that
// overruns. There is no memory limit. Each worker thread gets its own engine (QJSEngine is not
// thread-safe), which compiles the script once.
//
// Errors name the file and line: "metric.js:3: ReferenceError: x is not defined". A syntax error
// is reported by fromSource()/fromFile(); errors during a call are thrown as MetricError.

#include "evaluate/metric.h"

namespace dspy {

struct JsMetricOptions
{
    int timeoutMs = 1000;
    QString name; // the metric's name; empty: the file's base name ("metric")
};

class JsMetric
{
public:
    static Expected<Metric, QString>
    fromSource(const QString& source, const QString& fileName = QStringLiteral("metric.js"),
               const JsMetricOptions& options = {});
    static Expected<Metric, QString> fromFile(const QString& path,
                                              const JsMetricOptions& options = {});

    // Engines alive on the calling thread (for tests of the per-thread cache).
    static int enginesOnThisThread();
};

} // namespace dspy
