#include "lm/pricing.h"

#include <QMutexLocker>

namespace dspy {

PriceTable PriceTable::defaults()
{
    PriceTable t;
    // Published list prices (USD / 1M tokens) as of mid-2025; approximate, see the header.
    t.set(QStringLiteral("gpt-4o"), {2.50, 1.25, 10.00});
    t.set(QStringLiteral("gpt-4o-mini"), {0.15, 0.075, 0.60});
    t.set(QStringLiteral("gpt-4.1"), {2.00, 0.50, 8.00});
    t.set(QStringLiteral("gpt-4.1-mini"), {0.40, 0.10, 1.60});
    t.set(QStringLiteral("gpt-4.1-nano"), {0.10, 0.025, 0.40});
    t.set(QStringLiteral("gpt-5"), {1.25, 0.125, 10.00});
    t.set(QStringLiteral("gpt-5-mini"), {0.25, 0.025, 2.00});
    t.set(QStringLiteral("gpt-5-nano"), {0.05, 0.005, 0.40});
    t.set(QStringLiteral("o3-mini"), {1.10, 0.55, 4.40});
    t.set(QStringLiteral("o4-mini"), {1.10, 0.275, 4.40});
    t.set(QStringLiteral("claude-3-5-haiku"), {0.80, 0.08, 4.00});
    t.set(QStringLiteral("claude-3-7-sonnet"), {3.00, 0.30, 15.00});
    t.set(QStringLiteral("claude-sonnet-4"), {3.00, 0.30, 15.00});
    t.set(QStringLiteral("claude-opus-4"), {15.00, 1.50, 75.00});
    return t;
}

Expected<PriceTable, QString> PriceTable::fromJson(const QByteArray& json)
{
    QString error;
    qsizetype offset = 0;
    const std::optional<Value> parsed = Value::fromJson(QString::fromUtf8(json), &error, &offset);
    if (!parsed)
        return unexpected(QStringLiteral("price table: %1 at offset %2").arg(error).arg(offset));
    if (!parsed->isObject())
        return unexpected(QStringLiteral("price table: expected an object of models"));
    PriceTable t;
    for (const auto& [model, v] : parsed->toObject()) {
        if (!v.isObject())
            return unexpected(QStringLiteral("price table: '%1' is not an object").arg(model));
        const Object& o = v.toObject();
        ModelPrice p;
        for (const auto& [key, price] : o) {
            if (!price.isNumber() || price.toDouble() < 0)
                return unexpected(
                    QStringLiteral("price table: '%1.%2' must be a number >= 0").arg(model, key));
            if (key == u"input")
                p.inputPerMillion = price.toDouble();
            else if (key == u"cached_input")
                p.cachedInputPerMillion = price.toDouble();
            else if (key == u"output")
                p.outputPerMillion = price.toDouble();
            else
                return unexpected(
                    QStringLiteral("price table: unknown key '%1' for '%2'").arg(key, model));
        }
        t.set(model, p);
    }
    return t;
}

void PriceTable::set(const QString& model, ModelPrice price)
{
    m_prices.insert(model, price);
}

std::optional<ModelPrice> PriceTable::find(const QString& model) const
{
    if (auto it = m_prices.constFind(model); it != m_prices.cend())
        return *it;
    const qsizetype slash = model.lastIndexOf(QLatin1Char('/'));
    const QString bare = slash >= 0 ? model.mid(slash + 1) : model;
    if (auto it = m_prices.constFind(bare); it != m_prices.cend())
        return *it;
    // A dated variant: the longest known name followed by '-'.
    const QString* best = nullptr;
    for (auto it = m_prices.cbegin(); it != m_prices.cend(); ++it) {
        const QString& name = it.key();
        if (bare.size() > name.size() && bare.startsWith(name) &&
            bare.at(name.size()) == QLatin1Char('-') && (!best || name.size() > best->size()))
            best = &name;
    }
    if (best)
        return m_prices.value(*best);
    return std::nullopt;
}

std::optional<double> PriceTable::cost(const QString& model, const LMUsage& usage) const
{
    const std::optional<ModelPrice> p = find(model);
    if (!p)
        return std::nullopt;
    const qint64 cached = std::clamp<qint64>(usage.cachedTokens, 0, usage.promptTokens);
    const double cachedPrice =
        p->cachedInputPerMillion >= 0 ? p->cachedInputPerMillion : p->inputPerMillion;
    return (double(usage.promptTokens - cached) * p->inputPerMillion +
            double(cached) * cachedPrice + double(usage.completionTokens) * p->outputPerMillion) /
           1e6;
}

void UsageTracker::add(const QString& model, const LMUsage& usage, std::optional<double> cost)
{
    QMutexLocker lock(&m_mutex);
    Entry& e = m_entries[model];
    e.usage += usage;
    ++e.calls;
    if (cost) {
        e.cost += *cost;
        ++e.pricedCalls;
    }
}

QHash<QString, UsageTracker::Entry> UsageTracker::perModel() const
{
    QMutexLocker lock(&m_mutex);
    return m_entries;
}

UsageTracker::Entry UsageTracker::total() const
{
    QMutexLocker lock(&m_mutex);
    Entry sum;
    for (const Entry& e : m_entries) {
        sum.usage += e.usage;
        sum.cost += e.cost;
        sum.calls += e.calls;
        sum.pricedCalls += e.pricedCalls;
    }
    return sum;
}

QHash<QString, LMUsage> UsageTracker::usageByModel() const
{
    QMutexLocker lock(&m_mutex);
    QHash<QString, LMUsage> out;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it)
        out.insert(it.key(), it->usage);
    return out;
}

double UsageTracker::totalCost() const
{
    QMutexLocker lock(&m_mutex);
    double total = 0;
    for (const Entry& e : m_entries)
        total += e.cost;
    return total;
}

void UsageTracker::reset()
{
    QMutexLocker lock(&m_mutex);
    m_entries.clear();
}

} // namespace dspy
