#include "modules/module.h"

#include "lm/pricing.h"
#include "modules/predict.h"
#include "runtime/callbacks.h"

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

// What an end hook reports for a failed call: DSPy passes the exception object.
QString exceptionText(std::exception_ptr e)
{
    try {
        std::rethrow_exception(e);
    } catch (const LMError& err) {
        return LMError::kindName(err.kind()) + QStringLiteral(": ") + err.message();
    } catch (const AdapterParseException& err) {
        return err.error().toString();
    } catch (const std::exception& err) {
        return QString::fromUtf8(err.what());
    } catch (...) {
        return QStringLiteral("unknown exception");
    }
}

} // namespace

Module::~Module() = default;

Prediction Module::operator()(const Example& inputs, RunContext& ctx)
{
    const bool outermost = !ctx.callUsage;
    CallbackScope scope(CallbackHook::Module,
                        CallbackRegistry::active({ctx.callbacks.get(), m_callbacks.get()}));
    // Unobserved and nested: nothing to add, and no context copy.
    if (!outermost && !scope.isActive())
        return forward(inputs, ctx);

    RunContext inner = ctx.child();
    if (outermost)
        inner.callUsage = std::make_shared<UsageTracker>();
    if (scope.isActive()) {
        const QString name = ctx.spanLabel.isEmpty()
                                 ? instanceName()
                                 : ctx.spanLabel + QLatin1String(": ") + instanceName();
        inner.parentCallId = scope.start(name, inputs.toObject(), ctx.parentCallId);
    }
    inner.spanLabel.clear();

    Prediction prediction;
    try {
        prediction = forward(inputs, inner);
    } catch (...) {
        scope.end(Value(), exceptionText(std::current_exception()));
        throw;
    }
    if (outermost)
        prediction.setLmUsage(inner.callUsage->usageByModel());
    if (scope.isActive())
        scope.end(Value(prediction.toObject()));
    return prediction;
}

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
