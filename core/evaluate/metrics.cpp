#include "evaluate/metrics.h"

#include <QHash>
#include <QRegularExpression>

namespace dspy {

Metric::Metric(QString name, MetricFn fn)
    : name(std::move(name))
    , fn(std::move(fn))
{}

Metric::Metric(QString name, SimpleMetricFn simple)
    : name(std::move(name))
{
    if (simple) {
        fn = [simple = std::move(simple)](const Example& gold, const Prediction& prediction,
                                          const QList<TraceRecord>* trace,
                                          RunContext&) { return simple(gold, prediction, trace); };
    }
}

Expected<double, QString> metricScore(const Value& value)
{
    switch (value.type()) {
    case Value::Type::Bool:
        return value.toBool() ? 1.0 : 0.0;
    case Value::Type::Int:
    case Value::Type::Float:
        return value.toDouble();
    case Value::Type::Object:
        if (value.toObject().contains(u"score")) {
            const Value& score = value.toObject().value(u"score");
            if (score.isBool() || score.isNumber())
                return metricScore(score);
        }
        break;
    default:
        break;
    }
    return unexpected(QStringLiteral("the metric returned %1, not a bool, a number or an object "
                                     "with a numeric \"score\"")
                          .arg(value.toPythonRepr()));
}

namespace {

// Python's str.isspace(): Unicode separators plus the ASCII controls Python counts as space.
bool isPySpace(QChar c)
{
    const char16_t u = c.unicode();
    return c.isSpace() || (u >= 0x1c && u <= 0x1f);
}

QStringList pySplit(const QString& s)
{
    QStringList out;
    qsizetype i = 0;
    const qsizetype n = s.size();
    while (i < n) {
        while (i < n && isPySpace(s[i]))
            ++i;
        const qsizetype start = i;
        while (i < n && !isPySpace(s[i]))
            ++i;
        if (i > start)
            out.append(s.mid(start, i - start));
    }
    return out;
}

bool isAsciiPunctuation(QChar c)
{
    static const QString punctuation = QStringLiteral("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
    return c.unicode() < 128 && punctuation.contains(c);
}

// Counter(a) & Counter(b), summed.
qsizetype commonTokens(const QStringList& a, const QStringList& b)
{
    QHash<QString, qsizetype> counts;
    for (const QString& t : a)
        ++counts[t];
    qsizetype same = 0;
    for (const QString& t : b) {
        auto it = counts.find(t);
        if (it != counts.end() && *it > 0) {
            --*it;
            ++same;
        }
    }
    return same;
}

double tokenF1(const QStringList& predicted, const QStringList& gold)
{
    const qsizetype same = commonTokens(predicted, gold);
    if (same == 0)
        return 0.0;
    const double precision = double(same) / double(predicted.size());
    const double recall = double(same) / double(gold.size());
    return (2 * precision * recall) / (precision + recall);
}

QString pythonTypeName(const Value& v)
{
    switch (v.type()) {
    case Value::Type::Null:
        return QStringLiteral("<class 'NoneType'>");
    case Value::Type::Bool:
        return QStringLiteral("<class 'bool'>");
    case Value::Type::Int:
        return QStringLiteral("<class 'int'>");
    case Value::Type::Float:
        return QStringLiteral("<class 'float'>");
    case Value::Type::String:
        return QStringLiteral("<class 'str'>");
    case Value::Type::Array:
        return QStringLiteral("<class 'list'>");
    case Value::Type::Object:
        return QStringLiteral("<class 'dict'>");
    }
    return {};
}

bool isScalarText(const Value& v)
{
    return v.isString() || v.isNumber() || v.isBool();
}

const Value& requireField(const Example& e, const QString& field, const char* typeName)
{
    if (!e.contains(field)) {
        throw MetricError(QStringLiteral("'%1' object has no attribute '%2'")
                              .arg(QLatin1String(typeName), field));
    }
    return e.get(field);
}

// example.answer as DSPy reads it: one string or a list of strings.
QStringList goldAnswers(const Example& example, const QString& field)
{
    const Value& answer = requireField(example, field, "Example");
    if (isScalarText(answer))
        return {answer.toPythonStr()};
    if (answer.isArray()) {
        QStringList out;
        for (const Value& a : answer.toArray()) {
            if (!isScalarText(a)) {
                throw MetricError(
                    QStringLiteral("Invalid answer in the list: %1").arg(a.toPythonRepr()));
            }
            out.append(a.toPythonStr());
        }
        return out;
    }
    throw MetricError(QStringLiteral("Invalid answer type: %1").arg(pythonTypeName(answer)));
}

QString predictedText(const Prediction& prediction, const QString& field)
{
    const Value& v = requireField(prediction, field, "Prediction");
    if (v.isNull())
        return QString();
    if (!isScalarText(v)) {
        throw MetricError(
            QStringLiteral("pred.%1 is %2, not a string").arg(field, pythonTypeName(v)));
    }
    return v.toPythonStr();
}

} // namespace

QString normalizeText(const QString& input)
{
    const QString s = input.normalized(QString::NormalizationForm_D).toLower();
    QString noPunct;
    noPunct.reserve(s.size());
    for (QChar c : s) {
        if (!isAsciiPunctuation(c))
            noPunct.append(c);
    }
    // Python's re \b on str patterns is Unicode-aware, as PCRE's with UCP.
    static const QRegularExpression articles(QStringLiteral("\\b(a|an|the)\\b"),
                                             QRegularExpression::UseUnicodePropertiesOption);
    const QString noArticles = QString(noPunct).replace(articles, QStringLiteral(" "));
    return pySplit(noArticles).join(QLatin1Char(' '));
}

bool emScore(const QString& prediction, const QString& groundTruth)
{
    return normalizeText(prediction) == normalizeText(groundTruth);
}

double f1Score(const QString& prediction, const QString& groundTruth)
{
    return tokenF1(pySplit(normalizeText(prediction)), pySplit(normalizeText(groundTruth)));
}

double hotpotF1Score(const QString& prediction, const QString& groundTruth)
{
    const QString p = normalizeText(prediction);
    const QString g = normalizeText(groundTruth);
    static const QStringList special{QStringLiteral("yes"), QStringLiteral("no"),
                                     QStringLiteral("noanswer")};
    if ((special.contains(p) || special.contains(g)) && p != g)
        return 0.0;
    return tokenF1(pySplit(p), pySplit(g));
}

double precisionScore(const QString& prediction, const QString& groundTruth)
{
    const QStringList p = pySplit(normalizeText(prediction));
    const qsizetype same = commonTokens(p, pySplit(normalizeText(groundTruth)));
    return same == 0 ? 0.0 : double(same) / double(p.size());
}

bool EM(const QString& prediction, const QStringList& answers)
{
    const QString p = normalizeText(prediction);
    for (const QString& a : answers) {
        if (p == normalizeText(a))
            return true;
    }
    return false;
}

double F1(const QString& prediction, const QStringList& answers)
{
    double best = 0.0;
    for (const QString& a : answers)
        best = std::max(best, f1Score(prediction, a));
    return best;
}

double HotPotF1(const QString& prediction, const QStringList& answers)
{
    double best = 0.0;
    for (const QString& a : answers)
        best = std::max(best, hotpotF1Score(prediction, a));
    return best;
}

QStringList dprNormalize(const QString& text)
{
    static const QRegularExpression token(
        QStringLiteral("([\\p{L}\\p{N}\\p{M}]+)|([^\\p{Z}\\p{C}])"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
    const QString nfd = text.normalized(QString::NormalizationForm_D);
    QStringList words;
    for (auto it = token.globalMatch(nfd); it.hasNext();)
        words.append(it.next().captured(0).toLower());
    return words;
}

bool hasAnswer(const QList<QStringList>& tokenizedAnswers, const QString& text)
{
    const QStringList words = dprNormalize(text);
    for (const QStringList& answer : tokenizedAnswers) {
        for (qsizetype i = 0; i + answer.size() <= words.size(); ++i) {
            bool match = true;
            for (qsizetype j = 0; j < answer.size() && match; ++j)
                match = words[i + j] == answer[j];
            if (match)
                return true;
        }
    }
    return false;
}

bool passageMatch(const QStringList& passages, const QStringList& answers)
{
    QList<QStringList> tokenized;
    for (const QString& a : answers)
        tokenized.append(dprNormalize(normalizeText(a)));
    for (const QString& passage : passages) {
        if (hasAnswer(tokenized, normalizeText(passage)))
            return true;
    }
    return false;
}

bool answerExactMatch(const Example& example, const Prediction& prediction, double frac,
                      const QString& field)
{
    const QStringList answers = goldAnswers(example, field);
    const QString predicted = predictedText(prediction, field);
    if (frac >= 1.0)
        return EM(predicted, answers);
    return F1(predicted, answers) >= frac;
}

bool answerPassageMatch(const Example& example, const Prediction& prediction, const QString& field)
{
    const QStringList answers = goldAnswers(example, field);
    const Value& context = requireField(prediction, QStringLiteral("context"), "Prediction");
    QStringList passages;
    if (context.isString()) {
        passages.append(context.toString());
    } else if (context.isArray()) {
        for (const Value& p : context.toArray())
            passages.append(p.isString() ? p.toString() : p.toPythonStr());
    } else {
        throw MetricError(QStringLiteral("pred.context is %1, not a list of passages")
                              .arg(pythonTypeName(context)));
    }
    return passageMatch(passages, answers);
}

double clampedF1(double precision, double recall)
{
    precision = std::max(0.0, std::min(1.0, precision));
    recall = std::max(0.0, std::min(1.0, recall));
    return precision + recall == 0 ? 0.0 : 2 * (precision * recall) / (precision + recall);
}

namespace {

Field in(const char* name)
{
    return makeInputField(QString::fromLatin1(name), TypeSpec::str());
}

Field out(const char* name, TypeSpec type, const char* description)
{
    return makeOutputField(QString::fromLatin1(name), std::move(type),
                           QString::fromLatin1(description));
}

const char* const kGroundTruthKeyIdeas = "enumeration of key ideas in the ground truth";
const char* const kSystemKeyIdeas = "enumeration of key ideas in the system response";
const char* const kOverlapDiscussion =
    "discussion of the overlap between ground truth and system response";
const char* const kRecall = "fraction (out of 1.0) of ground truth covered by the system response";
const char* const kPrecision =
    "fraction (out of 1.0) of system response covered by the ground truth";

} // namespace

Signature semanticRecallPrecisionSignature()
{
    return Signature::fromFields(
        {in("question"), in("ground_truth"), in("system_response")},
        {out("recall", TypeSpec::floating(), kRecall),
         out("precision", TypeSpec::floating(), kPrecision)},
        QStringLiteral("Compare a system's response to the ground truth to compute its recall and "
                       "precision.\nIf asked to reason, enumerate key ideas in each response, and "
                       "whether they are present in the other response."));
}

Signature decompositionalSemanticRecallPrecisionSignature()
{
    return Signature::fromFields(
        {in("question"), in("ground_truth"), in("system_response")},
        {out("ground_truth_key_ideas", TypeSpec::str(), kGroundTruthKeyIdeas),
         out("system_response_key_ideas", TypeSpec::str(), kSystemKeyIdeas),
         out("discussion", TypeSpec::str(), kOverlapDiscussion),
         out("recall", TypeSpec::floating(), kRecall),
         out("precision", TypeSpec::floating(), kPrecision)},
        QStringLiteral("Compare a system's response to the ground truth to compute recall and "
                       "precision of key ideas.\nYou will first enumerate key ideas in each "
                       "response, discuss their overlap, and then report recall and precision."));
}

Signature answerCompletenessSignature()
{
    return Signature::fromFields(
        {in("question"), in("ground_truth"), in("system_response")},
        {out("ground_truth_key_ideas", TypeSpec::str(), kGroundTruthKeyIdeas),
         out("system_response_key_ideas", TypeSpec::str(), kSystemKeyIdeas),
         out("discussion", TypeSpec::str(), kOverlapDiscussion),
         out("completeness", TypeSpec::floating(), kRecall)},
        QStringLiteral("Estimate the completeness of a system's responses, against the ground "
                       "truth.\nYou will first enumerate key ideas in each response, discuss "
                       "their overlap, and then report completeness."));
}

Signature answerGroundednessSignature()
{
    return Signature::fromFields(
        {in("question"), in("retrieved_context"), in("system_response")},
        {out("system_response_claims", TypeSpec::str(),
             "enumeration of non-trivial or check-worthy claims in the system response"),
         out("discussion", TypeSpec::str(),
             "discussion of how supported the claims are by the retrieved context"),
         out("groundedness", TypeSpec::floating(),
             "fraction (out of 1.0) of system response supported by the retrieved context")},
        QStringLiteral("Estimate the groundedness of a system's responses, against real retrieved "
                       "documents written by people.\nYou will first enumerate whatever "
                       "non-trivial or check-worthy claims are made in the system response, and "
                       "then\ndiscuss the extent to which some or all of them can be deduced from "
                       "the retrieved context and basic commonsense."));
}

namespace {

// example.<key> / pred.<key> as the judge's str input field receives it.
Value attribute(const Example& e, const char* key, const char* typeName)
{
    return requireField(e, QString::fromLatin1(key), typeName);
}

Value thresholded(double score, double threshold, const QList<TraceRecord>* trace)
{
    return trace ? Value(score >= threshold) : Value(score);
}

double numberField(const Prediction& p, const char* name)
{
    const Value& v = p.get(QString::fromLatin1(name));
    if (!v.isNumber()) {
        throw MetricError(QStringLiteral("the judge's %1 is %2, not a number")
                              .arg(QLatin1String(name), v.toPythonRepr()));
    }
    return v.toDouble();
}

} // namespace

SemanticF1::SemanticF1(double threshold, bool decompositional)
    : m_threshold(threshold)
    , m_decompositional(decompositional)
    , m_module(decompositional ? decompositionalSemanticRecallPrecisionSignature()
                               : semanticRecallPrecisionSignature())
{}

Prediction SemanticF1::forward(const Example& inputs, RunContext& ctx)
{
    Prediction scores = m_module(inputs, ctx);
    const double f1 = clampedF1(numberField(scores, "precision"), numberField(scores, "recall"));
    scores.set(QStringLiteral("score"), Value(f1));
    return scores;
}

Value SemanticF1::score(const Example& gold, const Prediction& prediction,
                        const QList<TraceRecord>* trace, RunContext& ctx)
{
    Example inputs{
        {QStringLiteral("question"), attribute(gold, "question", "Example")},
        {QStringLiteral("ground_truth"), attribute(gold, "response", "Example")},
        {QStringLiteral("system_response"), attribute(prediction, "response", "Prediction")}};
    const Prediction scored = (*this)(inputs.withInputs(inputs.keys()), ctx);
    return thresholded(scored.get(u"score").toDouble(), m_threshold, trace);
}

std::unique_ptr<Module> SemanticF1::clone() const
{
    auto copy = std::make_unique<SemanticF1>(m_threshold, m_decompositional);
    copy->m_module.predict().state() = m_module.predict().state();
    copy->m_module.predict().setLM(m_module.predict().lm());
    copy->setCallbacks(callbacks());
    return copy;
}

QList<NamedPredictor> SemanticF1::namedPredictors()
{
    QList<NamedPredictor> out;
    for (const NamedPredictor& p : m_module.namedPredictors())
        out.append({QStringLiteral("module.") + p.path, p.predictor});
    return out;
}

CompleteAndGrounded::CompleteAndGrounded(double threshold)
    : m_threshold(threshold)
    , m_completeness(answerCompletenessSignature())
    , m_groundedness(answerGroundednessSignature())
{}

Prediction CompleteAndGrounded::forward(const Example& inputs, RunContext& ctx)
{
    Example completenessInputs{{QStringLiteral("question"), inputs.get(u"question")},
                               {QStringLiteral("ground_truth"), inputs.get(u"ground_truth")},
                               {QStringLiteral("system_response"), inputs.get(u"system_response")}};
    Example groundednessInputs{
        {QStringLiteral("question"), inputs.get(u"question")},
        {QStringLiteral("retrieved_context"), inputs.get(u"retrieved_context")},
        {QStringLiteral("system_response"), inputs.get(u"system_response")}};
    const Prediction completeness =
        m_completeness(completenessInputs.withInputs(completenessInputs.keys()), ctx);
    const Prediction groundedness =
        m_groundedness(groundednessInputs.withInputs(groundednessInputs.keys()), ctx);
    const double f1 = clampedF1(numberField(groundedness, "groundedness"),
                                numberField(completeness, "completeness"));
    Prediction result;
    result.set(QStringLiteral("completeness"), completeness.get(u"completeness"));
    result.set(QStringLiteral("groundedness"), groundedness.get(u"groundedness"));
    result.set(QStringLiteral("score"), Value(f1));
    return result;
}

Value CompleteAndGrounded::score(const Example& gold, const Prediction& prediction,
                                 const QList<TraceRecord>* trace, RunContext& ctx)
{
    Example inputs{
        {QStringLiteral("question"), attribute(gold, "question", "Example")},
        {QStringLiteral("ground_truth"), attribute(gold, "response", "Example")},
        {QStringLiteral("retrieved_context"), attribute(prediction, "context", "Prediction")},
        {QStringLiteral("system_response"), attribute(prediction, "response", "Prediction")}};
    const Prediction scored = (*this)(inputs.withInputs(inputs.keys()), ctx);
    return thresholded(scored.get(u"score").toDouble(), m_threshold, trace);
}

std::unique_ptr<Module> CompleteAndGrounded::clone() const
{
    auto copy = std::make_unique<CompleteAndGrounded>(m_threshold);
    copy->m_completeness.predict().state() = m_completeness.predict().state();
    copy->m_completeness.predict().setLM(m_completeness.predict().lm());
    copy->m_groundedness.predict().state() = m_groundedness.predict().state();
    copy->m_groundedness.predict().setLM(m_groundedness.predict().lm());
    copy->setCallbacks(callbacks());
    return copy;
}

QList<NamedPredictor> CompleteAndGrounded::namedPredictors()
{
    QList<NamedPredictor> out;
    for (const NamedPredictor& p : m_completeness.namedPredictors())
        out.append({QStringLiteral("completeness_module.") + p.path, p.predictor});
    for (const NamedPredictor& p : m_groundedness.namedPredictors())
        out.append({QStringLiteral("groundedness_module.") + p.path, p.predictor});
    return out;
}

QStringList builtinMetricNames()
{
    return {QStringLiteral("exact_match"), QStringLiteral("f1"), QStringLiteral("passage_match"),
            QStringLiteral("semantic_f1"), QStringLiteral("complete_and_grounded")};
}

std::optional<Metric> builtinMetric(const QString& name, const QString& field)
{
    if (name == u"exact_match") {
        return Metric(QStringLiteral("answer_exact_match"),
                      SimpleMetricFn([field](const Example& gold, const Prediction& pred,
                                             const QList<TraceRecord>*) {
                          return Value(answerExactMatch(gold, pred, 1.0, field));
                      }));
    }
    if (name == u"f1") {
        return Metric(QStringLiteral("f1"),
                      SimpleMetricFn([field](const Example& gold, const Prediction& pred,
                                             const QList<TraceRecord>*) {
                          return Value(F1(predictedText(pred, field), goldAnswers(gold, field)));
                      }));
    }
    if (name == u"passage_match") {
        return Metric(QStringLiteral("answer_passage_match"),
                      SimpleMetricFn([field](const Example& gold, const Prediction& pred,
                                             const QList<TraceRecord>*) {
                          return Value(answerPassageMatch(gold, pred, field));
                      }));
    }
    if (name == u"semantic_f1") {
        auto judge = std::make_shared<SemanticF1>();
        return Metric(QStringLiteral("SemanticF1"),
                      MetricFn([judge](const Example& gold, const Prediction& pred,
                                       const QList<TraceRecord>* trace, RunContext& ctx) {
                          return judge->score(gold, pred, trace, ctx);
                      }));
    }
    if (name == u"complete_and_grounded") {
        auto judge = std::make_shared<CompleteAndGrounded>();
        return Metric(QStringLiteral("CompleteAndGrounded"),
                      MetricFn([judge](const Example& gold, const Prediction& pred,
                                       const QList<TraceRecord>* trace, RunContext& ctx) {
                          return judge->score(gold, pred, trace, ctx);
                      }));
    }
    return std::nullopt;
}

} // namespace dspy
