#pragma once

// SseParser — an incremental text/event-stream decoder (the WHATWG rules: LF, CRLF or CR line
// ends, multi-line data joined by "\n", comments ignored, an event dispatched at a blank line).
// Chunks arrive split anywhere, even inside a CRLF pair; feed() keeps the partial line.

#include <QByteArray>
#include <QByteArrayView>

#include <functional>

namespace dspy {

struct SseEvent
{
    QByteArray event; // empty means "message"
    QByteArray data;
    QByteArray id;
};

class SseParser
{
public:
    using Handler = std::function<void(const SseEvent&)>;
    explicit SseParser(Handler handler)
        : m_handler(std::move(handler))
    {}

    void feed(QByteArrayView chunk);
    // Ends the stream: an unterminated last line is processed (a blank line is not implied, so a
    // half-sent event is dropped, as the spec says).
    void finish();
    void reset();

private:
    void processLine(QByteArrayView line);

    Handler m_handler;
    QByteArray m_partial;
    SseEvent m_current;
    bool m_hasData = false;
    bool m_lastWasCR = false;
};

} // namespace dspy
