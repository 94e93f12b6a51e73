#include "lm/historystore.h"

#include "lm/httplmoptions.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSaveFile>
#include <QStandardPaths>

namespace dspy {

namespace {

// Long enough for a slow disk, short enough that a stuck writer never blocks a CLI for long.
constexpr int kLockTimeoutMs = 10000;

QList<QByteArray> readLines(QFile& file)
{
    QList<QByteArray> lines;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(line);
    }
    return lines;
}

LMUsage usageFrom(const Value& v)
{
    const Object& o = v.toObject();
    LMUsage u;
    u.promptTokens = o.value(u"prompt_tokens").toInt();
    u.completionTokens = o.value(u"completion_tokens").toInt();
    u.totalTokens = o.value(u"total_tokens").toInt();
    u.cachedTokens = o.value(u"cached_tokens").toInt();
    return u;
}

} // namespace

HistoryStore::HistoryStore(QString path, qsizetype capacity)
    : m_path(path.isEmpty() ? defaultPath() : std::move(path))
    , m_capacity(std::max<qsizetype>(capacity, 0))
{}

QString HistoryStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
           QStringLiteral("/dspy-workbench/history.jsonl");
}

Object HistoryStore::toObject(const HistoryEntry& entry)
{
    return entry.toObject();
}

std::optional<HistoryEntry> HistoryStore::fromObject(const Object& o)
{
    if (!o.value(u"messages").isArray() || !o.value(u"outputs").isArray())
        return std::nullopt;
    HistoryEntry e;
    e.prompt = o.value(u"prompt");
    for (const Value& m : o.value(u"messages").toArray()) {
        if (!m.isObject())
            return std::nullopt;
        e.messages.append(ChatMessage{m.toObject().value(u"role").toString(),
                                      m.toObject().value(u"content").toString()});
    }
    e.kwargs = o.value(u"kwargs").toObject();
    for (const Value& out : o.value(u"outputs").toArray()) {
        LMOutput lo;
        if (out.isString()) {
            lo.text = out.toString();
        } else if (out.isObject()) {
            const Object& d = out.toObject();
            lo.text = d.value(u"text").toString();
            lo.reasoningContent = d.value(u"reasoning_content").toString();
            lo.toolCalls = d.value(u"tool_calls");
        } else {
            return std::nullopt;
        }
        e.outputs.append(std::move(lo));
    }
    e.usage = usageFrom(o.value(u"usage"));
    if (o.value(u"cost").isNumber())
        e.cost = o.value(u"cost").toDouble();
    e.timestamp = o.value(u"timestamp").toString();
    e.uuid = o.value(u"uuid").toString();
    e.model = o.value(u"model").toString();
    e.responseModel = o.value(u"response_model").toString();
    if (o.value(u"model_type").isString())
        e.modelType = o.value(u"model_type").toString();
    e.cacheHit = o.value(u"cache_hit").toBool();
    return e;
}

bool HistoryStore::append(const QList<HistoryEntry>& entries, const QStringList& secrets,
                          QString* error) const
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    if (entries.isEmpty())
        return true;
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("cannot create %1").arg(info.absolutePath()));

    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(30000);
    if (!lock.tryLock(kLockTimeoutMs))
        return fail(QStringLiteral("cannot lock %1.lock").arg(m_path));

    QList<QByteArray> lines;
    if (QFile existing(m_path); existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read %1: %2").arg(m_path, existing.errorString()));
        lines = readLines(existing);
    }
    const qsizetype before = lines.size();
    for (const HistoryEntry& entry : entries) {
        QString line = Value(entry.toObject()).toJson(JsonStyle{-1, false, false});
        for (const QString& secret : secrets)
            line = redactSecret(std::move(line), secret);
        lines.append(line.toUtf8());
    }
    const qsizetype drop = std::max<qsizetype>(0, lines.size() - m_capacity);

    if (drop == 0 && before > 0) {
        // Within the cap: a plain append, the cheap common case.
        QFile file(m_path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
            return fail(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
        QByteArray bytes;
        for (qsizetype i = before; i < lines.size(); ++i)
            bytes += lines.at(i) + '\n';
        if (file.write(bytes) != bytes.size())
            return fail(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
        return true;
    }

    // Over the cap (or a new file): rewrite atomically so a reader never sees half a file.
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
    QByteArray bytes;
    for (qsizetype i = drop; i < lines.size(); ++i)
        bytes += lines.at(i) + '\n';
    if (file.write(bytes) != bytes.size() || !file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
    return true;
}

QList<HistoryEntry> HistoryStore::last(qsizetype n, QString* error) const
{
    QFile file(m_path);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString());
        return {};
    }
    // Writers replace the file by rename or append whole lines, so reading needs no lock.
    const QList<QByteArray> lines = readLines(file);
    QList<HistoryEntry> entries;
    for (qsizetype i = lines.size() - 1; i >= 0 && (n <= 0 || entries.size() < n); --i) {
        const std::optional<Value> v = Value::fromJson(QString::fromUtf8(lines.at(i)));
        if (!v || !v->isObject())
            continue;
        if (std::optional<HistoryEntry> e = fromObject(v->toObject()))
            entries.prepend(std::move(*e));
    }
    return entries;
}

} // namespace dspy
