#pragma once

// DSPy's built-in metrics (dspy/evaluate/metrics.py, dspy/dsp/utils/metrics.py,
// dspy/evaluate/auto_evaluation.py).
//
// Text metrics compare normalize_text() forms: Unicode NFD, lower case, ASCII punctuation
// (string.punctuation) removed, the articles a/an/the removed as whole words, whitespace
// collapsed. Lists of gold answers score the best match.
//
// Where we differ from DSPy, on purpose:
// - A gold or predicted answer that is a number or a bool is compared as its Python str() ("42"),
//   where DSPy raises; typed programs (answer: int) are common here.
// - answer_passage_match accepts a single string as pred.context (one passage); DSPy iterates it
//   character by character.

#include "evaluate/metric.h"
#include "modules/chainofthought.h"

#include <optional>

namespace dspy {

QString normalizeText(const QString& s);

bool emScore(const QString& prediction, const QString& groundTruth);
// Token F1 of the normalised texts; 0 when nothing overlaps (both empty included, as DSPy).
double f1Score(const QString& prediction, const QString& groundTruth);
// f1Score, but 0 when either side is one of yes/no/noanswer and they differ.
double hotpotF1Score(const QString& prediction, const QString& groundTruth);
double precisionScore(const QString& prediction, const QString& groundTruth);

// Best over the references; an empty list scores false / 0 (DSPy's max() raises).
bool EM(const QString& prediction, const QStringList& answers);
double F1(const QString& prediction, const QStringList& answers);
double HotPotF1(const QString& prediction, const QStringList& answers);

// DPR's tokenizer: NFD, then runs of letters/digits/marks or single non-space characters, lower
// cased. hasAnswer: some answer's tokens occur contiguously in the text's.
QStringList dprNormalize(const QString& text);
bool hasAnswer(const QList<QStringList>& tokenizedAnswers, const QString& text);
bool passageMatch(const QStringList& passages, const QStringList& answers);

// answer_exact_match(example, pred, trace, frac): EM against example.answer (a string or a list
// of strings) when frac >= 1, else max token F1 >= frac. `field` is DSPy's fixed "answer".
// Throws MetricError for a missing or invalid answer.
bool answerExactMatch(const Example& example, const Prediction& prediction, double frac = 1.0,
                      const QString& field = QStringLiteral("answer"));
// answer_passage_match: some passage of pred.context contains some gold answer.
bool answerPassageMatch(const Example& example, const Prediction& prediction,
                        const QString& field = QStringLiteral("answer"));

// auto_evaluation.f1_score: both clamped to [0, 1]; 0 when both are 0.
double clampedF1(double precision, double recall);

// The judge signatures, with DSPy's instructions and field descriptions.
Signature semanticRecallPrecisionSignature();
Signature decompositionalSemanticRecallPrecisionSignature();
Signature answerCompletenessSignature();
Signature answerGroundednessSignature();

// SemanticF1(threshold=0.66, decompositional=False): a ChainOfThought judge ("module") rates the
// recall and precision of pred.response against example.response for example.question.
class SemanticF1 final : public Module
{
public:
    explicit SemanticF1(double threshold = 0.66, bool decompositional = false);

    double threshold() const { return m_threshold; }
    ChainOfThought& judge() { return m_module; }

    // DSPy's forward(example, pred, trace): the F1 as a float, or `f1 >= threshold` as a bool
    // when trace is given.
    Value score(const Example& gold, const Prediction& prediction, const QList<TraceRecord>* trace,
                RunContext& ctx);
    // Runs the judge on its own inputs (question, ground_truth, system_response) and returns
    // Prediction(score=f1) with the judge's fields.
    Prediction forward(const Example& inputs, RunContext& ctx) override;

    QString instanceName() const override { return QStringLiteral("SemanticF1"); }
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override;

private:
    double m_threshold;
    bool m_decompositional;
    ChainOfThought m_module;
};

// CompleteAndGrounded(threshold=0.66): F1 of groundedness (pred.response against pred.context)
// and completeness (pred.response against example.response).
class CompleteAndGrounded final : public Module
{
public:
    explicit CompleteAndGrounded(double threshold = 0.66);

    double threshold() const { return m_threshold; }
    ChainOfThought& completenessJudge() { return m_completeness; }
    ChainOfThought& groundednessJudge() { return m_groundedness; }

    Value score(const Example& gold, const Prediction& prediction, const QList<TraceRecord>* trace,
                RunContext& ctx);
    // Inputs: question, ground_truth, retrieved_context, system_response.
    Prediction forward(const Example& inputs, RunContext& ctx) override;

    QString instanceName() const override { return QStringLiteral("CompleteAndGrounded"); }
    std::unique_ptr<Module> clone() const override;
    QList<NamedPredictor> namedPredictors() override;

private:
    double m_threshold;
    ChainOfThought m_completeness;
    ChainOfThought m_groundedness;
};

// Metrics by name, for the CLI and the workbench:
//   "exact_match"  answer_exact_match (bool)
//   "f1"           max token F1 of pred.<field> against example.<field> (float)
//   "passage_match" answer_passage_match (bool)
//   "semantic_f1"  SemanticF1() (float; bool with a trace)
//   "complete_and_grounded" CompleteAndGrounded() (float; bool with a trace)
// `field` replaces "answer" for the first three. Unknown names: nullopt.
std::optional<Metric> builtinMetric(const QString& name,
                                    const QString& field = QStringLiteral("answer"));
QStringList builtinMetricNames();

} // namespace dspy
