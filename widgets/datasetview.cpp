#include "datasetview.h"

#include "datasets/dataset.h"

#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <limits>

namespace dspy::ui {

namespace {

QString cellText(const Value& v)
{
    return v.isString() ? v.toString() : v.isNull() ? QString() : v.toJson();
}

// An edited cell keeps a string a string; other values are read as JSON when they parse.
Value parseCell(const QString& text, const Value& before)
{
    if (before.isString())
        return Value(text);
    if (text.isEmpty())
        return Value();
    if (auto v = Value::fromJson(text))
        return *v;
    return Value(text);
}

class CellCommand final : public QUndoCommand
{
public:
    CellCommand(DatasetModel* m, int row, QString field, Value before, Value after)
        : QUndoCommand(QObject::tr("Edit %1 of row %2").arg(field).arg(row + 1))
        , m_model(m)
        , m_row(row)
        , m_field(std::move(field))
        , m_before(std::move(before))
        , m_after(std::move(after))
    {}
    void redo() override { m_model->applyCell(m_row, m_field, m_after); }
    void undo() override { m_model->applyCell(m_row, m_field, m_before); }

private:
    DatasetModel* m_model;
    int m_row;
    QString m_field;
    Value m_before, m_after;
};

class InsertCommand final : public QUndoCommand
{
public:
    InsertCommand(DatasetModel* m, int row, Example e, bool remove)
        : QUndoCommand(remove ? QObject::tr("Delete row %1").arg(row + 1)
                              : QObject::tr("Add row %1").arg(row + 1))
        , m_model(m)
        , m_row(row)
        , m_example(std::move(e))
        , m_remove(remove)
    {}
    void redo() override
    {
        m_remove ? m_model->applyRemove(m_row) : m_model->applyInsert(m_row, m_example);
    }
    void undo() override
    {
        m_remove ? m_model->applyInsert(m_row, m_example) : m_model->applyRemove(m_row);
    }

private:
    DatasetModel* m_model;
    int m_row;
    Example m_example;
    bool m_remove;
};

void push(QUndoStack* stack, QUndoCommand* c)
{
    if (stack) {
        stack->push(c);
    } else {
        c->redo();
        delete c;
    }
}

} // namespace

DatasetModel::DatasetModel(QUndoStack* undo, QObject* parent)
    : QAbstractTableModel(parent)
    , m_undo(undo)
{}

Expected<void, QString> DatasetModel::load(const QString& path)
{
    const bool csv = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive);
    auto rows = csv ? loadCsv(path) : loadJsonl(path);
    if (!rows)
        return unexpected(rows.error().message);
    beginResetModel();
    m_path = path;
    m_rows = std::move(rows.value());
    m_fields.clear();
    for (const Example& e : std::as_const(m_rows))
        addFields(e);
    m_split = QStringList(m_rows.size(), QString());
    endResetModel();
    return {};
}

Expected<void, QString> DatasetModel::save(const QString& path)
{
    const QString target = path.isEmpty() ? m_path : path;
    if (target.isEmpty())
        return unexpected(tr("The dataset has no file."));
    const bool csv = target.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive);
    auto ok = csv ? saveCsv(target, m_rows) : saveJsonl(target, m_rows);
    if (!ok)
        return unexpected(ok.error().message);
    m_path = target;
    return {};
}

void DatasetModel::addFields(const Example& e)
{
    for (const QString& k : e.keys()) {
        if (!m_fields.contains(k))
            m_fields.append(k);
    }
}

void DatasetModel::setInputKeys(const QStringList& keys)
{
    m_inputs = keys;
    if (!m_fields.isEmpty())
        Q_EMIT headerDataChanged(Qt::Horizontal, 1, int(m_fields.size()));
}

void DatasetModel::toggleInput(const QString& field)
{
    QStringList keys = m_inputs;
    if (keys.contains(field))
        keys.removeAll(field);
    else
        keys.append(field);
    // In the fields' order.
    std::sort(keys.begin(), keys.end(), [this](const QString& a, const QString& b) {
        return m_fields.indexOf(a) < m_fields.indexOf(b);
    });
    setInputKeys(keys);
}

void DatasetModel::appendExample(const Object& fields)
{
    push(m_undo, new InsertCommand(this, int(m_rows.size()), Example(fields), false));
}

void DatasetModel::removeExampleRows(QList<int> rows)
{
    std::sort(rows.begin(), rows.end(), std::greater<>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    if (rows.isEmpty())
        return;
    if (m_undo && rows.size() > 1)
        m_undo->beginMacro(tr("Delete %n row(s)", nullptr, int(rows.size())));
    for (int r : std::as_const(rows)) {
        if (r >= 0 && r < m_rows.size())
            push(m_undo, new InsertCommand(this, r, m_rows.at(r), true));
    }
    if (m_undo && rows.size() > 1)
        m_undo->endMacro();
}

Expected<std::pair<int, int>, QString> DatasetModel::split(double trainFraction, quint64 seed)
{
    // Tag rows so the shuffled copies map back to them.
    QList<Example> tagged;
    tagged.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        tagged.append(m_rows.at(i).copyWith(Object{{QStringLiteral("dspy_row"), Value(i)}}));
    auto parts = trainTestSplit(tagged, SplitSize(trainFraction), std::nullopt, seed);
    if (!parts)
        return unexpected(parts.error().message);
    m_split = QStringList(m_rows.size(), QString());
    for (const Example& e : parts->train)
        m_split[int(e.get(u"dspy_row").toInt())] = QStringLiteral("train");
    for (const Example& e : parts->test)
        m_split[int(e.get(u"dspy_row").toInt())] = QStringLiteral("dev");
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, 0));
    return std::pair<int, int>{int(parts->train.size()), int(parts->test.size())};
}

int DatasetModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DatasetModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_fields.size()) + 1;
}

QVariant DatasetModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    if (index.column() == 0)
        return role == Qt::DisplayRole ? QVariant(m_split.value(index.row())) : QVariant();
    const QString field = m_fields.value(index.column() - 1);
    if (role == Qt::DisplayRole || role == Qt::EditRole)
        return cellText(m_rows.at(index.row()).get(field));
    return {};
}

QVariant DatasetModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, o, role);
    if (section == 0)
        return role == Qt::DisplayRole ? QVariant(tr("split")) : QVariant();
    const QString field = m_fields.value(section - 1);
    const bool input = m_inputs.contains(field);
    switch (role) {
    case Qt::DisplayRole:
        return input ? tr("%1 (input)").arg(field) : tr("%1 (label)").arg(field);
    case Qt::FontRole: {
        QFont f;
        f.setBold(input);
        return f;
    }
    case Qt::ToolTipRole:
        return input ? tr("An input field: the program receives it.")
                     : tr("A label: the metric compares the prediction with it.");
    case Qt::UserRole:
        return field;
    default:
        return {};
    }
}

Qt::ItemFlags DatasetModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() > 0)
        f |= Qt::ItemIsEditable;
    return f;
}

bool DatasetModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || index.column() == 0)
        return false;
    const QString field = m_fields.value(index.column() - 1);
    const Value before = m_rows.at(index.row()).get(field);
    const Value after = parseCell(value.toString(), before);
    if (after == before)
        return false;
    push(m_undo, new CellCommand(this, index.row(), field, before, after));
    return true;
}

void DatasetModel::applyCell(int row, const QString& field, const Value& value)
{
    if (row < 0 || row >= m_rows.size())
        return;
    m_rows[row].set(field, value);
    const int col = int(m_fields.indexOf(field)) + 1;
    Q_EMIT dataChanged(index(row, col), index(row, col));
}

void DatasetModel::applyInsert(int row, const Example& e)
{
    const qsizetype before = m_fields.size();
    QStringList fields = m_fields;
    for (const QString& k : e.keys()) {
        if (!fields.contains(k))
            fields.append(k);
    }
    if (fields.size() > before) {
        beginInsertColumns({}, int(before) + 1, int(fields.size()));
        m_fields = fields;
        endInsertColumns();
    }
    beginInsertRows({}, row, row);
    m_rows.insert(row, e);
    m_split.insert(row, QString());
    endInsertRows();
}

void DatasetModel::applyRemove(int row)
{
    if (row < 0 || row >= m_rows.size())
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    m_split.removeAt(row);
    endRemoveRows();
}

DatasetView::DatasetView(QUndoStack* undo, QWidget* parent)
    : QWidget(parent)
    , m_model(new DatasetModel(undo, this))
    , m_table(new QTableView(this))
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table->horizontalHeader(), &QWidget::customContextMenuRequested, this,
            [this](const QPoint& pos) {
                const int section = m_table->horizontalHeader()->logicalIndexAt(pos);
                const QString field =
                    m_model->headerData(section, Qt::Horizontal, Qt::UserRole).toString();
                if (field.isEmpty())
                    return;
                QMenu menu(this);
                QAction* toggle = menu.addAction(m_model->inputKeys().contains(field)
                                                     ? tr("Mark %1 as a label").arg(field)
                                                     : tr("Mark %1 as an input").arg(field));
                if (menu.exec(m_table->horizontalHeader()->mapToGlobal(pos)) == toggle) {
                    m_model->toggleInput(field);
                    Q_EMIT inputKeysChanged(m_model->inputKeys());
                }
            });

    auto* add = new QPushButton(tr("Add row"), this);
    auto* remove = new QPushButton(tr("Delete rows"), this);
    auto* save = new QPushButton(tr("Save"), this);
    m_trainFraction = new QDoubleSpinBox(this);
    m_trainFraction->setRange(0.01, 0.99);
    m_trainFraction->setSingleStep(0.05);
    m_trainFraction->setValue(0.75); // DSPy's train_test_split default
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(0);
    auto* splitButton = new QPushButton(tr("Split"), this);
    m_splitLabel = new QLabel(this);
    connect(add, &QPushButton::clicked, this, [this] { m_model->appendExample({}); });
    connect(remove, &QPushButton::clicked, this, [this] {
        QList<int> rows;
        for (const QModelIndex& i : m_table->selectionModel()->selectedRows())
            rows.append(i.row());
        m_model->removeExampleRows(rows);
    });
    connect(save, &QPushButton::clicked, this, [this] {
        if (auto ok = m_model->save(); !ok)
            m_splitLabel->setText(tr("Cannot save: %1").arg(ok.error()));
        else
            m_splitLabel->setText(tr("Saved %1").arg(QFileInfo(m_model->path()).fileName()));
    });
    connect(splitButton, &QPushButton::clicked, this, &DatasetView::applySplit);

    auto* bar = new QHBoxLayout;
    bar->addWidget(add);
    bar->addWidget(remove);
    bar->addWidget(save);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Train fraction"), this));
    bar->addWidget(m_trainFraction);
    bar->addWidget(new QLabel(tr("Seed"), this));
    bar->addWidget(m_seed);
    bar->addWidget(splitButton);
    bar->addWidget(m_splitLabel, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
}

Expected<void, QString> DatasetView::open(const QString& path)
{
    return m_model->load(path);
}

void DatasetView::addExample(const Object& inputs, const Object& outputs)
{
    Object row = inputs;
    for (const auto& [k, v] : outputs)
        row.insert(k, v);
    m_model->appendExample(row);
    m_table->scrollToBottom();
}

void DatasetView::applySplit()
{
    auto counts = m_model->split(m_trainFraction->value(), quint64(m_seed->value()));
    if (!counts)
        m_splitLabel->setText(tr("Cannot split: %1").arg(counts.error()));
    else
        m_splitLabel->setText(tr("train %1, dev %2").arg(counts->first).arg(counts->second));
}

AddToDatasetDialog::AddToDatasetDialog(const Object& inputs, const Object& outputs, QWidget* parent)
    : QDialog(parent)
    , m_table(new QTableWidget(0, 3, this))
{
    setWindowTitle(tr("Add to dataset"));
    m_table->setHorizontalHeaderLabels({tr("Field"), tr("Kind"), tr("Value")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto addRows = [this](const Object& o, bool input) {
        for (const auto& [k, v] : o) {
            if (k == u"reasoning" && !input)
                continue; // ChainOfThought's rationale is not a label
            const int r = m_table->rowCount();
            m_table->insertRow(r);
            auto* name = new QTableWidgetItem(k);
            name->setFlags(name->flags() & ~Qt::ItemIsEditable);
            name->setData(Qt::UserRole, input);
            auto* kind = new QTableWidgetItem(input ? tr("input") : tr("label"));
            kind->setFlags(kind->flags() & ~Qt::ItemIsEditable);
            auto* value = new QTableWidgetItem(cellText(v));
            value->setData(Qt::UserRole, QVariant::fromValue(v.toJson()));
            m_table->setItem(r, 0, name);
            m_table->setItem(r, 1, kind);
            m_table->setItem(r, 2, value);
        }
    };
    addRows(inputs, true);
    addRows(outputs, false);
    auto* ok = new QPushButton(tr("Add"), this);
    auto* cancel = new QPushButton(tr("Cancel"), this);
    connect(ok, &QPushButton::clicked, this, &QDialog::accept);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(cancel);
    buttons->addWidget(ok);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Correct the label before adding the example."), this));
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
}

Object AddToDatasetDialog::read(bool inputs) const
{
    Object out;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        if (m_table->item(r, 0)->data(Qt::UserRole).toBool() != inputs)
            continue;
        const auto before = Value::fromJson(m_table->item(r, 2)->data(Qt::UserRole).toString());
        out.insert(m_table->item(r, 0)->text(),
                   parseCell(m_table->item(r, 2)->text(), before ? *before : Value()));
    }
    return out;
}

Object AddToDatasetDialog::inputs() const
{
    return read(true);
}

Object AddToDatasetDialog::outputs() const
{
    return read(false);
}

} // namespace dspy::ui
