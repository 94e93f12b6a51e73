#pragma once

// HistoryStore — LM history that outlives the process: a JSONL file of HistoryEntry dicts (the
// shape of HistoryEntry::toObject), capped to the last N entries, shared by concurrent processes
// through a lock file. dspy-run predict appends each call here so that a later `dspy-run inspect`
// can print DSPy's inspect_history layout.
//
// Nothing secret is written: entries carry no api_* kwargs (ManagedLM strips them), and every
// occurrence of the secrets given to append() is replaced by "[REDACTED]" as a second guard.
// A line that does not parse (a torn write, a hand edit) is skipped on load, never fatal.

#include "lm/history.h"

#include <QStringList>

#include <optional>

namespace dspy {

class HistoryStore
{
public:
    static constexpr qsizetype kDefaultCapacity = 1000;

    // path empty: defaultPath().
    explicit HistoryStore(QString path = {}, qsizetype capacity = kDefaultCapacity);

    // $XDG_CACHE_HOME/dspy-workbench/history.jsonl (QStandardPaths::GenericCacheLocation).
    static QString defaultPath();

    QString path() const { return m_path; }
    qsizetype capacity() const { return m_capacity; }

    // Appends the entries and drops the oldest beyond the capacity. False (and *error set) when
    // the file cannot be locked or written; the file is then left as it was.
    bool append(const QList<HistoryEntry>& entries, const QStringList& secrets = {},
                QString* error = nullptr) const;
    // The last n entries, oldest first (n <= 0: all). A missing file is an empty history.
    QList<HistoryEntry> last(qsizetype n, QString* error = nullptr) const;

    // One entry <-> one JSONL line's object.
    static Object toObject(const HistoryEntry& entry);
    static std::optional<HistoryEntry> fromObject(const Object& object);

private:
    QString m_path;
    qsizetype m_capacity;
};

} // namespace dspy
