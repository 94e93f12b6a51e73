// ReAct overhead per step without LM time: an in-process ScriptedLM answers instantly, so the
// time is ReAct's own (trajectory formatting, adapter format + parse, tool dispatch, callbacks
// off). Prints µs per step (a step = one react call + one tool call; the extract call is counted
// apart). Run: build/release/tests/bench/bench_react [--runs N] [--steps S]
#include "lm/scriptedlm.h"
#include "modules/react.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace dspy;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int runs = 200;
    int steps = 5;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == u"--runs")
            runs = args[i + 1].toInt();
        if (args[i] == u"--steps")
            steps = args[i + 1].toInt();
    }
    const Tool echo(
        QStringLiteral("lookup"), QStringLiteral("Looks a key up."),
        Object{{QStringLiteral("key"), Object{{QStringLiteral("type"), Value("string")}}}},
        [](const Object& a) {
            return Value(QStringLiteral("value of ") + a.value(u"key").toString());
        });
    ReAct agent(Signature::fromString(u"question -> answer"), {echo}, steps);
    QList<Object> script;
    for (int i = 0; i < steps; ++i) {
        script.append(Object{{QStringLiteral("next_thought"), Value("Look it up again.")},
                             {QStringLiteral("next_tool_name"), Value("lookup")},
                             {QStringLiteral("next_tool_args"),
                              Value(Object{{QStringLiteral("key"), Value(QString::number(i))}})}});
    }
    script.append(Object{{QStringLiteral("reasoning"), Value("Found it.")},
                         {QStringLiteral("answer"), Value("42")}});
    const Example in{{QStringLiteral("question"), Value("What is the value?")}};

    qint64 totalNs = 0;
    for (int r = 0; r < runs + 5; ++r) {
        auto lm = std::make_shared<ScriptedLM>(script);
        RunContext ctx(lm);
        QElapsedTimer t;
        t.start();
        const Prediction p = agent(in, ctx);
        const qint64 ns = t.nsecsElapsed();
        if (p.get(u"answer") != Value("42"))
            return 1;
        if (r >= 5)
            totalNs += ns; // the first runs warm caches
    }
    const double perRun = double(totalNs) / runs / 1000.0;
    std::printf("ReAct, %d steps + extract, ScriptedLM: %.1f µs per run, %.1f µs per LM round "
                "(step or extract)\n",
                steps, perRun, perRun / (steps + 1));
    return 0;
}
