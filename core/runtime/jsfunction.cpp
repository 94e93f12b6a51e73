#include "runtime/jsfunction.h"

#include <QJSEngine>
#include <QJSValueIterator>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace dspy {

namespace {

using Clock = std::chrono::steady_clock;

// One thread for every engine of the process: it sleeps until the earliest deadline and then
// interrupts that engine (QJSEngine::setInterrupted is the one call safe from another thread).
class Watchdog
{
public:
    static Watchdog& instance()
    {
        static Watchdog watchdog;
        return watchdog;
    }

    quint64 arm(QJSEngine* engine, int timeoutMs)
    {
        std::lock_guard lock(m_mutex);
        const quint64 token = m_next++;
        m_entries.emplace(token,
                          Entry{engine, Clock::now() + std::chrono::milliseconds(timeoutMs)});
        m_wake.notify_one();
        return token;
    }

    // True when the watchdog interrupted the call. After this returns the watchdog no longer
    // touches the engine.
    bool disarm(quint64 token)
    {
        std::lock_guard lock(m_mutex);
        auto it = m_entries.find(token);
        const bool fired = it != m_entries.end() && it->second.fired;
        if (it != m_entries.end())
            m_entries.erase(it);
        return fired;
    }

private:
    struct Entry
    {
        QJSEngine* engine;
        Clock::time_point deadline;
        bool fired = false;
    };

    Watchdog()
        : m_thread([this] { loop(); })
    {}
    ~Watchdog()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }

    void loop()
    {
        std::unique_lock lock(m_mutex);
        while (!m_stop) {
            std::optional<Clock::time_point> earliest;
            const auto now = Clock::now();
            for (auto& [token, entry] : m_entries) {
                if (entry.fired)
                    continue;
                if (entry.deadline <= now) {
                    entry.engine->setInterrupted(true);
                    entry.fired = true;
                } else if (!earliest || entry.deadline < *earliest) {
                    earliest = entry.deadline;
                }
            }
            if (earliest)
                m_wake.wait_until(lock, *earliest);
            else
                m_wake.wait(lock);
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::map<quint64, Entry> m_entries;
    quint64 m_next = 1;
    bool m_stop = false;
    std::thread m_thread; // last: started once the members it uses exist
};

std::atomic<quint64> g_nextProgramId{1};

// The wrapper keeps a thrown value apart from a returned one (QJSValue::call hands back either).
const QString kWrapper =
    QStringLiteral("(function (f, args) {\n"
                   "    try { return { ok: true, value: f.apply(null, args) }; }\n"
                   "    catch (e) { return { ok: false, error: e }; }\n"
                   "})");

QString describeError(const QJSValue& error, const QString& fileName)
{
    if (error.isError()) {
        // The error's own fileName is a URL ("file:metric.js"): name the file as the user did.
        const QJSValue line = error.property(QStringLiteral("lineNumber"));
        if (line.isNumber() && line.toInt() > 0) {
            return QStringLiteral("%1:%2: %3")
                .arg(fileName)
                .arg(line.toInt())
                .arg(error.toString());
        }
        return QStringLiteral("%1: %2").arg(fileName, error.toString());
    }
    return QStringLiteral("%1: uncaught exception: %2").arg(fileName, error.toString());
}

QJSValue toJs(QJSEngine& engine, const Value& v)
{
    switch (v.type()) {
    case Value::Type::Null:
        return QJSValue(QJSValue::NullValue);
    case Value::Type::Bool:
        return QJSValue(v.toBool());
    case Value::Type::Int:
        return QJSValue(double(v.toInt()));
    case Value::Type::Float:
        return QJSValue(v.toDouble());
    case Value::Type::String:
        return QJSValue(v.toString());
    case Value::Type::Array: {
        const Array& a = v.toArray();
        QJSValue out = engine.newArray(uint(a.size()));
        for (qsizetype i = 0; i < a.size(); ++i)
            out.setProperty(quint32(i), toJs(engine, a[i]));
        return out;
    }
    case Value::Type::Object: {
        QJSValue out = engine.newObject();
        for (const auto& [key, value] : v.toObject())
            out.setProperty(key, toJs(engine, value));
        return out;
    }
    }
    return QJSValue(QJSValue::UndefinedValue);
}

Value fromJs(const QJSValue& v, const QString& what, int depth = 0)
{
    // A cyclic structure would recurse forever; nothing sensible is that deep.
    if (depth > 64)
        throw JsError(QStringLiteral("%1 returned a structure nested too deeply").arg(what));
    if (v.isBool())
        return Value(v.toBool());
    if (v.isNumber()) {
        const double d = v.toNumber();
        if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9007199254740992.0)
            return Value(qint64(d));
        return Value(d);
    }
    if (v.isString())
        return Value(v.toString());
    if (v.isArray()) {
        Array out;
        const int n = v.property(QStringLiteral("length")).toInt();
        for (int i = 0; i < n; ++i)
            out.append(fromJs(v.property(quint32(i)), what, depth + 1));
        return Value(std::move(out));
    }
    if (v.isObject() && !v.isCallable()) {
        Object out;
        for (QJSValueIterator it(v); it.hasNext();) {
            it.next();
            out.insert(it.name(), fromJs(it.value(), what, depth + 1));
        }
        return Value(std::move(out));
    }
    return Value(); // null, undefined, functions
}

} // namespace

struct JsFunction::Program
{
    quint64 id;
    JsFunctionSpec spec;
};

namespace {

// A compiled program in one engine. Members in this order so the functions die before the engine.
struct Compiled
{
    quint64 programId = 0;
    std::weak_ptr<const JsFunction::Program> program;
    std::unique_ptr<QJSEngine> engine;
    QJSValue function;
    QJSValue wrapper;
};

QString timeoutMessage(const JsFunctionSpec& s)
{
    return QStringLiteral("%1: %2 took longer than %3 ms and was interrupted")
        .arg(s.fileName, s.what)
        .arg(s.timeoutMs);
}

// Runs `what` on the engine under the program's time limit; throws JsError on time-out.
template <typename F> QJSValue guarded(QJSEngine& engine, const JsFunctionSpec& s, F what)
{
    const quint64 token = Watchdog::instance().arm(&engine, s.timeoutMs);
    QJSValue result = what();
    const bool fired = Watchdog::instance().disarm(token);
    if (fired || engine.isInterrupted()) {
        engine.setInterrupted(false);
        throw JsError(timeoutMessage(s), true);
    }
    return result;
}

// Loads the program into a fresh engine: runs its top level, finds the function, builds the call.
std::unique_ptr<Compiled> compileIn(const std::shared_ptr<const JsFunction::Program>& p)
{
    const JsFunctionSpec& s = p->spec;
    auto compiled = std::make_unique<Compiled>();
    compiled->programId = p->id;
    compiled->program = p;
    compiled->engine = std::make_unique<QJSEngine>();
    QJSEngine& engine = *compiled->engine;
    const QJSValue loaded =
        guarded(engine, s, [&] { return engine.evaluate(s.source, s.fileName, 1); });
    if (loaded.isError())
        throw JsError(describeError(loaded, s.fileName));
    compiled->function = engine.globalObject().property(s.functionName);
    if (!compiled->function.isCallable()) {
        throw JsError(QStringLiteral("%1: defines no function %2")
                          .arg(s.fileName, s.functionSignature.isEmpty() ? s.functionName
                                                                         : s.functionSignature));
    }
    compiled->wrapper = engine.evaluate(kWrapper, QStringLiteral("<jsfunction wrapper>"), 1);
    if (!compiled->wrapper.isCallable())
        throw JsError(describeError(compiled->wrapper, s.fileName));
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
    QJSEngine& engine = *c.engine;
    const JsFunctionSpec& s = m_program->spec;
    QJSValue jsArgs = engine.newArray(uint(args.size()));
    for (qsizetype i = 0; i < args.size(); ++i)
        jsArgs.setProperty(quint32(i), toJs(engine, args.at(i)));
    const QJSValue result = guarded(engine, s, [&] {
        return c.wrapper.call(QJSValueList{c.function, jsArgs});
    });
    if (result.isError())
        throw JsError(describeError(result, s.fileName));
    if (!result.property(QStringLiteral("ok")).toBool())
        throw JsError(describeError(result.property(QStringLiteral("error")), s.fileName));
    return fromJs(result.property(QStringLiteral("value")), s.what);
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
