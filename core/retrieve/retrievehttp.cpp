#include "retrieve/retrievehttp.h"

#include "runtime/runcontext.h"

namespace dspy::retrievehttp {

namespace {

QString redact(QString text, const QString& secret)
{
    if (!secret.isEmpty())
        text.replace(secret, QStringLiteral("[REDACTED]"));
    return text;
}

} // namespace

QString bodySnippet(const QByteArray& body)
{
    QString s = QString::fromUtf8(body.left(600)).simplified();
    if (s.size() > 300)
        s = s.left(300) + QStringLiteral("...");
    return s;
}

Value exchange(const QString& who, HttpRequest request, const RunContext& ctx,
               const RetryPolicy& retry, const QString& secret)
{
    ctx.throwIfCancelled();
    request.cancel = ctx.cancellation;
    const QString url = request.url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    QFuture<HttpResponse> future = HttpPool::shared().send(std::move(request), retry);
    future.waitForFinished();
    const HttpResponse r = future.result();
    if (r.cancelled) {
        ctx.throwIfCancelled();
        throw RetrieverError(redact(QStringLiteral("%1: the request to %2 was cancelled").arg(who, url), secret));
    }
    if (r.timedOut)
        throw RetrieverError(redact(QStringLiteral("%1: no reply from %2 in time (timeout)").arg(who, url), secret));
    if (r.transportError || r.status == 0) {
        throw RetrieverError(redact(
            QStringLiteral("%1: cannot reach %2: %3").arg(who, url, r.errorString), secret));
    }
    if (!r.ok()) {
        throw RetrieverError(redact(QStringLiteral("%1: %2 answered HTTP %3: %4")
                                        .arg(who, url)
                                        .arg(r.status)
                                        .arg(bodySnippet(r.body)),
                                    secret));
    }
    QString error;
    qsizetype offset = -1;
    const std::optional<Value> v = Value::fromJson(QString::fromUtf8(r.body), &error, &offset);
    if (!v) {
        throw RetrieverError(redact(QStringLiteral("%1: the reply of %2 is not JSON (%3 at offset "
                                                   "%4): %5")
                                        .arg(who, url, error)
                                        .arg(offset)
                                        .arg(bodySnippet(r.body)),
                                    secret));
    }
    return *v;
}

} // namespace dspy::retrievehttp
