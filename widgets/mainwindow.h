#pragma once

#include "graph/programgraph.h"
#include "graph/projectdatabase.h"
#include "retrieve/retriever.h"
#include "runtime/expected.h"
#include "runtime/runmanager.h"

#include <QMainWindow>
#include <QTemporaryDir>

#include <functional>

class QAction;
class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTextBrowser;
class QTreeWidget;
class QTreeWidgetItem;

namespace dspy::ui {

class DatasetView;
class EvaluateView;
class KeyStore;
class NodeInspector;
class ProjectDocument;
struct LMProfile;
class SignatureEditor;
class TraceInspector;

// The workbench's main window: Project dock (samples, signatures, datasets, LM profiles), tabbed
// editors (Welcome page, signature editors, the evaluate view), Inspector dock, Traces/Log dock,
// a toolbar (LM profile, Run, Evaluate, Stop) and a status bar fed by the RunManager's
// coalesced session statistics. Runs go through the RunManager; nothing here waits on them.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    // The label of the offline default profile, wherever a profile is selectable.
    static QString simulatedProfileName();
    static constexpr const char* kSimulatedModel = "lmsim/sim";

    // Runs are traced to PROJECT/traces.sqlite, or without a project to the session file in the
    // application's data directory.
    explicit MainWindow(const QString& projectPath = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    RunManager* runManager() const { return m_manager; }
    QTabWidget* tabs() const { return m_tabs; }
    QComboBox* profileSelector() const { return m_profile; }
    QPlainTextEdit* log() const { return m_log; }
    TraceInspector* traceInspector() const { return m_traces; }
    // The Inspector dock's form for the node selected in the current program tab.
    NodeInspector* nodeInspector() const { return m_nodeInspector; }
    bool nodeInspectorShown() const; // the dock shows it (rather than a project item's text)
    QString statusText() const;      // the status bar's labels, joined by " | "

    // Opens the sample's signature in an editor tab (or focuses it) and returns the editor.
    SignatureEditor* openSample(const QString& name);
    SignatureEditor* currentSignatureEditor() const;
    // Opens the project's signature `name` in an editor tab bound to the document: typing is an
    // undoable edit of the project (one step per burst), undo and redo show in the editor.
    SignatureEditor* openProjectSignature(const QString& name);
    EvaluateView* evaluateView(); // created on first use
    // Selects a view by name for --screenshot: "welcome", "signature", "evaluate", "traces".
    bool showView(const QString& name);
    static QStringList viewNames();

    QString currentModel() const;
    LMConfig currentLM() const; // the selected profile's settings (never a key)
    // Adds (or replaces by name) a profile: into the project as an undoable change, or without a
    // project into the settings; the selector then shows and selects it.
    void addProfile(const LMProfile& profile);
    static QString profileLabel(const QString& name, const LMConfig& lm);
    QString projectPath() const { return m_projectPath; }

    // The open .dspyproj (nullptr without one, or when it was refused: projectError() says why;
    // a refused file is never written).
    ProjectDocument* document() const { return m_document; }
    QString projectError() const { return m_projectError; }
    // Opens the project's program in an editor tab (or focuses it); nullptr when there is none.
    QWidget* openProgram(const QString& name);
    // Asked at open when an autosave newer than the project file exists; true restores it.
    // Default: a question box. Tests replace it.
    static std::function<bool(const QString& projectPath)>& recoveryPrompt();
    // Asked when the window closes with unsaved changes: 0 save, 1 discard, 2 cancel.
    static std::function<int(const QString& name)>& unsavedPrompt();
    bool saveProject(); // Save; false (and a log line) when it fails
    // Python DSPy program.save() JSON of the project's program `name`, written atomically to
    // `path`; the import loads such a file into the program as one undoable change (all or
    // nothing; entries matching no predictor come back as warnings). Menu: File ▸ Export/Import.
    Expected<void, QString> exportProgramJson(const QString& name, const QString& path);
    Expected<QStringList, QString> importProgramJson(const QString& name, const QString& path);
    QString currentProgramName() const; // the current tab's program; empty when not a program
    // Loads `program`'s evaluation over a project dataset and metric (empty: the first) on a
    // worker, then lists it in the evaluate view (and starts it with `start`).
    void evaluateProgram(const QString& program, const QString& dataset, const QString& metric,
                         bool start);
    // File ▸ Open, Open Recent and a dropped .dspyproj: the project in a new window (deleted on
    // close), which is returned.
    static MainWindow* openProjectWindow(const QString& path);
    static QStringList recentProjects(); // newest first, those that still exist
    // Opens the project's dataset in a table tab (or focuses it); nullptr when it cannot.
    DatasetView* openDataset(const QString& name);
    // "Add to dataset": the trace inspector's shown module span (its inputs and prediction) as a
    // new row of the project's dataset (default: the first), after the label is corrected in a
    // dialog when `ask`. False when there is no such span or dataset.
    bool addTracedExampleToDataset(const QString& dataset = {}, bool ask = true);

    // Opens the Traces tab and selects, once the store has written them, the first span of graph
    // node `nodeName` in run `runId`, or example `exampleIndex` of an evaluation run;
    // the trace inspector's revealed() tells whether it was found.
    void showNodeSpans(const QString& runId, const QString& nodeName);
    void showExampleTrace(const QString& runId, qint64 exampleIndex);

public Q_SLOTS:
    QString runExample(); // Predict on the current sample's first example; returns the run id
    void evaluate();
    void stop();

Q_SIGNALS:
    void exampleFinished(const dspy::PredictOutcome& outcome);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildDocks();
    void buildToolBar();
    void buildStatusBar();
    QWidget* buildWelcome();
    void appendLog(const QString& line);
    void showInTraces(std::function<void()> reveal);
    void updateStats(const SessionSnapshot& s);
    void showInspectorFor(const QString& kind, const QString& name);
    void restoreLayout();
    void saveLayout() const;
    void openDocument(const QString& path);
    void fillProjectTree();
    void updateTitle();
    void buildMenus();
    void fillProfiles();

    QString m_projectPath;
    RunManager* m_manager = nullptr;
    QTabWidget* m_tabs = nullptr;
    QTreeWidget* m_project = nullptr;
    QTextBrowser* m_inspector = nullptr;
    NodeInspector* m_nodeInspector = nullptr;
    QStackedWidget* m_inspectorStack = nullptr;
    void inspectGraphSelection(QWidget* tab); // a program tab's selection into the Inspector
    QTabWidget* m_bottom = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QListWidget* m_samples = nullptr;
    QComboBox* m_profile = nullptr;
    QLabel* m_inFlight = nullptr;
    QLabel* m_tokens = nullptr;
    QLabel* m_cache = nullptr;
    EvaluateView* m_evaluate = nullptr;
    TraceInspector* m_traces = nullptr;
    KeyStore* m_keys = nullptr;
    QWidget* createProgramEditor(const QString& name, dspy::ProgramGraph* graph);
    ProjectDocument* m_document = nullptr;
    std::unique_ptr<ProjectDatabase> m_database;
    QList<LMConfig> m_profileConfigs;         // parallel to m_profile's items
    QHash<QString, LMConfig> m_namedProfiles; // the stored profiles by name (nodes' "lm")
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QString m_projectError;
    QTreeWidgetItem* m_programsSection = nullptr;
    QTreeWidgetItem* m_datasetsSection = nullptr;
    QTreeWidgetItem* m_signaturesSection = nullptr;
    QHash<QString, SignatureEditor*> m_projectSignatureTabs;
    bool m_syncingSignatures = false;
    QTemporaryDir m_indexDir;                        // Retrieve nodes' corpus indexes
    QHash<QString, RetrieverPtr> m_corpusRetrievers; // by corpus path, for the session
    void syncProjectSignatureEditors(); // after undo/redo/replace: the editors show the project
    QHash<QString, QWidget*> m_programTabs;
    QHash<QString, DatasetView*> m_datasetTabs;
    QHash<QString, SignatureEditor*> m_sampleEditors;
    QHash<SignatureEditor*, QString> m_editorSample;
};

} // namespace dspy::ui
