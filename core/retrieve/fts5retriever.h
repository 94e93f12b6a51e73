#pragma once

// FTS5Retriever — the embedded default retriever: a BM25 index in one SQLite file (FTS5, the
// "porter unicode61" tokenizer, ranked by FTS5's bm25() with k1 = 1.2, b = 0.75), built from a
// corpus once (`dspy-run index build`) and then searched from any number of threads, each with its
// own read-only connection (the project's rule: one SQLite connection per thread).
//
// The corpus is a JSONL file, one passage per line: {"id": "p1", "text": "...", "title": "..."}
// ("text" required; "id" a string or integer, default the passage's 0-based position; "title"
// optional and searched with the text; other keys kept as metadata), or a folder whose *.txt,
// *.md, *.markdown, *.rst and *.text files (recursively, hidden ones skipped) are one passage each,
// with the relative path as id and the file's base name as title.
//
// Queries are plain text: every word becomes a quoted FTS5 string and the words are OR-ed, so
// punctuation, quotes and FTS5 operators in the query never raise a syntax error. Scores are
// -bm25() (higher is better).

#include "retrieve/retriever.h"
#include "runtime/expected.h"

namespace dspy {

class FTS5Retriever final : public Retriever
{
public:
    struct Document
    {
        QString id;
        QString title;
        QString text;
        Object metadata;
    };

    // A JSONL file or a folder of text files (see above); errors name the file and line.
    static Expected<QList<Document>, QString> readCorpus(const QString& path);
    // Writes a new index at indexPath (replacing one there) in a single transaction; returns the
    // number of passages. Ids must be unique.
    static Expected<qint64, QString> build(const QList<Document>& documents,
                                           const QString& indexPath);
    // Opens an index build() wrote; errors say what is wrong with the file.
    static Expected<std::shared_ptr<FTS5Retriever>, QString> open(const QString& indexPath);

    ~FTS5Retriever() override;
    FTS5Retriever(const FTS5Retriever&) = delete;
    FTS5Retriever& operator=(const FTS5Retriever&) = delete;

    QList<Passage> search(const QString& query, int k, const RunContext& ctx) override;
    QString name() const override;
    const QString& path() const { return m_path; }
    qint64 size() const { return m_size; }

    // The FTS5 MATCH expression for a plain-text query: "w1" OR "w2" ... (words deduplicated,
    // case-insensitively, at most 64; English stop words left out unless there is nothing else);
    // empty when the text has no word.
    static QString matchExpression(QStringView text);
    // bm25s's English stop words (DSPy's BM25 tokenizes with them); `folded` is case-folded.
    static bool isStopWord(QStringView folded);

private:
    FTS5Retriever(QString path, qint64 size);

    QString m_path;
    qint64 m_size = 0;
    quint64 m_id = 0;
};

} // namespace dspy
