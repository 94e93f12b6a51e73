#pragma once

// GraphProgram — a ProgramGraph as a runnable, optimizable Module (docs/graph.md).
//
// build() validates the graph and makes one module per node (Predict, ChainOfThought, ReAct, ...),
// loading each node's saved predictor state. forward() runs the nodes in dependency order; nodes
// whose inputs are ready run at once, independent branches in parallel on a dedicated thread pool
// (a node runs on the calling thread when the pool has no free thread, so nested graphs and
// callers already on a pool never deadlock). Each node is called through Module::operator(), so
// its span nests under the graph's in the trace (TraceRecorder) and callbacks see it.
//
// Events: pending (every node when a run starts), running, done, failed, cached (outputs reused
// because the node's inputs and state are those of its last run, with setReuseUnchanged(true)),
// and skipped (not run because an upstream node failed or the run was cancelled). The callback is
// called from worker threads but never concurrently.
//
// A failing node stops the run: no new node starts, running ones finish, and forward() rethrows
// the first node's exception. Cancellation (ctx.cancellation) is checked before each node starts;
// forward() then throws Cancelled.
//
// namedPredictors(): the node name, then the module's own path: a Predict node `classify` is
// "classify", a ChainOfThought node `answer` is "answer.predict", a ReAct node `agent` has
// "agent.react" and "agent.extract.predict". saveState()/loadState() therefore work on drawn
// programs, and storeState() writes the predictors' state back into the graph's nodes.
//
// Subgraph nodes: settings {"program": "NAME"} (another program of the project, found through
// GraphEnvironment::programs) or {"graph": {...}} (a program graph inline, as the project file
// writes one). The node's signature must have the inner program's fields; the inner program runs
// as the node's module (its nodes' spans nest under the node's), and its predictors are
// "<node>.<inner node>[.<sub-path>]". A program that contains itself, directly or through others,
// is refused naming the chain.

#include "graph/programgraph.h"
#include "modules/module.h"
#include "modules/tool.h"
#include "retrieve/retriever.h"

#include <functional>
#include <vector>

namespace dspy {

// What nodes need from outside the graph.
struct GraphEnvironment
{
    RetrieverPtr retriever; // for Retrieve nodes
    // Retrieve nodes whose settings name a "corpus" search this corpus's retriever (keyed by
    // the settings' text), before `retriever`. Project::runEnvironment() fills it.
    QHash<QString, RetrieverPtr> corpusRetrievers;
    QHash<QString, Tool> tools; // ReAct nodes' settings "tools" may name these
    // Build only to read or write predictor state: Retrieve nodes need no retriever.
    bool stateOnly = false;
    // Subgraph nodes with settings {"program": NAME} run that program of the project; this finds
    // it (nullptr: no such program). Only used while building.
    std::function<const ProgramGraph*(const QString&)> programs;
    // The programs being built around this one, outermost first (recursion is refused).
    QStringList enclosingPrograms;
    // Relative files in node settings (BestOfN/Refine "reward_metric": "js:FILE") resolve here:
    // the project file's folder.
    QString baseDir;
};

enum class NodeStatus { Pending, Running, Done, Failed, Cached, Skipped };
QString nodeStatusName(NodeStatus status); // "pending", "running", ...

struct NodeEvent
{
    NodeId node = InvalidNodeId;
    QString name;
    NodeStatus status = NodeStatus::Pending;
    QString error;  // failed / skipped: why
    Object outputs; // done / cached
    qint64 elapsedUs = 0;
};
using NodeEventFn = std::function<void(const NodeEvent&)>;

class GraphProgram final : public Module
{
public:
    // Fails with every validation issue (one a line) or a node that cannot be built (unknown
    // tool, bad settings, bad saved state), naming the node.
    static Expected<std::unique_ptr<GraphProgram>, QString> build(const ProgramGraph& graph,
                                                                  GraphEnvironment env = {});
    GraphProgram(const GraphProgram& other);
    ~GraphProgram() override;

    Prediction forward(const Example& inputs, RunContext& ctx) override;
    QString instanceName() const override;
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override;

    const Signature& signature() const { return m_signature; }
    // The module of a node (nullptr for Input/Output or an unknown name).
    Module* nodeModule(const QString& name);
    QStringList nodeNames() const;
    // The LM profiles its nodes pick (settings "lm"), Subgraph programs' included, sorted; a run
    // needs these in RunContext::namedLMs.
    QStringList lmProfiles() const; // in dependency order

    void setEventCallback(NodeEventFn fn) { m_onEvent = std::move(fn); }
    // At most this many nodes at once (default 8; 1 runs the nodes one by one in order).
    void setMaxParallel(int n) { m_maxParallel = std::max(1, n); }
    void setReuseUnchanged(bool on) { m_reuse = on; }

    // Writes every node's predictor state ({"<sub-path>": state}) into the graph's nodes.
    void storeState(ProgramGraph& graph) const;

private:
    struct Binding
    {
        QString field;   // this node's input
        int source = -1; // step index
        QString sourceField;
    };
    struct Step
    {
        NodeId id = InvalidNodeId;
        QString name;
        QString kind;
        std::unique_ptr<Module> module; // null for Input and Output
        QList<Binding> inputs;
        QList<int> dependents;
        QStringList outputFields; // Input: the program's inputs
        QString lmProfile;        // settings "lm": the node calls ctx.namedLMs[lmProfile]
    };
    struct Memo;

    GraphProgram() = default;
    void emitEvent(const NodeEvent& e);
    Object runStep(int index, const Object& inputs, RunContext& ctx, bool* cached);

    Signature m_signature;
    std::vector<Step> m_steps; // in dependency order
    NodeEventFn m_onEvent;
    int m_maxParallel = 8;
    bool m_reuse = false;
    std::shared_ptr<Memo> m_memo;
    std::shared_ptr<QMutex> m_eventMutex = std::make_shared<QMutex>();
};

// One predictor of a node: its path within the node's module ("self" for a Predict node, "predict"
// for a ChainOfThought node, "react" and "extract.predict" for ReAct) and its DSPy state JSON
// (demos, signature instructions and fields, lm) with the node's saved state applied.
struct NodePredictorState
{
    QString path;
    Object state;
};
// The predictors a node's module has (none for Input and Output), for the workbench's inspector.
// Fails, saying why, when the node's module cannot be made (a signature that does not parse, bad
// settings, saved state that does not fit). Retrieve nodes need no retriever here.
Expected<QList<NodePredictorState>, QString> nodePredictorStates(const GraphNode& node,
                                                                 GraphEnvironment env = {});

} // namespace dspy
