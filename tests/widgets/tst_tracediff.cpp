// The trace inspector's line diff (Myers): known cases, and against a brute LCS on random inputs
// (both sides are reproduced and the number of edits is minimal).

#include "tracediff.h"

#include <QRandomGenerator>
#include <QTest>

#include <vector>

using namespace dspy::ui;

namespace {

int lcsLength(const QStringList& a, const QStringList& b)
{
    std::vector<std::vector<int>> t(size_t(a.size() + 1), std::vector<int>(size_t(b.size() + 1)));
    for (qsizetype i = a.size() - 1; i >= 0; --i)
        for (qsizetype j = b.size() - 1; j >= 0; --j)
            t[size_t(i)][size_t(j)] =
                a[i] == b[j] ? t[size_t(i + 1)][size_t(j + 1)] + 1
                             : qMax(t[size_t(i + 1)][size_t(j)], t[size_t(i)][size_t(j + 1)]);
    return t[0][0];
}

QString kinds(const QList<DiffLine>& d)
{
    QString s;
    for (const DiffLine& l : d)
        s += l.kind == DiffLine::Same ? u'=' : l.kind == DiffLine::Removed ? u'-' : u'+';
    return s;
}

} // namespace

class TestTraceDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyAndEqual()
    {
        QVERIFY(diffLines({}, {}).isEmpty());
        QCOMPARE(kinds(diffLines({QStringLiteral("a"), QStringLiteral("b")},
                                 {QStringLiteral("a"), QStringLiteral("b")})),
                 QStringLiteral("=="));
        QCOMPARE(kinds(diffLines({}, {QStringLiteral("x")})), QStringLiteral("+"));
        QCOMPARE(kinds(diffLines({QStringLiteral("x")}, {})), QStringLiteral("-"));
    }

    void oneChangedLine()
    {
        const auto d = diffText(QStringLiteral("system\nWhat is 1 plus 1?\nanswer"),
                                QStringLiteral("system\nWhat is 2 plus 2?\nanswer"));
        QCOMPARE(kinds(d), QStringLiteral("=-+="));
        QCOMPARE(d[1].text, QStringLiteral("What is 1 plus 1?"));
        QCOMPARE(d[1].leftLine, 1);
        QCOMPARE(d[2].text, QStringLiteral("What is 2 plus 2?"));
        QCOMPARE(d[2].rightLine, 1);
        const auto rows = sideBySide(d);
        QCOMPARE(rows.size(), 3);
        QVERIFY(!rows[0].changed);
        QVERIFY(rows[1].changed);
        QCOMPARE(rows[1].left, QStringLiteral("What is 1 plus 1?"));
        QCOMPARE(rows[1].right, QStringLiteral("What is 2 plus 2?"));
        QVERIFY(!rows[2].changed);
    }

    void classicExample()
    {
        // Myers' paper: ABCABBA -> CBABAC has an edit distance of 5 (LCS 4).
        const QStringList a =
            QString(QStringLiteral("ABCABBA")).split(QString(), Qt::SkipEmptyParts);
        const QStringList b =
            QString(QStringLiteral("CBABAC")).split(QString(), Qt::SkipEmptyParts);
        const auto d = diffLines(a, b);
        int edits = 0;
        for (const DiffLine& l : d)
            edits += l.kind != DiffLine::Same;
        QCOMPARE(edits, 5);
    }

    void randomAgainstLcs()
    {
        QRandomGenerator rng(7);
        for (int round = 0; round < 300; ++round) {
            QStringList a;
            QStringList b;
            const int na = int(rng.bounded(12));
            const int nb = int(rng.bounded(12));
            for (int i = 0; i < na; ++i)
                a << QString(QChar(u'a' + char16_t(rng.bounded(4))));
            for (int i = 0; i < nb; ++i)
                b << QString(QChar(u'a' + char16_t(rng.bounded(4))));
            const auto d = diffLines(a, b);
            QStringList left;
            QStringList right;
            int same = 0;
            for (const DiffLine& l : d) {
                if (l.kind != DiffLine::Added) {
                    QCOMPARE(l.leftLine, int(left.size()));
                    left << l.text;
                }
                if (l.kind != DiffLine::Removed) {
                    QCOMPARE(l.rightLine, int(right.size()));
                    right << l.text;
                }
                same += l.kind == DiffLine::Same;
            }
            QCOMPARE(left, a);
            QCOMPARE(right, b);
            QCOMPARE(same, lcsLength(a, b)); // minimal: as many kept lines as the LCS
            const auto rows = sideBySide(d);
            int changedLeft = 0;
            for (const SideBySideRow& r : rows)
                changedLeft += r.changed && r.hasLeft;
            QCOMPARE(changedLeft, int(a.size()) - same);
        }
    }
};

QTEST_MAIN(TestTraceDiff)
#include "tst_tracediff.moc"
