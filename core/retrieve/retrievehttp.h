#pragma once

// What the HTTP retrievers (ColBERTv2, WeaviateRetriever) share: one JSON exchange through the
// project's HttpPool (its network threads do the I/O; the calling worker thread waits for the
// result, and the run's cancellation aborts the request), with every failure turned into a
// RetrieverError that names the server and never contains the API key.

#include "lm/httppool.h"
#include "retrieve/retriever.h"

namespace dspy::retrievehttp {

// The JSON body of a 2xx reply. Throws RetrieverError("<who>: ...") on a transport error, a
// timeout, a non-2xx status (with the start of the body) or a body that is not JSON, and
// Cancelled when ctx is cancelled. `secret` is redacted from every message.
Value exchange(const QString& who, HttpRequest request, const RunContext& ctx,
               const RetryPolicy& retry, const QString& secret = {});

// The first 300 characters of a reply body, on one line, for error messages.
QString bodySnippet(const QByteArray& body);

} // namespace dspy::retrievehttp
