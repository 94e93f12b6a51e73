#include "lm/scriptedlm.h"

#include <QMutexLocker>
#include <QPromise>

namespace dspy {

namespace {

const QString kNoMoreResponses = QStringLiteral("No more responses");

// DSPy's field_header_pattern applied with re.match: a "[[ ## name ## ]]" marker at the very start.
QString leadingHeader(const QString& content)
{
    static const QLatin1String open("[[ ## ");
    static const QLatin1String close(" ## ]]");
    if (!content.startsWith(open))
        return {};
    qsizetype i = open.size();
    while (i < content.size() && (content.at(i).isLetterOrNumber() || content.at(i) == u'_'))
        ++i;
    if (i == open.size() || !QStringView(content).mid(i).startsWith(close))
        return {};
    return content.left(i + close.size());
}

// DummyLM._use_example: the assistant turn of the demo whose input block matches the final input.
QString followExample(const QList<ChatMessage>& messages)
{
    if (messages.isEmpty())
        return {};
    QList<std::pair<QString, int>> counts; // insertion-ordered, like Python's defaultdict
    for (const ChatMessage& m : messages) {
        const QString header = leadingHeader(m.content);
        if (header.isEmpty())
            continue;
        auto it = std::find_if(counts.begin(), counts.end(),
                               [&](const auto& e) { return e.first == header; });
        if (it == counts.end())
            counts.append({header, 1});
        else
            ++it->second;
    }
    if (counts.isEmpty())
        return {};
    int maxCount = 0;
    for (const auto& e : counts)
        maxCount = std::max(maxCount, e.second);
    QStringList outputHeaders;
    for (const auto& e : counts) {
        if (e.second != maxCount)
            outputHeaders.append(e.first);
    }
    const QString finalInput = messages.last().content.section(QStringLiteral("\n\n"), 0, 0);
    // Walk (input, output) pairs backwards: (m[-2], m[-1]), (m[-3], m[-2]), ...
    for (qsizetype i = messages.size() - 1; i >= 1; --i) {
        const QString& output = messages.at(i).content;
        const QString& input = messages.at(i - 1).content;
        const bool hasOutputField =
            std::any_of(outputHeaders.cbegin(), outputHeaders.cend(),
                        [&](const QString& h) { return output.contains(h); });
        if (hasOutputField && input.contains(finalInput))
            return output;
    }
    return {};
}

} // namespace

ScriptedLM::ScriptedLM(QList<Object> answers, bool followExamples, AdapterPtr adapter)
    : m_answers(std::move(answers))
    , m_followExamples(followExamples)
    , m_adapter(std::move(adapter))
{}

std::shared_ptr<ScriptedLM> ScriptedLM::bySubstring(QList<std::pair<QString, Object>> answers,
                                                    AdapterPtr adapter)
{
    std::shared_ptr<ScriptedLM> lm(new ScriptedLM());
    lm->m_mode = Mode::Substring;
    lm->m_bySubstring = std::move(answers);
    lm->m_adapter = std::move(adapter);
    return lm;
}

std::shared_ptr<ScriptedLM> ScriptedLM::raw(QStringList completions)
{
    std::shared_ptr<ScriptedLM> lm(new ScriptedLM());
    lm->m_mode = Mode::Raw;
    lm->m_raw = std::move(completions);
    return lm;
}

Object ScriptedLM::kwargs() const
{
    // DummyLM is a BaseLM("dummy", "chat", temperature=0.0, max_tokens=1000).
    return Object{{QStringLiteral("temperature"), Value(0.0)},
                  {QStringLiteral("max_tokens"), Value(1000)}};
}

QList<LMRequest> ScriptedLM::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

QFuture<LMResponse> ScriptedLM::call(const LMRequest& request)
{
    const Adapter* adapter = m_adapter.get();
    static const AdapterPtr chat = makeAdapter(QStringLiteral("chat"));
    if (!adapter)
        adapter = chat.get();

    // Like DummyLM._format_answer_fields: output fields without annotation, so lists render as
    // JSON.
    auto formatAnswer = [adapter](const Object& answer) {
        QList<Field> outputs;
        outputs.reserve(answer.size());
        for (const auto& [name, value] : answer)
            outputs.append(makeOutputField(name, TypeSpec::any()));
        return adapter->formatFieldsWithValues(Signature::fromFields({}, outputs), answer);
    };

    Object merged = kwargs();
    for (const auto& [key, value] : request.kwargs)
        merged.insert(key, value);
    const Value& nValue = merged.value(u"n");
    const qint64 n = nValue.isInt() ? nValue.toInt() : 1;

    LMResponse response;
    response.model = model();
    {
        QMutexLocker lock(&m_mutex);
        m_requests.append(request);
        for (qint64 i = 0; i < n; ++i) {
            LMOutput out;
            out.finishReason = QStringLiteral("stop");
            if (m_followExamples) {
                out.text = followExample(request.messages);
            } else if (m_mode == Mode::Substring) {
                const QString last =
                    request.messages.isEmpty() ? QString() : request.messages.last().content;
                out.text = kNoMoreResponses;
                for (const auto& [key, answer] : m_bySubstring) {
                    if (last.contains(key)) {
                        out.text = formatAnswer(answer);
                        break;
                    }
                }
            } else if (m_mode == Mode::Raw) {
                out.text = m_next < m_raw.size() ? m_raw.at(m_next++) : kNoMoreResponses;
            } else {
                const Object answer =
                    m_next < m_answers.size()
                        ? m_answers.at(m_next++)
                        : Object{{QStringLiteral("answer"), Value(kNoMoreResponses)}};
                out.text = formatAnswer(answer);
            }
            response.outputs.append(std::move(out));
        }
    }

    QPromise<LMResponse> promise;
    QFuture<LMResponse> future = promise.future();
    promise.start();
    promise.addResult(std::move(response));
    promise.finish();
    return future;
}

} // namespace dspy
