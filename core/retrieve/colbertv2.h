#pragma once

// ColBERTv2 — DSPy's dspy.ColBERTv2(url, port=None, post_requests=False) client (dspy.md §3.8):
// GET url?query=...&k=... (k <= 100, as DSPy asserts for the hosted server) or, with
// postRequests, POST url {"query": ..., "k": ...}; the reply is {"topk": [{"text": ..., "pid": ...,
// "score": ..., ...}, ...]} and the first k entries become passages (id: pid, text: text, score:
// score, metadata: the other keys such as rank and prob). Like DSPy's requests calls: a 10 s
// timeout and no retries (setRetry to change). Not cached (DSPy caches through its request cache).
// The HTTP goes through HttpPool's network threads; search() waits on the calling worker thread.

#include "lm/httppool.h"
#include "retrieve/retriever.h"

#include <QUrl>

#include <optional>

namespace dspy {

class ColBERTv2 final : public Retriever
{
public:
    // url as DSPy takes it ("http://host:port/api/search", or "http://host" with port given):
    // DSPy's f"{url}:{port}" when port is set.
    explicit ColBERTv2(const QString& url = QStringLiteral("http://0.0.0.0"),
                       std::optional<int> port = std::nullopt, bool postRequests = false);

    QList<Passage> search(const QString& query, int k, const RunContext& ctx) override;
    QString name() const override;

    const QUrl& url() const { return m_url; }
    bool postRequests() const { return m_post; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    void setRetry(RetryPolicy retry) { m_retry = retry; }

private:
    QUrl m_url;
    bool m_post = false;
    int m_timeoutMs = 10000;
    RetryPolicy m_retry{0};
};

} // namespace dspy
