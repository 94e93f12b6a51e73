#include "graph/projectdatabase.h"

#include "graph/projectfile.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>
#include <optional>

namespace dspy {

namespace {

QString connectionName()
{
    static std::atomic<quint64> next{0};
    return QStringLiteral("dspy-projectdb-%1").arg(next.fetch_add(1));
}

QString sqlError(const QSqlQuery& q)
{
    return q.lastError().text();
}

// Runs fn with a fresh connection to path on this thread, then removes the connection.
template <typename T, typename F> Expected<T, QString> withDb(const QString& path, F&& fn)
{
    const QString name = connectionName();
    std::optional<Expected<T, QString>> result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open())
            result.emplace(unexpected(QStringLiteral("cannot open project database %1: %2")
                                          .arg(path, db.lastError().text())));
        else
            result.emplace(fn(db));
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return std::move(*result);
}

const char* const kCreateStates = "CREATE TABLE IF NOT EXISTS program_states ("
                                  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                  " program TEXT NOT NULL,"
                                  " label TEXT NOT NULL,"
                                  " created INTEGER NOT NULL," // ms since the epoch, UTC
                                  " state TEXT NOT NULL)";
const char* const kCreateMeta = "CREATE TABLE IF NOT EXISTS program_states_meta (version INTEGER)";

} // namespace

Expected<std::unique_ptr<ProjectDatabase>, QString> ProjectDatabase::open(const QString& path)
{
    auto traces = TraceStore::open(path);
    if (!traces)
        return unexpected(traces.error());
    auto ok = withDb<bool>(path, [&](QSqlDatabase& db) -> Expected<bool, QString> {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                   "name = 'program_states_meta'")))
            return unexpected(sqlError(q));
        const bool exists = q.next();
        q.finish();
        if (exists) {
            if (!q.exec(QStringLiteral("SELECT version FROM program_states_meta")))
                return unexpected(sqlError(q));
            const int version = q.next() ? q.value(0).toInt() : 0;
            q.finish();
            if (version > kStatesVersion)
                return unexpected(QStringLiteral("%1: its saved program states are of a newer "
                                                 "layout (%2) than this program's (%3)")
                                      .arg(path)
                                      .arg(version)
                                      .arg(kStatesVersion));
            return true;
        }
        if (!db.transaction())
            return unexpected(db.lastError().text());
        const bool made =
            q.exec(QString::fromLatin1(kCreateStates)) &&
            q.exec(QString::fromLatin1(kCreateMeta)) &&
            q.exec(
                QStringLiteral("INSERT INTO program_states_meta VALUES (%1)").arg(kStatesVersion));
        if (!made) {
            const QString e = sqlError(q);
            db.rollback();
            return unexpected(e);
        }
        if (!db.commit())
            return unexpected(db.lastError().text());
        return true;
    });
    if (!ok)
        return unexpected(ok.error());
    std::unique_ptr<ProjectDatabase> out(new ProjectDatabase);
    out->m_path = path;
    out->m_traces = std::move(traces.value());
    return out;
}

Expected<std::unique_ptr<ProjectDatabase>, QString>
ProjectDatabase::openForProject(const QString& projectPath)
{
    return open(Project::databasePath(projectPath));
}

Expected<qint64, QString>
ProjectDatabase::saveProgramState(const QString& program, const QString& label, const Object& state)
{
    if (program.isEmpty())
        return unexpected(QStringLiteral("a saved state needs a program name"));
    return withDb<qint64>(m_path, [&](QSqlDatabase& db) -> Expected<qint64, QString> {
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "INSERT INTO program_states(program, label, created, state) VALUES (?, ?, ?, ?)"));
        q.addBindValue(program);
        q.addBindValue(label);
        q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        q.addBindValue(Value(state).toJson());
        if (!q.exec())
            return unexpected(sqlError(q));
        return q.lastInsertId().toLongLong();
    });
}

Expected<QList<SavedProgramState>, QString>
ProjectDatabase::listStates(const QString& program) const
{
    return withDb<QList<SavedProgramState>>(
        m_path, [&](QSqlDatabase& db) -> Expected<QList<SavedProgramState>, QString> {
            QSqlQuery q(db);
            if (program.isEmpty()) {
                q.prepare(QStringLiteral("SELECT id, program, label, created FROM program_states "
                                         "ORDER BY created DESC, id DESC"));
            } else {
                q.prepare(QStringLiteral("SELECT id, program, label, created FROM program_states "
                                         "WHERE program = ? ORDER BY created DESC, id DESC"));
                q.addBindValue(program);
            }
            if (!q.exec())
                return unexpected(sqlError(q));
            QList<SavedProgramState> out;
            while (q.next()) {
                SavedProgramState s;
                s.id = q.value(0).toLongLong();
                s.program = q.value(1).toString();
                s.label = q.value(2).toString();
                s.created = QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong(), Qt::UTC);
                out.append(s);
            }
            return out;
        });
}

Expected<Object, QString> ProjectDatabase::loadState(qint64 id) const
{
    return withDb<Object>(m_path, [&](QSqlDatabase& db) -> Expected<Object, QString> {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT state FROM program_states WHERE id = ?"));
        q.addBindValue(id);
        if (!q.exec())
            return unexpected(sqlError(q));
        if (!q.next())
            return unexpected(QStringLiteral("there is no saved program state %1").arg(id));
        QString error;
        const auto parsed = Value::fromJson(q.value(0).toString(), &error);
        if (!parsed || !parsed->isObject())
            return unexpected(QStringLiteral("saved program state %1 is not a JSON object: %2")
                                  .arg(id)
                                  .arg(error));
        return parsed->toObject();
    });
}

Expected<bool, QString> ProjectDatabase::deleteState(qint64 id)
{
    return withDb<bool>(m_path, [&](QSqlDatabase& db) -> Expected<bool, QString> {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM program_states WHERE id = ?"));
        q.addBindValue(id);
        if (!q.exec())
            return unexpected(sqlError(q));
        return q.numRowsAffected() > 0;
    });
}

} // namespace dspy
