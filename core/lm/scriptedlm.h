#pragma once

// ScriptedLM — DSPy's DummyLM: answers in order (a list), by substring of the last message (a
// map), or by copying the matching demo's answer (followExamples). Output text is the adapter's
// format of the answer fields. Zero usage, finish_reason "stop", never cached.

#include "adapters/adapter.h"
#include "lm/lm.h"

#include <QMutex>

namespace dspy {

class ScriptedLM final : public LM
{
public:
    // Successive answers (each an object of output fields); exhausted: {"answer": "No more
    // responses"}.
    explicit ScriptedLM(QList<Object> answers, bool followExamples = false,
                        AdapterPtr adapter = {});
    // First key that is a substring of the last message's content wins; none: "No more responses".
    static std::shared_ptr<ScriptedLM> bySubstring(QList<std::pair<QString, Object>> answers,
                                                   AdapterPtr adapter = {});
    // Raw completion texts returned verbatim, in order (for parse-failure tests).
    static std::shared_ptr<ScriptedLM> raw(QStringList completions);

    QString model() const override { return QStringLiteral("dummy"); }
    Object kwargs() const override;
    QFuture<LMResponse> call(const LMRequest& request) override;
    bool supportsResponseFormat() const override { return m_supportsResponseFormat; }
    bool supportsResponseSchema() const override { return m_supportsResponseFormat; }
    void setSupportsResponseFormat(bool on) { m_supportsResponseFormat = on; }

    // Every request received, for tests.
    QList<LMRequest> requests() const;

private:
    ScriptedLM() = default;
    enum class Mode { List, Substring, Raw } m_mode = Mode::List;
    QList<Object> m_answers;
    QList<std::pair<QString, Object>> m_bySubstring;
    QStringList m_raw;
    bool m_followExamples = false;
    bool m_supportsResponseFormat = false;
    AdapterPtr m_adapter;
    mutable QMutex m_mutex;
    qsizetype m_next = 0;
    QList<LMRequest> m_requests;
};

} // namespace dspy
