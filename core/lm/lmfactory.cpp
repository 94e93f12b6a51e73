#include "lm/lmfactory.h"

namespace dspy {

Expected<std::shared_ptr<ManagedLM>, LMError> makeLM(const LMConfig& config,
                                                     LMFactoryOptions options)
{
    QString error;
    LMPtr inner = makeProviderLM(config, &error, options.secrets, options.pool);
    if (!inner) {
        LMError e(LMError::Kind::Configuration, error);
        e.model = config.model;
        return unexpected(std::move(e));
    }
    ManagedLMOptions managed = std::move(options.managed);
    managed.cache = config.cache;
    // The transport's kwargs are lm.kwargs after its own rules (a reasoning model's
    // max_completion_tokens), so history and the cache key see what is sent.
    Object kwargs = inner->kwargs();
    return std::make_shared<ManagedLM>(std::move(inner), std::move(kwargs), std::move(managed));
}

} // namespace dspy
