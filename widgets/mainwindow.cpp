#include "mainwindow.h"

#include "datasets/dataset.h"
#include "datasets/samples.h"
#include "datasetview.h"
#include "evaluateview.h"
#include "graph/grapheditor.h"
#include "graph/graphscene.h"
#include "graph/graphview.h"
#include "graph/projectdatabase.h"
#include "graph/projectevaluation.h"
#include "keystore.h"
#include "lmprofiledialog.h"
#include "modules/predict.h"
#include "nodeinspector.h"
#include "projectdocument.h"
#include "signatureeditor.h"
#include "traceinspector.h"
#include "tracemodel.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QTreeWidget>
#include <QUndoStack>
#include <QUndoView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <utility>

namespace dspy::ui {

namespace {

constexpr int KindRole = Qt::UserRole + 1;
constexpr int NameRole = Qt::UserRole + 2;

QString valueText(const Value& v)
{
    return v.isString() ? v.toString() : v.toJson();
}

} // namespace

QString MainWindow::simulatedProfileName()
{
    return tr("Simulated LM (offline)");
}

MainWindow::MainWindow(const QString& projectPath, QWidget* parent)
    : QMainWindow(parent)
    , m_projectPath(projectPath)
    , m_manager(new RunManager(this))
{
    setObjectName(QStringLiteral("WorkbenchMainWindow"));
    setWindowTitle(projectPath.isEmpty()
                       ? tr("DSPy Workbench")
                       : tr("%1 — DSPy Workbench").arg(QFileInfo(projectPath).fileName()));

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->addTab(buildWelcome(), tr("Welcome"));
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        QWidget* w = m_tabs->widget(index);
        if (index == 0 || w == m_evaluate)
            return; // the Welcome page and the evaluate view stay
        if (auto* ed = qobject_cast<SignatureEditor*>(w)) {
            m_sampleEditors.remove(m_editorSample.take(ed));
            m_projectSignatureTabs.remove(m_projectSignatureTabs.key(ed));
        }
        for (auto it = m_datasetTabs.begin(); it != m_datasetTabs.end(); ++it) {
            if (it.value() == w) {
                m_datasetTabs.erase(it);
                break;
            }
        }
        for (auto it = m_programTabs.begin(); it != m_programTabs.end(); ++it) {
            if (it.value() == w) {
                m_programTabs.erase(it);
                break;
            }
        }
        m_tabs->removeTab(index);
        w->deleteLater();
    });
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        // A program tab shows its selected node; leaving one shows the project item again.
        if (!m_inspectorStack)
            return;
        if (qobject_cast<GraphEditor*>(m_tabs->widget(index)) || nodeInspectorShown())
            inspectGraphSelection(m_tabs->widget(index));
    });

    buildDocks();
    buildToolBar();
    buildStatusBar();

    buildMenus();
    setAcceptDrops(true);
    const bool projectFile = projectPath.endsWith(QLatin1String(".dspyproj"), Qt::CaseInsensitive);
    if (projectFile)
        openDocument(projectPath);
    if (m_document) {
        // NAME.dspydb beside the project: its trace store and saved program states.
        if (auto db = ProjectDatabase::openForProject(m_document->path())) {
            m_database = std::move(db.value());
            m_manager->setTraceStore(m_database->traces());
            m_traces->setStore(m_database->traces());
        } else {
            appendLog(tr("Runs are not traced: %1").arg(db.error()));
        }
    } else {
        const QString traceDir =
            projectPath.isEmpty() || projectFile
                ? QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
                : projectPath;
        QDir().mkpath(traceDir);
        if (auto store =
                TraceStore::open(QDir(traceDir).filePath(QStringLiteral("traces.sqlite")))) {
            m_manager->setTraceStore(*store);
            m_traces->setStore(*store);
        } else {
            appendLog(tr("Runs are not traced: %1").arg(store.error()));
        }
    }
    // A finished run's spans are in the store once its writer has caught up; the tree reloads.
    connect(m_manager, &RunManager::runFinished, this, [this] {
        QTimer::singleShot(TraceStoreOptions{}.maxWaitMs * 2, m_traces->model(),
                           &TraceModel::refreshRuns);
    });

    connect(m_manager, &RunManager::statsChanged, this, &MainWindow::updateStats);
    connect(m_manager, &RunManager::runStarted, this,
            [this](const QString& id, const QString& kind, const QString& name) {
                appendLog(tr("%1 run %2 started (%3)").arg(kind, name, id));
            });
    connect(m_manager, &RunManager::runFinished, this,
            [this](const QString& id, const QString& status, const QString& error) {
                appendLog(error.isEmpty() ? tr("Run %1 %2").arg(id, status)
                                          : tr("Run %1 %2: %3").arg(id, status, error));
            });
    connect(m_manager, &RunManager::predictFinished, this, [this](const PredictOutcome& o) {
        if (o.error.isEmpty()) {
            QStringList fields;
            for (const QString& k : o.prediction.keys())
                fields << k + QStringLiteral(" = ") + valueText(o.prediction.get(k));
            appendLog(tr("Prediction (%1 ms): %2")
                          .arg(o.elapsedMs)
                          .arg(fields.join(QStringLiteral("; "))));
        }
        Q_EMIT exampleFinished(o);
    });
    restoreLayout();
}

MainWindow::~MainWindow()
{
    // The manager waits for its workers while it is destroyed: no view may hear from it then.
    QObject::disconnect(m_manager, nullptr, nullptr, nullptr);
    delete m_manager;
}

QWidget* MainWindow::buildWelcome()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("welcome"));
    auto* layout = new QVBoxLayout(page);
    auto* title = new QLabel(tr("<h2>DSPy Workbench</h2>"
                                "<p>Open a bundled sample. Each runs offline on the %1.</p>")
                                 .arg(simulatedProfileName().toHtmlEscaped()),
                             page);
    title->setWordWrap(true);
    layout->addWidget(title);
    m_samples = new QListWidget(page);
    m_samples->setObjectName(QStringLiteral("samples"));
    for (const QString& name : samples::names()) {
        const auto info = samples::info(name);
        auto* item = new QListWidgetItem(
            QStringLiteral("%1 — %2\n%3").arg(name, info->signature, info->description), m_samples);
        item->setData(NameRole, name);
    }
    layout->addWidget(m_samples, 1);
    auto* open = new QPushButton(tr("Open sample"), page);
    layout->addWidget(open, 0, Qt::AlignLeft);
    connect(m_samples, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { openSample(item->data(NameRole).toString()); });
    connect(open, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem* item = m_samples->currentItem())
            openSample(item->data(NameRole).toString());
    });
    if (m_samples->count() > 0)
        m_samples->setCurrentRow(0);
    return page;
}

void MainWindow::buildDocks()
{
    m_project = new QTreeWidget(this);
    m_project->setHeaderHidden(true);
    const auto section = [this](const QString& title) {
        auto* item = new QTreeWidgetItem(m_project, {title});
        item->setExpanded(true);
        return item;
    };
    QTreeWidgetItem* sigs = section(tr("Signatures"));
    m_signaturesSection = sigs;
    m_programsSection = section(tr("Programs"));
    QTreeWidgetItem* data = section(tr("Datasets"));
    m_datasetsSection = data;
    QTreeWidgetItem* metrics = section(tr("Metrics"));
    QTreeWidgetItem* profiles = section(tr("LM profiles"));
    section(tr("Runs"));
    for (const QString& name : samples::names()) {
        const auto info = samples::info(name);
        auto* s = new QTreeWidgetItem(sigs, {info->signature});
        s->setData(0, KindRole, QStringLiteral("signature"));
        s->setData(0, NameRole, name);
        auto* d = new QTreeWidgetItem(data, {name});
        d->setData(0, KindRole, QStringLiteral("dataset"));
        d->setData(0, NameRole, name);
    }
    auto* em = new QTreeWidgetItem(metrics, {QStringLiteral("exact_match")});
    em->setData(0, KindRole, QStringLiteral("metric"));
    auto* sim = new QTreeWidgetItem(profiles, {simulatedProfileName()});
    sim->setData(0, KindRole, QStringLiteral("profile"));
    m_project->expandAll();
    connect(m_project, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (item)
            showInspectorFor(item->data(0, KindRole).toString(),
                             item->data(0, NameRole).toString());
    });
    connect(m_project, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QString kind = item->data(0, KindRole).toString();
        if (kind == QLatin1String("program"))
            openProgram(item->data(0, NameRole).toString());
        else if (kind == QLatin1String("project-signature"))
            openProjectSignature(item->data(0, NameRole).toString());
        else if (kind == QLatin1String("project-dataset"))
            openDataset(item->data(0, NameRole).toString());
        else if (kind == QLatin1String("signature"))
            openSample(item->data(0, NameRole).toString());
        else if (kind == QLatin1String("dataset")) {
            evaluateView()->setSample(item->data(0, NameRole).toString());
            m_tabs->setCurrentWidget(evaluateView());
        }
    });

    auto* projectDock = new QDockWidget(tr("Project"), this);
    projectDock->setObjectName(QStringLiteral("ProjectDock"));
    projectDock->setWidget(m_project);
    addDockWidget(Qt::LeftDockWidgetArea, projectDock);

    m_inspector = new QTextBrowser(this);
    m_inspector->setPlaceholderText(tr("Select an item to see its properties."));
    m_nodeInspector = new NodeInspector(this);
    m_nodeInspector->setObjectName(QStringLiteral("nodeInspector"));
    m_inspectorStack = new QStackedWidget(this);
    m_inspectorStack->addWidget(m_inspector);
    m_inspectorStack->addWidget(m_nodeInspector);
    auto* inspectorDock = new QDockWidget(tr("Inspector"), this);
    inspectorDock->setObjectName(QStringLiteral("InspectorDock"));
    inspectorDock->setWidget(m_inspectorStack);
    addDockWidget(Qt::RightDockWidgetArea, inspectorDock);

    m_bottom = new QTabWidget(this);
    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(10000);
    m_traces = new TraceInspector(this);
    m_traces->setObjectName(QStringLiteral("traces"));
    m_bottom->addTab(m_traces, tr("Traces"));
    m_bottom->addTab(m_log, tr("Log"));
    auto* bottomDock = new QDockWidget(tr("Traces / Log"), this);
    bottomDock->setObjectName(QStringLiteral("TracesDock"));
    bottomDock->setWidget(m_bottom);
    addDockWidget(Qt::BottomDockWidgetArea, bottomDock);
}

void MainWindow::buildToolBar()
{
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("MainToolBar"));
    bar->addWidget(new QLabel(tr("LM: "), bar));
    m_profile = new QComboBox(bar);
    m_profile->setObjectName(QStringLiteral("profile"));
    m_profile->setToolTip(tr("The LM profile runs use"));
    bar->addWidget(m_profile);
    fillProfiles();
    QAction* profiles = bar->addAction(tr("Profiles…"), this, [this] {
        if (!m_keys)
            m_keys = createSystemKeyStore(this);
        LMProfileDialog dialog(m_manager, m_keys, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        addProfile(dialog.profile());
    });
    profiles->setObjectName(QStringLiteral("actionProfiles"));
    bar->addSeparator();
    QAction* run = bar->addAction(tr("Run"), this, [this] { runExample(); });
    run->setObjectName(QStringLiteral("actionRun"));
    run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    run->setToolTip(tr("Run the current signature on the sample's first example"));
    QAction* eval = bar->addAction(tr("Evaluate"), this, &MainWindow::evaluate);
    eval->setObjectName(QStringLiteral("actionEvaluate"));
    eval->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QAction* stopAction = bar->addAction(tr("Stop"), this, &MainWindow::stop);
    stopAction->setObjectName(QStringLiteral("actionStop"));
    stopAction->setEnabled(false);
    connect(m_manager, &RunManager::runningCountChanged, stopAction,
            [stopAction](int running) { stopAction->setEnabled(running > 0); });
}

void MainWindow::buildStatusBar()
{
    m_inFlight = new QLabel(this);
    m_tokens = new QLabel(this);
    m_cache = new QLabel(this);
    statusBar()->addPermanentWidget(m_inFlight);
    statusBar()->addPermanentWidget(m_tokens);
    statusBar()->addPermanentWidget(m_cache);
    updateStats({});
}

void MainWindow::updateStats(const SessionSnapshot& s)
{
    m_inFlight->setText(tr("%n call(s) in flight", nullptr, int(s.inFlight)));
    m_tokens->setText(tr("%1 tokens, $%2 this session")
                          .arg(s.promptTokens + s.completionTokens)
                          .arg(s.cost, 0, 'f', 4));
    m_cache->setText(tr("cache hits %1%").arg(100.0 * s.cacheHitRate(), 0, 'f', 0));
}

QString MainWindow::statusText() const
{
    return QStringList{m_inFlight->text(), m_tokens->text(), m_cache->text()}.join(
        QStringLiteral(" | "));
}

bool MainWindow::nodeInspectorShown() const
{
    return m_inspectorStack->currentWidget() == m_nodeInspector;
}

void MainWindow::inspectGraphSelection(QWidget* tab)
{
    auto* editor = qobject_cast<GraphEditor*>(tab);
    if (!editor) {
        m_nodeInspector->setNode(nullptr, nullptr, InvalidNodeId);
        m_inspectorStack->setCurrentWidget(m_inspector);
        return;
    }
    const QList<NodeId> selected = editor->scene()->selectedNodeIds();
    m_nodeInspector->setEnvironment(editor->environment());
    m_nodeInspector->setNode(editor->graph(), editor->scene()->undoStack(),
                             selected.size() == 1 ? selected.first() : InvalidNodeId);
    m_inspectorStack->setCurrentWidget(m_nodeInspector);
}

void MainWindow::showInspectorFor(const QString& kind, const QString& name)
{
    m_inspectorStack->setCurrentWidget(m_inspector);
    if (kind == QLatin1String("signature") || kind == QLatin1String("dataset")) {
        const auto info = samples::info(name);
        if (!info)
            return;
        m_inspector->setHtml(tr("<h3>%1</h3><p>%2</p><p><b>Signature:</b> <code>%3</code></p>"
                                "<p><b>Inputs:</b> %4<br><b>Metric field:</b> %5</p>")
                                 .arg(info->name.toHtmlEscaped(), info->description.toHtmlEscaped(),
                                      info->signature.toHtmlEscaped(),
                                      info->inputs.join(QStringLiteral(", ")).toHtmlEscaped(),
                                      info->metricField.toHtmlEscaped()));
    } else if (kind == QLatin1String("profile")) {
        m_inspector->setHtml(
            tr("<h3>%1</h3><p>Model <code>%2</code>: answers in-process, no "
               "network, no cost.</p>")
                .arg(simulatedProfileName().toHtmlEscaped(), QString::fromLatin1(kSimulatedModel)));
    } else if (kind == QLatin1String("project-signature") && m_document) {
        for (const SignatureEntry& s : m_document->project()->signatures) {
            if (s.name != name)
                continue;
            m_inspector->setHtml(
                tr("<h3>%1</h3><p><b>Signature:</b> <code>%2</code></p><p>%3</p>"
                   "<p>Double-click to edit it; edits are undoable and saved with the "
                   "project.</p>")
                    .arg(s.name.toHtmlEscaped(), s.text.toHtmlEscaped(),
                         s.instructions.toHtmlEscaped()));
        }
    } else if (kind == QLatin1String("project-dataset") && m_document) {
        if (const DatasetRef* d = m_document->project()->dataset(name)) {
            m_inspector->setHtml(tr("<h3>%1</h3><p><b>File:</b> <code>%2</code></p>"
                                    "<p><b>Input keys:</b> %3</p>")
                                     .arg(d->name.toHtmlEscaped(), d->path.toHtmlEscaped(),
                                          d->inputKeys.join(QStringLiteral(", ")).toHtmlEscaped()));
        }
    } else if (kind == QLatin1String("metric")) {
        m_inspector->setHtml(tr("<h3>exact_match</h3><p>1 when the prediction equals the gold "
                                "value after normalisation, else 0.</p>"));
    } else {
        m_inspector->clear();
    }
}

SignatureEditor* MainWindow::openSample(const QString& name)
{
    if (SignatureEditor* existing = m_sampleEditors.value(name)) {
        m_tabs->setCurrentWidget(existing);
        return existing;
    }
    const auto info = samples::info(name);
    if (!info)
        return nullptr;
    auto* editor = new SignatureEditor(m_tabs);
    editor->setObjectName(QStringLiteral("signature"));
    editor->setText(info->signature);
    QStringList fields = info->inputs;
    fields << info->metricField;
    editor->setKnownFieldNames(fields);
    m_sampleEditors.insert(name, editor);
    m_editorSample.insert(editor, name);
    m_tabs->setCurrentIndex(m_tabs->addTab(editor, tr("Signature: %1").arg(name)));
    if (m_evaluate)
        m_evaluate->setSample(name);
    appendLog(tr("Opened sample %1").arg(name));
    return editor;
}

SignatureEditor* MainWindow::openProjectSignature(const QString& name)
{
    if (!m_document)
        return nullptr;
    if (SignatureEditor* existing = m_projectSignatureTabs.value(name)) {
        m_tabs->setCurrentWidget(existing);
        return existing;
    }
    const Project* project = m_document->project();
    const auto entry = std::find_if(project->signatures.cbegin(), project->signatures.cend(),
                                    [&](const SignatureEntry& s) { return s.name == name; });
    if (entry == project->signatures.cend())
        return nullptr;
    auto* editor = new SignatureEditor(m_tabs);
    editor->setObjectName(QStringLiteral("project-signature:") + name);
    editor->setText(entry->text);
    // Field names the project already uses complete first.
    QStringList fields;
    const auto addFields = [&fields](const QString& text) {
        if (auto sig = Signature::parse(text)) {
            for (const Field& f : sig->fields()) {
                if (!fields.contains(f.name))
                    fields.append(f.name);
            }
        }
    };
    for (const SignatureEntry& s : project->signatures)
        addFields(s.text);
    for (const QString& program : project->programNames()) {
        const ProgramGraph* graph = project->program(program);
        for (NodeId id : graph->allNodeIds())
            addFields(graph->node(id)->signatureText);
    }
    editor->setKnownFieldNames(fields);
    connect(editor, &SignatureEditor::textEdited, this, [this, editor, name] {
        if (m_document && !m_syncingSignatures)
            m_document->setSignatureText(name, editor->text());
    });
    m_projectSignatureTabs.insert(name, editor);
    m_tabs->setCurrentIndex(m_tabs->addTab(editor, tr("Signature: %1").arg(name)));
    return editor;
}

void MainWindow::syncProjectSignatureEditors()
{
    if (!m_document)
        return;
    for (auto it = m_projectSignatureTabs.begin(); it != m_projectSignatureTabs.end(); ++it) {
        for (const SignatureEntry& s : m_document->project()->signatures) {
            if (s.name == it.key() && it.value()->text() != s.text) {
                // A new burst: what is typed after an undo is a step of its own.
                m_document->endEditBurst();
                const bool was = std::exchange(m_syncingSignatures, true);
                it.value()->setText(s.text); // QScintilla's setText emits clear, then insert
                m_syncingSignatures = was;
            }
        }
    }
}

SignatureEditor* MainWindow::currentSignatureEditor() const
{
    if (auto* ed = qobject_cast<SignatureEditor*>(m_tabs->currentWidget()))
        return ed;
    return m_sampleEditors.isEmpty() ? nullptr : m_sampleEditors.begin().value();
}

void MainWindow::showInTraces(std::function<void()> reveal)
{
    m_bottom->setCurrentWidget(m_traces);
    if (auto* dock = qobject_cast<QDockWidget*>(m_bottom->parentWidget()))
        dock->raise();
    // The spans are in the tree once the store's writer has committed them: flush on a worker
    // (it waits for the writer), then refresh the tree's runs and walk it to the target.
    auto* watcher = new QFutureWatcher<void>(this);
    connect(watcher, &QFutureWatcher<void>::finished, this,
            [this, watcher, reveal = std::move(reveal)] {
                watcher->deleteLater();
                m_traces->model()->refreshRuns();
                reveal();
            });
    watcher->setFuture(QtConcurrent::run([store = m_manager->traceStore()] {
        if (store)
            store->flush();
    }));
}

void MainWindow::showNodeSpans(const QString& runId, const QString& nodeName)
{
    const QString prefix = nodeName + QLatin1String(": ");
    showInTraces([this, runId, prefix] {
        m_traces->revealRunSpan(runId, [prefix](const Span& s) {
            return s.kind == CallbackHook::Module && s.name.startsWith(prefix);
        });
    });
}

void MainWindow::showExampleTrace(const QString& runId, qint64 exampleIndex)
{
    showInTraces([this, runId, exampleIndex] { m_traces->revealExample(runId, exampleIndex); });
}

EvaluateView* MainWindow::evaluateView()
{
    if (!m_evaluate) {
        m_evaluate = new EvaluateView(m_manager, m_tabs);
        connect(m_evaluate, &EvaluateView::programEvaluationRequested, this,
                [this](const QString& program, const QString& dataset, const QString& metric) {
                    evaluateProgram(program, dataset, metric, false);
                });
        connect(m_evaluate, &EvaluateView::traceRequested, this, &MainWindow::showExampleTrace);
        m_evaluate->setObjectName(QStringLiteral("evaluate"));
        m_evaluate->setLM(currentLM());
        if (SignatureEditor* ed = currentSignatureEditor())
            m_evaluate->setSample(m_editorSample.value(ed));
        m_tabs->addTab(m_evaluate, tr("Evaluate"));
    }
    return m_evaluate;
}

QStringList MainWindow::viewNames()
{
    return {QStringLiteral("welcome"), QStringLiteral("signature"), QStringLiteral("evaluate"),
            QStringLiteral("traces"), QStringLiteral("graph")};
}

bool MainWindow::showView(const QString& name)
{
    if (name == QLatin1String("welcome")) {
        m_tabs->setCurrentIndex(0);
    } else if (name == QLatin1String("signature")) {
        openSample(samples::names().value(0));
    } else if (name == QLatin1String("evaluate")) {
        m_tabs->setCurrentWidget(evaluateView());
    } else if (name == QLatin1String("traces")) {
        m_bottom->setCurrentWidget(m_traces);
    } else if (name == QLatin1String("graph")) {
        // The project's first program, its first LM node selected (the Inspector shows it) and
        // the input form filled from the project's first dataset.
        if (!m_document || m_document->project()->programNames().isEmpty())
            return false;
        const QString program = m_document->project()->programNames().first();
        auto* editor = qobject_cast<GraphEditor*>(openProgram(program));
        if (!editor)
            return false;
        for (NodeId id : editor->graph()->allNodeIds()) {
            const QString kind = editor->graph()->node(id)->kind;
            if (kind != nodekind::Input && kind != nodekind::Output) {
                editor->scene()->nodeItem(id)->setSelected(true);
                break;
            }
        }
        if (!m_document->project()->datasets.isEmpty()) {
            const DatasetRef& ref = m_document->project()->datasets.first();
            const QString file = Project::resolvePath(m_document->path(), ref.path);
            auto rows = file.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? loadCsv(file)
                                                                                  : loadJsonl(file);
            if (rows && !rows->isEmpty()) {
                for (const auto& [key, value] : rows->first().toObject(false)) {
                    if (QLineEdit* field = editor->inputField(key))
                        field->setText(value.isString() ? value.toString() : value.toJson());
                }
            }
        }
        editor->view()->fitAll();
    } else {
        return false;
    }
    return true;
}

QString MainWindow::currentModel() const
{
    return currentLM().model;
}

LMConfig MainWindow::currentLM() const
{
    const int i = m_profile->currentIndex();
    if (i >= 0 && i < m_profileConfigs.size())
        return m_profileConfigs.at(i);
    LMConfig sim;
    sim.model = QString::fromLatin1(kSimulatedModel);
    return sim;
}

QString MainWindow::profileLabel(const QString& name, const LMConfig& lm)
{
    if (lm.model.startsWith(QLatin1String("lmsim/")) && lm.apiBase.isEmpty())
        return name.isEmpty() ? simulatedProfileName()
                              : tr("%1 — simulated LM (offline)").arg(name);
    return QStringLiteral("%1 (%2)").arg(name, lm.model);
}

// The selector: the simulated LM first, then the project's profiles (or, without a project, the
// ones kept in the settings).
void MainWindow::fillProfiles()
{
    const QString keep = m_profile->currentText();
    m_profile->clear();
    m_profileConfigs.clear();
    LMConfig sim;
    sim.model = QString::fromLatin1(kSimulatedModel);
    m_profile->addItem(simulatedProfileName(), sim.model);
    m_profileConfigs.append(sim);
    QList<std::pair<QString, Object>> stored;
    if (m_document) {
        for (const dspy::LMProfile& p : m_document->project()->lmProfiles)
            stored.append({p.name, p.settings});
    } else {
        for (const QVariant& v : QSettings().value(QStringLiteral("profiles/list")).toList()) {
            const auto parsed = Value::fromJson(v.toString());
            if (parsed && parsed->isObject())
                stored.append({parsed->toObject().value(u"name").toString(),
                               parsed->toObject().value(u"settings").toObject()});
        }
    }
    QList<std::pair<LMConfig, std::optional<ModelPrice>>> priced;
    m_namedProfiles.clear();
    for (const auto& [name, settings] : stored) {
        const LMConfig lm = lmConfigFromProfile(settings);
        if (lm.model.isEmpty())
            continue;
        m_profile->addItem(profileLabel(name, lm), lm.model);
        m_profileConfigs.append(lm);
        priced.append({lm, lmPriceFromProfile(settings)});
        m_namedProfiles.insert(name, lm);
    }
    // Graph nodes may pick a profile by name (settings "lm"): editors, the evaluate view and the
    // Inspector's choice follow the list.
    for (QWidget* tab : std::as_const(m_programTabs)) {
        if (auto* editor = qobject_cast<GraphEditor*>(tab))
            editor->setNamedLMs(m_namedProfiles);
    }
    if (m_evaluate)
        m_evaluate->setNamedLMs(m_namedProfiles);
    if (m_nodeInspector) {
        QStringList names = m_namedProfiles.keys();
        names.sort();
        m_nodeInspector->setProfileNames(names);
    }
    // Cost in the status bar and the traces: the defaults, each profile's own price first.
    m_manager->setPrices(profilePrices(priced));
    const int again = m_profile->findText(keep);
    m_profile->setCurrentIndex(again >= 0 ? again : 0);
}

void MainWindow::addProfile(const LMProfile& profile)
{
    const Object settings = lmProfileSettings(profile.lm, profile.price);
    if (m_document) {
        // Into the project, as one undoable change; never a key (Project refuses secrets).
        auto copy = Project::fromJson(m_document->project()->toJson());
        if (!copy)
            return;
        QList<dspy::LMProfile>& list = (*copy)->lmProfiles;
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [&](const dspy::LMProfile& p) { return p.name == profile.name; }),
                   list.end());
        list.append(dspy::LMProfile{profile.name, settings});
        m_document->replaceProject((*copy)->toJson(), tr("Add LM profile %1").arg(profile.name));
    } else {
        QSettings s;
        QVariantList list = s.value(QStringLiteral("profiles/list")).toList();
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [&](const QVariant& v) {
                                      const auto o = Value::fromJson(v.toString());
                                      return o && o->toObject().value(u"name").toString() ==
                                                      profile.name;
                                  }),
                   list.end());
        list.append(Value(Object{{QStringLiteral("name"), Value(profile.name)},
                                 {QStringLiteral("settings"), Value(settings)}})
                        .toJson());
        s.setValue(QStringLiteral("profiles/list"), list);
    }
    fillProfiles();
    m_profile->setCurrentIndex(m_profile->findText(profileLabel(profile.name, profile.lm)));
}

QString MainWindow::runExample()
{
    SignatureEditor* editor = currentSignatureEditor();
    if (!editor) {
        editor = openSample(samples::names().value(0));
        if (!editor)
            return {};
    }
    if (!editor->signature()) {
        appendLog(tr("Cannot run: %1").arg(editor->errorMessage()));
        return {};
    }
    const QString sample = m_editorSample.value(editor);
    const auto examples = samples::load(sample);
    if (!examples || examples->isEmpty()) {
        appendLog(tr("Cannot load the sample %1").arg(sample));
        return {};
    }
    RunRequest request;
    request.name = tr("Run %1").arg(sample);
    request.program = std::make_shared<Predict>(*editor->signature());
    request.lm = currentLM();
    request.adapter = SignatureEditor::makeAdapter(editor->adapterName());
    return m_manager->predict(request, examples->first().inputs());
}

void MainWindow::evaluate()
{
    // A program tab: that program over the project's first dataset with its first metric.
    const QString program = currentProgramName();
    if (!program.isEmpty() && m_document) {
        evaluateProgram(program, {}, {}, true);
        return;
    }
    EvaluateView* view = evaluateView();
    view->setLM(currentLM());
    m_tabs->setCurrentWidget(view);
    view->start();
}

void MainWindow::evaluateProgram(const QString& program, const QString& dataset,
                                 const QString& metric, bool start)
{
    if (!m_document)
        return;
    // The dataset and a JavaScript metric are read on a worker, from a snapshot of the project.
    auto* editor = qobject_cast<GraphEditor*>(m_programTabs.value(program));
    const ProgramGraph* graph = m_document->project()->program(program);
    if (!graph)
        return;
    auto built = GraphProgram::build(*graph, editor && editor->environment()
                                                 ? editor->environment()()
                                                 : m_document->project()->environment(program));
    if (!built) {
        appendLog(tr("Cannot evaluate %1: %2").arg(program, built.error()));
        return;
    }
    std::shared_ptr<Module> module(std::move(built.value()));
    auto snapshot = Project::fromJson(m_document->project()->toJson(), m_document->path());
    if (!snapshot)
        return;
    std::shared_ptr<const Project> copy(std::move(snapshot.value()));
    QStringList datasets, metrics;
    for (const DatasetRef& d : copy->datasets)
        datasets.append(d.name);
    for (const MetricEntry& m : copy->metrics)
        metrics.append(m.name);
    const QString path = m_document->path();
    auto* watcher = new QFutureWatcher<Expected<ProjectEvaluation, QString>>(this);
    connect(
        watcher, &QFutureWatcherBase::finished, this,
        [this, watcher, module, program, datasets, metrics, start] {
            watcher->deleteLater();
            auto loaded = watcher->result();
            if (!loaded) {
                appendLog(tr("Cannot evaluate %1: %2").arg(program, loaded.error()));
                return;
            }
            EvaluateView* view = evaluateView();
            const QString label =
                tr("Program %1 on %2 (%3)").arg(program, loaded->datasetName, loaded->metricName);
            view->addProgramSource(label, program, module, std::move(loaded.value()), datasets,
                                   metrics);
            view->setLM(currentLM());
            view->setNamedLMs(m_namedProfiles);
            m_tabs->setCurrentWidget(view);
            if (start)
                view->start();
        });
    // A metric name that is a builtin's rather than the project's stands for "none chosen".
    const QString chosenMetric = metrics.contains(metric) ? metric : QString();
    watcher->setFuture(QtConcurrent::run([copy, path, program, dataset, chosenMetric] {
        return loadProjectEvaluation(*copy, path, program, dataset, chosenMetric);
    }));
}

void MainWindow::stop()
{
    m_manager->cancelAll();
}

void MainWindow::appendLog(const QString& line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) +
                           line);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (!m_projectPath.isEmpty()) {
        settings.setValue(QStringLiteral("project/last"), m_projectPath);
        QStringList recent = settings.value(QStringLiteral("project/recent")).toStringList();
        recent.removeAll(m_projectPath);
        recent.prepend(m_projectPath);
        settings.setValue(QStringLiteral("project/recent"), recent.mid(0, 10));
    }
}

std::function<bool(const QString&)>& MainWindow::recoveryPrompt()
{
    static std::function<bool(const QString&)> prompt = [](const QString& path) {
        return QMessageBox::question(
                   nullptr, tr("Restore unsaved changes?"),
                   tr("%1 has unsaved changes from a session that did not end normally. Restore "
                      "them? (The file itself is unchanged until you save.)")
                       .arg(QFileInfo(path).fileName())) == QMessageBox::Yes;
    };
    return prompt;
}

std::function<int(const QString&)>& MainWindow::unsavedPrompt()
{
    static std::function<int(const QString&)> prompt = [](const QString& name) {
        const auto answer = QMessageBox::question(
            nullptr, tr("Unsaved changes"), tr("Save the changes to %1?").arg(name),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        return answer == QMessageBox::Save ? 0 : answer == QMessageBox::Discard ? 1 : 2;
    };
    return prompt;
}

void MainWindow::openDocument(const QString& path)
{
    auto doc = ProjectDocument::open(path, this);
    if (!doc) {
        // Refused: the file stays as it is; the window opens without it.
        m_projectError = doc.error();
        appendLog(tr("Cannot open the project: %1").arg(m_projectError));
        statusBar()->showMessage(tr("Cannot open the project: %1").arg(m_projectError));
        return;
    }
    m_document = *doc;
    m_projectPath = m_document->path(); // absolute, for the recent list
    m_document->setAutosaveInterval(
        QSettings().value(QStringLiteral("project/autosaveSeconds"), 60).toInt() * 1000);
    if (ProjectDocument::hasNewerAutosave(path) && recoveryPrompt()(path)) {
        if (auto ok = m_document->restoreAutosave(); !ok)
            appendLog(tr("The autosave cannot be restored: %1").arg(ok.error()));
        else
            appendLog(tr("Restored unsaved changes from the autosave."));
    }
    QUndoStack* stack = m_document->undoStack();
    auto* history = new QUndoView(stack, this);
    history->setObjectName(QStringLiteral("undoHistory"));
    history->setEmptyLabel(tr("<opened>"));
    auto* historyDock = new QDockWidget(tr("Undo History"), this);
    historyDock->setObjectName(QStringLiteral("UndoHistoryDock"));
    historyDock->setWidget(history);
    addDockWidget(Qt::RightDockWidgetArea, historyDock);
    connect(stack, &QUndoStack::canUndoChanged, m_undoAction, &QAction::setEnabled);
    connect(stack, &QUndoStack::canRedoChanged, m_redoAction, &QAction::setEnabled);
    m_undoAction->setEnabled(stack->canUndo());
    m_redoAction->setEnabled(stack->canRedo());
    connect(m_document, &ProjectDocument::dirtyChanged, this, &MainWindow::updateTitle);
    connect(m_document, &ProjectDocument::saved, this, &MainWindow::updateTitle);
    connect(m_document, &ProjectDocument::projectReplaced, this, [this] {
        // Tabs of programs the replace removed close; the others follow their graph's signals.
        for (auto it = m_programTabs.begin(); it != m_programTabs.end();) {
            if (!m_document->project()->program(it.key())) {
                m_tabs->removeTab(m_tabs->indexOf(it.value()));
                it.value()->deleteLater();
                it = m_programTabs.erase(it);
            } else {
                ++it;
            }
        }
        fillProjectTree();
        fillProfiles();
        syncProjectSignatureEditors();
    });
    connect(m_document, &ProjectDocument::changed, this, &MainWindow::syncProjectSignatureEditors);
    connect(m_document, &ProjectDocument::autosaved, this, [this](bool ok, const QString& error) {
        if (!ok)
            appendLog(tr("Autosave failed: %1").arg(error));
    });
    fillProjectTree();
    if (m_profile)
        fillProfiles();
    updateTitle();
}

void MainWindow::fillProjectTree()
{
    if (!m_document || !m_programsSection)
        return;
    qDeleteAll(m_programsSection->takeChildren());
    for (const QString& name : m_document->project()->programNames()) {
        auto* item = new QTreeWidgetItem(m_programsSection, {name});
        item->setData(0, KindRole, QStringLiteral("program"));
        item->setData(0, NameRole, name);
    }
    m_programsSection->setExpanded(true);
    if (m_signaturesSection) {
        for (int i = m_signaturesSection->childCount() - 1; i >= 0; --i) {
            if (m_signaturesSection->child(i)->data(0, KindRole).toString() == u"project-signature")
                delete m_signaturesSection->takeChild(i);
        }
        const QList<SignatureEntry>& signatures = m_document->project()->signatures;
        for (qsizetype i = 0; i < signatures.size(); ++i) {
            auto* item = new QTreeWidgetItem({signatures.at(i).name});
            item->setData(0, KindRole, QStringLiteral("project-signature"));
            item->setData(0, NameRole, signatures.at(i).name);
            item->setToolTip(0, signatures.at(i).text);
            m_signaturesSection->insertChild(int(i), item);
        }
    }
    if (m_datasetsSection) {
        for (int i = m_datasetsSection->childCount() - 1; i >= 0; --i) {
            if (m_datasetsSection->child(i)->data(0, KindRole).toString() == u"project-dataset")
                delete m_datasetsSection->takeChild(i);
        }
        for (const DatasetRef& d : m_document->project()->datasets) {
            auto* item = new QTreeWidgetItem({d.name});
            item->setData(0, KindRole, QStringLiteral("project-dataset"));
            item->setData(0, NameRole, d.name);
            item->setToolTip(0, d.path);
            m_datasetsSection->insertChild(0, item);
        }
    }
}

DatasetView* MainWindow::openDataset(const QString& name)
{
    if (!m_document)
        return nullptr;
    if (DatasetView* existing = m_datasetTabs.value(name)) {
        m_tabs->setCurrentWidget(existing);
        return existing;
    }
    const DatasetRef* ref = m_document->project()->dataset(name);
    if (!ref)
        return nullptr;
    auto* view = new DatasetView(m_document->undoStack(), this);
    view->setObjectName(QStringLiteral("dataset:") + name);
    if (auto ok = view->open(Project::resolvePath(m_document->path(), ref->path)); !ok) {
        appendLog(tr("Cannot open the dataset %1: %2").arg(name, ok.error()));
        delete view;
        return nullptr;
    }
    view->model()->setInputKeys(ref->inputKeys);
    m_datasetTabs.insert(name, view);
    m_tabs->addTab(view, tr("%1 (data)").arg(name));
    m_tabs->setCurrentWidget(view);
    return view;
}

bool MainWindow::addTracedExampleToDataset(const QString& dataset, bool ask)
{
    const std::optional<Span>& span = m_traces->shownSpan();
    if (!span || !span->inputs.isObject() || !span->outputs.isObject()) {
        appendLog(tr("Select a module call in the trace inspector to add its example."));
        return false;
    }
    QString name = dataset;
    if (name.isEmpty() && m_document && !m_document->project()->datasets.isEmpty())
        name = m_document->project()->datasets.first().name;
    DatasetView* view = openDataset(name);
    if (!view) {
        appendLog(tr("There is no dataset to add the example to."));
        return false;
    }
    Object inputs = span->inputs.toObject();
    Object outputs = span->outputs.toObject();
    if (ask) {
        AddToDatasetDialog dialog(inputs, outputs, this);
        if (dialog.exec() != QDialog::Accepted)
            return false;
        inputs = dialog.inputs();
        outputs = dialog.outputs();
    } else {
        outputs.remove(u"reasoning");
    }
    view->addExample(inputs, outputs);
    return true;
}

void MainWindow::updateTitle()
{
    if (!m_document)
        return;
    setWindowTitle(tr("%1%2 — DSPy Workbench")
                       .arg(m_document->displayName(),
                            m_document->isDirty() ? QStringLiteral("*") : QString()));
}

QString MainWindow::currentProgramName() const
{
    for (auto it = m_programTabs.cbegin(); it != m_programTabs.cend(); ++it) {
        if (it.value() == m_tabs->currentWidget())
            return it.key();
    }
    return {};
}

Expected<void, QString> MainWindow::exportProgramJson(const QString& name, const QString& path)
{
    if (!m_document)
        return unexpected(tr("no project is open"));
    const ProgramGraph* graph = m_document->project()->program(name);
    if (!graph)
        return unexpected(tr("the project has no program '%1'").arg(name));
    GraphEnvironment env = m_document->project()->environment(name);
    env.stateOnly = true;
    auto json = exportDspyStateJson(*graph, env);
    if (!json)
        return unexpected(json.error());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return unexpected(tr("cannot write %1: %2").arg(path, file.errorString()));
    file.write(json->toUtf8());
    if (!file.commit())
        return unexpected(tr("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

Expected<QStringList, QString> MainWindow::importProgramJson(const QString& name,
                                                             const QString& path)
{
    if (!m_document)
        return unexpected(tr("no project is open"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(tr("cannot read %1: %2").arg(path, file.errorString()));
    const QString text = QString::fromUtf8(file.readAll());
    // Into a copy of the project first: a file that does not fit changes nothing.
    auto copy = Project::fromJson(m_document->project()->toJson(), m_document->path());
    if (!copy)
        return unexpected(copy.error());
    ProgramGraph* graph = (*copy)->program(name);
    if (!graph)
        return unexpected(tr("the project has no program '%1'").arg(name));
    GraphEnvironment env = (*copy)->environment(name);
    env.stateOnly = true;
    auto warnings = importDspyStateJson(*graph, text, env);
    if (!warnings)
        return unexpected(warnings.error());
    m_document->replaceProject((*copy)->toJson(),
                               tr("Import %1 into %2").arg(QFileInfo(path).fileName(), name));
    return warnings.value();
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                                          tr("DSPy projects (*.dspyproj)"));
        if (!path.isEmpty())
            openProjectWindow(path);
    });
    open->setObjectName(QStringLiteral("actionOpen"));
    open->setShortcut(QKeySequence::Open);
    QMenu* recent = file->addMenu(tr("Open &Recent"));
    recent->setObjectName(QStringLiteral("menuRecent"));
    connect(recent, &QMenu::aboutToShow, this, [recent] {
        recent->clear();
        const QStringList paths = recentProjects();
        if (paths.isEmpty())
            recent->addAction(tr("(none)"))->setEnabled(false);
        for (const QString& p : paths)
            recent->addAction(QFileInfo(p).fileName(), recent, [p] { openProjectWindow(p); })
                ->setToolTip(p);
    });
    QAction* save = file->addAction(tr("&Save"), this, [this] { saveProject(); });
    save->setObjectName(QStringLiteral("actionSave"));
    save->setShortcut(QKeySequence::Save);
    file->addSeparator();
    QAction* exportJson = file->addAction(tr("&Export Program as DSPy JSON…"), this, [this] {
        const QString name = currentProgramName();
        if (name.isEmpty()) {
            appendLog(tr("Open a program to export it."));
            return;
        }
        const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(name),
                                                          name + QStringLiteral(".json"),
                                                          tr("DSPy program state (*.json)"));
        if (path.isEmpty())
            return;
        if (auto ok = exportProgramJson(name, path); !ok)
            appendLog(tr("Export failed: %1").arg(ok.error()));
        else
            appendLog(tr("Exported %1 to %2").arg(name, path));
    });
    exportJson->setObjectName(QStringLiteral("actionExportProgram"));
    QAction* importJson = file->addAction(tr("&Import DSPy JSON into Program…"), this, [this] {
        const QString name = currentProgramName();
        if (name.isEmpty()) {
            appendLog(tr("Open a program to import a DSPy program.save() file into it."));
            return;
        }
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Import into %1").arg(name), QString(), tr("DSPy program state (*.json)"));
        if (path.isEmpty())
            return;
        auto warnings = importProgramJson(name, path);
        if (!warnings)
            appendLog(tr("Import failed: %1").arg(warnings.error()));
        else
            appendLog(tr("Imported %1 into %2").arg(path, name));
        for (const QString& w : warnings ? warnings.value() : QStringList())
            appendLog(tr("Import: %1").arg(w));
    });
    importJson->setObjectName(QStringLiteral("actionImportProgram"));
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    m_undoAction = edit->addAction(tr("&Undo"));
    m_undoAction->setObjectName(QStringLiteral("actionUndo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setEnabled(false);
    m_redoAction = edit->addAction(tr("&Redo"));
    m_redoAction->setObjectName(QStringLiteral("actionRedo"));
    m_redoAction->setShortcut(QKeySequence::Redo);
    m_redoAction->setEnabled(false);
    connect(m_undoAction, &QAction::triggered, this, [this] {
        if (m_document)
            m_document->undoStack()->undo();
    });
    edit->addSeparator();
    QAction* addToData = edit->addAction(tr("Add Traced Example to Dataset…"), this,
                                         [this] { addTracedExampleToDataset(); });
    addToData->setObjectName(QStringLiteral("actionAddToDataset"));
    connect(m_redoAction, &QAction::triggered, this, [this] {
        if (m_document)
            m_document->undoStack()->redo();
    });
}

bool MainWindow::saveProject()
{
    if (!m_document)
        return false;
    if (auto ok = m_document->save(); !ok) {
        appendLog(tr("Cannot save the project: %1").arg(ok.error()));
        statusBar()->showMessage(tr("Cannot save the project: %1").arg(ok.error()));
        return false;
    }
    appendLog(tr("Saved %1").arg(m_document->path()));
    return true;
}

QWidget* MainWindow::openProgram(const QString& name)
{
    if (!m_document)
        return nullptr;
    if (QWidget* existing = m_programTabs.value(name)) {
        m_tabs->setCurrentWidget(existing);
        return existing;
    }
    ProgramGraph* graph = m_document->project()->program(name);
    if (!graph)
        return nullptr;
    QWidget* editor = createProgramEditor(name, graph);
    editor->setObjectName(QStringLiteral("program:") + name);
    m_programTabs.insert(name, editor);
    m_tabs->addTab(editor, name);
    m_tabs->setCurrentWidget(editor);
    return editor;
}

QWidget* MainWindow::createProgramEditor(const QString& name, ProgramGraph* graph)
{
    auto* editor = new GraphEditor(graph, m_document->undoStack(), m_manager, this);
    editor->setLM(currentLM());
    editor->setNamedLMs(m_namedProfiles);
    connect(m_profile, &QComboBox::currentIndexChanged, editor,
            [this, editor] { editor->setLM(currentLM()); });
    // Subgraph programs of the project; files relative to the project's folder.
    editor->setEnvironment([this, name] {
        // Retrieve nodes' corpora are indexed by the first search of a run (on its worker
        // thread), once per session; nothing here reads a file.
        auto env = m_document->project()->runEnvironment(
            name, m_document->path(), m_indexDir.path(), false, &m_corpusRetrievers);
        if (env)
            return *env;
        GraphEnvironment plain = m_document->project()->environment(name);
        plain.baseDir = QFileInfo(m_document->path()).absolutePath();
        return plain; // the run reports the Retrieve node without a corpus
    });
    connect(editor, &GraphEditor::nodeActivated, this,
            [this, graph](NodeId id, const QString& runId) {
                const GraphNode* node = graph->node(id);
                if (runId.isEmpty() || !node)
                    return;
                showNodeSpans(runId, node->name);
            });
    editor->scene()->setObjectName(QStringLiteral("scene:") + name);
    connect(editor->scene(), &QGraphicsScene::selectionChanged, this, [this, editor] {
        if (m_tabs->currentWidget() == editor)
            inspectGraphSelection(editor);
    });
    connect(editor, &GraphEditor::runFinished, this, [this](const PredictOutcome& o) {
        appendLog(o.error.isEmpty()
                      ? tr("Program run %1 done (%2 ms)").arg(o.runId).arg(o.elapsedMs)
                      : tr("Program run %1 failed: %2").arg(o.runId, o.error));
    });
    return editor;
}

MainWindow* MainWindow::openProjectWindow(const QString& path)
{
    auto* window = new MainWindow(QFileInfo(path).absoluteFilePath());
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    return window;
}

QStringList MainWindow::recentProjects()
{
    QStringList out;
    for (const QString& p : QSettings().value(QStringLiteral("project/recent")).toStringList()) {
        if (p.endsWith(QLatin1String(".dspyproj")) && QFileInfo::exists(p))
            out.append(p);
    }
    return out;
}

namespace {
QString droppedProject(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls()) {
        if (url.isLocalFile() && url.toLocalFile().endsWith(QLatin1String(".dspyproj")))
            return url.toLocalFile();
    }
    return {};
}
} // namespace

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (!droppedProject(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QString path = droppedProject(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    openProjectWindow(path);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_document && m_document->isDirty()) {
        const int answer = unsavedPrompt()(m_document->displayName());
        if (answer == 2 || (answer == 0 && !saveProject())) {
            event->ignore();
            return;
        }
        if (answer == 1)
            m_document->discard();
    }
    saveLayout();
    m_manager->cancelAll();
    event->accept();
}

} // namespace dspy::ui
