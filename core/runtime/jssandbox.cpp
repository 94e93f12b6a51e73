#include "runtime/jssandbox.h"

#include <QJSValueIterator>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace dspy {

namespace {

using Clock = std::chrono::steady_clock;

// One thread for every engine of the process: it sleeps until the earliest deadline and then
// interrupts that engine.
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

} // namespace

JsSandbox::JsSandbox(int timeoutMs)
    : m_engine(std::make_unique<QJSEngine>())
    , m_timeoutMs(timeoutMs)
{}

QJSValue JsSandbox::run(const std::function<QJSValue()>& what, bool* timedOut)
{
    return runGuarded(*m_engine, m_timeoutMs, what, timedOut);
}

QJSValue JsSandbox::evaluate(const QString& source, const QString& fileName, bool* timedOut,
                             int lineNumber)
{
    return run([&] { return m_engine->evaluate(source, fileName, lineNumber); }, timedOut);
}

QJSValue JsSandbox::runGuarded(QJSEngine& engine, int timeoutMs,
                               const std::function<QJSValue()>& what, bool* timedOut)
{
    const quint64 token = Watchdog::instance().arm(&engine, timeoutMs);
    QJSValue result = what();
    const bool fired = Watchdog::instance().disarm(token);
    *timedOut = fired || engine.isInterrupted();
    if (*timedOut)
        engine.setInterrupted(false);
    return result;
}

QJSValue JsSandbox::toJs(QJSEngine& engine, const Value& v)
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

Value JsSandbox::fromJs(const QJSValue& v, QString* error, int depth)
{
    // A cyclic structure would recurse forever; nothing sensible is that deep.
    if (depth > 64) {
        *error = QStringLiteral("a structure nested too deeply");
        return Value();
    }
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
        for (int i = 0; i < n && error->isEmpty(); ++i)
            out.append(fromJs(v.property(quint32(i)), error, depth + 1));
        return Value(std::move(out));
    }
    if (v.isObject() && !v.isCallable()) {
        Object out;
        for (QJSValueIterator it(v); it.hasNext() && error->isEmpty();) {
            it.next();
            out.insert(it.name(), fromJs(it.value(), error, depth + 1));
        }
        return Value(std::move(out));
    }
    return Value(); // null, undefined, functions
}

QString JsSandbox::describeError(const QJSValue& error, const QString& fileName)
{
    if (error.isError()) {
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

} // namespace dspy
