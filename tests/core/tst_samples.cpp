// The bundled sample datasets: loaded from the dspy_core resources, shaped as documented
// (docs/datasets.md), and solvable by the simulated LM: with the oracle on Predict solves
// >= 95 % of each sample; with the accuracy model on and no demos it lands near the documented
// 55 % (docs/lmsim.md §3).

#include "datasets/samples.h"
#include "lm/simulator.h"
#include "modules/predict.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace dspy;

namespace {

QString normalized(const QString& s)
{
    static const QRegularExpression punct(QStringLiteral("[^\\w\\s]"));
    return s.toLower().remove(punct).simplified();
}

struct Score
{
    int correct = 0;
    int total = 0;
    QStringList failures;
    double fraction() const { return total ? double(correct) / total : 0; }
};

Score run(const QString& sample, const QList<Example>& examples, bool oracle)
{
    const auto sig = samples::signature(sample);
    const auto info = samples::info(sample);
    Q_ASSERT(sig && info);
    auto lm = std::make_shared<SimulatedLM>(QStringLiteral("samples"), 11);
    lm->setOracle(oracle);
    RunContext ctx(lm);
    Predict predict(*sig);
    Score s;
    for (const Example& e : examples) {
        ++s.total;
        const Value& gold = e.get(info->metricField);
        QString got;
        bool ok = false;
        try {
            const Prediction p = predict(e.inputs(), ctx);
            const Value& v = p.get(info->metricField);
            got = v.toPythonStr();
            ok = gold.isString() ? normalized(v.toString()) == normalized(gold.toString())
                                 : v == gold;
        } catch (const std::exception& ex) {
            got = QStringLiteral("exception: %1").arg(QString::fromUtf8(ex.what()));
        }
        if (ok)
            ++s.correct;
        else if (s.failures.size() < 5)
            s.failures.append(QStringLiteral("%1 => %2 (gold %3)")
                                  .arg(e.inputs().toObject().entries().last().second.toPythonStr(),
                                       got, gold.toPythonStr()));
    }
    return s;
}

QList<Example> examplesOf(const QString& sample)
{
    auto loaded = samples::load(sample);
    if (!loaded)
        qFatal("%s", qPrintable(loaded.error().message));
    if (sample != u"rag_qa")
        return *loaded;
    auto withContext = samples::withGoldContext(*loaded);
    if (!withContext)
        qFatal("%s", qPrintable(withContext.error().message));
    return *withContext;
}

} // namespace

class TstSamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesAndSignatures()
    {
        QCOMPARE(samples::names(),
                 (QStringList{QStringLiteral("arithmetic"), QStringLiteral("tickets"),
                              QStringLiteral("rag_qa")}));
        for (const QString& name : samples::names()) {
            const auto sig = samples::signature(name);
            QVERIFY2(sig, qPrintable(name));
            QVERIFY(sig->outputFields().size() == 1);
        }
        QCOMPARE(samples::info(QStringLiteral("arithmetic"))->signature,
                 QStringLiteral("question -> answer: int"));
        QVERIFY(!samples::info(QStringLiteral("nope")));
        const auto unknown = samples::load(QStringLiteral("nope"));
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().message,
                 QStringLiteral("unknown sample 'nope' (known: arithmetic, tickets, rag_qa)"));
    }

    void arithmeticShape()
    {
        const auto r = samples::load(QStringLiteral("arithmetic"));
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QVERIFY(r->size() >= 500);
        QSet<QString> questions;
        for (const Example& e : *r) {
            QCOMPARE(e.keys(), (QStringList{QStringLiteral("question"), QStringLiteral("answer")}));
            QCOMPARE(e.inputKeys(), QStringList{QStringLiteral("question")});
            QVERIFY(e.get(u"answer").isInt());
            questions.insert(e.get(u"question").toString());
        }
        QCOMPARE(questions.size(), r->size());
    }

    void ticketsShape()
    {
        const auto r = samples::load(QStringLiteral("tickets"));
        QVERIFY(r);
        QVERIFY(r->size() >= 300);
        const QSet<QString> labels = {"billing",  "technical", "account",
                                      "shipping", "refund",    "other"};
        QHash<QString, int> perLabel;
        for (const Example& e : *r) {
            QCOMPARE(e.inputKeys(), QStringList{QStringLiteral("ticket")});
            QVERIFY2(labels.contains(e.get(u"label").toString()),
                     qPrintable(e.get(u"label").toString()));
            ++perLabel[e.get(u"label").toString()];
        }
        QCOMPARE(perLabel.size(), 6);
        for (int n : std::as_const(perLabel))
            QVERIFY(n >= 40);
        // The Literal in the signature lists exactly the labels.
        const auto sig = samples::signature(QStringLiteral("tickets"));
        QCOMPARE(sig->outputFields().first().type.displayName(),
                 QStringLiteral("Literal['billing', 'technical', 'account', 'shipping', 'refund', "
                                "'other']"));
    }

    void ragShape()
    {
        const auto corpus = samples::corpus();
        QVERIFY(corpus);
        QVERIFY(corpus->size() >= 300);
        QHash<QString, QString> text;
        for (const Example& p : *corpus) {
            QCOMPARE(p.keys(), (QStringList{QStringLiteral("id"), QStringLiteral("title"),
                                            QStringLiteral("text")}));
            QVERIFY(!text.contains(p.get(u"id").toString()));
            text.insert(p.get(u"id").toString(), p.get(u"text").toString());
        }
        const auto qa = samples::load(QStringLiteral("rag_qa"));
        QVERIFY(qa);
        QVERIFY(qa->size() >= 200);
        for (const Example& e : *qa) {
            QCOMPARE(e.inputKeys(), QStringList{QStringLiteral("question")});
            const Array ids = e.get(u"gold_passage_ids").toArray();
            QVERIFY(!ids.isEmpty());
            // The answer is a span of a gold passage.
            bool found = false;
            for (const Value& id : ids) {
                QVERIFY2(text.contains(id.toString()), qPrintable(id.toString()));
                found |= text.value(id.toString()).contains(e.get(u"answer").toString());
            }
            QVERIFY2(found, qPrintable(e.get(u"question").toString()));
        }
        const auto withContext = samples::withGoldContext(*qa);
        QVERIFY(withContext);
        const Example& first = withContext->first();
        QCOMPARE(first.keys().first(), QStringLiteral("context"));
        QCOMPARE(first.inputKeys(),
                 (QStringList{QStringLiteral("context"), QStringLiteral("question")}));
        QCOMPARE(first.get(u"context").toArray().first().toString(),
                 text.value(qa->first().get(u"gold_passage_ids").toArray().first().toString()));

        Example broken = qa->first().copyWith(Object{
            {QStringLiteral("gold_passage_ids"), Value(Array{Value(QStringLiteral("p9999"))})}});
        const auto err = samples::withGoldContext({broken});
        QVERIFY(!err);
        QCOMPARE(err.error().message, QStringLiteral("example 1: column 'gold_passage_ids': no "
                                                     "passage 'p9999' in the corpus"));
    }

    // The committed files, and so the embedded resources, are what the script writes today.
    void resourcesMatchTheGenerator()
    {
        const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
        if (python.isEmpty())
            QSKIP("python3 is not installed");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess gen;
        gen.start(python, {QStringLiteral(DSPY_SOURCE_DIR "/scripts/gen-datasets"), dir.path()});
        QVERIFY(gen.waitForFinished(60000));
        QCOMPARE(gen.exitCode(), 0);
        for (const QString& file :
             {QStringLiteral("arithmetic.jsonl"), QStringLiteral("tickets.jsonl"),
              QStringLiteral("corpus.jsonl"), QStringLiteral("rag_qa.jsonl")}) {
            QFile generated(QDir(dir.path()).filePath(file));
            QFile embedded(samples::resourcePath(file));
            QVERIFY2(generated.open(QIODevice::ReadOnly), qPrintable(file));
            QVERIFY2(embedded.open(QIODevice::ReadOnly), qPrintable(file));
            QVERIFY2(generated.readAll() == embedded.readAll(),
                     qPrintable(file + QStringLiteral(" differs: re-run scripts/gen-datasets")));
        }
    }

    void simulatorSolvesEachSample_data()
    {
        QTest::addColumn<QString>("sample");
        for (const QString& name : samples::names())
            QTest::newRow(qPrintable(name)) << name;
    }
    void simulatorSolvesEachSample()
    {
        QFETCH(QString, sample);
        const QList<Example> examples = examplesOf(sample);
        const Score oracle = run(sample, examples, true);
        QVERIFY2(oracle.fraction() >= 0.95,
                 qPrintable(QStringLiteral("%1/%2 solved; e.g. %3")
                                .arg(oracle.correct)
                                .arg(oracle.total)
                                .arg(oracle.failures.join(QStringLiteral(" | ")))));
        // The accuracy model: 55 % bare (no demos, default instructions).
        const Score bare = run(sample, examples, false);
        QVERIFY2(bare.fraction() >= 0.40 && bare.fraction() <= 0.70,
                 qPrintable(QStringLiteral("%1/%2").arg(bare.correct).arg(bare.total)));
        qInfo("%s: oracle %d/%d, bare %d/%d", qPrintable(sample), oracle.correct, oracle.total,
              bare.correct, bare.total);
    }
};

QTEST_GUILESS_MAIN(TstSamples)
#include "tst_samples.moc"
