#pragma once

#include "lm/chatmessage.h"
#include "trace/tracestore.h"

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QThreadPool;
class QTreeView;

namespace dspy::ui {

class MessageView;
class TraceDiffView;
class TraceModel;
class TraceResendDialog;

// The trace inspector: a lazy tree of runs → examples → module calls → LM calls (TraceModel), a
// filter by kind, status, cache hit and model (on the loaded rows, and in the store for the whole
// run: the first 200 matching spans in the results list), full-text search over LM prompts and
// responses (TraceStore's FTS, on a worker thread, with the filters) listing each match with its
// path,
// and for the selected span its messages by role, the raw response, the parsed fields and the
// usage. For an LM call: Copy as JSON, Diff with… (a second LM call side by side) and Re-send…
// (edit the messages, send them on a worker thread, the answer recorded as a new span).
class TraceInspector final : public QWidget
{
    Q_OBJECT
public:
    explicit TraceInspector(QWidget* parent = nullptr);
    ~TraceInspector() override;

    void setStore(TraceStorePtr store);
    TraceModel* model() const { return m_model; }
    QSortFilterProxyModel* filterModel() const { return m_filter; }
    QTreeView* tree() const { return m_tree; }

    // Full-text search in `runId` (empty: the selected run, else the first); results arrive
    // with searchFinished(), each with its path (run › example › calls › span).
    void search(const QString& text, const QString& runId = {});
    const QList<Span>& searchResults() const { return m_results; }
    const QStringList& searchPaths() const { return m_paths; }

    void showSpan(const Span& span);
    const std::optional<Span>& shownSpan() const { return m_shown; }
    MessageView* messageView() const { return m_messages; }
    QString responseText() const;
    QString parsedText() const;
    QString usageText() const;

    // The shown span as JSON (also put on the clipboard); empty when none is shown.
    QString copyAsJson();
    static Value spanJson(const Span& span);
    // Side by side with the shown span (left). Opens the view (non-modal) and returns it.
    TraceDiffView* diffWith(const Span& other);
    // The LM calls loaded in the tree (and found by search), for the "Diff with…" picker.
    QList<Span> loadedLmCalls(int max = 2000) const;
    // Opens the re-send editor for the shown LM call (non-modal) and returns it.
    TraceResendDialog* openResend();
    // Sends `messages` as `original` was sent (its model, on a worker thread), records the answer
    // as a new LM span beside the original (same parent and example) and emits resent().
    void resend(const Span& original, const QList<ChatMessage>& messages);

    // Expands the first run down to its first LM call and selects it, as the pages arrive
    // (for screenshots and "show me a call"); emits revealed() when done or when there is none.
    void revealFirstLmCall();
    // Expands run `runId` down to its first span (in tree order) that `match` accepts and
    // selects it, as the pages arrive; revealed() tells whether there was one.
    void revealRunSpan(const QString& runId, std::function<bool(const Span&)> match);
    // Selects example `exampleIndex` of run `runId` (its row under the run); revealed() tells.
    void revealExample(const QString& runId, qint64 exampleIndex);

    static QList<ChatMessage> messagesOf(const Value& inputs);
    static QString responseOf(const Span& span);

Q_SIGNALS:
    void searchFinished(int count);
    void resent(const dspy::Span& span);
    void resendFailed(const QString& error);
    void revealed(bool found);

private:
    void applyFilter();
    // Loads the next page of the node at the bottom of the viewport when its last loaded rows
    // are in view, or of every expanded node while the viewport is not full.
    void fetchForViewport();
    QString currentRunId() const;
    void chooseDiff();
    enum class RevealStep { Select, Descend, Skip };
    // Walks the tree with `step` deciding per row; see revealStep().
    void reveal(std::function<RevealStep(const QModelIndex&)> step);
    void revealStep();

    TraceModel* m_model = nullptr;
    QSortFilterProxyModel* m_filter = nullptr;
    QTreeView* m_tree = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_kind = nullptr;
    QCheckBox* m_errorsOnly = nullptr;
    QCheckBox* m_cacheHits = nullptr;
    QLineEdit* m_modelFilter = nullptr;
    QListWidget* m_resultList = nullptr;
    MessageView* m_messages = nullptr;
    QPlainTextEdit* m_response = nullptr;
    QPlainTextEdit* m_parsed = nullptr;
    QPlainTextEdit* m_usage = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_diff = nullptr;
    QPushButton* m_resend = nullptr;
    QList<Span> m_results;
    QStringList m_paths;
    std::optional<Span> m_shown;
    quint64 m_searchGeneration = 0;
    std::function<RevealStep(const QModelIndex&)> m_reveal; // a reveal in progress
    QThreadPool* m_sendPool = nullptr; // re-sent calls (not the page queries' pool)
};

} // namespace dspy::ui
