#include "graph/graphprogram.h"

#include "evaluate/jsmetric.h"
#include "evaluate/metric.h"
#include "graph/projectfile.h"
#include "modules/bestofn.h"
#include "modules/chainofthought.h"
#include "modules/majority.h"
#include "modules/modulepaths.h"
#include "modules/multichaincomparison.h"
#include "modules/predict.h"
#include "modules/programofthought.h"
#include "modules/react.h"
#include "modules/refine.h"
#include "modules/retrieve.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QMutex>
#include <QThreadPool>
#include <QWaitCondition>

#include <exception>

namespace dspy {

namespace {

QThreadPool* graphPool()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;
        p->setMaxThreadCount(16);
        // Its threads end while the application object still exists, as Qt ends its global
        // pool's: their thread_local JavaScript engines (JS tools) are destroyed with Qt whole,
        // instead of outliving main() in idle threads. The pool stays usable afterwards.
        if (QCoreApplication::instance())
            qAddPostRoutine([] { graphPool()->waitForDone(); });
        return p;
    }();
    return pool;
}

// Majority as a node: the most common value of `field` over inputs["completions"].
class MajorityModule final : public Module
{
public:
    MajorityModule(Signature signature, QString field)
        : m_signature(std::move(signature))
        , m_field(std::move(field))
    {}
    Prediction forward(const Example& inputs, RunContext&) override
    {
        QList<Completion> completions;
        for (const Value& v : inputs.get(u"completions").toArray()) {
            if (v.isObject())
                completions.append(v.toObject());
        }
        const QString field = m_field.isEmpty() && !m_signature.outputNames().isEmpty()
                                  ? m_signature.outputNames().last()
                                  : m_field;
        return majority(completions, majorityDefaultNormalize, field);
    }
    QString instanceName() const override { return QStringLiteral("Majority"); }
    std::unique_ptr<Module> clone() const override
    {
        return std::make_unique<MajorityModule>(*this);
    }
    QList<NamedPredictor> namedPredictors() override { return {}; }

private:
    Signature m_signature;
    QString m_field;
};

int intSetting(const Object& s, const char* key, int fallback)
{
    const Value& v = s.value(QString::fromLatin1(key));
    return v.isNumber() ? int(v.toInt()) : fallback;
}

double doubleSetting(const Object& s, const char* key, double fallback)
{
    const Value& v = s.value(QString::fromLatin1(key));
    return v.isNumber() ? v.toDouble() : fallback;
}

// Reward for BestOfN/Refine nodes: settings "reward": {"field": F, "equals": V} scores 1 when the
// prediction's F equals V (as text), {"field": F} scores 1 when F is non-empty.
// settings "reward_metric": "js:FILE" (relative to GraphEnvironment::baseDir) scores with a
// JavaScript function metric(args, prediction, trace) — the node's inputs and its prediction, as
// DSPy's reward_fn(args, pred) — returning a bool, a number or {score}.
Expected<RewardFn, QString> rewardMetricFrom(const GraphNode& n, const GraphEnvironment& env)
{
    const QString spec = n.settings.value(u"reward_metric").toString();
    if (!spec.startsWith(QLatin1String("js:")))
        return unexpected(QStringLiteral("node '%1': settings 'reward_metric' must be js:FILE, "
                                         "not '%2'")
                              .arg(n.name, spec));
    const QString file = spec.mid(3);
    const QString path = QDir::isAbsolutePath(file) || env.baseDir.isEmpty()
                             ? file
                             : QDir(env.baseDir).filePath(file);
    auto metric = JsMetric::fromFile(path);
    if (!metric)
        return unexpected(
            QStringLiteral("node '%1', reward_metric: %2").arg(n.name, metric.error()));
    Metric m = std::move(metric.value());
    return RewardFn([m](const Example& args, const Prediction& p) {
        RunContext ctx;
        const Expected<double, QString> score = metricScore(m(args, p, nullptr, ctx));
        if (!score)
            throw MetricError(score.error());
        return *score;
    });
}

RewardFn rewardFrom(const Object& settings, const Signature& sig)
{
    const Object reward = settings.value(u"reward").toObject();
    QString field = reward.value(u"field").toString();
    if (field.isEmpty() && !sig.outputNames().isEmpty())
        field = sig.outputNames().last();
    const bool hasEquals = reward.contains(u"equals");
    const QString equals = reward.value(u"equals").toPythonStr();
    return [field, hasEquals, equals](const Example&, const Prediction& p) {
        const Value& v = p.get(field);
        if (hasEquals)
            return v.toPythonStr().trimmed() == equals ? 1.0 : 0.0;
        return v.isNull() || v.toPythonStr().trimmed().isEmpty() ? 0.0 : 1.0;
    };
}

QStringList fieldNames(const QList<Field>& fields)
{
    QStringList out;
    for (const Field& f : fields)
        out.append(f.name);
    return out;
}

Expected<std::unique_ptr<Module>, QString> makeSubgraph(const GraphNode& n,
                                                        const GraphEnvironment& env)
{
    const QString programName = n.settings.value(u"program").toString();
    const bool inline_ = n.settings.value(u"graph").isObject();
    if (programName.isEmpty() == !inline_)
        return unexpected(QStringLiteral("node '%1': a Subgraph node's settings need either "
                                         "\"program\" (a program of the project) or \"graph\" "
                                         "(an inline program)")
                              .arg(n.name));
    ProgramGraph inlineGraph;
    const ProgramGraph* inner = nullptr;
    GraphEnvironment innerEnv = env;
    if (inline_) {
        if (auto ok = graphFromObject(n.settings.value(u"graph").toObject(), inlineGraph); !ok)
            return unexpected(
                QStringLiteral("node '%1': its inline graph: %2").arg(n.name, ok.error()));
        inner = &inlineGraph;
    } else {
        if (env.enclosingPrograms.contains(programName)) {
            QStringList chain =
                env.enclosingPrograms.mid(env.enclosingPrograms.indexOf(programName));
            chain.append(programName);
            return unexpected(QStringLiteral("node '%1': program '%2' contains itself (%3)")
                                  .arg(n.name, programName, chain.join(QStringLiteral(" -> "))));
        }
        inner = env.programs ? env.programs(programName) : nullptr;
        if (!inner)
            return unexpected(QStringLiteral("node '%1': there is no program '%2' to run")
                                  .arg(n.name, programName));
        innerEnv.enclosingPrograms.append(programName);
    }
    auto program = GraphProgram::build(*inner, innerEnv);
    if (!program)
        return unexpected(
            QStringLiteral("node '%1' (program '%2'): %3")
                .arg(n.name, inline_ ? QStringLiteral("inline") : programName, program.error()));
    const Signature& sig = *n.signature;
    const Signature& innerSig = (*program)->signature();
    if (fieldNames(sig.inputFields()) != fieldNames(innerSig.inputFields()) ||
        fieldNames(sig.outputFields()) != fieldNames(innerSig.outputFields()))
        return unexpected(QStringLiteral("node '%1': its fields (%2) are not those of program "
                                         "'%3' (%4)")
                              .arg(n.name, sig.signatureString(),
                                   inline_ ? QStringLiteral("inline") : programName,
                                   innerSig.signatureString()));
    return std::unique_ptr<Module>(std::move(program.value()));
}

Expected<std::unique_ptr<Module>, QString> makeModule(const GraphNode& n,
                                                      const GraphEnvironment& env)
{
    const Signature& sig = *n.signature;
    const Object& s = n.settings;
    const Object config = s.value(u"config").toObject();
    auto inner = [&](const QString& kind) -> std::unique_ptr<Module> {
        if (kind == nodekind::ChainOfThought)
            return std::make_unique<ChainOfThought>(sig, config);
        return std::make_unique<Predict>(sig, config);
    };
    if (n.kind == nodekind::Predict)
        return std::unique_ptr<Module>(std::make_unique<Predict>(sig, config));
    if (n.kind == nodekind::ChainOfThought)
        return std::unique_ptr<Module>(std::make_unique<ChainOfThought>(sig, config));
    if (n.kind == nodekind::ProgramOfThought)
        return std::unique_ptr<Module>(
            std::make_unique<ProgramOfThought>(sig, intSetting(s, "max_iters", 3)));
    if (n.kind == nodekind::MultiChainComparison)
        return std::unique_ptr<Module>(std::make_unique<MultiChainComparison>(
            sig, intSetting(s, "M", 3), doubleSetting(s, "temperature", 0.7), config));
    if (n.kind == nodekind::Retrieve) {
        const RetrieverPtr retriever =
            env.corpusRetrievers.value(s.value(u"corpus").toString(), env.retriever);
        if (!retriever && !env.stateOnly)
            return unexpected(QStringLiteral("node '%1': no retriever is configured for Retrieve "
                                             "nodes")
                                  .arg(n.name));
        return std::unique_ptr<Module>(
            std::make_unique<Retrieve>(intSetting(s, "k", 3), retriever));
    }
    if (n.kind == nodekind::Majority)
        return std::unique_ptr<Module>(
            std::make_unique<MajorityModule>(sig, s.value(u"field").toString()));
    if (n.kind == nodekind::BestOfN || n.kind == nodekind::Refine) {
        const QString kind = s.value(u"module").toString();
        if (!kind.isEmpty() && kind != nodekind::Predict && kind != nodekind::ChainOfThought)
            return unexpected(QStringLiteral("node '%1': settings 'module' must be Predict or "
                                             "ChainOfThought, not '%2'")
                                  .arg(n.name, kind));
        const int N = intSetting(s, "N", 3);
        if (N < 1)
            return unexpected(
                QStringLiteral("node '%1': settings 'N' must be positive").arg(n.name));
        RewardFn reward;
        if (s.contains(u"reward_metric") && !env.stateOnly) {
            auto fromMetric = rewardMetricFrom(n, env);
            if (!fromMetric)
                return unexpected(fromMetric.error());
            reward = std::move(fromMetric.value());
        } else {
            reward = rewardFrom(s, sig);
        }
        if (n.kind == nodekind::BestOfN)
            return std::unique_ptr<Module>(std::make_unique<BestOfN>(
                inner(kind), N, std::move(reward), doubleSetting(s, "threshold", 1.0)));
        return std::unique_ptr<Module>(std::make_unique<Refine>(
            inner(kind), N, std::move(reward), doubleSetting(s, "threshold", 1.0)));
    }
    if (n.kind == nodekind::ReAct) {
        QList<Tool> tools;
        for (const Value& t : s.value(u"tools").toArray()) {
            if (t.isString()) {
                auto it = env.tools.constFind(t.toString());
                if (it == env.tools.cend())
                    return unexpected(
                        QStringLiteral("node '%1': unknown tool '%2'").arg(n.name, t.toString()));
                tools.append(it.value());
                continue;
            }
            const Object o = t.toObject();
            const QString name = o.value(u"name").toString();
            auto tool =
                Tool::fromJavaScript(name, o.value(u"desc").toString(), o.value(u"js").toString(),
                                     o.value(u"args").toObject());
            if (!tool)
                return unexpected(
                    QStringLiteral("node '%1', tool '%2': %3").arg(n.name, name, tool.error()));
            tools.append(std::move(tool.value()));
        }
        return std::unique_ptr<Module>(
            std::make_unique<ReAct>(sig, tools, intSetting(s, "max_iters", 20)));
    }
    if (n.kind == nodekind::Subgraph)
        return makeSubgraph(n, env);
    return unexpected(QStringLiteral("node '%1': %2 nodes cannot run yet").arg(n.name, n.kind));
}

// makeModule() with the node's saved state loaded, by the module's own predictor paths.
Expected<std::unique_ptr<Module>, QString> makeModuleWithState(const GraphNode& n,
                                                               const GraphEnvironment& env)
{
    auto module = makeModule(n, env);
    if (!module)
        return module;
    for (const NamedPredictor& np : module.value()->namedPredictors()) {
        if (!n.state.contains(np.path))
            continue;
        auto parsed = np.predictor->stateFromJson(n.state.value(np.path).toObject());
        if (!parsed)
            return unexpected(QStringLiteral("node '%1', predictor '%2': %3")
                                  .arg(n.name, np.path, parsed.error()));
        np.predictor->state() = std::move(parsed.value());
    }
    return module;
}

QString exceptionMessage(const std::exception_ptr& e)
{
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return QString::fromUtf8(ex.what());
    } catch (...) {
        return QStringLiteral("unknown error");
    }
}

QString stateFingerprint(Module& m)
{
    QString out;
    for (const NamedPredictor& np : m.namedPredictors())
        out += np.path + Value(np.predictor->dumpState()).toJson() + QLatin1Char('\n');
    return out;
}

} // namespace

struct GraphProgram::Memo
{
    QMutex mutex;
    struct Entry
    {
        Object inputs;
        QString fingerprint;
        Object outputs;
    };
    QHash<int, Entry> entries;
};

QString nodeStatusName(NodeStatus status)
{
    switch (status) {
    case NodeStatus::Pending:
        return QStringLiteral("pending");
    case NodeStatus::Running:
        return QStringLiteral("running");
    case NodeStatus::Done:
        return QStringLiteral("done");
    case NodeStatus::Failed:
        return QStringLiteral("failed");
    case NodeStatus::Cached:
        return QStringLiteral("cached");
    case NodeStatus::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

Expected<std::unique_ptr<GraphProgram>, QString> GraphProgram::build(const ProgramGraph& graph,
                                                                     GraphEnvironment env)
{
    const QList<GraphIssue> issues = graph.validate();
    if (!issues.isEmpty()) {
        QStringList lines;
        for (const GraphIssue& i : issues)
            lines.append(i.toString());
        return unexpected(lines.join(QLatin1Char('\n')));
    }
    std::unique_ptr<GraphProgram> program(new GraphProgram);
    program->m_signature = *graph.programSignature();
    program->m_memo = std::make_shared<Memo>();
    const QList<NodeId> order = *graph.topologicalOrder();
    QHash<NodeId, int> index;
    for (NodeId id : order) {
        const GraphNode* n = graph.node(id);
        Step step;
        step.id = id;
        step.name = n->name;
        step.kind = n->kind;
        step.lmProfile = n->settings.value(u"lm").toString();
        for (const Field& f : graph.portFields(id, PortType::Out))
            step.outputFields.append(f.name);
        if (n->kind != nodekind::Input && n->kind != nodekind::Output) {
            auto module = makeModuleWithState(*n, env);
            if (!module)
                return unexpected(module.error());
            step.module = std::move(module.value());
        }
        for (const Field& f : graph.portFields(id, PortType::In)) {
            for (const ConnectionId& c : graph.connections(id, PortType::In, f.name))
                step.inputs.append(Binding{f.name, index.value(c.outNode), c.outField});
        }
        index.insert(id, int(program->m_steps.size()));
        program->m_steps.push_back(std::move(step));
    }
    for (int i = 0; i < int(program->m_steps.size()); ++i) {
        for (const Binding& b : program->m_steps[i].inputs) {
            if (!program->m_steps[b.source].dependents.contains(i))
                program->m_steps[b.source].dependents.append(i);
        }
    }
    return program;
}

GraphProgram::GraphProgram(const GraphProgram& other)
    : Module(other)
    , m_signature(other.m_signature)
    , m_onEvent(other.m_onEvent)
    , m_maxParallel(other.m_maxParallel)
    , m_reuse(other.m_reuse)
    , m_memo(std::make_shared<Memo>())
{
    m_steps.reserve(other.m_steps.size());
    for (const Step& s : other.m_steps) {
        Step copy;
        copy.id = s.id;
        copy.name = s.name;
        copy.kind = s.kind;
        copy.module = s.module ? s.module->clone() : nullptr;
        copy.inputs = s.inputs;
        copy.dependents = s.dependents;
        copy.outputFields = s.outputFields;
        copy.lmProfile = s.lmProfile;
        m_steps.push_back(std::move(copy));
    }
}

GraphProgram::~GraphProgram() = default;

QString GraphProgram::instanceName() const
{
    return QStringLiteral("GraphProgram(%1)").arg(m_signature.signatureString());
}

std::unique_ptr<Module> GraphProgram::clone() const
{
    return std::unique_ptr<Module>(new GraphProgram(*this));
}

QList<NamedPredictor> GraphProgram::namedPredictors()
{
    QList<NamedPredictor> out;
    for (Step& s : m_steps) {
        if (s.module)
            out.append(predictorsUnder(s.name, *s.module));
    }
    return out;
}

Module* GraphProgram::nodeModule(const QString& name)
{
    for (Step& s : m_steps) {
        if (s.name == name)
            return s.module.get();
    }
    return nullptr;
}

QStringList GraphProgram::nodeNames() const
{
    QStringList out;
    for (const Step& s : m_steps)
        out.append(s.name);
    return out;
}

QStringList GraphProgram::lmProfiles() const
{
    QStringList out;
    for (const Step& s : m_steps) {
        if (!s.lmProfile.isEmpty())
            out.append(s.lmProfile);
        if (const auto* inner = dynamic_cast<const GraphProgram*>(s.module.get()))
            out.append(inner->lmProfiles());
    }
    out.sort();
    out.removeDuplicates();
    return out;
}

void GraphProgram::storeState(ProgramGraph& graph) const
{
    for (const Step& s : m_steps) {
        if (!s.module)
            continue;
        const NodeId id = graph.nodeByName(s.name);
        if (id == InvalidNodeId)
            continue;
        Object state;
        for (const auto& [path, predictor] : std::as_const(*s.module).namedPredictors())
            state.insert(path, predictor->dumpState());
        graph.setNodeState(id, state);
    }
}

void GraphProgram::emitEvent(const NodeEvent& e)
{
    if (!m_onEvent)
        return;
    QMutexLocker lock(m_eventMutex.get());
    m_onEvent(e);
}

Object GraphProgram::runStep(int index, const Object& inputs, RunContext& ctx, bool* cached)
{
    Step& step = m_steps[index];
    QString fingerprint;
    if (m_reuse) {
        fingerprint = stateFingerprint(*step.module);
        QMutexLocker lock(&m_memo->mutex);
        auto it = m_memo->entries.constFind(index);
        if (it != m_memo->entries.cend() && it->inputs == inputs &&
            it->fingerprint == fingerprint) {
            *cached = true;
            return it->outputs;
        }
    }
    RunContext child = ctx.child();
    child.predictorPath = childPredictorPath(ctx.predictorPath, step.name);
    child.spanLabel = step.name;
    if (!step.lmProfile.isEmpty()) {
        LMPtr lm = ctx.namedLMs.value(step.lmProfile);
        if (!lm) {
            QStringList names = ctx.namedLMs.keys();
            names.sort();
            throw std::runtime_error(QStringLiteral("node '%1': its LM profile '%2' is not "
                                                    "available in this run (profiles: %3)")
                                         .arg(step.name, step.lmProfile,
                                              names.isEmpty() ? QStringLiteral("none")
                                                              : names.join(QStringLiteral(", ")))
                                         .toStdString());
        }
        child.lm = std::move(lm);
    }
    const Prediction p = (*step.module)(Example(inputs), child);
    Object outputs = p.toObject();
    if (step.outputFields.contains(QStringLiteral("completions")) &&
        !outputs.contains(u"completions")) {
        Array completions;
        for (const Completion& c : p.completions())
            completions.append(Value(c));
        outputs.insert(QStringLiteral("completions"), Value(std::move(completions)));
    }
    if (m_reuse) {
        QMutexLocker lock(&m_memo->mutex);
        m_memo->entries.insert(index, Memo::Entry{inputs, fingerprint, outputs});
    }
    return outputs;
}

Prediction GraphProgram::forward(const Example& inputs, RunContext& ctx)
{
    for (const Field& f : m_signature.inputFields()) {
        if (!inputs.contains(f.name) && !f.defaultValue)
            throw std::invalid_argument(
                QStringLiteral("The program's input '%1' is missing.").arg(f.name).toStdString());
    }
    const qsizetype count = qsizetype(m_steps.size());
    QList<Object> values(count);
    QList<int> waiting(count, 0);
    for (qsizetype i = 0; i < count; ++i) {
        QSet<int> sources;
        for (const Binding& b : m_steps[i].inputs)
            sources.insert(b.source);
        waiting[i] = int(sources.size());
        if (m_steps[i].module)
            emitEvent(NodeEvent{m_steps[i].id, m_steps[i].name, NodeStatus::Pending, {}, {}, 0});
    }

    QMutex mutex;
    QWaitCondition wake;
    QList<int> ready;
    QList<bool> started(count, false);
    int running = 0;
    std::exception_ptr failure;
    QString failedNode;
    bool cancelled = false;
    for (qsizetype i = 0; i < count; ++i) {
        if (waiting[i] == 0)
            ready.append(int(i));
    }

    auto finish = [&](int i, Object outputs) {
        // Called with the mutex held.
        values[i] = std::move(outputs);
        for (int d : m_steps[i].dependents) {
            if (--waiting[d] == 0)
                ready.append(d);
        }
    };

    auto execute = [&](int i) {
        Step& step = m_steps[i];
        Object in;
        {
            QMutexLocker lock(&mutex);
            for (const Binding& b : step.inputs)
                in.insert(b.field, values[b.source].value(b.sourceField));
        }
        emitEvent(NodeEvent{step.id, step.name, NodeStatus::Running, {}, {}, 0});
        QElapsedTimer timer;
        timer.start();
        bool cached = false;
        std::exception_ptr error;
        Object out;
        try {
            out = runStep(i, in, ctx, &cached);
        } catch (...) {
            error = std::current_exception();
        }
        const qint64 us = timer.nsecsElapsed() / 1000;
        if (error) {
            bool isCancel = false;
            try {
                std::rethrow_exception(error);
            } catch (const Cancelled&) {
                isCancel = true;
            } catch (...) {
            }
            emitEvent(
                NodeEvent{step.id, step.name, NodeStatus::Failed, exceptionMessage(error), {}, us});
            QMutexLocker lock(&mutex);
            if (isCancel) {
                cancelled = true;
            } else if (!failure) {
                failure = error;
                failedNode = step.name;
            }
            --running;
            wake.wakeAll();
            return;
        }
        emitEvent(NodeEvent{
            step.id, step.name, cached ? NodeStatus::Cached : NodeStatus::Done, {}, out, us});
        QMutexLocker lock(&mutex);
        finish(i, std::move(out));
        --running;
        wake.wakeAll();
    };

    {
        QMutexLocker lock(&mutex);
        for (;;) {
            if (!failure && !cancelled && ctx.isCancelled())
                cancelled = true;
            if (!ready.isEmpty() && !failure && !cancelled && running < m_maxParallel) {
                const int i = ready.takeFirst();
                started[i] = true;
                Step& step = m_steps[i];
                if (!step.module) {
                    Object out;
                    if (step.kind == nodekind::Input) {
                        for (const QString& f : step.outputFields) {
                            out.insert(f, inputs.contains(f) ? inputs.get(f)
                                                             : *m_signature.field(f)->defaultValue);
                        }
                    } else {
                        for (const Binding& b : step.inputs)
                            out.insert(b.field, values[b.source].value(b.sourceField));
                    }
                    finish(i, std::move(out));
                    continue;
                }
                ++running;
                lock.unlock();
                const bool parallel =
                    m_maxParallel > 1 && graphPool()->tryStart([&execute, i] { execute(i); });
                if (!parallel)
                    execute(i);
                lock.relock();
                continue;
            }
            if (running == 0)
                break;
            // Wait for a running node, then look again. Parallel nodes beyond the limit wait here.
            wake.wait(&mutex);
        }
    }

    for (qsizetype i = 0; i < count; ++i) {
        if (!started[i] && m_steps[i].module) {
            const QString why = failure ? QStringLiteral("node '%1' failed").arg(failedNode)
                                        : QStringLiteral("cancelled");
            emitEvent(NodeEvent{m_steps[i].id, m_steps[i].name, NodeStatus::Skipped, why, {}, 0});
        }
    }
    if (failure)
        std::rethrow_exception(failure);
    if (cancelled)
        throw Cancelled();

    Prediction result;
    for (qsizetype i = 0; i < count; ++i) {
        if (m_steps[i].kind != nodekind::Output)
            continue;
        for (const Field& f : m_signature.outputFields())
            result.set(f.name, values[i].value(f.name));
    }
    return result;
}

Expected<QList<NodePredictorState>, QString> nodePredictorStates(const GraphNode& node,
                                                                 GraphEnvironment env)
{
    if (node.kind == nodekind::Input || node.kind == nodekind::Output)
        return QList<NodePredictorState>();
    if (!node.signature)
        return unexpected(QStringLiteral("node '%1': %2").arg(node.name, node.signatureError));
    env.stateOnly = true;
    auto module = makeModuleWithState(node, env);
    if (!module)
        return unexpected(module.error());
    QList<NodePredictorState> out;
    for (const auto& [path, predictor] : std::as_const(*module.value()).namedPredictors())
        out.append(NodePredictorState{path, predictor->dumpState()});
    return out;
}

} // namespace dspy
