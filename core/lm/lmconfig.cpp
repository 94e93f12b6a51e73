#include "lm/lmconfig.h"

#include "lm/anthropiclm.h"
#include "lm/httppool.h"
#include "lm/openailm.h"
#include "lm/simulator.h"

namespace dspy {

SecretStore::~SecretStore() = default;

std::optional<QString> EnvSecretStore::get(const QString& name) const
{
    if (name.isEmpty())
        return std::nullopt;
    const QString v = qEnvironmentVariable(name.toLocal8Bit().constData());
    if (v.isEmpty())
        return std::nullopt;
    return v;
}

std::optional<QString> MemorySecretStore::get(const QString& name) const
{
    auto it = m_secrets.constFind(name);
    if (it == m_secrets.constEnd() || it->isEmpty())
        return std::nullopt;
    return *it;
}

std::optional<ProviderInfo> providerInfo(const QString& modelId, QString* error)
{
    const qsizetype slash = modelId.indexOf(u'/');
    const QString prefix = slash < 0 ? QString() : modelId.left(slash);
    ProviderInfo p;
    p.provider = prefix.isEmpty() ? QStringLiteral("openai") : prefix;
    if (slash == modelId.size() - 1 || modelId.trimmed().isEmpty()) {
        if (error)
            *error = QStringLiteral("Model id '%1' names no model.").arg(modelId);
        return std::nullopt;
    }
    if (p.provider == u"openai") {
        p.defaultApiBase = QStringLiteral("https://api.openai.com/v1");
        p.defaultKeyEnv = QStringLiteral("OPENAI_API_KEY");
    } else if (p.provider == u"ollama_chat" || p.provider == u"ollama") {
        p.defaultApiBase = QStringLiteral("http://localhost:11434/v1");
    } else if (p.provider == u"hosted_vllm") {
        p.defaultKeyEnv = QStringLiteral("HOSTED_VLLM_API_KEY");
    } else if (p.provider == u"lm_studio") {
        p.defaultApiBase = QStringLiteral("http://localhost:1234/v1");
        p.defaultKeyEnv = QStringLiteral("LM_STUDIO_API_KEY");
    } else if (p.provider == u"openrouter") {
        p.defaultApiBase = QStringLiteral("https://openrouter.ai/api/v1");
        p.defaultKeyEnv = QStringLiteral("OPENROUTER_API_KEY");
    } else if (p.provider == u"groq") {
        p.defaultApiBase = QStringLiteral("https://api.groq.com/openai/v1");
        p.defaultKeyEnv = QStringLiteral("GROQ_API_KEY");
    } else if (p.provider == u"together_ai") {
        p.defaultApiBase = QStringLiteral("https://api.together.xyz/v1");
        p.defaultKeyEnv = QStringLiteral("TOGETHERAI_API_KEY");
    } else if (p.provider == u"anthropic") {
        p.defaultApiBase = QStringLiteral("https://api.anthropic.com");
        p.defaultKeyEnv = QStringLiteral("ANTHROPIC_API_KEY");
        p.anthropic = true;
    } else if (p.provider == u"lmsim" || p.provider == u"simulated") {
        p.simulated = true;
    } else {
        if (error)
            *error = QStringLiteral("Unknown provider '%1' in model id '%2' (known: openai, "
                                    "anthropic, ollama_chat, ollama, hosted_vllm, lm_studio, "
                                    "openrouter, groq, together_ai, lmsim).")
                         .arg(p.provider, modelId);
        return std::nullopt;
    }
    return p;
}

LMConfig lmConfigFromSettings(const Object& settings)
{
    LMConfig lm;
    lm.model = settings.value(u"model").toString();
    lm.apiBase = settings.value(u"api_base").toString();
    lm.apiKeyEnv = settings.value(u"api_key_env").toString();
    if (settings.value(u"temperature").isNumber())
        lm.temperature = settings.value(u"temperature").toDouble();
    if (settings.value(u"max_tokens").isNumber())
        lm.maxTokens = int(settings.value(u"max_tokens").toInt());
    if (settings.value(u"max_in_flight").isNumber())
        lm.maxInFlight = int(settings.value(u"max_in_flight").toInt());
    return lm;
}

Object lmConfigSettings(const LMConfig& lm)
{
    Object o;
    o.insert(QStringLiteral("model"), Value(lm.model));
    if (!lm.apiBase.isEmpty())
        o.insert(QStringLiteral("api_base"), Value(lm.apiBase));
    if (!lm.apiKeyEnv.isEmpty())
        o.insert(QStringLiteral("api_key_env"), Value(lm.apiKeyEnv));
    if (lm.temperature)
        o.insert(QStringLiteral("temperature"), Value(*lm.temperature));
    if (lm.maxTokens)
        o.insert(QStringLiteral("max_tokens"), Value(*lm.maxTokens));
    if (lm.maxInFlight > 0)
        o.insert(QStringLiteral("max_in_flight"), Value(lm.maxInFlight));
    return o;
}

Object lmKwargs(const LMConfig& config)
{
    Object kw;
    kw.insert(QStringLiteral("temperature"),
              config.temperature ? Value(*config.temperature) : Value());
    kw.insert(QStringLiteral("max_tokens"), config.maxTokens ? Value(*config.maxTokens) : Value());
    for (const auto& [k, v] : config.extraKwargs)
        kw.insert(k, v);
    // DSPy drops a None rollout_id from lm.kwargs (it would change every cache key otherwise).
    if (kw.contains(u"rollout_id") && kw.value(u"rollout_id").isNull())
        kw.remove(u"rollout_id");
    return kw;
}

LMPtr makeProviderLM(const LMConfig& config, QString* error, const SecretStore* store,
                     HttpPool* pool)
{
    QString why;
    auto fail = [&](const QString& message) -> LMPtr {
        if (error)
            *error = message;
        return nullptr;
    };
    const std::optional<ProviderInfo> info = providerInfo(config.model, &why);
    if (!info)
        return fail(why);

    if (info->simulated && config.apiBase.isEmpty()) {
        // No server named: the simulator runs in-process.
        auto sim = std::make_shared<SimulatedLM>(wireModelName(config.model));
        sim->setKwargs(lmKwargs(config));
        return sim;
    }

    const QString apiBase = config.apiBase.isEmpty() ? info->defaultApiBase : config.apiBase;
    if (apiBase.isEmpty())
        return fail(QStringLiteral("Model '%1' needs an api_base (the %2 server's URL, e.g. "
                                   "http://localhost:8000/v1).")
                        .arg(config.model, info->provider));
    const QUrl url(apiBase);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https"))
        return fail(QStringLiteral("api_base '%1' is not an http(s) URL.").arg(apiBase));

    EnvSecretStore env;
    const SecretStore& secrets = store ? *store : env;
    const QString keyName = config.apiKeyEnv.isEmpty() ? info->defaultKeyEnv : config.apiKeyEnv;
    const QString key = keyName.isEmpty() ? QString() : secrets.get(keyName).value_or(QString());
    // A hosted provider at its own address always wants a key; the same id pointed at a local
    // server (api_base set) may not.
    const bool hosted = config.apiBase.isEmpty() && !info->defaultKeyEnv.isEmpty() &&
                        !info->defaultApiBase.startsWith(QLatin1String("http://localhost"));
    if (key.isEmpty() && hosted)
        return fail(QStringLiteral("No API key for '%1': set the environment variable %2 (or "
                                   "store the key under that name).")
                        .arg(config.model, keyName));

    HttpLMOptions o;
    o.model = config.model;
    o.provider = info->provider;
    o.apiBase = apiBase;
    o.apiKey = key;
    o.kwargs = lmKwargs(config);
    o.retry.maxRetries = std::max(0, config.numRetries);
    o.timeoutMs = config.timeoutMs;
    o.pool = pool;
    o.endpointKey = apiBase;
    if (config.maxInFlight > 0 || config.requestsPerMinute > 0 || config.tokensPerMinute > 0) {
        HttpPool& p = pool ? *pool : HttpPool::shared();
        p.setEndpointLimit(o.endpointKey, config.maxInFlight, config.requestsPerMinute,
                           config.tokensPerMinute);
    }

    if (info->anthropic)
        return std::make_shared<AnthropicLM>(std::move(o));

    OpenAICompatibleLM::Options oo;
    static_cast<HttpLMOptions&>(oo) = std::move(o);
    oo.responseSchema = info->provider == u"openai" || info->simulated;
    auto created = OpenAICompatibleLM::create(std::move(oo));
    if (!created)
        return fail(created.error().message());
    return *created;
}

} // namespace dspy
