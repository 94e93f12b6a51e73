#pragma once

#include "evaluate/evaluate.h"
#include "graph/projectevaluation.h"
#include "lm/lmconfig.h"

#include <QHash>

#include <QWidget>

class QBarSet;
class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace dspy {
class RunManager;
}

namespace dspy::ui {

// Evaluates a bundled sample with the sample's signature (Predict) and metric, or a project's
// program over a project dataset and metric (addProgramSource), through a RunManager: progress
// while it runs, then a results table (inputs, prediction, gold, score, error) with pass/fail
// colours, sort and filter, a score histogram and CSV/JSON/PNG export. Nothing here waits: the
// run reports through the manager's signals.
class EvaluateView final : public QWidget
{
    Q_OBJECT
public:
    enum Column {
        IndexColumn,
        InputsColumn,
        PredictionColumn,
        GoldColumn,
        ScoreColumn,
        ErrorColumn,
        ColumnCount
    };
    static constexpr int kHistogramBins = 10;

    explicit EvaluateView(RunManager* manager, QWidget* parent = nullptr);

    void setSample(const QString& name);
    QString sample() const;
    void setLimit(int limit);
    // The model id the runs use ("lmsim/sim": the simulated LM).
    void setModel(const QString& model)
    {
        m_lm = LMConfig{};
        m_lm.model = model;
    }
    // The whole profile's settings (base URL, temperature, ...), not only the model.
    void setLM(const LMConfig& lm) { m_lm = lm; }
    // LM profiles by name that a program source's graph nodes may pick (settings "lm").
    void setNamedLMs(QHash<QString, LMConfig> lms) { m_namedLMs = std::move(lms); }
    const LMConfig& lm() const { return m_lm; }
    // Examples to evaluate instead of the sample's (empty: the sample's); the sample still
    // gives the signature and metric. For benchmarks with larger sets.
    void setExamples(QList<Example> examples) { m_examples = std::move(examples); }
    // A program to evaluate, listed (and selected) in the source box as `label` beside the
    // samples; the same label replaces it. `datasets` and `metrics` are the project's: while the
    // source is selected, two boxes offer them, and choosing another emits
    // programEvaluationRequested (the window loads it and adds it as a source).
    void addProgramSource(const QString& label, const QString& programName,
                          std::shared_ptr<Module> program, ProjectEvaluation evaluation,
                          const QStringList& datasets = {}, const QStringList& metrics = {});
    QComboBox* datasetBox() const { return m_datasetBox; }
    QComboBox* metricBox() const { return m_metricBox; }

    QString runId() const { return m_runId; }
    bool isRunning() const;
    const std::optional<EvaluationResult>& result() const { return m_result; }
    QStandardItemModel* resultsModel() const { return m_model_; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    // Example counts per score bin [i/10, (i+1)/10), the last bin closed.
    QList<int> histogram() const { return m_bins; }

    Expected<void, QString> exportCsv(const QString& path) const;
    Expected<void, QString> exportJson(const QString& path) const;
    // The score histogram as a PNG image (the chart as shown, at least 640×360).
    Expected<void, QString> exportChartPng(const QString& path) const;

public Q_SLOTS:
    void start();
    void stop();
    // A row of the results table (an index of proxyModel()) asks for its trace: emits
    // traceRequested with this run and the row's example. Double-click or Enter on a row does it.
    void openTrace(const QModelIndex& proxyIndex);

Q_SIGNALS:
    void finished(double score);
    void traceRequested(const QString& runId, qint64 exampleIndex);
    void programEvaluationRequested(const QString& program, const QString& dataset,
                                    const QString& metric);

private:
    void onProgress(const QString& runId, const EvaluationProgress& progress);
    void onFinished(const QString& runId, const EvaluationResult& result);
    void fillTable(const EvaluationResult& result);
    void exportTo(const QString& format);

    RunManager* m_manager;
    LMConfig m_lm = [] {
        LMConfig lm;
        lm.model = QStringLiteral("lmsim/sim");
        return lm;
    }();
    QList<Example> m_examples;
    QHash<QString, LMConfig> m_namedLMs;
    struct ProgramSource
    {
        QString name;
        std::shared_ptr<Module> program;
        ProjectEvaluation evaluation;
        QStringList datasets, metrics;
    };
    void showChoices(); // the dataset/metric boxes of the selected program source
    QHash<QString, ProgramSource> m_programSources; // by label
    QString m_goldField;                            // of the running or shown evaluation
    QString m_runId;
    std::optional<EvaluationResult> m_result;
    QList<int> m_bins;

    QComboBox* m_sample = nullptr;
    QComboBox* m_datasetBox = nullptr;
    QComboBox* m_metricBox = nullptr;
    bool m_showingChoices = false;
    QSpinBox* m_limit = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_export = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_score = nullptr;
    QLineEdit* m_filter = nullptr;
    QStandardItemModel* m_model_ = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    QString m_resultRunId; // the run the table shows
    QChart* m_chart = nullptr;
    QChartView* m_chartView = nullptr;
};

} // namespace dspy::ui
