#pragma once

// LM call history: DSPy's lm.history entries (dspy.md §5.5), a bounded thread-safe list of them
// (per LM and process-global, 10,000 each by default) and inspect_history's text (§10.2).

#include "lm/lm.h"

#include <QList>
#include <QMutex>

#include <deque>
#include <memory>
#include <optional>

namespace dspy {

struct HistoryEntry
{
    Value prompt; // null: chat calls pass messages
    QList<ChatMessage> messages;
    Object kwargs; // the call's kwargs without api_* keys
    QList<LMOutput> outputs;
    LMUsage usage;
    std::optional<double> cost; // none on a cache hit or without a price
    QString timestamp;          // datetime.now().isoformat(): local time, microseconds
    QString uuid;               // str(uuid.uuid4())
    QString model;              // the LM's model id
    QString responseModel;      // the model the provider says answered
    QString modelType = QStringLiteral("chat");
    bool cacheHit = false;

    // DSPy's outputs: a list of strings when every completion is text only, else a list of dicts
    // with text and, when present, reasoning_content and tool_calls.
    Array outputsValue() const;
    // The entry as DSPy's dict (prompt, messages, kwargs, outputs, usage, cost, timestamp, uuid,
    // model, response_model, model_type) plus cache_hit.
    Object toObject() const;
};

// DSPy's outputs list (see HistoryEntry::outputsValue).
Array outputsToValue(const QList<LMOutput>& outputs);

// datetime.now().isoformat(): "2026-11-25T11:25:33.610052" (fraction dropped when zero).
QString isoTimestampNow();

class History
{
public:
    static constexpr qsizetype kDefaultCapacity = 10000; // DSPy's max_history_size

    explicit History(qsizetype capacity = kDefaultCapacity);
    // GLOBAL_HISTORY: every managed LM's calls.
    static History& global();

    void append(HistoryEntry entry); // drops the oldest past the capacity; capacity 0 keeps none
    // The same entry in several histories (an LM's and the global one) is stored once.
    void append(std::shared_ptr<const HistoryEntry> entry);
    QList<HistoryEntry> snapshot() const;
    QList<HistoryEntry> last(qsizetype n) const;
    qsizetype size() const;
    void clear();
    qsizetype capacity() const;
    void setCapacity(qsizetype capacity);

private:
    void trim();
    mutable QMutex m_mutex;
    // A deque: dropping the oldest of 10,000 entries is O(1) and never moves the others.
    std::deque<std::shared_ptr<const HistoryEntry>> m_entries;
    qsizetype m_capacity;
};

// pretty_print_history(history, n): the last n entries in DSPy's layout, with ANSI colours (blue
// timestamp, red headings, green response) when colors is true — DSPy colours when printing to
// the terminal and not when given a file.
QString inspectHistory(const QList<HistoryEntry>& entries, qsizetype n = 1, bool colors = false);

} // namespace dspy
