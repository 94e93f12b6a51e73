// LMProfileDialog: the profile round-trips through the form without the key, "Test" sends one
// call through a real RunManager (simulated LM) and reports latency and reply, a key is read from
// and written to the KeyStore (the in-memory one: the only stand-in, for the OS keychain).

#include "keystore.h"
#include "lmprofiledialog.h"
#include "modules/predict.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QTest>

using namespace dspy;
using namespace dspy::ui;

class TestLMProfileDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theProfileRoundTripsWithoutTheKey()
    {
        RunManager manager;
        MemoryKeyStore keys;
        LMProfileDialog dialog(&manager, &keys);
        LMProfile p;
        p.name = QStringLiteral("work");
        p.lm.model = QStringLiteral("openai/gpt-4o-mini");
        p.lm.apiBase = QStringLiteral("http://127.0.0.1:9/v1");
        p.lm.temperature = 0.7;
        p.lm.maxTokens = 256;
        p.lm.maxInFlight = 16;
        p.lm.apiKeyEnv = QStringLiteral("WORK_KEY");
        dialog.setProfile(p);
        const LMProfile back = dialog.profile();
        QCOMPARE(back.name, p.name);
        QCOMPARE(back.lm.model, p.lm.model);
        QCOMPARE(back.lm.apiBase, p.lm.apiBase);
        QCOMPARE(*back.lm.temperature, 0.7);
        QCOMPARE(*back.lm.maxTokens, 256);
        QCOMPARE(back.lm.maxInFlight, 16);
        QCOMPARE(back.lm.apiKeyEnv, p.lm.apiKeyEnv);

        // The key goes to the key store on accept, under the profile's name.
        dialog.setEnteredKey(QStringLiteral("sk-secret"));
        QSignalSpy written(&keys, &KeyStore::keyWritten);
        dialog.accept();
        QTRY_COMPARE(written.size(), 1);
        QSignalSpy read(&keys, &KeyStore::keyRead);
        keys.readKey(QStringLiteral("work"));
        QTRY_COMPARE(read.size(), 1);
        QCOMPARE(read.first().at(1).toString(), QStringLiteral("sk-secret"));
    }

    void pricesRoundTripAndCostTheSession()
    {
        RunManager manager;
        MemoryKeyStore keys;
        LMProfileDialog dialog(&manager, &keys);
        QVERIFY(!dialog.profile().price); // the default table's unless set
        auto* input = dialog.findChild<QDoubleSpinBox*>(QStringLiteral("inputPrice"));
        auto* output = dialog.findChild<QDoubleSpinBox*>(QStringLiteral("outputPrice"));
        QVERIFY(input && output);
        QCOMPARE(input->text(), QStringLiteral("from the default price table"));
        input->setValue(150.0); // $150 per 1M: a visible cost for a few calls
        output->setValue(600.0);
        const LMProfile p = dialog.profile();
        QVERIFY(p.price);
        QCOMPARE(p.price->inputPerMillion, 150.0);
        QCOMPARE(p.price->outputPerMillion, 600.0);
        // Saved in the profile's settings (the project file) and read back; shown again.
        const Object settings = lmProfileSettings(p.lm, p.price);
        QCOMPARE(settings.value(u"price").toObject().value(u"output").toDouble(), 600.0);
        QCOMPARE(lmPriceFromProfile(settings), p.price);
        QVERIFY(!lmPriceFromProfile(lmProfileSettings(p.lm)));
        LMProfileDialog again(&manager, &keys);
        again.setProfile(p);
        QCOMPARE(again.profile().price, p.price);

        // The profile's price is what the run manager costs its calls with.
        manager.setPrices(profilePrices({{p.lm, p.price}}));
        QCOMPARE(manager.prices()->find(p.lm.model), p.price);
        QVERIFY(manager.prices()->find(QStringLiteral("openai/gpt-4o-mini"))); // defaults kept
        RunRequest request;
        request.program = std::make_shared<Predict>(Signature::fromString(u"question -> answer"));
        request.lm = p.lm;
        request.lm.cache = false; // a cache hit has no usage
        QSignalSpy finished(&manager, &RunManager::predictFinished);
        manager.predict(request, Example{{QStringLiteral("question"), Value("What is 2+3?")}});
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const SessionSnapshot s = manager.sessionStats()->snapshot();
        QVERIFY(s.promptTokens > 0);
        const double expected = (s.promptTokens * 150.0 + s.completionTokens * 600.0) / 1e6;
        QVERIFY2(std::abs(s.cost - expected) < 1e-9,
                 qPrintable(QStringLiteral("%1 vs %2").arg(s.cost).arg(expected)));
    }

    void testSendsOneCallThroughTheRunManager()
    {
        RunManager manager;
        MemoryKeyStore keys;
        LMProfileDialog dialog(&manager, &keys);
        auto* provider = dialog.findChild<QComboBox*>(QStringLiteral("provider"));
        QCOMPARE(provider->currentText(), QStringLiteral("Simulated LM (offline)"));
        QCOMPARE(dialog.profile().lm.model, QStringLiteral("lmsim/sim"));
        QSignalSpy finished(&dialog, &LMProfileDialog::testFinished);
        QSignalSpy runs(&manager, &RunManager::runStarted);
        dialog.test();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QCOMPARE(runs.size(), 1);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY(dialog.testResult().startsWith(QStringLiteral("OK in ")));
        QVERIFY(dialog.testResult().contains(QStringLiteral(" ms: ")));
    }

    void aFailingProfileReportsWhy()
    {
        RunManager manager;
        MemoryKeyStore keys;
        LMProfileDialog dialog(&manager, &keys);
        LMProfile p;
        p.name = QStringLiteral("bad");
        p.lm.model = QStringLiteral("nosuchprovider/x");
        dialog.setProfile(p);
        QSignalSpy finished(&dialog, &LMProfileDialog::testFinished);
        dialog.test();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY(dialog.testResult().startsWith(QStringLiteral("Failed")));
    }
};

QTEST_MAIN(TestLMProfileDialog)
#include "tst_lmprofiledialog.moc"
