// Built-in metrics against DSPy's definitions (dspy/evaluate/metrics.py, auto_evaluation.py).

#include "evaluate/metrics.h"
#include "lm/scriptedlm.h"

#include <QTest>

using namespace dspy;

namespace {

Example gold(Object fields)
{
    return Example(std::move(fields));
}

Prediction pred(Object fields)
{
    Prediction p;
    for (const auto& [k, v] : fields)
        p.set(k, v);
    return p;
}

QString errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const MetricError& e) {
        return e.message();
    }
    return QStringLiteral("<no error>");
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizeText_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("docstring") << "The,  Eiffel  Tower!"
                                   << "eiffel tower";
        QTest::newRow("articles") << "An apple a day keeps THE doctor away"
                                  << "apple day keeps doctor away";
        QTest::newRow("article inside a word stays") << "Theater anagram"
                                                     << "theater anagram";
        QTest::newRow("punctuation joins") << "U.S.A. it's"
                                           << "usa its";
        QTest::newRow("non-ASCII punctuation stays")
            << QString::fromUtf8("¡Hola!") << QString::fromUtf8("¡hola");
        QTest::newRow("NFD") << QString::fromUtf8("Café") << QStringLiteral("cafe") + QChar(0x0301);
        QTest::newRow("whitespace kinds") << QStringLiteral("a\tb\nc\x1f"
                                                            "d")
                                          << "b c d";
        // NFD splits "à" into "a" + U+0300, a non-word character: DSPy then drops the "a".
        QTest::newRow("combining mark after a")
            << QString::fromUtf8("à la carte")
            << QString(QChar(0x0300)) + QStringLiteral(" la carte");
        QTest::newRow("underscore is punctuation") << "The_a a1 a_b"
                                                   << "thea a1 ab";
        QTest::newRow("dotted capital I")
            << QString::fromUtf8("İstanbul a")
            << QStringLiteral("i") + QChar(0x0307) + QStringLiteral("stanbul");
        QTest::newRow("empty") << ""
                               << "";
        QTest::newRow("only articles") << "the a an"
                                       << "";
    }
    void normalizeText()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(dspy::normalizeText(input), expected);
    }

    void emAndF1()
    {
        QVERIFY(EM(QStringLiteral("The Eiffel Tower"),
                   {QStringLiteral("Eiffel Tower"), QStringLiteral("Louvre")}));
        QVERIFY(EM(QStringLiteral("paris"), {QStringLiteral("Paris")}));
        QVERIFY(!EM(QStringLiteral("Paris, France"), {QStringLiteral("Paris")}));
        QVERIFY(!EM(QStringLiteral("x"), {}));
        QCOMPARE(f1Score(QStringLiteral("the Eiffel Tower"), QStringLiteral("Eiffel Tower")), 1.0);
        // 1 common token of 5 predicted and 1 gold: p = 0.2, r = 1.
        QCOMPARE(F1(QStringLiteral("Eiffel Tower is in Paris"), {QStringLiteral("Paris")}),
                 2 * 0.2 * 1.0 / 1.2);
        // Counter intersection: min counts per token.
        QCOMPARE(f1Score(QStringLiteral("x x y"), QStringLiteral("x y y")), 2.0 / 3.0);
        QCOMPARE(f1Score(QStringLiteral("x"), QStringLiteral("y")), 0.0);
        QCOMPARE(f1Score(QString(), QString()), 0.0); // DSPy: 0 "for uniformity"
        QCOMPARE(
            F1(QStringLiteral("red car"), {QStringLiteral("blue car"), QStringLiteral("red car")}),
            1.0);
        QCOMPARE(
            precisionScore(QStringLiteral("eiffel tower in paris"), QStringLiteral("eiffel tower")),
            0.5);
        QCOMPARE(HotPotF1(QStringLiteral("yes"), {QStringLiteral("no")}), 0.0);
        QCOMPARE(HotPotF1(QStringLiteral("no answer here"), {QStringLiteral("noanswer")}), 0.0);
        QCOMPARE(HotPotF1(QStringLiteral("Yes."), {QStringLiteral("yes")}), 1.0);
        QCOMPARE(hotpotF1Score(QStringLiteral("big red"), QStringLiteral("red")), 2.0 / 3.0);
    }

    void answerExactMatch()
    {
        const Prediction p = pred({{"answer", "The Eiffel Tower"}});
        QVERIFY(dspy::answerExactMatch(gold({{"answer", "eiffel tower"}}), p));
        QVERIFY(dspy::answerExactMatch(gold({{"answer", Array{"Louvre", "Eiffel Tower"}}}), p));
        QVERIFY(!dspy::answerExactMatch(gold({{"answer", "Eiffel Tower in Paris"}}), p));
        // frac < 1: F1 >= frac. F1("eiffel tower", "eiffel tower in paris") = 2/3.
        QVERIFY(dspy::answerExactMatch(gold({{"answer", "Eiffel Tower in Paris"}}), p, 0.6));
        QVERIFY(!dspy::answerExactMatch(gold({{"answer", "Eiffel Tower in Paris"}}), p, 0.7));
        // Numbers compare as their str() (DSPy raises; typed programs answer ints).
        QVERIFY(dspy::answerExactMatch(gold({{"answer", 42}}), pred({{"answer", "42"}})));
        QVERIFY(dspy::answerExactMatch(gold({{"answer", "42"}}), pred({{"answer", 42}})));
        QVERIFY(!dspy::answerExactMatch(gold({{"answer", 42}}), pred({{"answer", 41}})));
        // Another field than "answer".
        QVERIFY(dspy::answerExactMatch(gold({{"label", "Billing"}}), pred({{"label", "billing"}}),
                                       1.0, QStringLiteral("label")));

        QCOMPARE(errorOf([&] {
                     dspy::answerExactMatch(gold({{"question", "q"}}), p);
                 }),
                 QStringLiteral("'Example' object has no attribute 'answer'"));
        QCOMPARE(errorOf([&] {
                     dspy::answerExactMatch(gold({{"answer", "a"}}), pred({{"other", "a"}}));
                 }),
                 QStringLiteral("'Prediction' object has no attribute 'answer'"));
        QCOMPARE(errorOf([&] {
                     dspy::answerExactMatch(gold({{"answer", Object{{"x", 1}}}}), p);
                 }),
                 QStringLiteral("Invalid answer type: <class 'dict'>"));
    }

    void dprTokens()
    {
        QCOMPARE(dprNormalize(QStringLiteral("Hello, World! It's 3.5")),
                 (QStringList{"hello", ",", "world", "!", "it", "'", "s", "3", ".", "5"}));
        QCOMPARE(dprNormalize(QString::fromUtf8("Café")),
                 (QStringList{QStringLiteral("cafe") + QChar(0x0301)}));
        QVERIFY(hasAnswer({{"eiffel", "tower"}}, QStringLiteral("The Eiffel Tower is tall")));
        QVERIFY(!hasAnswer({{"eiffel", "tower"}}, QStringLiteral("The Eiffel is a tower")));
        QVERIFY(!hasAnswer({{"eiffel"}}, QStringLiteral("Eiffelturm")));
    }

    void answerPassageMatch()
    {
        const Example g = gold({{"answer", "Eiffel Tower"}});
        QVERIFY(dspy::answerPassageMatch(
            g, pred({{"context", Array{"Paris has museums.", "The Eiffel Tower is in Paris."}}})));
        QVERIFY(!dspy::answerPassageMatch(
            g, pred({{"context", Array{"Paris has museums.", "The tower of Eiffel."}}})));
        QVERIFY(dspy::answerPassageMatch(gold({{"answer", Array{"Louvre", "museums"}}}),
                                         pred({{"context", Array{"Paris has museums."}}})));
        // One string is one passage.
        QVERIFY(dspy::answerPassageMatch(g, pred({{"context", "I saw the Eiffel tower."}})));
        QCOMPARE(errorOf([&] {
                     dspy::answerPassageMatch(g, pred({{"context", 3}}));
                 }),
                 QStringLiteral("pred.context is <class 'int'>, not a list of passages"));
    }

    void metricScoreConversions()
    {
        QCOMPARE(*metricScore(Value(true)), 1.0);
        QCOMPARE(*metricScore(Value(false)), 0.0);
        QCOMPARE(*metricScore(Value(3)), 3.0);
        QCOMPARE(*metricScore(Value(0.25)), 0.25);
        QCOMPARE(*metricScore(Value(Object{{"score", 0.5}, {"feedback", "ok"}})), 0.5);
        QCOMPARE(*metricScore(Value(Object{{"score", true}})), 1.0);
        const auto bad = metricScore(Value("yes"));
        QVERIFY(!bad);
        QCOMPARE(bad.error(), QStringLiteral("the metric returned 'yes', not a bool, a number or "
                                             "an object with a numeric \"score\""));
        QVERIFY(!metricScore(Value()));
        QVERIFY(!metricScore(Value(Object{{"score", "high"}})));
    }

    void clampedF1()
    {
        QCOMPARE(dspy::clampedF1(0, 0), 0.0);
        QCOMPARE(dspy::clampedF1(1.5, -0.2), 0.0);
        QCOMPARE(dspy::clampedF1(1.5, 0.5), 2 * 0.5 / 1.5);
        QCOMPARE(dspy::clampedF1(0.5, 1.0), 2 * 0.5 / 1.5);
    }

    void judgeSignatures()
    {
        const Signature s = semanticRecallPrecisionSignature();
        QCOMPARE(s.toString(),
                 QStringLiteral("question: str, ground_truth: str, system_response: str -> recall: "
                                "float, precision: float"));
        QCOMPARE(s.instructions(),
                 QStringLiteral("Compare a system's response to the ground truth to compute its "
                                "recall and precision.\nIf asked to reason, enumerate key ideas in "
                                "each response, and whether they are present in the other "
                                "response."));
        QCOMPARE(s.field(u"recall")->description,
                 QStringLiteral("fraction (out of 1.0) of ground truth covered by the system "
                                "response"));
        QCOMPARE(s.field(u"precision")->description,
                 QStringLiteral("fraction (out of 1.0) of system response covered by the ground "
                                "truth"));
        QCOMPARE(s.field(u"question")->description, QString());

        const Signature d = decompositionalSemanticRecallPrecisionSignature();
        QCOMPARE(d.outputNames(),
                 (QStringList{"ground_truth_key_ideas", "system_response_key_ideas", "discussion",
                              "recall", "precision"}));
        QVERIFY(d.instructions().startsWith(
            u"Compare a system's response to the ground truth to compute recall and precision of "
            "key ideas.\nYou will first enumerate"));

        const Signature c = answerCompletenessSignature();
        QCOMPARE(c.outputNames(),
                 (QStringList{"ground_truth_key_ideas", "system_response_key_ideas", "discussion",
                              "completeness"}));
        const Signature g = answerGroundednessSignature();
        QCOMPARE(g.toString(), QStringLiteral("question: str, retrieved_context: str, "
                                              "system_response: str -> system_response_claims: "
                                              "str, discussion: str, groundedness: float"));
        QCOMPARE(g.instructions(),
                 QStringLiteral("Estimate the groundedness of a system's responses, against real "
                                "retrieved documents written by people.\nYou will first enumerate "
                                "whatever non-trivial or check-worthy claims are made in the "
                                "system response, and then\ndiscuss the extent to which some or "
                                "all of them can be deduced from the retrieved context and basic "
                                "commonsense."));
        QCOMPARE(g.field(u"system_response_claims")->description,
                 QStringLiteral("enumeration of non-trivial or check-worthy claims in the system "
                                "response"));
    }

    void semanticF1WithScriptedJudge()
    {
        auto lm = std::make_shared<ScriptedLM>(QList<Object>{
            {{"reasoning", "Half of the ideas."}, {"recall", 0.5}, {"precision", 1.0}},
            {{"reasoning", "Half of the ideas."}, {"recall", 0.5}, {"precision", 1.0}},
            {{"reasoning", "Few."}, {"recall", 0.4}, {"precision", 0.9}}});
        RunContext ctx(lm);
        SemanticF1 metric;
        const Example g = gold(
            {{"question", "What is in Paris?"}, {"response", "The Eiffel Tower and the Louvre."}});
        const Prediction p = pred({{"response", "The Eiffel Tower."}});

        const Value f1 = metric.score(g, p, nullptr, ctx);
        QVERIFY(f1.isFloat());
        QCOMPARE(f1.toDouble(), 2 * 0.5 / 1.5);
        const QList<TraceRecord> trace;
        QCOMPARE(metric.score(g, p, &trace, ctx), Value(true));  // 0.667 >= 0.66
        QCOMPARE(metric.score(g, p, &trace, ctx), Value(false)); // 2*.36/1.3 = 0.554

        // The judge saw DSPy's instructions and our fields in the ChatAdapter layout.
        const LMRequest first = lm->requests().first();
        QVERIFY(first.messages.first().content.contains(
            u"Compare a system's response to the ground truth to compute its recall and "
            "precision.\n        If asked to reason"));
        QVERIFY(first.messages.last().content.contains(
            u"[[ ## ground_truth ## ]]\nThe Eiffel Tower and the Louvre.\n\n[[ ## "
            "system_response ## ]]\nThe Eiffel Tower."));
        QCOMPARE(metric.namedPredictors().size(), 1);
        QCOMPARE(metric.namedPredictors().first().path, QStringLiteral("module.predict"));
        // Missing gold response: DSPy's AttributeError text.
        QCOMPARE(errorOf([&] {
                     metric.score(gold({{"question", "q"}}), p, nullptr, ctx);
                 }),
                 QStringLiteral("'Example' object has no attribute 'response'"));
    }

    void completeAndGroundedWithScriptedJudge()
    {
        auto lm = ScriptedLM::bySubstring({{QStringLiteral("[[ ## ground_truth ## ]]"),
                                            Object{{"reasoning", "r"},
                                                   {"ground_truth_key_ideas", "1. tower"},
                                                   {"system_response_key_ideas", "1. tower"},
                                                   {"discussion", "same"},
                                                   {"completeness", 0.8}}},
                                           {QStringLiteral("[[ ## retrieved_context ## ]]"),
                                            Object{{"reasoning", "r"},
                                                   {"system_response_claims", "1. tower"},
                                                   {"discussion", "supported"},
                                                   {"groundedness", 0.6}}}});
        RunContext ctx(lm);
        CompleteAndGrounded metric;
        const Example g = gold({{"question", "q"}, {"response", "The tower."}});
        const Prediction p = pred({{"response", "A tower."}, {"context", "Tower text."}});
        QCOMPARE(metric.score(g, p, nullptr, ctx).toDouble(), 2 * 0.6 * 0.8 / 1.4);
        const QList<TraceRecord> trace;
        QCOMPARE(metric.score(g, p, &trace, ctx), Value(true)); // 0.686 >= 0.66
        QCOMPARE(lm->requests().size(), 4);
        QStringList paths;
        for (const NamedPredictor& np : metric.namedPredictors())
            paths.append(np.path);
        QCOMPARE(paths,
                 (QStringList{"completeness_module.predict", "groundedness_module.predict"}));
    }

    void registry()
    {
        QCOMPARE(builtinMetricNames(), (QStringList{"exact_match", "f1", "passage_match",
                                                    "semantic_f1", "complete_and_grounded"}));
        QVERIFY(!builtinMetric(QStringLiteral("bleu")));
        RunContext ctx;
        const Example g = gold({{"answer", "Eiffel Tower"}});
        const Prediction p = pred({{"answer", "the eiffel tower"}, {"context", Array{"x"}}});

        const Metric em = *builtinMetric(QStringLiteral("exact_match"));
        QCOMPARE(em.name, QStringLiteral("answer_exact_match"));
        QCOMPARE(em(g, p, nullptr, ctx), Value(true));
        const Metric f1 = *builtinMetric(QStringLiteral("f1"));
        QCOMPARE(f1(g, pred({{"answer", "Eiffel"}}), nullptr, ctx).toDouble(), 2 * 0.5 / 1.5);
        const Metric pm = *builtinMetric(QStringLiteral("passage_match"));
        QCOMPARE(pm.name, QStringLiteral("answer_passage_match"));
        QCOMPARE(pm(g, p, nullptr, ctx), Value(false));
        const Metric label = *builtinMetric(QStringLiteral("exact_match"), QStringLiteral("label"));
        QCOMPARE(label(gold({{"label", "x"}}), pred({{"label", "X"}}), nullptr, ctx), Value(true));
        QCOMPARE(builtinMetric(QStringLiteral("semantic_f1"))->name, QStringLiteral("SemanticF1"));
        QCOMPARE(builtinMetric(QStringLiteral("complete_and_grounded"))->name,
                 QStringLiteral("CompleteAndGrounded"));
    }

    void simpleAndContextMetrics()
    {
        // Both lambda shapes convert; the context is passed through to the full form.
        Metric simple(QStringLiteral("len"),
                      [](const Example&, const Prediction& p, const QList<TraceRecord>* trace) {
                          return trace ? Value(true) : Value(p.get(u"answer").toString().size());
                      });
        Metric withCtx(QStringLiteral("ctx"),
                       [](const Example&, const Prediction&, const QList<TraceRecord>*,
                          RunContext& ctx) { return Value(ctx.rolloutId); });
        RunContext ctx;
        ctx.rolloutId = QStringLiteral("r7");
        QCOMPARE(simple(Example(), pred({{"answer", "abc"}}), nullptr, ctx), Value(3));
        const QList<TraceRecord> trace;
        QCOMPARE(simple(Example(), Prediction(), &trace, ctx), Value(true));
        QCOMPARE(withCtx(Example(), Prediction(), nullptr, ctx), Value("r7"));
        QVERIFY(!Metric().isValid());
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
