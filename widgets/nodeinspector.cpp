#include "nodeinspector.h"

#include "graph/graphcommands.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUndoStack>
#include <QVBoxLayout>

#include <array>
#include <cmath>

namespace dspy::ui {

// A typed setting: `key` is a settings key, or "config.KEY" for the LM config the node's
// predictors merge into every call. The box's minimum shows `unset` and means "not in the
// settings" (the module's default applies).
struct NodeInspector::SettingSpec
{
    const char* key;
    const char* label;
    bool integer;
    double minimum; // the first real value; minimum - step is "unset"
    double maximum;
    double step;
    int decimals;
    const char* unset;
    QStringList kinds;
};

namespace {

// The JSON ProgramGraph::nodeData() gives, so that an edit back to the start compares equal.
const JsonStyle kSorted{-1, false, true};

QStringList lmKinds()
{
    return {nodekind::Predict,          nodekind::ChainOfThought, nodekind::ReAct,
            nodekind::ProgramOfThought, nodekind::BestOfN,        nodekind::Refine};
}

QStringList withMCC(QStringList kinds)
{
    kinds.append(nodekind::MultiChainComparison);
    return kinds;
}

QString settingLabel(const char* text)
{
    return QCoreApplication::translate("dspy::ui::NodeInspector", text);
}

// One line per demo: "question: What is 2+3? | answer: 5", shortened.
QString demoSummary(const Value& demo)
{
    QStringList parts;
    for (const auto& [key, value] : demo.toObject()) {
        if (key.startsWith(QLatin1String("dspy_")))
            continue;
        QString text = value.isString() ? value.toString() : value.toJson();
        text.replace(QLatin1Char('\n'), QLatin1Char(' '));
        parts.append(key + QStringLiteral(": ") + text);
    }
    QString line = parts.join(QStringLiteral(" | "));
    if (line.size() > 160)
        line = line.left(157) + QStringLiteral("...");
    return line;
}

const Value* settingValue(const Object& settings, const QString& key)
{
    if (key.startsWith(QLatin1String("config."))) {
        const Value& config = settings.value(u"config");
        if (!config.isObject() || !config.toObject().contains(key.mid(7)))
            return nullptr;
        return &config.toObject().value(key.mid(7));
    }
    if (!settings.contains(key))
        return nullptr;
    return &settings.value(key);
}

Object withSetting(Object settings, const QString& key, std::optional<Value> value)
{
    if (key.startsWith(QLatin1String("config."))) {
        Object config = settings.value(u"config").toObject();
        if (value)
            config.insert(key.mid(7), *value);
        else
            config.remove(key.mid(7));
        if (config.isEmpty())
            settings.remove(u"config");
        else
            settings.insert(QStringLiteral("config"), Value(std::move(config)));
        return settings;
    }
    if (value)
        settings.insert(key, *value);
    else
        settings.remove(key);
    return settings;
}

QString prettySettings(const Object& settings)
{
    return settings.isEmpty() ? QStringLiteral("{}")
                              : Value(settings).toJson(JsonStyle{2, false, true});
}

const std::array<NodeInspector::SettingSpec, 8>& settingSpecs()
{
    static const std::array<NodeInspector::SettingSpec, 8> specs = {{
        {"config.temperature", QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "Temperature:"), false,
         0.0, 2.0, 0.1, 2, QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "LM default"), lmKinds()},
        {"temperature",
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "Temperature:"),
         false,
         0.0,
         2.0,
         0.1,
         2,
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "default (0.7)"),
         {nodekind::MultiChainComparison}},
        {"config.max_tokens", QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "Max tokens:"), true, 1,
         1000000, 1, 0, QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "LM default"),
         withMCC(lmKinds())},
        {"k",
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "Passages (k):"),
         true,
         1,
         1000,
         1,
         0,
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "default (3)"),
         {nodekind::Retrieve}},
        {"max_iters",
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "Max iterations:"),
         true,
         1,
         1000,
         1,
         0,
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "default"),
         {nodekind::ReAct, nodekind::ProgramOfThought}},
        {"M",
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "Attempts (M):"),
         true,
         1,
         100,
         1,
         0,
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "default (3)"),
         {nodekind::MultiChainComparison}},
        {"N",
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "Attempts (N):"),
         true,
         1,
         100,
         1,
         0,
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "default (3)"),
         {nodekind::BestOfN, nodekind::Refine}},
        {"threshold",
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "Reward threshold:"),
         false,
         0.0,
         1.0,
         0.05,
         2,
         QT_TRANSLATE_NOOP("dspy::ui::NodeInspector", "default (1.0)"),
         {nodekind::BestOfN, nodekind::Refine}},
    }};
    return specs;
}

} // namespace

NodeInspector::NodeInspector(QWidget* parent)
    : QWidget(parent)
{
    buildForm();
    m_instructionsIdle.setSingleShot(true);
    m_instructionsIdle.setInterval(800);
    connect(&m_instructionsIdle, &QTimer::timeout, this, &NodeInspector::commitInstructions);
    refresh();
}

NodeInspector::~NodeInspector() = default;

void NodeInspector::buildForm()
{
    auto* outer = new QVBoxLayout(this);
    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::RichText);
    outer->addWidget(m_header);
    m_empty = new QLabel(tr("Select one node of a program to edit it here."), this);
    m_empty->setWordWrap(true);
    outer->addWidget(m_empty);

    m_formWidget = new QWidget(this);
    m_form = new QFormLayout(m_formWidget);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_name = new QLineEdit(m_formWidget);
    m_name->setObjectName(QStringLiteral("nodeName"));
    m_form->addRow(tr("&Name:"), m_name);
    connect(m_name, &QLineEdit::editingFinished, this, &NodeInspector::commitName);

    m_signature = new QLineEdit(m_formWidget);
    m_signature->setObjectName(QStringLiteral("nodeSignature"));
    m_signature->setPlaceholderText(tr("question -> answer"));
    m_form->addRow(tr("&Signature:"), m_signature);
    m_signatureError = new QLabel(m_formWidget);
    m_signatureError->setWordWrap(true);
    m_signatureError->setStyleSheet(QStringLiteral("color: #c62828"));
    m_form->addRow(QString(), m_signatureError);
    connect(m_signature, &QLineEdit::editingFinished, this, &NodeInspector::commitSignature);
    connect(m_signature, &QLineEdit::textChanged, this, [this](const QString& text) {
        SignatureError error;
        if (text.trimmed().isEmpty() || Signature::parse(text, {}, &error))
            m_signatureError->clear();
        else
            m_signatureError->setText(error.toString());
    });

    m_lmProfile = new QComboBox(m_formWidget);
    m_lmProfile->setObjectName(QStringLiteral("nodeLM"));
    m_form->addRow(tr("&LM:"), m_lmProfile);
    connect(m_lmProfile, &QComboBox::activated, this,
            [this](int index) { commitLMProfile(m_lmProfile->itemData(index).toString()); });

    m_predictor = new QComboBox(m_formWidget);
    m_form->addRow(tr("&Predictor:"), m_predictor);
    connect(m_predictor, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_refreshing)
            refreshPredictors();
    });

    m_instructions = new QPlainTextEdit(m_formWidget);
    m_instructions->setObjectName(QStringLiteral("nodeInstructions"));
    m_instructions->setTabChangesFocus(true);
    m_instructions->setMaximumHeight(110);
    m_instructions->installEventFilter(this);
    m_form->addRow(tr("&Instructions:"), m_instructions);
    connect(m_instructions, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_refreshing)
            m_instructionsIdle.start();
    });

    m_demos = new QListWidget(m_formWidget);
    m_demos->setMaximumHeight(90);
    m_form->addRow(tr("Demos:"), m_demos);
    m_clearDemos = new QPushButton(tr("Clear Demos"), m_formWidget);
    m_form->addRow(QString(), m_clearDemos);
    connect(m_clearDemos, &QPushButton::clicked, this, &NodeInspector::clearDemos);

    m_settingsJson = new QPlainTextEdit(m_formWidget);
    m_settingsJson->setObjectName(QStringLiteral("nodeSettingsJson"));
    m_settingsJson->setTabChangesFocus(true);
    m_settingsJson->setMaximumHeight(120);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    m_settingsJson->setFont(mono);
    m_settingsJson->installEventFilter(this);
    m_form->addRow(tr("Settings (&JSON):"), m_settingsJson);

    m_problem = new QLabel(m_formWidget);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c62828"));
    m_form->addRow(m_problem);

    outer->addWidget(m_formWidget);
    outer->addStretch(1);
}

QAbstractSpinBox* NodeInspector::settingBox(const QString& key) const
{
    for (const auto& [spec, box] : m_settingBoxes) {
        if (QLatin1String(spec->key) == key)
            return box;
    }
    return nullptr;
}

QString NodeInspector::problem() const
{
    return m_problem->text();
}

QString NodeInspector::signatureProblem() const
{
    return m_signatureError->text();
}

const GraphNode* NodeInspector::current() const
{
    return m_graph ? m_graph->node(m_node) : nullptr;
}

void NodeInspector::setNode(ProgramGraph* graph, QUndoStack* stack, NodeId id)
{
    if (graph == m_graph && id == m_node && stack == m_stack)
        return;
    if (current())
        commitPending();
    for (const auto& c : std::as_const(m_graphConnections))
        disconnect(c);
    m_graphConnections.clear();
    m_graph = graph;
    m_stack = stack;
    m_node = graph && graph->nodeExists(id) ? id : InvalidNodeId;
    if (m_graph) {
        m_graphConnections.append(
            connect(m_graph.data(), &ProgramGraph::nodeUpdated, this, [this](NodeId updated) {
                if (updated == m_node)
                    refresh();
            }));
        m_graphConnections.append(
            connect(m_graph.data(), &ProgramGraph::nodeDeleted, this, [this](NodeId deleted) {
                if (deleted == m_node)
                    setNode(m_graph, m_stack, InvalidNodeId);
            }));
        m_graphConnections.append(connect(m_graph.data(), &QObject::destroyed, this,
                                          [this] { setNode(nullptr, nullptr, InvalidNodeId); }));
    }
    setProblem({});
    refresh();
}

void NodeInspector::setProblem(const QString& text)
{
    if (m_problem->text() == text)
        return;
    m_problem->setText(text);
    Q_EMIT problemChanged(text);
}

void NodeInspector::refresh()
{
    const GraphNode* n = current();
    m_formWidget->setVisible(n != nullptr);
    m_empty->setVisible(n == nullptr);
    if (!n) {
        m_header->clear();
        return;
    }
    m_refreshing = true;
    m_header->setText(QStringLiteral("<h3>%1 <small>(%2)</small></h3>")
                          .arg(n->name.toHtmlEscaped(), n->kind.toHtmlEscaped()));
    // A field keeps what the user is typing; otherwise it shows the model.
    auto show = [](QLineEdit* edit, const QString& text) {
        if (edit->text() != text && !(edit->hasFocus() && edit->isModified()))
            edit->setText(text);
        edit->setModified(false);
    };
    show(m_name, n->name);
    const bool io = n->kind == nodekind::Input || n->kind == nodekind::Output;
    m_name->setEnabled(true);
    m_signature->setEnabled(!io);
    show(m_signature, io ? QString() : n->signatureText);
    m_signatureError->setText(io ? QString() : n->signatureError);

    // The LM it calls: the run's, or a profile by name (one the project no longer has is shown
    // as such, so the choice is not lost).
    const bool callsLM = withMCC(lmKinds()).contains(n->kind);
    const QString chosen = n->settings.value(u"lm").toString();
    m_lmProfile->clear();
    m_lmProfile->addItem(tr("the run's (toolbar profile)"), QString());
    for (const QString& name : std::as_const(m_profileNames))
        m_lmProfile->addItem(name, name);
    if (!chosen.isEmpty() && !m_profileNames.contains(chosen))
        m_lmProfile->addItem(tr("%1 (not in this project)").arg(chosen), chosen);
    m_lmProfile->setCurrentIndex(std::max(0, m_lmProfile->findData(chosen)));
    m_lmProfile->setEnabled(callsLM);

    const QString settingsText = prettySettings(n->settings);
    if (!m_settingsJson->hasFocus() || !m_settingsJson->document()->isModified()) {
        if (m_settingsJson->toPlainText() != settingsText)
            m_settingsJson->setPlainText(settingsText);
        m_settingsJson->document()->setModified(false);
    }
    m_settingsJson->setEnabled(!io);

    // The typed settings of this kind, rebuilt when the kind changes.
    if (m_settingsKind != n->kind) {
        for (QWidget* w : std::as_const(m_settingRows)) {
            m_form->removeRow(w);
        }
        m_settingRows.clear();
        m_settingBoxes.clear();
        m_settingsKind = n->kind;
        int row = m_form->rowCount() - 2; // before the JSON settings and the problem line
        for (const SettingSpec& spec : settingSpecs()) {
            if (!spec.kinds.contains(n->kind))
                continue;
            QAbstractSpinBox* box;
            if (spec.integer) {
                auto* s = new QSpinBox(m_formWidget);
                s->setRange(int(spec.minimum - spec.step), int(spec.maximum));
                s->setSingleStep(int(spec.step));
                connect(s, &QSpinBox::valueChanged, this, [this, &spec](int v) {
                    if (!m_refreshing)
                        commitSetting(spec, v);
                });
                box = s;
            } else {
                auto* d = new QDoubleSpinBox(m_formWidget);
                d->setDecimals(spec.decimals);
                d->setRange(spec.minimum - spec.step, spec.maximum);
                d->setSingleStep(spec.step);
                connect(d, &QDoubleSpinBox::valueChanged, this, [this, &spec](double v) {
                    if (!m_refreshing)
                        commitSetting(spec, v);
                });
                box = d;
            }
            box->setObjectName(QLatin1String(spec.key));
            box->setSpecialValueText(settingLabel(spec.unset));
            box->setKeyboardTracking(false);
            m_form->insertRow(row++, settingLabel(spec.label), box);
            m_settingRows.append(box);
            m_settingBoxes.append({&spec, box});
        }
    }
    for (const auto& [spec, box] : std::as_const(m_settingBoxes)) {
        const Value* v = settingValue(n->settings, QLatin1String(spec->key));
        const double value = v && v->isNumber() ? v->toDouble() : spec->minimum - spec->step;
        if (auto* s = qobject_cast<QSpinBox*>(box))
            s->setValue(int(value));
        else if (auto* d = qobject_cast<QDoubleSpinBox*>(box))
            d->setValue(value);
    }

    // The node's predictors: their paths, instructions and demos.
    m_predictors.clear();
    QString predictorProblem;
    if (!io && n->signature) {
        auto states = nodePredictorStates(*n, m_env ? m_env() : GraphEnvironment{});
        if (states)
            m_predictors = states.value();
        else
            predictorProblem = states.error();
    }
    const QString previous = m_predictor->currentText();
    m_predictor->clear();
    for (const NodePredictorState& p : std::as_const(m_predictors))
        m_predictor->addItem(p.path);
    const int keep = m_predictor->findText(previous);
    m_predictor->setCurrentIndex(keep >= 0 ? keep : 0);
    m_predictor->setEnabled(m_predictors.size() > 1);
    m_refreshing = false;
    refreshPredictors();
    // After a change of the model, what is wrong with the node now (nothing: cleared).
    setProblem(predictorProblem);
}

void NodeInspector::refreshPredictors()
{
    m_refreshing = true;
    const int i = m_predictor->currentIndex();
    const bool has = i >= 0 && i < m_predictors.size();
    m_instructions->setEnabled(has);
    m_clearDemos->setEnabled(false);
    m_demos->clear();
    if (!has) {
        m_instructions->clear();
        m_refreshing = false;
        return;
    }
    const Object& state = m_predictors.at(i).state;
    const QString text = state.value(u"signature").toObject().value(u"instructions").toString();
    if (!m_instructionsIdle.isActive() && m_instructions->toPlainText() != text)
        m_instructions->setPlainText(text);
    const Array& demos = state.value(u"demos").toArray();
    for (const Value& demo : demos)
        m_demos->addItem(demoSummary(demo));
    if (demos.isEmpty())
        m_demos->addItem(tr("(no demos: optimizers add them)"));
    m_clearDemos->setEnabled(!demos.isEmpty());
    m_refreshing = false;
}

void NodeInspector::commitPending()
{
    if (!current())
        return;
    if (m_name->isModified())
        commitName();
    if (m_signature->isModified())
        commitSignature();
    if (m_instructionsIdle.isActive())
        commitInstructions();
    if (m_settingsJson->document()->isModified())
        commitSettingsJson();
}

bool NodeInspector::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::FocusOut) {
        if (watched == m_instructions && m_instructionsIdle.isActive())
            commitInstructions();
        else if (watched == m_settingsJson && m_settingsJson->document()->isModified())
            commitSettingsJson();
    }
    return QWidget::eventFilter(watched, event);
}

void NodeInspector::commitName()
{
    const GraphNode* n = current();
    if (!n || !m_stack)
        return;
    const QString name = m_name->text().trimmed();
    m_name->setModified(false);
    if (name == n->name)
        return;
    const QString why = pushRename(m_stack, m_graph, m_node, name);
    if (!why.isEmpty())
        setProblem(tr("Not renamed: %1").arg(why));
}

void NodeInspector::commitSignature()
{
    const GraphNode* n = current();
    if (!n || !m_stack || n->kind == nodekind::Input || n->kind == nodekind::Output)
        return;
    const QString text = m_signature->text().trimmed();
    m_signature->setModified(false);
    if (text == n->signatureText)
        return;
    // Saved predictor state is tied to the signature's fields: keep its instructions and demos,
    // take the new signature's fields, so the node still loads (one undo step for both).
    GraphNode changed = *n;
    changed.signatureText = text;
    SignatureError error;
    changed.signature = Signature::parse(text, {}, &error);
    std::optional<Object> adaptedState;
    if (changed.signature && !n->state.isEmpty()) {
        GraphNode fresh = changed;
        fresh.state = {};
        auto freshStates = nodePredictorStates(fresh, m_env ? m_env() : GraphEnvironment{});
        if (freshStates && !nodePredictorStates(changed, m_env ? m_env() : GraphEnvironment{})) {
            Object state;
            for (const NodePredictorState& p : freshStates.value()) {
                if (!n->state.contains(p.path))
                    continue;
                Object saved = n->state.value(p.path).toObject();
                Object sig = p.state.value(u"signature").toObject();
                const Value& instructions =
                    saved.value(u"signature").toObject().value(u"instructions");
                if (instructions.isString())
                    sig.insert(QStringLiteral("instructions"), instructions);
                saved.insert(QStringLiteral("signature"), Value(std::move(sig)));
                state.insert(p.path, Value(std::move(saved)));
            }
            adaptedState = std::move(state);
        }
    }
    m_stack->beginMacro(tr("Edit signature of %1").arg(n->name));
    pushSignature(m_stack, m_graph, m_node, text);
    if (adaptedState) {
        m_stack->push(new SetNodeDataCommand(m_graph, m_node, NodeRole::State,
                                             Value(*adaptedState).toJson(kSorted)));
    }
    m_stack->endMacro();
}

void NodeInspector::pushState(const QString& path, const Object& predictorState,
                              const QString& mergeKey, const QString& text)
{
    const GraphNode* n = current();
    if (!n || !m_stack)
        return;
    Object state = n->state;
    state.insert(path, Value(predictorState));
    auto* cmd =
        new SetNodeDataCommand(m_graph, m_node, NodeRole::State, Value(state).toJson(kSorted));
    cmd->setText(text);
    cmd->setMergeKey(mergeKey);
    m_stack->push(cmd);
}

void NodeInspector::commitInstructions()
{
    m_instructionsIdle.stop();
    const int i = m_predictor->currentIndex();
    if (!current() || i < 0 || i >= m_predictors.size())
        return;
    const NodePredictorState& p = m_predictors.at(i);
    Object state = p.state;
    Object sig = state.value(u"signature").toObject();
    const QString text = m_instructions->toPlainText();
    if (sig.value(u"instructions").toString() == text)
        return;
    sig.insert(QStringLiteral("instructions"), Value(text));
    state.insert(QStringLiteral("signature"), Value(std::move(sig)));
    pushState(p.path, state, QStringLiteral("instructions:") + p.path,
              tr("Edit instructions of %1").arg(current()->name));
}

void NodeInspector::clearDemos()
{
    const int i = m_predictor->currentIndex();
    if (!current() || i < 0 || i >= m_predictors.size())
        return;
    const NodePredictorState& p = m_predictors.at(i);
    Object state = p.state;
    state.insert(QStringLiteral("demos"), Value(Array()));
    pushState(p.path, state, {}, tr("Clear demos of %1").arg(current()->name));
}

void NodeInspector::commitSettingsJson()
{
    const GraphNode* n = current();
    m_settingsJson->document()->setModified(false);
    if (!n || !m_stack)
        return;
    const QString text = m_settingsJson->toPlainText();
    QString error;
    const auto parsed = Value::fromJson(text, &error);
    if (parsed && parsed->isObject() && Value(parsed->toObject()) == Value(n->settings))
        return;
    const QString why = pushSettingsJson(m_stack, m_graph, m_node, text);
    if (!why.isEmpty())
        setProblem(tr("Settings not applied: %1").arg(why));
}

void NodeInspector::setProfileNames(const QStringList& names)
{
    if (names == m_profileNames)
        return;
    m_profileNames = names;
    if (current())
        refresh();
}

void NodeInspector::commitLMProfile(const QString& name)
{
    const GraphNode* n = current();
    if (!n || !m_stack || n->settings.value(u"lm").toString() == name)
        return;
    Object settings = n->settings;
    if (name.isEmpty())
        settings.remove(u"lm");
    else
        settings.insert(QStringLiteral("lm"), Value(name));
    auto* cmd = new SetNodeDataCommand(m_graph, m_node, NodeRole::Settings,
                                       Value(settings).toJson(kSorted));
    cmd->setText(name.isEmpty() ? tr("Use the run's LM for %1").arg(n->name)
                                : tr("Use LM %1 for %2").arg(name, n->name));
    m_stack->push(cmd);
}

void NodeInspector::commitSetting(const SettingSpec& spec, double value)
{
    const GraphNode* n = current();
    if (!n || !m_stack)
        return;
    const bool unset = value < spec.minimum - spec.step / 2;
    std::optional<Value> v;
    if (!unset) {
        v = spec.integer ? Value(qint64(std::llround(value)))
                         : Value(std::round(value * std::pow(10.0, spec.decimals)) /
                                 std::pow(10.0, spec.decimals));
    }
    const QString key = QLatin1String(spec.key);
    const Object settings = withSetting(n->settings, key, v);
    if (Value(settings) == Value(n->settings))
        return;
    auto* cmd = new SetNodeDataCommand(m_graph, m_node, NodeRole::Settings,
                                       Value(settings).toJson(kSorted));
    cmd->setText(tr("Set %1 of %2").arg(key, n->name));
    cmd->setMergeKey(QStringLiteral("settings.") + key);
    m_stack->push(cmd);
}

} // namespace dspy::ui
