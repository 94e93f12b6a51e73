#include "modules/parallel.h"

#include "evaluate/evaluate.h"
#include "modules/bestofn.h"

#include <QMutex>
#include <QThreadPool>

#include <atomic>
#include <vector>

namespace dspy {

namespace {

const QString kAbortReason = QStringLiteral("Execution cancelled due to errors or interruption.");

struct Slot
{
    std::optional<Prediction> prediction;
    bool failed = false;
    QString error;
};

} // namespace

Parallel::Parallel(ParallelOptions options)
    : m_options(options)
{}

ParallelResult Parallel::batch(Module& module, const QList<Example>& examples,
                               const RunContext& base) const
{
    QList<std::pair<Module*, Example>> pairs;
    pairs.reserve(examples.size());
    for (const Example& e : examples)
        pairs.append({&module, e});
    return run(pairs, base);
}

ParallelResult Parallel::run(const QList<std::pair<Module*, Example>>& pairs,
                             const RunContext& base) const
{
    const qsizetype n = pairs.size();
    std::vector<Slot> slots(static_cast<size_t>(n));
    const auto token = std::make_shared<CancellationToken>();
    std::atomic<int> errorCount{0};
    std::atomic_bool maxErrorsReached{false};
    QThreadPool pool;
    pool.setMaxThreadCount(std::max(1, m_options.numThreads));
    QMutex poolMutex;
    auto cancel = [&] {
        token->cancel();
        QMutexLocker lock(&poolMutex);
        pool.clear(); // queued pairs never start
    };

    auto work = [&](qsizetype i) {
        if (token->isCancelled())
            return;
        Slot& slot = slots[size_t(i)];
        RunContext ctx = base.child();
        ctx.cancellation = token;
        try {
            Module* module = pairs[i].first;
            if (!module)
                throw std::invalid_argument("Parallel: a pair has no module");
            const Example& example = pairs[i].second;
            slot.prediction = (*module)(example.hasInputKeys() ? example.inputs() : example, ctx);
        } catch (...) {
            const std::exception_ptr error = std::current_exception();
            slot.prediction.reset();
            if (token->isCancelled() && BestOfN::isCancellation(error))
                return; // cut off by the cancellation: not an error of its own
            slot.failed = true;
            const QStringList chain = exceptionChain(error);
            slot.error = m_options.provideTraceback ? chain.join(QStringLiteral("\n  caused by: "))
                                                    : chain.value(0);
            if (errorCount.fetch_add(1) + 1 >= m_options.maxErrors) {
                maxErrorsReached = true;
                cancel();
            }
        }
    };

    for (qsizetype i = 0; i < n; ++i) {
        if (token->isCancelled() || base.isCancelled())
            break;
        QMutexLocker lock(&poolMutex);
        pool.start([&work, i] { work(i); });
    }
    while (!pool.waitForDone(20)) {
        if (base.isCancelled() && !token->isCancelled())
            cancel();
    }
    if (base.isCancelled())
        token->cancel();

    ParallelResult result;
    result.results.reserve(n);
    for (qsizetype i = 0; i < n; ++i) {
        Slot& slot = slots[size_t(i)];
        result.results.append(std::move(slot.prediction));
        if (!slot.failed)
            continue;
        ++result.errors;
        if (m_options.returnFailedExamples) {
            result.failedExamples.append(pairs[i].second);
            result.failedIndices.append(i);
            result.exceptions.append(slot.error);
        }
    }
    result.maxErrorsReached = maxErrorsReached;
    result.cancelled = token->isCancelled();
    if (result.cancelled)
        result.abortReason = kAbortReason;
    return result;
}

} // namespace dspy
