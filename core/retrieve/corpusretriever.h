#pragma once

// CorpusRetriever — an FTS5Retriever over a corpus file that is indexed when it is first needed:
// the first search() (on the worker thread of a run, never the GUI thread) reads the corpus and
// builds the BM25 index at `indexPath`; later searches, from any thread, go to that index. A
// corpus that cannot be read or indexed makes search() throw RetrieverError naming the file; the
// next search tries again (the file may have been fixed). prepare() does the work up front for
// callers that want errors before a run starts (dspy-run).

#include "retrieve/fts5retriever.h"

#include <QMutex>

namespace dspy {

class CorpusRetriever final : public Retriever
{
public:
    CorpusRetriever(QString corpusPath, QString indexPath);

    // Reads and indexes the corpus unless that is done; the error names the file and line.
    Expected<void, QString> prepare();
    bool isPrepared() const;

    QList<Passage> search(const QString& query, int k, const RunContext& ctx) override;
    QString name() const override; // "CorpusRetriever(<corpus path>)"
    const QString& corpusPath() const { return m_corpus; }

private:
    QString m_corpus;
    QString m_indexPath;
    mutable QMutex m_mutex;
    std::shared_ptr<FTS5Retriever> m_index;
};

} // namespace dspy
