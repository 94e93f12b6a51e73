#pragma once

#include "data/value.h"

#include <QList>
#include <QString>

namespace dspy {

// One chat message as adapters produce it and LMs receive it.
struct ChatMessage
{
    QString role; // "system", "user", "assistant" (or "tool")
    QString content;
    bool operator==(const ChatMessage&) const = default;
};

// [{"role": ..., "content": ...}, ...] with keys in that order (as DSPy's dicts are).
Array messagesToValue(const QList<ChatMessage>& messages);
// Prints like Python's json.dumps(messages, indent=style.indent, ensure_ascii=style.ensureAscii).
QString messagesToJson(const QList<ChatMessage>& messages, JsonStyle style = {});

} // namespace dspy
