#pragma once

#include "modules/chainofthought.h"

namespace dspy {

// DSPy's ProgramOfThought(signature, max_iters=3) (dspy.md §3.4) with JavaScript instead of
// Python (docs/modules.md): three ChainOfThought predictors, named as DSPy's attributes,
//   code_generate   inputs -> generated_code
//   code_regenerate inputs, previous_code, error -> generated_code
//   generate_output inputs, final_generated_code, code_output -> the signature's outputs
// The model writes JavaScript that calls a preloaded SUBMIT({...}) with the output fields. Each
// execution runs in a fresh bare QJSEngine (JsSandbox: no console, require, timers, files or
// network) under a time limit; an error or a timeout makes code_regenerate try again, until
// max_iters hops, then std::runtime_error("Max hops reached. Failed to run ProgramOfThought: …").
class ProgramOfThought final : public Module
{
public:
    explicit ProgramOfThought(const Signature& signature, int maxIters = 3, int timeoutMs = 2000);

    enum class Mode { Generate, Regenerate, Answer };

    int maxIters() const { return m_maxIters; }
    int timeoutMs() const { return m_timeoutMs; }
    const Signature& signature() const { return m_signature; }
    ChainOfThought& codeGenerate() { return m_codeGenerate; }
    ChainOfThought& codeRegenerate() { return m_codeRegenerate; }
    ChainOfThought& generateOutput() { return m_generateOutput; }

    Prediction forward(const Example& inputs, RunContext& ctx) override;

    // DSPy's _generate_signature(mode) (fields only) and _generate_instruction(mode).
    static Signature modeSignature(const Signature& signature, Mode mode);
    static QString modeInstructions(const Signature& signature, Mode mode);

    // DSPy's _parse_code: cut at "---" or a triple newline, take a ```javascript / ```js block
    // when present, refuse empty code and one-line code with more than one "=", and echo a
    // variable assigned on the last line. `error` is empty when the code is usable.
    struct ParsedCode
    {
        QString code;
        QString error;
    };
    static ParsedCode parseCode(const QString& generatedCode);

    // Runs code in a fresh sandbox: the SUBMIT()ted value, else the completion value of the
    // script, as json.dumps() text; or the error.
    struct Execution
    {
        QString output;
        QString error;
    };
    Execution executeCode(const QString& code) const;

    QString instanceName() const override;
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override;

private:
    Signature m_signature;
    int m_maxIters;
    int m_timeoutMs;
    ChainOfThought m_codeGenerate;
    ChainOfThought m_codeRegenerate;
    ChainOfThought m_generateOutput;
};

} // namespace dspy
