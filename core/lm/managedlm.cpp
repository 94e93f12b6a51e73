#include "lm/managedlm.h"

#include "cache/cachekey.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QUuid>

#include <chrono>
#include <cstdio>
#include <limits>

namespace dspy {

namespace {

// Credentials and endpoints stay out of history and callback inputs (DSPy drops api_* keys).
Object withoutSecrets(const Object& kwargs)
{
    Object out;
    for (const auto& [key, value] : kwargs) {
        if (key.startsWith(QLatin1String("api_")) || key == u"base_url")
            continue;
        out.insert(key, value);
    }
    return out;
}

// str(uuid.uuid4()) for a history entry. QUuid::createUuid() reads the system generator, one
// getrandom() syscall per call; a per-thread generator seeded from it once gives the same
// version-4 layout without a syscall on the hot path (history ids need not be cryptographic).
QString historyUuid()
{
    thread_local QRandomGenerator64 generator(QRandomGenerator::system()->generate64());
    quint64 hi = generator.generate64();
    quint64 lo = generator.generate64();
    hi = (hi & ~0xF000ull) | 0x4000ull;                        // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull; // RFC 4122 variant
    const QUuid uuid(uint(hi >> 32), ushort(hi >> 16), ushort(hi), uchar(lo >> 56), uchar(lo >> 48),
                     uchar(lo >> 40), uchar(lo >> 32), uchar(lo >> 24), uchar(lo >> 16),
                     uchar(lo >> 8), uchar(lo));
    return uuid.toString(QUuid::WithoutBraces);
}

// isoTimestampNow()'s text (local time, microseconds when non-zero), without its per-call local
// time conversion: glibc re-stats /etc/localtime on every localtime call, which perf showed as a
// third of a cached Predict call. The UTC offset is looked up once per minute per thread (zone
// transitions fall on whole minutes).
QString historyTimestampNow()
{
    using namespace std::chrono;
    const qint64 us = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    const qint64 secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    const qint64 frac = us - secs * 1000000;
    const qint64 minute = secs >= 0 ? secs / 60 : (secs - 59) / 60;
    thread_local qint64 cachedMinute = std::numeric_limits<qint64>::min();
    thread_local int offset = 0;
    if (minute != cachedMinute) {
        offset = QDateTime::fromSecsSinceEpoch(minute * 60).offsetFromUtc();
        cachedMinute = minute;
    }
    const qint64 local = secs + offset;
    qint64 days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    const qint64 daySecs = local - days * 86400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const qint64 doe = days - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buf[48];
    int n =
        std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)year, month,
                      day, int(daySecs / 3600), int(daySecs / 60 % 60), int(daySecs % 60));
    if (frac != 0)
        n += std::snprintf(buf + n, sizeof buf - size_t(n), ".%06d", int(frac));
    return QString::fromLatin1(buf, n);
}

QString exceptionText(std::exception_ptr e)
{
    try {
        std::rethrow_exception(e);
    } catch (const LMError& err) {
        return LMError::kindName(err.kind()) + QStringLiteral(": ") + err.message();
    } catch (const std::exception& err) {
        return QString::fromUtf8(err.what());
    } catch (...) {
        return QStringLiteral("unknown exception");
    }
}

// The LM hook's scope: CallbackScope's start, and an end that also carries the call's metadata
// (model, usage, cost, cache hit) in CallEnd::metadata, which the trace recorder stores.
class LmHookScope
{
public:
    explicit LmHookScope(QList<CallbackPtr> active)
        : m_active(active)
        , m_scope(CallbackHook::LM, std::move(active))
    {}
    bool isActive() const { return !m_active.isEmpty(); }
    void start(const QString& instance, const Object& inputs, const QString& parentCallId)
    {
        m_scope.start(instance, inputs, parentCallId);
    }
    void end(const Value& outputs, const QString& error, Object metadata)
    {
        if (m_active.isEmpty())
            return;
        fireEnd(m_active, CallbackHook::LM,
                CallEnd{m_scope.callId(), error.isEmpty() ? outputs : Value(), error,
                        std::move(metadata)});
    }

private:
    QList<CallbackPtr> m_active;
    CallbackScope m_scope;
};

Object lmCallMetadata(const QString& model, const LMResponse* response)
{
    Object meta{{QStringLiteral("model"),
                 Value(response && !response->model.isEmpty() ? response->model : model)}};
    if (!response)
        return meta;
    meta.insert(QStringLiteral("usage"),
                Value(Object{{QStringLiteral("prompt_tokens"), Value(response->usage.promptTokens)},
                             {QStringLiteral("completion_tokens"),
                              Value(response->usage.completionTokens)}}));
    if (response->cost)
        meta.insert(QStringLiteral("cost"), Value(*response->cost));
    meta.insert(QStringLiteral("cache_hit"), Value(response->cacheHit));
    return meta;
}

} // namespace

struct ManagedLM::Shared
{
    QString model;
    ManagedLMOptions options;
    std::shared_ptr<LMCache> cache;
    std::weak_ptr<History> history;

    // History, usage and cost for a finished call; returns the response with its cost set.
    void record(const LMRequest& request, LMResponse& response) const
    {
        if (!response.cacheHit && options.prices) {
            response.cost = options.prices->cost(model, response.usage);
            if (!response.cost && !response.model.isEmpty())
                response.cost = options.prices->cost(response.model, response.usage);
        }
        if (!response.cacheHit && options.usage)
            options.usage->add(response.model.isEmpty() ? model : response.model, response.usage,
                               response.cost);
        if (options.disableHistory)
            return;
        auto shared = std::make_shared<HistoryEntry>();
        HistoryEntry& entry = *shared;
        entry.messages = request.messages;
        entry.kwargs = withoutSecrets(request.kwargs);
        entry.outputs = response.outputs;
        entry.usage = response.usage;
        entry.cost = response.cost;
        entry.timestamp = historyTimestampNow();
        entry.uuid = historyUuid();
        entry.model = model;
        entry.responseModel = response.model;
        entry.modelType = options.modelType;
        entry.cacheHit = response.cacheHit;
        History& global = options.globalHistory ? *options.globalHistory : History::global();
        global.append(shared);
        if (std::shared_ptr<History> own = history.lock())
            own->append(std::move(shared));
    }
};

ManagedLM::ManagedLM(LMPtr inner, Object kwargs, ManagedLMOptions options)
    : m_inner(std::move(inner))
    , m_kwargs(std::move(kwargs))
    , m_options(std::move(options))
    , d(std::make_shared<Shared>())
    , m_history(std::make_shared<History>(m_options.maxHistory))
{
    // dspy.LM drops a None rollout_id from its kwargs.
    if (m_kwargs.contains(u"rollout_id") && m_kwargs.value(u"rollout_id").isNull())
        m_kwargs.remove(u"rollout_id");
    d->model = m_inner ? m_inner->model() : QString();
    d->options = m_options;
    d->cache = m_options.cacheStore;
    d->history = m_history;
}

std::shared_ptr<ManagedLM> ManagedLM::create(LMPtr inner, Value temperature, Value maxTokens,
                                             Object extra, ManagedLMOptions options)
{
    Object kwargs{{QStringLiteral("temperature"), std::move(temperature)},
                  {QStringLiteral("max_tokens"), std::move(maxTokens)}};
    for (const auto& [key, value] : extra)
        kwargs.insert(key, value);
    return std::make_shared<ManagedLM>(std::move(inner), std::move(kwargs), std::move(options));
}

QString ManagedLM::model() const
{
    return d->model;
}

Object ManagedLM::kwargs() const
{
    return m_kwargs;
}

bool ManagedLM::supportsResponseFormat() const
{
    return m_inner && m_inner->supportsResponseFormat();
}

bool ManagedLM::supportsResponseSchema() const
{
    return m_inner && m_inner->supportsResponseSchema();
}

QFuture<LMResponse> ManagedLM::call(const LMRequest& request)
{
    // {**self.kwargs, **call_kwargs}; cache = kwargs.pop("cache", self.cache).
    LMRequest req;
    req.model = request.model.isEmpty() ? d->model : request.model;
    req.messages = request.messages;
    req.parentCallId = request.parentCallId;
    req.kwargs = m_kwargs;
    for (const auto& [key, value] : request.kwargs)
        req.kwargs.insert(key, value);
    bool useCache = m_options.cache && request.cache;
    if (req.kwargs.contains(u"cache")) {
        useCache = useCache && req.kwargs.value(u"cache").truthy();
        req.kwargs.remove(u"cache");
    }
    if (req.kwargs.contains(u"rollout_id") && req.kwargs.value(u"rollout_id").isNull())
        req.kwargs.remove(u"rollout_id");

    auto scope =
        std::make_shared<LmHookScope>(CallbackRegistry::active({m_options.callbacks.get()}));
    if (scope->isActive()) {
        // BaseLM.__call__(prompt=None, messages=..., **kwargs) bound as DSPy binds it.
        Object inputs{{QStringLiteral("prompt"), Value()},
                      {QStringLiteral("messages"), Value(messagesToValue(request.messages))},
                      {QStringLiteral("kwargs"), Value(withoutSecrets(request.kwargs))}};
        scope->start(QStringLiteral("ManagedLM(%1)").arg(d->model), inputs, request.parentCallId);
    }

    std::shared_ptr<LMCache> cache;
    QByteArray key;
    if (useCache) {
        cache = d->cache ? d->cache : LMCache::global();
        key = cacheKey(req, m_options.fnIdentifier.isEmpty() ? kChatCompletionFnIdentifier
                                                             : QStringView(m_options.fnIdentifier));
        if (std::optional<LMResponse> hit = cache->lookup(key)) {
            d->record(request, *hit);
            if (scope->isActive())
                scope->end(Value(outputsToValue(hit->outputs)), {},
                           lmCallMetadata(d->model, &*hit));
            return QtFuture::makeReadyFuture(std::move(*hit));
        }
    }

    if (!m_inner) {
        auto error = std::make_shared<LMError>(LMError::Kind::NotConfigured,
                                               QStringLiteral("ManagedLM has no inner LM."));
        if (scope->isActive())
            scope->end(Value(),
                       LMError::kindName(error->kind()) + QStringLiteral(": ") + error->message(),
                       lmCallMetadata(d->model, nullptr));
        LMResponse r;
        r.model = d->model;
        r.error = std::move(error);
        return QtFuture::makeReadyFuture(std::move(r));
    }

    // rollout_id belongs to the key, never to the provider request.
    LMRequest wire = req;
    wire.kwargs.remove(u"rollout_id");
    std::shared_ptr<const Shared> shared = d;
    return m_inner->call(wire).then(
        QtFuture::Launch::Sync,
        [shared, scope, cache, key, request,
         model = d->model](QFuture<LMResponse> f) -> LMResponse {
            try {
                f.waitForFinished();
            } catch (...) {
                if (scope->isActive())
                    scope->end(Value(), exceptionText(std::current_exception()),
                               lmCallMetadata(model, nullptr));
                throw;
            }
            if (f.isCanceled() || f.resultCount() == 0) {
                if (scope->isActive())
                    scope->end(Value(), QStringLiteral("LMCancelledError: cancelled"),
                               lmCallMetadata(model, nullptr));
                throw LMError(LMError::Kind::Cancelled,
                              QStringLiteral("The LM call was cancelled."));
            }
            LMResponse response = f.result();
            response.cacheHit = false;
            if (response.error) {
                // DSPy raises before recording: a failed call leaves no history and no cache.
                if (scope->isActive())
                    scope->end(Value(),
                               LMError::kindName(response.error->kind()) + QStringLiteral(": ") +
                                   response.error->message(),
                               lmCallMetadata(model, &response));
                return response;
            }
            if (cache)
                cache->store(key, response);
            shared->record(request, response);
            if (scope->isActive())
                scope->end(Value(outputsToValue(response.outputs)), {},
                           lmCallMetadata(model, &response));
            return response;
        });
}

std::shared_ptr<ManagedLM> ManagedLM::copy(const Object& overrides) const
{
    ManagedLMOptions options = m_options;
    if (m_options.callbacks) {
        options.callbacks = std::make_shared<CallbackRegistry>();
        for (const CallbackPtr& cb : m_options.callbacks->callbacks())
            options.callbacks->add(cb);
    }
    Object kwargs = m_kwargs;
    for (const auto& [key, value] : overrides) {
        if (key == u"cache") {
            options.cache = value.truthy();
            continue;
        }
        if (value.isNull())
            kwargs.remove(key);
        else
            kwargs.insert(key, value);
    }
    return std::make_shared<ManagedLM>(m_inner, std::move(kwargs), std::move(options));
}

QString ManagedLM::inspectHistory(qsizetype n, bool colors) const
{
    return dspy::inspectHistory(m_history->snapshot(), n, colors);
}

} // namespace dspy
