#include "grapheditor.h"

#include "graphcommands.h"
#include "graphscene.h"
#include "graphview.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace dspy::ui {

namespace {

QString outputsText(const Object& outputs)
{
    QStringList lines;
    for (const auto& [k, v] : outputs)
        lines.append(k + QStringLiteral(": ") + (v.isString() ? v.toString() : v.toJson()));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

GraphEditor::GraphEditor(ProgramGraph* graph, QUndoStack* stack, RunManager* manager,
                         QWidget* parent)
    : QWidget(parent)
    , m_graph(graph)
    , m_stack(stack)
    , m_manager(manager)
{
    m_lm.model = QStringLiteral("lmsim/sim");
    m_scene = new GraphScene(graph, stack, this);
    m_view = new GraphView(m_scene, this);
    m_palette = new NodePalette(this);
    connect(m_palette, &NodePalette::kindActivated, this, [this](const QString& kind) {
        pushAddNode(m_stack, m_graph, kind, m_view->visibleCentre());
    });

    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(new QLabel(tr("Inputs"), side));
    m_form = new QFormLayout;
    sideLayout->addLayout(m_form);
    m_runButton = new QPushButton(tr("Run"), side);
    m_runButton->setObjectName(QStringLiteral("graphRun"));
    m_stopButton = new QPushButton(tr("Stop"), side);
    m_stopButton->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_stopButton);
    sideLayout->addLayout(buttons);
    m_message = new QLabel(side);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sideLayout->addWidget(m_message);
    sideLayout->addStretch(1);
    connect(m_runButton, &QPushButton::clicked, this, [this] { run(); });
    connect(m_stopButton, &QPushButton::clicked, this, &GraphEditor::stop);

    // Width goes to the graph: the palette narrow on the left, the input form under the view.
    m_palette->setMaximumWidth(170);
    auto* centre = new QSplitter(Qt::Vertical, this);
    centre->addWidget(m_view);
    centre->addWidget(side);
    centre->setStretchFactor(0, 1);
    centre->setStretchFactor(1, 0);
    centre->setSizes({600, 150});
    auto* splitter = new QSplitter(this);
    splitter->addWidget(m_palette);
    splitter->addWidget(centre);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({165, 1000});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_scene, &GraphScene::statusMessage, m_message, &QLabel::setText);
    connect(m_scene, &GraphScene::nodeDoubleClicked, this,
            [this](NodeId id) { Q_EMIT nodeActivated(id, m_runId); });
    connect(graph, &ProgramGraph::programSignatureChanged, this, &GraphEditor::rebuildForm);
    rebuildForm();

    m_flush.setInterval(33); // <= 30 updates a second
    connect(&m_flush, &QTimer::timeout, this, &GraphEditor::flush);
    connect(m_manager, &RunManager::predictFinished, this, [this](const PredictOutcome& o) {
        if (o.runId != m_runId)
            return;
        flush();
        m_flush.stop();
        m_runButton->setEnabled(true);
        m_stopButton->setEnabled(false);
        m_message->setText(
            o.cancelled ? tr("Stopped.")
            : o.error.isEmpty()
                ? tr("Done in %1 ms: %2").arg(o.elapsedMs).arg(outputsText(o.prediction.toObject()))
                : tr("Failed: %1").arg(o.error));
        Q_EMIT runFinished(o);
    });
}

GraphEditor::~GraphEditor()
{
    if (m_manager && !m_runId.isEmpty() && m_manager->isRunning(m_runId))
        m_manager->cancel(m_runId);
}

QString GraphEditor::message() const
{
    return m_message->text();
}

void GraphEditor::rebuildForm()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_inputs.clear();
    if (!m_graph->programSignature())
        return;
    for (const Field& f : m_graph->programSignature()->inputFields()) {
        auto* edit = new QLineEdit(this);
        edit->setObjectName(QStringLiteral("input:") + f.name);
        edit->setPlaceholderText(f.type.displayName());
        m_form->addRow(f.name, edit);
        m_inputs.insert(f.name, edit);
    }
}

QString GraphEditor::run()
{
    GraphEnvironment env = m_env ? m_env() : GraphEnvironment{};
    auto built = GraphProgram::build(*m_graph, env);
    if (!built) {
        m_message->setText(tr("Cannot run:\n%1").arg(built.error()));
        return {};
    }
    Example inputs;
    for (const Field& f : m_graph->programSignature()->inputFields()) {
        const QString text = m_inputs.value(f.name) ? m_inputs.value(f.name)->text() : QString();
        if (f.type.isStr()) { // taken literally, like dspy-run's --input
            inputs.set(f.name, Value(text));
            continue;
        }
        const auto parsed = Value::fromJson(text);
        inputs.set(f.name, parsed ? *parsed : Value(text));
    }
    inputs = inputs.withInputs(m_graph->programSignature()->inputNames());

    {
        QMutexLocker lock(&m_live->mutex);
        m_live->latest.clear();
    }
    m_scene->clearStatuses();
    std::shared_ptr<Live> live = m_live; // the callback outlives nothing it does not own
    (*built)->setEventCallback([live](const NodeEvent& e) {
        QMutexLocker lock(&live->mutex);
        live->latest.insert(e.node, e);
    });
    RunRequest request;
    request.name = tr("Run program");
    request.program = std::shared_ptr<Module>(std::move(built.value()));
    request.lm = m_lm;
    for (const QString& profile : static_cast<GraphProgram*>(request.program.get())->lmProfiles()) {
        if (m_namedLMs.contains(profile)) // a missing one fails its node, naming it
            request.namedLMs.insert(profile, m_namedLMs.value(profile));
    }
    m_runId = m_manager->predict(request, inputs);
    m_runButton->setEnabled(false);
    m_stopButton->setEnabled(true);
    m_message->setText(tr("Running…"));
    m_flush.start();
    return m_runId;
}

void GraphEditor::stop()
{
    if (m_manager && !m_runId.isEmpty())
        m_manager->cancel(m_runId);
}

void GraphEditor::flush()
{
    QHash<NodeId, NodeEvent> latest;
    {
        QMutexLocker lock(&m_live->mutex);
        latest.swap(m_live->latest);
    }
    for (auto it = latest.cbegin(); it != latest.cend(); ++it) {
        const NodeEvent& e = it.value();
        m_scene->setNodeStatus(e.node, e.status,
                               e.status == NodeStatus::Failed || e.status == NodeStatus::Skipped
                                   ? e.error
                                   : outputsText(e.outputs));
    }
}

} // namespace dspy::ui
