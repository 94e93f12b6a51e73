#include "runtime/callbacks.h"

#include <QMutexLocker>
#include <QUuid>
#include <QtDebug>

#include <exception>

namespace dspy {

QString callbackHookName(CallbackHook hook)
{
    switch (hook) {
    case CallbackHook::Module:
        return QStringLiteral("module");
    case CallbackHook::LM:
        return QStringLiteral("lm");
    case CallbackHook::AdapterFormat:
        return QStringLiteral("adapter_format");
    case CallbackHook::AdapterParse:
        return QStringLiteral("adapter_parse");
    case CallbackHook::Tool:
        return QStringLiteral("tool");
    case CallbackHook::Evaluate:
        return QStringLiteral("evaluate");
    case CallbackHook::Compile:
        return QStringLiteral("compile");
    }
    return {};
}

Callback::~Callback() = default;

void Callback::onStart(CallbackHook hook, const CallStart& s)
{
    switch (hook) {
    case CallbackHook::Module:
        onModuleStart(s.callId, s.instance, s.inputs);
        return;
    case CallbackHook::LM:
        onLmStart(s.callId, s.instance, s.inputs);
        return;
    case CallbackHook::AdapterFormat:
        onAdapterFormatStart(s.callId, s.instance, s.inputs);
        return;
    case CallbackHook::AdapterParse:
        onAdapterParseStart(s.callId, s.instance, s.inputs);
        return;
    case CallbackHook::Tool:
        onToolStart(s.callId, s.instance, s.inputs);
        return;
    case CallbackHook::Evaluate:
        onEvaluateStart(s.callId, s.instance, s.inputs);
        return;
    case CallbackHook::Compile:
        onCompileStart(s.callId, s.instance, s.inputs);
        return;
    }
}

void Callback::onEnd(CallbackHook hook, const CallEnd& e)
{
    switch (hook) {
    case CallbackHook::Module:
        onModuleEnd(e.callId, e.outputs, e.error);
        return;
    case CallbackHook::LM:
        onLmEnd(e.callId, e.outputs, e.error);
        return;
    case CallbackHook::AdapterFormat:
        onAdapterFormatEnd(e.callId, e.outputs, e.error);
        return;
    case CallbackHook::AdapterParse:
        onAdapterParseEnd(e.callId, e.outputs, e.error);
        return;
    case CallbackHook::Tool:
        onToolEnd(e.callId, e.outputs, e.error);
        return;
    case CallbackHook::Evaluate:
        onEvaluateEnd(e.callId, e.outputs, e.error);
        return;
    case CallbackHook::Compile:
        onCompileEnd(e.callId, e.outputs, e.error);
        return;
    }
}

void Callback::onModuleStart(const QString&, const QString&, const Object&) {}
void Callback::onModuleEnd(const QString&, const Value&, const QString&) {}
void Callback::onLmStart(const QString&, const QString&, const Object&) {}
void Callback::onLmEnd(const QString&, const Value&, const QString&) {}
void Callback::onAdapterFormatStart(const QString&, const QString&, const Object&) {}
void Callback::onAdapterFormatEnd(const QString&, const Value&, const QString&) {}
void Callback::onAdapterParseStart(const QString&, const QString&, const Object&) {}
void Callback::onAdapterParseEnd(const QString&, const Value&, const QString&) {}
void Callback::onToolStart(const QString&, const QString&, const Object&) {}
void Callback::onToolEnd(const QString&, const Value&, const QString&) {}
void Callback::onEvaluateStart(const QString&, const QString&, const Object&) {}
void Callback::onEvaluateEnd(const QString&, const Value&, const QString&) {}
void Callback::onCompileStart(const QString&, const QString&, const Object&) {}
void Callback::onCompileEnd(const QString&, const Value&, const QString&) {}

std::shared_ptr<CallbackRegistry> CallbackRegistry::global()
{
    static const std::shared_ptr<CallbackRegistry> registry = std::make_shared<CallbackRegistry>();
    return registry;
}

CallbackRegistry& CallbackRegistry::globalRegistry()
{
    // A reference, so the hot path does not touch the shared_ptr's reference count.
    static CallbackRegistry& registry = *global();
    return registry;
}

QList<CallbackPtr> CallbackRegistry::active(std::initializer_list<const CallbackRegistry*> extra)
{
    QList<CallbackPtr> out;
    const CallbackRegistry& g = globalRegistry();
    if (!g.isEmpty())
        out = g.callbacks();
    for (const CallbackRegistry* r : extra) {
        if (r && !r->isEmpty())
            out.append(r->callbacks());
    }
    return out;
}

void CallbackRegistry::add(CallbackPtr callback)
{
    if (!callback)
        return;
    QMutexLocker lock(&m_mutex);
    m_callbacks.append(std::move(callback));
    m_count.store(m_callbacks.size(), std::memory_order_release);
}

bool CallbackRegistry::remove(const CallbackPtr& callback)
{
    QMutexLocker lock(&m_mutex);
    const bool removed = m_callbacks.removeOne(callback);
    m_count.store(m_callbacks.size(), std::memory_order_release);
    return removed;
}

void CallbackRegistry::clear()
{
    QMutexLocker lock(&m_mutex);
    m_callbacks.clear();
    m_count.store(0, std::memory_order_release);
}

QList<CallbackPtr> CallbackRegistry::callbacks() const
{
    QMutexLocker lock(&m_mutex);
    return m_callbacks;
}

QString newCallId()
{
    return QString::fromLatin1(QUuid::createUuid().toByteArray(QUuid::Id128));
}

namespace {

template <typename Fn> void guarded(CallbackHook hook, const char* phase, Fn&& fn)
{
    // DSPy logs a failing callback and carries on; a monitoring hook must not break the program.
    try {
        fn();
    } catch (const std::exception& e) {
        qWarning().noquote() << QStringLiteral("Error when calling callback on_%1_%2: %3")
                                    .arg(callbackHookName(hook), QLatin1String(phase),
                                         QString::fromUtf8(e.what()));
    } catch (...) {
        qWarning().noquote() << QStringLiteral("Error when calling callback on_%1_%2: unknown "
                                               "exception")
                                    .arg(callbackHookName(hook), QLatin1String(phase));
    }
}

} // namespace

void fireStart(const QList<CallbackPtr>& callbacks, CallbackHook hook, const CallStart& start)
{
    for (const CallbackPtr& cb : callbacks)
        guarded(hook, "start", [&] { cb->onStart(hook, start); });
}

void fireEnd(const QList<CallbackPtr>& callbacks, CallbackHook hook, const CallEnd& end)
{
    for (const CallbackPtr& cb : callbacks)
        guarded(hook, "end", [&] { cb->onEnd(hook, end); });
}

CallbackScope::CallbackScope(CallbackHook hook, QList<const CallbackRegistry*> extra)
    : m_hook(hook)
    , m_active(CallbackRegistry::active())
{
    for (const CallbackRegistry* r : extra) {
        if (r && !r->isEmpty())
            m_active.append(r->callbacks());
    }
}

CallbackScope::CallbackScope(CallbackHook hook, QList<CallbackPtr> active)
    : m_hook(hook)
    , m_active(std::move(active))
{}

QString CallbackScope::start(const QString& instance, const Object& inputs,
                             const QString& parentCallId)
{
    if (m_active.isEmpty())
        return {};
    m_callId = newCallId();
    fireStart(m_active, m_hook, CallStart{m_callId, parentCallId, instance, inputs});
    return m_callId;
}

void CallbackScope::end(const Value& outputs, const QString& error)
{
    if (m_active.isEmpty())
        return;
    fireEnd(m_active, m_hook, CallEnd{m_callId, error.isEmpty() ? outputs : Value(), error});
}

} // namespace dspy
