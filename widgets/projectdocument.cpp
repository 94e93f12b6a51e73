#include "projectdocument.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

namespace dspy::ui {

namespace {
constexpr int kSignatureTextId = 0x5167;
} // namespace

class SignatureTextCommand final : public QUndoCommand
{
public:
    SignatureTextCommand(ProjectDocument* doc, QString name, QString before, QString after,
                         int burst)
        : m_doc(doc)
        , m_name(std::move(name))
        , m_before(std::move(before))
        , m_after(std::move(after))
        , m_burst(burst)
    {
        setText(QObject::tr("Edit signature %1").arg(m_name));
    }
    int id() const override { return kSignatureTextId; }
    bool mergeWith(const QUndoCommand* other) override
    {
        const auto* o = static_cast<const SignatureTextCommand*>(other);
        if (o->m_name != m_name || o->m_burst != m_burst)
            return false;
        m_after = o->m_after;
        return true;
    }
    void redo() override { m_doc->applySignatureText(m_name, m_after); }
    void undo() override { m_doc->applySignatureText(m_name, m_before); }

private:
    ProjectDocument* m_doc;
    QString m_name, m_before, m_after;
    int m_burst;
};

class ReplaceProjectCommand final : public QUndoCommand
{
public:
    ReplaceProjectCommand(ProjectDocument* doc, QString before, QString after, const QString& text)
        : QUndoCommand(text)
        , m_doc(doc)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {}
    void redo() override { m_doc->applyProjectJson(m_after); }
    void undo() override { m_doc->applyProjectJson(m_before); }

private:
    ProjectDocument* m_doc;
    QString m_before, m_after;
};

Expected<ProjectDocument*, QString> ProjectDocument::open(const QString& path, QObject* parent)
{
    auto project = Project::load(path);
    if (!project)
        return unexpected(project.error());
    return new ProjectDocument(std::move(project.value()), QFileInfo(path).absoluteFilePath(),
                               parent);
}

ProjectDocument::ProjectDocument(std::unique_ptr<Project> project, const QString& path,
                                 QObject* parent)
    : QObject(parent)
    , m_project(project ? std::move(project) : std::make_unique<Project>())
    , m_path(path)
    , m_undo(new QUndoStack(this))
{
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) {
        Q_EMIT dirtyChanged(!clean);
        if (clean)
            m_autosaveTimer.stop();
        else if (m_autosaveMs > 0)
            m_autosaveTimer.start(m_autosaveMs);
    });
    connect(m_undo, &QUndoStack::indexChanged, this, [this] { Q_EMIT changed(); });
    m_autosaveTimer.setSingleShot(false);
    connect(&m_autosaveTimer, &QTimer::timeout, this, &ProjectDocument::autosaveNow);
    connect(&m_autosaveWatcher, &QFutureWatcher<QString>::finished, this,
            &ProjectDocument::writeAutosaveFinished);
}

ProjectDocument::~ProjectDocument()
{
    waitForAutosave();
}

QString ProjectDocument::displayName() const
{
    if (!m_path.isEmpty())
        return QFileInfo(m_path).fileName();
    return m_project->name.isEmpty() ? tr("Untitled") : m_project->name;
}

Expected<void, QString> ProjectDocument::save()
{
    if (m_path.isEmpty())
        return unexpected(tr("The project has no file yet; use Save As."));
    return saveAs(m_path);
}

Expected<void, QString> ProjectDocument::saveAs(const QString& path)
{
    waitForAutosave();
    if (auto ok = m_project->save(path); !ok)
        return ok;
    const QString oldAutosave = m_path.isEmpty() ? QString() : autosavePath();
    m_path = QFileInfo(path).absoluteFilePath();
    m_undo->setClean();
    if (!oldAutosave.isEmpty())
        QFile::remove(oldAutosave);
    QFile::remove(autosavePath());
    Q_EMIT saved(m_path);
    return {};
}

QString ProjectDocument::autosavePathFor(const QString& projectPath)
{
    const QFileInfo info(projectPath);
    return info.dir().filePath(QLatin1Char('.') + info.fileName() + QStringLiteral(".autosave"));
}

bool ProjectDocument::hasNewerAutosave(const QString& projectPath)
{
    const QFileInfo autosave(autosavePathFor(projectPath));
    if (!autosave.exists())
        return false;
    const QFileInfo file(projectPath);
    return !file.exists() || autosave.lastModified() >= file.lastModified();
}

Expected<void, QString> ProjectDocument::restoreAutosave()
{
    QFile f(autosavePath());
    if (!f.open(QIODevice::ReadOnly))
        return unexpected(tr("Cannot read %1: %2").arg(f.fileName(), f.errorString()));
    const QString json = QString::fromUtf8(f.readAll());
    // Check before replacing: a broken autosave changes nothing.
    auto parsed = Project::fromJson(json, f.fileName());
    if (!parsed)
        return unexpected(parsed.error());
    replaceProject((*parsed)->toJson(), tr("Restore autosave"));
    return {};
}

void ProjectDocument::setAutosaveInterval(int ms)
{
    m_autosaveMs = std::max(0, ms);
    if (m_autosaveMs == 0)
        m_autosaveTimer.stop();
    else if (isDirty())
        m_autosaveTimer.start(m_autosaveMs);
}

void ProjectDocument::autosaveNow()
{
    if (m_path.isEmpty() || m_autosaveWatcher.isRunning())
        return;
    const QString target = autosavePath();
    const QByteArray bytes = m_project->toJson().toUtf8(); // GUI thread: a few KB
    m_autosaveWatcher.setFuture(QtConcurrent::run([target, bytes]() -> QString {
        QSaveFile f(target);
        if (!f.open(QIODevice::WriteOnly))
            return f.errorString();
        if (f.write(bytes) != bytes.size())
            return f.errorString();
        if (!f.commit())
            return f.errorString();
        return {};
    }));
}

void ProjectDocument::waitForAutosave()
{
    if (m_autosaveWatcher.isRunning())
        m_autosaveWatcher.waitForFinished();
}

void ProjectDocument::writeAutosaveFinished()
{
    const QString error = m_autosaveWatcher.result();
    Q_EMIT autosaved(error.isEmpty(), error);
}

void ProjectDocument::discard()
{
    m_autosaveTimer.stop();
    waitForAutosave();
    if (!m_path.isEmpty())
        QFile::remove(autosavePath());
}

void ProjectDocument::replaceProject(const QString& json, const QString& text)
{
    m_undo->push(new ReplaceProjectCommand(this, m_project->toJson(), json, text));
}

bool ProjectDocument::setSignatureText(const QString& name, const QString& text)
{
    for (const SignatureEntry& s : m_project->signatures) {
        if (s.name != name)
            continue;
        if (s.text == text)
            return true;
        m_undo->push(new SignatureTextCommand(this, name, s.text, text, m_burst));
        return true;
    }
    return false;
}

void ProjectDocument::applySignatureText(const QString& name, const QString& text)
{
    for (SignatureEntry& s : m_project->signatures) {
        if (s.name == name)
            s.text = text;
    }
}

void ProjectDocument::applyProjectJson(const QString& json)
{
    auto parsed = Project::fromJson(json, m_path);
    if (!parsed)
        return; // cannot happen: the text was written by toJson() or checked before
    Q_EMIT aboutToReplaceProject();
    // In place: the Project object and every surviving ProgramGraph keep their addresses, so
    // editors (and the graph commands on the undo stack) that point into them stay valid; a
    // program that goes away is retired, not destroyed, for the same reason.
    Project& from = **parsed;
    m_project->name = from.name;
    m_project->signatures = from.signatures;
    m_project->datasets = from.datasets;
    m_project->metrics = from.metrics;
    m_project->lmProfiles = from.lmProfiles;
    m_project->optimizerPresets = from.optimizerPresets;
    for (const QString& name : m_project->programNames()) {
        if (!from.program(name))
            m_retired.push_back(m_project->takeProgram(name));
    }
    for (const QString& name : from.programNames()) {
        ProgramGraph* target = m_project->program(name);
        if (!target)
            target = m_project->addProgram(name);
        const Object program = graphToObject(*from.program(name));
        if (graphToObject(*target) != program)
            graphFromObject(program, *target);
    }
    Q_EMIT projectReplaced();
}

} // namespace dspy::ui
