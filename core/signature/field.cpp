#include "signature/field.h"

#include <QRegularExpression>

namespace dspy {

namespace {

QList<char32_t> codePoints(QStringView s)
{
    QList<char32_t> out;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (c.isHighSurrogate() && i + 1 < s.size() && s.at(i + 1).isLowSurrogate()) {
            out.append(QChar::surrogateToUcs4(c, s.at(i + 1)));
            ++i;
        } else {
            out.append(c.unicode());
        }
    }
    return out;
}

// Python's str.isupper(): at least one cased character and none lower- or titlecase.
bool pyIsUpper(QStringView word)
{
    bool cased = false;
    for (char32_t c : codePoints(word)) {
        if (QChar::isLower(c) || QChar::isTitleCase(c))
            return false;
        if (QChar::isUpper(c))
            cased = true;
    }
    return cased;
}

// Python's str.capitalize(): first character titlecased, the rest lowercased.
QString pyCapitalize(QStringView word)
{
    const QList<char32_t> cps = codePoints(word);
    if (cps.isEmpty())
        return {};
    const char32_t first = QChar::toTitleCase(cps.first());
    QString head = QString::fromUcs4(&first, 1);
    const qsizetype firstLen = QChar::requiresSurrogates(cps.first()) ? 2 : 1;
    return head + word.mid(firstLen).toString().toLower();
}

} // namespace

QString Field::savedDescription() const
{
    return description.isEmpty() ? u"${"_qs + name + u'}' : description;
}

bool Field::operator==(const Field& o) const
{
    return name == o.name && type == o.type && description == o.description && prefix == o.prefix &&
           isInput == o.isInput && typeUndefined == o.typeUndefined &&
           defaultValue == o.defaultValue && constraints == o.constraints;
}

QString inferPrefix(const QString& name)
{
    // The same four substitutions as DSPy's infer_prefix, in order. \d is Unicode-aware in
    // Python's re, hence UseUnicodeProperties; [A-Z]/[a-z] stay ASCII in both engines.
    static const QRegularExpression camel(u"(.)([A-Z][a-z]+)"_qs);
    static const QRegularExpression upper(u"([a-z0-9])([A-Z])"_qs);
    static const QRegularExpression letterDigit(u"([a-zA-Z])(\\d)"_qs,
                                                QRegularExpression::UseUnicodePropertiesOption);
    static const QRegularExpression digitLetter(u"(\\d)([a-zA-Z])"_qs,
                                                QRegularExpression::UseUnicodePropertiesOption);
    QString s = name;
    s.replace(camel, u"\\1_\\2"_qs);
    s.replace(upper, u"\\1_\\2"_qs);
    s.replace(letterDigit, u"\\1_\\2"_qs);
    s.replace(digitLetter, u"\\1_\\2"_qs);

    QStringList words;
    for (const QString& word : s.split(u'_'))
        words.append(pyIsUpper(word) ? word : pyCapitalize(word));
    return words.join(u' ');
}

Field makeInputField(QString name, TypeSpec type, QString description)
{
    Field f;
    f.prefix = inferPrefix(name) + u':';
    f.name = std::move(name);
    f.type = std::move(type);
    f.description = std::move(description);
    f.isInput = true;
    return f;
}

Field makeOutputField(QString name, TypeSpec type, QString description)
{
    Field f = makeInputField(std::move(name), std::move(type), std::move(description));
    f.isInput = false;
    return f;
}

} // namespace dspy
