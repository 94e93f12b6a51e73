#pragma once

// Retriever — what Retrieve(k) asks for passages (DSPy's settings.rm, dspy.md §3.8): a search that
// returns up to k passages for a query, best first, each with its id, text, score and whatever else
// the backend knows about it. Implementations: FTS5Retriever (the embedded BM25 default),
// ColBERTv2, WeaviateRetriever, EmbeddingsRetriever.
//
// search() may be called from many threads at once (Evaluate runs programs on a pool); it blocks
// the calling thread (a worker, never the GUI thread) and throws RetrieverError when it fails.

#include "data/value.h"

#include <QList>
#include <QString>

#include <memory>
#include <stdexcept>

namespace dspy {

class RunContext;

struct Passage
{
    QString id;
    QString text; // DSPy's long_text
    double score = 0.0; // higher is better; the scale is the backend's
    Object metadata;    // title, distance, the backend's other fields
};

class RetrieverError : public std::runtime_error
{
public:
    explicit RetrieverError(const QString& message)
        : std::runtime_error(message.toStdString())
        , m_message(message)
    {}
    const QString& message() const { return m_message; }

private:
    QString m_message;
};

class Retriever
{
public:
    virtual ~Retriever();
    // Up to k passages (k >= 1), best first. Thread-safe. Throws RetrieverError (and Cancelled when
    // ctx is cancelled).
    virtual QList<Passage> search(const QString& query, int k, const RunContext& ctx) = 0;
    // "FTS5Retriever(/path/index.sqlite)", for errors and callbacks.
    virtual QString name() const = 0;
};

using RetrieverPtr = std::shared_ptr<Retriever>;

} // namespace dspy
