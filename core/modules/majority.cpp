#include "modules/majority.h"

#include "evaluate/metrics.h"

#include <cmath>
#include <stdexcept>

namespace dspy {

std::optional<QString> majorityDefaultNormalize(const Value& value)
{
    if (value.isNull())
        return std::nullopt;
    const QString text = normalizeText(value.isString() ? value.toString() : value.toPythonStr());
    if (text.isEmpty())
        return std::nullopt;
    return text;
}

Prediction majority(const Prediction& prediction, const MajorityNormalize& normalize,
                    const QString& field)
{
    QList<Completion> completions = prediction.completions();
    if (completions.isEmpty() && prediction.size() > 0)
        completions.append(prediction.toObject());
    return majority(completions, normalize, field);
}

Prediction majority(const QList<Completion>& completions, const MajorityNormalize& normalize,
                    const QString& field)
{
    if (completions.isEmpty())
        throw std::invalid_argument("majority(): there are no completions to vote over");
    QString key = field;
    if (key.isEmpty()) {
        const QStringList keys = completions.first().keys();
        if (keys.isEmpty())
            throw std::invalid_argument("majority(): the first completion has no fields");
        key = keys.last();
    }
    // Identity normalization compares the values as Python's Counter does: by equality, so
    // 1 == 1.0 == True and 0 == 0.0 == False; everything else by its JSON text.
    auto norm = [&](const Value& v) -> std::optional<QString> {
        if (normalize)
            return normalize(v);
        if (v.isBool())
            return QStringLiteral("#num:%1").arg(v.toBool() ? 1 : 0);
        if (v.isInt())
            return QStringLiteral("#num:%1").arg(v.toInt());
        if (v.isFloat()) {
            const double d = v.toDouble();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15)
                return QStringLiteral("#num:%1").arg(static_cast<qint64>(d));
            return QStringLiteral("#num:") + QString::number(d, 'g', 17);
        }
        return v.toJson();
    };
    QList<std::optional<QString>> normalized;
    normalized.reserve(completions.size());
    bool anyValue = false;
    for (const Completion& c : completions) {
        normalized.append(norm(c.value(key)));
        anyValue |= normalized.last().has_value();
    }
    // value_counts over the non-None values (all of them when every one is None), in first-seen
    // order; max() keeps the first of equal counts.
    QList<std::pair<std::optional<QString>, int>> counts;
    for (const std::optional<QString>& v : normalized) {
        if (anyValue && !v)
            continue;
        auto it = std::find_if(counts.begin(), counts.end(),
                               [&](const auto& entry) { return entry.first == v; });
        if (it == counts.end())
            counts.append({v, 1});
        else
            ++it->second;
    }
    qsizetype bestIndex = 0;
    for (qsizetype i = 1; i < counts.size(); ++i) {
        if (counts[i].second > counts[bestIndex].second)
            bestIndex = i;
    }
    const std::optional<QString>& winner = counts[bestIndex].first;
    for (qsizetype i = 0; i < completions.size(); ++i) {
        if (normalized[i] == winner)
            return Prediction::fromCompletions({completions[i]});
    }
    return Prediction::fromCompletions({completions.last()}); // unreachable: the winner exists
}

} // namespace dspy
