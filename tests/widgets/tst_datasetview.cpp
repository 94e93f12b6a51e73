// The dataset table: load JSONL/CSV, input columns marked, cell edits / added / deleted rows
// undoable, DSPy's train_test_split, atomic save, and "Add to dataset" with the label corrected.

#include "datasets/dataset.h"
#include "datasetview.h"

#include <QFile>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace dspy;
using namespace dspy::ui;

namespace {

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
}

const QByteArray kRows = "{\"question\": \"1+1?\", \"answer\": 2}\n"
                         "{\"question\": \"2+2?\", \"answer\": 4}\n"
                         "{\"question\": \"3+3?\", \"answer\": 6}\n"
                         "{\"question\": \"4+4?\", \"answer\": 8}\n";

} // namespace

class TstDatasetView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadsMarksAndEditsUndoably()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("d.jsonl"));
        writeFile(path, kRows);
        QUndoStack undo;
        DatasetView view(&undo);
        QVERIFY(view.open(path));
        DatasetModel* m = view.model();
        QCOMPARE(m->rowCount(), 4);
        QCOMPARE(m->fields(), (QStringList{QStringLiteral("question"), QStringLiteral("answer")}));
        m->toggleInput(QStringLiteral("question"));
        QCOMPARE(m->inputKeys(), QStringList{QStringLiteral("question")});
        QCOMPARE(m->headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(),
                 QStringLiteral("question (input)"));
        QCOMPARE(m->headerData(2, Qt::Horizontal, Qt::DisplayRole).toString(),
                 QStringLiteral("answer (label)"));

        // An int cell edited to "5" stays an int; a string cell stays a string.
        QVERIFY(m->setData(m->index(0, 2), QStringLiteral("5"), Qt::EditRole));
        QCOMPARE(m->examples().at(0).get(u"answer"), Value(5));
        QVERIFY(m->setData(m->index(0, 1), QStringLiteral("42"), Qt::EditRole));
        QCOMPARE(m->examples().at(0).get(u"question"), Value("42"));
        QCOMPARE(undo.count(), 2);
        undo.undo();
        undo.undo();
        QCOMPARE(m->examples().at(0).get(u"answer"), Value(2));
        QCOMPARE(m->examples().at(0).get(u"question"), Value("1+1?"));
        QVERIFY(!m->setData(m->index(0, 0), QStringLiteral("x"), Qt::EditRole)); // split column

        // Add to dataset: a new field becomes a column; undo removes the row.
        view.addExample(Object{{QStringLiteral("question"), Value("5+5?")}},
                        Object{{QStringLiteral("answer"), Value(10)},
                               {QStringLiteral("note"), Value("checked")}});
        QCOMPARE(m->rowCount(), 5);
        QCOMPARE(m->columnCount(), 4);
        QCOMPARE(m->data(m->index(4, 3), Qt::DisplayRole).toString(), QStringLiteral("checked"));
        undo.undo();
        QCOMPARE(m->rowCount(), 4);

        // Deleting rows is one step.
        m->removeExampleRows({1, 3});
        QCOMPARE(m->rowCount(), 2);
        QCOMPARE(m->examples().at(1).get(u"question"), Value("3+3?"));
        undo.undo();
        QCOMPARE(m->rowCount(), 4);
        QCOMPARE(m->examples().at(3).get(u"question"), Value("4+4?"));
    }

    void splitsAsDspyDoes()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("d.jsonl"));
        writeFile(path, kRows);
        DatasetModel m;
        QVERIFY(m.load(path));
        auto counts = m.split(0.5, 7);
        QVERIFY(counts);
        QCOMPARE(counts->first, 2);
        QCOMPARE(counts->second, 2);
        // The same rows DSPy's train_test_split(train_size=0.5, random_state=7) picks.
        auto expected = trainTestSplit(m.examples(), SplitSize(0.5), std::nullopt, 7);
        QVERIFY(expected);
        for (int i = 0; i < m.rowCount(); ++i) {
            const bool inTrain = std::any_of(
                expected->train.cbegin(), expected->train.cend(), [&](const Example& e) {
                    return e.get(u"question") == m.examples().at(i).get(u"question");
                });
            QCOMPARE(m.data(m.index(i, 0), Qt::DisplayRole).toString(),
                     inTrain ? QStringLiteral("train") : QStringLiteral("dev"));
        }
    }

    void savesAndRefusesBrokenFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("d.jsonl"));
        writeFile(path, kRows);
        DatasetModel m;
        QVERIFY(m.load(path));
        QVERIFY(m.setData(m.index(2, 2), QStringLiteral("7"), Qt::EditRole));
        QVERIFY(m.save());
        DatasetModel again;
        QVERIFY(again.load(path));
        QCOMPARE(again.examples().at(2).get(u"answer"), Value(7));
        const QString csv = dir.filePath(QStringLiteral("d.csv"));
        QVERIFY(m.save(csv));
        DatasetModel fromCsv;
        QVERIFY(fromCsv.load(csv));
        QCOMPARE(fromCsv.rowCount(), 4);
        QCOMPARE(fromCsv.examples().at(2).get(u"answer"), Value(7));

        const QString broken = dir.filePath(QStringLiteral("broken.jsonl"));
        writeFile(broken, "{\"question\": \"a\"}\n{not json\n");
        DatasetModel bad;
        auto loaded = bad.load(broken);
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().contains(QStringLiteral("line 2")), qPrintable(loaded.error()));
        QCOMPARE(bad.rowCount(), 0);
    }

    void addToDatasetCorrectsTheLabel()
    {
        AddToDatasetDialog dialog(Object{{QStringLiteral("question"), Value("6+6?")}},
                                  Object{{QStringLiteral("reasoning"), Value("six and six")},
                                         {QStringLiteral("answer"), Value(11)}});
        QTableWidget* t = dialog.table();
        QCOMPARE(t->rowCount(), 2); // reasoning is not offered as a label
        QCOMPARE(t->item(1, 0)->text(), QStringLiteral("answer"));
        t->item(1, 2)->setText(QStringLiteral("12"));
        QCOMPARE(dialog.inputs(), (Object{{QStringLiteral("question"), Value("6+6?")}}));
        QCOMPARE(dialog.outputs(), (Object{{QStringLiteral("answer"), Value(12)}}));
    }
};

QTEST_MAIN(TstDatasetView)
#include "tst_datasetview.moc"
