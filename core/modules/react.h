#pragma once

// ReAct — DSPy's dspy.ReAct (dspy.md §3.2): a tool-using agent over any signature.
//
// Two predictors, named as DSPy names them: `react`, a Predict over the original inputs plus
// `trajectory: str` with outputs `next_thought: str`, `next_tool_name: Literal[<tools>, 'finish']`
// and `next_tool_args: dict[str, Any]`, whose instructions list the tools; and `extract`, a
// ChainOfThought over the original inputs plus `trajectory` and the original outputs
// (`extract.predict`). forward() loops up to max_iters (20; per call: a `max_iters` input, which
// is taken out of the inputs as DSPy pops the kwarg): one `react` step, then the chosen tool with
// the chosen arguments; the trajectory records thought_i, tool_name_i, tool_args_i and
// observation_i and is re-sent, formatted by the adapter's user-message formatter, every step.
// A failing tool becomes the observation "Execution error in <tool>: \n<Type>: <message>". The loop
// stops after `finish`. Then `extract` answers from the trajectory, and the result is
// Prediction(trajectory, reasoning, <outputs>).
//
// A ContextWindowExceeded LM error drops the oldest step (four trajectory keys) and retries the
// call, three attempts in all; a trajectory with less than one whole step cannot be cut and ends
// the loop (in the extract step it is an error).
//
// Where this differs from DSPy, on purpose: an adapter parse error of a `react` step does not
// escape the agent. The step's TraceRecord (ctx.trace) carries the error, a warning is logged, the
// loop ends and `extract` answers from the trajectory so far (DSPy lets it propagate and loses the
// run). A tool's failure text has no Python stack frames, only the exception line.

#include "modules/chainofthought.h"
#include "modules/predict.h"
#include "modules/tool.h"

namespace dspy {

class ReAct final : public Module
{
public:
    ReAct(const Signature& signature, QList<Tool> tools, int maxIters = 20);

    const Signature& signature() const { return m_signature; }
    int maxIters() const { return m_maxIters; }
    void setMaxIters(int maxIters) { m_maxIters = maxIters; }
    // The tools by name, in order, `finish` last (a later tool with a name already taken replaces
    // the earlier one in its place, as a Python dict does).
    const QList<Tool>& tools() const { return m_tools; }
    const Tool* tool(const QString& name) const;

    Predict& react() { return m_react; }
    const Predict& react() const { return m_react; }
    ChainOfThought& extract() { return m_extract; }
    const ChainOfThought& extract() const { return m_extract; }

    QString instanceName() const override;
    Prediction forward(const Example& inputs, RunContext& ctx) override;
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override;

    // The `trajectory` input text: the adapter's user-message content over a signature whose
    // inputs are the trajectory's keys (empty for an empty trajectory).
    static QString formatTrajectory(const Object& trajectory, const Adapter& adapter);
    // Drops the oldest step (the first four keys); false when there are fewer than four keys.
    static bool truncateTrajectory(Object& trajectory);

    // DSPy's signatures, built from the task signature and the tools (finish included).
    static Signature reactSignature(const Signature& signature, const QList<Tool>& tools);
    static Signature extractSignature(const Signature& signature);
    static Tool finishTool(const Signature& signature);

private:
    Prediction callWithTruncation(Module& module, const QString& path, const Object& inputs,
                                  Object& trajectory, RunContext& ctx);

    Signature m_signature;
    QList<Tool> m_tools;
    int m_maxIters;
    Predict m_react;
    ChainOfThought m_extract;
};

} // namespace dspy
