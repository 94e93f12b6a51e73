#pragma once

// The LM cache key, as DSPy's request_cache computes it (dspy.md §5.4): SHA-256 hex of
// orjson.dumps(request, OPT_SORT_KEYS), where request = {model, messages, every kwarg (None values
// and rollout_id included), _fn_identifier} minus api_key, api_base and base_url.

#include "lm/lm.h"

#include <QByteArray>
#include <QStringView>

namespace dspy {

// DSPy's fn identifier for chat completions (the function the cache decorator wraps).
inline constexpr QStringView kChatCompletionFnIdentifier = u"dspy.clients.lm.litellm_completion";

// The exact text that is hashed: compact (no spaces, like orjson), keys sorted at every level by
// their UTF-8 bytes (as orjson sorts), non-ASCII written as is, NaN and infinities as null
// (orjson's choice; json.dumps would write NaN).
QString canonicalRequestJson(const LMRequest& request,
                             QStringView fnIdentifier = kChatCompletionFnIdentifier);
QString canonicalJson(const Value& value);

// 64 lower-case hex digits.
QByteArray cacheKey(const LMRequest& request,
                    QStringView fnIdentifier = kChatCompletionFnIdentifier);

} // namespace dspy
