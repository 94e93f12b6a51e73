// JavaScript metrics: conversion, errors with line numbers, the time limit, the sandbox and one
// engine per thread.

#include "evaluate/jsmetric.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QtConcurrent>

#include <atomic>

using namespace dspy;

namespace {

Prediction pred(Object fields)
{
    Prediction p;
    for (const auto& [k, v] : fields)
        p.set(k, v);
    return p;
}

Metric load(const QString& source, JsMetricOptions options = {})
{
    auto m = JsMetric::fromSource(source, QStringLiteral("metric.js"), options);
    if (!m)
        qFatal("unexpected load error: %s", qPrintable(m.error()));
    return *m;
}

QString callError(const Metric& m, const Example& gold = {}, const Prediction& p = {})
{
    RunContext ctx;
    try {
        m(gold, p, nullptr, ctx);
    } catch (const MetricError& e) {
        return e.message();
    }
    return QStringLiteral("<no error>");
}

const QString kExact = QStringLiteral(
    "function metric(example, prediction, trace) {\n"
    "    return example.answer.trim().toLowerCase() === prediction.answer.trim().toLowerCase();\n"
    "}\n");

} // namespace

class TestJsMetric : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scoresAndConversions()
    {
        const Metric m = load(kExact);
        QCOMPARE(m.name, QStringLiteral("metric"));
        RunContext ctx;
        QCOMPARE(m(Example{{"answer", "Paris"}}, pred({{"answer", " paris "}}), nullptr, ctx),
                 Value(true));
        QCOMPARE(m(Example{{"answer", "Paris"}}, pred({{"answer", "Rome"}}), nullptr, ctx),
                 Value(false));

        // Values cross both ways: nested lists/objects, ints, null; an object with a score.
        const Metric echo = load(QStringLiteral(
            "function metric(example, prediction, trace) {\n"
            "  return { score: example.n / 4, seen: [example.list.length, example.obj.k,\n"
            "           example.none === null, typeof example.n, trace === null,\n"
            "           Object.keys(prediction).join(',')] };\n"
            "}\n"));
        const Value out = echo(Example{{"n", 1},
                                       {"list", Array{1, "a", Value()}},
                                       {"obj", Object{{"k", "v"}}},
                                       {"none", Value()}},
                               pred({{"b", 1}, {"a", 2}}), nullptr, ctx);
        QCOMPARE(out.toJson(), QStringLiteral(R"({"score": 0.25, "seen": [3, "v", true, )"
                                              R"("number", true, "b,a"]})"));
        QCOMPARE(*metricScore(out), 0.25);

        // While bootstrapping the trace arrives as {predictor, inputs, outputs} records.
        const Metric traced = load(QStringLiteral(
            "function metric(example, prediction, trace) {\n"
            "  if (trace === null) return 0.5;\n"
            "  return trace.length === 1 && trace[0].predictor === 'generate.predict' &&\n"
            "         trace[0].inputs.q === 'x' && trace[0].outputs.a === 'y';\n"
            "}\n"));
        TraceRecord record;
        record.predictor = QStringLiteral("generate.predict");
        record.inputs = Object{{"q", "x"}};
        record.prediction = pred({{"a", "y"}});
        const QList<TraceRecord> trace{record};
        QCOMPARE(traced(Example(), Prediction(), nullptr, ctx), Value(0.5));
        QCOMPARE(traced(Example(), Prediction(), &trace, ctx), Value(true));
    }

    void errorsNameTheLine()
    {
        const auto syntax = JsMetric::fromSource(
            QStringLiteral("function metric(e, p, t) {\n  var a = 1;\n  return a +;\n}\n"));
        QVERIFY(!syntax);
        QVERIFY2(syntax.error().startsWith(u"metric.js:3: SyntaxError: "),
                 qPrintable(syntax.error()));

        const Metric ref = load(QStringLiteral(
            "function metric(example, prediction) {\n  var a = 1;\n  return x;\n}\n"));
        QCOMPARE(callError(ref), QStringLiteral("metric.js:3: ReferenceError: x is not defined"));

        const Metric thrown = load(QStringLiteral(
            "function metric(example, prediction) {\n  throw new Error('custom failure');\n}\n"));
        QCOMPARE(callError(thrown), QStringLiteral("metric.js:2: Error: custom failure"));

        const Metric typeError = load(QStringLiteral(
            "function metric(example, prediction) {\n\n  return example.missing.length;\n}\n"));
        QVERIFY2(callError(typeError).startsWith(u"metric.js:3: TypeError: "),
                 qPrintable(callError(typeError)));

        const Metric thrownString =
            load(QStringLiteral("function metric() { throw 'plain string'; }"));
        QCOMPARE(callError(thrownString),
                 QStringLiteral("metric.js: uncaught exception: plain string"));

        const auto noFunction = JsMetric::fromSource(QStringLiteral("var metric = 3;\n"));
        QVERIFY(!noFunction);
        QCOMPARE(noFunction.error(),
                 QStringLiteral("metric.js: defines no function metric(example, prediction, "
                                "trace)"));

        const auto topLevel = JsMetric::fromSource(QStringLiteral("\n\nundefinedCall();\n"));
        QVERIFY(!topLevel);
        QCOMPARE(topLevel.error(),
                 QStringLiteral("metric.js:3: ReferenceError: undefinedCall is not defined"));
    }

    void fromFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("judge_len.js"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("// scores by length\nfunction metric(example, prediction) {\n"
                "  return prediction.answer.length / 10 + y;\n}\n");
        f.close();
        const auto m = JsMetric::fromFile(path);
        QVERIFY(m);
        QCOMPARE(m->name, QStringLiteral("judge_len"));
        QCOMPARE(callError(*m, Example(), pred({{"answer", "abc"}})),
                 QStringLiteral("judge_len.js:3: ReferenceError: y is not defined"));

        const auto missing = JsMetric::fromFile(dir.filePath(QStringLiteral("nope.js")));
        QVERIFY(!missing);
        QVERIFY(missing.error().startsWith(dir.filePath(QStringLiteral("nope.js")) +
                                           QStringLiteral(": ")));
    }

    void infiniteLoopIsInterrupted()
    {
        JsMetricOptions options;
        options.timeoutMs = 150;
        const Metric m = load(QStringLiteral("function metric(example, prediction) {\n"
                                             "  if (example.spin) { while (true) {} }\n"
                                             "  return 1;\n"
                                             "}\n"),
                              options);
        QCOMPARE(callError(m, Example{{"spin", true}}),
                 QStringLiteral("metric.js: the metric took longer than 150 ms and was "
                                "interrupted"));
        // The engine stays usable after an interruption.
        RunContext ctx;
        QCOMPARE(m(Example{{"spin", false}}, Prediction(), nullptr, ctx), Value(1));
        QCOMPARE(callError(m, Example{{"spin", true}}),
                 QStringLiteral("metric.js: the metric took longer than 150 ms and was "
                                "interrupted"));

        const auto topLevel =
            JsMetric::fromSource(QStringLiteral("for (;;) {}\nfunction metric() { return 1; }\n"),
                                 QStringLiteral("loop.js"), options);
        QVERIFY(!topLevel);
        QCOMPARE(topLevel.error(),
                 QStringLiteral("loop.js: the metric took longer than 150 ms and was "
                                "interrupted"));
        QVERIFY(!JsMetric::fromSource(kExact, QStringLiteral("m.js"), JsMetricOptions{0, {}}));
    }

    void sandboxHasNoHostAccess()
    {
        const Metric probe = load(QStringLiteral(
            "function metric() {\n"
            "  return [typeof require, typeof console, typeof XMLHttpRequest, typeof fetch,\n"
            "          typeof setTimeout, typeof print, typeof gc,\n"
            "          typeof Qt === 'undefined' || typeof Qt.include === 'undefined'];\n"
            "}\n"));
        RunContext ctx;
        QCOMPARE(probe(Example(), Prediction(), nullptr, ctx).toJson(),
                 QStringLiteral(R"(["undefined", "undefined", "undefined", "undefined", )"
                                R"("undefined", "undefined", "undefined", true])"));
        // Dynamic import would read a file. Qt 6.4's engine has no import(): such a script does
        // not load at all. (Should a later Qt add it, this fails and the sandbox needs a look.)
        const auto importer = JsMetric::fromSource(QStringLiteral(
            "var loaded = 'no';\n"
            "try { import('/etc/hostname').then(function () { loaded = 'yes'; }); } catch (e) {}\n"
            "function metric() { return loaded; }\n"));
        QVERIFY(!importer);
        QVERIFY2(importer.error().startsWith(u"metric.js:2: SyntaxError: "),
                 qPrintable(importer.error()));
    }

    void oneEnginePerThreadConcurrently()
    {
        const Metric m = load(kExact);
        JsMetricOptions fast;
        fast.timeoutMs = 200;
        const Metric spinner = load(QStringLiteral("function metric() { while (true) {} }"), fast);
        QThreadPool pool;
        pool.setMaxThreadCount(6);
        std::atomic<int> wrong{0};
        std::atomic<int> interrupted{0};
        std::atomic<int> maxEngines{0};
        QList<QFuture<void>> futures;
        for (int t = 0; t < 6; ++t) {
            futures.append(QtConcurrent::run(&pool, [&, t] {
                RunContext ctx;
                for (int i = 0; i < 150; ++i) {
                    const QString answer = QStringLiteral("a%1-%2").arg(t).arg(i);
                    const bool same = i % 3 != 0;
                    const Value v =
                        m(Example{{"answer", answer}},
                          pred({{"answer", same ? answer.toUpper() : "other"}}), nullptr, ctx);
                    if (v != Value(same))
                        ++wrong;
                    if (t == 0 && i == 75) {
                        try {
                            spinner(Example(), Prediction(), nullptr, ctx);
                        } catch (const MetricError&) {
                            ++interrupted;
                        }
                    }
                }
                const int engines = JsMetric::enginesOnThisThread();
                int seen = maxEngines.load();
                while (engines > seen && !maxEngines.compare_exchange_weak(seen, engines)) {
                }
            }));
        }
        for (QFuture<void>& f : futures)
            f.waitForFinished();
        QCOMPARE(wrong.load(), 0);
        QCOMPARE(interrupted.load(), 1);
        // Thread 0 holds the two programs' engines; the others one each.
        QCOMPARE(maxEngines.load(), 2);
    }

    void compiledOncePerThread()
    {
        // The engine and its globals persist between calls on a thread; another thread starts
        // with its own.
        const Metric counter = load(
            QStringLiteral("var calls = 0;\nfunction metric() { calls += 1; return calls; }\n"));
        RunContext ctx;
        QCOMPARE(counter(Example(), Prediction(), nullptr, ctx), Value(1));
        QCOMPARE(counter(Example(), Prediction(), nullptr, ctx), Value(2));
        QThreadPool pool;
        const Value other = QtConcurrent::run(&pool, [&] {
                                RunContext c;
                                return counter(Example(), Prediction(), nullptr, c);
                            }).result();
        QCOMPARE(other, Value(1));
        QCOMPARE(counter(Example(), Prediction(), nullptr, ctx), Value(3));
    }

    void enginesOfDeadMetricsAreDropped()
    {
        {
            const Metric m = load(kExact);
            RunContext ctx;
            m(Example{{"answer", "a"}}, pred({{"answer", "a"}}), nullptr, ctx);
            QCOMPARE(JsMetric::enginesOnThisThread(), 1);
        }
        QCOMPARE(JsMetric::enginesOnThisThread(), 0);
    }
};

QTEST_GUILESS_MAIN(TestJsMetric)
#include "tst_jsmetric.moc"
