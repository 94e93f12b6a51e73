#include "retrieve/weaviateretriever.h"

#include "lm/httplmoptions.h"
#include "retrieve/retrievehttp.h"
#include "runtime/runcontext.h"

#include <QRegularExpression>

namespace dspy {

namespace {

bool isGraphqlName(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^[_A-Za-z][_0-9A-Za-z]*$"));
    return re.match(s).hasMatch();
}

// A GraphQL string literal: JSON's string syntax is GraphQL's.
QString literal(const QString& s)
{
    return Value(s).toJson();
}

double number(const Value& v, bool* ok)
{
    *ok = true;
    if (v.isNumber())
        return v.toDouble();
    if (v.isString())
        return v.toString().toDouble(ok);
    *ok = false;
    return 0.0;
}

} // namespace

WeaviateRetriever::WeaviateRetriever(Options options)
    : m_opts(std::move(options))
{
    if (!isGraphqlName(m_opts.collection)) {
        throw RetrieverError(QStringLiteral("WeaviateRetriever: the collection '%1' is not a "
                                            "GraphQL name ([_A-Za-z][_0-9A-Za-z]*)")
                                 .arg(m_opts.collection));
    }
    for (const QString& p : QStringList{m_opts.textKey} + m_opts.properties) {
        if (!isGraphqlName(p) || p == u"_additional") {
            throw RetrieverError(
                QStringLiteral("WeaviateRetriever: the property '%1' is not a GraphQL name").arg(p));
        }
    }
    if (m_opts.alpha && !(*m_opts.alpha >= 0.0 && *m_opts.alpha <= 1.0)) {
        throw RetrieverError(
            QStringLiteral("WeaviateRetriever: alpha must be in [0, 1], got %1").arg(*m_opts.alpha));
    }
    QString base = m_opts.url;
    while (base.endsWith(u'/'))
        base.chop(1);
    m_endpoint = QUrl(base + QStringLiteral("/v1/graphql"));
    if (!m_endpoint.isValid() || (m_endpoint.scheme() != u"http" && m_endpoint.scheme() != u"https"))
        throw RetrieverError(
            QStringLiteral("WeaviateRetriever: the url '%1' is not an http(s) URL").arg(m_opts.url));
}

QString WeaviateRetriever::modeName(Mode mode)
{
    switch (mode) {
    case Mode::BM25:
        return QStringLiteral("bm25");
    case Mode::NearText:
        return QStringLiteral("nearText");
    case Mode::Hybrid:
        break;
    }
    return QStringLiteral("hybrid");
}

QString WeaviateRetriever::name() const
{
    return QStringLiteral("WeaviateRetriever(%1, %2, %3)")
        .arg(m_endpoint.toString(QUrl::RemoveUserInfo), m_opts.collection, modeName(m_opts.mode));
}

QString WeaviateRetriever::graphqlQuery(const QString& query, int k) const
{
    QString op;
    switch (m_opts.mode) {
    case Mode::BM25:
        op = QStringLiteral("bm25: {query: %1}").arg(literal(query));
        break;
    case Mode::NearText:
        op = QStringLiteral("nearText: {concepts: [%1]}").arg(literal(query));
        break;
    case Mode::Hybrid:
        op = m_opts.alpha ? QStringLiteral("hybrid: {query: %1, alpha: %2}")
                                .arg(literal(query), pythonFloatRepr(*m_opts.alpha))
                          : QStringLiteral("hybrid: {query: %1}").arg(literal(query));
        break;
    }
    QString args = op + QStringLiteral(", limit: %1").arg(k);
    if (!m_opts.tenant.isEmpty())
        args += QStringLiteral(", tenant: %1").arg(literal(m_opts.tenant));
    return QStringLiteral("{ Get { %1(%2) { %3 _additional { id score distance } } } }")
        .arg(m_opts.collection, args,
             (QStringList{m_opts.textKey} + m_opts.properties).join(u' '));
}

QList<Passage> WeaviateRetriever::search(const QString& query, int k, const RunContext& ctx)
{
    const QString who = name();
    if (k < 1)
        throw RetrieverError(QStringLiteral("%1: k must be >= 1, got %2").arg(who).arg(k));
    HttpRequest request;
    request.url = m_endpoint;
    request.timeoutMs = m_opts.timeoutMs;
    request.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    request.headers.append({QByteArrayLiteral("User-Agent"), httpUserAgent()});
    if (!m_opts.apiKey.isEmpty())
        request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + m_opts.apiKey.toUtf8()});
    request.body =
        Value(Object{{QStringLiteral("query"), Value(graphqlQuery(query, k))}}).toJson().toUtf8();
    const Value reply = retrievehttp::exchange(who, std::move(request), ctx, m_opts.retry, m_opts.apiKey);

    const Object& body = reply.toObject();
    const Array& errors = body.value(u"errors").toArray();
    if (!errors.isEmpty()) {
        QStringList messages;
        for (const Value& e : errors)
            messages.append(e.isObject() ? e.toObject().value(u"message").toString() : e.toJson());
        QString text = messages.join(QStringLiteral("; "));
        if (!m_opts.apiKey.isEmpty())
            text.replace(m_opts.apiKey, QStringLiteral("[REDACTED]"));
        throw RetrieverError(QStringLiteral("%1: Weaviate reported: %2").arg(who, text));
    }
    const Value& objects =
        body.value(u"data").toObject().value(u"Get").toObject().value(m_opts.collection);
    if (!objects.isArray()) {
        throw RetrieverError(QStringLiteral("%1: the reply has no data.Get.%2 list: %3")
                                 .arg(who, m_opts.collection,
                                      retrievehttp::bodySnippet(reply.toJson().toUtf8())));
    }
    QList<Passage> out;
    const Array& items = objects.toArray();
    for (qsizetype i = 0; i < items.size() && out.size() < k; ++i) {
        const Object& item = items.at(i).toObject();
        const Value& text = item.value(m_opts.textKey);
        if (!items.at(i).isObject() || !text.isString()) {
            throw RetrieverError(QStringLiteral("%1: object %2 has no string property \"%3\"")
                                     .arg(who)
                                     .arg(i)
                                     .arg(m_opts.textKey));
        }
        const Object& extra = item.value(u"_additional").toObject();
        Passage p;
        p.id = extra.value(u"id").toString();
        p.text = text.toString();
        bool hasScore = false;
        const double score = number(extra.value(u"score"), &hasScore);
        bool hasDistance = false;
        const double distance = number(extra.value(u"distance"), &hasDistance);
        p.score = hasScore ? score : hasDistance ? 1.0 - distance : 0.0;
        for (const QString& prop : m_opts.properties)
            if (item.contains(prop))
                p.metadata.insert(prop, item.value(prop));
        if (hasDistance)
            p.metadata.insert(QStringLiteral("distance"), distance);
        out.append(std::move(p));
    }
    return out;
}

} // namespace dspy
