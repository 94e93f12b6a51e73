#include "lm/sse.h"

namespace dspy {

void SseParser::feed(QByteArrayView chunk)
{
    qsizetype start = 0;
    const qsizetype n = chunk.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = chunk[i];
        if (c != '\n' && c != '\r')
            continue;
        // The LF of a CRLF split across two chunks (or within one) ends nothing new.
        if (c == '\n' && m_lastWasCR && i == start) {
            m_lastWasCR = false;
            start = i + 1;
            continue;
        }
        if (m_partial.isEmpty()) {
            processLine(chunk.sliced(start, i - start));
        } else {
            m_partial.append(chunk.sliced(start, i - start));
            processLine(m_partial);
            m_partial.clear();
        }
        m_lastWasCR = (c == '\r');
        start = i + 1;
    }
    if (start < n) {
        m_partial.append(chunk.sliced(start));
        m_lastWasCR = false;
    }
}

void SseParser::finish()
{
    if (!m_partial.isEmpty()) {
        processLine(m_partial);
        m_partial.clear();
    }
}

void SseParser::reset()
{
    m_partial.clear();
    m_current = {};
    m_hasData = false;
    m_lastWasCR = false;
}

void SseParser::processLine(QByteArrayView line)
{
    if (line.isEmpty()) {
        if (m_hasData) {
            if (m_current.data.endsWith('\n'))
                m_current.data.chop(1);
            m_handler(m_current);
        }
        m_current.event.clear();
        m_current.data.clear();
        m_hasData = false;
        return;
    }
    if (line.front() == ':')
        return; // comment / keep-alive
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value;
    if (colon >= 0) {
        value = line.sliced(colon + 1);
        if (!value.isEmpty() && value.front() == ' ')
            value = value.sliced(1);
    }
    if (field == "data") {
        m_current.data.append(value);
        m_current.data.append('\n');
        m_hasData = true;
    } else if (field == "event") {
        m_current.event = value.toByteArray();
    } else if (field == "id") {
        m_current.id = value.toByteArray();
    }
}

} // namespace dspy
