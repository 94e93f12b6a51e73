#pragma once

// DSPy's callback hooks (dspy.md §10.1). A start hook gets the call id (uuid4 hex), a description
// of the instance and the call's inputs; the end hook gets the same call id, the outputs (null on
// failure) and the error text (empty on success). Hooks may run on any thread, concurrently.
//
// Active callbacks for a call = the global registry's, then the instance's (DSPy's order). A hook
// that throws is logged and skipped; it never breaks the call.

#include "data/value.h"

#include <QList>
#include <QMutex>
#include <QString>

#include <atomic>
#include <initializer_list>
#include <memory>

namespace dspy {

enum class CallbackHook { Module, LM, AdapterFormat, AdapterParse, Tool, Evaluate, Compile };

// "module", "lm", "adapter_format", ... (the middle of DSPy's on_<hook>_start names).
QString callbackHookName(CallbackHook hook);

struct CallStart
{
    QString callId;
    QString parentCallId; // the enclosing call's id, empty at top level
    QString instance;     // e.g. "ManagedLM(openai/gpt-4o-mini)"
    Object inputs;
};

struct CallEnd
{
    QString callId;
    Value outputs; // null when the call failed
    QString error; // empty on success
    // Added by Brief M (non-breaking): what the end hook knows beyond the outputs. LM calls fill
    // model, usage {prompt_tokens, completion_tokens}, cost (absent when unknown) and cache_hit,
    // for the trace store; empty for other hooks.
    Object metadata{};
};

class Callback
{
public:
    virtual ~Callback();

    // Generic entry points; by default they dispatch to the named hooks below. Override these to
    // see parent ids or to handle every hook in one place.
    virtual void onStart(CallbackHook hook, const CallStart& start);
    virtual void onEnd(CallbackHook hook, const CallEnd& end);

    virtual void onModuleStart(const QString& callId, const QString& instance,
                               const Object& inputs);
    virtual void onModuleEnd(const QString& callId, const Value& outputs, const QString& error);
    virtual void onLmStart(const QString& callId, const QString& instance, const Object& inputs);
    virtual void onLmEnd(const QString& callId, const Value& outputs, const QString& error);
    virtual void onAdapterFormatStart(const QString& callId, const QString& instance,
                                      const Object& inputs);
    virtual void onAdapterFormatEnd(const QString& callId, const Value& outputs,
                                    const QString& error);
    virtual void onAdapterParseStart(const QString& callId, const QString& instance,
                                     const Object& inputs);
    virtual void onAdapterParseEnd(const QString& callId, const Value& outputs,
                                   const QString& error);
    virtual void onToolStart(const QString& callId, const QString& instance, const Object& inputs);
    virtual void onToolEnd(const QString& callId, const Value& outputs, const QString& error);
    virtual void onEvaluateStart(const QString& callId, const QString& instance,
                                 const Object& inputs);
    virtual void onEvaluateEnd(const QString& callId, const Value& outputs, const QString& error);
    virtual void onCompileStart(const QString& callId, const QString& instance,
                                const Object& inputs);
    virtual void onCompileEnd(const QString& callId, const Value& outputs, const QString& error);
};

using CallbackPtr = std::shared_ptr<Callback>;

// A thread-safe list of callbacks. Firing takes a snapshot, so a hook may add or remove
// callbacks without deadlocking.
class CallbackRegistry
{
public:
    // dspy.configure(callbacks=[...]).
    static std::shared_ptr<CallbackRegistry> global();

    void add(CallbackPtr callback);
    bool remove(const CallbackPtr& callback);
    void clear();
    QList<CallbackPtr> callbacks() const;
    // Lock-free: an unobserved call checks this and nothing else.
    bool isEmpty() const { return m_count.load(std::memory_order_acquire) == 0; }

    // The callbacks that fire for a call: the global registry's, then each given registry's
    // (null entries skipped). Empty, without taking any lock, when no registry holds any.
    static QList<CallbackPtr> active(std::initializer_list<const CallbackRegistry*> extra = {});

private:
    static CallbackRegistry& globalRegistry();

    mutable QMutex m_mutex;
    QList<CallbackPtr> m_callbacks;
    std::atomic<qsizetype> m_count{0};
};

// uuid4 hex, DSPy's call id.
QString newCallId();

// One call's callbacks: the global ones and those of the given registries, in that order.
// start() returns the call id (empty when nothing listens, so an unobserved call costs nothing).
class CallbackScope
{
public:
    CallbackScope(CallbackHook hook, QList<const CallbackRegistry*> extra = {});
    // With the callbacks already gathered (CallbackRegistry::active()), for a caller that opens
    // several scopes for one call.
    CallbackScope(CallbackHook hook, QList<CallbackPtr> active);

    bool isActive() const { return !m_active.isEmpty(); }
    QString start(const QString& instance, const Object& inputs, const QString& parentCallId = {});
    void end(const Value& outputs, const QString& error = {});
    const QString& callId() const { return m_callId; }

private:
    CallbackHook m_hook;
    QList<CallbackPtr> m_active;
    QString m_callId;
};

// Fire one hook on a list, catching what a callback throws.
void fireStart(const QList<CallbackPtr>& callbacks, CallbackHook hook, const CallStart& start);
void fireEnd(const QList<CallbackPtr>& callbacks, CallbackHook hook, const CallEnd& end);

} // namespace dspy
