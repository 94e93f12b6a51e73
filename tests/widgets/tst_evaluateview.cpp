// EvaluateView: the arithmetic sample evaluated on the simulated LM through a RunManager fills the
// results table, reports the score, sorts, filters, counts the histogram and exports.

#include "datasets/samples.h"
#include "evaluateview.h"
#include "runtime/runmanager.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace dspy;
using namespace dspy::ui;

class TestEvaluateView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void evaluatesTheArithmeticSampleOnTheSimulatedLM()
    {
        RunManager manager;
        EvaluateView view(&manager);
        view.setSample(QStringLiteral("arithmetic"));
        view.setLimit(20);
        QSignalSpy finished(&view, &EvaluateView::finished);
        view.start();
        QVERIFY(!view.runId().isEmpty());
        QVERIFY(view.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY(!view.isRunning());

        QVERIFY(view.result());
        const EvaluationResult& result = *view.result();
        QCOMPARE(result.results.size(), 20);
        QCOMPARE(finished.first().first().toDouble(), result.score);
        double sum = 0;
        for (const EvaluationRow& row : result.results)
            sum += row.score;
        QCOMPARE(result.score, std::round(10000.0 * sum / 20) / 100);
        QVERIFY(result.score > 0); // the simulated LM solves arithmetic problems

        QStandardItemModel* model = view.resultsModel();
        QCOMPARE(model->rowCount(), 20);
        const auto examples = *samples::load(QStringLiteral("arithmetic"));
        for (int r = 0; r < 20; ++r) {
            const EvaluationRow& row = result.results[r];
            QCOMPARE(model->item(r, EvaluateView::GoldColumn)->text(),
                     examples[r].get(u"answer").toJson());
            QVERIFY(model->item(r, EvaluateView::InputsColumn)
                        ->text()
                        .contains(examples[r].get(u"question").toString()));
            QCOMPARE(model->item(r, EvaluateView::ScoreColumn)->data(Qt::UserRole).toDouble(),
                     row.score);
            // Pass/fail colours: green for a full score, red otherwise.
            const QColor bg = model->item(r, EvaluateView::ScoreColumn)->background().color();
            QCOMPARE(bg.green() > bg.red(), row.score >= 1.0);
        }

        // Histogram: every example in one bin.
        int binned = 0;
        for (int n : view.histogram())
            binned += n;
        QCOMPARE(binned, 20);

        // Sorting by score puts the lowest first; the filter narrows the rows.
        QSortFilterProxyModel* proxy = view.proxyModel();
        proxy->sort(EvaluateView::ScoreColumn, Qt::AscendingOrder);
        double previous = -1;
        for (int r = 0; r < proxy->rowCount(); ++r) {
            const double s =
                proxy->index(r, EvaluateView::ScoreColumn).data(Qt::UserRole).toDouble();
            QVERIFY(s >= previous);
            previous = s;
        }
        const QString question = examples[3].get(u"question").toString();
        proxy->setFilterFixedString(question);
        QVERIFY(proxy->rowCount() >= 1);
        QVERIFY(proxy->rowCount() < 20);

        QTemporaryDir dir;
        QVERIFY(view.exportJson(dir.filePath(QStringLiteral("r.json"))));
        QFile json(dir.filePath(QStringLiteral("r.json")));
        QVERIFY(json.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(json.readAll()).array().size(), 20);
        QVERIFY(view.exportCsv(dir.filePath(QStringLiteral("r.csv"))));
        QFile csv(dir.filePath(QStringLiteral("r.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count("\r\n"), 21); // header + 20 rows

        // The histogram as a PNG: drawn (bars, axes and title differ from the background).
        const QString png = dir.filePath(QStringLiteral("chart.png"));
        QVERIFY(view.exportChartPng(png));
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 640 && image.height() >= 360);
        const QRgb background = image.pixel(0, 0);
        qsizetype drawn = 0;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width(); x += 2)
                drawn += image.pixel(x, y) != background;
        }
        QVERIFY2(drawn > 500, qPrintable(QString::number(drawn)));
        QVERIFY(!view.exportChartPng(dir.filePath(QStringLiteral("no/such/dir/c.png"))));
    }

    void stopCancelsTheRun()
    {
        RunManager manager;
        EvaluateView view(&manager);
        view.setSample(QStringLiteral("arithmetic"));
        view.setLimit(100000);
        QSignalSpy finished(&view, &EvaluateView::finished);
        view.start();
        view.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY(view.result()->aborted);
    }
};

QTEST_MAIN(TestEvaluateView)
#include "tst_evaluateview.moc"
