#include "trace/tracerecorder.h"

#include <chrono>

namespace dspy {

namespace {

bool isSecretKey(const QString& key)
{
    return key.startsWith(QLatin1String("api_")) || key == u"base_url" ||
           key.compare(u"authorization", Qt::CaseInsensitive) == 0;
}

Object stripSecrets(Object inputs)
{
    if (!inputs.contains(u"kwargs") || !inputs.value(u"kwargs").isObject())
        return inputs;
    Object kwargs;
    for (const auto& [key, value] : inputs.value(u"kwargs").toObject()) {
        if (!isSecretKey(key))
            kwargs.insert(key, value);
    }
    inputs.insert(QStringLiteral("kwargs"), Value(std::move(kwargs)));
    return inputs;
}

std::optional<qint64> intMeta(const Value& v)
{
    if (v.isNumber())
        return v.toInt();
    return std::nullopt;
}

} // namespace

TraceRecorder::TraceRecorder(TraceStorePtr store, QString runId)
    : m_store(std::move(store))
    , m_runId(std::move(runId))
{}

qint64 TraceRecorder::nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void TraceRecorder::beginExample(qint64 index, const QString& rootCallId)
{
    QMutexLocker lock(&m_mutex);
    m_roots.insert(rootCallId, index);
}

void TraceRecorder::endExample(const QString& rootCallId)
{
    QMutexLocker lock(&m_mutex);
    m_roots.remove(rootCallId);
}

void TraceRecorder::onStart(CallbackHook hook, const CallStart& start)
{
    Open open{hook,         start.parentCallId,
              std::nullopt, start.instance,
              nowUs(),      hook == CallbackHook::LM ? stripSecrets(start.inputs) : start.inputs};
    QMutexLocker lock(&m_mutex);
    if (auto root = m_roots.constFind(start.callId); root != m_roots.cend())
        open.exampleIndex = *root;
    else if (auto parent = m_open.constFind(start.parentCallId); parent != m_open.cend())
        open.exampleIndex = parent->exampleIndex;
    else if (auto parentRoot = m_roots.constFind(start.parentCallId); parentRoot != m_roots.cend())
        open.exampleIndex = *parentRoot;
    m_open.insert(start.callId, std::move(open));
}

void TraceRecorder::onEnd(CallbackHook hook, const CallEnd& end)
{
    const qint64 ended = nowUs();
    Open open;
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_open.find(end.callId);
        if (it == m_open.end())
            return;
        open = std::move(*it);
        m_open.erase(it);
    }
    Span span;
    span.id = end.callId;
    span.runId = m_runId;
    span.parentId = open.parentId;
    span.exampleIndex = open.exampleIndex;
    span.kind = hook;
    span.name = open.name;
    span.started = open.started;
    span.ended = ended;
    span.status = end.error.isEmpty() ? QStringLiteral("ok") : QStringLiteral("error");
    span.error = end.error;
    span.inputs = Value(std::move(open.inputs));
    span.outputs = end.outputs;
    const Object& meta = end.metadata;
    if (!meta.isEmpty()) {
        span.model = meta.value(u"model").toString();
        const Value& usage = meta.value(u"usage");
        if (usage.isObject()) {
            span.promptTokens = intMeta(usage.toObject().value(u"prompt_tokens"));
            span.completionTokens = intMeta(usage.toObject().value(u"completion_tokens"));
        }
        if (const Value& cost = meta.value(u"cost"); cost.isNumber())
            span.cost = cost.toDouble();
        span.cacheHit = meta.value(u"cache_hit").truthy();
    }
    m_store->record(std::move(span));
}

qsizetype TraceRecorder::openSpanCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_open.size();
}

} // namespace dspy
