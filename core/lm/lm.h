#pragma once

// LM — a language model client. call() never blocks the caller's event loop; modules running on
// worker threads wait on the future. Concrete clients: ScriptedLM (offline test double, DSPy's
// DummyLM), and the HTTP clients of the LM runtime.

#include "data/example.h"
#include "lm/chatmessage.h"
#include "lm/lmerror.h"

#include <QFuture>

#include <functional>
#include <memory>
#include <optional>

namespace dspy {

class CancellationToken; // runtime/runcontext.h

// One streamed increment of a completion (added by Brief E for the HTTP clients' SSE streaming).
struct LMStreamChunk
{
    int index = 0;     // which completion (n > 1)
    QString text;      // content delta
    QString reasoning; // reasoning_content / thinking delta
};

struct LMRequest
{
    QString model;
    QList<ChatMessage> messages;
    // Everything else passed to the completion call, in DSPy's merge order (lm.kwargs, then
    // config): temperature, max_tokens, n, stop, response_format, rollout_id, ...
    // rollout_id belongs to the cache key but never goes on the wire.
    Object kwargs;
    bool cache = true;
    // Added by Brief F: the caller's call id (RunContext::parentCallId), so LM callbacks can be
    // parented; never sent, never part of the cache key.
    QString parentCallId;
    // Added by Brief E (HTTP clients): when set, the call streams (SSE) and each delta is passed
    // here, on a network thread, as it arrives; the final LMResponse is the same as without
    // streaming. Not part of the cache key.
    std::function<void(const LMStreamChunk&)> onChunk;
    // Added by Brief E: cancelling aborts the request in flight (the response then carries an
    // LMError of kind Cancelled).
    std::shared_ptr<CancellationToken> cancel;
};

struct LMOutput
{
    QString text;
    QString reasoningContent;
    Value toolCalls; // null, or the provider's tool_calls array
    QString finishReason;
};

struct LMResponse
{
    QString model;
    QList<LMOutput> outputs; // one per completion (n)
    LMUsage usage;
    bool cacheHit = false;
    QString requestId;
    std::shared_ptr<LMError> error; // set when the call failed (after retries)
    // Added by Brief F: cost in USD from ManagedLM's price table; none on a cache hit or for a
    // model without a price (DSPy's response_cost None).
    std::optional<double> cost;
};

class LM
{
public:
    virtual ~LM();
    virtual QString model() const = 0;
    // Default kwargs of this LM (lm.kwargs in DSPy): temperature, max_tokens, ...
    virtual Object kwargs() const { return {}; }
    virtual QFuture<LMResponse> call(const LMRequest& request) = 0;
    // Capabilities the JSONAdapter shapes requests by (dspy.md §2.10).
    virtual bool supportsResponseFormat() const { return false; }
    virtual bool supportsResponseSchema() const { return false; }

    // Blocks the calling (worker) thread until the response arrives; throws LMError on failure.
    LMResponse callBlocking(const LMRequest& request);
};

using LMPtr = std::shared_ptr<LM>;

} // namespace dspy
