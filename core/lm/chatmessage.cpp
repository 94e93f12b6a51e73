#include "lm/chatmessage.h"

namespace dspy {

Array messagesToValue(const QList<ChatMessage>& messages)
{
    Array out;
    out.reserve(messages.size());
    for (const ChatMessage& m : messages) {
        out.append(Object{{QStringLiteral("role"), Value(m.role)},
                          {QStringLiteral("content"), Value(m.content)}});
    }
    return out;
}

QString messagesToJson(const QList<ChatMessage>& messages, JsonStyle style)
{
    return Value(messagesToValue(messages)).toJson(style);
}

} // namespace dspy
