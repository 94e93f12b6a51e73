#include "adapters/xmladapter.h"

#include "adapters/parsevalue.h"
#include "adapters/valueformat.h"
#include "signature/signature.h"

#include <QXmlStreamReader>

namespace dspy {

namespace {

const QString kNotSupplied = QStringLiteral("Not supplied for this particular example. ");

// Just enough of ElementTree: text before the first child, the children, and the tail text.
struct XmlElement
{
    QString tag;
    QList<std::pair<QString, QString>> attributes;
    QString text;
    QString tail;
    QList<XmlElement> children;

    QString attribute(const QString& n) const
    {
        for (const auto& [k, v] : attributes) {
            if (k == n)
                return v;
        }
        return {};
    }
    bool hasAttribute(const QString& n) const
    {
        return std::any_of(attributes.cbegin(), attributes.cend(),
                           [&](const auto& a) { return a.first == n; });
    }
};

// ElementTree.fromstring: the root element, or the reader's error with its position.
Expected<XmlElement, QString> parseXml(const QString& document)
{
    QXmlStreamReader reader(document);
    QList<XmlElement> stack;
    std::optional<XmlElement> root;
    auto appendText = [&](const QString& s) {
        if (stack.isEmpty())
            return;
        XmlElement& top = stack.last();
        if (top.children.isEmpty())
            top.text += s;
        else
            top.children.last().tail += s;
    };
    while (!reader.atEnd()) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement: {
            XmlElement e;
            e.tag = reader.name().toString();
            for (const QXmlStreamAttribute& a : reader.attributes())
                e.attributes.append({a.qualifiedName().toString(), a.value().toString()});
            stack.append(std::move(e));
            break;
        }
        case QXmlStreamReader::EndElement: {
            XmlElement done = stack.takeLast();
            if (stack.isEmpty())
                root = std::move(done);
            else
                stack.last().children.append(std::move(done));
            break;
        }
        case QXmlStreamReader::Characters:
            appendText(reader.text().toString());
            break;
        case QXmlStreamReader::EntityReference:
            // An entity the reader could not resolve: expat rejects these too.
            return unexpected(QStringLiteral("undefined entity &%1;: line %2, column %3")
                                  .arg(reader.name().toString())
                                  .arg(reader.lineNumber())
                                  .arg(reader.columnNumber()));
        default:
            break; // comments and processing instructions are dropped, as ElementTree does
        }
    }
    if (reader.hasError()) {
        return unexpected(QStringLiteral("%1: line %2, column %3")
                              .arg(reader.errorString())
                              .arg(reader.lineNumber())
                              .arg(reader.columnNumber()));
    }
    if (!root)
        return unexpected(QStringLiteral("no element found"));
    return *root;
}

QString escapeText(QString s)
{
    s.replace(QLatin1Char('&'), QLatin1String("&amp;"));
    s.replace(QLatin1Char('<'), QLatin1String("&lt;"));
    return s;
}

// xml.sax.saxutils.quoteattr
QString quoteAttr(QString s)
{
    s.replace(QLatin1Char('&'), QLatin1String("&amp;"));
    s.replace(QLatin1Char('<'), QLatin1String("&lt;"));
    s.replace(QLatin1Char('>'), QLatin1String("&gt;"));
    s.replace(QLatin1Char('\n'), QLatin1String("&#10;"));
    s.replace(QLatin1Char('\r'), QLatin1String("&#13;"));
    s.replace(QLatin1Char('\t'), QLatin1String("&#9;"));
    if (s.contains(QLatin1Char('"'))) {
        if (s.contains(QLatin1Char('\'')))
            return QLatin1Char('"') + s.replace(QLatin1Char('"'), QLatin1String("&quot;")) +
                   QLatin1Char('"');
        return QLatin1Char('\'') + s + QLatin1Char('\'');
    }
    return QLatin1Char('"') + s + QLatin1Char('"');
}

// ElementTree.tostring(element, encoding="unicode"), tail included.
QString toXmlString(const XmlElement& e)
{
    auto esc = [](QString s) {
        s.replace(QLatin1Char('&'), QLatin1String("&amp;"));
        s.replace(QLatin1Char('<'), QLatin1String("&lt;"));
        s.replace(QLatin1Char('>'), QLatin1String("&gt;"));
        return s;
    };
    auto escAttr = [&](QString s) {
        s = esc(s);
        s.replace(QLatin1Char('"'), QLatin1String("&quot;"));
        s.replace(QLatin1Char('\n'), QLatin1String("&#10;"));
        s.replace(QLatin1Char('\r'), QLatin1String("&#13;"));
        s.replace(QLatin1Char('\t'), QLatin1String("&#09;"));
        return s;
    };
    QString out = QLatin1Char('<') + e.tag;
    for (const auto& [k, v] : e.attributes)
        out += QLatin1Char(' ') + k + QStringLiteral("=\"") + escAttr(v) + QLatin1Char('"');
    if (e.text.isEmpty() && e.children.isEmpty()) {
        out += QStringLiteral(" />");
    } else {
        out += QLatin1Char('>') + esc(e.text);
        for (const XmlElement& c : e.children)
            out += toXmlString(c);
        out += QStringLiteral("</") + e.tag + QLatin1Char('>');
    }
    return out + esc(e.tail);
}

// _group_children: children by tag (an <entry key="k"> counts as k), in order of appearance.
QList<std::pair<QString, QList<const XmlElement*>>> groupChildren(const XmlElement& e)
{
    QList<std::pair<QString, QList<const XmlElement*>>> groups;
    for (const XmlElement& c : e.children) {
        const QString key =
            (c.tag == QLatin1String("entry") && c.hasAttribute(QStringLiteral("key")))
                ? c.attribute(QStringLiteral("key"))
                : c.tag;
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g.first == key; });
        if (it == groups.end())
            groups.append({key, {&c}});
        else
            it->second.append(&c);
    }
    return groups;
}

QString typeOf(const Object& schema)
{
    return schema.value(u"type").toString();
}

struct ConversionError
{};

// _elements_to_value: the value the elements spell under `schema` (throws when the schema has
// no usable choice, as DSPy's next() would).
Value elementsToValue(QList<const XmlElement*> elements, Object schema)
{
    const Value anyOf = schema.value(u"anyOf");
    if (anyOf.isArray()) {
        const Array choices = anyOf.toArray();
        const Value nullSchema = Object{{QStringLiteral("type"), QStringLiteral("null")}};
        const bool hasNull = std::any_of(choices.cbegin(), choices.cend(),
                                         [&](const Value& c) { return c == nullSchema; });
        if (hasNull && elements.first()->children.isEmpty() &&
            pyStrip(elements.first()->text).isEmpty())
            return Value();
        Array nonNull;
        for (const Value& c : choices) {
            if (c.toObject().value(u"type") != Value("null"))
                nonNull.append(c);
        }
        if (nonNull.isEmpty())
            throw ConversionError{};
        schema = nonNull.first().toObject();
        if (!elements.first()->children.isEmpty()) {
            for (const Value& c : nonNull) {
                if (c.toObject().value(u"type") != Value("string")) {
                    schema = c.toObject();
                    break;
                }
            }
        }
    }
    if (typeOf(schema) == QLatin1String("array")) {
        if (elements.size() == 1 && elements.first()->children.isEmpty()) {
            const QString text = pyStrip(elements.first()->text);
            if (text.isEmpty())
                return Array();
            if (text.startsWith(QLatin1Char('[')))
                return text;
        }
        if (elements.size() == 1) {
            for (const auto& [name, items] : groupChildren(*elements.first())) {
                if (name == QLatin1String("item")) {
                    elements = items;
                    break;
                }
            }
        }
        const Object itemSchema = schema.value(u"items").toObject();
        Array out;
        for (const XmlElement* e : elements)
            out.append(elementsToValue({e}, itemSchema));
        return out;
    }
    const XmlElement& element = *elements.first();
    if (typeOf(schema) == QLatin1String("string") && !element.children.isEmpty()) {
        QString s = element.text;
        for (const XmlElement& c : element.children)
            s += toXmlString(c);
        return s;
    }
    const auto children = groupChildren(element);
    if (children.isEmpty()) {
        if (typeOf(schema) == QLatin1String("object") && pyStrip(element.text).isEmpty())
            return Object();
        if (elements.size() == 1)
            return pyStrip(element.text);
        Array values;
        for (const XmlElement* e : elements)
            values.append(pyStrip(e->text));
        return values;
    }
    const Object properties = schema.value(u"properties").toObject();
    const Value additional = schema.value(u"additionalProperties");
    const Object childSchema = additional.isObject() ? additional.toObject() : Object();
    Object out;
    for (const auto& [name, items] : children) {
        out.insert(name, elementsToValue(items, properties.contains(name)
                                                    ? properties.value(name).toObject()
                                                    : childSchema));
    }
    return out;
}

// _schema_to_xml
QString schemaToXml(const QString& tag, const Object& schema)
{
    const Value anyOf = schema.value(u"anyOf");
    if (anyOf.isArray() && !anyOf.toArray().isEmpty()) {
        const Array choices = anyOf.toArray();
        for (const Value& c : choices) {
            if (c.toObject().value(u"type") != Value("null"))
                return schemaToXml(tag, c.toObject());
        }
        return schemaToXml(tag, choices.first().toObject());
    }
    if (typeOf(schema) == QLatin1String("array")) {
        return QLatin1Char('<') + tag + QLatin1Char('>') +
               schemaToXml(QStringLiteral("item"), schema.value(u"items").toObject()) +
               QStringLiteral("</") + tag + QLatin1Char('>');
    }
    QString children;
    for (const auto& [name, child] : schema.value(u"properties").toObject())
        children += schemaToXml(name, child.toObject());
    if (children.isEmpty())
        children = QStringLiteral("...");
    return QLatin1Char('<') + tag + QLatin1Char('>') + children + QStringLiteral("</") + tag +
           QLatin1Char('>');
}

// Python's str.isidentifier() for the names DSPy turns into tags.
bool isIdentifier(const QString& s)
{
    if (s.isEmpty())
        return false;
    if (!(s.at(0).isLetter() || s.at(0) == u'_'))
        return false;
    return std::all_of(s.cbegin() + 1, s.cend(),
                       [](QChar c) { return c.isLetterOrNumber() || c == u'_' || c.isMark(); });
}

} // namespace

bool XMLAdapter::usesNestedXml(const TypeSpec& type)
{
    TypeSpec t = type;
    if (t.kind() == TypeSpec::Kind::Union) {
        QList<TypeSpec> nonNone;
        for (const TypeSpec& a : t.args()) {
            if (a.kind() != TypeSpec::Kind::NoneType)
                nonNone.append(a);
        }
        if (nonNone.size() == 1)
            t = nonNone.first();
    }
    // A bare `list`/`dict` has no typing origin in Python, so DSPy keeps it flat.
    return (t.kind() == TypeSpec::Kind::List || t.kind() == TypeSpec::Kind::Dict) && !t.isBare();
}

QString XMLAdapter::xmlSkeleton(const QString& tag, const TypeSpec& type)
{
    return schemaToXml(tag, type.jsonSchema());
}

QString XMLAdapter::valueToXml(const Value& value, const QString& tag, const QString* key)
{
    const QString attrs = key ? QStringLiteral(" key=") + quoteAttr(*key) : QString();
    const QString open = QLatin1Char('<') + tag + attrs + QLatin1Char('>');
    const QString close = QStringLiteral("</") + tag + QLatin1Char('>');
    const QString empty = QLatin1Char('<') + tag + attrs + QStringLiteral(" />");
    if (value.isArray()) {
        QString children;
        for (const Value& item : value.toArray())
            children += valueToXml(item, QStringLiteral("item"));
        return children.isEmpty() ? empty : open + children + close;
    }
    if (value.isObject()) {
        QString children;
        for (const auto& [name, child] : value.toObject()) {
            QString probe = name.left(1) + name.mid(1).replace(u'-', u'_').replace(u'.', u'_');
            children += isIdentifier(probe) ? valueToXml(child, name)
                                            : valueToXml(child, QStringLiteral("entry"), &name);
        }
        return open + children + close;
    }
    if (value.isNull())
        return empty;
    return open + escapeText(value.toPythonStr()) + close;
}

QString
XMLAdapter::formatFields(const QList<std::pair<const Field*, Value>>& fieldsWithValues) const
{
    QStringList blocks;
    for (const auto& [field, value] : fieldsWithValues) {
        const bool isOutput = !field->isInput;
        if (isOutput && usesNestedXml(field->type) && (value.isArray() || value.isObject())) {
            blocks.append(valueToXml(value, field->name));
            continue;
        }
        QString formatted = formatFieldValue(field->type, value);
        if (isOutput && field->type.isStr())
            formatted = escapeText(formatted);
        blocks.append(QLatin1Char('<') + field->name + QStringLiteral(">\n") + formatted +
                      QStringLiteral("\n</") + field->name + QLatin1Char('>'));
    }
    return pyStrip(blocks.join(QStringLiteral("\n\n")));
}

QString XMLAdapter::formatFieldStructure(const Signature& signature) const
{
    auto group = [&](const QList<Field>& fields) {
        QStringList blocks;
        for (const Field& f : fields) {
            if (!f.isInput && usesNestedXml(f.type))
                blocks.append(xmlSkeleton(f.name, f.type));
            else
                blocks.append(formatFields({{&f, Value(fieldPlaceholder(f))}}));
        }
        return blocks.join(QStringLiteral("\n\n"));
    };
    // No strip here: DSPy joins the three parts as they are.
    return QStringList{QStringLiteral("All interactions will be structured in the following way, "
                                      "with the appropriate values filled in."),
                       group(signature.inputFields()), group(signature.outputFields())}
        .join(QStringLiteral("\n\n"));
}

QString XMLAdapter::formatUserMessage(const Signature& signature, const Object& inputs,
                                      bool mainRequest) const
{
    QList<std::pair<const Field*, Value>> items;
    for (const Field& f : signature.inputFields()) {
        if (inputs.contains(f.name))
            items.append({&f, inputs.value(f.name)});
    }
    QStringList parts{QString(), formatFields(items)};
    if (mainRequest)
        parts.append(outputRequirements(signature));
    parts.append(QString());
    return pyStrip(parts.join(QStringLiteral("\n\n")));
}

QString XMLAdapter::formatAssistantMessage(const Signature& signature, const Object& outputs,
                                           const QStringList& missingFieldNames) const
{
    QList<std::pair<const Field*, Value>> items;
    for (const Field& f : signature.outputFields()) {
        if (outputs.contains(f.name))
            items.append({&f, outputs.value(f.name)});
        else
            items.append({&f, missingFieldNames.contains(f.name) ? Value(kNotSupplied) : Value()});
    }
    return formatFields(items);
}

QString XMLAdapter::userMessageOutputRequirements(const Signature& signature) const
{
    QStringList names;
    QStringList skeletons;
    for (const Field& f : signature.outputFields()) {
        names.append(QStringLiteral("`<") + f.name + QStringLiteral(">`"));
        if (usesNestedXml(f.type))
            skeletons.append(xmlSkeleton(f.name, f.type));
    }
    QString out =
        QStringLiteral("Respond with the corresponding output fields wrapped in XML tags ") +
        names.join(QStringLiteral(", then ")) + QLatin1Char('.');
    if (!skeletons.isEmpty())
        out +=
            QStringLiteral(" Use this nested XML structure: ") + skeletons.join(QLatin1Char(' '));
    return out;
}

QString XMLAdapter::formatFieldsWithValues(const Signature& signature, const Object& values) const
{
    QList<std::pair<const Field*, Value>> items;
    const QList<Field> fields = signature.fields();
    for (const Field& f : fields) {
        if (values.contains(f.name))
            items.append({&f, values.value(f.name)});
    }
    return formatFields(items);
}

ParseResult XMLAdapter::parse(const Signature& signature, const QString& completion) const
{
    auto makeError = [&](QString message) {
        return AdapterParseError::make(name(), std::move(message), signature, completion);
    };

    const Expected<XmlElement, QString> root =
        parseXml(QStringLiteral("<dspy_root>") + completion + QStringLiteral("</dspy_root>"));
    if (!root)
        return unexpected(makeError(QStringLiteral("Failed to parse XML: ") + root.error()));

    const auto groups = groupChildren(*root);
    Object fields;
    for (const Field& f : signature.outputFields()) {
        auto it = std::find_if(groups.cbegin(), groups.cend(),
                               [&](const auto& g) { return g.first == f.name; });
        if (it == groups.cend())
            continue;
        const Object schema = f.type.jsonSchema();
        QList<Object> candidates{schema};
        for (const Value& c : schema.value(u"anyOf").toArray())
            candidates.append(c.toObject());
        Value value;
        QString error;
        bool ok = false;
        for (const Object& candidate : candidates) {
            try {
                value = elementsToValue(it->second, candidate);
            } catch (const ConversionError&) {
                error = QStringLiteral("no usable type in the schema");
                continue;
            }
            Expected<Value, QString> parsed = parseFieldValue(value, f.type);
            if (!parsed && !value.isString())
                parsed = validateValue(value, f.type);
            if (parsed) {
                fields.insert(f.name, std::move(parsed).value());
                ok = true;
                break;
            }
            error = parsed.error();
        }
        if (!ok) {
            AdapterParseError e =
                makeError(QStringLiteral("Failed to parse field %1 with value %2: %3")
                              .arg(f.name, value.toPythonStr(), error));
            e.field = f.name;
            return unexpected(std::move(e));
        }
    }
    applyOutputDefaults(signature, fields);
    if (fields.size() != signature.outputFields().size()) {
        AdapterParseError e = makeError({});
        e.parsedFields = fields.keys();
        e.hasParsedResult = true;
        return unexpected(std::move(e));
    }
    return fields;
}

} // namespace dspy
