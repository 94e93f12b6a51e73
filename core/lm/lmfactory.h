#pragma once

// makeLM — dspy.LM(...) in one call: the provider's transport from makeProviderLM (an HTTP
// client, or the in-process simulator for "lmsim/<name>" without an api_base) wrapped in a
// ManagedLM that carries lm.kwargs, the request cache (LMCache::global() unless given another),
// history, callbacks, usage and cost.

#include "lm/lmconfig.h"
#include "lm/managedlm.h"
#include "runtime/expected.h"

namespace dspy {

struct LMFactoryOptions
{
    const SecretStore* secrets = nullptr; // nullptr: environment variables
    HttpPool* pool = nullptr;             // nullptr: HttpPool::shared()
    // Anything ManagedLMOptions holds; its `cache` flag is overridden by LMConfig::cache.
    ManagedLMOptions managed;
};

// Fails with an LMError of kind Configuration (the message says what to fix) for an unknown
// provider, a missing api_base or key, or DSPy's reasoning-model rules.
Expected<std::shared_ptr<ManagedLM>, LMError> makeLM(const LMConfig& config,
                                                     LMFactoryOptions options = {});

} // namespace dspy
