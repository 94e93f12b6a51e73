// The workbench shell: the main flow (open a sample, edit its signature, run an example on the
// simulated LM, evaluate) through the main window, the layout saved on close, and the
// dspy-workbench binary's --screenshot mode.

#include "datasets/dataset.h"
#include "datasetview.h"
#include "evaluateview.h"
#include "graph/graphcommands.h"
#include "graph/grapheditor.h"
#include "graph/graphscene.h"
#include "lmprofiledialog.h"
#include "mainwindow.h"
#include "nodeinspector.h"
#include "projectdocument.h"
#include "qsci.h"
#include "signatureeditor.h"
#include "traceinspector.h"
#include "tracemodel.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDropEvent>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>
#include <QUndoStack>
#include <QUndoView>
#include <QUrl>

using namespace dspy;
using namespace dspy::ui;

namespace {

// A writable copy of a bundled sample project in dir, named `as`; empty when it cannot be made.
QString copySampleProject(const QTemporaryDir& dir, const QString& sample, const QString& as)
{
    const QString path = dir.filePath(as);
    if (!QFile::copy(QStringLiteral(DSPY_SOURCE_DIR "/resources/projects/") + sample +
                         QStringLiteral(".dspyproj"),
                     path))
        return {};
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return path;
}

// The sample's layout: DIR/projects/SAMPLE.dspyproj reads ../datasets/*.
QString copySampleLayout(const QTemporaryDir& dir, const QString& sample)
{
    if (!QDir(dir.path()).mkpath(QStringLiteral("projects")) ||
        !QDir(dir.path()).mkpath(QStringLiteral("datasets")))
        return {};
    const QString path = copySampleProject(
        dir, sample, QStringLiteral("projects/") + sample + QStringLiteral(".dspyproj"));
    const QDir data(QStringLiteral(DSPY_SOURCE_DIR "/resources/datasets"));
    for (const QString& f : data.entryList(QDir::Files)) {
        if (!QFile::copy(data.filePath(f), dir.filePath(QStringLiteral("datasets/") + f)))
            return {};
    }
    return path;
}

} // namespace

class TestWorkbench : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
        qputenv("XDG_DATA_HOME", m_config.path().toUtf8()); // the session's trace file
        QCoreApplication::setOrganizationName(QStringLiteral("dspy-workbench-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_workbench"));
    }

    void theWindowHasItsDocksToolbarAndWelcomePage()
    {
        MainWindow window;
        QCOMPARE(window.findChildren<QDockWidget*>().size(), 3);
        QCOMPARE(window.tabs()->count(), 1);
        auto* samples = window.findChild<QListWidget*>(QStringLiteral("samples"));
        QVERIFY(samples);
        QCOMPARE(samples->count(), 3);
        QVERIFY(samples->item(0)->text().startsWith(QStringLiteral("arithmetic")));
        QCOMPARE(window.profileSelector()->currentText(), QStringLiteral("Simulated LM (offline)"));
        QCOMPARE(window.currentModel(), QStringLiteral("lmsim/sim"));
        QVERIFY(window.statusText().contains(QStringLiteral("in flight")));
        // Activating a sample on the Welcome page opens its signature.
        Q_EMIT samples->itemActivated(samples->item(1));
        auto* editor = qobject_cast<SignatureEditor*>(window.tabs()->currentWidget());
        QVERIFY(editor);
        QVERIFY(editor->text().startsWith(QStringLiteral("ticket")));
    }

    void openEditRunAndEvaluate()
    {
        QTemporaryDir project;
        MainWindow window(project.path());
        window.show();
        SignatureEditor* editor = window.openSample(QStringLiteral("arithmetic"));
        QVERIFY(editor);
        QCOMPARE(window.openSample(QStringLiteral("arithmetic")), editor); // focused, not reopened
        QCOMPARE(editor->text(), QStringLiteral("question -> answer: int"));

        // A broken signature cannot run; the log says why.
        editor->setText(QStringLiteral("question -> answer: innt"));
        QVERIFY(!editor->signature());
        QVERIFY(window.runExample().isEmpty());
        QVERIFY(window.log()->toPlainText().contains(QStringLiteral("Cannot run")));

        // Edited by typing: the run uses the edited signature (an extra output field).
        editor->setText(QStringLiteral("question -> answer: int"));
        editor->editor()->setCursorPosition(0, int(editor->text().size()));
        QTest::keyClicks(editor->editor(), QStringLiteral(", note"));
        QTRY_VERIFY(editor->signature() && editor->signature()->outputFields().size() == 2);

        QSignalSpy example(&window, &MainWindow::exampleFinished);
        const QString runId = window.runExample();
        QVERIFY(!runId.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(example.size(), 1, 30000);
        const auto outcome = example.first().first().value<PredictOutcome>();
        QCOMPARE(outcome.runId, runId);
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QVERIFY(outcome.prediction.contains(u"note"));
        QVERIFY(!outcome.trace.isEmpty());
        QVERIFY(window.log()->toPlainText().contains(QStringLiteral("Prediction")));

        QSignalSpy evaluated(window.evaluateView(), &EvaluateView::finished);
        window.evaluateView()->setLimit(10);
        window.evaluate();
        QCOMPARE(window.tabs()->currentWidget(), window.evaluateView());
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 1, 30000);
        QCOMPARE(window.evaluateView()->resultsModel()->rowCount(), 10);
        // The status bar counts the session's LM calls.
        QTRY_VERIFY(window.runManager()->sessionStats()->snapshot().calls >= 11);
        // The runs were traced: the trace inspector lists them (newest runs from the store).
        QTRY_VERIFY(window.traceInspector()->model()->rowCount() >= 2);
        QTRY_VERIFY(window.statusText().contains(QStringLiteral("0 calls in flight")) ||
                    window.statusText().contains(QStringLiteral("0 call(s) in flight")));
    }

    void theLayoutIsSavedOnClose()
    {
        {
            MainWindow window(QStringLiteral("/tmp/some-project"));
            window.resize(900, 700);
            window.show();
            window.close();
        }
        QSettings settings;
        QVERIFY(!settings.value(QStringLiteral("window/state")).toByteArray().isEmpty());
        QCOMPARE(settings.value(QStringLiteral("project/last")).toString(),
                 QStringLiteral("/tmp/some-project"));
        MainWindow again;
        QVERIFY(again.restoreState(settings.value(QStringLiteral("window/state")).toByteArray()));
    }

    // A .dspyproj opens as a document: its programs in the Project dock, edits undoable with the
    // title marked, NAME.dspydb beside it, unsaved changes asked about on close.
    void aProjectFileOpensAsAnUndoableDocument()
    {
        QTemporaryDir dir;
        const QString path =
            copySampleProject(dir, QStringLiteral("arithmetic"), QStringLiteral("arith.dspyproj"));
        QVERIFY(!path.isEmpty());
        auto window = std::make_unique<MainWindow>(path);
        QVERIFY2(window->document(), qPrintable(window->projectError()));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("arith.dspydb"))));
        QCOMPARE(window->windowTitle(), QStringLiteral("arith.dspyproj — DSPy Workbench"));
        QWidget* program = window->openProgram(QStringLiteral("main"));
        QVERIFY(program);
        auto* graphEditor = qobject_cast<GraphEditor*>(program);
        QVERIFY(graphEditor);
        QCOMPARE(graphEditor->graph(),
                 window->document()->project()->program(QStringLiteral("main")));
        // A graph edit is a command on the project's stack.
        QCOMPARE(window->document()->undoStack()->count(), 0);
        pushAutoLayout(window->document()->undoStack(), graphEditor->graph());
        QCOMPARE(window->document()->undoStack()->count(), 1);
        window->document()->undoStack()->undo();
        QVERIFY(!window->document()->isDirty());
        QCOMPARE(window->tabs()->currentWidget(), program);
        QCOMPARE(window->openProgram(QStringLiteral("main")), program); // focused, not reopened
        QVERIFY(!window->openProgram(QStringLiteral("nope")));

        auto* undo = window->findChild<QAction*>(QStringLiteral("actionUndo"));
        QVERIFY(undo);
        QVERIFY(!undo->isEnabled());
        QVERIFY(window->document()->setSignatureText(QStringLiteral("task"),
                                                     QStringLiteral("question -> answer: float")));
        QVERIFY(undo->isEnabled());
        QCOMPARE(window->windowTitle(), QStringLiteral("arith.dspyproj* — DSPy Workbench"));
        auto* history = window->findChild<QUndoView*>(QStringLiteral("undoHistory"));
        QVERIFY(history);
        QCOMPARE(history->stack(), window->document()->undoStack());
        QCOMPARE(history->model()->rowCount(), 2); // "<opened>" and the edit
        undo->trigger();
        QCOMPARE(window->document()->project()->signatures.value(0).text,
                 QStringLiteral("question -> answer: int"));
        QCOMPARE(window->windowTitle(), QStringLiteral("arith.dspyproj — DSPy Workbench"));
        window->findChild<QAction*>(QStringLiteral("actionRedo"))->trigger();
        QVERIFY(window->document()->isDirty());

        // Closing with unsaved changes: Cancel keeps the window, Discard closes without saving.
        const QByteArray onDisk = [&] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        int asked = 0;
        MainWindow::unsavedPrompt() = [&](const QString&) { return ++asked == 1 ? 2 : 1; };
        window->show();
        QVERIFY(!window->close());
        QVERIFY(window->isVisible());
        window->document()->autosaveNow();
        window->document()->waitForAutosave();
        QVERIFY(QFile::exists(window->document()->autosavePath()));
        QVERIFY(window->close());
        QCOMPARE(asked, 2);
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral(".arith.dspyproj.autosave"))));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), onDisk);
        window.reset();

        // Crash recovery: an autosave newer than the file is offered and restored.
        {
            ProjectDocument* doc = *ProjectDocument::open(path);
            doc->setSignatureText(QStringLiteral("task"),
                                  QStringLiteral("question -> answer: bool"));
            doc->autosaveNow();
            doc->waitForAutosave();
            delete doc; // no discard(): as if the process had died
        }
        bool offered = false;
        MainWindow::recoveryPrompt() = [&](const QString&) { return offered = true; };
        MainWindow recovered(path);
        QVERIFY(offered);
        QCOMPARE(recovered.document()->project()->signatures.value(0).text,
                 QStringLiteral("question -> answer: bool"));
        QVERIFY(recovered.document()->isDirty());
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
    }

    // LM profiles: the project's in the selector (the simulated ones labelled so), a new one saved
    // into the project as an undoable change, runs taking the whole profile; without a project
    // they are kept in the settings.
    void profilesPersist()
    {
        QTemporaryDir dir;
        const QString path =
            copySampleProject(dir, QStringLiteral("arithmetic"), QStringLiteral("arith.dspyproj"));
        QVERIFY(!path.isEmpty());
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QComboBox* selector = window.profileSelector();
        QStringList labels;
        for (int i = 0; i < selector->count(); ++i)
            labels << selector->itemText(i);
        QCOMPARE(labels, (QStringList{QStringLiteral("Simulated LM (offline)"),
                                      QStringLiteral("offline — simulated LM (offline)"),
                                      QStringLiteral("openai (openai/gpt-4o-mini)")}));
        dspy::ui::LMProfile local;
        local.name = QStringLiteral("local");
        local.lm.model = QStringLiteral("hosted_vllm/qwen");
        local.lm.apiBase = QStringLiteral("http:") + QStringLiteral("//127.0.0.1:8000/v1");
        local.lm.temperature = 0.2;
        window.addProfile(local);
        QCOMPARE(selector->currentText(), QStringLiteral("local (hosted_vllm/qwen)"));
        QCOMPARE(window.currentLM().apiBase, local.lm.apiBase);
        QCOMPARE(window.currentLM().temperature, std::optional<double>(0.2));
        const dspy::LMProfile* stored =
            window.document()->project()->lmProfile(QStringLiteral("local"));
        QVERIFY(stored);
        QCOMPARE(stored->settings.value(u"api_base").toString(), local.lm.apiBase);
        QVERIFY(window.document()->isDirty());
        window.document()->undoStack()->undo();
        QVERIFY(!window.document()->project()->lmProfile(QStringLiteral("local")));
        QCOMPARE(selector->count(), 3);

        MainWindow bare;
        bare.addProfile(local);
        MainWindow later;
        QVERIFY(later.profileSelector()->findText(QStringLiteral("local (hosted_vllm/qwen)")) > 0);
    }

    // The project flow: open a project → run an example → find its call in the trace → add it to
    // the project's dataset with the label corrected → undo; the dataset saves to its file.
    void runTraceAndAddToTheProjectsDataset()
    {
        QTemporaryDir dir;
        auto project = Project::load(
            QStringLiteral(DSPY_SOURCE_DIR "/resources/projects/arithmetic.dspyproj"));
        QVERIFY(project);
        (*project)->datasets.first().path = QStringLiteral("data.jsonl");
        const QString path = dir.filePath(QStringLiteral("flow.dspyproj"));
        QVERIFY((*project)->save(path));
        {
            QFile f(dir.filePath(QStringLiteral("data.jsonl")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"question\": \"What is 1 plus 1?\", \"answer\": 2}\n");
        }
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QVERIFY2(window.document(), qPrintable(window.projectError()));
        DatasetView* data = window.openDataset(QStringLiteral("arithmetic"));
        QVERIFY(data);
        QCOMPARE(data->model()->rowCount(), 1);
        QCOMPARE(data->model()->inputKeys(), QStringList{QStringLiteral("question")});

        QSignalSpy example(&window, &MainWindow::exampleFinished);
        window.openSample(QStringLiteral("arithmetic"));
        const QString runId = window.runExample();
        QVERIFY(!runId.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(example.size(), 1, 30000);
        // The run's Predict span, from the project's trace store (NAME.dspydb).
        const TraceStorePtr store = window.runManager()->traceStore();
        QVERIFY(store);
        auto findModule = [&]() -> std::optional<Span> {
            auto spans = store->spansAt(runId, 0, 100);
            if (!spans)
                return std::nullopt;
            for (const Span& sp : *spans) {
                if (sp.inputs.isObject() && sp.outputs.isObject() &&
                    sp.outputs.toObject().contains(u"answer"))
                    return sp;
            }
            return std::nullopt;
        };
        QTRY_VERIFY_WITH_TIMEOUT(findModule().has_value(), 10000);
        const std::optional<Span> module = findModule();
        QVERIFY(module);
        window.traceInspector()->showSpan(*module);
        QVERIFY(window.addTracedExampleToDataset({}, false));
        QCOMPARE(data->model()->rowCount(), 2);
        QCOMPARE(data->model()->examples().at(1).get(u"question"),
                 module->inputs.toObject().value(u"question"));
        QVERIFY(window.document()->isDirty());
        window.document()->undoStack()->undo();
        QCOMPARE(data->model()->rowCount(), 1);
        window.document()->undoStack()->redo();
        QVERIFY(data->model()->save());
        auto saved = loadJsonl(dir.filePath(QStringLiteral("data.jsonl")));
        QVERIFY(saved);
        QCOMPARE(saved->size(), 2);
    }

    void projectSignaturesEditThroughTheUndoStack()
    {
        QTemporaryDir dir;
        const QString path =
            copySampleProject(dir, QStringLiteral("arithmetic"), QStringLiteral("sigs.dspyproj"));
        QVERIFY(!path.isEmpty());
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QVERIFY2(window.document(), qPrintable(window.projectError()));
        // The project's signature "task" is listed with the samples' signatures.
        auto* tree = window.findChild<QTreeWidget*>();
        QVERIFY(tree);
        const auto items =
            tree->findItems(QStringLiteral("task"), Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first()->parent()->text(0), QStringLiteral("Signatures"));
        Q_EMIT tree->itemActivated(items.first(), 0);
        auto* editor = qobject_cast<SignatureEditor*>(window.tabs()->currentWidget());
        QVERIFY(editor);
        QCOMPARE(editor->text(), QStringLiteral("question -> answer: int"));
        QCOMPARE(window.openProjectSignature(QStringLiteral("task")), editor); // one tab each

        QUndoStack* stack = window.document()->undoStack();
        const int before = stack->count();
        editor->setText(QStringLiteral("question -> answer: float"));
        QCOMPARE(window.document()->project()->signatures.first().text,
                 QStringLiteral("question -> answer: float"));
        QCOMPARE(stack->count(), before + 1);
        QVERIFY(window.windowTitle().contains(QLatin1Char('*')));
        stack->undo();
        QCOMPARE(window.document()->project()->signatures.first().text,
                 QStringLiteral("question -> answer: int"));
        QCOMPARE(editor->text(), QStringLiteral("question -> answer: int"));
        stack->redo();
        QCOMPARE(editor->text(), QStringLiteral("question -> answer: float"));
        // Saved into the file.
        QVERIFY(window.document()->save().hasValue());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("question -> answer: float"));
    }

    void programsExportAndImportDspyJson()
    {
        QTemporaryDir dir;
        const QString path =
            copySampleProject(dir, QStringLiteral("arithmetic"), QStringLiteral("io.dspyproj"));
        QVERIFY(!path.isEmpty());
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QVERIFY2(window.document(), qPrintable(window.projectError()));
        QCOMPARE(window.currentProgramName(), QString());
        auto* editor = qobject_cast<GraphEditor*>(window.openProgram(QStringLiteral("main")));
        QVERIFY(editor);
        QCOMPARE(window.currentProgramName(), QStringLiteral("main"));

        const QString out = dir.filePath(QStringLiteral("main.json"));
        auto exported = window.exportProgramJson(QStringLiteral("main"), out);
        QVERIFY2(exported, qPrintable(exported ? QString() : exported.error()));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        auto state = Value::fromJson(QString::fromUtf8(file.readAll()));
        QVERIFY(state && state->isObject());
        QVERIFY(state->toObject().contains(u"solve.predict")); // DSPy's predictor path
        file.close();

        // Edited as a Python user would, then imported: one undoable change.
        Object root = state->toObject();
        Object predict = root.value(u"solve.predict").toObject();
        Object sig = predict.value(u"signature").toObject();
        sig.insert(QStringLiteral("instructions"), Value("Imported from Python."));
        predict.insert(QStringLiteral("signature"), Value(sig));
        root.insert(QStringLiteral("solve.predict"), Value(predict));
        const QString in = dir.filePath(QStringLiteral("in.json"));
        QFile edited(in);
        QVERIFY(edited.open(QIODevice::WriteOnly));
        edited.write(Value(root).toJson().toUtf8());
        edited.close();
        QUndoStack* stack = window.document()->undoStack();
        const int before = stack->count();
        auto imported = window.importProgramJson(QStringLiteral("main"), in);
        QVERIFY2(imported, qPrintable(imported ? QString() : imported.error()));
        QCOMPARE(stack->count(), before + 1);
        const ProgramGraph* graph = window.document()->project()->program(QStringLiteral("main"));
        const NodeId solve = graph->nodeByName(QStringLiteral("solve"));
        const auto instructions = [&] {
            return graph->node(solve)
                ->state.value(u"predict")
                .toObject()
                .value(u"signature")
                .toObject()
                .value(u"instructions")
                .toString();
        };
        QCOMPARE(instructions(), QStringLiteral("Imported from Python."));
        stack->undo();
        QVERIFY(instructions() != QStringLiteral("Imported from Python."));

        // A file that does not fit the program changes nothing and says why.
        QFile bad(in);
        QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Truncate));
        bad.write("{\"other.predict\": {}}");
        bad.close();
        const int count = stack->count();
        auto refused = window.importProgramJson(QStringLiteral("main"), in);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("solve")), qPrintable(refused.error()));
        QCOMPARE(stack->count(), count);
        QVERIFY(!window.exportProgramJson(QStringLiteral("nope"), out));
    }

    void selectingANodeEditsItInTheInspector()
    {
        QTemporaryDir dir;
        const QString path = copySampleProject(dir, QStringLiteral("arithmetic"),
                                               QStringLiteral("inspect.dspyproj"));
        QVERIFY(!path.isEmpty());
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QVERIFY2(window.document(), qPrintable(window.projectError()));
        auto* editor = qobject_cast<GraphEditor*>(window.openProgram(QStringLiteral("main")));
        QVERIFY(editor);
        QVERIFY(window.nodeInspectorShown());
        QCOMPARE(window.nodeInspector()->node(), InvalidNodeId); // nothing selected yet
        const NodeId solve = editor->graph()->nodeByName(QStringLiteral("solve"));
        editor->scene()->nodeItem(solve)->setSelected(true);
        QCOMPARE(window.nodeInspector()->node(), solve);
        QCOMPARE(window.nodeInspector()->nameEdit()->text(), QStringLiteral("solve"));

        // An inspector edit is a step of the project's undo stack, like a graph edit.
        QUndoStack* stack = window.document()->undoStack();
        const int before = stack->count();
        window.nodeInspector()->nameEdit()->setText(QStringLiteral("reason"));
        window.nodeInspector()->nameEdit()->setModified(true);
        Q_EMIT window.nodeInspector()->nameEdit()->editingFinished();
        QCOMPARE(stack->count(), before + 1);
        QVERIFY(editor->graph()->nodeByName(QStringLiteral("reason")) == solve);
        QVERIFY(window.windowTitle().contains(QLatin1Char('*')));
        stack->undo();
        QCOMPARE(window.nodeInspector()->nameEdit()->text(), QStringLiteral("solve"));

        // Another tab shows the project item's text again; back on the program, its node.
        window.tabs()->setCurrentIndex(0);
        QVERIFY(!window.nodeInspectorShown());
        window.tabs()->setCurrentWidget(editor);
        QVERIFY(window.nodeInspectorShown());
        QCOMPARE(window.nodeInspector()->node(), solve);
        editor->scene()->clearSelection();
        QCOMPARE(window.nodeInspector()->node(), InvalidNodeId);
    }

    void evaluateOnAProgramTabEvaluatesThatProgram()
    {
        QTemporaryDir dir;
        const QString path = copySampleLayout(dir, QStringLiteral("arithmetic"));
        QVERIFY(!path.isEmpty());
        { // a second dataset: the same file under another name
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            auto root = Value::fromJson(QString::fromUtf8(f.readAll()));
            f.close();
            Object o = root->toObject();
            Array datasets = o.value(u"datasets").toArray();
            Object copy = datasets.first().toObject();
            copy.insert(QStringLiteral("name"), Value("zz_copy"));
            datasets.append(Value(copy));
            o.insert(QStringLiteral("datasets"), Value(datasets));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(Value(o).toJson(JsonStyle{2, false, true}).toUtf8());
        }
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QVERIFY2(window.document(), qPrintable(window.projectError()));
        EvaluateView* view = window.evaluateView();
        view->setLimit(12);
        QVERIFY(window.openProgram(QStringLiteral("main"))); // the current tab
        QSignalSpy finished(view, &EvaluateView::finished);
        window.evaluate();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        // The project's program, dataset and metric, not a sample's Predict.
        QCOMPARE(view->sample(), QStringLiteral("Program main on arithmetic (exact)"));
        QVERIFY(view->result());
        QCOMPARE(view->result()->total, 12);
        QCOMPARE(view->result()->errors, 0);
        // The program's outputs (a sample's Predict would not know this project's dataset).
        QCOMPARE(view->result()->results.first().prediction.keys(),
                 QStringList{QStringLiteral("answer")});
        // Gold is the metric's field.
        const QString gold = view->resultsModel()->item(0, EvaluateView::GoldColumn)->text();
        QCOMPARE(gold, view->result()->results.first().example.get(u"answer").toJson());
        // The project's datasets and metrics are offered; another dataset is loaded and listed.
        QVERIFY(view->datasetBox()->isVisibleTo(view));
        QCOMPARE(view->datasetBox()->count(), 2);
        QCOMPARE(view->metricBox()->currentText(), QStringLiteral("exact"));
        view->datasetBox()->setCurrentText(QStringLiteral("zz_copy"));
        Q_EMIT view->datasetBox()->activated(view->datasetBox()->currentIndex());
        QTRY_COMPARE(view->sample(), QStringLiteral("Program main on zz_copy (exact)"));
        QCOMPARE(finished.size(), 1);                  // chosen, not started
        view->setSample(QStringLiteral("arithmetic")); // a bundled sample: no project choices
        QVERIFY(!view->datasetBox()->isVisibleTo(view));

        // A project whose dataset file is missing: nothing runs, the log says why.
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("datasets/arithmetic.jsonl"))));
        window.openProgram(QStringLiteral("main"));
        window.evaluate();
        QTRY_VERIFY(window.log()->toPlainText().contains(QStringLiteral("Cannot evaluate main")));
        QCOMPARE(finished.size(), 1);
    }

    void aNodeRunsOnTheProfileItPicks()
    {
        QTemporaryDir dir;
        const QString path = copySampleLayout(dir, QStringLiteral("arithmetic"));
        QVERIFY(!path.isEmpty());
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QVERIFY2(window.document(), qPrintable(window.projectError()));
        auto* editor = qobject_cast<GraphEditor*>(window.openProgram(QStringLiteral("main")));
        QVERIFY(editor);
        const NodeId solve = editor->graph()->nodeByName(QStringLiteral("solve"));
        editor->scene()->nodeItem(solve)->setSelected(true);
        // The project's profiles ("offline", "openai") are offered; pick "offline".
        QComboBox* lm = window.nodeInspector()->lmBox();
        QVERIFY(lm->findData(QStringLiteral("offline")) > 0);
        QVERIFY(lm->findData(QStringLiteral("openai")) > 0);
        lm->setCurrentIndex(lm->findData(QStringLiteral("offline")));
        Q_EMIT lm->activated(lm->currentIndex());
        editor->inputField(QStringLiteral("question"))->setText(QStringLiteral("What is 2 + 3?"));
        QSignalSpy finished(editor, &GraphEditor::runFinished);
        QVERIFY(!editor->run().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        auto outcome = finished.takeFirst().first().value<PredictOutcome>();
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        // A name the project does not have: the node fails, saying which.
        Object settings = editor->graph()->node(solve)->settings;
        settings.insert(QStringLiteral("lm"), Value("nosuch"));
        editor->graph()->setNodeSettings(solve, settings);
        QVERIFY(!editor->run().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        outcome = finished.takeFirst().first().value<PredictOutcome>();
        QVERIFY2(outcome.error.contains(QStringLiteral("LM profile 'nosuch' is not available")),
                 qPrintable(outcome.error));
    }

    void theRagSampleRunsInTheGraphEditor()
    {
        QTemporaryDir dir;
        const QString path = copySampleLayout(dir, QStringLiteral("rag"));
        QVERIFY(!path.isEmpty());
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QVERIFY2(window.document(), qPrintable(window.projectError()));
        auto* editor = qobject_cast<GraphEditor*>(window.openProgram(QStringLiteral("main")));
        QVERIFY(editor);
        editor->inputField(QStringLiteral("question"))
            ->setText(QStringLiteral("Who founded Kestgard Company?"));
        QSignalSpy finished(editor, &GraphEditor::runFinished);
        QVERIFY2(!editor->run().isEmpty(), qPrintable(editor->message()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const auto outcome = finished.first().first().value<PredictOutcome>();
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QVERIFY(!outcome.prediction.get(u"answer").toString().isEmpty());
        // The corpus was searched: the gold passage reached the answering node's prompt as
        // context (what the simulated LM then makes of it is its accuracy model's business).
        QCOMPARE(outcome.trace.size(), 1);
        QVERIFY(outcome.trace.first()
                    .inputs.value(u"context")
                    .toJson()
                    .contains(QStringLiteral("Quirin Istov")));
    }

    // Double-clicking a graph node opens that node's own span in the trace inspector; a row of
    // the evaluation table opens its example in the evaluation run.
    void aNodeAndAnEvaluationRowOpenTheirTraces()
    {
        QTemporaryDir dir;
        const QString path =
            copySampleProject(dir, QStringLiteral("arithmetic"), QStringLiteral("links.dspyproj"));
        QVERIFY(!path.isEmpty());
        MainWindow::unsavedPrompt() = [](const QString&) { return 1; };
        MainWindow window(path);
        QVERIFY2(window.document(), qPrintable(window.projectError()));
        auto* editor = qobject_cast<GraphEditor*>(window.openProgram(QStringLiteral("main")));
        QVERIFY(editor);
        QLineEdit* question = editor->inputField(QStringLiteral("question"));
        QVERIFY(question);
        question->setText(QStringLiteral("Ann has 5 pens and loses 2. How many pens are left?"));
        QSignalSpy finished(editor, &GraphEditor::runFinished);
        const QString runId = editor->run();
        QVERIFY2(!runId.isEmpty(), qPrintable(editor->message()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const NodeId solve = editor->graph()->nodeByName(QStringLiteral("solve"));
        QVERIFY(solve != InvalidNodeId);

        TraceInspector* traces = window.traceInspector();
        QSignalSpy revealed(traces, &TraceInspector::revealed);
        Q_EMIT editor->nodeActivated(solve, runId);
        QTRY_COMPARE_WITH_TIMEOUT(revealed.size(), 1, 10000);
        QCOMPARE(revealed.first().first().toBool(), true);
        QVERIFY(traces->shownSpan());
        QCOMPARE(traces->shownSpan()->runId, runId);
        QVERIFY2(traces->shownSpan()->name.startsWith(QStringLiteral("solve: ChainOfThought(")),
                 qPrintable(traces->shownSpan()->name));
        QCOMPARE(traces->shownSpan()->kind, CallbackHook::Module);
        // The node's span is selected in the tree (its ancestors expanded).
        const QModelIndex current =
            traces->filterModel()->mapToSource(traces->tree()->currentIndex());
        QVERIFY(current.isValid());
        QVERIFY(traces->model()->spanAt(current));
        QCOMPARE(traces->model()->spanAt(current)->id, traces->shownSpan()->id);
        QVERIFY(traces->tree()->isExpanded(traces->tree()->currentIndex().parent()));
        // The refresh after a finished run merges runs in: the selection stays.
        QTest::qWait(TraceStoreOptions{}.maxWaitMs * 4);
        QVERIFY(traces->tree()->currentIndex().isValid());
        QCOMPARE(traces->model()
                     ->spanAt(traces->filterModel()->mapToSource(traces->tree()->currentIndex()))
                     ->id,
                 traces->shownSpan()->id);

        // A node name no span has: reported as not found.
        revealed.clear();
        window.showNodeSpans(runId, QStringLiteral("nosuchnode"));
        QTRY_COMPARE_WITH_TIMEOUT(revealed.size(), 1, 10000);
        QCOMPARE(revealed.first().first().toBool(), false);

        EvaluateView* view = window.evaluateView();
        QSignalSpy evaluated(view, &EvaluateView::finished);
        view->setSample(QStringLiteral("arithmetic"));
        view->setLimit(6);
        view->start();
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 1, 30000);
        // Sorted by score descending, the table's third row is some example: its trace opens.
        view->table()->sortByColumn(EvaluateView::ScoreColumn, Qt::DescendingOrder);
        const QModelIndex row = view->proxyModel()->index(2, EvaluateView::InputsColumn);
        const qint64 example =
            view->proxyModel()->index(2, EvaluateView::IndexColumn).data(Qt::UserRole).toLongLong();
        QSignalSpy requested(view, &EvaluateView::traceRequested);
        revealed.clear();
        Q_EMIT view->table()->activated(row);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(0).toString(), view->runId());
        QCOMPARE(requested.first().at(1).toLongLong(), example);
        QTRY_COMPARE_WITH_TIMEOUT(revealed.size(), 1, 10000);
        QCOMPARE(revealed.first().first().toBool(), true);
        const QModelIndex shown =
            traces->filterModel()->mapToSource(traces->tree()->currentIndex());
        QCOMPARE(traces->model()->exampleAt(shown), std::optional<qint64>(example));
        QCOMPARE(traces->model()->runAt(traces->model()->runOf(shown))->id, view->runId());
    }

    // A dropped .dspyproj opens in a new window; closed windows go to the recent list.
    void dropAndRecentProjects()
    {
        QTemporaryDir dir;
        const QString path =
            copySampleProject(dir, QStringLiteral("tickets"), QStringLiteral("dropped.dspyproj"));
        QVERIFY(!path.isEmpty());
        MainWindow window;
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        const QList<QWidget*> before = QApplication::topLevelWidgets();
        QApplication::sendEvent(&window, &drop);
        MainWindow* opened = nullptr;
        for (QWidget* w : QApplication::topLevelWidgets()) {
            if (!before.contains(w))
                if (auto* mw = qobject_cast<MainWindow*>(w))
                    opened = mw;
        }
        QVERIFY(opened);
        QVERIFY(opened->document());
        QCOMPARE(opened->document()->path(), path);
        QVERIFY(opened->testAttribute(Qt::WA_DeleteOnClose));
        QPointer<MainWindow> guard(opened);
        QVERIFY(opened->close());
        QTRY_VERIFY(guard.isNull());
        QCOMPARE(MainWindow::recentProjects().value(0), path);

        // Something else dropped is ignored.
        QMimeData other;
        other.setUrls({QUrl::fromLocalFile(dir.filePath(QStringLiteral("notes.txt")))});
        QDropEvent ignored(QPointF(10, 10), Qt::CopyAction, &other, Qt::LeftButton, Qt::NoModifier);
        const int windows = int(QApplication::topLevelWidgets().size());
        QApplication::sendEvent(&window, &ignored);
        QCOMPARE(int(QApplication::topLevelWidgets().size()), windows);
    }

    void aBrokenProjectIsRefusedAndLeftAlone()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.dspyproj"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"format_version\": 2, \"programs\": [");
        }
        MainWindow window(path);
        QVERIFY(!window.document());
        QVERIFY(!window.projectError().isEmpty());
        QVERIFY(window.log()->toPlainText().contains(QStringLiteral("Cannot open the project")));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("{\"format_version\": 2, \"programs\": ["));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("broken.dspydb"))));
    }

    void screenshotWritesAPngOfTheRequestedSize_data()
    {
        QTest::addColumn<QString>("view");
        QTest::addColumn<QString>("project"); // a sample project copied for the run, or none
        QTest::newRow("welcome") << QStringLiteral("welcome") << QString();
        QTest::newRow("signature") << QStringLiteral("signature") << QString();
        QTest::newRow("evaluate") << QStringLiteral("evaluate") << QString();
        QTest::newRow("traces") << QStringLiteral("traces") << QString();
        QTest::newRow("graph") << QStringLiteral("graph") << QStringLiteral("arithmetic");
    }

    void screenshotWritesAPngOfTheRequestedSize()
    {
        QFETCH(QString, view);
        QFETCH(QString, project);
        const QString exe = qEnvironmentVariable("DSPY_WORKBENCH");
        QVERIFY2(!exe.isEmpty(), "DSPY_WORKBENCH is not set");
        QTemporaryDir dir;
        const QString file = dir.filePath(view + QStringLiteral(".png"));
        QStringList args{QStringLiteral("--screenshot"), file,
                         QStringLiteral("--view"),       view,
                         QStringLiteral("--size"),       QStringLiteral("1024x700")};
        if (!project.isEmpty()) {
            const QString copy = copySampleProject(dir, project, QStringLiteral("shot.dspyproj"));
            QVERIFY(!copy.isEmpty());
            args.append(copy);
        }
        QProcess proc;
        proc.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QSignalSpy done(&proc, &QProcess::finished);
        proc.start(exe, args);
        QVERIFY(done.wait(60000));
        QCOMPARE(proc.exitStatus(), QProcess::NormalExit);
        QCOMPARE(proc.exitCode(), 0);
        QImage image(file, "PNG");
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(1024, 700));
        // Not a blank image: a window has more than one colour.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 5);
    }

    void screenshotRejectsAnUnknownView()
    {
        QProcess proc;
        QSignalSpy done(&proc, &QProcess::finished);
        QTemporaryDir dir;
        proc.start(qEnvironmentVariable("DSPY_WORKBENCH"),
                   {QStringLiteral("--screenshot"), dir.filePath(QStringLiteral("x.png")),
                    QStringLiteral("--view"), QStringLiteral("nosuchview")});
        QVERIFY(done.wait(60000));
        QCOMPARE(proc.exitCode(), 2);
        QVERIFY(proc.readAllStandardError().contains("unknown view"));
        // A known view that needs what is not there says so.
        proc.start(qEnvironmentVariable("DSPY_WORKBENCH"),
                   {QStringLiteral("--screenshot"), dir.filePath(QStringLiteral("x.png")),
                    QStringLiteral("--view"), QStringLiteral("graph")});
        QVERIFY(done.wait(60000));
        QCOMPARE(proc.exitCode(), 2);
        QVERIFY(proc.readAllStandardError().contains("needs a project"));
    }

private:
    QTemporaryDir m_config;
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
