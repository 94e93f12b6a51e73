#pragma once

// OpenAICompatibleLM — chat completions (and embeddings) against any OpenAI-compatible server:
// OpenAI, vLLM, Ollama, llama.cpp, LM Studio, OpenRouter, Groq, Together, dspy-lmsim.
// Requests go through an HttpPool; responses are parsed off the network threads.

#include "lm/httplmoptions.h"
#include "lm/lm.h"
#include "runtime/expected.h"

#include <QVector>

namespace dspy {

struct Embeddings
{
    QList<QVector<float>> vectors; // one per input, in input order
    LMUsage usage;
    std::shared_ptr<LMError> error;
};

class OpenAICompatibleLM final : public LM
{
public:
    struct Options : HttpLMOptions
    {
        bool responseSchema = false; // the server accepts json_schema response formats
    };

    // Unchecked; create() applies DSPy's reasoning-model rules first.
    explicit OpenAICompatibleLM(Options options);
    // DSPy's dspy.LM construction rules for OpenAI reasoning models: temperature must be None
    // (or falsy, as Python tests it) or 1.0, max_tokens None or >= 16000 (else a Configuration
    // error), and max_tokens is kept as max_completion_tokens.
    static Expected<std::shared_ptr<OpenAICompatibleLM>, LMError> create(Options options);

    QString model() const override { return m_opts->model; }
    Object kwargs() const override { return m_opts->kwargs; }
    QFuture<LMResponse> call(const LMRequest& request) override;
    bool supportsResponseFormat() const override { return true; }
    bool supportsResponseSchema() const override { return m_responseSchema; }

    // POST {apiBase}/embeddings; kwargs may set "model" (default: this LM's) and "dimensions".
    QFuture<Embeddings> embed(const QStringList& inputs, const Object& kwargs = {});

    const HttpLMOptions& options() const { return *m_opts; }

    // The parts, public for tests and the benchmark.
    static bool isReasoningModel(const QString& modelId);
    // The chat/completions body: {"model", "messages", **kwargs} without rollout_id and None
    // values; max_tokens sent as max_completion_tokens for reasoning models.
    QByteArray requestBody(const LMRequest& request, bool stream) const;
    static LMResponse parseResponse(const Value& body, const HttpLMOptions& options);

private:
    std::shared_ptr<const HttpLMOptions> m_opts;
    bool m_responseSchema = false;
    bool m_reasoning = false;
    QUrl m_chatUrl;
    QUrl m_embeddingsUrl;
    HttpHeaders m_headers;
};

} // namespace dspy
