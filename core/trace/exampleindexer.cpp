#include "trace/exampleindexer.h"

namespace dspy {

ExampleIndexer::ExampleIndexer(std::shared_ptr<TraceRecorder> recorder,
                               const QList<Example>& devset)
    : m_recorder(std::move(recorder))
{
    for (qsizetype i = 0; i < devset.size(); ++i)
        m_pending[key(devset[i].inputs().toObject())].append(i);
}

void ExampleIndexer::onStart(CallbackHook hook, const CallStart& start)
{
    {
        QMutexLocker lock(&m_mutex);
        m_open.insert(start.callId);
        if (hook == CallbackHook::Module && !start.parentCallId.isEmpty() &&
            !m_open.contains(start.parentCallId)) {
            auto it = m_pending.find(key(start.inputs));
            if (it != m_pending.end() && !it->isEmpty())
                m_recorder->beginExample(it->takeFirst(), start.parentCallId);
        }
    }
    m_recorder->onStart(hook, start);
}

void ExampleIndexer::onEnd(CallbackHook hook, const CallEnd& end)
{
    m_recorder->onEnd(hook, end);
    QMutexLocker lock(&m_mutex);
    m_open.remove(end.callId);
}

QString ExampleIndexer::key(const Object& inputs)
{
    return Value(inputs).toJson();
}

} // namespace dspy
