#include "retrieve/corpusretriever.h"

#include <QFile>

namespace dspy {

CorpusRetriever::CorpusRetriever(QString corpusPath, QString indexPath)
    : m_corpus(std::move(corpusPath))
    , m_indexPath(std::move(indexPath))
{}

Expected<void, QString> CorpusRetriever::prepare()
{
    QMutexLocker lock(&m_mutex);
    if (m_index)
        return {};
    auto docs = FTS5Retriever::readCorpus(m_corpus);
    if (!docs)
        return unexpected(docs.error());
    QFile::remove(m_indexPath);
    if (auto built = FTS5Retriever::build(*docs, m_indexPath); !built)
        return unexpected(built.error());
    auto opened = FTS5Retriever::open(m_indexPath);
    if (!opened)
        return unexpected(opened.error());
    m_index = std::move(opened.value());
    return {};
}

bool CorpusRetriever::isPrepared() const
{
    QMutexLocker lock(&m_mutex);
    return m_index != nullptr;
}

QList<Passage> CorpusRetriever::search(const QString& query, int k, const RunContext& ctx)
{
    std::shared_ptr<FTS5Retriever> index;
    {
        QMutexLocker lock(&m_mutex);
        index = m_index;
    }
    if (!index) {
        if (auto ok = prepare(); !ok)
            throw RetrieverError(QStringLiteral("%1: %2").arg(name(), ok.error()));
        QMutexLocker lock(&m_mutex);
        index = m_index;
    }
    return index->search(query, k, ctx);
}

QString CorpusRetriever::name() const
{
    return QStringLiteral("CorpusRetriever(%1)").arg(m_corpus);
}

} // namespace dspy
