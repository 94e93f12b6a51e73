#include "lm/scriptedlm.h"
#include "modules/chainofthought.h"
#include "modules/predict.h"

#include <QFile>
#include <QTest>

using namespace dspy;

namespace {

// The Python module the fixtures were written for:
//   self.gen = dspy.ChainOfThought("question -> answer")
//   self.alt = dspy.Predict("question, context: list[str] -> answer: int")
class QAProgram final : public Module
{
public:
    ChainOfThought gen{Signature::fromString(u"question -> answer")};
    Predict alt{Signature::fromString(u"question, context: list[str] -> answer: int")};

    Prediction forward(const Example& inputs, RunContext& ctx) override { return gen(inputs, ctx); }
    std::unique_ptr<Module> clone() const override { return std::make_unique<QAProgram>(*this); }
    QList<NamedPredictor> namedPredictors() override
    {
        return {{QStringLiteral("gen.predict"), &gen.predict()}, {QStringLiteral("alt"), &alt}};
    }
};

QString fixture(const QString& name)
{
    QFile f(QStringLiteral(DSPY_SOURCE_DIR "/tests/data/program_state/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return QString::fromUtf8(f.readAll());
}

Object fixtureObject(const QString& name)
{
    return Value::fromJson(fixture(name))->toObject();
}

// Replace one predictor's entry (or a key inside it) in a state object.
Object withPredictorKey(Object state, const QString& predictor, const QString& key, Value v)
{
    Object p = state.value(predictor).toObject();
    p.insert(key, std::move(v));
    state.insert(predictor, p);
    return state;
}

} // namespace

class TstProgramState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freshProgramSavesDSPyLayout()
    {
        QAProgram program;
        const QString expected = QStringLiteral(R"({
  "gen.predict": {
    "traces": [],
    "train": [],
    "demos": [],
    "signature": {
      "instructions": "Given the fields `question`, produce the fields `answer`.",
      "fields": [
        {
          "prefix": "Question:",
          "description": "${question}"
        },
        {
          "prefix": "Reasoning:",
          "description": "${reasoning}"
        },
        {
          "prefix": "Answer:",
          "description": "${answer}"
        }
      ]
    },
    "lm": null
  },
  "alt": {
    "traces": [],
    "train": [],
    "demos": [],
    "signature": {
      "instructions": "Given the fields `question`, `context`, produce the fields `answer`.",
      "fields": [
        {
          "prefix": "Question:",
          "description": "${question}"
        },
        {
          "prefix": "Context:",
          "description": "${context}"
        },
        {
          "prefix": "Answer:",
          "description": "${answer}"
        }
      ]
    },
    "lm": null
  },
  "metadata": {
    "dependency_versions": {
      "python": "3.11",
      "dspy": "3.3.1",
      "cloudpickle": "3.1"
    }
  }
}
)");
        QCOMPARE(program.saveStateToJson(), expected);
    }

    void loadsAFileWrittenByPythonDSPy()
    {
        QAProgram program;
        const auto result = program.loadStateFromJson(fixture(QStringLiteral("qa_program.json")));
        QVERIFY2(result.hasValue(), qPrintable(result.error()));

        const Predict& gen = program.gen.predict();
        QCOMPARE(gen.demos().size(), 2);
        QCOMPARE(gen.state().demos.at(0).keys(),
                 QStringList({"augmented", "question", "reasoning", "answer"}));
        QCOMPARE(gen.state().demos.at(1).keys(), QStringList({"question", "answer"}));
        QCOMPARE(gen.state().demos.at(1).keys(true),
                 QStringList({"question", "answer", "dspy_uuid", "dspy_split"}));

        const Signature sig = gen.signature();
        QCOMPARE(sig.instructions(),
                 QStringLiteral("Answer questions with short factoid answers."));
        QCOMPARE(sig.field(u"answer")->description, QStringLiteral("often between 1 and 5 words"));
        QCOMPARE(sig.field(u"reasoning")->prefix,
                 QStringLiteral("Reasoning: Let's think step by step in order to"));
        QCOMPARE(sig.field(u"question")->description, QString());
        // Types always come from code.
        QCOMPARE(sig.outputNames(), QStringList({"reasoning", "answer"}));
        QVERIFY(gen.state().lm.isNull());

        // alt keeps its default instructions; its LM settings lose the endpoint.
        const Predict& alt = program.alt;
        QVERIFY(!alt.state().instructions.has_value());
        QVERIFY(alt.state().fieldText.isEmpty());
        const Object lm = alt.state().lm.toObject();
        QCOMPARE(lm.value(u"model"), Value("openai/gpt-4o-mini"));
        QCOMPARE(lm.value(u"temperature"), Value(0.3));
        QVERIFY(!lm.contains(u"api_base"));
        QCOMPARE(lm.keys(), QStringList({"_dspy_lm_class", "model", "model_type", "cache",
                                         "num_retries", "temperature", "max_tokens",
                                         "finetuning_model", "launch_kwargs", "train_kwargs"}));
    }

    void loadedStateChangesThePrompt()
    {
        QAProgram program;
        QVERIFY(program.loadState(fixtureObject(QStringLiteral("qa_program.json"))).hasValue());
        auto lm = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{"reasoning", Value("r")}, {"answer", Value("Paris")}}});
        RunContext ctx(lm);
        program(Example{{"question", Value("Capital of France?")}}, ctx);
        const QList<ChatMessage> messages = lm->requests().first().messages;
        QCOMPARE(messages.size(), 6); // system, two demo pairs, user
        QVERIFY(messages.first().content.endsWith(QStringLiteral(
            "your objective is: \n        Answer questions with short factoid answers.")));
        QVERIFY(messages.first().content.contains(
            QStringLiteral("2. `answer` (str): often between 1 and 5 words")));
    }

    void savesBackTheSameLayout()
    {
        // Our output of a loaded Python file is that file, minus what loading drops (api_base).
        QAProgram program;
        const QString original = fixture(QStringLiteral("qa_program.json"));
        QVERIFY(program.loadStateFromJson(original).hasValue());
        QString expected = original;
        expected.remove(QStringLiteral("      \"api_base\": \"http://localhost:8000/v1\",\n"));
        QCOMPARE(program.saveStateToJson(), expected);

        // And it loads again to the same state.
        QAProgram again;
        QVERIFY(again.loadStateFromJson(program.saveStateToJson()).hasValue());
        QCOMPARE(again.gen.predict().state(), program.gen.predict().state());
        QCOMPARE(again.alt.state(), program.alt.state());
    }

    void apiKeyIsNeverSaved()
    {
        Predict predict(Signature::fromString(u"question -> answer"));
        predict.state().lm = Object{{"model", Value("openai/gpt-4o")},
                                    {"api_key", Value("sk-secret")},
                                    {"api_base", Value("http://kept-on-save")}};
        const Object state = predict.dumpState();
        QCOMPARE(Value(state.value(u"lm")).toJson(),
                 QStringLiteral(
                     "{\"model\": \"openai/gpt-4o\", \"api_base\": \"http://kept-on-save\"}"));
        QVERIFY(!predict.saveStateToJson().contains(QStringLiteral("sk-secret")));

        // A live LM is written in dspy.LM's layout, without its api_key either.
        predict.state().lm = Value();
        predict.setLM(std::make_shared<ScriptedLM>(QList<Object>{}));
        QCOMPARE(Value(predict.dumpState().value(u"lm")).toJson(),
                 QStringLiteral(
                     "{\"_dspy_lm_class\": \"dspy.clients.lm.LM\", \"model\": \"dummy\", "
                     "\"model_type\": \"chat\", \"cache\": true, \"num_retries\": 3, "
                     "\"temperature\": 0.0, \"max_tokens\": 1000, \"finetuning_model\": null, "
                     "\"launch_kwargs\": {}, \"train_kwargs\": {}}"));
    }

    void barePredictSavesUnderSelf()
    {
        Predict predict(Signature::fromString(u"question -> answer"));
        const Object state = predict.saveState();
        QCOMPARE(state.keys(), QStringList({"self", "metadata"}));
        QCOMPARE(state.value(u"self").toObject().keys(),
                 QStringList({"traces", "train", "demos", "signature", "lm"}));
    }

    void loadIsAllOrNothing_data()
    {
        QTest::addColumn<QString>("mutation");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing predictor") << "missing-alt"
                                           << "The state has no entry for predictor 'alt' (found: "
                                              "gen.predict, metadata).";
        QTest::newRow("field count")
            << "alt-two-fields"
            << "Predictor 'alt': the saved signature has 2 fields but this "
               "predictor's signature (question, context -> answer) has 3.";
        QTest::newRow("demo type")
            << "alt-bad-demo"
            << "Predictor 'alt': demo 1 is \"oops\", expected a JSON object.";
        QTest::newRow("demos not a list") << "alt-demos-object"
                                          << "Predictor 'alt': 'demos' must be a list of objects.";
        QTest::newRow("legacy extended_signature")
            << "alt-extended"
            << "Predictor 'alt': it has an 'extended_signature' key (DSPy 2.5 and older), "
               "which DSPy 2.6+ no longer loads.";
        QTest::newRow("missing signature") << "alt-no-signature"
                                           << "Predictor 'alt': missing key 'signature'.";
        QTest::newRow("missing lm") << "alt-no-lm"
                                    << "Predictor 'alt': missing key 'lm'.";
        QTest::newRow("bad field entry")
            << "alt-field-not-object"
            << "Predictor 'alt': signature field 1 ('context') must be an object "
               "with string 'prefix' and 'description'.";
        QTest::newRow("predictor not an object")
            << "alt-string"
            << "The state of predictor 'alt' must be a JSON object.";
    }

    void loadIsAllOrNothing()
    {
        QFETCH(QString, mutation);
        QFETCH(QString, message);
        Object state = fixtureObject(QStringLiteral("qa_program.json"));
        Object alt = state.value(u"alt").toObject();
        Object sig = alt.value(u"signature").toObject();
        Array fields = sig.value(u"fields").toArray();
        if (mutation == QLatin1String("missing-alt")) {
            state.remove(u"alt");
        } else if (mutation == QLatin1String("alt-two-fields")) {
            fields.removeLast();
            sig.insert(QStringLiteral("fields"), fields);
            state = withPredictorKey(state, "alt", "signature", sig);
        } else if (mutation == QLatin1String("alt-bad-demo")) {
            state = withPredictorKey(state, "alt", "demos",
                                     Array{Object{{"question", Value("q")}}, Value("oops")});
        } else if (mutation == QLatin1String("alt-demos-object")) {
            state = withPredictorKey(state, "alt", "demos", Object{});
        } else if (mutation == QLatin1String("alt-extended")) {
            state = withPredictorKey(state, "alt", "extended_signature", Object{});
        } else if (mutation == QLatin1String("alt-no-signature")) {
            alt.remove(u"signature");
            state.insert(QStringLiteral("alt"), alt);
        } else if (mutation == QLatin1String("alt-no-lm")) {
            alt.remove(u"lm");
            state.insert(QStringLiteral("alt"), alt);
        } else if (mutation == QLatin1String("alt-field-not-object")) {
            fields[1] = Value("Context:");
            sig.insert(QStringLiteral("fields"), fields);
            state = withPredictorKey(state, "alt", "signature", sig);
        } else if (mutation == QLatin1String("alt-string")) {
            state.insert(QStringLiteral("alt"), Value("x"));
        }

        QAProgram program;
        program.alt.demos().append(Example{{"question", Value("keep me")}});
        const QString before = program.saveStateToJson();
        const auto result = program.loadState(state);
        QVERIFY(!result.hasValue());
        QCOMPARE(result.error(), message);
        // gen.predict's entry was valid, yet nothing was applied.
        QCOMPARE(program.saveStateToJson(), before);
    }

    void invalidJsonIsAnError()
    {
        QAProgram program;
        const auto result = program.loadStateFromJson(u"{\"gen.predict\": ");
        QVERIFY(!result.hasValue());
        QVERIFY2(result.error().startsWith(QStringLiteral("Invalid JSON at offset ")),
                 qPrintable(result.error()));
        const auto notObject = program.loadStateFromJson(u"[1, 2]");
        QCOMPARE(notObject.error(), QStringLiteral("The program state must be a JSON object."));
    }

    void predictorStateApply()
    {
        const Signature base = Signature::fromString(u"question -> answer");
        PredictorState state;
        QVERIFY(state.apply(base).equals(base));
        state.instructions = QStringLiteral("Be terse.");
        state.fieldText.insert(QStringLiteral("answer"),
                               FieldText{QStringLiteral("Final:"), QStringLiteral("one word")});
        state.fieldText.insert(QStringLiteral("unknown"),
                               FieldText{QStringLiteral("X:"), QString()});
        const Signature s = state.apply(base);
        QCOMPARE(s.instructions(), QStringLiteral("Be terse."));
        QCOMPARE(s.field(u"answer")->prefix, QStringLiteral("Final:"));
        QCOMPARE(s.field(u"answer")->description, QStringLiteral("one word"));
        QCOMPARE(s.field(u"question")->prefix, QStringLiteral("Question:"));
        QCOMPARE(s.fields().size(), 2);
        QCOMPARE(base.instructions(),
                 QStringLiteral("Given the fields `question`, produce the fields `answer`."));
    }
};

QTEST_GUILESS_MAIN(TstProgramState)
#include "tst_programstate.moc"
