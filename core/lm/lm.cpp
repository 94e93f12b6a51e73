#include "lm/lm.h"

#include "lm/httppool.h"

#include <QUnhandledException>

namespace dspy {

LM::~LM() = default;

LMResponse LM::callBlocking(const LMRequest& request)
{
    // HTTP requests of this call run on this thread while it waits (no network-thread hand-off).
    HttpBlockingScope scope;
    QFuture<LMResponse> future = call(request);
    scope.wait(QFuture<void>(future));
    try {
        future.waitForFinished();
    } catch (const QUnhandledException& e) {
        // QtConcurrent wraps foreign exceptions; the caller wants the original (an LMError).
        if (e.exception())
            std::rethrow_exception(e.exception());
        throw;
    }
    if (future.isCanceled() || future.resultCount() == 0)
        throw LMError(LMError::Kind::Cancelled, QStringLiteral("The LM call was cancelled."));
    LMResponse response = future.result();
    if (response.error)
        throw LMError(*response.error);
    return response;
}

} // namespace dspy
