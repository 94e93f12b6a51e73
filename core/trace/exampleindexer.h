#pragma once
// ExampleIndexer — files an evaluation's spans under their example for a TraceRecorder.
//
// Evaluate gives each example a fresh root id (the program call's parent) without telling anyone
// which example it is; the first module call under an unknown parent is an example's program
// call, and its inputs say which example. This maps that root to the example's index for the
// recorder before the recorder sees the call. The roots stay registered for the whole run (a few
// bytes an example) so that an LM-judged metric, called under the same root after the program, is
// filed under the example too. Examples with identical inputs are told apart only by the order
// their calls start in, which is as good as anyone can tell them apart.
#include "data/example.h"
#include "trace/tracerecorder.h"

#include <QHash>
#include <QMutex>
#include <QSet>

namespace dspy {

class ExampleIndexer final : public Callback
{
public:
    ExampleIndexer(std::shared_ptr<TraceRecorder> recorder, const QList<Example>& devset);

    void onStart(CallbackHook hook, const CallStart& start) override;
    void onEnd(CallbackHook hook, const CallEnd& end) override;

    const std::shared_ptr<TraceRecorder>& recorder() const { return m_recorder; }

private:
    static QString key(const Object& inputs);

    std::shared_ptr<TraceRecorder> m_recorder;
    QMutex m_mutex;
    QHash<QString, QList<qint64>> m_pending;
    QSet<QString> m_open;
};

} // namespace dspy
