#include "modules/programofthought.h"

#include "modules/modulepaths.h"
#include "runtime/jssandbox.h"

#include <QDebug>
#include <QRegularExpression>

#include <stdexcept>

namespace dspy {

namespace {

const QString kCodeFile = QStringLiteral("generated_code.js");

// SUBMIT(output) records its argument and ends the script by throwing a private marker; the
// returned control object tells the host what happened.
const QString kPrelude = QStringLiteral(
    "(function (global) {\n"
    "    const marker = {};\n"
    "    let submitted = false;\n"
    "    let misused = false;\n"
    "    let value;\n"
    "    Object.defineProperty(global, 'SUBMIT', { value: function SUBMIT(output) {\n"
    "        if (arguments.length !== 1) {\n"
    "            misused = true;\n"
    "            throw marker;\n"
    "        }\n"
    "        submitted = true;\n"
    "        value = output;\n"
    "        throw marker;\n"
    "    }, writable: false, configurable: false });\n"
    "    return { submitted: function () { return submitted; },\n"
    "             misused: function () { return misused; },\n"
    "             value: function () { return value; } };\n"
    "})(this)");

Field inputField(const QString& name, const QString& description)
{
    return makeInputField(name, TypeSpec::str(), description);
}

Field outputField(const QString& name, const QString& description)
{
    return makeOutputField(name, TypeSpec::str(), description);
}

QString backticked(const QList<Field>& fields)
{
    QStringList names;
    for (const Field& f : fields)
        names.append(QLatin1Char('`') + f.name + QLatin1Char('`'));
    return names.join(QStringLiteral(", "));
}

ChainOfThought modePredictor(const Signature& signature, ProgramOfThought::Mode mode)
{
    const Signature fields = ProgramOfThought::modeSignature(signature, mode);
    return ChainOfThought(
        Signature::fromFields(fields.inputFields(), fields.outputFields(),
                              ProgramOfThought::modeInstructions(signature, mode)));
}

} // namespace

ProgramOfThought::ProgramOfThought(const Signature& signature, int maxIters, int timeoutMs)
    : m_signature(signature)
    , m_maxIters(maxIters)
    , m_timeoutMs(timeoutMs)
    , m_codeGenerate(modePredictor(signature, Mode::Generate))
    , m_codeRegenerate(modePredictor(signature, Mode::Regenerate))
    , m_generateOutput(modePredictor(signature, Mode::Answer))
{
    if (maxIters < 1)
        throw std::invalid_argument("ProgramOfThought: max_iters must be at least 1");
    if (timeoutMs <= 0)
        throw std::invalid_argument("ProgramOfThought: the time limit must be positive");
}

Signature ProgramOfThought::modeSignature(const Signature& signature, Mode mode)
{
    QList<Field> inputs = signature.inputFields();
    QList<Field> outputs;
    switch (mode) {
    case Mode::Generate:
        outputs.append(outputField(QStringLiteral("generated_code"),
                                   QStringLiteral("JavaScript code that answers the question")));
        break;
    case Mode::Regenerate:
        inputs.append(
            inputField(QStringLiteral("previous_code"),
                       QStringLiteral("previously-generated JavaScript code that errored")));
        inputs.append(
            inputField(QStringLiteral("error"),
                       QStringLiteral("error message from previously-generated JavaScript code")));
        outputs.append(outputField(QStringLiteral("generated_code"),
                                   QStringLiteral("JavaScript code that answers the question")));
        break;
    case Mode::Answer:
        inputs.append(inputField(QStringLiteral("final_generated_code"),
                                 QStringLiteral("JavaScript code that answers the question")));
        inputs.append(inputField(QStringLiteral("code_output"),
                                 QStringLiteral("output of previously-generated JavaScript code")));
        outputs = signature.outputFields();
        break;
    }
    return Signature::fromFields(inputs, outputs);
}

QString ProgramOfThought::modeInstructions(const Signature& signature, Mode mode)
{
    const Signature sig = modeSignature(signature, mode);
    const QString modeInputs = backticked(sig.inputFields());
    const QString modeOutputs = backticked(sig.outputFields());
    const QString finalOutputs = backticked(signature.outputFields());
    QStringList lines;
    switch (mode) {
    case Mode::Generate:
        lines = {
            QStringLiteral("You will be given %1 and you will respond with %2.")
                .arg(modeInputs, modeOutputs),
            QStringLiteral("Generating executable JavaScript code that programmatically computes "
                           "the correct %1.")
                .arg(modeOutputs),
            QStringLiteral("After you're done with the computation and think you have the final "
                           "output, make sure to submit your output by calling the preloaded "
                           "function `SUBMIT()`."),
            QStringLiteral("You must structure your output in an object, like {\"field_a\": "
                           "value_a, ...}, with the correct value mapping for the field(s): %1.")
                .arg(finalOutputs),
        };
        break;
    case Mode::Regenerate:
        lines = {
            QStringLiteral("You are given %1 due to an error in previous code.").arg(modeInputs),
            QStringLiteral("Your task is to correct the error and provide the new "
                           "`generated_code`."),
        };
        break;
    case Mode::Answer:
        lines = {QStringLiteral("Given the final code %1, provide the final %2.")
                     .arg(modeInputs, modeOutputs)};
        break;
    }
    return lines.join(QLatin1Char('\n'));
}

ProgramOfThought::ParsedCode ProgramOfThought::parseCode(const QString& generatedCode)
{
    // code_data.get("generated_code", "").split("---", 1)[0].split("\n\n\n", 1)[0]
    QString code = generatedCode;
    if (const qsizetype dash = code.indexOf(QStringLiteral("---")); dash >= 0)
        code.truncate(dash);
    if (const qsizetype gap = code.indexOf(QStringLiteral("\n\n\n")); gap >= 0)
        code.truncate(gap);
    static const QRegularExpression fence(
        QStringLiteral("```(?:javascript|js)[ \\n](.*?)[ \\n]```?"),
        QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch m = fence.match(code);
    QString block = m.hasMatch() ? m.captured(1) : code;
    if (block.isEmpty())
        return {code, QStringLiteral("Error: Empty code after parsing.")};
    if (!block.contains(u'\n') && block.count(u'=') > 1)
        return {code, QStringLiteral("Error: Code format is not correct.")};
    const QStringList lines = block.split(u'\n');
    // DSPy's ^(\w+)\s*= on the last line, which may also declare the variable here.
    static const QRegularExpression assigned(
        QStringLiteral("^(?:(?:let|const|var)\\s+)?(\\w+)\\s*="),
        QRegularExpression::UseUnicodePropertiesOption);
    const QRegularExpressionMatch last = assigned.match(lines.last().trimmed());
    if (last.hasMatch() && lines.size() > 1)
        block += QLatin1Char('\n') + last.captured(1);
    return {block, QString()};
}

ProgramOfThought::Execution ProgramOfThought::executeCode(const QString& code) const
{
    if (code.isEmpty())
        return {QString(), QStringLiteral("Error: Empty code before execution.")};
    JsSandbox sandbox(m_timeoutMs);
    bool timedOut = false;
    const QJSValue control =
        sandbox.evaluate(kPrelude, QStringLiteral("<ProgramOfThought prelude>"), &timedOut);
    if (timedOut || !control.isObject())
        return {QString(), QStringLiteral("Error: the sandbox could not be prepared")};
    const QJSValue result = sandbox.evaluate(code, kCodeFile, &timedOut);
    if (timedOut) {
        return {QString(), QStringLiteral("%1: the code took longer than %2 ms and was interrupted")
                               .arg(kCodeFile)
                               .arg(m_timeoutMs)};
    }
    QJSValue value = result;
    if (control.property(QStringLiteral("misused")).call().toBool()) {
        return {QString(), QStringLiteral("%1: TypeError: SUBMIT() takes one argument: an object "
                                          "of the output fields")
                               .arg(kCodeFile)};
    }
    if (control.property(QStringLiteral("submitted")).call().toBool())
        value = control.property(QStringLiteral("value")).call();
    else if (result.isError())
        return {QString(), JsSandbox::describeError(result, kCodeFile)};
    QString error;
    const Value converted = JsSandbox::fromJs(value, &error);
    if (!error.isEmpty())
        return {QString(), QStringLiteral("%1: the output is %2").arg(kCodeFile, error)};
    // json.dumps(result): ", " and ": " separators, ASCII escapes.
    return {converted.toJson(JsonStyle{-1, true, false}), QString()};
}

Prediction ProgramOfThought::forward(const Example& inputs, RunContext& ctx)
{
    Object kwargs;
    for (const Field& f : m_signature.inputFields()) {
        if (!inputs.contains(f.name)) {
            throw std::invalid_argument(QStringLiteral("ProgramOfThought: missing input field `%1`")
                                            .arg(f.name)
                                            .toStdString());
        }
        kwargs.insert(f.name, inputs.get(f.name));
    }
    auto call = [&](ChainOfThought& predictor, const QString& name) {
        RunContext inner = ctx.child();
        inner.predictorPath = childPredictorPath(ctx.predictorPath, name);
        return predictor(Example(kwargs), inner);
    };
    auto codeOf = [](const Prediction& p) {
        const Value& v = p.get(u"generated_code");
        return v.isString() ? v.toString() : v.isNull() ? QString() : v.toPythonStr();
    };

    Prediction codeData = call(m_codeGenerate, QStringLiteral("code_generate"));
    ParsedCode parsed = parseCode(codeOf(codeData));
    QString error = parsed.error;
    QString output;
    if (error.isEmpty()) {
        const Execution run = executeCode(parsed.code);
        output = run.output;
        error = run.error;
    }
    int hop = 1;
    // Retrying code generation and execution until no error or max_iters.
    while (!error.isEmpty()) {
        qWarning().noquote() << QStringLiteral("Error in code execution: %1").arg(error);
        if (hop == m_maxIters) {
            throw std::runtime_error(
                QStringLiteral("Max hops reached. Failed to run ProgramOfThought: %1")
                    .arg(error)
                    .toStdString());
        }
        kwargs.insert(QStringLiteral("previous_code"), Value(parsed.code));
        kwargs.insert(QStringLiteral("error"), Value(error));
        codeData = call(m_codeRegenerate, QStringLiteral("code_regenerate"));
        parsed = parseCode(codeOf(codeData));
        error = parsed.error;
        if (error.isEmpty()) {
            const Execution run = executeCode(parsed.code);
            output = run.output;
            error = run.error;
        }
        ++hop;
    }
    kwargs.insert(QStringLiteral("final_generated_code"), Value(parsed.code));
    kwargs.insert(QStringLiteral("code_output"), Value(output));
    return call(m_generateOutput, QStringLiteral("generate_output"));
}

QString ProgramOfThought::instanceName() const
{
    return QStringLiteral("ProgramOfThought(%1)").arg(m_signature.signatureString());
}

std::unique_ptr<Module> ProgramOfThought::clone() const
{
    return std::make_unique<ProgramOfThought>(*this);
}

QList<NamedPredictor> ProgramOfThought::namedPredictors()
{
    QList<NamedPredictor> out = predictorsUnder(QStringLiteral("code_generate"), m_codeGenerate);
    out += predictorsUnder(QStringLiteral("code_regenerate"), m_codeRegenerate);
    out += predictorsUnder(QStringLiteral("generate_output"), m_generateOutput);
    return out;
}

} // namespace dspy
