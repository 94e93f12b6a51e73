#include "modules/bestofn.h"

#include "lm/lmcopy.h"
#include "modules/modulepaths.h"
#include "modules/predict.h"

#include <QDebug>

#include <limits>
#include <stdexcept>

namespace dspy {

BestOfN::BestOfN(std::unique_ptr<Module> module, int N, RewardFn rewardFn, double threshold,
                 int failCount)
    : m_module(std::move(module))
    , m_N(N)
    , m_rewardFn(std::move(rewardFn))
    , m_threshold(threshold)
    , m_failCount(failCount ? failCount : N)
{
    if (!m_module)
        throw std::invalid_argument("BestOfN: the module is null");
    if (N < 1)
        throw std::invalid_argument("BestOfN: N must be at least 1");
    if (!m_rewardFn)
        throw std::invalid_argument("BestOfN: the reward function is empty");
}

BestOfN::BestOfN(const BestOfN& other)
    : Module(other)
    , m_module(other.m_module->clone())
    , m_N(other.m_N)
    , m_rewardFn(other.m_rewardFn)
    , m_threshold(other.m_threshold)
    , m_failCount(other.m_failCount)
{}

LMPtr BestOfN::resolveLM(Module& module, const RunContext& ctx)
{
    LMPtr found;
    for (const NamedPredictor& np : module.namedPredictors()) {
        const LMPtr lm = np.predictor->lm();
        if (!lm)
            continue;
        if (found && found != lm) {
            throw std::invalid_argument(
                "Multiple LMs are being used in the module. There's no unique LM to return.");
        }
        found = lm;
    }
    if (!found)
        found = ctx.lm;
    if (!found) {
        throw LMError(LMError::Kind::NotConfigured,
                      QStringLiteral("No LM is loaded. Set one on the RunContext (ctx.lm) or on "
                                     "the module's predictors."));
    }
    return found;
}

qint64 BestOfN::startRolloutId(const LM& lm)
{
    // A copy: kwargs() may return by value, and value() refers into it.
    const Value id = lm.kwargs().value(u"rollout_id");
    return id.isNumber() ? id.toInt() : 0;
}

std::unique_ptr<Module> BestOfN::attemptModule(const Module& module, const LMPtr& lm,
                                               qint64 rolloutId)
{
    std::unique_ptr<Module> copy = module.clone();
    const auto lmCopy =
        std::make_shared<LMCopy>(lm, Object{{QStringLiteral("rollout_id"), Value(rolloutId)},
                                            {QStringLiteral("temperature"), Value(1.0)}});
    for (const NamedPredictor& np : copy->namedPredictors())
        np.predictor->setLM(lmCopy); // mod.set_lm(lm_)
    return copy;
}

bool BestOfN::isCancellation(std::exception_ptr e)
{
    try {
        std::rethrow_exception(e);
    } catch (const Cancelled&) {
        return true;
    } catch (const LMError& err) {
        return err.kind() == LMError::Kind::Cancelled;
    } catch (...) {
        return false;
    }
}

QString BestOfN::describe(std::exception_ptr e)
{
    try {
        std::rethrow_exception(e);
    } catch (const LMError& err) {
        return LMError::kindName(err.kind()) + QStringLiteral(": ") + err.message();
    } catch (const AdapterParseException& err) {
        return err.error().toString();
    } catch (const std::exception& err) {
        return QString::fromUtf8(err.what());
    } catch (...) {
        return QStringLiteral("unknown exception");
    }
}

Prediction BestOfN::forward(const Example& inputs, RunContext& ctx)
{
    const LMPtr lm = resolveLM(*m_module, ctx);
    const qint64 start = startRolloutId(*lm);
    Prediction best;
    QList<TraceRecord> bestTrace;
    double bestReward = -std::numeric_limits<double>::infinity();
    int failCount = m_failCount; // per call (see the header)

    for (int idx = 0; idx < m_N; ++idx) {
        const qint64 rid = start + idx;
        ctx.throwIfCancelled();
        std::unique_ptr<Module> mod = attemptModule(*m_module, lm, rid);
        RunContext inner = ctx.child();
        inner.trace = std::make_shared<Trace>();
        inner.rolloutId = QString::number(rid);
        inner.predictorPath = childPredictorPath(ctx.predictorPath, QStringLiteral("module"));
        try {
            const Prediction outputs = (*mod)(inputs, inner);
            // Not including the trace of reward_fn.
            const double reward = m_rewardFn(inputs, outputs);
            if (reward > bestReward) {
                bestReward = reward;
                best = outputs;
                bestTrace = inner.trace->snapshot();
            }
            if (reward >= m_threshold)
                break;
        } catch (...) {
            const std::exception_ptr error = std::current_exception();
            if (isCancellation(error) || ctx.isCancelled())
                throw;
            qWarning().noquote() << QStringLiteral("BestOfN: Attempt %1 failed with rollout id "
                                                   "%2: %3")
                                        .arg(idx + 1)
                                        .arg(rid)
                                        .arg(describe(error));
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

QString BestOfN::instanceName() const
{
    return QStringLiteral("BestOfN(%1)").arg(m_module->instanceName());
}

std::unique_ptr<Module> BestOfN::clone() const
{
    return std::make_unique<BestOfN>(*this);
}

QList<NamedPredictor> BestOfN::namedPredictors()
{
    return predictorsUnder(QStringLiteral("module"), *m_module);
}

} // namespace dspy
