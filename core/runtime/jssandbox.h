#pragma once

// JsSandbox — one bare QJSEngine (ECMAScript only: no console, require, timers, files, network or
// QML imports) whose evaluations run under a time limit. A single watchdog thread serves every
// engine of the process: it sleeps until the earliest deadline and interrupts that engine
// (QJSEngine::setInterrupted is the one call safe from another thread). There is no memory limit.
//
// QJSEngine is not thread-safe: use a sandbox on the thread that created it. The one
// implementation of the time limit and of the Value <-> JS conversions: ProgramOfThought uses it
// directly, JavaScript metrics and tools through JsFunction (runtime/jsfunction.h).

#include "data/value.h"

#include <QJSEngine>
#include <QJSValue>

#include <functional>
#include <memory>

namespace dspy {

class JsSandbox
{
public:
    explicit JsSandbox(int timeoutMs = 1000);

    QJSEngine& engine() { return *m_engine; }
    int timeoutMs() const { return m_timeoutMs; }
    void setTimeoutMs(int timeoutMs) { m_timeoutMs = timeoutMs; }

    // Runs `what` on this engine under the time limit. *timedOut (required) tells whether the
    // watchdog interrupted it; the engine is usable again afterwards.
    QJSValue run(const std::function<QJSValue()>& what, bool* timedOut);
    // engine().evaluate() under the time limit.
    QJSValue evaluate(const QString& source, const QString& fileName, bool* timedOut,
                      int lineNumber = 1);

    // The same on any engine (for callers that keep their own engines).
    static QJSValue runGuarded(QJSEngine& engine, int timeoutMs,
                               const std::function<QJSValue()>& what, bool* timedOut);

    // Values both ways: strings, numbers (integral ones as ints), bools, null, arrays and objects;
    // undefined and functions become null. fromJs() stops at 64 levels of nesting (a cyclic
    // structure) and then sets *error.
    static QJSValue toJs(QJSEngine& engine, const Value& v);
    static Value fromJs(const QJSValue& v, QString* error, int depth = 0);

    // "file.js:3: ReferenceError: x is not defined" (the error's own fileName is a URL, so the
    // file is named as the caller names it); a thrown non-Error: "file.js: uncaught exception: …".
    static QString describeError(const QJSValue& error, const QString& fileName);

private:
    std::unique_ptr<QJSEngine> m_engine;
    int m_timeoutMs;
};

} // namespace dspy
