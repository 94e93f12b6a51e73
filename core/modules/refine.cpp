#include "modules/refine.h"

#include "adapters/chatadapter.h"
#include "adapters/valueformat.h"
#include "modules/hintadapter.h"
#include "modules/modulepaths.h"

#include <QDebug>

#include <limits>
#include <stdexcept>

namespace dspy {

namespace {

const QString kRewardCode =
    QStringLiteral("<a C++ reward function (RewardFn): its source code is not available>");

// orjson.dumps(v, option=OPT_INDENT_2): two-space indent, UTF-8 kept.
QString dumps(const Value& v)
{
    return v.toJson(JsonStyle{2, false, false});
}

} // namespace

Refine::Refine(std::unique_ptr<Module> module, int N, RewardFn rewardFn,
               std::optional<double> threshold, int failCount)
    : m_module(std::move(module))
    , m_N(N)
    , m_rewardFn(std::move(rewardFn))
    , m_threshold(threshold)
    , m_failCount(failCount ? failCount : N)
    , m_rewardCode(kRewardCode)
{
    if (!m_module)
        throw std::invalid_argument("Refine: the module is null");
    if (N < 1)
        throw std::invalid_argument("Refine: N must be at least 1");
    if (!m_rewardFn)
        throw std::invalid_argument("Refine: the reward function is empty");
    m_programCode = describeProgram(*m_module);
}

Refine::Refine(const Refine& other)
    : Module(other)
    , m_module(other.m_module->clone())
    , m_N(other.m_N)
    , m_rewardFn(other.m_rewardFn)
    , m_threshold(other.m_threshold)
    , m_failCount(other.m_failCount)
    , m_programCode(other.m_programCode)
    , m_rewardCode(other.m_rewardCode)
{}

Signature Refine::offerFeedbackSignature()
{
    static const Signature sig = [] {
        Signature s = Signature::fromString(
            u"program_code: str, modules_defn: str, program_inputs: str, program_trajectory: str, "
            u"program_outputs: str, reward_code: str, target_threshold: float, "
            u"reward_value: float, module_names: list[str] -> discussion: str, "
            u"advice: dict[str, str]",
            cleandoc(QStringLiteral(
                "\n    In the discussion, assign blame to each module that contributed to the "
                "final reward being below the threshold, if\n    any. Then, prescribe concrete "
                "advice of how the module should act on its future input when we retry the "
                "process, if\n    it were to receive the same or similar inputs. If a module is "
                "not to blame, the advice should be N/A.\n    The module will not see its own "
                "history, so it needs to rely on entirely concrete and actionable advice from "
                "you\n    to avoid the same mistake on the same or similar inputs.\n    ")));
        const QList<std::pair<QString, QString>> descriptions = {
            {"program_code", "The code of the program that we are analyzing"},
            {"modules_defn", "The definition of each module in the program, including its I/O"},
            {"program_inputs", "The inputs to the program that we are analyzing"},
            {"program_trajectory",
             "The trajectory of the program's execution, showing each module's I/O"},
            {"program_outputs", "The outputs of the program that we are analyzing"},
            {"reward_code", "The code of the reward function that we are analyzing"},
            {"target_threshold", "The target threshold for the reward function"},
            {"reward_value", "The reward value assigned to the program's outputs"},
            {"module_names", "The names of the modules in the program, for which we seek advice"},
            {"discussion", "Discussing blame of where each module went wrong, if it did"},
            // DSPy's string concatenation has no space between "of" and "scenario".
            {"advice",
             "For each module, describe very concretely, in this order: the specific scenarios in "
             "which it has made mistakes in the past and what each mistake was, followed by what "
             "it should do differently in that kind ofscenario in the future. If the module is "
             "not to blame, write N/A."},
        };
        for (const auto& [name, description] : descriptions) {
            Field f = *s.field(name);
            f.description = description;
            s = s.withUpdatedField(name, f);
        }
        return s;
    }();
    return sig;
}

QString Refine::inspectModules(Module& program)
{
    const QString separator(80, u'-');
    const QString sep2 = QStringLiteral("\n\t\t");
    auto indented = [&](const QString& text) {
        QString out;
        for (const QString& line : pySplitLines(text))
            out += sep2 + line;
        return out; // ("\n" + "\t" * 2).join([""] + lines)
    };
    QStringList output{separator};
    for (const NamedPredictor& np : program.namedPredictors()) {
        const Signature sig = np.predictor->signature();
        output.append(QStringLiteral("Module ") + np.path);
        output.append(QStringLiteral("\n\tInput Fields:"));
        output.append(indented(fieldDescriptionList(sig.inputFields())));
        output.append(QStringLiteral("\tOutput Fields:"));
        output.append(indented(fieldDescriptionList(sig.outputFields())));
        output.append(QStringLiteral("\tOriginal Instructions: ") +
                      indented(textwrapDedent(sig.instructions())));
        output.append(separator);
    }
    QStringList stripped;
    for (QString o : output) {
        while (o.startsWith(u'\n'))
            o.remove(0, 1);
        while (o.endsWith(u'\n'))
            o.chop(1);
        stripped.append(o);
    }
    return stripped.join(u'\n');
}

QString Refine::describeProgram(Module& program)
{
    QStringList lines{
        program.instanceName(),
        QStringLiteral("(a C++ dspy::Module: its source code is not available; its predictors, "
                       "by name:)")};
    for (const NamedPredictor& np : program.namedPredictors()) {
        lines.append(QStringLiteral("%1: Predict(%2)")
                         .arg(np.path, np.predictor->signature().signatureString()));
    }
    return lines.join(u'\n');
}

Prediction Refine::forward(const Example& inputs, RunContext& ctx)
{
    const LMPtr lm = BestOfN::resolveLM(*m_module, ctx);
    const qint64 start = BestOfN::startRolloutId(*lm);
    Prediction best;
    QList<TraceRecord> bestTrace;
    double bestReward = -std::numeric_limits<double>::infinity();
    QHash<QString, QString> advice;
    bool haveAdvice = false;
    int failCount = m_failCount; // per call (see bestofn.h)
    const AdapterPtr adapter = ctx.adapter ? ctx.adapter : std::make_shared<const ChatAdapter>();
    const QString base = childPredictorPath(ctx.predictorPath, QStringLiteral("module"));
    // A trace record's path -> the predictor's name within the module (DSPy's predictor2name).
    const auto nameOf = [base](const QString& path) {
        if (path == base)
            return QStringLiteral("self");
        if (path.startsWith(base + QLatin1Char('.')))
            return path.mid(base.size() + 1);
        return path;
    };

    for (int idx = 0; idx < m_N; ++idx) {
        const qint64 rid = start + idx;
        ctx.throwIfCancelled();
        std::unique_ptr<Module> mod = BestOfN::attemptModule(*m_module, lm, rid);
        Array moduleNames;
        for (const NamedPredictor& np : mod->namedPredictors())
            moduleNames.append(Value(np.path));

        RunContext inner = ctx.child();
        inner.trace = std::make_shared<Trace>();
        inner.rolloutId = QString::number(rid);
        inner.predictorPath = base;
        if (haveAdvice)
            inner.adapter = std::make_shared<const HintAdapter>(adapter, advice, nameOf);
        try {
            const Prediction outputs = (*mod)(inputs, inner);
            const QList<TraceRecord> trace = inner.trace->snapshot();
            // Not including the trace of reward_fn.
            const double reward = m_rewardFn(inputs, outputs);
            if (reward > bestReward) {
                bestReward = reward;
                best = outputs;
                bestTrace = trace;
            }
            if (m_threshold && reward >= *m_threshold)
                break;
            if (idx == m_N - 1)
                break;

            Array trajectory;
            for (const TraceRecord& r : trace) {
                if (!r.error.isEmpty())
                    continue; // a failed call is not in DSPy's trace
                trajectory.append(
                    Object{{QStringLiteral("module_name"), Value(nameOf(r.predictor))},
                           {QStringLiteral("inputs"), Value(r.inputs)},
                           {QStringLiteral("outputs"), Value(r.prediction.toObject())}});
            }
            Object feedbackInputs{
                {QStringLiteral("program_code"), Value(m_programCode)},
                {QStringLiteral("modules_defn"), Value(inspectModules(*mod))},
                {QStringLiteral("program_inputs"), Value(dumps(Value(inputs.toObject())))},
                {QStringLiteral("program_trajectory"), Value(dumps(Value(trajectory)))},
                {QStringLiteral("program_outputs"), Value(dumps(Value(outputs.toObject())))},
                {QStringLiteral("reward_code"), Value(m_rewardCode)},
                {QStringLiteral("target_threshold"),
                 Value(dumps(m_threshold ? Value(*m_threshold) : Value()))},
                {QStringLiteral("reward_value"), Value(dumps(Value(reward)))},
                {QStringLiteral("module_names"), Value(dumps(Value(moduleNames)))},
            };
            Predict feedback(offerFeedbackSignature());
            RunContext feedbackCtx = ctx.child();
            feedbackCtx.predictorPath.clear();
            const Prediction offered = feedback(Example(std::move(feedbackInputs)), feedbackCtx);
            advice.clear();
            const Value& given = offered.get(u"advice");
            if (given.isObject()) {
                for (const auto& [name, text] : given.toObject())
                    advice.insert(name, text.isString() ? text.toString() : text.toPythonStr());
            }
            haveAdvice = !advice.isEmpty(); // DSPy: `if not advice`
        } catch (...) {
            const std::exception_ptr error = std::current_exception();
            if (BestOfN::isCancellation(error) || ctx.isCancelled())
                throw;
            qWarning().noquote() << QStringLiteral("Refine: Attempt failed with rollout id %1: %2")
                                        .arg(rid)
                                        .arg(BestOfN::describe(error));
            if (idx > failCount)
                throw;
            --failCount;
        }
    }
    if (ctx.trace) {
        for (TraceRecord& r : bestTrace)
            ctx.trace->append(std::move(r));
    }
    return best;
}

QString Refine::instanceName() const
{
    return QStringLiteral("Refine(%1)").arg(m_module->instanceName());
}

std::unique_ptr<Module> Refine::clone() const
{
    return std::make_unique<Refine>(*this);
}

QList<NamedPredictor> Refine::namedPredictors()
{
    return predictorsUnder(QStringLiteral("module"), *m_module);
}

} // namespace dspy
