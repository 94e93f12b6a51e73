#include "adapters/valueformat.h"

#include "adapters/parsevalue.h"
#include "signature/signature.h"

namespace dspy {

namespace {

bool isPySpace(QChar c)
{
    const char16_t u = c.unicode();
    // str.isspace() also counts the ASCII information separators, which QChar does not.
    return c.isSpace() || (u >= 0x1c && u <= 0x1f);
}

// _format_blob: a single-line item is «wrapped»; anything with a newline or a guillemet becomes an
// indented block so the LM can tell where it ends.
QString formatBlob(const QString& blob)
{
    if (!blob.contains(QLatin1Char('\n')) && !blob.contains(QChar(0x00AB)) &&
        !blob.contains(QChar(0x00BB)))
        return QChar(0x00AB) + blob + QChar(0x00BB);
    QString modified = blob;
    modified.replace(QLatin1Char('\n'), QLatin1String("\n    "));
    return QStringLiteral("«««\n    ") + modified + QStringLiteral("\n»»»");
}

} // namespace

QString formatInputList(const Array& items)
{
    auto text = [](const Value& v) { return v.isString() ? v.toString() : v.toPythonStr(); };
    if (items.isEmpty())
        return QStringLiteral("N/A");
    if (items.size() == 1)
        return formatBlob(text(items.first()));
    QStringList lines;
    lines.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i)
        lines.append(QStringLiteral("[%1] ").arg(i + 1) + formatBlob(text(items.at(i))));
    return lines.join(QLatin1Char('\n'));
}

QString formatFieldValue(const TypeSpec& type, const Value& value)
{
    if (value.isArray() && type.isStr())
        return formatInputList(value.toArray());
    if (value.isArray() || value.isObject())
        return value.toJson(JsonStyle{-1, false, false});
    // Strings are not quoted: quoting would change what the LM sees (e.g. string lengths).
    return value.toPythonStr();
}

QString fieldPlaceholder(const Field& field)
{
    QString out = QLatin1Char('{') + field.name + QLatin1Char('}');
    if (field.isInput || field.type.isStr())
        return out;
    const QString hint = field.type.outputHint();
    if (!hint.isEmpty())
        out += QStringLiteral("        # note: the value you produce ") + hint;
    return out;
}

QString reminderTypeSuffix(const Field& field)
{
    if (field.type.isStr())
        return {};
    return QStringLiteral(" (must be formatted as a valid Python %1)")
        .arg(field.type.displayName());
}

QString fieldDescriptionList(const QList<Field>& fields)
{
    QStringList lines;
    lines.reserve(fields.size());
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const Field& f = fields.at(i);
        // Every item carries ": " + desc, so an empty desc leaves a trailing space that only the
        // final strip() removes from the last line (dspy.md §2.2).
        QString line =
            QStringLiteral("%1. `%2` (%3): %4")
                .arg(QString::number(i + 1), f.name, f.type.displayName(), f.description);
        if (!f.constraints.isEmpty())
            line += QStringLiteral("\nConstraints: ") + f.constraints;
        lines.append(line);
    }
    return pyStrip(lines.join(QLatin1Char('\n')));
}

Expected<Value, QString> parseFieldValue(const Value& value, const TypeSpec& type)
{
    if (type.isStr())
        return Value(value.isString() ? value.toString() : value.toPythonStr());
    if (value.isString())
        return parseValue(value.toString(), type);
    return validateValue(value, type);
}

void applyOutputDefaults(const Signature& signature, Object& fields)
{
    for (const Field& f : signature.outputFields()) {
        if (fields.contains(f.name) || !f.isOptionalOutput())
            continue;
        fields.insert(f.name, f.defaultValue.value_or(Value()));
    }
}

QString pyStrip(QStringView text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && isPySpace(text[begin]))
        ++begin;
    while (end > begin && isPySpace(text[end - 1]))
        --end;
    return text.mid(begin, end - begin).toString();
}

QStringList pySplitLines(QStringView text)
{
    QStringList lines;
    qsizetype start = 0;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const char16_t c = text[i].unicode();
        const bool isBreak = c == u'\n' || c == u'\r' || c == 0x0b || c == 0x0c ||
                             (c >= 0x1c && c <= 0x1e) || c == 0x85 || c == 0x2028 || c == 0x2029;
        if (!isBreak) {
            ++i;
            continue;
        }
        lines.append(text.mid(start, i - start).toString());
        if (c == u'\r' && i + 1 < n && text[i + 1] == u'\n')
            ++i;
        ++i;
        start = i;
    }
    if (start < n)
        lines.append(text.mid(start).toString());
    return lines;
}

QString textwrapDedent(const QString& text)
{
    // Split keeping the line ends so the result joins back byte for byte.
    QStringList lines = text.split(QLatin1Char('\n'));
    auto indentOf = [](const QString& line) {
        qsizetype i = 0;
        while (i < line.size() && (line[i] == u' ' || line[i] == u'\t'))
            ++i;
        return i;
    };
    std::optional<QString> margin;
    for (QString& line : lines) {
        const qsizetype ind = indentOf(line);
        if (ind == line.size()) {
            line.clear(); // whitespace-only lines are normalised to empty
            continue;
        }
        const QString lead = line.left(ind);
        if (!margin) {
            margin = lead;
        } else if (lead.startsWith(*margin)) {
            // current margin still common
        } else if (margin->startsWith(lead)) {
            margin = lead;
        } else {
            qsizetype k = 0;
            while (k < margin->size() && k < lead.size() && margin->at(k) == lead.at(k))
                ++k;
            margin = margin->left(k);
        }
    }
    if (margin && !margin->isEmpty()) {
        for (QString& line : lines) {
            if (!line.isEmpty())
                line.remove(0, margin->size());
        }
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace dspy
