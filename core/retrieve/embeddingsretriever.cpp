#include "retrieve/embeddingsretriever.h"

#include "runtime/runcontext.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSet>
#include <QThread>

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>

namespace dspy {

namespace {

const QString kFormat = QStringLiteral("dspy-embeddings/1");
const QString kManifest = QStringLiteral("manifest.json");
const QString kCorpus = QStringLiteral("corpus.jsonl");
const QString kVectors = QStringLiteral("vectors.f32");
const QString kHnsw = QStringLiteral("hnsw.bin");

float dot(const float* a, const float* b, int n)
{
    // Eight independent sums so the compiler can keep them in one vector register.
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j)
            s[j] += a[i + j] * b[i + j];
    float total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; i < n; ++i)
        total += a[i] * b[i];
    return total;
}

void normalizeInPlace(float* v, int n)
{
    double norm = 0;
    for (int i = 0; i < n; ++i)
        norm += double(v[i]) * double(v[i]);
    if (norm <= 0)
        return;
    const float inv = float(1.0 / std::sqrt(norm));
    for (int i = 0; i < n; ++i)
        v[i] *= inv;
}

// Better = higher score, then the earlier index.
bool better(const std::pair<qsizetype, float>& a, const std::pair<qsizetype, float>& b)
{
    return a.second > b.second || (a.second == b.second && a.first < b.first);
}

QString sha256(const char* data, qint64 size)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(QByteArrayView(data, size), QCryptographicHash::Sha256).toHex());
}

Expected<QString, QString> sha256File(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return unexpected(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!h.addData(&f))
        return unexpected(QStringLiteral("cannot read %1").arg(path));
    return QString::fromLatin1(h.result().toHex());
}

Expected<void, QString> writeFile(const QString& path, const char* data, qint64 size)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data, size) != size || !f.commit())
        return unexpected(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

} // namespace

struct EmbeddingsRetriever::Private
{
    std::unique_ptr<hnswlib::InnerProductSpace> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
};

EmbeddingsRetriever::EmbeddingsRetriever()
    : d(std::make_unique<Private>())
{}

EmbeddingsRetriever::~EmbeddingsRetriever() = default;

bool EmbeddingsRetriever::usesHnsw() const
{
    return d->hnsw != nullptr;
}

void EmbeddingsRetriever::setEfSearch(int ef)
{
    m_options.efSearch = std::max(1, ef);
    if (d->hnsw)
        d->hnsw->setEf(size_t(m_options.efSearch));
}

QString EmbeddingsRetriever::name() const
{
    return QStringLiteral("EmbeddingsRetriever(%1, %2 passages, %3)")
        .arg(m_embedder ? m_embedder->name() : QStringLiteral("no embedder"))
        .arg(m_corpus.size())
        .arg(usesHnsw() ? QStringLiteral("hnsw") : QStringLiteral("exact"));
}

Expected<std::shared_ptr<EmbeddingsRetriever>, QString>
EmbeddingsRetriever::build(QList<Document> corpus, EmbedderPtr embedder, Options options)
{
    if (!embedder)
        return unexpected(QStringLiteral("EmbeddingsRetriever: no embedder"));
    QStringList texts;
    texts.reserve(corpus.size());
    for (const Document& doc : corpus)
        texts.append(doc.text);
    QList<EmbeddingVector> vectors;
    try {
        vectors = embedder->embedBlocking(texts);
    } catch (const EmbedderError& e) {
        return unexpected(QStringLiteral("embedding the corpus failed: %1").arg(e.message()));
    }
    const int dims = vectors.isEmpty() ? embedder->dimensions() : int(vectors.first().size());
    std::vector<float> matrix;
    matrix.reserve(size_t(vectors.size()) * size_t(std::max(dims, 0)));
    for (qsizetype i = 0; i < vectors.size(); ++i) {
        if (vectors[i].size() != dims)
            return unexpected(QStringLiteral("passage %1: an embedding of %2 dimensions, "
                                             "expected %3")
                                  .arg(i)
                                  .arg(vectors[i].size())
                                  .arg(dims));
        matrix.insert(matrix.end(), vectors[i].cbegin(), vectors[i].cend());
    }
    return fromVectors(std::move(corpus), std::move(matrix), dims, std::move(embedder), options);
}

Expected<std::shared_ptr<EmbeddingsRetriever>, QString>
EmbeddingsRetriever::fromVectors(QList<Document> corpus, std::vector<float> vectors, int dimensions,
                                 EmbedderPtr embedder, Options options)
{
    if (dimensions <= 0)
        return unexpected(QStringLiteral("EmbeddingsRetriever: dimensions must be positive"));
    if (vectors.size() != size_t(corpus.size()) * size_t(dimensions))
        return unexpected(QStringLiteral("EmbeddingsRetriever: %1 floats for %2 passages of %3 "
                                         "dimensions")
                              .arg(vectors.size())
                              .arg(corpus.size())
                              .arg(dimensions));
    QSet<QString> ids;
    for (qsizetype i = 0; i < corpus.size(); ++i) {
        if (corpus[i].id.isEmpty())
            corpus[i].id = QString::number(i);
        if (ids.contains(corpus[i].id))
            return unexpected(QStringLiteral("duplicate passage id \"%1\"").arg(corpus[i].id));
        ids.insert(corpus[i].id);
    }
    std::shared_ptr<EmbeddingsRetriever> r(new EmbeddingsRetriever());
    r->m_corpus = std::move(corpus);
    r->m_vectors = std::move(vectors);
    r->m_dimensions = dimensions;
    r->m_embedder = std::move(embedder);
    r->m_options = options;
    if (options.normalize)
        for (qsizetype i = 0; i < r->m_corpus.size(); ++i)
            normalizeInPlace(r->m_vectors.data() + size_t(i) * size_t(dimensions), dimensions);
    const QString error = r->buildIndex();
    if (!error.isEmpty())
        return unexpected(error);
    return r;
}

QString EmbeddingsRetriever::buildIndex()
{
    const qsizetype n = m_corpus.size();
    if (n < std::max<qsizetype>(1, m_options.bruteForceThreshold))
        return {};
    try {
        d->space = std::make_unique<hnswlib::InnerProductSpace>(size_t(m_dimensions));
        d->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
            d->space.get(), size_t(n), size_t(std::max(2, m_options.hnswM)),
            size_t(std::max(1, m_options.efConstruction)), size_t(m_options.seed));
        // The first point alone, then the rest from several threads (hnswlib locks per node).
        d->hnsw->addPoint(m_vectors.data(), 0);
        std::atomic<qsizetype> next{1};
        const int threads = m_options.buildThreads > 0 ? m_options.buildThreads
                                                       : std::max(1, QThread::idealThreadCount());
        std::vector<std::thread> workers;
        std::atomic<bool> failed{false};
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&] {
                for (qsizetype i = next++; i < n && !failed; i = next++) {
                    try {
                        d->hnsw->addPoint(m_vectors.data() + size_t(i) * size_t(m_dimensions),
                                          hnswlib::labeltype(i));
                    } catch (...) {
                        failed = true;
                    }
                }
            });
        for (std::thread& w : workers)
            w.join();
        if (failed)
            return QStringLiteral("building the HNSW graph failed");
        d->hnsw->setEf(size_t(std::max(1, m_options.efSearch)));
    } catch (const std::exception& e) {
        d->hnsw.reset();
        return QStringLiteral("building the HNSW graph failed: %1")
            .arg(QString::fromUtf8(e.what()));
    }
    return {};
}

QList<std::pair<qsizetype, float>> EmbeddingsRetriever::nearestExact(const float* query,
                                                                     int k) const
{
    const qsizetype n = m_corpus.size();
    const qsizetype keep = std::min<qsizetype>(std::max(k, 0), n);
    std::vector<std::pair<qsizetype, float>> heap; // the worst kept on top
    heap.reserve(size_t(keep) + 1);
    const float* row = m_vectors.data();
    for (qsizetype i = 0; i < n && keep > 0; ++i, row += m_dimensions) {
        const std::pair<qsizetype, float> item{i, dot(query, row, m_dimensions)};
        if (qsizetype(heap.size()) < keep) {
            heap.push_back(item);
            std::push_heap(heap.begin(), heap.end(), better);
        } else if (better(item, heap.front())) {
            std::pop_heap(heap.begin(), heap.end(), better);
            heap.back() = item;
            std::push_heap(heap.begin(), heap.end(), better);
        }
    }
    std::sort_heap(heap.begin(), heap.end(), better);
    return QList<std::pair<qsizetype, float>>(heap.begin(), heap.end());
}

QList<std::pair<qsizetype, float>> EmbeddingsRetriever::nearest(const float* rawQuery, int k) const
{
    std::vector<float> query(rawQuery, rawQuery + m_dimensions);
    if (m_options.normalize)
        normalizeInPlace(query.data(), m_dimensions);
    if (!d->hnsw)
        return nearestExact(query.data(), k);
    const qsizetype n = m_corpus.size();
    const size_t candidates =
        size_t(std::min<qsizetype>(n, std::max<qsizetype>(k, m_options.efSearch)));
    auto found = d->hnsw->searchKnn(query.data(), candidates);
    QList<std::pair<qsizetype, float>> out;
    out.reserve(qsizetype(found.size()));
    while (!found.empty()) {
        const qsizetype i = qsizetype(found.top().second);
        found.pop();
        out.append({i, dot(query.data(), m_vectors.data() + size_t(i) * size_t(m_dimensions),
                           m_dimensions)});
    }
    std::sort(out.begin(), out.end(), better);
    if (out.size() > k)
        out.resize(k);
    return out;
}

QList<Passage> EmbeddingsRetriever::searchVector(const float* query, int k) const
{
    QList<Passage> out;
    for (const auto& [i, score] : nearest(query, k)) {
        const Document& doc = m_corpus[i];
        Passage p;
        p.id = doc.id;
        p.text = doc.text;
        p.score = score;
        p.metadata = doc.metadata;
        p.metadata.insert(QStringLiteral("index"), Value(qint64(i)));
        out.append(std::move(p));
    }
    return out;
}

QList<Passage> EmbeddingsRetriever::search(const QString& query, int k, const RunContext& ctx)
{
    ctx.throwIfCancelled();
    if (k < 1)
        throw RetrieverError(QStringLiteral("%1: k must be at least 1, got %2").arg(name()).arg(k));
    if (!m_embedder)
        throw RetrieverError(QStringLiteral("%1: no embedder to embed the query").arg(name()));
    QList<EmbeddingVector> v;
    try {
        v = m_embedder->embedBlocking({query});
    } catch (const EmbedderError& e) {
        throw RetrieverError(QStringLiteral("%1: %2").arg(name(), e.message()));
    }
    ctx.throwIfCancelled();
    if (v.size() != 1 || v.first().size() != m_dimensions)
        throw RetrieverError(QStringLiteral("%1: the query's embedding has %2 dimensions, the "
                                            "index %3")
                                 .arg(name())
                                 .arg(v.isEmpty() ? 0 : v.first().size())
                                 .arg(m_dimensions));
    return searchVector(v.first().constData(), k);
}

// --- save / load ---

Expected<void, QString> EmbeddingsRetriever::save(const QString& dirPath) const
{
    QDir dir(dirPath);
    if (!dir.mkpath(QStringLiteral(".")))
        return unexpected(QStringLiteral("cannot create %1").arg(dirPath));
    // The manifest goes last and is removed first: a folder half rewritten is refused.
    dir.remove(kManifest);
    dir.remove(kHnsw);

    QByteArray corpus;
    JsonStyle style;
    style.ensureAscii = false;
    for (const Document& doc : m_corpus) {
        Object line;
        line.insert(QStringLiteral("id"), doc.id);
        line.insert(QStringLiteral("text"), doc.text);
        for (const auto& [key, value] : doc.metadata)
            if (key != u"id" && key != u"text")
                line.insert(key, value);
        corpus += Value(std::move(line)).toJson(style).toUtf8();
        corpus += '\n';
    }
    if (auto w = writeFile(dir.filePath(kCorpus), corpus.constData(), corpus.size()); !w)
        return w;
    const char* raw = reinterpret_cast<const char*>(m_vectors.data());
    const qint64 bytes = qint64(m_vectors.size() * sizeof(float));
    if (auto w = writeFile(dir.filePath(kVectors), raw, bytes); !w)
        return w;

    Object manifest;
    manifest.insert(QStringLiteral("format"), kFormat);
    manifest.insert(QStringLiteral("count"), qint64(m_corpus.size()));
    manifest.insert(QStringLiteral("dimensions"), qint64(m_dimensions));
    manifest.insert(QStringLiteral("embedder"), m_embedder ? Value(m_embedder->name()) : Value());
    manifest.insert(QStringLiteral("k"), qint64(m_options.k));
    manifest.insert(QStringLiteral("normalize"), m_options.normalize);
    manifest.insert(QStringLiteral("brute_force_threshold"), qint64(m_options.bruteForceThreshold));
    manifest.insert(QStringLiteral("hnsw_m"), qint64(m_options.hnswM));
    manifest.insert(QStringLiteral("ef_construction"), qint64(m_options.efConstruction));
    manifest.insert(QStringLiteral("ef_search"), qint64(m_options.efSearch));
    manifest.insert(QStringLiteral("seed"), qint64(m_options.seed));
    manifest.insert(QStringLiteral("corpus_sha256"), sha256(corpus.constData(), corpus.size()));
    manifest.insert(QStringLiteral("vectors_sha256"), sha256(raw, bytes));
    if (d->hnsw) {
        const QString path = dir.filePath(kHnsw);
        try {
            d->hnsw->saveIndex(QFile::encodeName(path).toStdString());
        } catch (const std::exception& e) {
            return unexpected(
                QStringLiteral("cannot write %1: %2").arg(path, QString::fromUtf8(e.what())));
        }
        auto h = sha256File(path);
        if (!h)
            return unexpected(h.error());
        manifest.insert(QStringLiteral("hnsw_sha256"), h.value());
    }
    const QByteArray m = Value(std::move(manifest)).toJson(style).toUtf8() + '\n';
    return writeFile(dir.filePath(kManifest), m.constData(), m.size());
}

Expected<std::shared_ptr<EmbeddingsRetriever>, QString>
EmbeddingsRetriever::load(const QString& dirPath, EmbedderPtr embedder)
{
    const QDir dir(dirPath);
    const QString manifestPath = dir.filePath(kManifest);
    const auto refuse = [&](const QString& why) {
        return unexpected(
            QStringLiteral("%1 is not a usable embeddings index: %2").arg(dirPath, why));
    };
    QFile mf(manifestPath);
    if (!mf.open(QIODevice::ReadOnly))
        return refuse(QStringLiteral("cannot read %1: %2").arg(kManifest, mf.errorString()));
    QString jsonError;
    const auto parsed = Value::fromJson(QString::fromUtf8(mf.readAll()), &jsonError);
    if (!parsed || !parsed->isObject())
        return refuse(QStringLiteral("%1 is not a JSON object%2")
                          .arg(kManifest, jsonError.isEmpty() ? QString() : ": " + jsonError));
    const Object& m = parsed->toObject();
    if (m.value(u"format").toString() != kFormat)
        return refuse(QStringLiteral("format \"%1\", expected \"%2\"")
                          .arg(m.value(u"format").toString(), kFormat));
    const qint64 count = m.value(u"count").toInt();
    const qint64 dims = m.value(u"dimensions").toInt();
    if (!m.value(u"count").isInt() || count < 0 || !m.value(u"dimensions").isInt() || dims <= 0 ||
        dims > 1 << 20)
        return refuse(QStringLiteral("bad count or dimensions in %1").arg(kManifest));
    const QString builtWith = m.value(u"embedder").toString();
    if (embedder && builtWith != embedder->name())
        return refuse(QStringLiteral("built with %1, not %2")
                          .arg(builtWith.isEmpty() ? QStringLiteral("no embedder") : builtWith,
                               embedder->name()));
    if (embedder && embedder->dimensions() > 0 && embedder->dimensions() != dims)
        return refuse(QStringLiteral("%1 dimensions, the embedder gives %2")
                          .arg(dims)
                          .arg(embedder->dimensions()));

    Options options;
    options.k = int(m.value(u"k").toInt());
    options.normalize = m.value(u"normalize").toBool();
    options.bruteForceThreshold = qsizetype(m.value(u"brute_force_threshold").toInt());
    options.hnswM = int(m.value(u"hnsw_m").toInt());
    options.efConstruction = int(m.value(u"ef_construction").toInt());
    options.efSearch = int(m.value(u"ef_search").toInt());
    options.seed = quint64(m.value(u"seed").toInt());
    if (options.k < 1 || options.efSearch < 1)
        return refuse(QStringLiteral("bad k or ef_search in %1").arg(kManifest));

    // Vectors: exact size, then the hash.
    QFile vf(dir.filePath(kVectors));
    if (!vf.open(QIODevice::ReadOnly))
        return refuse(QStringLiteral("cannot read %1: %2").arg(kVectors, vf.errorString()));
    const qint64 bytes = count * dims * qint64(sizeof(float));
    if (vf.size() != bytes)
        return refuse(QStringLiteral("%1 has %2 bytes, expected %3 (%4 × %5 float32)")
                          .arg(kVectors)
                          .arg(vf.size())
                          .arg(bytes)
                          .arg(count)
                          .arg(dims));
    std::vector<float> vectors(size_t(count * dims));
    if (vf.read(reinterpret_cast<char*>(vectors.data()), bytes) != bytes)
        return refuse(QStringLiteral("cannot read %1").arg(kVectors));
    if (sha256(reinterpret_cast<const char*>(vectors.data()), bytes) !=
        m.value(u"vectors_sha256").toString())
        return refuse(QStringLiteral("%1 does not match its checksum").arg(kVectors));

    // Corpus.
    QFile cf(dir.filePath(kCorpus));
    if (!cf.open(QIODevice::ReadOnly))
        return refuse(QStringLiteral("cannot read %1: %2").arg(kCorpus, cf.errorString()));
    const QByteArray corpusBytes = cf.readAll();
    if (sha256(corpusBytes.constData(), corpusBytes.size()) != m.value(u"corpus_sha256").toString())
        return refuse(QStringLiteral("%1 does not match its checksum").arg(kCorpus));
    QList<Document> corpus;
    corpus.reserve(count);
    qsizetype lineNo = 0;
    for (const QByteArray& line : corpusBytes.split('\n')) {
        ++lineNo;
        if (line.isEmpty())
            continue;
        const auto v = Value::fromJson(QString::fromUtf8(line));
        if (!v || !v->isObject())
            return refuse(
                QStringLiteral("%1 line %2 is not a JSON object").arg(kCorpus).arg(lineNo));
        Document doc;
        for (const auto& [key, value] : v->toObject()) {
            if (key == u"id")
                doc.id = value.toString();
            else if (key == u"text")
                doc.text = value.toString();
            else
                doc.metadata.insert(key, value);
        }
        corpus.append(std::move(doc));
    }
    if (corpus.size() != count)
        return refuse(QStringLiteral("%1 has %2 passages, expected %3")
                          .arg(kCorpus)
                          .arg(corpus.size())
                          .arg(count));

    std::shared_ptr<EmbeddingsRetriever> r(new EmbeddingsRetriever());
    r->m_corpus = std::move(corpus);
    r->m_vectors = std::move(vectors);
    r->m_dimensions = int(dims);
    r->m_embedder = std::move(embedder);
    r->m_options = options;

    const bool wantHnsw = count >= std::max<qsizetype>(1, options.bruteForceThreshold);
    const QString hnswPath = dir.filePath(kHnsw);
    if (wantHnsw != m.contains(u"hnsw_sha256"))
        return refuse(
            QStringLiteral("the manifest's threshold and its %1 entry disagree").arg(kHnsw));
    if (wantHnsw) {
        auto h = sha256File(hnswPath);
        if (!h)
            return refuse(h.error());
        if (h.value() != m.value(u"hnsw_sha256").toString())
            return refuse(QStringLiteral("%1 does not match its checksum").arg(kHnsw));
        try {
            r->d->space = std::make_unique<hnswlib::InnerProductSpace>(size_t(dims));
            r->d->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
                r->d->space.get(), QFile::encodeName(hnswPath).toStdString(), false, size_t(count));
        } catch (const std::exception& e) {
            return refuse(QStringLiteral("%1: %2").arg(kHnsw, QString::fromUtf8(e.what())));
        }
        if (qint64(r->d->hnsw->cur_element_count) != count)
            return refuse(QStringLiteral("%1 holds %2 vectors, expected %3")
                              .arg(kHnsw)
                              .arg(r->d->hnsw->cur_element_count)
                              .arg(count));
        r->d->hnsw->setEf(size_t(options.efSearch));
    }
    return r;
}

} // namespace dspy
