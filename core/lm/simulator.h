#pragma once

// SimulatedLM — a deterministic *simulated* language model (docs/lmsim.md). It reads a prompt
// formatted by the Chat, JSON or XML adapter, solves the task with a few hand-written "skills"
// (arithmetic word problems, lexicon classification, extractive QA, a typed echo otherwise) and
// answers in the same adapter's format. A documented accuracy model decides, from a seeded hash,
// whether an answer is deliberately wrong, so demos and instructions change the measured accuracy
// the way optimizers expect. It is not a language model and must be labelled as a simulation
// wherever it is used. The same engine serves HTTP in dspy-lmsim.

#include "lm/lm.h"

#include <QStringList>

#include <atomic>

namespace dspy {

// What the simulator understood of one prompt; exposed for tests and for the docs.
struct SimPrompt
{
    enum class Format { Chat, Json, Xml, Plain };
    enum class Kind { Str, Int, Float, Bool, List, Dict, Literal, Other };
    struct FieldSpec
    {
        QString name;
        QString typeName; // as displayed in the prompt: "int", "Literal['pos', 'neg']"
        Kind kind = Kind::Str;
        QStringList choices; // Literal / enum values
        QString description;
    };
    struct Demo
    {
        Object inputs;
        Object outputs;
    };

    Format format = Format::Plain;
    QList<FieldSpec> inputFields;
    QList<FieldSpec> outputFields;
    QString instructions; // the objective, de-indented
    QList<Demo> demos;
    Object inputs;        // values of the final user message (strings as written in the prompt)
    QString lastUserText; // the final user message verbatim
};

// One simulated answer before it is rendered in an adapter format.
struct SimAnswer
{
    enum class Skill { Arithmetic, Classification, ExtractiveQA, Echo };
    Skill skill = Skill::Echo;
    Object fields;       // one value per output field, typed
    double pCorrect = 1; // the accuracy model's probability for this prompt
    double roll = 0;     // the seeded uniform draw compared with pCorrect
    bool wrong = false;  // the answer was deliberately corrupted
    int relevantDemos = 0;
    bool instructionBonus = false;
    bool reasoningBonus = false;
};

class SimulatedLM final : public LM
{
public:
    explicit SimulatedLM(QString name = QStringLiteral("sim"), quint64 seed = 0);

    QString model() const override; // "lmsim/<name>"
    Object kwargs() const override { return m_kwargs; }
    void setKwargs(Object kwargs) { m_kwargs = std::move(kwargs); }
    // Finished future when no latency is set; otherwise answered from the global thread pool.
    QFuture<LMResponse> call(const LMRequest& request) override;
    // The answer is always a JSON object in JSON mode, so response_format costs nothing here.
    bool supportsResponseFormat() const override { return true; }
    bool supportsResponseSchema() const override { return true; }

    void setLatency(int latencyMs, int jitterMs = 0);
    // No deliberate mistakes (the accuracy model is off); for tests of the skills themselves.
    void setOracle(bool on) { m_oracle = on; }
    quint64 seed() const { return m_seed; }

    // The synchronous engine: one output per requested completion (kwargs "n"), usage filled.
    LMResponse respond(const LMRequest& request) const;
    // Number of calls answered, for tests.
    qint64 callCount() const { return m_calls.load(); }

    // Building blocks, public for the server and the tests.
    static SimPrompt analyze(const QList<ChatMessage>& messages);
    // `variant` separates completions of one request (index within n, rollout id, temperature).
    // `oracle` turns the accuracy model off: every skill answers as well as it can.
    static SimAnswer answer(const SimPrompt& prompt, quint64 seed, const QString& variant,
                            bool oracle = false);
    static QString render(const SimPrompt& prompt, const Object& fields);
    // Whitespace-split words × 1.3, rounded: the simulator's token count.
    static qint64 countTokens(const QString& text);
    // Deterministic unit vector from hashed character trigrams: similar texts land near each other.
    static QList<float> embed(const QString& text, int dimensions = 384);

private:
    QString m_name;
    quint64 m_seed;
    Object m_kwargs;
    int m_latencyMs = 0;
    int m_jitterMs = 0;
    bool m_oracle = false;
    mutable std::atomic<qint64> m_calls{0};
};

} // namespace dspy
