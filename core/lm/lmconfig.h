#pragma once

// LMConfig — an LM profile as DSPy's dspy.LM(...) takes it (a "provider/name" model id, api_base,
// temperature, max_tokens, num_retries, cache, extra kwargs), plus where the key comes from, and
// makeProviderLM() which turns it into the matching HTTP client.
// API keys are never stored in a profile: only the name of the secret (an environment variable,
// or a keychain entry through a SecretStore) is.

#include "data/value.h"
#include "lm/lm.h"

#include <QHash>

#include <optional>

namespace dspy {

class HttpPool;

class SecretStore
{
public:
    virtual ~SecretStore();
    virtual std::optional<QString> get(const QString& name) const = 0;
};

// Reads environment variables; an empty variable counts as absent.
class EnvSecretStore final : public SecretStore
{
public:
    std::optional<QString> get(const QString& name) const override;
};

// An in-memory store, for tests and for keys typed into a session.
class MemorySecretStore final : public SecretStore
{
public:
    void set(const QString& name, const QString& secret) { m_secrets.insert(name, secret); }
    std::optional<QString> get(const QString& name) const override;

private:
    QHash<QString, QString> m_secrets;
};

struct LMConfig
{
    QString model;     // "openai/gpt-4o-mini", "ollama_chat/llama3", "anthropic/claude-...", ...
    QString apiBase;   // empty: the provider's default
    QString apiKeyEnv; // name of the secret; empty: the provider's default (OPENAI_API_KEY, ...)
    std::optional<double> temperature;
    std::optional<int> maxTokens;
    int numRetries = 3;
    bool cache = true;   // for the caching wrapper; the HTTP clients do not cache
    Object extraKwargs;  // more completion kwargs (top_p, stop, seed, ...)
    int maxInFlight = 0; // per endpoint; 0: unlimited
    int requestsPerMinute = 0;
    int tokensPerMinute = 0;
    int timeoutMs = 600000;
};

struct ProviderInfo
{
    QString provider;       // "openai", "anthropic", "hosted_vllm", ...
    QString defaultApiBase; // empty: api_base required
    QString defaultKeyEnv;  // empty: no key needed by default
    bool anthropic = false; // Messages API rather than chat completions
    bool simulated = false; // "lmsim"/"simulated": the in-process SimulatedLM (Brief G)
};

// The provider of a DSPy model id; an id without a prefix is OpenAI's, as in LiteLLM.
std::optional<ProviderInfo> providerInfo(const QString& modelId, QString* error = nullptr);

// An LM profile's settings as project files keep them (model, api_base, api_key_env,
// temperature, max_tokens, max_in_flight; never a key) and back. Unknown keys are ignored.
LMConfig lmConfigFromSettings(const Object& settings);
Object lmConfigSettings(const LMConfig& config);

// lm.kwargs as dspy.LM builds it: {temperature, max_tokens, **extra}, None values kept.
Object lmKwargs(const LMConfig& config);

// store == nullptr: EnvSecretStore. pool == nullptr: HttpPool::shared().
// Fails (nullptr, *error set) for an unknown provider, a missing required api_base, a missing key
// for a hosted provider at its default address, or DSPy's reasoning-model rules.
LMPtr makeProviderLM(const LMConfig& config, QString* error, const SecretStore* store = nullptr,
                     HttpPool* pool = nullptr);

} // namespace dspy
