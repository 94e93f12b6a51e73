#pragma once

// EmbeddingsRetriever — DSPy's dspy.retrievers.Embeddings (dspy.md §3.8): the corpus embedded once
// by an Embedder, each query embedded by the same Embedder, passages ranked by inner product
// (cosine when normalize, the default: corpus and query vectors are scaled to unit length).
//
// Below bruteForceThreshold passages (DSPy's 20,000) the search is exact: one pass over a
// contiguous row-major float matrix keeping the best k in a heap. At or above it an hnswlib
// HierarchicalNSW graph (inner-product space) gives candidates (max(k, efSearch) of them, as
// DSPy's FAISS search does with 10·k) that are then re-scored exactly from the matrix, so scores
// are the same in both modes. Ties go to the earlier passage.
//
// save(dir) writes a folder: manifest.json (format "dspy-embeddings/1", counts, options, embedder
// name, SHA-256 of every other file), corpus.jsonl (one {"id", "text", ...metadata} per line),
// vectors.f32 (count × dimensions little-endian float32, as stored: normalised when normalize) and
// hnsw.bin (hnswlib's own format, only when the graph is used). load() checks the manifest, the
// sizes and the hashes before it reads anything else, so a truncated, edited or mismatched index
// is refused with an error that names the file, never half-loaded.
//
// search() is thread-safe (hnswlib's searchKnn is, once the graph is built) and blocks while the
// query is embedded. Passage metadata gets "index" (the 0-based corpus position, DSPy's indices).

#include "retrieve/embedder.h"
#include "retrieve/retriever.h"
#include "runtime/expected.h"

#include <memory>
#include <vector>

namespace dspy {

class EmbeddingsRetriever final : public Retriever
{
public:
    struct Document
    {
        QString id;
        QString text;
        Object metadata;
    };

    struct Options
    {
        int k = 5; // the default for forward(query); Retrieve(k) passes its own
        bool normalize = true;
        qsizetype bruteForceThreshold = 20000;
        // hnswlib's parameters: links per node, the build's and the search's beam width.
        int hnswM = 16;
        int efConstruction = 200;
        int efSearch = 100;
        int buildThreads = 0; // 0: QThread::idealThreadCount()
        quint64 seed = 100;
    };

    // Embeds the corpus (blocking) and builds the index. Ids must be unique; a passage without
    // an id gets its position.
    static Expected<std::shared_ptr<EmbeddingsRetriever>, QString>
    build(QList<Document> corpus, EmbedderPtr embedder, Options options);
    static Expected<std::shared_ptr<EmbeddingsRetriever>, QString> build(QList<Document> corpus,
                                                                         EmbedderPtr embedder)
    {
        return build(std::move(corpus), std::move(embedder), Options());
    }
    // Builds from vectors already computed (count × dimensions, row-major); embedder may be null
    // (then only searchVector() works).
    static Expected<std::shared_ptr<EmbeddingsRetriever>, QString>
    fromVectors(QList<Document> corpus, std::vector<float> vectors, int dimensions,
                EmbedderPtr embedder, Options options);

    // Writes the folder described above (created or replaced).
    Expected<void, QString> save(const QString& dir) const;
    // Reads a folder save() wrote. embedder must have the name the index was built with.
    static Expected<std::shared_ptr<EmbeddingsRetriever>, QString> load(const QString& dir,
                                                                        EmbedderPtr embedder);

    ~EmbeddingsRetriever() override;
    EmbeddingsRetriever(const EmbeddingsRetriever&) = delete;
    EmbeddingsRetriever& operator=(const EmbeddingsRetriever&) = delete;

    QList<Passage> search(const QString& query, int k, const RunContext& ctx) override;
    QList<Passage> forward(const QString& query, const RunContext& ctx)
    {
        return search(query, m_options.k, ctx);
    }
    QString name() const override;

    // The best k (index, score) pairs for a query vector (normalised here when normalize), best
    // first: exact below the threshold, the graph plus exact re-scoring above it.
    QList<std::pair<qsizetype, float>> nearest(const float* query, int k) const;
    // Always the exact scan.
    QList<std::pair<qsizetype, float>> nearestExact(const float* query, int k) const;
    QList<Passage> searchVector(const float* query, int k) const;

    qsizetype size() const { return m_corpus.size(); }
    int dimensions() const { return m_dimensions; }
    bool usesHnsw() const;
    const Options& options() const { return m_options; }
    // Changes the HNSW search beam (and the candidates re-scored). Not thread-safe: call it
    // before searches start, never while they run.
    void setEfSearch(int ef);
    const QList<Document>& corpus() const { return m_corpus; }

    struct Private;

private:
    EmbeddingsRetriever();
    QString buildIndex();

    QList<Document> m_corpus;
    std::vector<float> m_vectors;
    int m_dimensions = 0;
    EmbedderPtr m_embedder;
    Options m_options;
    std::unique_ptr<Private> d;
};

} // namespace dspy
