#include "modules/module.h"

#include "modules/predict.h"

namespace dspy {

namespace {

// DSPy writes get_dependency_versions(): python major.minor, dspy.__version__, cloudpickle
// major.minor. We write the versions of the DSPy release whose format we follow, so Python DSPy
// 3.3.1 loads our files without a version-mismatch warning.
Object dependencyVersions()
{
    return Object{{QStringLiteral("python"), Value(QStringLiteral("3.11"))},
                  {QStringLiteral("dspy"), Value(QStringLiteral("3.3.1"))},
                  {QStringLiteral("cloudpickle"), Value(QStringLiteral("3.1"))}};
}

} // namespace

Module::~Module() = default;

QList<std::pair<QString, const Predict*>> Module::namedPredictors() const
{
    QList<std::pair<QString, const Predict*>> out;
    // The walk itself does not modify anything; only the non-const overload is virtual.
    const auto named = const_cast<Module*>(this)->namedPredictors();
    out.reserve(named.size());
    for (const NamedPredictor& np : named)
        out.append({np.path, np.predictor});
    return out;
}

Object Module::saveState() const
{
    Object state;
    for (const auto& [path, predictor] : namedPredictors())
        state.insert(path, predictor->dumpState());
    state.insert(QStringLiteral("metadata"),
                 Object{{QStringLiteral("dependency_versions"), dependencyVersions()}});
    return state;
}

Expected<void, QString> Module::loadState(const Object& state)
{
    const QList<NamedPredictor> predictors = namedPredictors();
    QList<PredictorState> loaded;
    loaded.reserve(predictors.size());
    // Every predictor's state is checked before any is applied: a bad file changes nothing.
    for (const NamedPredictor& np : predictors) {
        if (!state.contains(np.path)) {
            return unexpected(
                QStringLiteral("The state has no entry for predictor '%1' (found: %2).")
                    .arg(np.path, state.keys().join(QStringLiteral(", "))));
        }
        const Value& entry = state.value(np.path);
        if (!entry.isObject()) {
            return unexpected(
                QStringLiteral("The state of predictor '%1' must be a JSON object.").arg(np.path));
        }
        auto parsed = np.predictor->stateFromJson(entry.toObject());
        if (!parsed)
            return unexpected(QStringLiteral("Predictor '%1': %2").arg(np.path, parsed.error()));
        loaded.append(std::move(parsed.value()));
    }
    for (qsizetype i = 0; i < predictors.size(); ++i)
        predictors.at(i).predictor->state() = std::move(loaded[i]);
    return {};
}

Expected<void, QString> Module::loadStateFromJson(QStringView json)
{
    QString error;
    qsizetype offset = -1;
    const std::optional<Value> parsed = Value::fromJson(json, &error, &offset);
    if (!parsed)
        return unexpected(QStringLiteral("Invalid JSON at offset %1: %2").arg(offset).arg(error));
    if (!parsed->isObject())
        return unexpected(QStringLiteral("The program state must be a JSON object."));
    return loadState(parsed->toObject());
}

QString Module::saveStateToJson() const
{
    // program.save() writes orjson OPT_INDENT_2 | OPT_APPEND_NEWLINE: UTF-8 kept, 2-space indent.
    return Value(saveState()).toJson(JsonStyle{2, false, false}) + QLatin1Char('\n');
}

} // namespace dspy
