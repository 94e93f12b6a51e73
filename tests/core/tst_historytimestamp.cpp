// ManagedLM writes history timestamps without QDateTime's per-call local-time conversion; they
// must still read exactly as isoTimestampNow() would, in a zone with a non-hour offset too.

#include "lm/managedlm.h"
#include "lm/scriptedlm.h"

#include <QRegularExpression>
#include <QTest>

#include <ctime>
#include <thread>

using namespace dspy;

class TstHistoryTimestamp : public QObject
{
    Q_OBJECT

private:
    // The timestamp ManagedLM records for one call, with isoTimestampNow() read just before and
    // just after it.
    static void recordOne(QString* before, QString* recorded, QString* after)
    {
        auto inner = std::make_shared<ScriptedLM>(
            QList<Object>{Object{{QStringLiteral("answer"), Value("42")}}});
        ManagedLMOptions o;
        o.cache = false;
        History global;
        o.globalHistory = &global;
        auto lm = ManagedLM::create(inner, {}, {}, {}, o);
        LMRequest r;
        r.messages = {{QStringLiteral("user"), QStringLiteral("Why?")}};
        *before = isoTimestampNow();
        const LMResponse response = lm->callBlocking(r);
        *after = isoTimestampNow();
        QVERIFY(!response.error);
        QCOMPARE(global.size(), 1);
        *recorded = global.snapshot().first().timestamp;
    }

    static void checkAgainstQt()
    {
        QString before, recorded, after;
        recordOne(&before, &recorded, &after);
        static const QRegularExpression shape(
            QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$)"));
        QVERIFY2(shape.match(recorded).hasMatch(), qPrintable(recorded));
        // Same clock, same zone: seconds-resolution text between the two Qt readings.
        QVERIFY2(before.left(19) <= recorded.left(19) && recorded.left(19) <= after.left(19),
                 qPrintable(before + u' ' + recorded + u' ' + after));
        // The microseconds are those of the same instant (before <= recorded <= after).
        auto micros = [](const QString& ts) {
            return ts.left(19) + (ts.size() > 19 ? ts.mid(19) : QStringLiteral(".000000"));
        };
        QVERIFY(micros(before) <= micros(recorded));
        QVERIFY(micros(recorded) <= micros(after));
    }

private Q_SLOTS:
    void matchesIsoTimestampNowInTheDefaultZone() { checkAgainstQt(); }

    void matchesIsoTimestampNowInAHalfHourZone()
    {
        // +05:30 all year. Set before the first call of this test's thread would matter only for
        // the per-minute offset memo, so run the call on a fresh thread.
        qputenv("TZ", "Asia/Kolkata");
        tzset();
        QString before, recorded, after;
        std::thread([&] { recordOne(&before, &recorded, &after); }).join();
        QVERIFY2(before.left(19) <= recorded.left(19) && recorded.left(19) <= after.left(19),
                 qPrintable(before + u' ' + recorded + u' ' + after));
        const QDateTime utc = QDateTime::currentDateTimeUtc();
        const QString expectedHour = utc.addSecs(5 * 3600 + 1800).toString(u"yyyy-MM-ddTHH");
        // Within the same hour unless the clock just rolled over.
        if (utc.time().minute() != 29 && utc.time().minute() != 59)
            QCOMPARE(recorded.left(13), expectedHour);
        qunsetenv("TZ");
        tzset();
    }
};

QTEST_GUILESS_MAIN(TstHistoryTimestamp)
#include "tst_historytimestamp.moc"
