#include "adapters/jsonadapter.h"

#include "adapters/jsonrepair.h"
#include "adapters/valueformat.h"
#include "lm/lm.h"
#include "runtime/runcontext.h"

namespace dspy {

namespace {

const QString kNotSupplied = QStringLiteral("Not supplied for this particular example. ");
const QString kSchemaMode = QStringLiteral("JSONAdapter(json_schema)");

// Python's str.title(): a cased character is upper-cased after an uncased one, lower-cased after
// a cased one.
QString pythonTitle(const QString& s)
{
    QString out;
    out.reserve(s.size());
    bool prevCased = false;
    for (QChar c : s) {
        const bool cased = c.isLetter() && (c.isUpper() || c.isLower() || c.isTitleCase());
        out += cased ? (prevCased ? c.toLower() : c.toUpper()) : c;
        prevCased = cased;
    }
    return out;
}

// pydantic's GenerateJsonSchema sort: keys sorted at every level except the children of
// "properties" and "default", whose order is meaningful.
Value pydanticSorted(const Value& v, const QString& parentKey = {})
{
    if (v.isArray()) {
        Array out;
        for (const Value& item : v.toArray())
            out.append(pydanticSorted(item, parentKey));
        return out;
    }
    if (!v.isObject())
        return v;
    QList<const Object::Entry*> entries;
    for (const Object::Entry& e : v.toObject())
        entries.append(&e);
    if (parentKey != QLatin1String("properties") && parentKey != QLatin1String("default")) {
        std::stable_sort(
            entries.begin(), entries.end(),
            [](const Object::Entry* a, const Object::Entry* b) { return a->first < b->first; });
    }
    Object out;
    for (const Object::Entry* e : entries)
        out.insert(e->first, pydanticSorted(e->second, e->first));
    return out;
}

// DSPy's enforce_required (json_adapter.py).
void enforceRequired(Object& schema)
{
    if (schema.value(u"type") == Value("object")) {
        if (schema.contains(u"properties") && schema.value(u"properties").isObject()) {
            Object props = schema.value(u"properties").toObject();
            Array required;
            for (const QString& k : props.keys())
                required.append(k);
            schema.insert(QStringLiteral("required"), required);
            schema.insert(QStringLiteral("additionalProperties"), false);
            Object updated;
            for (const auto& [k, sub] : props) {
                if (sub.isObject()) {
                    Object o = sub.toObject();
                    enforceRequired(o);
                    updated.insert(k, o);
                } else {
                    updated.insert(k, sub);
                }
            }
            schema.insert(QStringLiteral("properties"), updated);
        } else {
            schema.insert(QStringLiteral("properties"), Object());
            schema.insert(QStringLiteral("required"), Array());
            schema.insert(QStringLiteral("additionalProperties"), false);
        }
    }
    if (schema.value(u"type") == Value("array") && schema.value(u"items").isObject()) {
        Object items = schema.value(u"items").toObject();
        enforceRequired(items);
        schema.insert(QStringLiteral("items"), items);
    }
    for (const QString& key : {QStringLiteral("$defs"), QStringLiteral("definitions")}) {
        if (!schema.value(key).isObject())
            continue;
        Object defs;
        for (const auto& [k, sub] : schema.value(key).toObject()) {
            Object o = sub.toObject();
            enforceRequired(o);
            defs.insert(k, o);
        }
        schema.insert(key, defs);
    }
}

// openai's _ensure_strict_json_schema, which litellm runs when it turns the model into the
// request's response_format.
void ensureStrict(Object& schema)
{
    for (const QString& key : {QStringLiteral("$defs"), QStringLiteral("definitions")}) {
        if (!schema.value(key).isObject())
            continue;
        Object defs;
        for (const auto& [k, sub] : schema.value(key).toObject()) {
            Object o = sub.toObject();
            ensureStrict(o);
            defs.insert(k, o);
        }
        schema.insert(key, defs);
    }
    if (schema.value(u"type") == Value("object") && !schema.contains(u"additionalProperties"))
        schema.insert(QStringLiteral("additionalProperties"), false);
    if (schema.value(u"properties").isObject()) {
        const Object props = schema.value(u"properties").toObject();
        Array required;
        Object updated;
        for (const auto& [k, sub] : props) {
            required.append(k);
            Object o = sub.toObject();
            ensureStrict(o);
            updated.insert(k, o);
        }
        schema.insert(QStringLiteral("required"), required);
        schema.insert(QStringLiteral("properties"), updated);
    }
    if (schema.value(u"items").isObject()) {
        Object items = schema.value(u"items").toObject();
        ensureStrict(items);
        schema.insert(QStringLiteral("items"), items);
    }
    if (schema.value(u"anyOf").isArray()) {
        Array variants;
        for (const Value& v : schema.value(u"anyOf").toArray()) {
            Object o = v.toObject();
            ensureStrict(o);
            variants.append(o);
        }
        schema.insert(QStringLiteral("anyOf"), variants);
    }
    if (schema.contains(u"default") && schema.value(u"default").isNull())
        schema.remove(u"default");
}

bool usedSchemaMode(const AdapterCallReport& report)
{
    return report.responseFormat.isObject() &&
           report.responseFormat.toObject().value(u"type") == Value("json_schema");
}

// The first balanced {...} (DSPy's recursive regex \{(?:[^{}]|(?R))*\}): the leftmost '{' whose
// braces close, ending at the first point they do.
QString firstBalancedObject(const QString& text)
{
    QList<qsizetype> open;
    qsizetype bestStart = -1;
    qsizetype bestEnd = -1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'{') {
            open.append(i);
        } else if (c == u'}' && !open.isEmpty()) {
            const qsizetype start = open.takeLast();
            if (bestStart < 0 || start < bestStart) {
                bestStart = start;
                bestEnd = i;
            }
        }
    }
    if (bestStart < 0)
        return {};
    return text.mid(bestStart, bestEnd - bestStart + 1);
}

} // namespace

bool JSONAdapter::hasOpenEndedMapping(const Signature& signature)
{
    for (const Field& f : signature.outputFields()) {
        if (f.type.kind() == TypeSpec::Kind::Dict && !f.type.isBare())
            return true;
    }
    return false;
}

Object JSONAdapter::structuredOutputSchema(const Signature& signature)
{
    Object properties;
    Array required;
    for (const Field& f : signature.outputFields()) {
        Object prop = f.type.jsonSchema();
        prop.insert(QStringLiteral("title"), pythonTitle(f.name).replace(u'_', u' ').trimmed());
        if (f.defaultValue)
            prop.insert(QStringLiteral("default"), *f.defaultValue);
        else
            required.append(f.name);
        properties.insert(f.name, prop);
    }
    Object model{{QStringLiteral("additionalProperties"), false},
                 {QStringLiteral("properties"), properties}};
    if (!required.isEmpty())
        model.insert(QStringLiteral("required"), required);
    model.insert(QStringLiteral("title"), QStringLiteral("DSPyProgramOutputs"));
    model.insert(QStringLiteral("type"), QStringLiteral("object"));
    Object schema = pydanticSorted(model).toObject();
    enforceRequired(schema);
    ensureStrict(schema);
    return schema;
}

Object JSONAdapter::structuredResponseFormat(const Signature& signature)
{
    return Object{{QStringLiteral("type"), QStringLiteral("json_schema")},
                  {QStringLiteral("json_schema"),
                   Object{{QStringLiteral("schema"), structuredOutputSchema(signature)},
                          {QStringLiteral("name"), QStringLiteral("DSPyProgramOutputs")},
                          {QStringLiteral("strict"), true}}}};
}

void JSONAdapter::prepareRequest(const Signature& signature, const LM& lm, LMRequest& request,
                                 int attempt) const
{
    if (!lm.supportsResponseFormat())
        return;
    if (attempt > 0 || hasOpenEndedMapping(signature) || !lm.supportsResponseSchema()) {
        request.kwargs.insert(QStringLiteral("response_format"),
                              Object{{QStringLiteral("type"), QStringLiteral("json_object")}});
        return;
    }
    request.kwargs.insert(QStringLiteral("response_format"), structuredResponseFormat(signature));
}

QList<Completion> JSONAdapter::callWithReport(LM& lm, const Object& lmKwargs,
                                              const Signature& signature,
                                              const QList<Example>& demos, const Object& inputs,
                                              RunContext& ctx, AdapterCallReport& report) const
{
    QString reason;
    try {
        return runAttempt(lm, lmKwargs, signature, demos, inputs, ctx, 0, report);
    } catch (const AdapterParseException& e) {
        if (!usedSchemaMode(report))
            throw;
        reason = e.error().toString();
    } catch (const LMError& e) {
        // A provider that rejects the schema says so with a 4xx; anything else is a real failure.
        const bool rejected = e.kind() == LMError::Kind::InvalidRequest ||
                              e.kind() == LMError::Kind::UnsupportedFeature;
        if (!usedSchemaMode(report) || !rejected)
            throw;
        reason = LMError::kindName(e.kind()) + QStringLiteral(": ") + e.message();
    }
    report.fallbackFrom = kSchemaMode;
    report.fallbackReason = kSchemaMode +
                            QStringLiteral(": Failed to use structured output format, falling "
                                           "back to JSON mode. ") +
                            reason;
    return runAttempt(lm, lmKwargs, signature, demos, inputs, ctx, 1, report);
}

QString JSONAdapter::formatFieldStructure(const Signature& signature) const
{
    QList<std::pair<const Field*, Value>> inputs;
    for (const Field& f : signature.inputFields())
        inputs.append({&f, Value(fieldPlaceholder(f))});
    Object outputs;
    for (const Field& f : signature.outputFields())
        outputs.insert(f.name, fieldPlaceholder(f));
    const QStringList parts{
        QStringLiteral("All interactions will be structured in the following way, with the "
                       "appropriate values filled in."),
        QStringLiteral("Inputs will have the following structure:"),
        formatSections(inputs),
        QStringLiteral("Outputs will be a JSON object with the following fields."),
        // json.dumps(..., indent=2) with its default ensure_ascii=True.
        Value(outputs).toJson(JsonStyle{2, true, false}),
    };
    return pyStrip(parts.join(QStringLiteral("\n\n")));
}

QString JSONAdapter::formatAssistantMessage(const Signature& signature, const Object& outputs,
                                            const QStringList& missingFieldNames) const
{
    Object values;
    for (const Field& f : signature.outputFields()) {
        if (outputs.contains(f.name))
            values.insert(f.name, outputs.value(f.name));
        else
            values.insert(f.name,
                          missingFieldNames.contains(f.name) ? Value(kNotSupplied) : Value());
    }
    return Value(values).toJson(JsonStyle{2, false, false});
}

QString JSONAdapter::userMessageOutputRequirements(const Signature& signature) const
{
    QStringList items;
    for (const Field& f : signature.outputFields())
        items.append(QLatin1Char('`') + f.name + QLatin1Char('`') + reminderTypeSuffix(f));
    return QStringLiteral("Respond with a JSON object in the following order of fields: ") +
           items.join(QStringLiteral(", then ")) + QLatin1Char('.');
}

QString JSONAdapter::formatFieldsWithValues(const Signature& signature, const Object& values) const
{
    Object out;
    const QList<Field> fields = signature.fields();
    for (const Field& f : fields) {
        if (values.contains(f.name))
            out.insert(f.name, values.value(f.name));
    }
    return Value(out).toJson(JsonStyle{2, false, false});
}

ParseResult JSONAdapter::parse(const Signature& signature, const QString& completion) const
{
    auto makeError = [&](QString message, const Object* parsed) {
        return AdapterParseError::make(name(), std::move(message), signature, completion, parsed);
    };

    Value repaired = repairJson(completion);
    if (!repaired.isObject()) {
        const QString candidate = firstBalancedObject(completion);
        if (!candidate.isEmpty())
            repaired = repairJson(candidate);
    }
    if (!repaired.isObject())
        return unexpected(makeError(
            QStringLiteral("LM response cannot be serialized to a JSON object."), nullptr));

    Object fields;
    for (const auto& [key, raw] : repaired.toObject()) {
        const Field* field = signature.field(key);
        if (!field || field->isInput)
            continue; // unknown keys are dropped, as DSPy does
        Expected<Value, QString> value = parseFieldValue(raw, field->type);
        if (!value) {
            AdapterParseError e = makeError(
                QStringLiteral("Failed to parse field %1 with value %2 from the LM response. "
                               "Error message: %3")
                    .arg(key, raw.toPythonStr(), value.error()),
                nullptr);
            e.field = key;
            return unexpected(std::move(e));
        }
        fields.insert(key, std::move(value).value());
    }
    applyOutputDefaults(signature, fields);
    if (fields.size() != signature.outputFields().size())
        return unexpected(makeError({}, &fields));
    return fields;
}

} // namespace dspy
