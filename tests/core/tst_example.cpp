#include "data/example.h"

#include <QTest>

#include <stdexcept>

using namespace dspy;

class TstExample : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keysHideDspyPrefixedKeys()
    {
        Example e{{"question", Value("q")}, {"dspy_uuid", Value("x")}, {"answer", Value("a")}};
        QCOMPARE(e.keys(), QStringList({"question", "answer"}));
        QCOMPARE(e.keys(true), QStringList({"question", "dspy_uuid", "answer"}));
        QCOMPARE(e.size(), 2);
        QCOMPARE(e.toObject().keys(), QStringList({"question", "answer"}));
        QCOMPARE(e.toObject(true).keys(), QStringList({"question", "dspy_uuid", "answer"}));
        // Hidden, but still stored and readable.
        QVERIFY(e.contains(QStringLiteral("dspy_uuid")));
        QCOMPARE(e.get(QStringLiteral("dspy_uuid")), Value("x"));
    }

    void setKeepsPositionLikeADict()
    {
        Example e{{"a", Value(1)}, {"b", Value(2)}};
        e.set(QStringLiteral("a"), Value(3));
        e.set(QStringLiteral("c"), Value(4));
        QCOMPARE(e.keys(), QStringList({"a", "b", "c"}));
        QCOMPARE(e.get(QStringLiteral("a")), Value(3));
    }

    void withInputsReturnsACopy()
    {
        const Example e{{"question", Value("q")}, {"answer", Value("a")}};
        const Example marked = e.withInputs({"question"});
        QVERIFY(!e.hasInputKeys());
        QVERIFY(marked.hasInputKeys());
        QCOMPARE(marked.inputKeys(), QStringList({"question"}));
        QVERIFY(marked == e); // equality is store equality, as DSPy's __eq__
    }

    void inputsAndLabelsSplitTheStore()
    {
        const Example e = Example{
            {"context", Value("c")},
            {"question", Value("q")},
            {"answer", Value("a")},
            {"dspy_split",
             Value("train")}}.withInputs({"question", "context"});
        const Example in = e.inputs();
        QCOMPARE(in.keys(), QStringList({"context", "question"}));
        QVERIFY(in.hasInputKeys());
        const Example labels = e.labels();
        QCOMPARE(labels.keys(true), QStringList({"answer", "dspy_split"}));
        QVERIFY(!labels.hasInputKeys());
    }

    void inputsWithoutInputKeysThrows()
    {
        const Example e{{"question", Value("q")}};
        try {
            (void)e.inputs();
            QFAIL("inputs() did not throw");
        } catch (const std::logic_error& err) {
            QCOMPARE(QString::fromUtf8(err.what()),
                     QStringLiteral("Inputs have not been set for this example. Use "
                                    "`example.with_inputs()` to set them."));
        }
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)e.labels());
    }

    void copyWithAndWithoutKeepInputKeys()
    {
        const Example e =
            Example{{"question", Value("q")}, {"answer", Value("a")}}.withInputs({"question"});
        const Example c = e.copyWith(Object{{"answer", Value("b")}, {"extra", Value(true)}});
        QCOMPARE(c.keys(), QStringList({"question", "answer", "extra"}));
        QCOMPARE(c.get(QStringLiteral("answer")), Value("b"));
        QCOMPARE(c.inputKeys(), QStringList({"question"}));
        QCOMPARE(e.get(QStringLiteral("answer")), Value("a"));

        const Example w = c.without({"extra", "missing"});
        QCOMPARE(w.keys(), QStringList({"question", "answer"}));
        QCOMPARE(w.inputs().keys(), QStringList({"question"}));
    }

    void predictionFromCompletions()
    {
        const Prediction p = Prediction::fromCompletions(
            {Completion{{"reasoning", Value("r1")}, {"answer", Value(1)}},
             Completion{{"reasoning", Value("r2")}, {"answer", Value(2)}},
             Completion{{"answer", Value(3)}, {"note", Value("late")}}});
        QCOMPARE(p.keys(), QStringList({"reasoning", "answer", "note"}));
        QCOMPARE(p.get(QStringLiteral("answer")), Value(1));
        // A key only later completions have takes the first value given (DSPy's columns).
        QCOMPARE(p.get(QStringLiteral("note")), Value("late"));
        QCOMPARE(p.completions().size(), 3);
        QCOMPARE(Value(p.completionValues(u"answer")).toJson(), QStringLiteral("[1, 2, 3]"));
        QCOMPARE(Value(p.completionValues(u"reasoning")).toJson(),
                 QStringLiteral("[\"r1\", \"r2\"]"));
        QVERIFY(!p.hasInputKeys());
    }

    void emptyPrediction()
    {
        const Prediction p = Prediction::fromCompletions({});
        QCOMPARE(p.size(), 0);
        QVERIFY(p.completions().isEmpty());
    }

    void usageAddsPerModel()
    {
        Prediction p;
        p.addUsage(QStringLiteral("m1"), LMUsage{10, 5, 15, 2});
        p.addUsage(QStringLiteral("m1"), LMUsage{1, 1, 2, 0});
        p.addUsage(QStringLiteral("m2"), LMUsage{3, 0, 3, 0});
        QCOMPARE(p.lmUsage().size(), 2);
        const LMUsage m1 = p.lmUsage().value(QStringLiteral("m1"));
        QCOMPARE(m1.promptTokens, 11);
        QCOMPARE(m1.completionTokens, 6);
        QCOMPARE(m1.totalTokens, 17);
        QCOMPARE(m1.cachedTokens, 2);
        QVERIFY(!m1.isZero());
        QVERIFY(LMUsage{}.isZero());
    }
};

QTEST_GUILESS_MAIN(TstExample)
#include "tst_example.moc"
