#include "data/example.h"

#include <stdexcept>

namespace dspy {

namespace {

bool isHidden(const QString& key)
{
    return key.startsWith(QLatin1String("dspy_"));
}

} // namespace

QStringList Example::keys(bool includeDspy) const
{
    QStringList out;
    out.reserve(m_store.size());
    for (const auto& [key, value] : m_store) {
        if (includeDspy || !isHidden(key))
            out.append(key);
    }
    return out;
}

Object Example::toObject(bool includeDspy) const
{
    if (includeDspy)
        return m_store;
    Object out;
    for (const auto& [key, value] : m_store) {
        if (!isHidden(key))
            out.insert(key, value);
    }
    return out;
}

Example Example::withInputs(const QStringList& keys) const
{
    Example copy = *this;
    copy.m_inputKeys = QSet<QString>(keys.cbegin(), keys.cend());
    return copy;
}

QStringList Example::inputKeys() const
{
    QStringList out;
    if (!m_inputKeys)
        return out;
    for (const auto& [key, value] : m_store) {
        if (m_inputKeys->contains(key))
            out.append(key);
    }
    return out;
}

Example Example::inputs() const
{
    if (!m_inputKeys) {
        throw std::logic_error(
            "Inputs have not been set for this example. Use `example.with_inputs()` "
            "to set them.");
    }
    Example out;
    for (const auto& [key, value] : m_store) {
        if (m_inputKeys->contains(key))
            out.m_store.insert(key, value);
    }
    out.m_inputKeys = m_inputKeys;
    return out;
}

Example Example::labels() const
{
    // DSPy compares against inputs().keys(), which hides dspy_ keys: those stay labels.
    const QStringList inputNames = inputs().keys();
    Example out;
    for (const auto& [key, value] : m_store) {
        if (!inputNames.contains(key))
            out.m_store.insert(key, value);
    }
    return out;
}

Example Example::copyWith(const Object& overrides) const
{
    Example copy = *this;
    for (const auto& [key, value] : overrides)
        copy.m_store.insert(key, value);
    return copy;
}

Example Example::without(const QStringList& keys) const
{
    Example copy = *this;
    for (const QString& key : keys)
        copy.m_store.remove(key);
    return copy;
}

LMUsage& LMUsage::operator+=(const LMUsage& o)
{
    promptTokens += o.promptTokens;
    completionTokens += o.completionTokens;
    totalTokens += o.totalTokens;
    cachedTokens += o.cachedTokens;
    return *this;
}

Prediction Prediction::fromCompletions(QList<Completion> completions)
{
    Prediction p;
    // DSPy builds columns over all completions, so a key missing from the first still shows
    // with the first value any completion gives it.
    for (const Completion& c : completions) {
        for (const auto& [key, value] : c) {
            if (!p.m_store.contains(key))
                p.m_store.insert(key, value);
        }
    }
    p.m_completions = std::move(completions);
    return p;
}

Array Prediction::completionValues(QStringView field) const
{
    Array out;
    out.reserve(m_completions.size());
    for (const Completion& c : m_completions) {
        if (c.contains(field))
            out.append(c.value(field));
    }
    return out;
}

} // namespace dspy
