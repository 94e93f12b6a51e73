#include "retrieve/embedder.h"

#include "lm/openailm.h"
#include "lm/simulator.h"
#include "runtime/batcher.h"

#include <QMutex>
#include <QPromise>

#include <atomic>

namespace dspy {

Embedder::~Embedder() = default;

QList<EmbeddingVector> Embedder::embedBlocking(const QStringList& texts)
{
    QFuture<QList<EmbeddingVector>> f = embed(texts);
    try {
        // Qt 6 rethrows the future's exception from waitForFinished() as well as result().
        f.waitForFinished();
        return f.result();
    } catch (const EmbedderError&) {
        throw;
    } catch (const std::exception& e) {
        throw EmbedderError(QStringLiteral("%1: %2").arg(name(), QString::fromUtf8(e.what())));
    }
}

// --- SimulatedEmbedder ---

SimulatedEmbedder::SimulatedEmbedder(int dimensions)
    : m_dimensions(std::max(1, dimensions))
{}

QFuture<QList<EmbeddingVector>> SimulatedEmbedder::embed(const QStringList& texts)
{
    QList<EmbeddingVector> out;
    out.reserve(texts.size());
    for (const QString& t : texts)
        out.append(SimulatedLM::embed(t, m_dimensions));
    return QtFuture::makeReadyFuture(std::move(out));
}

QString SimulatedEmbedder::name() const
{
    return QStringLiteral("SimulatedEmbedder(%1)").arg(m_dimensions);
}

// --- HttpEmbedder ---

namespace {

struct ItemResult
{
    EmbeddingVector vector;
    QString error;
};

// What one embed() call waits for: its texts' results, from whichever batches they landed in.
struct Gather
{
    QPromise<QList<EmbeddingVector>> promise;
    QMutex mutex;
    QList<EmbeddingVector> vectors;
    qsizetype remaining = 0;
    QString error; // the first error seen
};

} // namespace

struct HttpEmbedder::Private
{
    std::shared_ptr<OpenAICompatibleLM> lm;
    Options options;
    QString name;
    std::atomic<int> dimensions{0};
    std::atomic<qint64> requests{0};
    std::unique_ptr<Batcher<QString, ItemResult>> batcher;

    void embedRange(const QList<QString>& texts, qsizetype from, qsizetype n,
                    QList<ItemResult>& out)
    {
        const auto failAll = [&](const QString& message) {
            for (qsizetype i = 0; i < n; ++i)
                out[from + i].error = message;
        };
        ++requests;
        QFuture<Embeddings> f = lm->embed(texts.mid(from, n), options.kwargs);
        Embeddings e;
        try {
            f.waitForFinished();
            e = f.result();
        } catch (const std::exception& ex) {
            failAll(QStringLiteral("%1: %2").arg(name, QString::fromUtf8(ex.what())));
            return;
        }
        if (e.error) {
            const int status = e.error->status();
            if (n > 1 && (status == 400 || status == 413 || status == 422)) {
                const qsizetype half = n / 2;
                embedRange(texts, from, half, out);
                embedRange(texts, from + half, n - half, out);
                return;
            }
            failAll(QStringLiteral("%1: %2").arg(name, e.error->message()));
            return;
        }
        if (e.vectors.size() != n) {
            failAll(QStringLiteral("%1: expected %2 embeddings, got %3")
                        .arg(name)
                        .arg(n)
                        .arg(e.vectors.size()));
            return;
        }
        int dims = dimensions.load();
        for (qsizetype i = 0; i < n; ++i) {
            const int size = int(e.vectors[i].size());
            if (dims == 0 && size > 0 && dimensions.compare_exchange_strong(dims, size))
                dims = size;
            if (size == 0 || size != dims) {
                out[from + i].error =
                    QStringLiteral("%1: an embedding of %2 dimensions, expected %3")
                        .arg(name)
                        .arg(size)
                        .arg(dims);
                continue;
            }
            out[from + i].vector = std::move(e.vectors[i]);
        }
    }
};

HttpEmbedder::HttpEmbedder(std::shared_ptr<OpenAICompatibleLM> lm)
    : HttpEmbedder(std::move(lm), Options())
{}

HttpEmbedder::HttpEmbedder(std::shared_ptr<OpenAICompatibleLM> lm, Options options)
    : d(std::make_unique<Private>())
{
    d->lm = std::move(lm);
    d->options = std::move(options);
    d->options.maxBatchSize = std::max(1, d->options.maxBatchSize);
    d->name =
        QStringLiteral("HttpEmbedder(%1)")
            .arg(d->options.kwargs.contains(u"model") ? d->options.kwargs.value(u"model").toString()
                                                      : d->lm->model());
    BatcherOptions bo;
    bo.maxBatchSize = d->options.maxBatchSize;
    bo.maxWaitMs = std::max(0, d->options.maxWaitMs);
    bo.maxPending = 1 << 22;
    bo.threadName = QStringLiteral("dspy-embedder");
    Private* p = d.get();
    d->batcher = std::make_unique<Batcher<QString, ItemResult>>(
        [p](QList<QString> texts) -> Batcher<QString, ItemResult>::BatchResult {
            QList<ItemResult> out(texts.size());
            p->embedRange(texts, 0, texts.size(), out);
            return out;
        },
        bo);
}

HttpEmbedder::~HttpEmbedder()
{
    d->batcher->shutdown();
}

QFuture<QList<EmbeddingVector>> HttpEmbedder::embed(const QStringList& texts)
{
    if (texts.isEmpty())
        return QtFuture::makeReadyFuture(QList<EmbeddingVector>());
    auto g = std::make_shared<Gather>();
    g->promise.start();
    g->vectors.resize(texts.size());
    g->remaining = texts.size();
    QFuture<QList<EmbeddingVector>> result = g->promise.future();
    const QString name = d->name;
    for (qsizetype i = 0; i < texts.size(); ++i) {
        d->batcher->submit(texts[i]).then(
            QtFuture::Launch::Sync, [g, i, name](QFuture<ItemResult> f) {
                ItemResult r;
                try {
                    r = f.result();
                } catch (const std::exception& e) {
                    r.error = QStringLiteral("%1: %2").arg(name, QString::fromUtf8(e.what()));
                }
                QMutexLocker lock(&g->mutex);
                if (!r.error.isEmpty() && g->error.isEmpty())
                    g->error = r.error;
                g->vectors[i] = std::move(r.vector);
                if (--g->remaining > 0)
                    return;
                if (!g->error.isEmpty())
                    g->promise.setException(std::make_exception_ptr(EmbedderError(g->error)));
                else
                    g->promise.addResult(std::move(g->vectors));
                g->promise.finish();
            });
    }
    return result;
}

int HttpEmbedder::dimensions() const
{
    return d->dimensions.load();
}

QString HttpEmbedder::name() const
{
    return d->name;
}

qint64 HttpEmbedder::requestCount() const
{
    return d->requests.load();
}

} // namespace dspy
