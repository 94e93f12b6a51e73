#pragma once

// What the HTTP LM clients (OpenAICompatibleLM, AnthropicLM) share: their options, the mapping
// of HTTP failures onto DSPy's error taxonomy, and key redaction.

#include "data/value.h"
#include "lm/httppool.h"
#include "lm/lm.h"
#include "lm/lmerror.h"

#include <QFuture>
#include <QString>

#include <memory>

class QThreadPool;

namespace dspy {

struct HttpLMOptions
{
    QString model;    // the DSPy id as given, e.g. "openai/gpt-4o-mini" (reported in responses)
    QString provider; // "openai", "anthropic", ... (for errors)
    QString apiBase;  // e.g. "https://api.openai.com/v1", "https://api.anthropic.com"
    QString apiKey;   // empty: no credentials are sent (local servers)
    Object kwargs;    // lm.kwargs: temperature, max_tokens, ... (None values kept, as DSPy does)
    RetryPolicy retry;
    int timeoutMs = 600000;
    HttpPool* pool = nullptr; // nullptr: HttpPool::shared()
    HttpHeaders extraHeaders;
    // Requests of this LM share the pool's per-endpoint limits under this key (empty: apiBase).
    QString endpointKey;
};

// "DSPy-Workbench/<version>"
QByteArray httpUserAgent();

// The model name sent on the wire: the id without its provider prefix ("openai/gpt-4o" ->
// "gpt-4o"; only the first segment is a provider, so "together_ai/meta/llama" -> "meta/llama").
QString wireModelName(const QString& modelId);

// An LMError for a failed exchange (transport failure, timeout, cancellation or a non-2xx
// status), with status, provider message and code, request id and Retry-After. Every occurrence
// of apiKey in the text is replaced by "[REDACTED]".
std::shared_ptr<LMError> httpLMError(const HttpResponse& response, const HttpLMOptions& options);

// An LMError for a 2xx response that could not be understood.
std::shared_ptr<LMError> malformedResponseError(const QString& detail, const HttpResponse& response,
                                                const HttpLMOptions& options);

QString redactSecret(QString text, const QString& secret);

// An LMResponse carrying an error (and the error's request id).
LMResponse errorResponse(std::shared_ptr<LMError> e, const QString& model);

// Rebuilds a streamed reply (SSE events) into the response the non-streamed call would return.
class ChatStream
{
public:
    virtual ~ChatStream();
    virtual void feed(QByteArrayView bytes) = 0;
    // The response, or an error text when the stream was cut short or reported an error.
    virtual LMResponse finish(const HttpLMOptions& options, QString* error) = 0;
};

// How a client reads a whole (non-streamed) reply body.
struct ChatReplyFormat
{
    QString requiredArray; // the reply is malformed without this top-level array ("choices")
    LMResponse (*parse)(const Value& body, const HttpLMOptions& options) = nullptr;
};

// What the HTTP clients' call() share: sends `http` (url, headers, body set by the client)
// through the pool with the request's cancellation, streams into `stream` when given, and turns
// the exchange into an LMResponse: failures mapped to DSPy's taxonomy, the body parsed with
// `format`. The reply is parsed on the network thread that finished it: it parses in a few
// microseconds, while a hop to a parse pool costs a thread wake-up per call.
QFuture<LMResponse> sendChat(HttpRequest http, const LMRequest& request,
                             std::shared_ptr<const HttpLMOptions> options,
                             std::shared_ptr<ChatStream> stream, ChatReplyFormat format);

// Where responses are parsed: off the network threads (they only move bytes), and apart from
// the global pool, whose workers may all be blocked waiting on LM futures.
QThreadPool* lmParsePool();

} // namespace dspy
