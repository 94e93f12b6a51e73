#include "lm/httplmoptions.h"

#include <QThreadPool>

namespace dspy {

namespace {

bool mentionsContextWindow(const QString& text)
{
    return text.contains(QLatin1String("context_length_exceeded"), Qt::CaseInsensitive) ||
           text.contains(QLatin1String("maximum context length"), Qt::CaseInsensitive) ||
           text.contains(QLatin1String("context window"), Qt::CaseInsensitive) ||
           text.contains(QLatin1String("prompt is too long"), Qt::CaseInsensitive);
}

LMError::Kind kindForStatus(int status, const QString& providerText)
{
    if (status == 401 || status == 403)
        return LMError::Kind::Auth;
    if (status == 402)
        return LMError::Kind::Billing;
    if (status == 429)
        return LMError::Kind::RateLimit;
    if (status == 404)
        return LMError::Kind::UnsupportedModel;
    if (status == 408)
        return LMError::Kind::Timeout;
    if ((status == 400 || status == 413) && mentionsContextWindow(providerText))
        return LMError::Kind::ContextWindowExceeded;
    if (status >= 400 && status < 500)
        return LMError::Kind::InvalidRequest;
    if (status >= 500)
        return LMError::Kind::Server;
    return LMError::Kind::Unexpected;
}

QString host(const HttpLMOptions& o)
{
    return QUrl(o.apiBase).host();
}

} // namespace

QByteArray httpUserAgent()
{
    return QByteArrayLiteral("DSPy-Workbench/" DSPY_VERSION);
}

QString wireModelName(const QString& modelId)
{
    const qsizetype slash = modelId.indexOf(u'/');
    return slash < 0 ? modelId : modelId.mid(slash + 1);
}

QString redactSecret(QString text, const QString& secret)
{
    if (!secret.isEmpty())
        text.replace(secret, QStringLiteral("[REDACTED]"));
    return text;
}

std::shared_ptr<LMError> httpLMError(const HttpResponse& r, const HttpLMOptions& o)
{
    std::shared_ptr<LMError> e;
    if (r.cancelled) {
        e = std::make_shared<LMError>(LMError::Kind::Cancelled,
                                      QStringLiteral("The LM call was cancelled."));
    } else if (r.timedOut) {
        e = std::make_shared<LMError>(
            LMError::Kind::Timeout,
            QStringLiteral("%1: no response from %2 within %3 ms (after %4 attempt(s)).")
                .arg(o.model, host(o))
                .arg(o.timeoutMs)
                .arg(r.attempts));
    } else if (r.transportError || r.status == 0) {
        e = std::make_shared<LMError>(
            LMError::Kind::Transport,
            redactSecret(QStringLiteral("%1: could not reach %2: %3 (after %4 attempt(s)).")
                             .arg(o.model, host(o), r.errorString)
                             .arg(r.attempts),
                         o.apiKey));
    } else {
        // OpenAI: {"error": {"message", "type", "code"}}; Anthropic: {"type": "error",
        // "error": {"type", "message"}}; anything else: the body text itself.
        QString providerMessage;
        QString providerCode;
        const QString bodyText = QString::fromUtf8(r.body);
        if (auto v = Value::fromJson(bodyText); v && v->isObject()) {
            const Value& err = v->toObject().value(u"error");
            if (err.isObject()) {
                const Object& eo = err.toObject();
                providerMessage = eo.value(u"message").toString();
                const Value& code = eo.value(u"code");
                providerCode = code.isString()   ? code.toString()
                               : code.isNumber() ? code.toJson()
                                                 : eo.value(u"type").toString();
            } else if (err.isString()) {
                providerMessage = err.toString();
            } else {
                providerMessage = v->toObject().value(u"message").toString();
            }
        }
        if (providerMessage.isEmpty())
            providerMessage = bodyText.left(500).trimmed();
        const LMError::Kind kind = kindForStatus(r.status, providerMessage + u' ' + providerCode);
        QString message = QStringLiteral("%1: %2 returned HTTP %3")
                              .arg(o.model, o.provider.isEmpty() ? host(o) : o.provider)
                              .arg(r.status);
        if (!providerMessage.isEmpty())
            message += QStringLiteral(": ") + providerMessage;
        e = std::make_shared<LMError>(kind, redactSecret(message, o.apiKey), r.status);
        e->providerCode = redactSecret(providerCode, o.apiKey);
        const double retryAfter = HttpPool::parseRetryAfter(r.header("retry-after"));
        if (retryAfter >= 0)
            e->retryAfterSeconds = retryAfter;
    }
    e->model = o.model;
    e->provider = o.provider;
    QByteArray id = r.header("x-request-id");
    if (id.isEmpty())
        id = r.header("request-id");
    e->requestId = QString::fromLatin1(id);
    return e;
}

std::shared_ptr<LMError> malformedResponseError(const QString& detail, const HttpResponse& r,
                                                const HttpLMOptions& o)
{
    auto e = std::make_shared<LMError>(
        LMError::Kind::Unexpected,
        redactSecret(QStringLiteral("%1: could not read the response of %2: %3")
                         .arg(o.model, o.provider.isEmpty() ? host(o) : o.provider, detail),
                     o.apiKey),
        r.status);
    e->model = o.model;
    e->provider = o.provider;
    QByteArray id = r.header("x-request-id");
    if (id.isEmpty())
        id = r.header("request-id");
    e->requestId = QString::fromLatin1(id);
    return e;
}

QThreadPool* lmParsePool()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        p->setObjectName(QStringLiteral("dspy-lm-parse"));
        return p;
    }();
    return pool;
}

LMResponse errorResponse(std::shared_ptr<LMError> e, const QString& model)
{
    LMResponse r;
    r.model = model;
    r.requestId = e->requestId;
    r.error = std::move(e);
    return r;
}

ChatStream::~ChatStream() = default;

QFuture<LMResponse> sendChat(HttpRequest http, const LMRequest& request,
                             std::shared_ptr<const HttpLMOptions> options,
                             std::shared_ptr<ChatStream> stream, ChatReplyFormat format)
{
    auto promise = std::make_shared<QPromise<LMResponse>>();
    promise->start();
    QFuture<LMResponse> future = promise->future();
    http.timeoutMs = options->timeoutMs;
    http.endpointKey = options->endpointKey;
    http.cancel = request.cancel;
    http.cancelWith = QFuture<void>(future);
    if (stream)
        http.onChunk = [stream](QByteArrayView bytes) { stream->feed(bytes); };
    HttpPool& pool = options->pool ? *options->pool : HttpPool::shared();
    pool.send(std::move(http), options->retry)
        .then(QtFuture::Launch::Sync, [promise, stream, opts = std::move(options),
                                       format](const HttpResponse& http) {
            LMResponse r;
            if (!http.ok() || http.transportError || http.timedOut || http.cancelled) {
                r = errorResponse(httpLMError(http, *opts), opts->model);
            } else if (stream) {
                QString error;
                r = stream->finish(*opts, &error);
                if (!error.isEmpty())
                    r = errorResponse(malformedResponseError(error, http, *opts), opts->model);
            } else {
                QString error;
                auto v = Value::fromJson(QString::fromUtf8(http.body), &error);
                if (!v || !v->isObject() || !v->toObject().value(format.requiredArray).isArray())
                    r = errorResponse(
                        malformedResponseError(
                            v ? QStringLiteral("no %1 in the body").arg(format.requiredArray)
                              : error,
                            http, *opts),
                        opts->model);
                else
                    r = format.parse(*v, *opts);
            }
            promise->addResult(std::move(r));
            promise->finish();
        });
    return future;
}

} // namespace dspy
