#pragma once

// DSPy's LM error taxonomy (dspy.md §5.3). Thrown by blocking helpers on worker threads;
// carried as values inside LMResponse where an error is expected.

#include <QString>

#include <stdexcept>

namespace dspy {

class LMError : public std::runtime_error
{
public:
    enum class Kind {
        Transport,
        Configuration,
        NotConfigured,
        UnsupportedFeature,
        Unexpected,
        Auth,           // 401/403
        Billing,        // 402
        RateLimit,      // 429 (retryAfter)
        InvalidRequest, // other 4xx
        ContextWindowExceeded,
        UnsupportedModel, // 404
        Timeout,          // 408 / client timeout
        Server,           // 5xx
        Cancelled,
    };

    LMError(Kind kind, const QString& message, int status = 0);

    Kind kind() const { return m_kind; }
    QString message() const { return m_message; }
    int status() const { return m_status; }
    QString model;
    QString provider;
    QString providerCode;
    QString requestId;
    double retryAfterSeconds = -1;

    bool isRetryable() const;
    static QString kindName(Kind k); // "LMRateLimitError", ...

private:
    Kind m_kind;
    QString m_message;
    int m_status;
};

} // namespace dspy
