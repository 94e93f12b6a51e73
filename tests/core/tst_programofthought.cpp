// ProgramOfThought with JavaScript: DSPy's three predictors and their prompts (adapted to
// JavaScript as docs/modules.md lists), code extraction, execution in a real QJSEngine sandbox
// (SUBMIT, time limit, no I/O), regenerate-on-error, max hops, paths and state.

#include "lm/scriptedlm.h"
#include "lm/simulator.h"
#include "modules/programofthought.h"

#include <QTest>

using namespace dspy;

namespace {

Object codeAnswer(const QString& code)
{
    return Object{{QStringLiteral("reasoning"), Value("I compute it.")},
                  {QStringLiteral("generated_code"), Value(code)}};
}

Object finalAnswer(const Value& answer)
{
    return Object{{QStringLiteral("reasoning"), Value("The code says so.")},
                  {QStringLiteral("answer"), answer}};
}

Example ask(const QString& q)
{
    return Example{{QStringLiteral("question"), Value(q)}};
}

const QString kProblem =
    QStringLiteral("A farmer has 12 rows of 8 plants. He sells 30 plants. How many are left?");

} // namespace

class TstProgramOfThought : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatePromptBytes()
    {
        auto lm = std::make_shared<ScriptedLM>(
            QList<Object>{codeAnswer(QStringLiteral("```javascript\nSUBMIT({answer: 4});\n```")),
                          finalAnswer(Value(4))});
        RunContext ctx(lm);
        ProgramOfThought pot(Signature::fromString(u"question -> answer: int"));
        const Prediction p = pot(ask(QStringLiteral("What is 2+2?")), ctx);
        QCOMPARE(p.get(u"answer"), Value(4));

        const QList<LMRequest> requests = lm->requests();
        QCOMPARE(requests.size(), 2);
        const QList<ChatMessage>& m = requests[0].messages;
        QCOMPARE(m.size(), 2);
        QCOMPARE(
            m[0].content,
            QStringLiteral(
                "Your input fields are:\n"
                "1. `question` (str):\n"
                "Your output fields are:\n"
                "1. `reasoning` (str): \n"
                "2. `generated_code` (str): JavaScript code that answers the question\n"
                "All interactions will be structured in the following way, with the appropriate "
                "values filled in.\n\n"
                "[[ ## question ## ]]\n{question}\n\n"
                "[[ ## reasoning ## ]]\n{reasoning}\n\n"
                "[[ ## generated_code ## ]]\n{generated_code}\n\n"
                "[[ ## completed ## ]]\n"
                "In adhering to this structure, your objective is: \n"
                "        You will be given `question` and you will respond with "
                "`generated_code`.\n"
                "        Generating executable JavaScript code that programmatically computes the "
                "correct `generated_code`.\n"
                "        After you're done with the computation and think you have the final "
                "output, make sure to submit your output by calling the preloaded function "
                "`SUBMIT()`.\n"
                "        You must structure your output in an object, like {\"field_a\": "
                "value_a, ...}, with the correct value mapping for the field(s): `answer`."));
        QCOMPARE(m[1].content,
                 QStringLiteral("[[ ## question ## ]]\nWhat is 2+2?\n\nRespond with the "
                                "corresponding output fields, starting with the field `[[ ## "
                                "reasoning ## ]]`, then `[[ ## generated_code ## ]]`, and then "
                                "ending with the marker for `[[ ## completed ## ]]`."));

        // The answer step sees the code and its JSON output.
        const QString answerUser = requests[1].messages.last().content;
        QVERIFY(answerUser.contains(
            u"[[ ## final_generated_code ## ]]\nSUBMIT({answer: 4});\n\n[[ ## code_output ## ]]\n"
            u"{\"answer\": 4}\n\n"));
        QCOMPARE(
            ProgramOfThought::modeInstructions(pot.signature(), ProgramOfThought::Mode::Answer),
            QStringLiteral("Given the final code `question`, `final_generated_code`, "
                           "`code_output`, provide the final `answer`."));
        QCOMPARE(
            ProgramOfThought::modeInstructions(pot.signature(), ProgramOfThought::Mode::Regenerate),
            QStringLiteral("You are given `question`, `previous_code`, `error` due to an "
                           "error in previous code.\nYour task is to correct the error and "
                           "provide the new `generated_code`."));
    }

    void simulatedLMWritesAndRunsCode()
    {
        auto sim = std::make_shared<SimulatedLM>();
        RunContext ctx(sim);
        ctx.trace = std::make_shared<Trace>();
        ProgramOfThought pot(Signature::fromString(u"question -> answer: int"));
        const Prediction p = pot(ask(kProblem), ctx);
        QCOMPARE(p.get(u"answer"), Value(66)); // 12 × 8 - 30
        const QList<TraceRecord> trace = ctx.trace->snapshot();
        QCOMPARE(trace.size(), 2);
        QCOMPARE(trace[0].predictor, QStringLiteral("code_generate.predict"));
        QCOMPARE(trace[1].predictor, QStringLiteral("generate_output.predict"));
        QVERIFY(trace[0].prediction.get(u"generated_code").toString().contains(u"SUBMIT("));
        QCOMPARE(trace[1].inputs.value(u"code_output"), Value("{\"answer\": 66}"));
    }

    void regeneratesOnError()
    {
        auto lm = std::make_shared<ScriptedLM>(QList<Object>{
            codeAnswer(QStringLiteral("```js\nconst total = missing + 1;\nSUBMIT({answer: "
                                      "total});\n```")),
            codeAnswer(QStringLiteral("```js\nconst total = 41 + 1;\nSUBMIT({answer: total});\n"
                                      "```")),
            finalAnswer(Value(42))});
        RunContext ctx(lm);
        ctx.trace = std::make_shared<Trace>();
        ProgramOfThought pot(Signature::fromString(u"question -> answer: int"));
        const Prediction p = pot(ask(QStringLiteral("What is 41 + 1?")), ctx);
        QCOMPARE(p.get(u"answer"), Value(42));

        const QList<TraceRecord> trace = ctx.trace->snapshot();
        QCOMPARE(trace.size(), 3);
        QCOMPARE(trace[1].predictor, QStringLiteral("code_regenerate.predict"));
        QCOMPARE(trace[1].inputs.value(u"previous_code"),
                 Value("const total = missing + 1;\nSUBMIT({answer: total});"));
        QCOMPARE(trace[1].inputs.value(u"error"),
                 Value("generated_code.js:1: ReferenceError: missing is not defined"));
        const QString regenerateUser = lm->requests()[1].messages.last().content;
        QVERIFY(regenerateUser.contains(
            u"[[ ## error ## ]]\ngenerated_code.js:1: ReferenceError: missing is not defined"));
        QVERIFY(lm->requests()[1].messages.first().content.contains(
            u"2. `previous_code` (str): previously-generated JavaScript code that errored"));
        QCOMPARE(trace[2].inputs.value(u"code_output"), Value("{\"answer\": 42}"));
    }

    void maxHopsReached()
    {
        auto lm = std::make_shared<ScriptedLM>(
            QList<Object>{codeAnswer(QStringLiteral("```js\nthrow new Error('first');\n```")),
                          codeAnswer(QStringLiteral("```js\nthrow new Error('second');\n```")),
                          finalAnswer(Value(1))});
        RunContext ctx(lm);
        ProgramOfThought pot(Signature::fromString(u"question -> answer: int"), 2);
        try {
            pot(ask(QStringLiteral("q")), ctx);
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QCOMPARE(QString::fromUtf8(e.what()),
                     QStringLiteral("Max hops reached. Failed to run ProgramOfThought: "
                                    "generated_code.js:1: Error: second"));
        }
        QCOMPARE(lm->requests().size(), 2); // generate, one regenerate; no answer step
    }

    void timeLimitInterruptsAndRegenerates()
    {
        ProgramOfThought pot(Signature::fromString(u"question -> answer: int"), 3, 200);
        const ProgramOfThought::Execution run = pot.executeCode(QStringLiteral("while (true) {}"));
        QCOMPARE(run.error,
                 QStringLiteral("generated_code.js: the code took longer than 200 ms and was "
                                "interrupted"));

        auto lm = std::make_shared<ScriptedLM>(QList<Object>{
            codeAnswer(QStringLiteral("```js\nfor (;;) {}\n```")),
            codeAnswer(QStringLiteral("```js\nSUBMIT({answer: 3});\n```")), finalAnswer(Value(3))});
        RunContext ctx(lm);
        QCOMPARE(pot(ask(QStringLiteral("q")), ctx).get(u"answer"), Value(3));
        QCOMPARE(lm->requests().size(), 3);
        QVERIFY(lm->requests()[1].messages.last().content.contains(u"took longer than 200 ms"));
    }

    void sandboxHasNoIO()
    {
        ProgramOfThought pot(Signature::fromString(u"question -> answer"));
        QCOMPARE(pot.executeCode(QStringLiteral("console.log('hi')")).error,
                 QStringLiteral("generated_code.js:1: ReferenceError: console is not defined"));
        QCOMPARE(pot.executeCode(QStringLiteral("require('fs')")).error,
                 QStringLiteral("generated_code.js:1: ReferenceError: require is not defined"));
        const ProgramOfThought::Execution probe = pot.executeCode(QStringLiteral(
            "SUBMIT({answer: [typeof console, typeof require, typeof XMLHttpRequest, typeof fetch, "
            "typeof setTimeout, typeof Qt, typeof print, typeof readFile].join(' ')})"));
        QCOMPARE(probe.error, QString());
        QCOMPARE(probe.output,
                 QStringLiteral("{\"answer\": \"undefined undefined undefined undefined undefined "
                                "undefined undefined undefined\"}"));
        // Every execution gets a fresh engine: nothing survives from an earlier one.
        QCOMPARE(pot.executeCode(QStringLiteral("var leaked = 1; SUBMIT({a: 1})")).error,
                 QString());
        QCOMPARE(pot.executeCode(QStringLiteral("typeof leaked")).output,
                 QStringLiteral("\"undefined\""));
        // SUBMIT cannot be replaced by the code.
        QCOMPARE(pot.executeCode(QStringLiteral("SUBMIT = null; SUBMIT({a: 2})")).output,
                 QStringLiteral("{\"a\": 2}"));
    }

    void executionOutputs()
    {
        ProgramOfThought pot(Signature::fromString(u"question -> answer"));
        QCOMPARE(pot.executeCode(QStringLiteral("SUBMIT({answer: 7, unit: 'km'})")).output,
                 QStringLiteral("{\"answer\": 7, \"unit\": \"km\"}"));
        QCOMPARE(pot.executeCode(QStringLiteral("x = 2.5\nx")).output, QStringLiteral("2.5"));
        QCOMPARE(pot.executeCode(QStringLiteral("SUBMIT({answer: 'café'})")).output,
                 QStringLiteral("{\"answer\": \"caf\\u00e9\"}"));
        QCOMPARE(pot.executeCode(QStringLiteral("SUBMIT()")).error,
                 QStringLiteral("generated_code.js: TypeError: SUBMIT() takes one argument: an "
                                "object of the output fields"));
        QCOMPARE(pot.executeCode(QString()).error,
                 QStringLiteral("Error: Empty code before execution."));
        QVERIFY(pot.executeCode(QStringLiteral("let = ;")).error.contains(u"SyntaxError"));
    }

    void parseCodeRules()
    {
        using PoT = ProgramOfThought;
        QCOMPARE(
            PoT::parseCode(QStringLiteral("```javascript\nconst a = 1;\nSUBMIT({a})\n```")).code,
            QStringLiteral("const a = 1;\nSUBMIT({a})"));
        QCOMPARE(PoT::parseCode(QStringLiteral("Here:\n```js\nSUBMIT({a: 1})\n```\ndone")).code,
                 QStringLiteral("SUBMIT({a: 1})"));
        // Cut at "---" and at a triple newline before looking for the block.
        QCOMPARE(PoT::parseCode(QStringLiteral("SUBMIT({a: 1})\n---\nnotes")).code,
                 QStringLiteral("SUBMIT({a: 1})\n"));
        QCOMPARE(PoT::parseCode(QStringLiteral("SUBMIT({a: 1})\n\n\nmore")).code,
                 QStringLiteral("SUBMIT({a: 1})"));
        const PoT::ParsedCode empty = PoT::parseCode(QStringLiteral("---"));
        QCOMPARE(empty.error, QStringLiteral("Error: Empty code after parsing."));
        const PoT::ParsedCode oneLine = PoT::parseCode(QStringLiteral("a = 1; b = 2"));
        QCOMPARE(oneLine.error, QStringLiteral("Error: Code format is not correct."));
        QCOMPARE(oneLine.code, QStringLiteral("a = 1; b = 2"));
        // The last line's assigned variable is echoed (a declaration too).
        QCOMPARE(PoT::parseCode(QStringLiteral("const a = 2;\nconst b = a * 3;")).code,
                 QStringLiteral("const a = 2;\nconst b = a * 3;\nb"));
        QCOMPARE(PoT::parseCode(QStringLiteral("a = 2\nb = a * 3")).code,
                 QStringLiteral("a = 2\nb = a * 3\nb"));
        QCOMPARE(PoT::parseCode(QStringLiteral("b = 3")).code, QStringLiteral("b = 3"));
    }

    void namedPredictorsCloneAndState()
    {
        ProgramOfThought pot(Signature::fromString(u"question -> answer: int"));
        QStringList paths;
        for (const NamedPredictor& np : pot.namedPredictors())
            paths.append(np.path);
        QCOMPARE(paths, (QStringList{"code_generate.predict", "code_regenerate.predict",
                                     "generate_output.predict"}));
        QCOMPARE(pot.namedPredictors()[1].predictor, &pot.codeRegenerate().predict());

        pot.generateOutput().predict().state().instructions = QStringLiteral("Read the output.");
        pot.codeGenerate().predict().demos().append(
            Example{{"question", Value("q")}, {"generated_code", Value("SUBMIT({answer: 1})")}});
        const Object state = pot.saveState();
        QCOMPARE(state.keys(), (QStringList{"code_generate.predict", "code_regenerate.predict",
                                            "generate_output.predict", "metadata"}));
        const QString json = pot.saveStateToJson();
        QVERIFY(json.contains(u"\"prefix\": \"Generated Code:\""));
        QVERIFY(json.contains(u"\"prefix\": \"Final Generated Code:\""));

        ProgramOfThought fresh(Signature::fromString(u"question -> answer: int"));
        QVERIFY(fresh.loadStateFromJson(json).hasValue());
        QCOMPARE(fresh.saveStateToJson(), json);
        std::unique_ptr<Module> copy = pot.clone();
        QCOMPARE(copy->saveStateToJson(), json);
        QVERIFY(copy->namedPredictors()[0].predictor != pot.namedPredictors()[0].predictor);
    }
};

QTEST_GUILESS_MAIN(TstProgramOfThought)
#include "tst_programofthought.moc"
