#pragma once

// JsFunction — one JavaScript function, run in a sandboxed QJSEngine under a time limit. Shared by
// JavaScript metrics (evaluate/jsmetric.h) and JavaScript tools (modules/tool.h).
//
// Sandbox: a JsSandbox (runtime/jssandbox.h): a bare QJSEngine (ECMAScript only) whose every call
// runs under a time limit enforced by the process's one watchdog thread; no memory limit. This
// file adds only what a named function needs: the per-thread engine cache, the call wrapper and
// JsError. QJSEngine is not thread-safe: each thread that calls gets its own sandbox per function,
// which runs the script's top level once.
//
// Errors name the file and line: "metric.js:3: ReferenceError: x is not defined".

#include "data/value.h"
#include "runtime/expected.h"

#include <memory>
#include <stdexcept>

namespace dspy {

// A script error, a time-out or a value that does not convert.
class JsError : public std::runtime_error
{
public:
    explicit JsError(const QString& message, bool timedOut = false)
        : std::runtime_error(message.toStdString())
        , m_message(message)
        , m_timedOut(timedOut)
    {}
    const QString& message() const { return m_message; }
    bool timedOut() const { return m_timedOut; }

private:
    QString m_message;
    bool m_timedOut;
};

struct JsFunctionSpec
{
    QString source;
    QString fileName = QStringLiteral("script.js");
    QString functionName;      // a global function the source defines
    QString functionSignature; // for the "defines no function" error, e.g. "metric(a, b)"
    QString what = QStringLiteral("the script"); // "the metric", "the tool": for error texts
    int timeoutMs = 1000;
};

class JsFunction
{
public:
    // Runs the top level once on the calling thread, so a broken script fails here.
    static Expected<JsFunction, QString> compile(JsFunctionSpec spec);

    // Calls the function with these arguments on this thread's engine. Ints arrive as JS numbers;
    // a null Value is JS null. The result converts back (integral numbers become ints).
    // Throws JsError for a thrown exception, a time-out, or an unconvertible result.
    Value call(const QList<Value>& args) const;

    const JsFunctionSpec& spec() const;

    // Engines alive on the calling thread, over all functions (for tests of the per-thread cache).
    static int enginesOnThisThread();

    struct Program;

private:
    explicit JsFunction(std::shared_ptr<const Program> program);
    std::shared_ptr<const Program> m_program;
};

} // namespace dspy
