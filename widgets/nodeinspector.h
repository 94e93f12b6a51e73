#pragma once

// NodeInspector — the Inspector dock's form for the graph node selected in a graph editor
// (WORKBENCH.md "Inspector"): name, signature, each predictor's instructions and demos, and the
// node kind's module settings (LM config temperature / max_tokens / n, Retrieve's k, ReAct's and
// ProgramOfThought's max_iters, MultiChainComparison's M, BestOfN/Refine's N and threshold), plus
// the settings as raw JSON for everything else (tools, reward, subgraph program).
//
// Every edit is a SetNodeDataCommand on the project's undo stack; consecutive edits of one value
// (typing instructions, stepping a spin box) merge into one undo step. The form follows the model:
// undo, redo and edits made elsewhere refresh it (a field being edited keeps its text). Text
// fields commit when editing finishes (Return or focus leaving); instructions also after a pause in
// typing. What cannot be applied (a taken name, settings that are not a JSON object) is shown
// under the form and the model keeps its value.

#include "graph/graphprogram.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>

class QAbstractSpinBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QUndoStack;

namespace dspy::ui {

class NodeInspector final : public QWidget
{
    Q_OBJECT
public:
    struct SettingSpec; // a typed setting's key, range and the kinds that have it
    explicit NodeInspector(QWidget* parent = nullptr);
    ~NodeInspector() override;

    // Shows `id` of `graph` (InvalidNodeId or a null graph: shows nothing); edits go to `stack`.
    void setNode(ProgramGraph* graph, QUndoStack* stack, NodeId id);
    NodeId node() const { return m_node; }
    ProgramGraph* graph() const { return m_graph; }
    // What nodes need to be built for reading their predictors (ReAct's named tools, ...).
    void setEnvironment(std::function<GraphEnvironment()> env) { m_env = std::move(env); }

    // The form's editors (for tests and keyboard users' focus chains).
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* signatureEdit() const { return m_signature; }
    QComboBox* predictorBox() const { return m_predictor; }
    // Which LM the node calls: the run's (the toolbar's profile) or a named profile (settings
    // "lm"). Enabled for the kinds that call an LM.
    QComboBox* lmBox() const { return m_lmProfile; }
    void setProfileNames(const QStringList& names);
    QPlainTextEdit* instructionsEdit() const { return m_instructions; }
    QListWidget* demosList() const { return m_demos; }
    QPushButton* clearDemosButton() const { return m_clearDemos; }
    QPlainTextEdit* settingsEdit() const { return m_settingsJson; }
    // The spin box of a typed setting ("config.temperature", "k", "max_iters", "M", "N",
    // "threshold", "config.max_tokens", "config.n"); nullptr when this node's kind has none.
    QAbstractSpinBox* settingBox(const QString& key) const;
    QString problem() const; // the last edit that could not be applied; empty when none
    QString signatureProblem() const;

    // Applies the text fields' pending edits now (what focus leaving does).
    void commitPending();

Q_SIGNALS:
    void problemChanged(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildForm();
    void refresh();
    void refreshPredictors();
    void setProblem(const QString& text);
    void commitName();
    void commitSignature();
    void commitInstructions();
    void commitSettingsJson();
    void commitSetting(const SettingSpec& spec, double value);
    void commitLMProfile(const QString& name);
    void clearDemos();
    void pushState(const QString& path, const Object& predictorState, const QString& mergeKey,
                   const QString& text);
    const GraphNode* current() const;

    QPointer<ProgramGraph> m_graph;
    QPointer<QUndoStack> m_stack;
    NodeId m_node = InvalidNodeId;
    std::function<GraphEnvironment()> m_env;
    QList<NodePredictorState> m_predictors;
    bool m_refreshing = false;

    QLabel* m_header = nullptr;
    QLabel* m_empty = nullptr;
    QWidget* m_formWidget = nullptr;
    QFormLayout* m_form = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_signature = nullptr;
    QLabel* m_signatureError = nullptr;
    QComboBox* m_predictor = nullptr;
    QComboBox* m_lmProfile = nullptr;
    QStringList m_profileNames;
    QPlainTextEdit* m_instructions = nullptr;
    QListWidget* m_demos = nullptr;
    QPushButton* m_clearDemos = nullptr;
    QPlainTextEdit* m_settingsJson = nullptr;
    QLabel* m_problem = nullptr;
    QList<std::pair<const SettingSpec*, QAbstractSpinBox*>> m_settingBoxes;
    QList<QWidget*> m_settingRows; // labels and boxes of the typed settings, rebuilt per kind
    QString m_settingsKind;        // the kind the typed settings were built for
    QTimer m_instructionsIdle;
    QList<QMetaObject::Connection> m_graphConnections;
};

} // namespace dspy::ui
