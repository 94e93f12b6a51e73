#include "lm/simcode.h"

#include <QRegularExpression>

#include <cmath>

namespace dspy {

namespace {

bool isReasoning(const QString& name)
{
    return name == u"reasoning" || name == u"rationale";
}

// The fields ProgramOfThought's generate instructions ask SUBMIT() for:
// "... with the correct value mapping for the field(s): `answer`, `unit`."
QStringList submittedFields(const QString& instructions)
{
    static const QRegularExpression line(
        QStringLiteral("value mapping for the field\\(s\\): ([^\\n]*)\\."));
    static const QRegularExpression name(QStringLiteral("`([^`]+)`"));
    QStringList out;
    const QRegularExpressionMatch m = line.match(instructions);
    if (m.hasMatch()) {
        for (auto it = name.globalMatch(m.captured(1)); it.hasNext();)
            out.append(it.next().captured(1));
    }
    if (out.isEmpty())
        out.append(QStringLiteral("answer"));
    return out;
}

QString jsNumber(double d)
{
    if (std::abs(d - std::round(d)) < 1e-9)
        return QString::number(qint64(std::llround(d)));
    return QString::number(d, 'g', 15);
}

// One const per step; an operand equal to an earlier step's result names that step.
QString writeCode(const SimArithmetic& calc, const QStringList& fields)
{
    static const QRegularExpression stepText(QStringLiteral("^(\\S+) ([-+×÷]) (\\S+) = (\\S+)$"));
    QStringList lines;
    QStringList results; // each step's result as written
    auto operand = [&](const QString& text) {
        for (qsizetype k = results.size() - 1; k >= 0; --k) {
            if (results[k] == text)
                return QStringLiteral("step%1").arg(k + 1);
        }
        return text;
    };
    for (const QString& step : calc.steps) {
        const QRegularExpressionMatch m = stepText.match(step);
        if (!m.hasMatch())
            continue;
        const QString op = m.captured(2) == u"×"   ? QStringLiteral("*")
                           : m.captured(2) == u"÷" ? QStringLiteral("/")
                                                   : m.captured(2);
        lines.append(QStringLiteral("const step%1 = %2 %3 %4;")
                         .arg(results.size() + 1)
                         .arg(operand(m.captured(1)), op, operand(m.captured(3))));
        results.append(m.captured(4));
    }
    QString resultName;
    if (results.isEmpty()) {
        lines.append(QStringLiteral("const result = %1;").arg(jsNumber(*calc.result)));
        resultName = QStringLiteral("result");
    } else {
        resultName = QStringLiteral("step%1").arg(results.size());
    }
    QStringList entries;
    for (qsizetype i = 0; i < fields.size(); ++i)
        entries.append(QStringLiteral("\"%1\": %2").arg(fields[i], i == 0 ? resultName : "null"));
    lines.append(QStringLiteral("SUBMIT({%1});").arg(entries.join(QStringLiteral(", "))));
    return QStringLiteral("```javascript\n") + lines.join(u'\n') + QStringLiteral("\n```");
}

Value typed(const SimPrompt::FieldSpec& f, const Value& v)
{
    switch (f.kind) {
    case SimPrompt::Kind::Int:
        if (v.isNumber())
            return Value(qint64(std::llround(v.toDouble())));
        break;
    case SimPrompt::Kind::Float:
        if (v.isNumber())
            return Value(v.toDouble());
        break;
    case SimPrompt::Kind::Str:
        return Value(v.isString() ? v.toString() : v.toPythonStr());
    default:
        break;
    }
    return v;
}

} // namespace

std::optional<SimAnswer> simCodeAnswer(const SimPrompt& p, const QString& mainInput)
{
    bool writesCode = false;
    for (const SimPrompt::FieldSpec& f : p.outputFields)
        writesCode |= f.name == u"generated_code";

    if (writesCode) {
        const SimArithmetic calc = simReadArithmetic(mainInput);
        if (!calc.result)
            return std::nullopt; // the generic skills answer (and the code will not run)
        SimAnswer a;
        a.skill = SimAnswer::Skill::Arithmetic;
        const QString code = writeCode(calc, submittedFields(p.instructions));
        for (const SimPrompt::FieldSpec& f : p.outputFields) {
            if (f.name == u"generated_code") {
                a.fields.insert(f.name, Value(code));
            } else if (isReasoning(f.name)) {
                a.fields.insert(f.name,
                                Value(QStringLiteral("The problem takes %1 arithmetic step(s); "
                                                     "the code computes each one and submits "
                                                     "the result.")
                                          .arg(std::max<qsizetype>(1, calc.steps.size()))));
            } else {
                a.fields.insert(f.name, Value(QString()));
            }
        }
        return a;
    }

    if (!p.inputs.contains(u"code_output") || !p.inputs.contains(u"final_generated_code"))
        return std::nullopt;
    const Value& raw = p.inputs.value(u"code_output");
    const QString text = raw.isString() ? raw.toString() : raw.toJson();
    const std::optional<Value> output = Value::fromJson(text);
    if (!output)
        return std::nullopt;
    SimAnswer a;
    a.skill = SimAnswer::Skill::Arithmetic;
    bool first = true;
    for (const SimPrompt::FieldSpec& f : p.outputFields) {
        if (isReasoning(f.name)) {
            a.fields.insert(f.name, Value(QStringLiteral("The code's output is %1.").arg(text)));
            continue;
        }
        Value v;
        if (output->isObject())
            v = output->toObject().value(f.name);
        else if (first)
            v = *output;
        first = false;
        a.fields.insert(f.name, typed(f, v));
    }
    return a;
}

} // namespace dspy
