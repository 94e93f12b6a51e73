#pragma once

// AnthropicLM — the Anthropic Messages API (POST {apiBase}/v1/messages). System messages go to
// the top-level "system"; max_tokens is required (4096 when unset); text, thinking and tool_use
// content blocks map onto LMOutput the way LiteLLM maps them (tool_use -> OpenAI-style
// tool_calls, stop_reason -> finish_reason).

#include "lm/httplmoptions.h"
#include "lm/lm.h"

namespace dspy {

class AnthropicLM final : public LM
{
public:
    static constexpr int kDefaultMaxTokens = 4096;

    explicit AnthropicLM(HttpLMOptions options);

    QString model() const override { return m_opts->model; }
    Object kwargs() const override { return m_opts->kwargs; }
    QFuture<LMResponse> call(const LMRequest& request) override;

    const HttpLMOptions& options() const { return *m_opts; }

    // The parts, public for tests.
    QByteArray requestBody(const LMRequest& request, bool stream) const;
    static LMResponse parseResponse(const Value& body, const HttpLMOptions& options);
    // end_turn/stop_sequence -> "stop", max_tokens -> "length", tool_use -> "tool_calls".
    static QString finishReason(const QString& stopReason);

private:
    std::shared_ptr<const HttpLMOptions> m_opts;
    QUrl m_url;
    HttpHeaders m_headers;
};

} // namespace dspy
