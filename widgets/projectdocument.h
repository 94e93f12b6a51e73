#pragma once

// ProjectDocument — the open NAME.dspyproj in the workbench: the core Project, one QUndoStack for
// every change to it (graph edits, signature text, settings), dirty state from the stack's clean
// index, atomic saves, autosave and crash recovery.
//
// Autosave: while dirty, every interval (default 60 s) the project is serialised on the GUI
// thread (fast: it is a few KB of JSON) and written to `<dir>/.NAME.dspyproj.autosave` with
// QSaveFile on a worker thread — never to the project file itself. A clean save or close()
// removes the autosave. At open, hasNewerAutosave() tells whether an autosave newer than the file
// survived a crash; restoreAutosave() loads it (the document is then dirty, the file untouched).

#include "graph/projectfile.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>
#include <QUndoCommand>
#include <QUndoStack>

#include <memory>
#include <vector>

namespace dspy::ui {

class ProjectDocument final : public QObject
{
    Q_OBJECT
public:
    // Refuses (with Project::load's message) a broken file or one of a newer version; the file
    // is never written by a refused open.
    static Expected<ProjectDocument*, QString> open(const QString& path, QObject* parent = nullptr);
    // A new, unsaved project (path may be empty until saveAs).
    explicit ProjectDocument(std::unique_ptr<Project> project, const QString& path = {},
                             QObject* parent = nullptr);
    ~ProjectDocument() override;

    Project* project() const { return m_project.get(); }
    QUndoStack* undoStack() const { return m_undo; }
    QString path() const { return m_path; }
    QString displayName() const; // the file name, or the project's name when unsaved
    bool isDirty() const { return !m_undo->isClean(); }

    Expected<void, QString> save();
    Expected<void, QString> saveAs(const QString& path);

    static QString autosavePathFor(const QString& projectPath);
    QString autosavePath() const { return autosavePathFor(m_path); }
    static bool hasNewerAutosave(const QString& projectPath);
    // Replaces the project with the autosave's content (an undoable change; the file is kept).
    Expected<void, QString> restoreAutosave();
    void setAutosaveInterval(int ms); // 0: off
    int autosaveInterval() const { return m_autosaveMs; }
    // Starts an autosave now (when there is a path); autosaved() reports it.
    void autosaveNow();
    // Waits for a running autosave (tests, and before the window closes).
    void waitForAutosave();
    // Ends the document without saving: the autosave is removed.
    void discard();

    // Replaces the whole project's content (restore, revert) in place: the Project object and the
    // programs that stay keep their addresses. Undoable.
    void replaceProject(const QString& json, const QString& text);

    // Signature text of the project's signature `name`, as an undoable command; consecutive edits
    // of the same signature within one burst merge into one command.
    bool setSignatureText(const QString& name, const QString& text);
    // Ends the current typing burst: the next edit is a new undo step.
    void endEditBurst() { ++m_burst; }

Q_SIGNALS:
    void dirtyChanged(bool dirty);
    void changed(); // anything in the project changed (done, undone or redone)
    void saved(const QString& path);
    void autosaved(bool ok, const QString& error);
    // The project's content is replaced (restore, undo of a restore); programs it removes are
    // retired (their editors should close); the others changed in place, with their signals.
    void aboutToReplaceProject();
    void projectReplaced();

private:
    friend class SignatureTextCommand;
    friend class ReplaceProjectCommand;
    void applySignatureText(const QString& name, const QString& text);
    void applyProjectJson(const QString& json);
    void writeAutosaveFinished();

    std::unique_ptr<Project> m_project;
    QString m_path;
    QUndoStack* m_undo = nullptr;
    QTimer m_autosaveTimer;
    int m_autosaveMs = 60000;
    QFutureWatcher<QString> m_autosaveWatcher;
    int m_burst = 0;
    std::vector<std::unique_ptr<ProgramGraph>> m_retired; // programs a replace removed
};

} // namespace dspy::ui
