#pragma once

// Cost per call from a price table, and usage and cost summed per model over a run.
//
// Prices are USD per 1M tokens: input, cached input (prompt tokens served from the provider's
// prompt cache) and output. The default table lists a few well-known models at their published
// list prices as of 2025; they are APPROXIMATE and change: load your own for real accounting.

#include "data/example.h"
#include "runtime/expected.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <optional>

namespace dspy {

struct ModelPrice
{
    double inputPerMillion = 0;
    double cachedInputPerMillion = -1; // < 0: same as input
    double outputPerMillion = 0;
    bool operator==(const ModelPrice&) const = default;
};

class PriceTable
{
public:
    PriceTable() = default;

    // The approximate defaults described above.
    static PriceTable defaults();
    // {"<model>": {"input": 0.15, "cached_input": 0.075, "output": 0.6}, ...}; prices per 1M
    // tokens.
    static Expected<PriceTable, QString> fromJson(const QByteArray& json);

    void set(const QString& model, ModelPrice price);
    // Exact id first ("openai/gpt-4o-mini"), then without the provider prefix ("gpt-4o-mini"),
    // then the longest known name the id starts with ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini").
    std::optional<ModelPrice> find(const QString& model) const;
    // None for a model without a price (DSPy's response_cost None).
    std::optional<double> cost(const QString& model, const LMUsage& usage) const;
    qsizetype size() const { return m_prices.size(); }

private:
    QHash<QString, ModelPrice> m_prices;
};

// Usage and cost per model, summed; thread-safe (many workers of a run add to one tracker).
class UsageTracker
{
public:
    struct Entry
    {
        LMUsage usage;
        double cost = 0;
        qint64 calls = 0;
        qint64 pricedCalls = 0; // calls that had a price
    };

    void add(const QString& model, const LMUsage& usage, std::optional<double> cost);
    QHash<QString, Entry> perModel() const;
    // Added by Brief L: every model summed, computed under the lock. For readers polling while
    // calls are added (Evaluate's progress): a perModel() copy detached outside the lock races
    // with add() through QHash's relaxed reference count (ThreadSanitizer reports it).
    Entry total() const;
    QHash<QString, LMUsage> usageByModel() const; // DSPy's get_lm_usage()
    double totalCost() const;
    void reset();

private:
    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries;
};

} // namespace dspy
