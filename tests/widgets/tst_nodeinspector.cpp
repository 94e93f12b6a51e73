// The Inspector's node form: name, signature, instructions, demos and typed settings edit the
// ProgramGraph through undo commands (typing merges into one step), refuse what cannot apply
// without touching the model, follow undo/redo, and what it writes is what GraphProgram runs.

#include "graph/graphcommands.h"
#include "graph/graphprogram.h"
#include "modules/predict.h"
#include "nodeinspector.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QUndoStack>

using namespace dspy;
using namespace dspy::ui;

namespace {
// Input(question) -> solve: ChainOfThought(question -> answer: int) -> Output(answer)
NodeId makeProgram(ProgramGraph& g, const QString& kind = nodekind::ChainOfThought)
{
    g.setProgramSignature(QStringLiteral("question -> answer: int"));
    const NodeId in = g.addNode(nodekind::Input);
    const NodeId solve = g.addNode(kind, QStringLiteral("solve"));
    g.setNodeSignature(solve, QStringLiteral("question -> answer: int"));
    const NodeId out = g.addNode(nodekind::Output);
    g.addConnection({in, QStringLiteral("question"), solve, QStringLiteral("question")});
    g.addConnection({solve, QStringLiteral("answer"), out, QStringLiteral("answer")});
    return solve;
}

// What typing does to a plain text editor: new text, marked modified.
void typeInto(QPlainTextEdit* edit, const QString& text)
{
    edit->setPlainText(text);
    edit->document()->setModified(true);
}

void typeInto(QLineEdit* edit, const QString& text)
{
    edit->setText(text);
    edit->setModified(true);
    Q_EMIT edit->editingFinished();
}

// The instructions the built program's predictor `path` actually uses.
QString builtInstructions(const ProgramGraph& g, const QString& path)
{
    auto program = GraphProgram::build(g);
    if (!program)
        return QStringLiteral("<build failed: %1>").arg(program.error());
    for (const NamedPredictor& np : (*program)->namedPredictors()) {
        if (np.path == path)
            return np.predictor->signature().instructions();
    }
    return QStringLiteral("<no predictor %1>").arg(path);
}
} // namespace

class TestNodeInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheNodeAndFollowsTheModel()
    {
        ProgramGraph g;
        QUndoStack stack;
        const NodeId solve = makeProgram(g);
        NodeInspector inspector;
        QVERIFY(!inspector.nameEdit()->isVisibleTo(&inspector));
        inspector.setNode(&g, &stack, solve);
        QVERIFY(inspector.nameEdit()->isVisibleTo(&inspector));
        QCOMPARE(inspector.nameEdit()->text(), QStringLiteral("solve"));
        QCOMPARE(inspector.signatureEdit()->text(), QStringLiteral("question -> answer: int"));
        QCOMPARE(inspector.predictorBox()->count(), 1);
        QCOMPARE(inspector.predictorBox()->currentText(), QStringLiteral("predict"));
        // ChainOfThought's default instructions, as DSPy writes them.
        QCOMPARE(inspector.instructionsEdit()->toPlainText(),
                 QStringLiteral("Given the fields `question`, produce the fields `answer`."));
        QVERIFY(inspector.settingBox(QStringLiteral("config.temperature")));
        QVERIFY(!inspector.settingBox(QStringLiteral("k")));

        // An edit made elsewhere (another view, a command) shows at once.
        QVERIFY(pushRename(&stack, &g, solve, QStringLiteral("reason")).isEmpty());
        QCOMPARE(inspector.nameEdit()->text(), QStringLiteral("reason"));
        stack.undo();
        QCOMPARE(inspector.nameEdit()->text(), QStringLiteral("solve"));
        // Deleting the node empties the form.
        g.deleteNode(solve);
        QCOMPARE(inspector.node(), InvalidNodeId);
        QVERIFY(!inspector.nameEdit()->isVisibleTo(&inspector));
    }

    void renameAndSignatureAreUndoable()
    {
        ProgramGraph g;
        QUndoStack stack;
        const NodeId solve = makeProgram(g);
        NodeInspector inspector;
        inspector.setNode(&g, &stack, solve);

        typeInto(inspector.nameEdit(), QStringLiteral("reason"));
        QCOMPARE(g.node(solve)->name, QStringLiteral("reason"));
        QCOMPARE(stack.count(), 1);
        // A taken or invalid name is refused, the model keeps its name.
        const NodeId other = g.addNode(nodekind::Predict, QStringLiteral("other"));
        Q_UNUSED(other);
        typeInto(inspector.nameEdit(), QStringLiteral("other"));
        QCOMPARE(g.node(solve)->name, QStringLiteral("reason"));
        QVERIFY2(inspector.problem().contains(QStringLiteral("already exists")),
                 qPrintable(inspector.problem()));
        typeInto(inspector.nameEdit(), QStringLiteral("2bad"));
        QCOMPARE(g.node(solve)->name, QStringLiteral("reason"));
        QVERIFY(inspector.problem().contains(QStringLiteral("not a valid node name")));
        QCOMPARE(stack.count(), 1);

        // A signature that does not parse is named with its position while typing, and kept on
        // the node (as the graph keeps any text) where validation reports it.
        inspector.signatureEdit()->setText(QStringLiteral("question -> answer: strr"));
        QVERIFY2(inspector.signatureProblem().contains(QStringLiteral("position")),
                 qPrintable(inspector.signatureProblem()));
        typeInto(inspector.signatureEdit(), QStringLiteral("question, hint -> answer: int"));
        QVERIFY(inspector.signatureProblem().isEmpty());
        QCOMPARE(g.node(solve)->signatureText, QStringLiteral("question, hint -> answer: int"));
        QCOMPARE(g.portFields(solve, PortType::In).size(), 2);
        stack.undo();
        QCOMPARE(g.node(solve)->signatureText, QStringLiteral("question -> answer: int"));
        QCOMPARE(inspector.signatureEdit()->text(), QStringLiteral("question -> answer: int"));
        stack.undo();
        QCOMPARE(g.node(solve)->name, QStringLiteral("solve"));
        QCOMPARE(inspector.nameEdit()->text(), QStringLiteral("solve"));
    }

    void instructionsReachTheProgramAndTypingIsOneStep()
    {
        ProgramGraph g;
        QUndoStack stack;
        const NodeId solve = makeProgram(g);
        NodeInspector inspector;
        inspector.setNode(&g, &stack, solve);
        const QString before = builtInstructions(g, QStringLiteral("solve.predict"));

        // Typing in pieces, each applied (as the idle timer or focus leaving does): one undo step.
        for (const QString& text : {QStringLiteral("Solve"), QStringLiteral("Solve the problem."),
                                    QStringLiteral("Solve the word problem step by step.")}) {
            inspector.instructionsEdit()->setPlainText(text);
            inspector.commitPending();
        }
        QCOMPARE(stack.count(), 1);
        QCOMPARE(builtInstructions(g, QStringLiteral("solve.predict")),
                 QStringLiteral("Solve the word problem step by step."));
        QCOMPARE(g.node(solve)
                     ->state.value(u"predict")
                     .toObject()
                     .value(u"signature")
                     .toObject()
                     .value(u"instructions")
                     .toString(),
                 QStringLiteral("Solve the word problem step by step."));
        stack.undo();
        QCOMPARE(builtInstructions(g, QStringLiteral("solve.predict")), before);
        QCOMPARE(inspector.instructionsEdit()->toPlainText(), before);
        stack.redo();

        // The idle timer applies what was typed without leaving the field.
        inspector.instructionsEdit()->setPlainText(QStringLiteral("Be brief."));
        QTRY_COMPARE(builtInstructions(g, QStringLiteral("solve.predict")),
                     QStringLiteral("Be brief."));

        // Changing the signature keeps the edited instructions (the saved state follows the new
        // fields), in one undo step.
        const int steps = stack.count();
        typeInto(inspector.signatureEdit(), QStringLiteral("question -> answer: int, note"));
        QCOMPARE(stack.count(), steps + 1);
        QCOMPARE(builtInstructions(g, QStringLiteral("solve.predict")),
                 QStringLiteral("Be brief."));
    }

    void demosAreListedAndCleared()
    {
        ProgramGraph g;
        QUndoStack stack;
        const NodeId solve = makeProgram(g, nodekind::Predict);
        Predict fresh(Signature::fromString(u"question -> answer: int"));
        fresh.demos().append(Example{{QStringLiteral("question"), Value("1+1?")},
                                     {QStringLiteral("answer"), Value(2)}});
        fresh.demos().append(Example{{QStringLiteral("question"), Value("2+3?")},
                                     {QStringLiteral("answer"), Value(5)}});
        g.setNodeState(solve, Object{{QStringLiteral("self"), Value(fresh.dumpState())}});
        NodeInspector inspector;
        inspector.setNode(&g, &stack, solve);
        QCOMPARE(inspector.predictorBox()->currentText(), QStringLiteral("self"));
        QCOMPARE(inspector.demosList()->count(), 2);
        QCOMPARE(inspector.demosList()->item(0)->text(),
                 QStringLiteral("question: 1+1? | answer: 2"));
        QVERIFY(inspector.clearDemosButton()->isEnabled());
        inspector.clearDemosButton()->click();
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        QCOMPARE((*program)->namedPredictors().first().predictor->demos().size(), 0);
        QVERIFY(!inspector.clearDemosButton()->isEnabled());
        stack.undo();
        QCOMPARE(inspector.demosList()->count(), 2);
    }

    void typedSettingsWriteTheSettingsAndMerge()
    {
        ProgramGraph g;
        QUndoStack stack;
        const NodeId solve = makeProgram(g);
        NodeInspector inspector;
        inspector.setNode(&g, &stack, solve);
        auto* temperature = qobject_cast<QDoubleSpinBox*>(
            inspector.settingBox(QStringLiteral("config.temperature")));
        QVERIFY(temperature);
        QCOMPARE(temperature->text(), QStringLiteral("LM default"));
        temperature->setValue(0.3);
        temperature->setValue(0.5);
        QCOMPARE(stack.count(), 1); // stepping merges
        QCOMPARE(
            g.node(solve)->settings.value(u"config").toObject().value(u"temperature").toDouble(),
            0.5);
        QVERIFY(inspector.settingsEdit()->toPlainText().contains(
            QStringLiteral("\"temperature\": 0.5")));
        // Back to the special value: the key goes, the LM's default applies again.
        temperature->setValue(temperature->minimum());
        QVERIFY(g.node(solve)->settings.isEmpty());
        QCOMPARE(stack.count(), 0); // merged back to where it started: obsolete, dropped

        auto* tokens =
            qobject_cast<QSpinBox*>(inspector.settingBox(QStringLiteral("config.max_tokens")));
        QVERIFY(tokens);
        tokens->setValue(256);
        // What the module does with it: the predictor's config carries it into every call.
        auto program = GraphProgram::build(g);
        QVERIFY(program);
        auto* p = (*program)->namedPredictors().first().predictor;
        QCOMPARE(p->state().config.value(u"max_tokens").toInt(), 256);
        stack.undo();
        QCOMPARE(tokens->text(), QStringLiteral("LM default"));

        // A Retrieve node has k instead.
        const NodeId search = g.addNode(nodekind::Retrieve, QStringLiteral("search"));
        inspector.setNode(&g, &stack, search);
        QVERIFY(!inspector.settingBox(QStringLiteral("config.temperature")));
        auto* k = qobject_cast<QSpinBox*>(inspector.settingBox(QStringLiteral("k")));
        QVERIFY(k);
        k->setValue(7);
        QCOMPARE(g.node(search)->settings.value(u"k").toInt(), 7);
        QCOMPARE(inspector.predictorBox()->count(), 0);
        QVERIFY(!inspector.instructionsEdit()->isEnabled());
    }

    void aNodeCanPickAnLMProfile()
    {
        ProgramGraph g;
        QUndoStack stack;
        const NodeId solve = makeProgram(g);
        NodeInspector inspector;
        inspector.setProfileNames({QStringLiteral("fast"), QStringLiteral("openai")});
        inspector.setNode(&g, &stack, solve);
        QComboBox* lm = inspector.lmBox();
        QVERIFY(lm->isEnabled());
        QCOMPARE(lm->count(), 3); // the run's, fast, openai
        QCOMPARE(lm->currentIndex(), 0);
        lm->setCurrentIndex(lm->findData(QStringLiteral("fast")));
        Q_EMIT lm->activated(lm->currentIndex());
        QCOMPARE(g.node(solve)->settings.value(u"lm").toString(), QStringLiteral("fast"));
        QCOMPARE(stack.count(), 1);
        stack.undo();
        QVERIFY(!g.node(solve)->settings.contains(u"lm"));
        QCOMPARE(lm->currentIndex(), 0);
        // A profile the project no longer has stays visible as such.
        g.setNodeSettings(solve, Object{{QStringLiteral("lm"), Value("gone")}});
        QCOMPARE(lm->currentText(), QStringLiteral("gone (not in this project)"));
        // Nodes that call no LM cannot pick one.
        inspector.setNode(&g, &stack, g.nodeByName(QStringLiteral("input")));
        QVERIFY(!lm->isEnabled());
    }

    void settingsJsonIsCheckedBeforeItApplies()
    {
        ProgramGraph g;
        QUndoStack stack;
        const NodeId solve = makeProgram(g, nodekind::ReAct);
        NodeInspector inspector;
        inspector.setNode(&g, &stack, solve);
        QCOMPARE(inspector.predictorBox()->count(), 2); // react, extract.predict
        QVERIFY(inspector.predictorBox()->isEnabled());
        QVERIFY(inspector.settingBox(QStringLiteral("max_iters")));

        typeInto(inspector.settingsEdit(), QStringLiteral("{\"max_iters\": 4"));
        inspector.commitPending();
        QVERIFY2(inspector.problem().contains(QStringLiteral("JSON object")),
                 qPrintable(inspector.problem()));
        QVERIFY(g.node(solve)->settings.isEmpty());
        QCOMPARE(stack.count(), 0);

        typeInto(inspector.settingsEdit(), QStringLiteral("{\"max_iters\": 4}"));
        inspector.commitPending();
        QVERIFY(inspector.problem().isEmpty());
        QCOMPARE(g.node(solve)->settings.value(u"max_iters").toInt(), 4);
        QCOMPARE(
            qobject_cast<QSpinBox*>(inspector.settingBox(QStringLiteral("max_iters")))->value(), 4);
        // A tool name that the environment does not have: the predictors cannot be read, and the
        // form says why.
        typeInto(inspector.settingsEdit(), QStringLiteral("{\"tools\": [\"nope\"]}"));
        inspector.commitPending();
        QVERIFY2(inspector.problem().contains(QStringLiteral("unknown tool 'nope'")),
                 qPrintable(inspector.problem()));
    }
};

QTEST_MAIN(TestNodeInspector)
#include "tst_nodeinspector.moc"
