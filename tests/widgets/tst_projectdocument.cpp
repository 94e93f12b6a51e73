// ProjectDocument: undo/redo and dirty state, typing bursts merged, atomic save, broken and newer
// files refused untouched, autosave beside (never over) the file, crash recovery.

#include "projectdocument.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;
using namespace dspy::ui;

namespace {

QByteArray readBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A copy of the arithmetic sample project with one signature entry.
QString makeProject(const QTemporaryDir& dir)
{
    auto project =
        Project::load(QStringLiteral(DSPY_SOURCE_DIR "/resources/projects/arithmetic.dspyproj"));
    if (!project)
        qFatal("%s", qPrintable(project.error()));
    (*project)->signatures = {{QStringLiteral("qa"), QStringLiteral("question -> answer"), {}}};
    const QString path = dir.filePath(QStringLiteral("demo.dspyproj"));
    if (!(*project)->save(path))
        qFatal("cannot save");
    return path;
}

QString signatureText(const ProjectDocument& doc)
{
    return doc.project()->signatures.value(0).text;
}

} // namespace

class TstProjectDocument : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void undoRedoAndDirtyState()
    {
        QTemporaryDir dir;
        auto doc = ProjectDocument::open(makeProject(dir));
        QVERIFY2(doc, qPrintable(doc ? QString() : doc.error()));
        std::unique_ptr<ProjectDocument> d(*doc);
        QSignalSpy dirty(d.get(), &ProjectDocument::dirtyChanged);
        QVERIFY(!d->isDirty());
        // One burst of typing is one undo step.
        QVERIFY(d->setSignatureText(QStringLiteral("qa"), QStringLiteral("question -> a")));
        QVERIFY(d->setSignatureText(QStringLiteral("qa"), QStringLiteral("question -> an")));
        QVERIFY(
            d->setSignatureText(QStringLiteral("qa"), QStringLiteral("question -> answer: int")));
        QCOMPARE(d->undoStack()->count(), 1);
        QVERIFY(d->isDirty());
        QCOMPARE(dirty.count(), 1);
        d->endEditBurst();
        QVERIFY(d->setSignatureText(QStringLiteral("qa"), QStringLiteral("q -> answer: int")));
        QCOMPARE(d->undoStack()->count(), 2);
        QVERIFY(!d->setSignatureText(QStringLiteral("nope"), QStringLiteral("a -> b")));

        d->undoStack()->undo();
        QCOMPARE(signatureText(*d), QStringLiteral("question -> answer: int"));
        d->undoStack()->undo();
        QCOMPARE(signatureText(*d), QStringLiteral("question -> answer"));
        QVERIFY(!d->isDirty()); // back at the clean state
        d->undoStack()->redo();
        QCOMPARE(signatureText(*d), QStringLiteral("question -> answer: int"));
        QVERIFY(d->isDirty());
    }

    void saveIsAtomicAndCleans()
    {
        QTemporaryDir dir;
        const QString path = makeProject(dir);
        std::unique_ptr<ProjectDocument> d(*ProjectDocument::open(path));
        QSignalSpy saved(d.get(), &ProjectDocument::saved);
        d->setSignatureText(QStringLiteral("qa"), QStringLiteral("question -> answer: float"));
        QVERIFY(d->save());
        QVERIFY(!d->isDirty());
        QCOMPARE(saved.count(), 1);
        QVERIFY(readBytes(path).contains("question -> answer: float"));
        auto reloaded = Project::load(path);
        QVERIFY(reloaded);
        QCOMPARE((*reloaded)->toJson(), d->project()->toJson());
        // Undo after a save makes it dirty again.
        d->undoStack()->undo();
        QVERIFY(d->isDirty());
        // Save As moves the document.
        const QString other = dir.filePath(QStringLiteral("other.dspyproj"));
        QVERIFY(d->saveAs(other));
        QCOMPARE(d->path(), other);
        QCOMPARE(d->displayName(), QStringLiteral("other.dspyproj"));
        QVERIFY(!readBytes(other).contains("answer: float"));
        // An unsaved document has no file to save to.
        ProjectDocument fresh(std::make_unique<Project>());
        QVERIFY(!fresh.save());
    }

    void brokenAndNewerFilesAreRefusedUntouched()
    {
        QTemporaryDir dir;
        for (const QByteArray& bytes :
             {QByteArray("{\"format_version\": 2, \"programs\": [ broken"),
              QByteArray("{\"format_version\": 99}\n")}) {
            const QString path = dir.filePath(QStringLiteral("bad.dspyproj"));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(bytes);
            f.close();
            auto doc = ProjectDocument::open(path);
            QVERIFY(!doc);
            QVERIFY(!doc.error().isEmpty());
            QCOMPARE(readBytes(path), bytes);
        }
    }

    void autosaveAndRecovery()
    {
        QTemporaryDir dir;
        const QString path = makeProject(dir);
        const QByteArray original = readBytes(path);
        {
            std::unique_ptr<ProjectDocument> d(*ProjectDocument::open(path));
            QCOMPARE(d->autosavePath(), dir.filePath(QStringLiteral(".demo.dspyproj.autosave")));
            d->setAutosaveInterval(20);
            QSignalSpy autosaved(d.get(), &ProjectDocument::autosaved);
            d->setSignatureText(QStringLiteral("qa"), QStringLiteral("question -> answer: bool"));
            // The timer fires while dirty; the write happens on a worker.
            QVERIFY(autosaved.wait(5000));
            QCOMPARE(autosaved.first().at(0).toBool(), true);
            QVERIFY(readBytes(d->autosavePath()).contains("answer: bool"));
            QCOMPARE(readBytes(path), original); // never the project file
            // "Crash": the document goes away without save() or discard().
            d->setAutosaveInterval(0);
            d->waitForAutosave();
        }
        QVERIFY(ProjectDocument::hasNewerAutosave(path));
        std::unique_ptr<ProjectDocument> again(*ProjectDocument::open(path));
        QCOMPARE(signatureText(*again), QStringLiteral("question -> answer"));
        QSignalSpy replaced(again.get(), &ProjectDocument::projectReplaced);
        // Editors hold pointers into the project: a restore keeps its objects.
        Project* projectBefore = again->project();
        ProgramGraph* graphBefore = again->project()->program(QStringLiteral("main"));
        QVERIFY(graphBefore);
        QVERIFY(again->restoreAutosave());
        QCOMPARE(again->project(), projectBefore);
        QCOMPARE(again->project()->program(QStringLiteral("main")), graphBefore);
        QCOMPARE(replaced.count(), 1);
        QCOMPARE(signatureText(*again), QStringLiteral("question -> answer: bool"));
        QVERIFY(again->isDirty());
        QCOMPARE(readBytes(path), original);
        again->undoStack()->undo(); // the restore is undoable
        QCOMPARE(signatureText(*again), QStringLiteral("question -> answer"));
        again->undoStack()->redo();
        // A clean save removes the autosave.
        QVERIFY(again->save());
        QVERIFY(!QFile::exists(again->autosavePath()));
        QVERIFY(!ProjectDocument::hasNewerAutosave(path));

        // discard() removes it too; a broken autosave restores nothing.
        again->setSignatureText(QStringLiteral("qa"), QStringLiteral("x -> y"));
        again->autosaveNow();
        again->waitForAutosave();
        QVERIFY(QFile::exists(again->autosavePath()));
        {
            QFile f(again->autosavePath());
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("{ not json");
        }
        QVERIFY(!again->restoreAutosave());
        QCOMPARE(signatureText(*again), QStringLiteral("x -> y"));
        again->discard();
        QVERIFY(!QFile::exists(again->autosavePath()));
    }
};

QTEST_MAIN(TstProjectDocument)
#include "tst_projectdocument.moc"
