#pragma once

// WeaviateRetriever — search a Weaviate collection over its GraphQL endpoint (POST
// {url}/v1/graphql), the port of DSPy's WeaviateRM (weaviate_collection_name,
// weaviate_collection_text_key="content", hybrid search) with the other two search operators
// Weaviate has:
//   { Get { <Collection>(<op>, limit: k[, tenant: "..."]) { <textKey> <properties...>
//           _additional { id score distance } } } }
// where <op> is bm25: {query: "..."}, nearText: {concepts: ["..."]} or
// hybrid: {query: "...", alpha: A}. Passages: id = _additional.id, text = the text property,
// score = _additional.score (bm25, hybrid) or 1 - distance (nearText), metadata = the other
// requested properties plus distance when known. GraphQL errors ({"errors": [...]}) and HTTP
// failures become RetrieverErrors with Weaviate's message; the API key (sent as a Bearer token)
// never appears in them. HTTP through HttpPool's network threads.

#include "lm/httppool.h"
#include "retrieve/retriever.h"

#include <QStringList>
#include <QUrl>

#include <optional>

namespace dspy {

class WeaviateRetriever final : public Retriever
{
public:
    enum class Mode { BM25, NearText, Hybrid };

    struct Options
    {
        QString url = QStringLiteral("http://localhost:8080"); // without /v1/graphql
        QString collection;                                     // the class, e.g. "Passage"
        QString textKey = QStringLiteral("content");            // DSPy's default
        Mode mode = Mode::Hybrid;                               // what DSPy's WeaviateRM runs
        std::optional<double> alpha; // hybrid only; unset: Weaviate's default
        QStringList properties;      // more properties to return as metadata
        QString tenant;              // multi-tenant collections
        QString apiKey;              // sent as Authorization: Bearer
        int timeoutMs = 10000;
        RetryPolicy retry{0};
    };

    // Throws RetrieverError when the collection, text key or a property is not a GraphQL name,
    // or alpha is outside [0, 1].
    explicit WeaviateRetriever(Options options);

    QList<Passage> search(const QString& query, int k, const RunContext& ctx) override;
    QString name() const override;
    const Options& options() const { return m_opts; }

    // The GraphQL document search() posts (as {"query": <this>}).
    QString graphqlQuery(const QString& query, int k) const;
    static QString modeName(Mode mode); // "bm25", "nearText", "hybrid"

private:
    Options m_opts;
    QUrl m_endpoint;
};

} // namespace dspy
