#include "modules/react.h"

#include <QDebug>

#include <stdexcept>

namespace dspy {

namespace {

QString backticked(const QList<Field>& fields)
{
    QStringList names;
    names.reserve(fields.size());
    for (const Field& f : fields)
        names.append(QLatin1Char('`') + f.name + QLatin1Char('`'));
    return names.join(QStringLiteral(", "));
}

QString joinPath(const QString& parent, const QString& name)
{
    return parent.isEmpty() ? name : parent + QLatin1Char('.') + name;
}

// The tools keyed by name as DSPy's dict: a repeated name replaces the earlier tool in its place.
QList<Tool> byName(QList<Tool> tools, const Tool& finish)
{
    QList<Tool> out;
    tools.append(finish);
    for (Tool& t : tools) {
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const Tool& o) { return o.name() == t.name(); });
        if (it != out.end())
            *it = std::move(t);
        else
            out.append(std::move(t));
    }
    return out;
}

// DSPy's ValueError from truncate_trajectory.
class TrajectoryTooLong : public std::invalid_argument
{
public:
    TrajectoryTooLong()
        : std::invalid_argument(
              "The trajectory is too long so your prompt exceeded the context window, but the "
              "trajectory cannot be truncated because it only has one tool call.")
    {}
};

} // namespace

Tool ReAct::finishTool(const Signature& signature)
{
    return Tool(QStringLiteral("finish"),
                QStringLiteral("Marks the task as complete. That is, signals that all information "
                               "for producing the outputs, i.e. %1, are now available to be "
                               "extracted.")
                    .arg(backticked(signature.outputFields())),
                Object(), [](const Object&) { return Value(QStringLiteral("Completed.")); });
}

Signature ReAct::reactSignature(const Signature& signature, const QList<Tool>& tools)
{
    const QString inputs = backticked(signature.inputFields());
    const QString outputs = backticked(signature.outputFields());
    QStringList instr;
    const QString instructions = signature.instructions();
    if (!instructions.isEmpty())
        instr.append(instructions + QLatin1Char('\n'));
    instr.append(
        QStringLiteral("You are an Agent. In each episode, you will be given the fields %1 "
                       "as input. And you can see your past trajectory so far.")
            .arg(inputs));
    instr.append(QStringLiteral("Your goal is to use one or more of the supplied tools to collect "
                                "any necessary information for producing %1.\n")
                     .arg(outputs));
    instr.append(QStringLiteral("To do this, you will interleave next_thought, next_tool_name, and "
                                "next_tool_args in each turn, and also when finishing the task."));
    instr.append(QStringLiteral("After each tool call, you receive a resulting observation, which "
                                "gets appended to your trajectory.\n"));
    instr.append(QStringLiteral("When writing next_thought, you may reason about the current "
                                "situation and plan for future steps."));
    instr.append(
        QStringLiteral("When selecting the next_tool_name and its next_tool_args, the tool "
                       "must be one of:\n"));
    QList<Value> names;
    for (qsizetype i = 0; i < tools.size(); ++i) {
        instr.append(QStringLiteral("(%1) %2").arg(i + 1).arg(tools.at(i).toString()));
        names.append(Value(tools.at(i).name()));
    }
    instr.append(QStringLiteral("When providing `next_tool_args`, the value inside the field must "
                                "be in JSON format"));

    return Signature::fromFields(signature.inputFields(), {}, instr.join(QLatin1Char('\n')))
        .append(makeInputField(QStringLiteral("trajectory"), TypeSpec::str()))
        .append(makeOutputField(QStringLiteral("next_thought"), TypeSpec::str()))
        .append(makeOutputField(QStringLiteral("next_tool_name"), TypeSpec::literal(names)))
        .append(makeOutputField(QStringLiteral("next_tool_args"),
                                TypeSpec::dict(TypeSpec::str(), TypeSpec::any())));
}

Signature ReAct::extractSignature(const Signature& signature)
{
    return Signature::fromFields(signature.inputFields(), signature.outputFields(),
                                 signature.instructions())
        .append(makeInputField(QStringLiteral("trajectory"), TypeSpec::str()));
}

ReAct::ReAct(const Signature& signature, QList<Tool> tools, int maxIters)
    : m_signature(signature)
    , m_tools(byName(std::move(tools), finishTool(signature)))
    , m_maxIters(maxIters)
    , m_react(reactSignature(signature, m_tools))
    , m_extract(extractSignature(signature))
{}

const Tool* ReAct::tool(const QString& name) const
{
    for (const Tool& t : m_tools) {
        if (t.name() == name)
            return &t;
    }
    return nullptr;
}

QString ReAct::instanceName() const
{
    return QStringLiteral("ReAct(%1)").arg(m_signature.signatureString());
}

std::unique_ptr<Module> ReAct::clone() const
{
    return std::make_unique<ReAct>(*this);
}

QList<NamedPredictor> ReAct::namedPredictors()
{
    return {NamedPredictor{QStringLiteral("react"), &m_react},
            NamedPredictor{QStringLiteral("extract.predict"), &m_extract.predict()}};
}

QString ReAct::formatTrajectory(const Object& trajectory, const Adapter& adapter)
{
    if (trajectory.isEmpty())
        return QString();
    // Signature(f"{', '.join(trajectory.keys())} -> x"): untyped (str) inputs.
    QList<Field> inputs;
    inputs.reserve(trajectory.size());
    for (const auto& [key, value] : trajectory) {
        Field f = makeInputField(key);
        f.typeUndefined = true;
        inputs.append(std::move(f));
    }
    const Signature sig =
        Signature::fromFields(std::move(inputs), {makeOutputField(QStringLiteral("x"))});
    return adapter.formatUserMessage(sig, trajectory, false);
}

bool ReAct::truncateTrajectory(Object& trajectory)
{
    // Every tool call has 4 keys: thought, tool_name, tool_args, and observation.
    if (trajectory.size() < 4)
        return false;
    const QStringList keys = trajectory.keys();
    for (qsizetype i = 0; i < 4; ++i)
        trajectory.remove(keys.at(i));
    return true;
}

Prediction ReAct::callWithTruncation(Module& module, const QString& path, const Object& inputs,
                                     Object& trajectory, RunContext& ctx)
{
    RunContext inner = ctx.child();
    inner.predictorPath = joinPath(ctx.predictorPath, path);
    const Adapter& adapter = ctx.effectiveAdapter();
    std::optional<LMError> last;
    for (int attempt = 0; attempt < 3; ++attempt) {
        Object args = inputs;
        args.insert(QStringLiteral("trajectory"), Value(formatTrajectory(trajectory, adapter)));
        try {
            return module(Example(std::move(args)), inner);
        } catch (const LMError& e) {
            if (e.kind() != LMError::Kind::ContextWindowExceeded)
                throw;
            qWarning().noquote() << QStringLiteral("Trajectory exceeded the context window, "
                                                   "truncating the oldest tool call information.");
            last = e;
            if (!truncateTrajectory(trajectory))
                throw TrajectoryTooLong();
        }
    }
    throw *last;
}

Prediction ReAct::forward(const Example& inputs, RunContext& ctx)
{
    Object args = inputs.toObject();
    int maxIters = m_maxIters;
    if (args.contains(u"max_iters")) {
        const Value& v = args.value(u"max_iters");
        if (!v.isInt())
            throw std::invalid_argument("ReAct: max_iters must be an int");
        maxIters = int(v.toInt());
        args.remove(u"max_iters");
    }

    Object trajectory;
    for (int idx = 0; idx < maxIters; ++idx) {
        Prediction pred;
        try {
            pred = callWithTruncation(m_react, QStringLiteral("react"), args, trajectory, ctx);
        } catch (const TrajectoryTooLong& e) {
            qWarning().noquote() << QStringLiteral("Ending the trajectory: Agent failed to select "
                                                   "a valid tool: %1")
                                        .arg(QString::fromUtf8(e.what()));
            break;
        } catch (const AdapterParseException& e) {
            // DSPy lets this escape and loses the run; the step's TraceRecord already holds the
            // error (Predict records it), so end the loop and answer from what was gathered.
            qWarning().noquote() << QStringLiteral("Ending the trajectory: step %1 of %2 could "
                                                   "not be parsed: %3")
                                        .arg(idx)
                                        .arg(instanceName(), e.error().message);
            break;
        }
        const QString toolName = pred.get(u"next_tool_name").toString();
        const Value toolArgs = pred.get(u"next_tool_args");
        const QString n = QString::number(idx);
        trajectory.insert(QStringLiteral("thought_") + n, pred.get(u"next_thought"));
        trajectory.insert(QStringLiteral("tool_name_") + n, Value(toolName));
        trajectory.insert(QStringLiteral("tool_args_") + n, toolArgs);

        Value observation;
        const Tool* t = tool(toolName);
        try {
            if (!t)
                throw ToolError(QStringLiteral("KeyError"), pythonStrRepr(toolName));
            if (!toolArgs.isObject())
                throw ToolError(QStringLiteral("TypeError"),
                                QStringLiteral("argument after ** must be a mapping, not %1")
                                    .arg(toolArgs.isNull() ? QStringLiteral("NoneType")
                                                           : toolArgs.toPythonRepr()));
            observation = (*t)(toolArgs.toObject(), ctx);
        } catch (const ToolError& e) {
            observation =
                Value(QStringLiteral("Execution error in %1: \n%2").arg(toolName, e.pythonLine()));
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& e) {
            observation = Value(QStringLiteral("Execution error in %1: \nRuntimeError: %2")
                                    .arg(toolName, QString::fromUtf8(e.what())));
        }
        trajectory.insert(QStringLiteral("observation_") + n, std::move(observation));

        if (toolName == u"finish")
            break;
    }

    const Prediction extracted =
        callWithTruncation(m_extract, QStringLiteral("extract"), args, trajectory, ctx);
    Prediction out;
    out.set(QStringLiteral("trajectory"), Value(trajectory));
    for (const auto& [key, value] : extracted.store())
        out.set(key, value);
    return out;
}

} // namespace dspy
