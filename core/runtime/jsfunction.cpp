#include "runtime/jsfunction.h"

#include "runtime/jssandbox.h"

#include <atomic>
#include <functional>
#include <vector>

namespace dspy {

namespace {

std::atomic<quint64> g_nextProgramId{1};

// The wrapper keeps a thrown value apart from a returned one (QJSValue::call hands back either).
const QString kWrapper =
    QStringLiteral("(function (f, args) {\n"
                   "    try { return { ok: true, value: f.apply(null, args) }; }\n"
                   "    catch (e) { return { ok: false, error: e }; }\n"
                   "})");

} // namespace

struct JsFunction::Program
{
    quint64 id;
    JsFunctionSpec spec;
};

namespace {

// A compiled program in one sandbox. Members in this order so the functions die before the
// engine.
struct Compiled
{
    explicit Compiled(int timeoutMs)
        : sandbox(timeoutMs)
    {}
    quint64 programId = 0;
    std::weak_ptr<const JsFunction::Program> program;
    JsSandbox sandbox;
    QJSValue function;
    QJSValue wrapper;
};

QString timeoutMessage(const JsFunctionSpec& s)
{
    return QStringLiteral("%1: %2 took longer than %3 ms and was interrupted")
        .arg(s.fileName, s.what)
        .arg(s.timeoutMs);
}

// Runs `what` in the sandbox under the program's time limit; throws JsError on time-out.
QJSValue guarded(JsSandbox& sandbox, const JsFunctionSpec& s, const std::function<QJSValue()>& what)
{
    bool timedOut = false;
    QJSValue result = sandbox.run(what, &timedOut);
    if (timedOut)
        throw JsError(timeoutMessage(s), true);
    return result;
}

// Loads the program into a fresh engine: runs its top level, finds the function, builds the call.
std::unique_ptr<Compiled> compileIn(const std::shared_ptr<const JsFunction::Program>& p)
{
    const JsFunctionSpec& s = p->spec;
    auto compiled = std::make_unique<Compiled>(s.timeoutMs);
    compiled->programId = p->id;
    compiled->program = p;
    JsSandbox& sandbox = compiled->sandbox;
    QJSEngine& engine = sandbox.engine();
    const QJSValue loaded =
        guarded(sandbox, s, [&] { return engine.evaluate(s.source, s.fileName, 1); });
    if (loaded.isError())
        throw JsError(JsSandbox::describeError(loaded, s.fileName));
    compiled->function = engine.globalObject().property(s.functionName);
    if (!compiled->function.isCallable()) {
        throw JsError(QStringLiteral("%1: defines no function %2")
                          .arg(s.fileName, s.functionSignature.isEmpty() ? s.functionName
                                                                         : s.functionSignature));
    }
    compiled->wrapper = engine.evaluate(kWrapper, QStringLiteral("<jsfunction wrapper>"), 1);
    if (!compiled->wrapper.isCallable())
        throw JsError(JsSandbox::describeError(compiled->wrapper, s.fileName));
    return compiled;
}

// QJSEngine is not thread-safe: each thread keeps its own engines, one per live program.
thread_local std::vector<std::unique_ptr<Compiled>> t_engines;

Compiled& engineFor(const std::shared_ptr<const JsFunction::Program>& p)
{
    std::erase_if(t_engines,
                  [](const std::unique_ptr<Compiled>& c) { return c->program.expired(); });
    for (auto& c : t_engines) {
        if (c->programId == p->id)
            return *c;
    }
    t_engines.push_back(compileIn(p));
    return *t_engines.back();
}

} // namespace

JsFunction::JsFunction(std::shared_ptr<const Program> program)
    : m_program(std::move(program))
{}

Expected<JsFunction, QString> JsFunction::compile(JsFunctionSpec spec)
{
    if (spec.timeoutMs <= 0)
        return unexpected(QStringLiteral("the time limit must be positive"));
    auto program =
        std::make_shared<const Program>(Program{g_nextProgramId.fetch_add(1), std::move(spec)});
    try {
        compileIn(program);
    } catch (const JsError& e) {
        return unexpected(e.message());
    }
    return JsFunction(std::move(program));
}

Value JsFunction::call(const QList<Value>& args) const
{
    Compiled& c = engineFor(m_program);
    QJSEngine& engine = c.sandbox.engine();
    const JsFunctionSpec& s = m_program->spec;
    QJSValue jsArgs = engine.newArray(uint(args.size()));
    for (qsizetype i = 0; i < args.size(); ++i)
        jsArgs.setProperty(quint32(i), JsSandbox::toJs(engine, args.at(i)));
    const QJSValue result = guarded(c.sandbox, s, [&] {
        return c.wrapper.call(QJSValueList{c.function, jsArgs});
    });
    if (result.isError())
        throw JsError(JsSandbox::describeError(result, s.fileName));
    if (!result.property(QStringLiteral("ok")).toBool()) {
        throw JsError(
            JsSandbox::describeError(result.property(QStringLiteral("error")), s.fileName));
    }
    QString error;
    Value value = JsSandbox::fromJs(result.property(QStringLiteral("value")), &error);
    if (!error.isEmpty())
        throw JsError(QStringLiteral("%1 returned %2").arg(s.what, error));
    return value;
}

const JsFunctionSpec& JsFunction::spec() const
{
    return m_program->spec;
}

int JsFunction::enginesOnThisThread()
{
    std::erase_if(t_engines,
                  [](const std::unique_ptr<Compiled>& c) { return c->program.expired(); });
    return int(t_engines.size());
}

} // namespace dspy
