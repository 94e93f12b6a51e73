#pragma once

#include "trace/tracestore.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace dspy::ui {

class MessageView;
class TraceModel;

// The trace inspector: a lazy tree of runs and their spans (TraceModel), a filter by kind and
// status, full-text search over LM prompts and responses (TraceStore's FTS, on a worker
// thread), and for the selected span its messages by role, the raw response and the parsed
// fields.
class TraceInspector final : public QWidget
{
    Q_OBJECT
public:
    explicit TraceInspector(QWidget* parent = nullptr);

    void setStore(TraceStorePtr store);
    TraceModel* model() const { return m_model; }
    QSortFilterProxyModel* filterModel() const { return m_filter; }
    QTreeView* tree() const { return m_tree; }

    // Full-text search in `runId` (empty: the selected run, else the first); results arrive
    // with searchFinished().
    void search(const QString& text, const QString& runId = {});
    const QList<Span>& searchResults() const { return m_results; }

    void showSpan(const Span& span);
    const std::optional<Span>& shownSpan() const { return m_shown; }
    MessageView* messageView() const { return m_messages; }
    QString responseText() const;
    QString parsedText() const;

Q_SIGNALS:
    void searchFinished(int count);

private:
    void applyFilter();
    // Loads the next page of the run at the bottom of the viewport when its last loaded rows
    // are in view, or of every expanded run while the viewport is not full.
    void fetchForViewport();
    QString currentRunId() const;

    TraceModel* m_model = nullptr;
    QSortFilterProxyModel* m_filter = nullptr;
    QTreeView* m_tree = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_kind = nullptr;
    QCheckBox* m_errorsOnly = nullptr;
    QListWidget* m_resultList = nullptr;
    MessageView* m_messages = nullptr;
    QPlainTextEdit* m_response = nullptr;
    QPlainTextEdit* m_parsed = nullptr;
    QList<Span> m_results;
    std::optional<Span> m_shown;
    quint64 m_searchGeneration = 0;
};

} // namespace dspy::ui
