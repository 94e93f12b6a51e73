#pragma once

// Embedder — texts to vectors, for EmbeddingsRetriever (DSPy's dspy.Embedder, dspy.md §3.8).
//
// embed() is asynchronous: it returns at once with a QFuture that holds one vector per text, in
// the texts' order, or an EmbedderError (rethrown by result()). It may be called from any thread.
// embedBlocking() waits for that future and throws EmbedderError.
//
// Implementations:
// - HttpEmbedder: POST /v1/embeddings through OpenAICompatibleLM::embed(). Every text is one item
//   of a Batcher, so texts from concurrent callers are coalesced into requests of at most
//   maxBatchSize inputs (DSPy's batch_size=200). One request is in flight at a time; what arrives
//   meanwhile waits for the next one. When a request fails with a client error (HTTP 400, 413, 422:
//   one input was refused) and holds more than one text, it is split in halves and retried, so only
//   the callers whose texts the server refuses see the error; any other failure (5xx, transport,
//   timeout, 401, 429 after the LM's retries) fails every text of that request.
// - SimulatedEmbedder: SimulatedLM::embed()'s deterministic hashed-trigram unit vectors, in
//   process (the offline default); the same vectors dspy-lmsim serves on /v1/embeddings.

#include "data/value.h"

#include <QFuture>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <stdexcept>

namespace dspy {

class OpenAICompatibleLM;

using EmbeddingVector = QList<float>;

class EmbedderError : public std::runtime_error
{
public:
    explicit EmbedderError(const QString& message)
        : std::runtime_error(message.toStdString())
        , m_message(message)
    {}
    const QString& message() const { return m_message; }

private:
    QString m_message;
};

class Embedder
{
public:
    virtual ~Embedder();
    // One vector per text, in order; the future fails with EmbedderError. Thread-safe.
    virtual QFuture<QList<EmbeddingVector>> embed(const QStringList& texts) = 0;
    // The vectors' length, or 0 while unknown (an HTTP embedder learns it from its first answer).
    virtual int dimensions() const = 0;
    // Names the model: "SimulatedEmbedder(384)", "HttpEmbedder(openai/text-embedding-3-small)".
    // EmbeddingsRetriever::load() refuses an index built with another name.
    virtual QString name() const = 0;

    // Waits for embed(); throws EmbedderError.
    QList<EmbeddingVector> embedBlocking(const QStringList& texts);
};

using EmbedderPtr = std::shared_ptr<Embedder>;

class SimulatedEmbedder final : public Embedder
{
public:
    explicit SimulatedEmbedder(int dimensions = 384);
    QFuture<QList<EmbeddingVector>> embed(const QStringList& texts) override;
    int dimensions() const override { return m_dimensions; }
    QString name() const override;

private:
    int m_dimensions;
};

class HttpEmbedder final : public Embedder
{
public:
    struct Options
    {
        int maxBatchSize = 200; // inputs per /v1/embeddings request (DSPy's batch_size)
        int maxWaitMs = 5;      // how long the first text of a batch waits for company
        Object kwargs;          // passed to OpenAICompatibleLM::embed(): "dimensions", "model"
    };

    explicit HttpEmbedder(std::shared_ptr<OpenAICompatibleLM> lm);
    HttpEmbedder(std::shared_ptr<OpenAICompatibleLM> lm, Options options);
    // Answers what is pending, then stops the batcher.
    ~HttpEmbedder() override;
    HttpEmbedder(const HttpEmbedder&) = delete;
    HttpEmbedder& operator=(const HttpEmbedder&) = delete;

    QFuture<QList<EmbeddingVector>> embed(const QStringList& texts) override;
    int dimensions() const override;
    QString name() const override;

    // Requests sent so far (split retries included), for tests and the benchmark.
    qint64 requestCount() const;

    struct Private;

private:
    std::unique_ptr<Private> d;
};

} // namespace dspy
