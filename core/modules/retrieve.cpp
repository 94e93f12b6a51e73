#include "modules/retrieve.h"

namespace dspy {

Retrieve::Retrieve(int k, RetrieverPtr retriever)
    : m_retriever(std::move(retriever))
{
    setK(k);
}

void Retrieve::setK(int k)
{
    if (k < 1)
        throw RetrieverError(QStringLiteral("Retrieve: k must be >= 1, got %1").arg(k));
    m_k = k;
}

Prediction Retrieve::forward(const Example& inputs, RunContext& ctx)
{
    if (!m_retriever) {
        // DSPy: AssertionError("No RM is loaded.")
        throw RetrieverError(QStringLiteral(
            "No RM is loaded. Retrieve needs a retriever: call setRetriever() with an "
            "FTS5Retriever, ColBERTv2, WeaviateRetriever or EmbeddingsRetriever."));
    }
    const Value& query = inputs.get(u"query");
    if (!query.isString()) {
        throw RetrieverError(
            inputs.contains(u"query")
                ? QStringLiteral("Retrieve: the input 'query' must be a string, got %1")
                      .arg(query.toJson())
                : QStringLiteral("Retrieve: the input 'query' is missing (inputs: %1)")
                      .arg(inputs.keys().join(QStringLiteral(", "))));
    }
    int k = m_k;
    if (inputs.contains(u"k") && !inputs.get(u"k").isNull()) {
        const Value& kv = inputs.get(u"k");
        if (!kv.isInt() || kv.toInt() < 1 || kv.toInt() > 1000000) {
            throw RetrieverError(
                QStringLiteral("Retrieve: the input 'k' must be a positive integer, got %1")
                    .arg(kv.toJson()));
        }
        k = int(kv.toInt());
    }
    ctx.throwIfCancelled();
    const QList<Passage> passages = m_retriever->search(query.toString(), k, ctx);

    Array texts, ids, scores;
    texts.reserve(passages.size());
    ids.reserve(passages.size());
    scores.reserve(passages.size());
    for (const Passage& p : passages) {
        texts.append(p.text);
        ids.append(p.id);
        scores.append(p.score);
    }
    Prediction prediction;
    prediction.set(QStringLiteral("passages"), std::move(texts));
    prediction.set(QStringLiteral("ids"), std::move(ids));
    prediction.set(QStringLiteral("scores"), std::move(scores));
    return prediction;
}

QString Retrieve::instanceName() const
{
    return QStringLiteral("Retrieve(k=%1)").arg(m_k);
}

std::unique_ptr<Module> Retrieve::clone() const
{
    return std::make_unique<Retrieve>(*this);
}

Object Retrieve::dumpState() const
{
    return Object{{QStringLiteral("k"), Value(m_k)}};
}

Expected<void, QString> Retrieve::loadDumpedState(const Object& state)
{
    const Value& k = state.value(u"k");
    if (!state.contains(u"k"))
        return unexpected(QStringLiteral("The Retrieve state has no \"k\"."));
    if (!k.isInt() || k.toInt() < 1 || k.toInt() > 1000000) {
        return unexpected(
            QStringLiteral("The Retrieve state's \"k\" must be a positive integer, got %1")
                .arg(k.toJson()));
    }
    m_k = int(k.toInt());
    return {};
}

} // namespace dspy
