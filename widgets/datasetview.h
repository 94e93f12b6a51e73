#pragma once

// The dataset table (WORKBENCH.md "Datasets and metrics"): a JSONL or CSV file as a table with its
// input columns marked (header context menu toggles them), every cell edit, added row and deleted
// row an undoable command on the project's QUndoStack, a train/dev split with DSPy's semantics
// (train_test_split: Random(seed) shuffle, then the first train-size rows), an atomic save back to
// the file, and "Add to dataset" for a traced example with its label corrected first.

#include "data/example.h"
#include "runtime/expected.h"

#include <QAbstractTableModel>
#include <QDialog>
#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTableView;
class QTableWidget;
class QUndoStack;

namespace dspy::ui {

class DatasetModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    // Column 0 is the row's split ("train"/"dev", empty before split()); the fields follow.
    explicit DatasetModel(QUndoStack* undo = nullptr, QObject* parent = nullptr);

    Expected<void, QString> load(const QString& path);
    // Atomic (QSaveFile); JSONL or CSV by the file's suffix.
    Expected<void, QString> save(const QString& path = {});
    QString path() const { return m_path; }

    const QList<Example>& examples() const { return m_rows; }
    QStringList fields() const { return m_fields; }
    QStringList inputKeys() const { return m_inputs; }
    void setInputKeys(const QStringList& keys);
    void toggleInput(const QString& field);

    // Undoable (when the model has a stack).
    void appendExample(const Object& fields);
    void removeExampleRows(QList<int> rows);
    // The split DSPy's train_test_split would make; returns {train, dev} counts.
    Expected<std::pair<int, int>, QString> split(double trainFraction, quint64 seed);
    QStringList splitOf() const { return m_split; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

    // What the commands call.
    void applyCell(int row, const QString& field, const Value& value);
    void applyInsert(int row, const Example& e);
    void applyRemove(int row);

private:
    void addFields(const Example& e);
    QUndoStack* m_undo;
    QString m_path;
    QList<Example> m_rows;
    QStringList m_fields;
    QStringList m_inputs;
    QStringList m_split;
};

class DatasetView final : public QWidget
{
    Q_OBJECT
public:
    explicit DatasetView(QUndoStack* undo, QWidget* parent = nullptr);
    DatasetModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    Expected<void, QString> open(const QString& path);

public Q_SLOTS:
    // "Add to dataset": appends a row of the example's inputs and outputs (undoable).
    void addExample(const dspy::Object& inputs, const dspy::Object& outputs);
    void applySplit();

Q_SIGNALS:
    void inputKeysChanged(const QStringList& keys);

private:
    DatasetModel* m_model;
    QTableView* m_table;
    QDoubleSpinBox* m_trainFraction;
    QSpinBox* m_seed;
    QLabel* m_splitLabel;
};

// Shows a traced example's inputs and prediction with every value editable, so the label can be
// corrected before the row is added.
class AddToDatasetDialog final : public QDialog
{
    Q_OBJECT
public:
    AddToDatasetDialog(const Object& inputs, const Object& outputs, QWidget* parent = nullptr);
    Object inputs() const;
    Object outputs() const;
    QTableWidget* table() const { return m_table; }

private:
    Object read(bool inputs) const;
    QTableWidget* m_table;
};

} // namespace dspy::ui
