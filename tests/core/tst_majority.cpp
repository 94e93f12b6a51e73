// majority() (dspy.md §3.9, DSPy's dspy/predict/aggregation.py): a vote over normalize(value) of
// one field (default: the last), None-normalized values ignored unless all are, ties to the value
// seen first, the result the first completion holding the winning value.

#include "modules/majority.h"

#include <QTest>

using namespace dspy;

namespace {

Completion c(const QString& reasoning, const Value& answer)
{
    return Object{{QStringLiteral("reasoning"), Value(reasoning)},
                  {QStringLiteral("answer"), answer}};
}

} // namespace

class TstMajority : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void votesOverNormalizedValues()
    {
        // normalize_text: lower case, no punctuation, no articles, single spaces.
        const QList<Completion> cs{c("r0", Value("London")), c("r1", Value("The Paris!")),
                                   c("r2", Value("paris")), c("r3", Value("  PARIS  "))};
        const Prediction p = majority(cs);
        // The first completion with the winning value, as it was (not normalized).
        QCOMPARE(p.get(u"answer"), Value("The Paris!"));
        QCOMPARE(p.get(u"reasoning"), Value("r1"));
        QCOMPARE(p.completions().size(), 1);
    }

    void tiesGoToTheEarliest()
    {
        const QList<Completion> cs{c("r0", Value("b")), c("r1", Value("a")), c("r2", Value("a")),
                                   c("r3", Value("B"))};
        QCOMPARE(majority(cs).get(u"reasoning"), Value("r0"));
        const QList<Completion> other{c("r0", Value("x")), c("r1", Value("y")),
                                      c("r2", Value("z"))};
        QCOMPARE(majority(other).get(u"reasoning"), Value("r0"));
    }

    void noneValuesAreIgnoredUnlessAllAre()
    {
        // default_normalize: normalize_text(s) or None, so "" and "." are ignored like null.
        const QList<Completion> cs{c("r0", Value("")), c("r1", Value()), c("r2", Value("...")),
                                   c("r3", Value("yes")), c("r4", Value(""))};
        QCOMPARE(majority(cs).get(u"reasoning"), Value("r3"));
        const QList<Completion> none{c("r0", Value("")), c("r1", Value()), c("r2", Value("!"))};
        QCOMPARE(majority(none).get(u"reasoning"), Value("r0"));
        QCOMPARE(majorityDefaultNormalize(Value("  The  End. ")), std::optional<QString>("end"));
        QCOMPARE(majorityDefaultNormalize(Value("an")), std::nullopt);
        QCOMPARE(majorityDefaultNormalize(Value(42)), std::optional<QString>("42"));
    }

    void fieldDefaultsToTheLastAndCanBeChosen()
    {
        const QList<Completion> cs{c("same", Value("1")), c("other", Value("2")),
                                   c("other", Value("3"))};
        // Default field: answer (last key of the first completion): all differ, so the first.
        QCOMPARE(majority(cs).get(u"answer"), Value("1"));
        // Voting on reasoning: "other" wins, first holder is completion 1.
        QCOMPARE(majority(cs, majorityDefaultNormalize, QStringLiteral("reasoning")).get(u"answer"),
                 Value("2"));
    }

    void customAndIdentityNormalize()
    {
        const QList<Completion> cs{c("r0", Value("Paris")), c("r1", Value("paris")),
                                   c("r2", Value("paris")), c("r3", Value("Paris"))};
        // Identity (DSPy's normalize=None -> lambda x: x): exact values; 2-2 tie -> the first.
        QCOMPARE(majority(cs, MajorityNormalize()).get(u"reasoning"), Value("r0"));
        const QList<Completion> three{c("r0", Value("Paris")), c("r1", Value("paris")),
                                      c("r2", Value("paris"))};
        QCOMPARE(majority(three, MajorityNormalize()).get(u"reasoning"), Value("r1"));
        // Numbers compare as values under identity.
        const QList<Completion> nums{c("r0", Value(1)), c("r1", Value(2)), c("r2", Value(2))};
        QCOMPARE(majority(nums, MajorityNormalize()).get(u"answer"), Value(2));
        // ... by equality, as Python's Counter: 1 == 1.0 == True, so these three outvote 2, 2.
        const QList<Completion> equal{c("r0", Value(2)), c("r1", Value(1.0)), c("r2", Value(2.0)),
                                      c("r3", Value(1)), c("r4", Value(true))};
        QCOMPARE(majority(equal, MajorityNormalize()).get(u"reasoning"), Value("r1"));
        QCOMPARE(majority(equal, MajorityNormalize()).get(u"answer"), Value(1.0));
        // 0.5 and 1 stay apart.
        const QList<Completion> halves{c("r0", Value(0.5)), c("r1", Value(1)), c("r2", Value(0.5))};
        QCOMPARE(majority(halves, MajorityNormalize()).get(u"reasoning"), Value("r0"));
        // A custom normalize that drops everything but digits and ignores the rest.
        const MajorityNormalize digits = [](const Value& v) -> std::optional<QString> {
            QString d;
            for (QChar ch : v.toString())
                if (ch.isDigit())
                    d += ch;
            if (d.isEmpty())
                return std::nullopt;
            return d;
        };
        const QList<Completion> mixed{c("r0", Value("none")), c("r1", Value("7 apples")),
                                      c("r2", Value("8")), c("r3", Value("seven: 7"))};
        QCOMPARE(majority(mixed, digits).get(u"reasoning"), Value("r1"));
    }

    void fromAPrediction()
    {
        const Prediction p = Prediction::fromCompletions(
            {c("r0", Value("no")), c("r1", Value("yes")), c("r2", Value("Yes."))});
        QCOMPARE(p.get(u"answer"), Value("no")); // the visible value is the first completion
        const Prediction m = majority(p);
        QCOMPARE(m.get(u"answer"), Value("yes"));
        // A prediction without completions votes over itself.
        Prediction single;
        single.set(QStringLiteral("answer"), Value("only"));
        QCOMPARE(majority(single).get(u"answer"), Value("only"));
    }

    void errors()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, majority(QList<Completion>{}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, majority(Prediction()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, majority(QList<Completion>{Object{}}));
    }
};

QTEST_GUILESS_MAIN(TstMajority)

#include "tst_majority.moc"
