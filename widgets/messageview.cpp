#include "messageview.h"

namespace dspy::ui {

MessageView::MessageView(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
}

void MessageView::setMessages(const QList<ChatMessage>& messages)
{
    m_messages = messages;
    QString text;
    for (const ChatMessage& m : messages) {
        if (!text.isEmpty())
            text += QStringLiteral("\n\n");
        QString role = m.role;
        if (!role.isEmpty())
            role[0] = role[0].toUpper();
        text += role + QStringLiteral(" message:\n\n") + m.content;
    }
    setPlainText(text);
}

} // namespace dspy::ui
