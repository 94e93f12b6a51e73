#include "data/value.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace dspy;

class TestValue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void floatRepr_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("integral") << 3.0 << "3.0";
        QTest::newRow("tenth") << 0.1 << "0.1";
        QTest::newRow("hundred") << 100.0 << "100.0";
        QTest::newRow("small-fixed") << 0.0001 << "0.0001";
        QTest::newRow("small-exp") << 0.00001 << "1e-05";
        QTest::newRow("big-fixed") << 1234567890123456.0 << "1234567890123456.0";
        QTest::newRow("big-exp") << 1e16 << "1e+16";
        QTest::newRow("huge") << 1.5e300 << "1.5e+300";
        QTest::newRow("negative") << -2.5 << "-2.5";
        QTest::newRow("negzero") << -0.0 << "-0.0";
        QTest::newRow("third") << 1.0 / 3.0 << "0.3333333333333333";
        QTest::newRow("inf") << std::numeric_limits<double>::infinity() << "inf";
    }
    void floatRepr()
    {
        QFETCH(double, value);
        QFETCH(QString, expected);
        QCOMPARE(pythonFloatRepr(value), expected);
    }

    void jsonDumpsCompactLikePython()
    {
        Object o{{"b", 1}, {"a", Value(Array{Value("x"), Value(2.0), Value(true), Value()})}};
        QCOMPARE(Value(o).toJson(), QStringLiteral(R"({"b": 1, "a": ["x", 2.0, true, null]})"));
        JsonStyle sorted;
        sorted.sortKeys = true;
        QCOMPARE(Value(o).toJson(sorted),
                 QStringLiteral(R"({"a": ["x", 2.0, true, null], "b": 1})"));
    }

    void jsonDumpsIndented()
    {
        Object o{{"answer", 5}, {"tags", Value(Array{Value("a")})}, {"empty", Value(Array{})}};
        JsonStyle s;
        s.indent = 2;
        QCOMPARE(Value(o).toJson(s),
                 QStringLiteral(
                     "{\n  \"answer\": 5,\n  \"tags\": [\n    \"a\"\n  ],\n  \"empty\": []\n}"));
    }

    void jsonEnsureAscii()
    {
        const Value v(QStringLiteral("caf\u00e9 \"q\"\n\U0001F600\x7f"));
        QCOMPARE(v.toJson(), QStringLiteral("\"caf\\u00e9 \\\"q\\\"\\n\\ud83d\\ude00\\u007f\""));
        JsonStyle s;
        s.ensureAscii = false;
        QCOMPARE(v.toJson(s), QStringLiteral("\"caf\u00e9 \\\"q\\\"\\n\U0001F600\x7f\""));
    }

    void pythonStrAndRepr()
    {
        QCOMPARE(Value(true).toPythonStr(), QStringLiteral("True"));
        QCOMPARE(Value().toPythonStr(), QStringLiteral("None"));
        QCOMPARE(Value(3.5).toPythonStr(), QStringLiteral("3.5"));
        QCOMPARE(Value("plain").toPythonStr(), QStringLiteral("plain"));
        QCOMPARE(Value("plain").toPythonRepr(), QStringLiteral("'plain'"));
        QCOMPARE(Value("it's").toPythonRepr(), QStringLiteral("\"it's\""));
        QCOMPARE(Value("both ' and \"").toPythonRepr(), QStringLiteral("'both \\' and \"'"));
        QCOMPARE(Value("tab\there").toPythonRepr(), QStringLiteral("'tab\\there'"));
        const Value list(
            Array{Value("one"), Value("two"), Value(1), Value(Object{{"k", Value()}})});
        QCOMPARE(list.toPythonStr(), QStringLiteral("['one', 'two', 1, {'k': None}]"));
    }

    void strictJsonKeepsOrderAndNumberKinds()
    {
        const auto v = Value::fromJson(u"{\"z\": 1, \"a\": 2.0, \"z\": 3, \"s\": \"\\u00e9\\n\"}");
        QVERIFY(v.has_value());
        QCOMPARE(v->toObject().keys(), QStringList({"z", "a", "s"}));
        QVERIFY(v->toObject()["z"].isInt());
        QCOMPARE(v->toObject()["z"].toInt(), 3);
        QVERIFY(v->toObject()["a"].isFloat());
        QCOMPARE(v->toObject()["s"].toString(), QStringLiteral("\u00e9\n"));
        QCOMPARE(v->toJson(), QStringLiteral("{\"z\": 3, \"a\": 2.0, \"s\": \"\\u00e9\\n\"}"));
    }

    void strictJsonErrors()
    {
        QString err;
        qsizetype off = -1;
        QVERIFY(!Value::fromJson(u"{\"a\": 1,}", &err, &off).has_value());
        QCOMPARE(err, QStringLiteral("Expecting property name enclosed in double quotes"));
        QCOMPARE(off, 8);
        QVERIFY(!Value::fromJson(u"[1, 2", &err).has_value());
        QVERIFY(!Value::fromJson(u"1 2", &err).has_value());
        QCOMPARE(err, QStringLiteral("Extra data"));
        QVERIFY(!Value::fromJson(QString(5000, QLatin1Char('['))).has_value()); // no stack overflow
    }

    void pythonEquality()
    {
        QVERIFY(Value(1) == Value(1.0));
        QVERIFY(Value(true) == Value(1));
        QVERIFY(!(Value("1") == Value(1)));
        QVERIFY(!(Value() == Value(0)));
        QVERIFY(Value(Object{{"a", 1}, {"b", 2}}) == Value(Object{{"b", 2}, {"a", 1}}));
        QVERIFY(!(Value(Array{Value(1), Value(2)}) == Value(Array{Value(2), Value(1)})));
    }

    void objectInsertKeepsPosition()
    {
        Object o{{"a", 1}, {"b", 2}};
        o.insert("a", 5);
        o.insert("c", 3);
        QCOMPARE(o.keys(), QStringList({"a", "b", "c"}));
        QCOMPARE(o["a"].toInt(), 5);
        QVERIFY(o.remove(u"b"));
        QVERIFY(!o.remove(u"b"));
        QVERIFY(o.value(u"missing").isNull());
    }

    void qjsonRoundTrip()
    {
        const Value v(Object{{"i", 3}, {"f", 3.5}, {"l", Value(Array{Value("x")})}});
        const Value back = Value::fromQJsonValue(v.toQJsonValue());
        QVERIFY(back == v);
        QVERIFY(back.toObject()["i"].isInt());
        QVERIFY(back.toObject()["f"].isFloat());
    }

    void truthiness()
    {
        QVERIFY(!Value().truthy());
        QVERIFY(!Value("").truthy());
        QVERIFY(!Value(Array{}).truthy());
        QVERIFY(Value(0.5).truthy());
        QVERIFY(Value("x").truthy());
    }
};

QTEST_GUILESS_MAIN(TestValue)
#include "tst_value.moc"
