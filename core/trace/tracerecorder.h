#pragma once

// TraceRecorder — a Callback that turns start/end hooks into spans of one TraceStore run.
//
// Example indexes: beginExample(index, rootCallId) registers a root (typically the call id an
// evaluation sets as the parentCallId of the program call, or the program call's own id). A span
// inherits the index of its parent chain; a span whose chain reaches no root belongs to the run
// with no example index. A span is written when it ends; a start without an end is never written.
//
// Secrets: LM inputs arrive without api_* keys (ManagedLM strips them); the recorder strips any
// such key again, so no credential reaches the file.

#include "runtime/callbacks.h"
#include "trace/tracestore.h"

#include <QHash>
#include <QMutex>

#include <optional>

namespace dspy {

class TraceRecorder : public Callback
{
public:
    TraceRecorder(TraceStorePtr store, QString runId);

    const QString& runId() const { return m_runId; }
    const TraceStorePtr& store() const { return m_store; }

    void beginExample(qint64 index, const QString& rootCallId);
    // Forgets the root (keeps memory bounded over long runs). Spans still open keep their index.
    void endExample(const QString& rootCallId);

    void onStart(CallbackHook hook, const CallStart& start) override;
    void onEnd(CallbackHook hook, const CallEnd& end) override;

    qsizetype openSpanCount() const;

    // Microseconds since the Unix epoch, the store's time unit.
    static qint64 nowUs();

private:
    struct Open
    {
        CallbackHook kind;
        QString parentId;
        std::optional<qint64> exampleIndex;
        QString name;
        qint64 started = 0;
        Object inputs;
    };

    TraceStorePtr m_store;
    QString m_runId;
    mutable QMutex m_mutex;
    QHash<QString, Open> m_open;
    QHash<QString, qint64> m_roots;
};

} // namespace dspy
