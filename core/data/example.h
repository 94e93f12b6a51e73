#pragma once

// Example and Prediction with DSPy's semantics (dspy.md §4): an ordered field store plus the set
// of input keys. Keys starting with "dspy_" are hidden from keys()/values()/items()/size().

#include "data/value.h"

#include <QSet>
#include <QStringList>

#include <optional>

namespace dspy {

class Example
{
public:
    Example() = default;
    explicit Example(Object store)
        : m_store(std::move(store))
    {}
    Example(std::initializer_list<Object::Entry> entries)
        : m_store(entries)
    {}

    // Keys as QStringView or QString (string literals convert to QString).
    const Value& get(QStringView key) const { return m_store.value(key); }
    const Value& get(const QString& key) const { return m_store.value(key); }
    const Value& operator[](const QString& key) const { return m_store.value(key); }
    bool contains(QStringView key) const { return m_store.contains(key); }
    bool contains(const QString& key) const { return m_store.contains(key); }
    void set(const QString& key, Value v) { m_store.insert(key, std::move(v)); }
    bool remove(QStringView key) { return m_store.remove(key); }
    bool remove(const QString& key) { return m_store.remove(key); }

    // Visible keys (without dspy_ ones), in insertion order.
    QStringList keys(bool includeDspy = false) const;
    qsizetype size() const { return keys().size(); }
    const Object& store() const { return m_store; } // everything, dspy_ keys included
    Object toObject(bool includeDspy = false) const;

    // A copy with these keys marked as inputs.
    Example withInputs(const QStringList& keys) const;
    bool hasInputKeys() const { return m_inputKeys.has_value(); }
    QStringList inputKeys() const; // in store order
    // New examples with only the input / non-input keys. inputs() without input keys set throws
    // std::logic_error, as DSPy raises ValueError.
    Example inputs() const;
    Example labels() const;

    Example copyWith(const Object& overrides) const;
    Example without(const QStringList& keys) const;

    bool operator==(const Example& o) const { return m_store == o.m_store; }

protected:
    Object m_store;
    std::optional<QSet<QString>> m_inputKeys;
};

// One completion's fields; Prediction::completions() holds all when n > 1.
using Completion = Object;

struct LMUsage
{
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 totalTokens = 0;
    qint64 cachedTokens = 0;
    LMUsage& operator+=(const LMUsage& o);
    bool isZero() const { return totalTokens == 0 && promptTokens == 0 && completionTokens == 0; }
};

class Prediction : public Example
{
public:
    Prediction() = default;
    // First completion is the visible value; all are kept in completions().
    static Prediction fromCompletions(QList<Completion> completions);

    const QList<Completion>& completions() const { return m_completions; }
    // completions.<field>: that field across completions
    Array completionValues(QStringView field) const;

    // Usage summed per model for the call(s) that made this prediction.
    const QHash<QString, LMUsage>& lmUsage() const { return m_usage; }
    void addUsage(const QString& model, const LMUsage& usage) { m_usage[model] += usage; }
    // Added by Brief J: the outermost Module call replaces it with the whole call's usage.
    void setLmUsage(QHash<QString, LMUsage> usage) { m_usage = std::move(usage); }

private:
    QList<Completion> m_completions;
    QHash<QString, LMUsage> m_usage;
};

} // namespace dspy
