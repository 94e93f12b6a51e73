// SimulatedLM: reads the three adapters' prompts, answers in their format (parsed by the real
// adapters), is deterministic, and follows its documented accuracy model (docs/lmsim.md).

#include "adapters/adapter.h"
#include "lm/simulator.h"
#include "signature/signature.h"

#include <QTest>

#include <cmath>

using namespace dspy;

namespace {

struct Problem
{
    QString question;
    qint64 answer;
};

// A fixed, seeded set of word problems in four templates the arithmetic skill understands.
QList<Problem> generatedProblems(int count, quint32 seed)
{
    static const QStringList names = {"Tom", "Sara", "Ali", "Mei", "Lena", "Omar"};
    static const QStringList items = {"apples", "pencils", "stickers", "marbles", "cookies"};
    quint32 state = seed;
    auto next = [&state](int bound) {
        state = state * 1664525u + 1013904223u;
        return int((state >> 8) % quint32(bound));
    };
    QList<Problem> out;
    for (int i = 0; i < count; ++i) {
        const QString name = names[next(names.size())];
        const QString item = items[next(items.size())];
        const int a = 2 + next(40);
        const int b = 2 + next(9);
        switch (i % 4) {
        case 0:
            out.append(
                {QStringLiteral("%1 has %2 %3. They buy %4 more. How many %3 do they have now?")
                     .arg(name)
                     .arg(a)
                     .arg(item)
                     .arg(b),
                 a + b});
            break;
        case 1:
            out.append({QStringLiteral("%1 has %2 %3. They give away %4. How many %3 are left?")
                            .arg(name)
                            .arg(a + b)
                            .arg(item)
                            .arg(b),
                        a});
            break;
        case 2:
            out.append({QStringLiteral(
                            "There are %1 boxes with %2 %3 each. How many %3 are there in total?")
                            .arg(b)
                            .arg(a)
                            .arg(item),
                        qint64(a) * b});
            break;
        default:
            out.append(
                {QStringLiteral(
                     "%1 shares %2 %3 equally among %4 friends. How many %3 does each friend get?")
                     .arg(name)
                     .arg(a * b)
                     .arg(item)
                     .arg(b),
                 a});
            break;
        }
    }
    return out;
}

LMRequest requestFor(const Adapter& adapter, const Signature& sig, const QList<Example>& demos,
                     const Object& inputs, Object kwargs = {})
{
    LMRequest r;
    r.model = QStringLiteral("lmsim/sim");
    r.messages = adapter.format(sig, demos, inputs);
    r.kwargs = std::move(kwargs);
    return r;
}

} // namespace

class TestSimulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void analyzesChatPrompt();
    void solvesWordProblems_data();
    void solvesWordProblems();
    void answersParseWithEveryAdapter_data();
    void answersParseWithEveryAdapter();
    void chainOfThoughtReasoningMatchesAnswer();
    void demosTeachClassificationLexicon();
    void deterministicAndVariedBySampling();
    void accuracyModelMovesWithDemosAndInstructions();
    void wrongAnswersArePlausible();
    void usageCountsWords();
    void plainPromptGetsPlainAnswer();
    void embeddingsAreUnitAndSimilarityAware();
    void latencyStillAnswers();
};

void TestSimulator::analyzesChatPrompt()
{
    const Signature sig = Signature::fromString(
        u"question, context: list[str] -> reasoning, answer: int, label: Literal['a', 'b c']",
        QStringLiteral("Solve it.\nThen label it."));
    const Example demo{{"question", "q1"},
                       {"context", Array{Value("c1")}},
                       {"reasoning", "r"},
                       {"answer", 3},
                       {"label", "a"}};
    const auto messages = makeAdapter(QStringLiteral("chat"))
                              ->format(sig, {demo},
                                       Object{{"question", "What is 2 + 3?"},
                                              {"context", Array{Value("x"), Value("y")}}});
    const SimPrompt p = SimulatedLM::analyze(messages);
    QCOMPARE(p.format, SimPrompt::Format::Chat);
    QCOMPARE(p.inputFields.size(), 2);
    QCOMPARE(p.inputFields[1].typeName, QStringLiteral("list[str]"));
    QCOMPARE(p.inputFields[1].kind, SimPrompt::Kind::List);
    QCOMPARE(p.outputFields.size(), 3);
    QCOMPARE(p.outputFields[1].kind, SimPrompt::Kind::Int);
    QCOMPARE(p.outputFields[2].kind, SimPrompt::Kind::Literal);
    QCOMPARE(p.outputFields[2].choices, (QStringList{"a", "b c"}));
    QCOMPARE(p.instructions, QStringLiteral("Solve it.\nThen label it."));
    QCOMPARE(p.inputs.value(u"question").toString(), QStringLiteral("What is 2 + 3?"));
    QCOMPARE(p.inputs.value(u"context").toString(), QStringLiteral("[\"x\", \"y\"]"));
    QCOMPARE(p.demos.size(), 1);
    QCOMPARE(p.demos[0].outputs.value(u"answer").toString(), QStringLiteral("3"));
    QCOMPARE(p.demos[0].outputs.value(u"label").toString(), QStringLiteral("a"));
    QVERIFY(!p.demos[0].outputs.contains(QStringLiteral("completed")));
}

void TestSimulator::solvesWordProblems_data()
{
    QTest::addColumn<QString>("question");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("buy then give")
        << "Tom has 5 apples. He buys 3 more. He gives away 2. How many apples does he have left?"
        << qint64(6);
    QTest::newRow("divide equally") << "A farmer has 24 eggs and divides them equally among 6 "
                                       "baskets. How many eggs are in each basket?"
                                    << qint64(4);
    QTest::newRow("each")
        << "There are 4 boxes with 6 pencils each. How many pencils are there in total?"
        << qint64(24);
    QTest::newRow("sum of") << "What is the sum of 17 and 25?" << qint64(42);
    QTest::newRow("symbolic precedence") << "What is 3 + 4 * 2?" << qint64(11);
    QTest::newRow("times word") << "What is 7 times 8?" << qint64(56);
    QTest::newRow("how many more") << "Sara has 12 stickers. Tom has 5 stickers. How many more "
                                      "stickers does Sara have than Tom?"
                                   << qint64(7);
    QTest::newRow("product then add") << "Anna has 5 pencils. She buys 3 packs with 4 pencils "
                                         "each. How many pencils does she have?"
                                      << qint64(17);
    QTest::newRow("sold listed amounts add") << "A shop sold 1,200 cups on Monday and 800 cups on "
                                                "Tuesday. How many cups did it sell in total?"
                                             << qint64(2000);
    QTest::newRow("spent")
        << "Mia had 20 dollars and spent 7 dollars on lunch. How much money does she have now?"
        << qint64(13);
}

void TestSimulator::solvesWordProblems()
{
    QFETCH(QString, question);
    QFETCH(qint64, expected);
    const Signature sig = Signature::fromString(u"question -> answer: int");
    SimulatedLM lm;
    lm.setOracle(true);
    const auto adapter = makeAdapter(QStringLiteral("chat"));
    const LMResponse r = lm.respond(requestFor(*adapter, sig, {}, Object{{"question", question}}));
    const ParseResult parsed = adapter->parse(sig, r.outputs.value(0).text);
    QVERIFY2(parsed.hasValue(), qPrintable(r.outputs.value(0).text));
    QCOMPARE(parsed->value(u"answer"), Value(expected));
}

void TestSimulator::answersParseWithEveryAdapter_data()
{
    QTest::addColumn<QString>("adapter");
    QTest::addColumn<QString>("signature");
    QTest::addColumn<Object>("inputs");
    QTest::addColumn<QString>("field");
    QTest::addColumn<Value>("expected");
    for (const char* a : {"chat", "json", "xml"}) {
        const QString name = QString::fromLatin1(a);
        QTest::addRow("%s arithmetic", a)
            << name << "question -> answer: int"
            << Object{{"question",
                       "Tom has 5 apples. He buys 3 more. How many apples does he have?"}}
            << "answer" << Value(8);
        QTest::addRow("%s float", a)
            << name << "question -> answer: float" << Object{{"question", "What is 7 / 2?"}}
            << "answer" << Value(3.5);
        QTest::addRow("%s literal", a)
            << name << "text -> sentiment: Literal['positive', 'negative', 'neutral']"
            << Object{{"text", "I loved this movie, the acting was great."}} << "sentiment"
            << Value("positive");
        QTest::addRow("%s label by name", a)
            << name << "text -> label: Literal['spam', 'ham']"
            << Object{{"text",
                       "Congratulations, you are a winner! Click to claim your free prize."}}
            << "label" << Value("spam");
        QTest::addRow("%s extractive", a)
            << name << "context: list[str], question -> answer"
            << Object{{"context",
                       Array{Value("Paris is the capital of France. It has many museums."),
                             Value("Berlin is the capital of Germany.")}},
                      {"question", "What is the capital of Germany?"}}
            << "answer" << Value("Berlin");
        QTest::addRow("%s echo types", a)
            << name << "topic -> summary, score: float, ok: bool, tags: list[str], n: int"
            << Object{{"topic", "rivers of europe"}} << "summary"
            << Value("Simulated answer about: rivers of europe");
    }
}

void TestSimulator::answersParseWithEveryAdapter()
{
    QFETCH(QString, adapter);
    QFETCH(QString, signature);
    QFETCH(Object, inputs);
    QFETCH(QString, field);
    QFETCH(Value, expected);
    const Signature sig = Signature::fromString(signature);
    const auto a = makeAdapter(adapter);
    SimulatedLM lm;
    lm.setOracle(true);
    const LMResponse r = lm.respond(requestFor(*a, sig, {}, inputs));
    QCOMPARE(r.outputs.size(), 1);
    const ParseResult parsed = a->parse(sig, r.outputs[0].text);
    QVERIFY2(parsed.hasValue(), qPrintable(r.outputs[0].text));
    QCOMPARE(parsed->keys(), sig.outputNames());
    QCOMPARE(parsed->value(field), expected);
    if (sig.outputNames().contains(QStringLiteral("tags"))) {
        QCOMPARE(parsed->value(u"score"), Value(0.0));
        QCOMPARE(parsed->value(u"ok"), Value(false));
        QCOMPARE(parsed->value(u"tags"), Value(Array{}));
        QCOMPARE(parsed->value(u"n"), Value(0));
    }
}

void TestSimulator::chainOfThoughtReasoningMatchesAnswer()
{
    const Signature sig = Signature::fromString(u"question -> reasoning, answer: int");
    const auto chat = makeAdapter(QStringLiteral("chat"));
    SimulatedLM lm;
    lm.setOracle(true);
    const LMResponse r = lm.respond(requestFor(
        *chat, sig, {},
        Object{{"question",
                "Tom has 5 apples. He buys 3 more. He gives away 2. How many are left?"}}));
    QCOMPARE(r.outputs[0].text,
             QStringLiteral(
                 "[[ ## reasoning ## ]]\nStep 1: 5 + 3 = 8. Step 2: 8 - 2 = 6. The answer is 6.\n\n"
                 "[[ ## answer ## ]]\n6\n\n[[ ## completed ## ]]"));
}

void TestSimulator::demosTeachClassificationLexicon()
{
    // "quux" is in no built-in lexicon: without demos the tie is broken by the hash; a demo
    // labelled "urgent" containing the word teaches it.
    const Signature sig =
        Signature::fromString(u"message -> category: Literal['routine', 'urgent']");
    const auto chat = makeAdapter(QStringLiteral("chat"));
    const QList<Example> demos = {
        Example{{"message", "the quux alarm fired"}, {"category", "urgent"}}.withInputs(
            {"message"}),
        Example{{"message", "weekly newsletter attached"}, {"category", "routine"}}.withInputs(
            {"message"})};
    for (quint64 seed = 0; seed < 8; ++seed) {
        const SimPrompt p =
            SimulatedLM::analyze(chat->format(sig, demos, Object{{"message", "quux quux again"}}));
        const SimAnswer a = SimulatedLM::answer(p, seed, {}, true);
        QCOMPARE(a.skill, SimAnswer::Skill::Classification);
        QCOMPARE(a.fields.value(u"category"), Value("urgent"));
    }
}

void TestSimulator::deterministicAndVariedBySampling()
{
    const Signature sig = Signature::fromString(u"question -> answer: int");
    const auto chat = makeAdapter(QStringLiteral("chat"));
    const QList<Problem> problems = generatedProblems(40, 7);
    SimulatedLM a(QStringLiteral("sim"), 1), b(QStringLiteral("sim"), 1),
        c(QStringLiteral("sim"), 2);
    int differsBySeed = 0, differsByRollout = 0, completionsDiffer = 0;
    for (const Problem& pr : problems) {
        const Object in{{"question", pr.question}};
        const QString t1 = a.respond(requestFor(*chat, sig, {}, in)).outputs[0].text;
        QCOMPARE(b.respond(requestFor(*chat, sig, {}, in)).outputs[0].text, t1);
        QCOMPARE(a.respond(requestFor(*chat, sig, {}, in)).outputs[0].text, t1);
        differsBySeed += c.respond(requestFor(*chat, sig, {}, in)).outputs[0].text != t1;
        // Temperature 0: the rollout id changes nothing.
        QCOMPARE(a.respond(requestFor(*chat, sig, {}, in,
                                      Object{{"temperature", 0.0}, {"rollout_id", 5}}))
                     .outputs[0]
                     .text,
                 t1);
        const auto hot = [&](int rollout) {
            return a.respond(
                requestFor(*chat, sig, {}, in,
                           Object{{"temperature", 1.0}, {"rollout_id", rollout}, {"n", 3}}));
        };
        const LMResponse h1 = hot(1);
        QCOMPARE(h1.outputs.size(), 3);
        QCOMPARE(hot(1).outputs[2].text, h1.outputs[2].text); // sampling is still reproducible
        differsByRollout += hot(2).outputs[0].text != h1.outputs[0].text;
        completionsDiffer += h1.outputs[0].text != h1.outputs[1].text;
    }
    QVERIFY(differsBySeed > 0);
    QVERIFY(differsByRollout > 0);
    QVERIFY(completionsDiffer > 0);
}

void TestSimulator::accuracyModelMovesWithDemosAndInstructions()
{
    const QList<Problem> problems = generatedProblems(400, 11);
    const QList<Problem> demoProblems = generatedProblems(4, 99);
    QList<Example> demos;
    for (const Problem& d : demoProblems)
        demos.append(
            Example{{"question", d.question}, {"answer", d.answer}}.withInputs({"question"}));
    const auto chat = makeAdapter(QStringLiteral("chat"));
    const Signature predict = Signature::fromString(u"question -> answer: int");
    const Signature tuned =
        predict.withInstructions(QStringLiteral("Think step by step and give the number."));
    const Signature cot = Signature::fromString(u"question -> reasoning, answer: int");

    struct Setup
    {
        Signature sig;
        QList<Example> demos;
        double p;
        int correct = 0;
        QList<bool> right;
    };
    QList<Setup> setups = {
        {predict, {}, 0.55},
        {predict, demos.mid(0, 2), 0.55 + 0.16},
        {predict, demos, 0.55 + 0.32},
        {tuned, demos, 0.55 + 0.32 + 0.10},
        {cot, {}, 0.55 + 0.10},
        {cot.withInstructions(QStringLiteral("Compute step by step.")), demos, 0.98}};
    SimulatedLM lm(QStringLiteral("sim"), 3);
    for (Setup& s : setups) {
        for (const Problem& pr : problems) {
            const LMResponse r =
                lm.respond(requestFor(*chat, s.sig, s.demos, Object{{"question", pr.question}}));
            const ParseResult parsed = chat->parse(s.sig, r.outputs[0].text);
            QVERIFY2(parsed.hasValue(), qPrintable(r.outputs[0].text));
            const bool right = parsed->value(u"answer") == Value(pr.answer);
            s.correct += right;
            s.right.append(right);
            const SimAnswer a = SimulatedLM::answer(
                SimulatedLM::analyze(
                    requestFor(*chat, s.sig, s.demos, Object{{"question", pr.question}}).messages),
                3, {});
            QVERIFY(std::abs(a.pCorrect - s.p) < 1e-9);
            QCOMPARE(a.wrong, !right); // the only wrong answers are the deliberate ones
        }
    }
    // Measured accuracy follows pCorrect (400 problems: ±0.07 is > 2.8 standard deviations).
    for (const Setup& s : setups) {
        const double acc = double(s.correct) / problems.size();
        QVERIFY2(std::abs(acc - s.p) < 0.07,
                 qPrintable(QStringLiteral("accuracy %1 vs p %2").arg(acc).arg(s.p)));
    }
    // Strictly better prompts never lose an example the weaker prompt got right.
    for (int i = 0; i + 1 < 4; ++i) {
        QVERIFY(setups[i + 1].correct > setups[i].correct);
        for (int k = 0; k < problems.size(); ++k)
            QVERIFY(!setups[i].right[k] || setups[i + 1].right[k]);
    }
}

void TestSimulator::wrongAnswersArePlausible()
{
    const auto chat = makeAdapter(QStringLiteral("chat"));
    const Signature arith = Signature::fromString(u"question -> answer: int");
    const Signature cls =
        Signature::fromString(u"text -> sentiment: Literal['positive', 'negative', 'neutral']");
    int wrongArith = 0, wrongCls = 0;
    for (const Problem& pr : generatedProblems(60, 5)) {
        const SimAnswer a = SimulatedLM::answer(
            SimulatedLM::analyze(chat->format(arith, {}, Object{{"question", pr.question}})), 0,
            {});
        if (a.wrong) {
            ++wrongArith;
            QCOMPARE(std::abs(a.fields.value(u"answer").toInt() - pr.answer), qint64(1));
        } else {
            QCOMPARE(a.fields.value(u"answer").toInt(), pr.answer);
        }
        const SimAnswer c =
            SimulatedLM::answer(SimulatedLM::analyze(chat->format(
                                    cls, {}, Object{{"text", pr.question + " I love it, great."}})),
                                0, {});
        const QString label = c.fields.value(u"sentiment").toString();
        QVERIFY(QStringList({"positive", "negative", "neutral"}).contains(label));
        QCOMPARE(label == u"positive", !c.wrong);
        wrongCls += c.wrong;
    }
    QVERIFY(wrongArith > 0);
    QVERIFY(wrongCls > 0);
}

void TestSimulator::usageCountsWords()
{
    QCOMPARE(SimulatedLM::countTokens(QStringLiteral("one two  three\nfour")),
             qint64(5));                                                        // 4 × 1.3 = 5.2
    QCOMPARE(SimulatedLM::countTokens(QStringLiteral("a b c d e")), qint64(7)); // 6.5 rounds up
    QCOMPARE(SimulatedLM::countTokens(QString()), qint64(0));
    SimulatedLM lm;
    LMRequest r;
    r.messages = {{QStringLiteral("user"), QStringLiteral("What is 2 + 2?")}};
    const LMResponse resp = lm.respond(r);
    QCOMPARE(resp.outputs[0].text, QStringLiteral("The answer is 4."));
    QCOMPARE(resp.usage.promptTokens, qint64(7));     // 5 words
    QCOMPARE(resp.usage.completionTokens, qint64(5)); // 4 words
    QCOMPARE(resp.usage.totalTokens, qint64(12));
    QCOMPARE(resp.model, QStringLiteral("lmsim/sim"));
    QCOMPARE(lm.model(), QStringLiteral("lmsim/sim"));
}

void TestSimulator::plainPromptGetsPlainAnswer()
{
    SimulatedLM lm;
    LMRequest r;
    r.messages = {
        {QStringLiteral("user"), QStringLiteral("Tell me about rivers in Europe please")}};
    QCOMPARE(lm.respond(r).outputs[0].text,
             QStringLiteral("Simulated response to: Tell me about rivers in Europe please"));
}

void TestSimulator::embeddingsAreUnitAndSimilarityAware()
{
    const auto dot = [](const QList<float>& a, const QList<float>& b) {
        double s = 0;
        for (int i = 0; i < a.size(); ++i)
            s += double(a[i]) * b[i];
        return s;
    };
    const QList<float> a = SimulatedLM::embed(QStringLiteral("The cat sat on the mat"));
    const QList<float> b = SimulatedLM::embed(QStringLiteral("the cat sat on a mat"));
    const QList<float> c =
        SimulatedLM::embed(QStringLiteral("Quarterly revenue grew by nine percent"));
    QCOMPARE(a.size(), 384);
    QVERIFY(std::abs(dot(a, a) - 1.0) < 1e-5);
    QCOMPARE(SimulatedLM::embed(QStringLiteral("The cat sat on the mat")), a);
    QVERIFY(dot(a, b) > 0.7);
    QVERIFY(dot(a, c) < 0.3);
    QCOMPARE(SimulatedLM::embed(QStringLiteral("x"), 16).size(), 16);
}

void TestSimulator::latencyStillAnswers()
{
    auto lm = std::make_shared<SimulatedLM>();
    LMRequest r;
    r.messages = {{QStringLiteral("user"), QStringLiteral("What is 6 * 7?")}};
    QFuture<LMResponse> immediate = lm->call(r);
    QVERIFY(immediate.isFinished());
    QCOMPARE(immediate.result().outputs[0].text, QStringLiteral("The answer is 42."));
    lm->setLatency(20, 5);
    const LMResponse delayed = lm->callBlocking(r);
    QCOMPARE(delayed.outputs[0].text, QStringLiteral("The answer is 42."));
    QCOMPARE(lm->callCount(), qint64(2));
}

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
