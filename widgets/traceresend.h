#pragma once

#include "lm/chatmessage.h"
#include "trace/tracestore.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace dspy::ui {

// "Re-send…": the messages of an LM call in an editable table (role, content); Send asks the
// owner (sendRequested) to send them on a worker thread; the answer is shown next to the old
// response (showResult / showError).
class TraceResendDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit TraceResendDialog(const Span& original, QWidget* parent = nullptr);

    const Span& original() const { return m_original; }
    QList<ChatMessage> messages() const;
    void setMessages(const QList<ChatMessage>& messages);
    void showResult(const Span& sent);
    void showError(const QString& error);
    QString newResponseText() const;
    QPushButton* sendButton() const { return m_send; }

Q_SIGNALS:
    void sendRequested(const QList<ChatMessage>& messages);

private:
    Span m_original;
    QTableWidget* m_table = nullptr;
    QPlainTextEdit* m_old = nullptr;
    QPlainTextEdit* m_new = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_send = nullptr;
};

} // namespace dspy::ui
