#include "retrieve/colbertv2.h"

#include "lm/httplmoptions.h"
#include "retrieve/retrievehttp.h"
#include "runtime/runcontext.h"

#include <QUrlQuery>

namespace dspy {

ColBERTv2::ColBERTv2(const QString& url, std::optional<int> port, bool postRequests)
    : m_url(port ? QStringLiteral("%1:%2").arg(url).arg(*port) : url)
    , m_post(postRequests)
{}

QString ColBERTv2::name() const
{
    return QStringLiteral("ColBERTv2(%1)").arg(m_url.toString());
}

QList<Passage> ColBERTv2::search(const QString& query, int k, const RunContext& ctx)
{
    const QString who = name();
    if (!m_url.isValid() || (m_url.scheme() != u"http" && m_url.scheme() != u"https")) {
        throw RetrieverError(
            QStringLiteral("%1: the url must be an http:// or https:// URL").arg(who));
    }
    if (k < 1)
        throw RetrieverError(QStringLiteral("%1: k must be >= 1, got %2").arg(who).arg(k));
    HttpRequest request;
    request.url = m_url;
    request.timeoutMs = m_timeoutMs;
    request.headers.append({QByteArrayLiteral("User-Agent"), httpUserAgent()});
    if (m_post) {
        request.method = "POST";
        request.headers.append(
            {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json; charset=utf-8")});
        request.body = Value(Object{{QStringLiteral("query"), Value(query)},
                                    {QStringLiteral("k"), Value(k)}})
                           .toJson()
                           .toUtf8();
    } else {
        if (k > 100) {
            throw RetrieverError(QStringLiteral("%1: Only k <= 100 is supported for the hosted "
                                                "ColBERTv2 server at the moment (k = %2).")
                                     .arg(who)
                                     .arg(k));
        }
        request.method = "GET";
        QUrlQuery params(m_url);
        params.addQueryItem(QStringLiteral("query"),
                            QString::fromLatin1(QUrl::toPercentEncoding(query)));
        params.addQueryItem(QStringLiteral("k"), QString::number(k));
        request.url.setQuery(params.query(QUrl::FullyEncoded), QUrl::StrictMode);
    }
    const Value reply = retrievehttp::exchange(who, std::move(request), ctx, m_retry);
    const Value& topk = reply.toObject().value(u"topk");
    if (!reply.isObject() || !topk.isArray()) {
        throw RetrieverError(QStringLiteral("%1: the reply has no \"topk\" list: %2")
                                 .arg(who, retrievehttp::bodySnippet(reply.toJson().toUtf8())));
    }
    QList<Passage> out;
    const Array& items = topk.toArray();
    for (qsizetype i = 0; i < items.size() && out.size() < k; ++i) {
        const Object& item = items.at(i).toObject();
        const Value& text = item.value(u"text");
        if (!items.at(i).isObject() || !text.isString()) {
            throw RetrieverError(
                QStringLiteral("%1: topk[%2] has no string \"text\"").arg(who).arg(i));
        }
        Passage p;
        p.text = text.toString();
        const Value& pid = item.value(u"pid");
        p.id = pid.isString() ? pid.toString()
               : pid.isNumber() ? QString::number(pid.toInt())
                                : QString::number(i);
        p.score = item.value(u"score").toDouble();
        for (const auto& [key, value] : item) {
            if (key != u"text" && key != u"pid" && key != u"score" && key != u"long_text")
                p.metadata.insert(key, value);
        }
        out.append(std::move(p));
    }
    return out;
}

} // namespace dspy
