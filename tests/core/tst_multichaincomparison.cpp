// MultiChainComparison: DSPy's fields, attempt formatting, the M check, one Predict call at the
// comparison temperature. Expected prompts are written out from DSPy's multi_chain_comparison.py
// and ChatAdapter's format (dspy.md §2, §3.3), not captured from our own output.

#include "lm/scriptedlm.h"
#include "lm/simulator.h"
#include "modules/chainofthought.h"
#include "modules/multichaincomparison.h"

#include <QTest>

using namespace dspy;

namespace {

Prediction attempt(const char* reasoning, const char* answer)
{
    return Prediction::fromCompletions(
        {Object{{QStringLiteral("reasoning"), Value(QString::fromUtf8(reasoning))},
                {QStringLiteral("answer"), Value(QString::fromUtf8(answer))}}});
}

Example question(const char* q)
{
    return Example{{QStringLiteral("question"), Value(QString::fromUtf8(q))}};
}

} // namespace

class TstMultiChainComparison : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signatureFieldsAsDspy()
    {
        MultiChainComparison mcc(Signature::fromString(u"question -> answer"), 3);
        const Signature s = mcc.predict().signature();
        QCOMPARE(s.inputNames(), (QStringList{"question", "reasoning_attempt_1",
                                              "reasoning_attempt_2", "reasoning_attempt_3"}));
        QCOMPARE(s.outputNames(), (QStringList{"rationale", "answer"}));
        QCOMPARE(s.field(u"reasoning_attempt_2")->prefix, QStringLiteral("Student Attempt #2:"));
        QCOMPARE(s.field(u"reasoning_attempt_2")->description,
                 QStringLiteral("${reasoning attempt}"));
        QCOMPARE(s.field(u"rationale")->prefix,
                 QStringLiteral("Accurate Reasoning: Thank you everyone. Let's now holistically"));
        QCOMPARE(s.field(u"rationale")->description, QStringLiteral("${corrected reasoning}"));
        QCOMPARE(mcc.predict().state().config.value(u"temperature"), Value(0.7));
        QCOMPARE(mcc.lastKey(), QStringLiteral("answer"));
    }

    void attemptFormatting()
    {
        MultiChainComparison mcc(Signature::fromString(u"question -> answer"), 1);
        // First line of each, stripped; `rationale` wins over `reasoning`.
        QCOMPARE(mcc.formatAttempt(Object{{"reasoning", Value("  add 2 and 2\nthen stop")},
                                          {"answer", Value(" 4 \nextra")}}),
                 QStringLiteral("«I'm trying to add 2 and 2 I'm not sure but my prediction is 4»"));
        QCOMPARE(
            mcc.formatAttempt(Object{{"rationale", Value("from rationale")},
                                     {"reasoning", Value("from reasoning")},
                                     {"answer", Value(5)}}),
            QStringLiteral("«I'm trying to from rationale I'm not sure but my prediction is 5»"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 mcc.formatAttempt(Object{{"answer", Value("4")}}));
    }

    void promptBytesAndTemperature()
    {
        auto lm = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{"rationale", Value("produce the answer. Both add 2 and 2.")},
                                 {"answer", Value("4")}}});
        RunContext ctx(lm);
        MultiChainComparison mcc(Signature::fromString(u"question -> answer"), 3);
        const Prediction p =
            mcc.forward(QList<Prediction>{attempt("add 2 and 2", "4"), attempt("count up", "4"),
                                          attempt("guess\nsecond line", "5")},
                        question("What is 2+2?"), ctx);
        QCOMPARE(p.get(u"answer"), Value("4"));
        QCOMPARE(p.get(u"rationale"), Value("produce the answer. Both add 2 and 2."));

        const QList<LMRequest> requests = lm->requests();
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests[0].kwargs.value(u"temperature"), Value(0.7));
        const QList<ChatMessage>& m = requests[0].messages;
        QCOMPARE(m.size(), 2);
        QCOMPARE(m[0].role, QStringLiteral("system"));
        QCOMPARE(
            m[0].content,
            QStringLiteral(
                "Your input fields are:\n"
                "1. `question` (str): \n"
                "2. `reasoning_attempt_1` (str): ${reasoning attempt}\n"
                "3. `reasoning_attempt_2` (str): ${reasoning attempt}\n"
                "4. `reasoning_attempt_3` (str): ${reasoning attempt}\n"
                "Your output fields are:\n"
                "1. `rationale` (str): ${corrected reasoning}\n"
                "2. `answer` (str):\n"
                "All interactions will be structured in the following way, with the appropriate "
                "values filled in.\n\n"
                "[[ ## question ## ]]\n{question}\n\n"
                "[[ ## reasoning_attempt_1 ## ]]\n{reasoning_attempt_1}\n\n"
                "[[ ## reasoning_attempt_2 ## ]]\n{reasoning_attempt_2}\n\n"
                "[[ ## reasoning_attempt_3 ## ]]\n{reasoning_attempt_3}\n\n"
                "[[ ## rationale ## ]]\n{rationale}\n\n"
                "[[ ## answer ## ]]\n{answer}\n\n"
                "[[ ## completed ## ]]\n"
                "In adhering to this structure, your objective is: \n"
                "        Given the fields `question`, produce the fields `answer`."));
        QCOMPARE(m[1].role, QStringLiteral("user"));
        QCOMPARE(m[1].content,
                 QStringLiteral(
                     "[[ ## question ## ]]\nWhat is 2+2?\n\n"
                     "[[ ## reasoning_attempt_1 ## ]]\n«I'm trying to add 2 and 2 I'm not sure "
                     "but my prediction is 4»\n\n"
                     "[[ ## reasoning_attempt_2 ## ]]\n«I'm trying to count up I'm not sure but "
                     "my prediction is 4»\n\n"
                     "[[ ## reasoning_attempt_3 ## ]]\n«I'm trying to guess I'm not sure but my "
                     "prediction is 5»\n\n"
                     "Respond with the corresponding output fields, starting with the field `[[ "
                     "## rationale ## ]]`, then `[[ ## answer ## ]]`, and then ending with the "
                     "marker for `[[ ## completed ## ]]`."));
    }

    void wrongNumberOfAttemptsIsAClearError()
    {
        auto lm = std::make_shared<ScriptedLM>(QList<Object>{});
        RunContext ctx(lm);
        MultiChainComparison mcc(Signature::fromString(u"question -> answer"), 3);
        try {
            mcc.forward(QList<Prediction>{attempt("a", "1"), attempt("b", "2")}, question("q"),
                        ctx);
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString::fromUtf8(e.what()),
                     QStringLiteral("The number of attempts (2) doesn't match the expected number "
                                    "M (3). Please set the correct value for M when initializing "
                                    "MultiChainComparison."));
        }
        QCOMPARE(lm->requests().size(), 0);
    }

    void completionsOfOnePredictionAndModuleCall()
    {
        // n = 3 completions of one ChainOfThought call, as DSPy's docs use MCC; then the module
        // call form with "completions" in the inputs. The simulated LM answers both.
        auto sim = std::make_shared<SimulatedLM>();
        sim->setOracle(true);
        RunContext ctx(sim);
        const Signature sig = Signature::fromString(u"question -> answer: int");
        ChainOfThought cot(sig, Object{{QStringLiteral("n"), Value(3)}});
        const Prediction three =
            cot(question("Tom has 3 apples and buys 4 more. How many apples does he have?"), ctx);
        QCOMPARE(three.completions().size(), 3);

        MultiChainComparison mcc(sig, 3);
        const Prediction p = mcc.forward(
            three.completions(),
            question("Tom has 3 apples and buys 4 more. How many apples does he have?"), ctx);
        QCOMPARE(p.get(u"answer"), Value(7));
        QVERIFY(p.get(u"rationale").isString());

        Array list;
        for (const Completion& c : three.completions())
            list.append(Value(c));
        Example inputs =
            question("Tom has 3 apples and buys 4 more. How many apples does he have?");
        inputs.set(QStringLiteral("completions"), Value(list));
        QCOMPARE(mcc(inputs, ctx).get(u"answer"), Value(7));
    }

    void cloneNamedPredictorsAndState()
    {
        MultiChainComparison mcc(Signature::fromString(u"question -> answer"), 2);
        const QList<NamedPredictor> named = mcc.namedPredictors();
        QCOMPARE(named.size(), 1);
        QCOMPARE(named[0].path, QStringLiteral("predict"));
        QCOMPARE(named[0].predictor, &mcc.predict());

        mcc.predict().state().instructions = QStringLiteral("Compare the attempts.");
        mcc.predict().demos().append(Example{{"question", Value("q")}, {"answer", Value("a")}});
        const QString json = mcc.saveStateToJson();
        QVERIFY(json.contains(u"\"Student Attempt #2:\""));

        MultiChainComparison fresh(Signature::fromString(u"question -> answer"), 2);
        QVERIFY(fresh.loadStateFromJson(json).hasValue());
        QCOMPARE(fresh.predict().state().instructions,
                 std::optional<QString>(QStringLiteral("Compare the attempts.")));
        QCOMPARE(fresh.predict().demos().size(), 1);
        QCOMPARE(fresh.saveStateToJson(), json);

        std::unique_ptr<Module> copy = mcc.clone();
        QCOMPARE(copy->saveStateToJson(), json);
        QVERIFY(copy->namedPredictors()[0].predictor != &mcc.predict());
        // A program of another M does not load.
        MultiChainComparison other(Signature::fromString(u"question -> answer"), 3);
        QVERIFY(!other.loadStateFromJson(json).hasValue());
    }
};

QTEST_GUILESS_MAIN(TstMultiChainComparison)
#include "tst_multichaincomparison.moc"
