#include "runtime/runcontext.h"

#include <QMutexLocker>

namespace dspy {

void Trace::append(TraceRecord r)
{
    QMutexLocker lock(&m_mutex);
    // DSPy skips tracing altogether when max_trace_size is 0.
    if (m_capacity <= 0)
        return;
    while (m_records.size() >= m_capacity)
        m_records.removeFirst();
    m_records.append(std::move(r));
}

QList<TraceRecord> Trace::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_records;
}

qsizetype Trace::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_records.size();
}

void Trace::clear()
{
    QMutexLocker lock(&m_mutex);
    m_records.clear();
}

RunContext::RunContext(LMPtr lm, AdapterPtr adapter)
    : lm(std::move(lm))
    , adapter(std::move(adapter))
{}

const Adapter& RunContext::effectiveAdapter() const
{
    if (adapter)
        return *adapter;
    // Built on first use so that starting a program costs nothing when another adapter is set.
    static const AdapterPtr defaultAdapter = makeAdapter(QStringLiteral("chat"));
    return *defaultAdapter;
}

void RunContext::throwIfCancelled() const
{
    if (isCancelled())
        throw Cancelled();
}

} // namespace dspy
