// Uses headers generated at build time by dspy-codegen (tests/codegen/CMakeLists.txt).

#include "lm/scriptedlm.h"
#include "modules/typedpredict.h"
#include "profile.h"
#include "qa.h"

#include <QTest>

#include <type_traits>

using namespace dspy;

// The generated member types are the contract: a wrong mapping fails to compile.
static_assert(std::is_same_v<decltype(QA::Inputs::question), QString>);
static_assert(std::is_same_v<decltype(QA::Inputs::context), QStringList>);
static_assert(std::is_same_v<decltype(QA::Outputs::answer), qint64>);
static_assert(std::is_same_v<decltype(Profile::Outputs::name), QString>);
static_assert(std::is_same_v<decltype(Profile::Outputs::age), std::optional<qint64>>);
static_assert(std::is_same_v<decltype(Profile::Outputs::tags), QStringList>);
static_assert(std::is_same_v<decltype(Profile::Outputs::scores), QList<double>>);
static_assert(std::is_same_v<decltype(Profile::Outputs::ok), bool>);
static_assert(std::is_same_v<decltype(Profile::Outputs::ratio), double>);
static_assert(std::is_same_v<decltype(Profile::Outputs::meta), dspy::Value>);

class TstTypedPredict : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signatureMatchesTheString()
    {
        const Signature expected =
            Signature::fromString(u"question, context: list[str] -> answer: int",
                                  QStringLiteral("Answer with a number."));
        QVERIFY(QA::signature().equals(expected));
        QCOMPARE(QA::signature().instructions(), QStringLiteral("Answer with a number."));
        QCOMPARE(QA::signature().inputNames(), QStringList({"question", "context"}));
    }

    void toObjectKeepsFieldOrderAndTypes()
    {
        const Object o =
            QA::toObject({QStringLiteral("Sum?"), {QStringLiteral("a"), QStringLiteral("b")}});
        QCOMPARE(o.keys(), QStringList({"question", "context"}));
        QCOMPARE(Value(o).toJson(),
                 QStringLiteral("{\"question\": \"Sum?\", \"context\": [\"a\", \"b\"]}"));
    }

    void typedPredictReturnsTypedOutputs()
    {
        auto lm = std::make_shared<ScriptedLM>(QList<Object>{Object{{"answer", Value("42")}}});
        RunContext ctx(lm);
        TypedPredict<QA> qa;
        const QA::Outputs out =
            qa({QStringLiteral("What is 6 * 7?"), {QStringLiteral("6 * 7 = 42")}}, ctx);
        QCOMPARE(out.answer, qint64(42));

        const QList<LMRequest> requests = lm->requests();
        QCOMPARE(requests.size(), 1);
        const QString user = requests.first().messages.last().content;
        QVERIFY2(user.startsWith(QStringLiteral("[[ ## question ## ]]\nWhat is 6 * 7?\n\n"
                                                "[[ ## context ## ]]\n[\"6 * 7 = 42\"]")),
                 qPrintable(user));
    }

    void typedChainOfThoughtAddsReasoning()
    {
        auto lm = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{"reasoning", Value("Multiply.")}, {"answer", Value(42)}}});
        RunContext ctx(lm);
        TypedChainOfThought<QA> qa;
        const Prediction p = qa.run({QStringLiteral("What is 6 * 7?"), {}}, ctx);
        QCOMPARE(p.get(QStringLiteral("reasoning")), Value("Multiply."));
        QCOMPARE(QA::fromPrediction(p).answer, qint64(42));
        QCOMPARE(qa.module().predict().signature().outputNames(),
                 QStringList({"reasoning", "answer"}));
    }

    void everyMappedTypeConverts()
    {
        auto lm = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{"name", Value("Ada")},
                                 {"age", Value()},
                                 {"tags", Array{Value("math"), Value("engines")}},
                                 {"scores", Array{Value(1), Value(2.5)}},
                                 {"ok", Value(true)},
                                 {"ratio", Value(0.25)},
                                 {"meta", Object{{"born", Value(1815)}}}},
                          Object{{"name", Value("Bob")},
                                 {"age", Value(30)},
                                 {"tags", Array{}},
                                 {"scores", Array{}},
                                 {"ok", Value(false)},
                                 {"ratio", Value(1)},
                                 {"meta", Object{}}}});
        RunContext ctx(lm);
        TypedPredict<Profile> profile;
        const Profile::Outputs a = profile({QStringLiteral("Ada Lovelace")}, ctx);
        QCOMPARE(a.name, QStringLiteral("Ada"));
        QVERIFY(!a.age.has_value());
        QCOMPARE(a.tags, QStringList({"math", "engines"}));
        QCOMPARE(a.scores, QList<double>({1.0, 2.5}));
        QCOMPARE(a.ok, true);
        QCOMPARE(a.ratio, 0.25);
        QCOMPARE(a.meta.toJson(), QStringLiteral("{\"born\": 1815}"));

        const Profile::Outputs b = profile({QStringLiteral("Bob")}, ctx);
        QCOMPARE(b.age, std::optional<qint64>(30));
        QCOMPARE(b.ok, false);
        QCOMPARE(b.ratio, 1.0);
        QVERIFY(b.tags.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstTypedPredict)
#include "tst_typedpredict.moc"
