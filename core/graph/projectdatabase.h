#pragma once

// ProjectDatabase — NAME.dspydb beside NAME.dspyproj (docs/graph.md): one SQLite file (WAL) that
// is the project's trace store (TraceStore's schema) and holds saved program states: a program's
// DSPy program.save() JSON under a label, e.g. before and after an optimizer run.
//
// open() refuses, leaving the file untouched, whatever TraceStore::open refuses (not SQLite,
// another application's database, a newer schema) and a program_states table of a newer layout.
// Every call opens its own connection on the calling thread, so any thread may use it.

#include "data/value.h"
#include "runtime/expected.h"
#include "trace/tracestore.h"

#include <QDateTime>

#include <memory>

namespace dspy {

struct SavedProgramState
{
    qint64 id = 0;
    QString program;
    QString label;
    QDateTime created; // UTC, millisecond precision
};

class ProjectDatabase
{
public:
    static constexpr int kStatesVersion = 1;

    static Expected<std::unique_ptr<ProjectDatabase>, QString> open(const QString& path);
    // Project::databasePath(projectPath).
    static Expected<std::unique_ptr<ProjectDatabase>, QString>
    openForProject(const QString& projectPath);

    QString path() const { return m_path; }
    const TraceStorePtr& traces() const { return m_traces; }

    // Returns the new state's id. `state` is what exportDspyStateJson / Module::saveState give.
    Expected<qint64, QString> saveProgramState(const QString& program, const QString& label,
                                               const Object& state);
    // Newest first; every program's when `program` is empty.
    Expected<QList<SavedProgramState>, QString> listStates(const QString& program = {}) const;
    Expected<Object, QString> loadState(qint64 id) const;
    // False when there is no such state.
    Expected<bool, QString> deleteState(qint64 id);

private:
    ProjectDatabase() = default;
    QString m_path;
    TraceStorePtr m_traces;
};

} // namespace dspy
