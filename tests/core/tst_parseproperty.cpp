// Property tests for the lenient readers: random text and mutated JSON never crash or hang, and
// valid JSON always comes back as the Value the strict reader builds. Seeded, so a failure
// reproduces; the seed and the input are printed when a check fails.

#include "adapters/jsonrepair.h"
#include "adapters/parsevalue.h"

#include <QRandomGenerator>
#include <QTest>

using namespace dspy;

namespace {

constexpr quint32 kSeed = 20240601;

QString randomText(QRandomGenerator& rng, int maxLen)
{
    // Mostly JSON/Python punctuation, so the parsers' repair paths get exercised.
    static const QString alphabet =
        QStringLiteral("{}[]()\"'“”:,.-+eE0123456789 \n\t\\/#*`truefalsnNoTF_xu\u00e9\u4e2d");
    const int len = int(rng.bounded(maxLen + 1));
    QString s;
    s.reserve(len);
    for (int i = 0; i < len; ++i)
        s += alphabet.at(int(rng.bounded(quint32(alphabet.size()))));
    return s;
}

Value randomValue(QRandomGenerator& rng, int depth)
{
    const int kind = int(rng.bounded(depth > 3 ? 5 : 7));
    switch (kind) {
    case 0:
        return Value();
    case 1:
        return Value(rng.bounded(2) == 1);
    case 2:
        return Value(qint64(rng.bounded(2000001)) - 1000000);
    case 3:
        return Value(double(qint64(rng.bounded(200001)) - 100000) / 64.0);
    case 4: {
        static const QStringList words = {
            "",           "a",           "Paris", "it's",          "say \"hi\"",  "a,b", "x: y",
            "{not json}", "line\nbreak", "tab\t", "\u00e9t\u00e9", "back\\slash", "[1]", "True"};
        return Value(words.at(int(rng.bounded(quint32(words.size())))));
    }
    case 5: {
        Array a;
        const int n = int(rng.bounded(4));
        for (int i = 0; i < n; ++i)
            a.append(randomValue(rng, depth + 1));
        return Value(std::move(a));
    }
    default: {
        Object o;
        const int n = int(rng.bounded(4));
        for (int i = 0; i < n; ++i)
            o.insert(QStringLiteral("k%1").arg(rng.bounded(6)), randomValue(rng, depth + 1));
        return Value(std::move(o));
    }
    }
}

QString mutate(QRandomGenerator& rng, QString s)
{
    const int edits = 1 + int(rng.bounded(3));
    static const QString inserts = QStringLiteral("{}[]\"',:\n `#/\\");
    for (int e = 0; e < edits && !s.isEmpty(); ++e) {
        const int pos = int(rng.bounded(quint32(s.size())));
        switch (rng.bounded(4)) {
        case 0:
            s.remove(pos, 1);
            break; // drop a character
        case 1:
            s.insert(pos, inserts.at(int(rng.bounded(quint32(inserts.size())))));
            break;
        case 2:
            s.truncate(pos);
            break; // cut the tail off
        default:
            s.replace(pos, 1, s.at(pos) == u'"' ? u'\'' : u'"');
            break; // swap quotes
        }
    }
    return s;
}

QList<TypeSpec> someTypes()
{
    return {TypeSpec::str(),
            TypeSpec::integer(),
            TypeSpec::floating(),
            TypeSpec::boolean(),
            TypeSpec::any(),
            TypeSpec::list(TypeSpec::str()),
            TypeSpec::list(TypeSpec::integer()),
            TypeSpec::dict(TypeSpec::str(), TypeSpec::any()),
            TypeSpec::dict(TypeSpec::integer(), TypeSpec::list(TypeSpec::floating())),
            TypeSpec::tuple({TypeSpec::integer(), TypeSpec::str()}),
            TypeSpec::set(TypeSpec::integer()),
            TypeSpec::literal({Value("yes"), Value("no"), Value(1)}),
            TypeSpec::optional(TypeSpec::integer()),
            TypeSpec::unionOf({TypeSpec::integer(), TypeSpec::list(TypeSpec::str())})};
}

} // namespace

class TestParseProperty : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validJsonRoundTrips()
    {
        QRandomGenerator rng(kSeed);
        for (int i = 0; i < 3000; ++i) {
            const Value v = randomValue(rng, 0);
            JsonStyle style;
            style.ensureAscii = rng.bounded(2) == 1;
            style.indent = rng.bounded(3) == 0 ? 2 : -1;
            const QString text = v.toJson(style);
            const Value back = repairJson(text);
            QVERIFY2(back == v && back.type() == v.type(),
                     qPrintable(QStringLiteral("seed %1 case %2: %3").arg(kSeed).arg(i).arg(text)));
            // Through parse_value with Any the value also survives (strings aside: str is raw).
            if (!v.isString()) {
                const auto parsed = parseValue(text, TypeSpec::any());
                QVERIFY2(parsed && *parsed == v, qPrintable(text));
            }
        }
    }

    void pythonReprRoundTrips()
    {
        // repr() of a Python literal is read back by pythonLiteral (dict keys are strings here).
        QRandomGenerator rng(kSeed + 1);
        for (int i = 0; i < 2000; ++i) {
            const Value v = randomValue(rng, 0);
            const QString text = v.toPythonRepr();
            const auto back = pythonLiteral(text);
            QVERIFY2(back.has_value(), qPrintable(text));
            QVERIFY2(*back == v, qPrintable(text));
        }
    }

    void mutatedJsonNeverCrashes()
    {
        QRandomGenerator rng(kSeed + 2);
        const QList<TypeSpec> types = someTypes();
        int repairedToObjects = 0;
        for (int i = 0; i < 4000; ++i) {
            const QString text = mutate(rng, randomValue(rng, 0).toJson());
            const Value v = repairJson(text);
            repairedToObjects += v.isObject() ? 1 : 0;
            pythonLiteral(text);
            const TypeSpec& t = types.at(i % types.size());
            const auto r = parseValue(text, t);
            // Whatever comes back must itself satisfy the type.
            if (r)
                QVERIFY2(validateValue(*r, t).hasValue(), qPrintable(text));
            else
                QVERIFY(!r.error().isEmpty());
        }
        QVERIFY(repairedToObjects > 100); // the mutations keep most objects recognisable
    }

    void randomTextNeverCrashes()
    {
        QRandomGenerator rng(kSeed + 3);
        const QList<TypeSpec> types = someTypes();
        for (int i = 0; i < 4000; ++i) {
            const QString text = randomText(rng, 60);
            repairJson(text);
            pythonLiteral(text);
            const auto r = parseValue(text, types.at(i % types.size()));
            if (!r)
                QVERIFY(!r.error().isEmpty());
        }
    }

    void longInputsFinish()
    {
        QRandomGenerator rng(kSeed + 4);
        for (int i = 0; i < 20; ++i) {
            const QString text = randomText(rng, 2000);
            repairJson(text);
            pythonLiteral(text);
        }
        // pathological shapes
        repairJson(QString(3000, u'"'));
        repairJson(QString(3000, u'\''));
        repairJson(QStringLiteral("{\"a\": \"") + QString(3000, u','));
        repairJson(QString(1500, u'{') + QString(1500, u':'));
        repairJson(QStringLiteral("[") + QString(3000, u'\\'));
        QVERIFY(!pythonLiteral(QString(5000, u'(')).has_value());
    }
};

QTEST_GUILESS_MAIN(TestParseProperty)
#include "tst_parseproperty.moc"
