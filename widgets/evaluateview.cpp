#include "evaluateview.h"

#include "datasets/samples.h"
#include "evaluate/metrics.h"
#include "graph/graphprogram.h"
#include "modules/predict.h"
#include "runtime/runmanager.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QValueAxis>

#include <cmath>

namespace dspy::ui {

namespace {

QString cellText(const Value& v)
{
    return v.isString() ? v.toString() : v.toJson();
}

QString renderObject(const Example& e)
{
    QStringList parts;
    for (const QString& k : e.keys())
        parts << k + QStringLiteral(": ") + cellText(e.get(k));
    return parts.join(QStringLiteral("; "));
}

} // namespace

EvaluateView::EvaluateView(RunManager* manager, QWidget* parent)
    : QWidget(parent)
    , m_manager(manager)
    , m_bins(kHistogramBins, 0)
{
    m_sample = new QComboBox(this);
    m_sample->setObjectName(QStringLiteral("sample"));
    m_sample->addItems(samples::names());
    m_limit = new QSpinBox(this);
    m_limit->setRange(1, 100000);
    m_limit->setValue(50);
    m_limit->setPrefix(tr("first "));
    m_limit->setSuffix(tr(" examples"));
    m_run = new QPushButton(tr("Evaluate"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setEnabled(false);
    m_export = new QPushButton(tr("Export"), this);
    m_export->setEnabled(false);
    auto* exportMenu = new QMenu(m_export);
    exportMenu->addAction(tr("CSV…"), this, [this] { exportTo(QStringLiteral("csv")); });
    exportMenu->addAction(tr("JSON…"), this, [this] { exportTo(QStringLiteral("json")); });
    exportMenu->addAction(tr("Chart as PNG…"), this, [this] { exportTo(QStringLiteral("png")); });
    m_export->setMenu(exportMenu);
    m_progress = new QProgressBar(this);
    m_score = new QLabel(this);
    m_score->setObjectName(QStringLiteral("score"));
    m_score->setMinimumWidth(
        m_score->fontMetrics().horizontalAdvance(QStringLiteral("0000 / 0000, score 100.0%")));
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter results"));
    m_filter->setClearButtonEnabled(true);

    m_model_ = new QStandardItemModel(0, ColumnCount, this);
    m_model_->setHorizontalHeaderLabels(
        {tr("#"), tr("Inputs"), tr("Prediction"), tr("Gold"), tr("Score"), tr("Error")});
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model_);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(Qt::UserRole);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(IndexColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setToolTip(tr("Double-click a row to open its trace"));
    connect(m_table, &QTableView::activated, this, &EvaluateView::openTrace);

    m_chart = new QChart;
    m_chart->setTitle(tr("Score histogram"));
    m_chart->legend()->hide();
    m_chartView = new QChartView(m_chart, this);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(160);

    m_datasetBox = new QComboBox(this);
    m_datasetBox->setObjectName(QStringLiteral("dataset"));
    m_datasetBox->setToolTip(tr("The project dataset to evaluate the program on"));
    m_metricBox = new QComboBox(this);
    m_metricBox->setObjectName(QStringLiteral("metric"));
    m_metricBox->setToolTip(tr("The project metric that scores it"));
    m_datasetBox->hide();
    m_metricBox->hide();
    const auto choose = [this] {
        const auto it = m_programSources.constFind(sample());
        if (m_showingChoices || it == m_programSources.cend())
            return;
        Q_EMIT programEvaluationRequested(it->name, m_datasetBox->currentText(),
                                          m_metricBox->currentText());
    };
    connect(m_datasetBox, &QComboBox::activated, this, choose);
    connect(m_metricBox, &QComboBox::activated, this, choose);
    connect(m_sample, &QComboBox::currentTextChanged, this, [this] { showChoices(); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Sample"), this));
    bar->addWidget(m_sample);
    bar->addWidget(m_datasetBox);
    bar->addWidget(m_metricBox);
    bar->addWidget(m_limit);
    bar->addWidget(m_run);
    bar->addWidget(m_stop);
    bar->addWidget(m_progress, 1);
    bar->addWidget(m_score);
    bar->addWidget(m_export);

    auto* split = new QSplitter(Qt::Vertical, this);
    auto* top = new QWidget(split);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_filter);
    topLayout->addWidget(m_table);
    split->addWidget(top);
    split->addWidget(m_chartView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_run, &QPushButton::clicked, this, &EvaluateView::start);
    connect(m_stop, &QPushButton::clicked, this, &EvaluateView::stop);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_manager, &RunManager::progressChanged, this, &EvaluateView::onProgress);
    connect(m_manager, &RunManager::evaluationFinished, this, &EvaluateView::onFinished);
}

void EvaluateView::setSample(const QString& name)
{
    m_sample->setCurrentText(name);
}

QString EvaluateView::sample() const
{
    return m_sample->currentText();
}

void EvaluateView::setLimit(int limit)
{
    m_limit->setValue(limit);
}

bool EvaluateView::isRunning() const
{
    return !m_runId.isEmpty() && m_manager->isRunning(m_runId);
}

void EvaluateView::addProgramSource(const QString& label, const QString& programName,
                                    std::shared_ptr<Module> program, ProjectEvaluation evaluation,
                                    const QStringList& datasets, const QStringList& metrics)
{
    m_programSources.insert(label, ProgramSource{programName, std::move(program),
                                                 std::move(evaluation), datasets, metrics});
    if (m_sample->findText(label) < 0)
        m_sample->insertItem(0, label);
    m_sample->setCurrentText(label);
    showChoices();
}

void EvaluateView::showChoices()
{
    const auto it = m_programSources.constFind(sample());
    const bool program = it != m_programSources.cend();
    m_datasetBox->setVisible(program);
    m_metricBox->setVisible(program);
    if (!program)
        return;
    m_showingChoices = true;
    m_datasetBox->clear();
    m_datasetBox->addItems(it->datasets);
    m_datasetBox->setCurrentText(it->evaluation.datasetName);
    m_metricBox->clear();
    m_metricBox->addItems(it->metrics);
    if (m_metricBox->findText(it->evaluation.metricName) < 0) // the default exact_match
        m_metricBox->insertItem(0, it->evaluation.metricName);
    m_metricBox->setCurrentText(it->evaluation.metricName);
    m_showingChoices = false;
}

void EvaluateView::start()
{
    if (isRunning())
        return;
    RunRequest request;
    request.lm = m_lm;
    Metric metric;
    QList<Example> devset;
    if (auto it = m_programSources.constFind(sample()); it != m_programSources.cend()) {
        request.name = tr("Evaluate %1").arg(sample());
        request.program = it->program;
        if (const auto* graph = dynamic_cast<const GraphProgram*>(it->program.get())) {
            for (const QString& profile : graph->lmProfiles()) {
                if (m_namedLMs.contains(profile))
                    request.namedLMs.insert(profile, m_namedLMs.value(profile));
            }
        }
        metric = it->evaluation.metric;
        devset = it->evaluation.devset;
        m_goldField = it->evaluation.goldField;
    } else {
        const auto info = samples::info(sample());
        auto examples = samples::load(sample());
        if (!info || !examples) {
            m_score->setText(tr("Cannot load the sample %1").arg(sample()));
            return;
        }
        request.name = tr("Evaluate %1").arg(info->name);
        request.program = std::make_shared<Predict>(*samples::signature(info->name));
        metric = *builtinMetric(QStringLiteral("exact_match"), info->metricField);
        devset = m_examples.isEmpty() ? *examples : m_examples;
        m_goldField = info->metricField;
    }
    m_result.reset();
    m_model_->removeRows(0, m_model_->rowCount());
    m_progress->setRange(0, 0);
    m_score->clear();
    m_run->setEnabled(false);
    m_stop->setEnabled(true);
    m_export->setEnabled(false);
    m_runId = m_manager->evaluate(request, devset.mid(0, m_limit->value()), metric);
}

void EvaluateView::stop()
{
    if (!m_runId.isEmpty())
        m_manager->cancel(m_runId);
}

void EvaluateView::onProgress(const QString& runId, const EvaluationProgress& progress)
{
    if (runId != m_runId)
        return;
    m_progress->setRange(0, int(progress.total));
    m_progress->setValue(int(progress.done));
    m_score->setText(tr("%1 / %2, score %3%")
                         .arg(progress.done)
                         .arg(progress.total)
                         .arg(progress.runningScore, 0, 'f', 1));
}

void EvaluateView::onFinished(const QString& runId, const EvaluationResult& result)
{
    if (runId != m_runId)
        return;
    m_result = result;
    m_resultRunId = runId;
    fillTable(result);
    m_progress->setRange(0, int(result.total));
    m_progress->setValue(int(result.completed + result.errors));
    m_score->setText(result.aborted ? tr("Stopped: score %1%").arg(result.score)
                                    : tr("Score %1%").arg(result.score));
    m_run->setEnabled(true);
    m_stop->setEnabled(false);
    m_export->setEnabled(true);
    Q_EMIT finished(result.score);
}

void EvaluateView::openTrace(const QModelIndex& proxyIndex)
{
    if (!proxyIndex.isValid() || m_resultRunId.isEmpty())
        return;
    const QModelIndex source = m_proxy->mapToSource(proxyIndex);
    const QStandardItem* item = m_model_->item(source.row(), IndexColumn);
    if (!item)
        return;
    Q_EMIT traceRequested(m_resultRunId, item->data(Qt::UserRole).toLongLong());
}

void EvaluateView::fillTable(const EvaluationResult& result)
{
    const QString field = m_goldField;
    const QColor pass(QColor(0x2e, 0x7d, 0x32));
    const QColor fail(QColor(0xc6, 0x28, 0x28));
    m_bins = QList<int>(kHistogramBins, 0);
    // Filled detached from the sorting proxy: attached, every setItem() re-sorts the proxy
    // (5,000 rows took 42 s of GUI thread); detached, the proxy sorts once when re-attached.
    m_proxy->setSourceModel(nullptr);
    m_model_->setRowCount(int(result.results.size()));
    for (int r = 0; r < result.results.size(); ++r) {
        const EvaluationRow& row = result.results[r];
        const bool ok = row.status == EvaluationRow::Status::Ok;
        const bool passed = ok && row.score >= 1.0;
        const QStringList texts{QString::number(row.index + 1),
                                renderObject(row.example.inputs()),
                                ok ? cellText(row.prediction.get(field)) : QString(),
                                cellText(row.example.get(field)),
                                QString::number(row.score, 'g', 3),
                                row.error};
        const QList<QVariant> sortKeys{
            qlonglong(row.index), texts[1], texts[2], texts[3], row.score, row.error};
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = new QStandardItem(texts[c]);
            item->setData(sortKeys[c], Qt::UserRole);
            item->setEditable(false);
            item->setToolTip(texts[c]);
            if (c == ScoreColumn || c == IndexColumn) {
                QColor tint = passed ? pass : fail;
                tint.setAlpha(60);
                item->setBackground(tint);
            }
            m_model_->setItem(r, c, item);
        }
        if (row.status != EvaluationRow::Status::NotStarted) {
            const int bin =
                std::clamp(int(std::floor(row.score * kHistogramBins)), 0, kHistogramBins - 1);
            ++m_bins[bin];
        }
    }
    m_proxy->setSourceModel(m_model_);
    m_table->sortByColumn(m_table->horizontalHeader()->sortIndicatorSection(),
                          m_table->horizontalHeader()->sortIndicatorOrder());

    m_chart->removeAllSeries();
    for (QAbstractAxis* axis : m_chart->axes())
        m_chart->removeAxis(axis);
    auto* set = new QBarSet(tr("Examples"));
    QStringList categories;
    int maxCount = 1;
    for (int i = 0; i < kHistogramBins; ++i) {
        *set << m_bins[i];
        maxCount = std::max(maxCount, m_bins[i]);
        categories << QString::number(double(i) / kHistogramBins, 'f', 1);
    }
    auto* series = new QBarSeries;
    series->append(set);
    m_chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(tr("Score"));
    auto* y = new QValueAxis;
    y->setRange(0, maxCount);
    y->setLabelFormat(QStringLiteral("%d"));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

Expected<void, QString> EvaluateView::exportCsv(const QString& path) const
{
    if (!m_result)
        return unexpected(tr("Nothing evaluated yet"));
    return m_result->saveResultsCsv(path);
}

Expected<void, QString> EvaluateView::exportJson(const QString& path) const
{
    if (!m_result)
        return unexpected(tr("Nothing evaluated yet"));
    return m_result->saveResultsJson(path);
}

Expected<void, QString> EvaluateView::exportChartPng(const QString& path) const
{
    // Rendered offscreen at a size that reads well in a document, whatever the view's size.
    const QSize size = m_chartView->size().expandedTo(QSize(640, 360));
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(palette().color(QPalette::Base));
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        m_chartView->scene()->render(&painter, QRectF(QPointF(0, 0), size),
                                     m_chartView->sceneRect());
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit())
        return unexpected(tr("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

void EvaluateView::exportTo(const QString& format)
{
    const bool csv = format == QLatin1String("csv");
    const bool png = format == QLatin1String("png");
    const QString path =
        QFileDialog::getSaveFileName(this, png ? tr("Export chart") : tr("Export results"), {},
                                     png   ? tr("PNG images (*.png)")
                                     : csv ? tr("CSV files (*.csv)")
                                           : tr("JSON files (*.json)"));
    if (path.isEmpty())
        return;
    const auto saved = png ? exportChartPng(path) : csv ? exportCsv(path) : exportJson(path);
    if (!saved)
        QMessageBox::warning(this, tr("Export failed"), saved.error());
}

} // namespace dspy::ui
