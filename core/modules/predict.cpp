#include "modules/predict.h"

#include "lm/pricing.h"

#include <QDebug>

namespace dspy {

namespace {

QString pythonList(const QStringList& items)
{
    QStringList quoted;
    quoted.reserve(items.size());
    for (const QString& s : items)
        quoted.append(pythonStrRepr(s));
    return QLatin1Char('[') + quoted.join(QStringLiteral(", ")) + QLatin1Char(']');
}

Value strippedLmState(const Value& lm, bool forLoad)
{
    if (!lm.isObject())
        return Value();
    Object out;
    for (const auto& [key, value] : lm.toObject()) {
        if (key == u"api_key")
            continue; // never written, never kept
        // DSPy drops endpoint keys on load so a shared file cannot redirect requests.
        if (forLoad && (key == u"api_base" || key == u"base_url" || key == u"model_list"))
            continue;
        out.insert(key, value);
    }
    return out;
}

} // namespace

Predict::Predict(Signature signature, Object config)
    : m_signature(std::move(signature))
{
    m_state.config = std::move(config);
}

std::unique_ptr<Module> Predict::clone() const
{
    return std::make_unique<Predict>(*this);
}

QList<NamedPredictor> Predict::namedPredictors()
{
    // DSPy's named_parameters() names a bare Predict "self".
    return {NamedPredictor{QStringLiteral("self"), this}};
}

QString Predict::instanceName() const
{
    return QStringLiteral("Predict(%1)").arg(m_signature.signatureString());
}

Prediction Predict::forward(const Example& inputs, RunContext& ctx)
{
    return call(inputs, ctx, PredictCallOptions{});
}

Object Predict::effectiveConfig(const LM& lm, const Object& callConfig) const
{
    Object config = m_state.config;
    for (const auto& [key, value] : callConfig)
        config.insert(key, value);

    // DSPy: temperature = config.temperature or lm.kwargs.temperature (Python `or`, so 0.0 falls
    // through); n = config.n or lm.kwargs.n or lm.kwargs.num_generations or 1.
    const Object lmKwargs = lm.kwargs();
    auto firstTruthy = [](std::initializer_list<const Value*> candidates) -> Value {
        for (const Value* v : candidates) {
            if (v->truthy())
                return *v;
        }
        return Value();
    };
    const Value temperature =
        firstTruthy({&config.value(u"temperature"), &lmKwargs.value(u"temperature")});
    const Value n = firstTruthy(
        {&config.value(u"n"), &lmKwargs.value(u"n"), &lmKwargs.value(u"num_generations")});
    const double generations = n.isNumber() ? n.toDouble() : 1.0;
    const bool coldOrUnset =
        temperature.isNull() || (temperature.isNumber() && temperature.toDouble() <= 0.15);
    if (coldOrUnset && generations > 1)
        config.insert(QStringLiteral("temperature"), Value(0.7));
    return config;
}

Prediction Predict::call(const Example& inputs, RunContext& ctx, const PredictCallOptions& options)
{
    ctx.throwIfCancelled();
    const Signature sig = options.signature ? *options.signature : signature();
    const QList<Example>& demos = options.demos ? *options.demos : m_state.demos;

    LMPtr lm = options.lm ? options.lm : (m_lm ? m_lm : ctx.lm);
    if (!lm) {
        throw LMError(LMError::Kind::NotConfigured,
                      QStringLiteral("No LM is loaded. Set one on the RunContext (ctx.lm), on the "
                                     "predictor (Predict::setLM) or for this call "
                                     "(PredictCallOptions::lm)."));
    }

    Object config = effectiveConfig(*lm, options.config);
    Object kwargs = inputs.toObject();

    // OpenAI "predicted outputs" travel as an LM kwarg, not as an input field.
    const Value& predicted = kwargs.value(u"prediction");
    if (predicted.isObject() && predicted.toObject().value(u"type") == Value("content") &&
        predicted.toObject().contains(u"content")) {
        config.insert(QStringLiteral("prediction"), predicted);
        kwargs.remove(u"prediction");
    }

    QStringList expected;
    for (const Field& f : sig.inputFields()) {
        expected.append(f.name);
        if (!kwargs.contains(f.name) && f.defaultValue)
            kwargs.insert(f.name, *f.defaultValue);
    }
    QStringList extra;
    for (const auto& [key, value] : kwargs) {
        if (!expected.contains(key))
            extra.append(key);
    }
    if (!extra.isEmpty()) {
        qWarning().noquote() << QStringLiteral(
                                    "Input contains fields not in signature. These fields "
                                    "will be ignored: %1. Expected fields: %2.")
                                    .arg(pythonList(extra), pythonList(expected));
    }
    QStringList present;
    QStringList missing;
    for (const QString& name : expected)
        (kwargs.contains(name) ? present : missing).append(name);
    if (!missing.isEmpty()) {
        qWarning().noquote() << QStringLiteral("Not all input fields were provided to module. "
                                               "Present: %1. Missing: %2.")
                                    .arg(pythonList(present), pythonList(missing));
    }

    // DSPy's merge order for the request: lm.kwargs first, then the call's config.
    Object lmKwargs = lm->kwargs();
    for (const auto& [key, value] : config)
        lmKwargs.insert(key, value);

    const Adapter& adapter = ctx.effectiveAdapter();
    AdapterCallReport report;

    auto record = [&](const Prediction& prediction, const QString& error) {
        if (!ctx.trace)
            return;
        TraceRecord r;
        r.predictor = ctx.predictorPath.isEmpty() ? sig.signatureString() : ctx.predictorPath;
        r.inputs = kwargs;
        r.prediction = prediction;
        r.messages = report.messages;
        r.rawCompletions = report.rawCompletions;
        r.adapter = report.adapter.isEmpty() ? adapter.name() : report.adapter;
        r.fallbackFrom = report.fallbackFrom;
        r.fallbackReason = report.fallbackReason;
        r.error = error;
        ctx.trace->append(std::move(r));
    };

    // DSPy's tracker counts a call's tokens when the LM answers, so a call whose parse then fails
    // still costs what it cost. Keyed by the LM's model id as dspy.LM.model (not the provider's
    // dated response model), so a run's totals group by the model the user configured. An empty
    // usage (cache hit, offline LM) adds nothing, as DSPy skips empty usage dicts.
    auto track = [&] {
        if (report.usage.isZero() && !report.cost)
            return;
        if (ctx.usage)
            ctx.usage->add(lm->model(), report.usage, report.cost);
        if (ctx.callUsage)
            ctx.callUsage->add(lm->model(), report.usage, report.cost);
    };

    QList<Completion> completions;
    try {
        completions = adapter.callWithReport(*lm, lmKwargs, sig, demos, kwargs, ctx, report);
    } catch (const AdapterParseException& e) {
        track();
        record(Prediction(), e.error().toString());
        throw;
    } catch (const LMError& e) {
        track();
        record(Prediction(), LMError::kindName(e.kind()) + QStringLiteral(": ") + e.message());
        throw;
    } catch (const std::exception& e) {
        track();
        record(Prediction(), QString::fromUtf8(e.what()));
        throw;
    }
    track();

    Prediction prediction = Prediction::fromCompletions(std::move(completions));
    if (!report.usage.isZero())
        prediction.addUsage(lm->model(), report.usage);
    record(prediction, QString());
    return prediction;
}

Signature Predict::signature() const
{
    if (!m_state.instructions && m_state.fieldText.isEmpty())
        return m_signature;
    QMutexLocker lock(&m_applied->mutex);
    if (!m_applied->signature || m_applied->base != m_signature.identity() ||
        m_applied->instructions != m_state.instructions ||
        m_applied->fieldText != m_state.fieldText) {
        m_applied->signature = m_state.apply(m_signature);
        m_applied->base = m_signature.identity();
        m_applied->instructions = m_state.instructions;
        m_applied->fieldText = m_state.fieldText;
    }
    return *m_applied->signature;
}

Object Predict::dumpState() const
{
    Object state;
    state.insert(QStringLiteral("traces"), Array());
    state.insert(QStringLiteral("train"), Array());
    Array demos;
    demos.reserve(m_state.demos.size());
    for (const Example& demo : m_state.demos)
        demos.append(demo.toObject(true)); // toDict() keeps dspy_ keys
    state.insert(QStringLiteral("demos"), demos);

    const Signature sig = signature();
    Array fields;
    for (const Field& f : sig.fields()) {
        fields.append(Object{{QStringLiteral("prefix"), Value(f.prefix)},
                             {QStringLiteral("description"), Value(f.savedDescription())}});
    }
    state.insert(QStringLiteral("signature"),
                 Object{{QStringLiteral("instructions"), Value(sig.instructions())},
                        {QStringLiteral("fields"), fields}});

    Value lmState;
    if (m_lm) {
        // The layout of dspy.LM.dump_state(): its fixed keys around the LM's kwargs.
        Object o{{QStringLiteral("_dspy_lm_class"), Value("dspy.clients.lm.LM")},
                 {QStringLiteral("model"), Value(m_lm->model())},
                 {QStringLiteral("model_type"), Value("chat")},
                 {QStringLiteral("cache"), Value(true)},
                 {QStringLiteral("num_retries"), Value(3)}};
        for (const auto& [key, value] : m_lm->kwargs())
            o.insert(key, value);
        o.insert(QStringLiteral("finetuning_model"), Value());
        o.insert(QStringLiteral("launch_kwargs"), Object());
        o.insert(QStringLiteral("train_kwargs"), Object());
        lmState = strippedLmState(o, false);
    } else {
        lmState = strippedLmState(m_state.lm, false);
    }
    state.insert(QStringLiteral("lm"), lmState);
    return state;
}

Expected<PredictorState, QString> Predict::stateFromJson(const Object& state) const
{
    if (state.contains(u"extended_signature")) {
        return unexpected(QStringLiteral("it has an 'extended_signature' key (DSPy 2.5 and older), "
                                         "which DSPy 2.6+ no longer loads."));
    }
    PredictorState out = m_state;

    if (state.contains(u"demos")) {
        const Value& demos = state.value(u"demos");
        if (!demos.isArray())
            return unexpected(QStringLiteral("'demos' must be a list of objects."));
        out.demos.clear();
        const Array& items = demos.toArray();
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (!items.at(i).isObject()) {
                return unexpected(QStringLiteral("demo %1 is %2, expected a JSON object.")
                                      .arg(i)
                                      .arg(items.at(i).toJson()));
            }
            out.demos.append(Example(items.at(i).toObject()));
        }
    }

    if (!state.contains(u"signature"))
        return unexpected(QStringLiteral("missing key 'signature'."));
    const Value& sigValue = state.value(u"signature");
    if (!sigValue.isObject())
        return unexpected(QStringLiteral("'signature' must be an object."));
    const Object& sigState = sigValue.toObject();
    const Value& instructions = sigState.value(u"instructions");
    if (!instructions.isString())
        return unexpected(QStringLiteral("'signature.instructions' must be a string."));
    const Value& fieldsValue = sigState.value(u"fields");
    if (!fieldsValue.isArray())
        return unexpected(QStringLiteral("'signature.fields' must be a list."));
    const Array& savedFields = fieldsValue.toArray();
    const QList<Field> fields = m_signature.fields();
    if (savedFields.size() != fields.size()) {
        return unexpected(QStringLiteral("the saved signature has %1 fields but this predictor's "
                                         "signature (%2) has %3.")
                              .arg(savedFields.size())
                              .arg(m_signature.signatureString())
                              .arg(fields.size()));
    }
    out.instructions = instructions.toString() == m_signature.instructions()
                           ? std::nullopt
                           : std::optional<QString>(instructions.toString());
    out.fieldText.clear();
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const Field& f = fields.at(i);
        const Value& saved = savedFields.at(i);
        if (!saved.isObject() || !saved.toObject().value(u"prefix").isString() ||
            !saved.toObject().value(u"description").isString()) {
            return unexpected(QStringLiteral("signature field %1 ('%2') must be an object with "
                                             "string 'prefix' and 'description'.")
                                  .arg(i)
                                  .arg(f.name));
        }
        FieldText text{saved.toObject().value(u"prefix").toString(),
                       saved.toObject().value(u"description").toString()};
        if (text.description == QStringLiteral("${%1}").arg(f.name))
            text.description.clear();
        if (text.prefix != f.prefix || text.description != f.description)
            out.fieldText.insert(f.name, text);
    }

    if (!state.contains(u"lm"))
        return unexpected(QStringLiteral("missing key 'lm'."));
    const Value& lm = state.value(u"lm");
    if (!lm.isNull() && !lm.isObject())
        return unexpected(QStringLiteral("'lm' must be null or an object."));
    out.lm = strippedLmState(lm, true);
    return out;
}

} // namespace dspy
