#include "retrieve/fts5retriever.h"

#include "runtime/runcontext.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringDecoder>
#include <QThread>

#include <atomic>

namespace dspy {

namespace {

const QString kFormat = QStringLiteral("dspy-fts5/1");
constexpr int kMaxQueryWords = 64;

std::atomic<quint64> g_nextRetrieverId{1};
std::atomic<quint64> g_nextThreadSerial{1};
std::atomic<quint64> g_closedGeneration{0};
QMutex g_liveMutex;
QSet<quint64> g_live; // ids of the FTS5Retrievers that exist

// This thread's read-only connections, one per FTS5Retriever. A thread closes the connections of
// retrievers that went away the next time it opens one, and all of them when it finishes.
struct ThreadConnections
{
    QHash<quint64, QSqlDatabase> dbs;
    quint64 serial = g_nextThreadSerial.fetch_add(1);
    quint64 seenGeneration = 0;

    void close(quint64 id)
    {
        auto it = dbs.find(id);
        if (it == dbs.end())
            return;
        const QString name = it->connectionName();
        it->close();
        dbs.erase(it);
        QSqlDatabase::removeDatabase(name);
    }
    void closeAll()
    {
        const QList<quint64> ids = dbs.keys();
        for (quint64 id : ids)
            close(id);
    }
    void closeDead()
    {
        const quint64 generation = g_closedGeneration.load();
        if (generation == seenGeneration)
            return;
        seenGeneration = generation;
        QList<quint64> dead;
        {
            QMutexLocker lock(&g_liveMutex);
            for (auto it = dbs.cbegin(); it != dbs.cend(); ++it)
                if (!g_live.contains(it.key()))
                    dead.append(it.key());
        }
        for (quint64 id : dead)
            close(id);
    }
    ~ThreadConnections();
};

// Closed by its destructor when the thread exits (no QThread::finished hook: on a std::thread
// Qt emits that from its own thread-exit cleanup, after this object is gone).
thread_local ThreadConnections t_connections;

ThreadConnections::~ThreadConnections()
{
    closeAll();
}

QString sqlError(const QSqlError& e)
{
    return e.text().trimmed().isEmpty() ? QStringLiteral("unknown SQLite error") : e.text();
}

QSqlDatabase readConnection(quint64 id, const QString& path)
{
    ThreadConnections& tc = t_connections;
    tc.closeDead();
    auto it = tc.dbs.constFind(id);
    if (it != tc.dbs.cend())
        return *it;
    const QString name = QStringLiteral("dspy-fts5-%1-%2").arg(id).arg(tc.serial);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
    db.open();
    tc.dbs.insert(id, db);
    return db;
}

bool isWordChar(QChar c)
{
    if (c.isLetterOrNumber() || c.isSurrogate())
        return true;
    const QChar::Category cat = c.category();
    return cat == QChar::Mark_NonSpacing || cat == QChar::Mark_SpacingCombining ||
           cat == QChar::Other_PrivateUse;
}

const QStringList kTextSuffixes{QStringLiteral("txt"), QStringLiteral("md"),
                                QStringLiteral("markdown"), QStringLiteral("rst"),
                                QStringLiteral("text")};

Expected<QList<FTS5Retriever::Document>, QString> readFolder(const QString& dirPath)
{
    QStringList files;
    QDirIterator it(dirPath, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
    const QDir root(dirPath);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString rel = root.relativeFilePath(file);
        // Hidden files and files inside hidden folders are skipped.
        if (rel.startsWith(u'.') || rel.contains(QStringLiteral("/.")))
            continue;
        if (kTextSuffixes.contains(QFileInfo(file).suffix().toLower()))
            files.append(rel);
    }
    files.sort();
    if (files.isEmpty()) {
        return unexpected(QStringLiteral("corpus folder %1 has no text files (*.%2)")
                              .arg(dirPath, kTextSuffixes.join(QStringLiteral(", *."))));
    }
    QList<FTS5Retriever::Document> docs;
    docs.reserve(files.size());
    for (const QString& rel : files) {
        QFile f(root.filePath(rel));
        if (!f.open(QIODevice::ReadOnly))
            return unexpected(
                QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString()));
        const QByteArray bytes = f.readAll();
        QStringDecoder decoder(QStringDecoder::Utf8, QStringConverter::Flag::Stateless);
        QString text = decoder(bytes);
        if (decoder.hasError())
            return unexpected(QStringLiteral("%1 is not UTF-8 text").arg(f.fileName()));
        FTS5Retriever::Document d;
        d.id = rel;
        d.title = QFileInfo(rel).completeBaseName();
        d.text = text.trimmed();
        docs.append(std::move(d));
    }
    return docs;
}

Expected<QList<FTS5Retriever::Document>, QString> readJsonl(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return unexpected(QStringLiteral("cannot open %1: %2").arg(path, f.errorString()));
    QList<FTS5Retriever::Document> docs;
    QSet<QString> seen;
    qint64 lineNo = 0;
    while (!f.atEnd()) {
        const QByteArray raw = f.readLine();
        ++lineNo;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty())
            continue;
        QString error;
        qsizetype offset = -1;
        const std::optional<Value> v = Value::fromJson(line, &error, &offset);
        const QString where = QStringLiteral("%1 line %2").arg(path).arg(lineNo);
        if (!v)
            return unexpected(QStringLiteral("%1: invalid JSON at offset %2: %3")
                                  .arg(where)
                                  .arg(offset)
                                  .arg(error));
        if (!v->isObject())
            return unexpected(QStringLiteral("%1: expected a JSON object").arg(where));
        const Object& o = v->toObject();
        FTS5Retriever::Document d;
        const Value& text = o.value(u"text");
        if (!text.isString()) {
            return unexpected(o.contains(u"text")
                                  ? QStringLiteral("%1: \"text\" must be a string").arg(where)
                                  : QStringLiteral("%1: no \"text\" field").arg(where));
        }
        d.text = text.toString();
        const QString idKey = o.contains(u"id") ? QStringLiteral("id") : QStringLiteral("pid");
        const Value& id = o.value(idKey);
        if (id.isString() && !id.toString().isEmpty())
            d.id = id.toString();
        else if (id.isInt())
            d.id = QString::number(id.toInt());
        else if (!o.contains(idKey))
            d.id = QString::number(docs.size());
        else
            return unexpected(QStringLiteral("%1: \"%2\" must be a non-empty string or an integer")
                                  .arg(where, idKey));
        if (seen.contains(d.id))
            return unexpected(QStringLiteral("%1: duplicate id \"%2\"").arg(where, d.id));
        seen.insert(d.id);
        const Value& title = o.value(u"title");
        if (!title.isNull() && !title.isString())
            return unexpected(QStringLiteral("%1: \"title\" must be a string").arg(where));
        d.title = title.toString();
        for (const auto& [key, value] : o) {
            if (key != u"text" && key != idKey && key != u"title")
                d.metadata.insert(key, value);
        }
        docs.append(std::move(d));
    }
    return docs;
}

} // namespace

Expected<QList<FTS5Retriever::Document>, QString> FTS5Retriever::readCorpus(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return unexpected(QStringLiteral("the corpus %1 does not exist").arg(path));
    return info.isDir() ? readFolder(path) : readJsonl(path);
}

Expected<qint64, QString> FTS5Retriever::build(const QList<Document>& documents,
                                               const QString& indexPath)
{
    {
        QSet<QString> ids;
        ids.reserve(documents.size());
        for (qsizetype i = 0; i < documents.size(); ++i) {
            if (ids.contains(documents.at(i).id)) {
                return unexpected(QStringLiteral("passage %1: duplicate id \"%2\"")
                                      .arg(i)
                                      .arg(documents.at(i).id));
            }
            ids.insert(documents.at(i).id);
        }
    }
    const QFileInfo target(indexPath);
    if (!QDir().mkpath(target.absolutePath()))
        return unexpected(QStringLiteral("cannot create the folder %1").arg(target.absolutePath()));
    // Written beside the target, then renamed over it: a reader never sees half an index.
    const QString tmp = target.absoluteFilePath() +
                        QStringLiteral(".building-%1").arg(QCoreApplication::applicationPid());
    QFile::remove(tmp);
    static std::atomic<quint64> buildSerial{1};
    const QString name = QStringLiteral("dspy-fts5-build-%1").arg(buildSerial.fetch_add(1));
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(tmp);
        auto fail = [&](const QSqlError& e, const QString& what) {
            error = QStringLiteral("cannot build the index %1: %2: %3")
                        .arg(indexPath, what, sqlError(e));
            return false;
        };
        [&] {
            if (!db.open())
                return fail(db.lastError(), QStringLiteral("open"));
            QSqlQuery q(db);
            for (const char* pragma :
                 {"PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", "PRAGMA page_size=8192"}) {
                if (!q.exec(QString::fromLatin1(pragma)))
                    return fail(q.lastError(), QString::fromLatin1(pragma));
            }
            if (!db.transaction())
                return fail(db.lastError(), QStringLiteral("begin"));
            if (!q.exec(QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")) ||
                !q.exec(QStringLiteral(
                    "CREATE VIRTUAL TABLE passages USING fts5(pid UNINDEXED, title, text, "
                    "meta UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')")))
                return fail(q.lastError(), QStringLiteral("create tables (is FTS5 available?)"));
            if (!q.prepare(QStringLiteral(
                    "INSERT INTO passages (pid, title, text, meta) VALUES (?, ?, ?, ?)")))
                return fail(q.lastError(), QStringLiteral("prepare"));
            for (const Document& d : documents) {
                q.bindValue(0, d.id);
                q.bindValue(1, d.title);
                q.bindValue(2, d.text);
                q.bindValue(3, d.metadata.isEmpty() ? QString() : Value(d.metadata).toJson());
                if (!q.exec())
                    return fail(q.lastError(), QStringLiteral("insert passage \"%1\"").arg(d.id));
            }
            QSqlQuery m(db);
            if (!m.exec(QStringLiteral("INSERT INTO passages (passages) VALUES ('optimize')")))
                return fail(m.lastError(), QStringLiteral("optimize"));
            if (!m.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?)")))
                return fail(m.lastError(), QStringLiteral("prepare"));
            for (const auto& [key, value] :
                 {std::pair{QStringLiteral("format"), kFormat},
                  std::pair{QStringLiteral("count"), QString::number(documents.size())},
                  std::pair{QStringLiteral("tokenizer"),
                            QStringLiteral("porter unicode61 remove_diacritics 2")}}) {
                m.bindValue(0, key);
                m.bindValue(1, value);
                if (!m.exec())
                    return fail(m.lastError(), QStringLiteral("write metadata"));
            }
            if (!db.commit())
                return fail(db.lastError(), QStringLiteral("commit"));
            return true;
        }();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (!error.isEmpty()) {
        QFile::remove(tmp);
        return unexpected(error);
    }
    QFile::remove(target.absoluteFilePath());
    if (!QFile::rename(tmp, target.absoluteFilePath())) {
        QFile::remove(tmp);
        return unexpected(QStringLiteral("cannot write the index %1").arg(indexPath));
    }
    return qint64(documents.size());
}

Expected<std::shared_ptr<FTS5Retriever>, QString> FTS5Retriever::open(const QString& indexPath)
{
    const QFileInfo info(indexPath);
    if (!info.exists() || !info.isFile())
        return unexpected(QStringLiteral("the index %1 does not exist").arg(indexPath));
    std::shared_ptr<FTS5Retriever> r(new FTS5Retriever(info.absoluteFilePath(), 0));
    QSqlDatabase db = readConnection(r->m_id, r->m_path);
    if (!db.isOpen())
        return unexpected(QStringLiteral("cannot open the index %1: %2")
                              .arg(indexPath, sqlError(db.lastError())));
    QSqlQuery q(db);
    QHash<QString, QString> meta;
    if (q.exec(QStringLiteral("SELECT key, value FROM meta"))) {
        while (q.next())
            meta.insert(q.value(0).toString(), q.value(1).toString());
    }
    if (meta.value(QStringLiteral("format")) != kFormat) {
        return unexpected(
            QStringLiteral("%1 is not a DSPy FTS5 index (build one with 'dspy-run index build')%2")
                .arg(indexPath, meta.contains(QStringLiteral("format"))
                                    ? QStringLiteral(": format %1, expected %2")
                                          .arg(meta.value(QStringLiteral("format")), kFormat)
                                    : QString()));
    }
    if (!q.exec(QStringLiteral("SELECT count(*) FROM passages")) || !q.next())
        return unexpected(
            QStringLiteral("the index %1 is damaged: %2").arg(indexPath, sqlError(q.lastError())));
    r->m_size = q.value(0).toLongLong();
    return r;
}

FTS5Retriever::FTS5Retriever(QString path, qint64 size)
    : m_path(std::move(path))
    , m_size(size)
    , m_id(g_nextRetrieverId.fetch_add(1))
{
    QMutexLocker lock(&g_liveMutex);
    g_live.insert(m_id);
}

FTS5Retriever::~FTS5Retriever()
{
    {
        QMutexLocker lock(&g_liveMutex);
        g_live.remove(m_id);
    }
    g_closedGeneration.fetch_add(1);
    t_connections.close(m_id);
}

QString FTS5Retriever::name() const
{
    return QStringLiteral("FTS5Retriever(%1)").arg(m_path);
}

bool FTS5Retriever::isStopWord(QStringView folded)
{
    // bm25s's English list (the one DSPy's BM25 retrievers tokenize with, stopwords="en"); the
    // same 33 words as Lucene's English analyzer.
    static const QSet<QString> words = [] {
        QSet<QString> s;
        for (const char* w :
             {"a",    "an",   "and",  "are",  "as",   "at",    "be",   "but",   "by",
              "for",  "if",   "in",   "into", "is",   "it",    "no",   "not",   "of",
              "on",   "or",   "such", "that", "the",  "their", "then", "there", "these",
              "they", "this", "to",   "was",  "will", "with"})
            s.insert(QString::fromLatin1(w));
        return s;
    }();
    return words.contains(folded.toString());
}

QString FTS5Retriever::matchExpression(QStringView text)
{
    QStringList words;
    QStringList stopWords; // used only when the query has nothing else
    QSet<QString> seen;
    qsizetype i = 0;
    while (i < text.size() && words.size() < kMaxQueryWords) {
        while (i < text.size() && !isWordChar(text.at(i)))
            ++i;
        const qsizetype start = i;
        while (i < text.size() && isWordChar(text.at(i)))
            ++i;
        if (i == start)
            break;
        const QString word = text.mid(start, i - start).toString();
        const QString folded = word.toCaseFolded();
        if (seen.contains(folded))
            continue;
        seen.insert(folded);
        // Word characters only: nothing inside needs escaping.
        (isStopWord(folded) ? stopWords : words).append(u'"' + word + u'"');
    }
    // A stop word matches nearly every passage, so BM25 would score most of the index for a
    // word that barely moves the ranking: left out, unless the query is nothing but stop words.
    if (words.isEmpty())
        words = stopWords.mid(0, kMaxQueryWords);
    return words.join(QStringLiteral(" OR "));
}

QList<Passage> FTS5Retriever::search(const QString& query, int k, const RunContext& ctx)
{
    if (k < 1)
        throw RetrieverError(QStringLiteral("%1: k must be >= 1, got %2").arg(name()).arg(k));
    ctx.throwIfCancelled();
    const QString match = matchExpression(query);
    if (match.isEmpty())
        return {};
    QSqlDatabase db = readConnection(m_id, m_path);
    if (!db.isOpen())
        throw RetrieverError(
            QStringLiteral("%1: cannot open the index: %2").arg(name(), sqlError(db.lastError())));
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // Columns: pid (unindexed), title, text, meta (unindexed).
    if (!q.prepare(QStringLiteral(
            "SELECT pid, title, text, meta, bm25(passages, 0.0, 1.0, 1.0, 0.0) AS rank "
            "FROM passages WHERE passages MATCH ? ORDER BY rank LIMIT ?")))
        throw RetrieverError(
            QStringLiteral("%1: cannot query the index: %2").arg(name(), sqlError(q.lastError())));
    q.bindValue(0, match);
    q.bindValue(1, k);
    if (!q.exec())
        throw RetrieverError(QStringLiteral("%1: the query %2 failed: %3")
                                 .arg(name(), match, sqlError(q.lastError())));
    QList<Passage> out;
    while (q.next()) {
        Passage p;
        p.id = q.value(0).toString();
        const QString title = q.value(1).toString();
        p.text = q.value(2).toString();
        p.score = -q.value(4).toDouble();
        const QString meta = q.value(3).toString();
        if (!meta.isEmpty()) {
            if (const auto v = Value::fromJson(meta); v && v->isObject())
                p.metadata = v->toObject();
        }
        if (!title.isEmpty())
            p.metadata.insert(QStringLiteral("title"), title);
        out.append(std::move(p));
    }
    return out;
}

} // namespace dspy
