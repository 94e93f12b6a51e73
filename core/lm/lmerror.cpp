#include "lm/lmerror.h"

namespace dspy {

LMError::LMError(Kind kind, const QString& message, int status)
    : std::runtime_error(message.toStdString())
    , m_kind(kind)
    , m_message(message)
    , m_status(status)
{}

bool LMError::isRetryable() const
{
    // DSPy's is_retryable_lm_error: rate limit, timeout, server and transport failures.
    switch (m_kind) {
    case Kind::RateLimit:
    case Kind::Timeout:
    case Kind::Server:
    case Kind::Transport:
        return true;
    default:
        return false;
    }
}

QString LMError::kindName(Kind k)
{
    switch (k) {
    case Kind::Transport:
        return QStringLiteral("LMTransportError");
    case Kind::Configuration:
        return QStringLiteral("LMConfigurationError");
    case Kind::NotConfigured:
        return QStringLiteral("LMNotConfiguredError");
    case Kind::UnsupportedFeature:
        return QStringLiteral("LMUnsupportedFeatureError");
    case Kind::Unexpected:
        return QStringLiteral("LMUnexpectedError");
    case Kind::Auth:
        return QStringLiteral("LMAuthError");
    case Kind::Billing:
        return QStringLiteral("LMBillingError");
    case Kind::RateLimit:
        return QStringLiteral("LMRateLimitError");
    case Kind::InvalidRequest:
        return QStringLiteral("LMInvalidRequestError");
    case Kind::ContextWindowExceeded:
        return QStringLiteral("ContextWindowExceededError");
    case Kind::UnsupportedModel:
        return QStringLiteral("LMUnsupportedModelError");
    case Kind::Timeout:
        return QStringLiteral("LMTimeoutError");
    case Kind::Server:
        return QStringLiteral("LMServerError");
    case Kind::Cancelled:
        // DSPy has no cancellation error; ours is named in the same style.
        return QStringLiteral("LMCancelledError");
    }
    return QStringLiteral("LMError");
}

} // namespace dspy
