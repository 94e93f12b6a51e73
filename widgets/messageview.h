#pragma once

#include "lm/chatmessage.h"

#include <QPlainTextEdit>

namespace dspy::ui {

// Read-only view of a chat message list, one block per message with its role as a heading.
// The trace inspector and the signature editor's live preview build on it.
class MessageView final : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit MessageView(QWidget* parent = nullptr);
    void setMessages(const QList<ChatMessage>& messages);
    const QList<ChatMessage>& messages() const { return m_messages; }

private:
    QList<ChatMessage> m_messages;
};

} // namespace dspy::ui
