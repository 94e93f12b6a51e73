#include "lm/history.h"

#include <algorithm>
#include <limits>

#include <QDateTime>
#include <QMutexLocker>

#include <chrono>

namespace dspy {

Array HistoryEntry::outputsValue() const
{
    return outputsToValue(outputs);
}

Array outputsToValue(const QList<LMOutput>& outputs)
{
    const bool textOnly = std::all_of(outputs.cbegin(), outputs.cend(), [](const LMOutput& o) {
        return o.reasoningContent.isEmpty() && o.toolCalls.isNull();
    });
    Array out;
    out.reserve(outputs.size());
    for (const LMOutput& o : outputs) {
        if (textOnly) {
            out.append(Value(o.text));
            continue;
        }
        Object d{{QStringLiteral("text"), Value(o.text)}};
        if (!o.reasoningContent.isEmpty())
            d.insert(QStringLiteral("reasoning_content"), Value(o.reasoningContent));
        if (!o.toolCalls.isNull())
            d.insert(QStringLiteral("tool_calls"), o.toolCalls);
        out.append(Value(std::move(d)));
    }
    return out;
}

Object HistoryEntry::toObject() const
{
    Object usageObject;
    if (!cacheHit) {
        usageObject = Object{{QStringLiteral("prompt_tokens"), Value(usage.promptTokens)},
                             {QStringLiteral("completion_tokens"), Value(usage.completionTokens)},
                             {QStringLiteral("total_tokens"), Value(usage.totalTokens)}};
        if (usage.cachedTokens)
            usageObject.insert(QStringLiteral("cached_tokens"), Value(usage.cachedTokens));
    }
    return Object{{QStringLiteral("prompt"), prompt},
                  {QStringLiteral("messages"), Value(messagesToValue(messages))},
                  {QStringLiteral("kwargs"), Value(kwargs)},
                  {QStringLiteral("outputs"), Value(outputsValue())},
                  {QStringLiteral("usage"), Value(std::move(usageObject))},
                  {QStringLiteral("cost"), cost ? Value(*cost) : Value()},
                  {QStringLiteral("timestamp"), Value(timestamp)},
                  {QStringLiteral("uuid"), Value(uuid)},
                  {QStringLiteral("model"), Value(model)},
                  {QStringLiteral("response_model"), Value(responseModel)},
                  {QStringLiteral("model_type"), Value(modelType)},
                  {QStringLiteral("cache_hit"), Value(cacheHit)}};
}

QString isoTimestampNow()
{
    using namespace std::chrono;
    const qint64 us = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(us / 1000);
    QString s = local.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    if (const qint64 frac = us % 1000000; frac != 0)
        s += QLatin1Char('.') + QString::number(frac).rightJustified(6, QLatin1Char('0'));
    return s;
}

History::History(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(capacity, 0))
{}

History& History::global()
{
    static History history;
    return history;
}

void History::trim()
{
    while (qsizetype(m_entries.size()) > m_capacity)
        m_entries.pop_front();
}

void History::append(HistoryEntry entry)
{
    append(std::make_shared<const HistoryEntry>(std::move(entry)));
}

void History::append(std::shared_ptr<const HistoryEntry> entry)
{
    QMutexLocker lock(&m_mutex);
    if (m_capacity == 0 || !entry)
        return;
    m_entries.push_back(std::move(entry));
    trim();
}

QList<HistoryEntry> History::snapshot() const
{
    return last(std::numeric_limits<qsizetype>::max());
}

QList<HistoryEntry> History::last(qsizetype n) const
{
    QMutexLocker lock(&m_mutex);
    const qsizetype count = std::clamp<qsizetype>(n, 0, qsizetype(m_entries.size()));
    QList<HistoryEntry> out;
    out.reserve(count);
    for (auto it = m_entries.end() - count; it != m_entries.end(); ++it)
        out.append(**it);
    return out;
}

qsizetype History::size() const
{
    QMutexLocker lock(&m_mutex);
    return qsizetype(m_entries.size());
}

void History::clear()
{
    QMutexLocker lock(&m_mutex);
    m_entries.clear();
}

qsizetype History::capacity() const
{
    QMutexLocker lock(&m_mutex);
    return m_capacity;
}

void History::setCapacity(qsizetype capacity)
{
    QMutexLocker lock(&m_mutex);
    m_capacity = std::max<qsizetype>(capacity, 0);
    trim();
}

namespace {

// Python's str.strip() / lstrip() with no argument: Unicode whitespace.
QString pyStrip(const QString& s)
{
    return s.trimmed();
}

QString pyLstrip(const QString& s)
{
    qsizetype i = 0;
    while (i < s.size() && s.at(i).isSpace())
        ++i;
    return s.mid(i);
}

// str.capitalize(): first character upper case, the rest lower case.
QString pyCapitalize(const QString& s)
{
    if (s.isEmpty())
        return s;
    return s.left(1).toUpper() + s.mid(1).toLower();
}

struct Printer
{
    QString out;
    bool colors;

    // print(x): x then a newline.
    void print(const QString& x)
    {
        out += x;
        out += QLatin1Char('\n');
    }
    QString colored(const char* code, const QString& text,
                    const QString& end = QStringLiteral("\n"))
    {
        if (!colors)
            return text + end;
        return QLatin1String("\x1b[") + QLatin1String(code) + QLatin1Char('m') + text +
               QLatin1String("\x1b[0m") + end;
    }
    QString blue(const QString& t) { return colored("34", t); }
    QString red(const QString& t, const QString& end = QStringLiteral("\n"))
    {
        return colored("31", t, end);
    }
    QString green(const QString& t) { return colored("32", pyLstrip(t)); }
};

QString toolCallLine(const Value& call)
{
    // Chat completions' tool_calls: {"function": {"name": ..., "arguments": "<json>"}}.
    const Object& o = call.toObject();
    const Object& fn = o.value(u"function").toObject();
    const QString name =
        fn.contains(u"name") ? fn.value(u"name").toString() : o.value(u"name").toString();
    const Value& args = fn.contains(u"arguments") ? fn.value(u"arguments") : o.value(u"args");
    return name + QStringLiteral(": ") + (args.isString() ? args.toString() : args.toJson());
}

} // namespace

QString inspectHistory(const QList<HistoryEntry>& entries, qsizetype n, bool colors)
{
    Printer p{QString(), colors};
    const qsizetype start = n <= 0 ? 0 : std::max<qsizetype>(0, entries.size() - n);
    // history[-0:] is the whole list in Python.
    for (qsizetype i = start; i < entries.size(); ++i) {
        const HistoryEntry& item = entries.at(i);
        QList<ChatMessage> messages = item.messages;
        if (messages.isEmpty())
            messages.append(ChatMessage{QStringLiteral("user"), item.prompt.toString()});

        p.print(QStringLiteral("\n\n\n"));
        p.print(
            p.blue(QLatin1Char('[') +
                   (item.timestamp.isEmpty() ? QStringLiteral("Unknown time") : item.timestamp) +
                   QLatin1Char(']')));
        for (const ChatMessage& msg : messages) {
            p.print(p.red(pyCapitalize(msg.role) + QStringLiteral(" message:")));
            p.print(pyStrip(msg.content));
            p.print(QStringLiteral("\n"));
        }

        const Array outputs = item.outputsValue();
        if (!outputs.isEmpty() && outputs.first().isObject()) {
            const Object& first = outputs.first().toObject();
            const QString text = first.value(u"text").toString();
            if (!text.isEmpty()) {
                p.print(p.red(QStringLiteral("Response:")));
                p.print(p.green(pyStrip(text)));
            }
            if (first.value(u"tool_calls").truthy()) {
                p.print(p.red(QStringLiteral("Tool calls:")));
                for (const Value& call : first.value(u"tool_calls").toArray())
                    p.print(p.green(toolCallLine(call)));
            }
        } else if (!outputs.isEmpty()) {
            p.print(p.red(QStringLiteral("Response:")));
            p.print(p.green(pyStrip(outputs.first().toString())));
        }
        if (outputs.size() > 1) {
            p.print(p.red(QStringLiteral(" \t (and %1 other completions)").arg(outputs.size() - 1),
                          QString()));
        }
    }
    p.print(QStringLiteral("\n\n\n"));
    return p.out;
}

} // namespace dspy
