#include "adapters/chatadapter.h"

#include "adapters/jsonadapter.h"
#include "adapters/parsevalue.h"
#include "adapters/valueformat.h"
#include "lm/lm.h"
#include "runtime/runcontext.h"

namespace dspy {

namespace {

const QString kNotSupplied = QStringLiteral("Not supplied for this particular example. ");

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

// field_header_pattern.match: "[[ ## word ## ]]" at the very start of `line`; returns the name and
// the offset just past the marker, or an empty name.
QString matchHeader(const QString& line, qsizetype* end)
{
    static const QLatin1String open("[[ ## ");
    static const QLatin1String close(" ## ]]");
    if (!line.startsWith(open))
        return {};
    qsizetype i = open.size();
    while (i < line.size() && isWordChar(line.at(i)))
        ++i;
    if (i == open.size() || !QStringView(line).mid(i).startsWith(close))
        return {};
    *end = i + close.size();
    return line.mid(open.size(), i - open.size());
}

} // namespace

ChatAdapter::ChatAdapter(bool useJsonAdapterFallback)
    : m_useJsonAdapterFallback(useJsonAdapterFallback)
{}

QString ChatAdapter::formatSections(const QList<std::pair<const Field*, Value>>& fieldsWithValues)
{
    QString out;
    out.reserve(64 * fieldsWithValues.size());
    for (const auto& [field, value] : fieldsWithValues)
        appendSection(out, field->name, formatFieldValue(field->type, value));
    return pyStrip(out);
}

void ChatAdapter::appendSection(QString& out, const QString& name, const QString& value)
{
    // Blocks joined by a blank line, as DSPy joins them with "\n\n".
    if (!out.isEmpty())
        out += QLatin1String("\n\n");
    out += QLatin1String("[[ ## ");
    out += name;
    out += QLatin1String(" ## ]]\n");
    out += value;
}

QString ChatAdapter::formatFieldStructure(const Signature& signature) const
{
    auto placeholders = [](const QList<Field>& fields) {
        QList<std::pair<const Field*, Value>> items;
        for (const Field& f : fields)
            items.append({&f, Value(fieldPlaceholder(f))});
        return formatSections(items);
    };
    const QStringList parts{
        QStringLiteral("All interactions will be structured in the following way, with the "
                       "appropriate values filled in."),
        placeholders(signature.inputFields()),
        placeholders(signature.outputFields()),
        QStringLiteral("[[ ## completed ## ]]\n"),
    };
    return pyStrip(parts.join(QStringLiteral("\n\n")));
}

QString ChatAdapter::formatUserMessage(const Signature& signature, const Object& inputs,
                                       bool mainRequest) const
{
    // DSPy joins [prefix="", blocks..., reminder, suffix=""] with "\n\n" and strips the result;
    // the empty prefix and suffix only add whitespace that the strip removes.
    QString out;
    out.reserve(256);
    for (const Field& f : signature.inputFields()) {
        const qsizetype i = inputs.indexOf(f.name);
        if (i < 0)
            continue;
        appendSection(out, f.name, formatFieldValue(f.type, inputs.entries()[i].second));
    }
    if (mainRequest) {
        if (!out.isEmpty())
            out += QLatin1String("\n\n");
        out += outputRequirements(signature);
    }
    return pyStrip(out);
}

QString ChatAdapter::formatAssistantMessage(const Signature& signature, const Object& outputs,
                                            const QStringList& missingFieldNames) const
{
    QList<std::pair<const Field*, Value>> items;
    for (const Field& f : signature.outputFields()) {
        if (outputs.contains(f.name))
            items.append({&f, outputs.value(f.name)});
        else
            items.append({&f, missingFieldNames.contains(f.name) ? Value(kNotSupplied) : Value()});
    }
    return formatSections(items) + QStringLiteral("\n\n[[ ## completed ## ]]\n");
}

QString ChatAdapter::userMessageOutputRequirements(const Signature& signature) const
{
    QStringList items;
    for (const Field& f : signature.outputFields())
        items.append(QStringLiteral("`[[ ## ") + f.name + QStringLiteral(" ## ]]`") +
                     reminderTypeSuffix(f));
    return QStringLiteral(
               "Respond with the corresponding output fields, starting with the field ") +
           items.join(QStringLiteral(", then ")) +
           QStringLiteral(", and then ending with the marker for `[[ ## completed ## ]]`.");
}

QString ChatAdapter::formatFieldsWithValues(const Signature& signature, const Object& values) const
{
    QList<std::pair<const Field*, Value>> items;
    const QList<Field> fields = signature.fields();
    for (const Field& f : fields) {
        if (values.contains(f.name))
            items.append({&f, values.value(f.name)});
    }
    return formatSections(items);
}

ParseResult ChatAdapter::parse(const Signature& signature, const QString& completion) const
{
    // Sections in order of appearance; the text before the first marker has no name.
    QList<std::pair<QString, QStringList>> sections{{QString(), {}}};
    for (const QString& line : pySplitLines(completion)) {
        const QString stripped = pyStrip(line);
        qsizetype end = 0;
        const QString header = matchHeader(stripped, &end);
        if (header.isEmpty()) {
            sections.last().second.append(line);
            continue;
        }
        // DSPy slices the unstripped line at the stripped line's offset, which turns an indented
        // marker into the value "]]" (dspy.md §2.13 lists it as a bug a port may fix); we slice
        // the stripped line.
        const QString rest = pyStrip(QStringView(stripped).mid(end));
        sections.append({header, rest.isEmpty() ? QStringList() : QStringList{rest}});
    }

    auto makeError = [&](QString message, const Object* parsed) {
        return AdapterParseError::make(name(), std::move(message), signature, completion, parsed);
    };

    Object fields;
    for (const auto& [key, lines] : sections) {
        if (key.isNull() || fields.contains(key))
            continue;
        const Field* field = signature.field(key);
        if (!field || field->isInput)
            continue;
        const QString text = pyStrip(lines.join(QLatin1Char('\n')));
        Expected<Value, QString> value = parseValue(text, field->type);
        if (!value) {
            AdapterParseError e = makeError(
                QStringLiteral("Failed to parse field %1 with value %2 from the LM response. "
                               "Error message: %3")
                    .arg(key, text, value.error()),
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

QList<Completion> ChatAdapter::callWithReport(LM& lm, const Object& lmKwargs,
                                              const Signature& signature,
                                              const QList<Example>& demos, const Object& inputs,
                                              RunContext& ctx, AdapterCallReport& report) const
{
    try {
        return runAttempt(lm, lmKwargs, signature, demos, inputs, ctx, 0, report);
    } catch (const AdapterParseException& e) {
        // Only parse failures fall back: LM errors (auth, context window, ...) would fail again.
        if (!m_useJsonAdapterFallback)
            throw;
        report.fallbackFrom = name();
        report.fallbackReason = name() + QStringLiteral(": ") + e.error().toString();
    }
    static const JSONAdapter json;
    QString fallbackFrom = report.fallbackFrom;
    QString fallbackReason = report.fallbackReason;
    report.fallbackFrom.clear();
    report.fallbackReason.clear();
    auto merge = [&]() {
        if (!report.fallbackFrom.isEmpty()) {
            fallbackFrom += QStringLiteral(", ") + report.fallbackFrom;
            fallbackReason += QStringLiteral("\n\n") + report.fallbackReason;
        }
        report.fallbackFrom = fallbackFrom;
        report.fallbackReason = fallbackReason;
    };
    try {
        QList<Completion> out =
            json.callWithReport(lm, lmKwargs, signature, demos, inputs, ctx, report);
        merge();
        return out;
    } catch (...) {
        merge();
        throw;
    }
}

} // namespace dspy
