#include "lm/simulator.h"

#include "lm/simreact.h"
#include "lm/simcode.h"

#include <QHash>
#include <QPromise>
#include <QRegularExpression>
#include <QSet>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <optional>

namespace dspy {

namespace {

// ---------------------------------------------------------------------------------------------
// Hashing: FNV-1a over the UTF-16 text, finished with splitmix64 so nearby inputs spread out.

quint64 mix64(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

quint64 hashText(QStringView text, quint64 seed)
{
    quint64 h = 0xcbf29ce484222325ULL ^ mix64(seed);
    for (QChar c : text) {
        h ^= c.unicode();
        h *= 0x100000001b3ULL;
    }
    return mix64(h);
}

double unitFromHash(quint64 h)
{
    return double(h >> 11) * (1.0 / 9007199254740992.0);
}

// ---------------------------------------------------------------------------------------------
// Words

const QSet<QString>& stopwords()
{
    static const QSet<QString> words = {
        "a",     "an",    "the",  "of",    "in",    "on",    "at",   "to",    "for",   "by",
        "with",  "and",   "or",   "but",   "is",    "are",   "was",  "were",  "be",    "been",
        "it",    "its",   "this", "that",  "these", "those", "what", "which", "who",   "whom",
        "when",  "where", "why",  "how",   "does",  "do",    "did",  "has",   "have",  "had",
        "as",    "from",  "into", "than",  "then",  "so",    "if",   "there", "their", "they",
        "he",    "she",   "his",  "her",   "we",    "you",   "i",    "me",    "my",    "our",
        "your",  "them",  "him",  "about", "many",  "much",  "can",  "will",  "would", "should",
        "could", "also",  "not",  "no",    "yes",   "all",   "any",  "some",  "one",   "s"};
    return words;
}

QStringList words(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("[\\p{L}\\p{N}]+(?:'[\\p{L}]+)?"));
    QStringList out;
    auto it = re.globalMatch(text);
    while (it.hasNext())
        out.append(it.next().captured().toLower());
    return out;
}

QStringList contentWords(const QString& text)
{
    QStringList out;
    for (const QString& w : words(text)) {
        if (!stopwords().contains(w))
            out.append(w);
    }
    return out;
}

QString valueText(const Value& v)
{
    return v.isString() ? v.toString() : v.toPythonStr();
}

// ---------------------------------------------------------------------------------------------
// Prompt reading

SimPrompt::Kind kindOf(const QString& typeName, QStringList* choices);

// Splits "a, b[c, d], 'e, f'" at top-level commas.
QStringList splitTopLevel(QStringView text)
{
    QStringList parts;
    int depth = 0;
    QChar quote;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!quote.isNull()) {
            if (c == u'\\')
                ++i;
            else if (c == quote)
                quote = QChar();
            continue;
        }
        if (c == u'\'' || c == u'"')
            quote = c;
        else if (c == u'[' || c == u'(')
            ++depth;
        else if (c == u']' || c == u')')
            --depth;
        else if (c == u',' && depth == 0) {
            parts.append(text.mid(start, i - start).trimmed().toString());
            start = i + 1;
        }
    }
    const QString last = text.mid(start).trimmed().toString();
    if (!last.isEmpty())
        parts.append(last);
    return parts;
}

QString unquotePython(const QString& s)
{
    if (s.size() >= 2 && (s.front() == u'\'' || s.front() == u'"') && s.back() == s.front()) {
        QString inner = s.mid(1, s.size() - 2);
        inner.replace(QStringLiteral("\\'"), QStringLiteral("'"));
        inner.replace(QStringLiteral("\\\""), QStringLiteral("\""));
        inner.replace(QStringLiteral("\\\\"), QStringLiteral("\\"));
        return inner;
    }
    return s;
}

SimPrompt::Kind kindOf(const QString& typeName, QStringList* choices)
{
    using K = SimPrompt::Kind;
    const QString t = typeName.trimmed();
    if (t == u"str")
        return K::Str;
    if (t == u"int")
        return K::Int;
    if (t == u"float")
        return K::Float;
    if (t == u"bool")
        return K::Bool;
    if (t == u"list" || t.startsWith(u"list[") || t.startsWith(u"tuple[") ||
        t.startsWith(u"set[") || t.startsWith(u"List["))
        return K::List;
    if (t == u"dict" || t.startsWith(u"dict[") || t.startsWith(u"Dict["))
        return K::Dict;
    if (t.startsWith(u"Literal[") && t.endsWith(u']')) {
        for (const QString& part : splitTopLevel(QStringView(t).mid(8, t.size() - 9)))
            choices->append(unquotePython(part));
        return K::Literal;
    }
    if ((t.startsWith(u"Union[") || t.startsWith(u"Optional[")) && t.endsWith(u']')) {
        const qsizetype open = t.indexOf(u'[');
        for (const QString& part :
             splitTopLevel(QStringView(t).mid(open + 1, t.size() - open - 2))) {
            if (part != u"NoneType")
                return kindOf(part, choices);
        }
    }
    return K::Other;
}

// "1. `name` (type): desc" -> field; nullopt for any other line.
std::optional<SimPrompt::FieldSpec> fieldLine(const QString& line)
{
    static const QRegularExpression head(QStringLiteral("^\\d+\\. `(\\w+)` \\("));
    const auto m = head.match(line);
    if (!m.hasMatch())
        return std::nullopt;
    // The type may itself hold brackets and parentheses: find the ')' that closes ours.
    int depth = 1;
    qsizetype i = m.capturedEnd();
    for (; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == u'(' || c == u'[')
            ++depth;
        else if (c == u')' || c == u']') {
            if (--depth == 0 && c == u')')
                break;
        }
    }
    if (i >= line.size() || i + 1 >= line.size() || line.at(i + 1) != u':')
        return std::nullopt;
    SimPrompt::FieldSpec f;
    f.name = m.captured(1);
    f.typeName = line.mid(m.capturedEnd(), i - m.capturedEnd());
    f.description = line.mid(i + 2).trimmed();
    f.kind = kindOf(f.typeName, &f.choices);
    return f;
}

void readSystem(const QString& system, SimPrompt& p)
{
    enum { None, Inputs, Outputs } section = None;
    const QStringList lines = system.split(u'\n');
    for (const QString& line : lines) {
        if (line.startsWith(u"Your input fields are:")) {
            section = Inputs;
            continue;
        }
        if (line.startsWith(u"Your output fields are:")) {
            section = Outputs;
            continue;
        }
        if (line.startsWith(u"All interactions will be structured"))
            break;
        if (section == None)
            continue;
        if (auto f = fieldLine(line))
            (section == Inputs ? p.inputFields : p.outputFields).append(*f);
    }

    if (system.contains(u"Outputs will be a JSON object with the following fields."))
        p.format = SimPrompt::Format::Json;
    else if (system.contains(u"[[ ## completed ## ]]"))
        p.format = SimPrompt::Format::Chat;
    else if (!p.outputFields.isEmpty() &&
             system.contains(QStringLiteral("<%1>").arg(p.outputFields.first().name)))
        p.format = SimPrompt::Format::Xml;
    else if (!p.outputFields.isEmpty())
        p.format = SimPrompt::Format::Chat;

    // Enums show only their class name in the list; their values are in the structure's hint.
    for (SimPrompt::FieldSpec& f : p.outputFields) {
        if (f.kind != SimPrompt::Kind::Other)
            continue;
        const QString marker =
            QStringLiteral("{%1}        # note: the value you produce must be one of: ")
                .arg(f.name);
        const qsizetype at = system.indexOf(marker);
        if (at < 0)
            continue;
        QString rest = system.mid(at + marker.size());
        rest = rest.left(rest.indexOf(u'\n') < 0 ? rest.size() : rest.indexOf(u'\n'));
        if (rest.endsWith(u'"'))
            rest.chop(1);
        f.choices = rest.split(QStringLiteral("; "));
        f.kind = SimPrompt::Kind::Literal;
    }

    const QString objective = QStringLiteral("your objective is: ");
    const qsizetype at = system.indexOf(objective);
    if (at >= 0) {
        QStringList out;
        for (QString line : system.mid(at + objective.size()).split(u'\n')) {
            qsizetype strip = 0;
            while (strip < 8 && strip < line.size() && line.at(strip) == u' ')
                ++strip;
            out.append(line.mid(strip));
        }
        p.instructions = out.join(u'\n').trimmed();
    }
}

// "[[ ## name ## ]]" sections, marker at line start (as ChatAdapter parses).
Object markerSections(const QString& text)
{
    static const QRegularExpression marker(QStringLiteral("^\\[\\[ ## (\\w+) ## \\]\\]"));
    Object out;
    QString current;
    QStringList lines;
    auto flush = [&] {
        if (!current.isEmpty() && !out.contains(current))
            out.insert(current, lines.join(u'\n').trimmed());
    };
    for (const QString& line : text.split(u'\n')) {
        const QString stripped = line.trimmed();
        const auto m = marker.match(stripped);
        if (m.hasMatch()) {
            flush();
            current = m.captured(1);
            lines = {stripped.mid(m.capturedEnd())};
        } else if (!current.isEmpty()) {
            lines.append(line);
        }
    }
    flush();
    return out;
}

QString xmlUnescape(QString s)
{
    s.replace(QStringLiteral("&lt;"), QStringLiteral("<"));
    s.replace(QStringLiteral("&gt;"), QStringLiteral(">"));
    s.replace(QStringLiteral("&quot;"), QStringLiteral("\""));
    s.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
    return s;
}

Object xmlSections(const QString& text)
{
    static const QRegularExpression tag(QStringLiteral("<(\\w+)>(.*?)</\\1>"),
                                        QRegularExpression::DotMatchesEverythingOption);
    Object out;
    auto it = tag.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        if (!out.contains(m.captured(1)))
            out.insert(m.captured(1), xmlUnescape(m.captured(2).trimmed()));
    }
    return out;
}

Object jsonSections(const QString& text)
{
    if (auto v = Value::fromJson(text.trimmed()); v && v->isObject())
        return v->toObject();
    const qsizetype open = text.indexOf(u'{');
    const qsizetype close = text.lastIndexOf(u'}');
    if (open >= 0 && close > open) {
        if (auto v = Value::fromJson(QStringView(text).mid(open, close - open + 1));
            v && v->isObject())
            return v->toObject();
    }
    return {};
}

Object userInputs(const SimPrompt& p, QString text)
{
    // The reminder after the last input block is not part of that input's value.
    const qsizetype reminder = text.lastIndexOf(QStringLiteral("\n\nRespond with "));
    if (reminder >= 0)
        text.truncate(reminder);
    Object raw = p.format == SimPrompt::Format::Xml ? xmlSections(text) : markerSections(text);
    Object out;
    for (const auto& [k, v] : raw) {
        if (v.toString().startsWith(u"Not supplied for this particular example."))
            continue;
        out.insert(k, v);
    }
    return out;
}

Object assistantOutputs(const SimPrompt& p, const QString& text)
{
    Object raw;
    switch (p.format) {
    case SimPrompt::Format::Json:
        raw = jsonSections(text);
        break;
    case SimPrompt::Format::Xml:
        raw = xmlSections(text);
        break;
    default:
        raw = markerSections(text);
        break;
    }
    raw.remove(QStringLiteral("completed"));
    return raw;
}

// ---------------------------------------------------------------------------------------------
// Skills

bool isReasoningName(const QString& n)
{
    return n == u"reasoning" || n == u"rationale";
}

bool isClassificationField(const SimPrompt::FieldSpec& f)
{
    static const QSet<QString> names = {"label",    "category", "sentiment",      "class",
                                        "topic",    "intent",   "classification", "emotion",
                                        "polarity", "genre"};
    return f.kind == SimPrompt::Kind::Literal || names.contains(f.name.toLower());
}

bool isContextName(const QString& n)
{
    static const QSet<QString> names = {"context",   "contexts", "passages",  "passage", "document",
                                        "documents", "evidence", "paragraph", "article", "facts"};
    return names.contains(n.toLower());
}

// The input a task is about: the question, else the first non-context input.
QString mainInput(const SimPrompt& p)
{
    static const QStringList preferred = {"question", "problem", "query", "q",    "text",
                                          "sentence", "review",  "input", "claim"};
    for (const QString& name : preferred) {
        if (p.inputs.contains(name))
            return valueText(p.inputs.value(name));
    }
    for (const auto& [k, v] : p.inputs) {
        if (!isContextName(k))
            return valueText(v);
    }
    return p.inputs.isEmpty() ? p.lastUserText : valueText(p.inputs.entries().first().second);
}

// Passages of a context value: a JSON list, DSPy's «…» numbered list, or plain text.
QStringList passagesOf(const QString& value)
{
    if (auto v = Value::fromJson(value.trimmed()); v && v->isArray()) {
        QStringList out;
        for (const Value& item : v->toArray())
            out.append(valueText(item));
        return out;
    }
    static const QRegularExpression numbered(QStringLiteral("^\\[\\d+\\] «(.*)»$"),
                                             QRegularExpression::MultilineOption);
    QStringList out;
    auto it = numbered.globalMatch(value);
    while (it.hasNext())
        out.append(it.next().captured(1));
    if (!out.isEmpty())
        return out;
    QString v = value.trimmed();
    if (v.startsWith(u"«") && v.endsWith(u"»"))
        v = v.mid(1, v.size() - 2);
    return {v};
}

QStringList sentencesOf(const QStringList& passages)
{
    static const QRegularExpression split(QStringLiteral("(?<=[.!?])\\s+(?=\\S)"));
    QStringList out;
    for (const QString& passage : passages) {
        for (const QString& s : passage.split(split, Qt::SkipEmptyParts)) {
            if (!s.trimmed().isEmpty())
                out.append(s.trimmed());
        }
    }
    return out;
}

// --- arithmetic

struct Calc
{
    std::optional<double> result;
    QStringList steps;
};

QString numText(double d)
{
    if (std::abs(d - std::round(d)) < 1e-9)
        return QString::number(qint64(std::llround(d)));
    return QString::number(std::round(d * 100) / 100, 'g', 12);
}

double applyOp(QChar op, double a, double b, QStringList& steps)
{
    double r = a;
    switch (op.unicode()) {
    case '+':
        r = a + b;
        break;
    case '-':
        r = a - b;
        break;
    case '*':
        r = a * b;
        break;
    case '/':
        r = b == 0 ? a : a / b;
        break;
    default:
        break;
    }
    const QString sym = op == u'*'   ? QStringLiteral("×")
                        : op == u'/' ? QStringLiteral("÷")
                                     : QString(op);
    steps.append(QStringLiteral("%1 %2 %3 = %4").arg(numText(a), sym, numText(b), numText(r)));
    return r;
}

bool hasAny(const QStringList& ws, const QString& sentenceLower,
            std::initializer_list<const char*> keys)
{
    for (const char* key : keys) {
        const QString k = QString::fromLatin1(key);
        if (k.contains(u' ') ? sentenceLower.contains(k) : ws.contains(k))
            return true;
        if (k.endsWith(u'*')) {
            const QString stem = k.chopped(1);
            for (const QString& w : ws) {
                if (w.startsWith(stem))
                    return true;
            }
        }
    }
    return false;
}

// The multiplicative operator a sentence implies (0 for none).
QChar mulOpOf(const QStringList& ws, const QString& s)
{
    if (hasAny(ws, s, {"divid*", "split*", "equally", "among", "share*", "halves"}))
        return u'/';
    if (hasAny(ws, s,
               {"times", "each", "per", "every", "multipl*", "product", "rows of", "groups of",
                "packs of", "boxes of"}))
        return u'*';
    return {};
}

// The additive operator a sentence implies (0 for none).
// "Sold"/"broke" take away from a running total, but "sold 5 on Monday and 3 on Tuesday"
// lists amounts that add up, so those verbs subtract only once there is something to take from.
QChar addOpOf(const QStringList& ws, const QString& s, bool haveTotal)
{
    if (hasAny(ws, s, {"give*", "gave",   "lose*",     "lost",   "eat*",  "ate",  "spend*",
                       "spent", "use*",   "used",      "minus",  "fewer", "less", "difference",
                       "away",  "remov*", "subtract*", "donat*", "pays",  "paid", "left with"}))
        return u'-';
    if (haveTotal && hasAny(ws, s, {"sell*", "sold", "broke", "break*"}))
        return u'-';
    if (hasAny(ws, s, {"more",       "buy*",     "bought", "get*",      "got",     "receiv*",
                       "find*",      "found",    "add*",   "plus",      "sum",     "total",
                       "altogether", "combined", "gain*",  "earn*",     "another", "in all",
                       "together",   "collect*", "pick*",  "additional"}))
        return u'+';
    return {};
}

std::optional<double> evalExpression(const QString& text, QStringList& steps)
{
    static const QRegularExpression expr(
        QStringLiteral("\\d+(?:\\.\\d+)?(?:\\s*[-+*/x×÷]\\s*\\d+(?:\\.\\d+)?)+"));
    const auto m = expr.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    static const QRegularExpression tok(QStringLiteral("\\d+(?:\\.\\d+)?|[-+*/x×÷]"));
    QList<double> nums;
    QList<QChar> ops;
    auto it = tok.globalMatch(m.captured());
    while (it.hasNext()) {
        const QString t = it.next().captured();
        if (t.at(0).isDigit())
            nums.append(t.toDouble());
        else
            ops.append(t == u"x" || t == u"×" ? u'*' : t == u"÷" ? u'/' : t.at(0));
    }
    // Two passes: * and / first, then + and -, as a calculator would.
    for (int i = 0; i < ops.size();) {
        if (ops[i] == u'*' || ops[i] == u'/') {
            nums[i] = applyOp(ops[i], nums[i], nums[i + 1], steps);
            nums.removeAt(i + 1);
            ops.removeAt(i);
        } else {
            ++i;
        }
    }
    double r = nums.first();
    for (int i = 0; i < ops.size(); ++i)
        r = applyOp(ops[i], r, nums[i + 1], steps);
    return r;
}

QList<double> numbersIn(const QString& s)
{
    static const QRegularExpression num(QStringLiteral("(?<![\\w.])\\d+(?:,\\d{3})*(?:\\.\\d+)?"));
    QList<double> out;
    auto it = num.globalMatch(s);
    while (it.hasNext()) {
        QString t = it.next().captured();
        t.remove(u',');
        out.append(t.toDouble());
    }
    return out;
}

Calc solveArithmetic(const QString& text)
{
    Calc c;
    if (auto r = evalExpression(text, c.steps)) {
        c.result = r;
        return c;
    }
    static const QRegularExpression sentenceSplit(QStringLiteral("(?<=[.!?])\\s+|\\n+"));
    std::optional<double> acc;
    QList<double> all;
    bool compare = false;
    bool subtracted = false;
    for (const QString& sentence : text.split(sentenceSplit, Qt::SkipEmptyParts)) {
        const QString lower = sentence.toLower();
        const QStringList ws = words(lower);
        const QList<double> nums = numbersIn(sentence);
        if (nums.isEmpty()) {
            if (lower.contains(u"how many more") || lower.contains(u"how much more") ||
                lower.contains(u"how many fewer") || lower.contains(u"difference"))
                compare = true;
            continue;
        }
        all += nums;
        const QChar mul = mulOpOf(ws, lower);
        const QChar add = addOpOf(ws, lower, acc.has_value());
        const QChar addOrPlus = add.isNull() ? QChar(u'+') : add;
        if (nums.size() >= 2 && !mul.isNull()) {
            double v = nums.first();
            for (qsizetype i = 1; i < nums.size(); ++i)
                v = applyOp(mul, v, nums[i], c.steps);
            acc = acc ? applyOp(addOrPlus, *acc, v, c.steps) : v;
            subtracted |= addOrPlus == u'-';
        } else if (nums.size() >= 2) {
            qsizetype i = 0;
            if (!acc)
                acc = nums[i++];
            for (; i < nums.size(); ++i)
                acc = applyOp(addOrPlus, *acc, nums[i], c.steps);
            subtracted |= addOrPlus == u'-';
        } else if (!acc) {
            acc = nums.first();
        } else if (!mul.isNull()) {
            acc = applyOp(mul, *acc, nums.first(), c.steps);
        } else {
            acc = applyOp(addOrPlus, *acc, nums.first(), c.steps);
            subtracted |= addOrPlus == u'-';
        }
    }
    if (compare && all.size() == 2 && !subtracted) {
        c.steps.clear();
        c.result = applyOp(u'-', std::max(all[0], all[1]), std::min(all[0], all[1]), c.steps);
        return c;
    }
    c.result = acc;
    return c;
}

// --- classification

const QHash<QString, QStringList>& synonyms()
{
    static const QHash<QString, QStringList> table = {
        {"positive", {"good",      "great",      "excellent", "love",     "loved",   "loves",
                      "amazing",   "wonderful",  "happy",     "best",     "enjoy",   "enjoyed",
                      "fantastic", "like",       "liked",     "nice",     "perfect", "awesome",
                      "brilliant", "delightful", "superb",    "recommend"}},
        {"negative",
         {"bad",    "terrible",      "awful",        "hate",   "hated",    "worst",  "poor",
          "boring", "disappointing", "disappointed", "sad",    "horrible", "broken", "waste",
          "dull",   "angry",         "annoying",     "refund", "rude",     "never"}},
        {"neutral",
         {"okay", "ok", "fine", "average", "neither", "mixed", "alright", "decent", "mediocre"}},
        {"spam",
         {"free", "winner", "prize", "click", "offer", "cheap", "urgent", "cash", "win", "claim",
          "congratulations", "limited"}},
        {"ham", {"meeting", "tomorrow", "thanks", "lunch", "dinner", "call", "later", "see"}},
        {"sports",
         {"game", "team", "match", "score", "player", "win", "season", "coach", "league", "goal",
          "football", "basketball", "tennis"}},
        {"politics",
         {"election", "government", "vote", "minister", "policy", "president", "senate",
          "parliament", "law", "campaign"}},
        {"technology",
         {"computer", "software", "phone", "app", "ai", "internet", "chip", "startup", "digital",
          "device", "code", "robot"}},
        {"tech", {"computer", "software", "phone", "app", "ai", "internet", "chip", "device"}},
        {"business",
         {"market", "stocks", "stock", "company", "profit", "revenue", "shares", "economy", "bank",
          "earnings", "investors"}},
        {"science",
         {"research", "study", "scientists", "discovery", "space", "physics", "biology",
          "experiment", "planet"}},
        {"health", {"doctor", "hospital", "disease", "vaccine", "medical", "patients", "diet"}},
        {"entertainment",
         {"movie", "film", "music", "actor", "album", "show", "celebrity", "concert"}},
        {"joy", {"happy", "glad", "delighted", "joy", "excited", "love"}},
        {"sadness", {"sad", "cry", "lonely", "miss", "grief", "depressed"}},
        {"anger", {"angry", "furious", "mad", "rage", "annoyed", "hate"}},
        {"fear", {"afraid", "scared", "fear", "terrified", "nervous", "worried"}},
        {"yes", {"true", "correct", "right", "indeed", "agree"}},
        {"no", {"false", "incorrect", "wrong", "disagree"}},
        {"true", {"yes", "correct", "right", "indeed"}},
        {"false", {"no", "incorrect", "wrong", "fake"}},
        // Support-ticket triage (the tickets sample, scripts/gen-datasets keeps a copy).
        {"billing",
         {"invoice", "invoices", "charged", "charge", "charges", "payment", "payments", "bill",
          "billed", "subscription", "overcharged", "receipt", "pricing", "vat", "fee", "fees",
          "renewal"}},
        {"technical",
         {"error", "errors", "crash", "crashes", "crashed", "bug", "freezes", "frozen", "loading",
          "install", "update", "server", "timeout", "sync", "glitch", "blank", "screen", "firmware",
          "connection"}},
        {"account",
         {"password", "username", "login", "profile", "email", "verification", "locked", "signin",
          "2fa", "deactivate", "delete", "reset", "sign"}},
        {"shipping",
         {"delivery", "delivered", "package", "parcel", "tracking", "courier", "shipped",
          "shipment", "arrive", "arrived", "address", "carrier", "dispatched", "transit",
          "postage"}},
        {"refund",
         {"return", "returned", "reimburse", "reimbursed", "reimbursement", "money", "cancelled",
          "cancellation", "exchange", "cashback", "refunded", "refunds"}},
        {"other",
         {"feedback", "suggestion", "suggest", "partnership", "compliment", "hours", "career",
          "careers", "job", "press", "idea", "survey", "newsletter", "interview", "sponsor"}},
    };
    return table;
}

struct Classified
{
    int index = 0;
    QStringList evidence;
};

Classified classify(const QStringList& labels, const QString& text,
                    const QList<SimPrompt::Demo>& demos, const QString& fieldName, quint64 tieHash)
{
    QList<QSet<QString>> own(labels.size()), lexicon(labels.size());
    for (int i = 0; i < labels.size(); ++i) {
        for (const QString& w : words(labels[i])) {
            own[i].insert(w);
            for (const QString& s : synonyms().value(w))
                lexicon[i].insert(s);
        }
    }
    // Demos teach their words to their label's lexicon.
    for (const SimPrompt::Demo& d : demos) {
        const int i = labels.indexOf(valueText(d.outputs.value(fieldName)).trimmed());
        if (i < 0)
            continue;
        for (const auto& [k, v] : d.inputs) {
            for (const QString& w : contentWords(valueText(v)))
                lexicon[i].insert(w);
        }
    }
    Classified out;
    QList<int> score(labels.size(), 0);
    QList<QStringList> evidence(labels.size());
    for (const QString& w : words(text)) {
        for (int i = 0; i < labels.size(); ++i) {
            if (own[i].contains(w)) {
                score[i] += 2;
                evidence[i].append(w);
            } else if (lexicon[i].contains(w)) {
                score[i] += 1;
                evidence[i].append(w);
            }
        }
    }
    int best = *std::max_element(score.begin(), score.end());
    QList<int> tied;
    for (int i = 0; i < labels.size(); ++i) {
        if (score[i] == best)
            tied.append(i);
    }
    out.index = tied.at(int(tieHash % quint64(tied.size())));
    out.evidence = evidence[out.index];
    out.evidence.removeDuplicates();
    return out;
}

// --- extractive QA

// The longest run of words in `sentence` that the question does not already contain.
QStringList spansOf(const QString& sentence, const QSet<QString>& questionWords)
{
    static const QRegularExpression tokenRe(QStringLiteral("\\S+"));
    QStringList spans;
    QStringList run;
    auto flush = [&] {
        while (!run.isEmpty() && stopwords().contains(words(run.last()).value(0)))
            run.removeLast();
        if (!run.isEmpty())
            spans.append(run.join(u' '));
        run.clear();
    };
    auto it = tokenRe.globalMatch(sentence);
    while (it.hasNext()) {
        const QString token = it.next().captured();
        const QStringList ws = words(token);
        const QString w = ws.value(0);
        const bool fresh = !w.isEmpty() && !questionWords.contains(w);
        const bool stop = stopwords().contains(w);
        if (fresh && !stop)
            run.append(token);
        else if (fresh && stop && !run.isEmpty())
            run.append(token); // "Marie of Curie": keep joiners inside a run
        else
            flush();
    }
    flush();
    for (QString& s : spans) {
        while (!s.isEmpty() && QStringLiteral(".,;:!?\"')").contains(s.back()))
            s.chop(1);
        while (!s.isEmpty() && QStringLiteral("\"'(").contains(s.front()))
            s.remove(0, 1);
    }
    spans.removeAll(QString());
    std::stable_sort(spans.begin(), spans.end(),
                     [](const QString& a, const QString& b) { return a.size() > b.size(); });
    return spans;
}

struct Extracted
{
    QString answer;
    QString sentence;
    QString wrongAnswer;
};

Extracted extract(const QString& contextValue, const QString& question)
{
    const QStringList sentences = sentencesOf(passagesOf(contextValue));
    Extracted out;
    if (sentences.isEmpty())
        return out;
    QSet<QString> q;
    for (const QString& w : words(question))
        q.insert(w);
    QList<std::pair<int, int>> ranked; // (score, index)
    for (int i = 0; i < sentences.size(); ++i) {
        int score = 0;
        QSet<QString> seen;
        for (const QString& w : contentWords(sentences[i])) {
            if (q.contains(w) && !seen.contains(w)) {
                ++score;
                seen.insert(w);
            }
        }
        ranked.append({score, i});
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    out.sentence = sentences[ranked.first().second];
    const QStringList spans = spansOf(out.sentence, q);
    out.answer = spans.isEmpty() ? out.sentence : spans.first();
    if (ranked.size() > 1) {
        const QString other = sentences[ranked[1].second];
        const QStringList otherSpans = spansOf(other, q);
        out.wrongAnswer = otherSpans.isEmpty() ? other : otherSpans.first();
    } else if (spans.size() > 1) {
        out.wrongAnswer = spans[1];
    } else {
        out.wrongAnswer = QStringList(out.sentence.split(u' ').mid(0, 3)).join(u' ');
    }
    if (out.wrongAnswer == out.answer)
        out.wrongAnswer = out.sentence == out.answer ? QStringLiteral("unknown") : out.sentence;
    return out;
}

// --- typed echo

Value echoValue(const SimPrompt::FieldSpec& f, const QString& main)
{
    using K = SimPrompt::Kind;
    switch (f.kind) {
    case K::Int:
        return Value(0);
    case K::Float:
        return Value(0.0);
    case K::Bool:
        return Value(false);
    case K::List:
        return Value(Array{});
    case K::Dict:
    case K::Other:
        return Value(Object{});
    case K::Literal:
        return f.choices.isEmpty() ? Value(QString()) : Value(f.choices.first());
    case K::Str:
        break;
    }
    const QStringList ws =
        main.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    const QString gist = QStringList(ws.mid(0, 8)).join(u' ');
    return Value(gist.isEmpty() ? QStringLiteral("Simulated answer.")
                                : QStringLiteral("Simulated answer about: %1").arg(gist));
}

Value numberValue(const SimPrompt::FieldSpec& f, double d)
{
    if (f.kind == SimPrompt::Kind::Int)
        return Value(qint64(std::llround(d)));
    if (f.kind == SimPrompt::Kind::Float)
        return Value(std::round(d * 100) / 100);
    return Value(numText(d));
}

bool instructionsMention(const QString& instructions, SimAnswer::Skill skill)
{
    static const QRegularExpression defaultText(
        QStringLiteral("^Given the fields .*, produce the fields .*\\.$"));
    if (instructions.isEmpty() || defaultText.match(instructions).hasMatch())
        return false;
    const QString lower = instructions.toLower();
    QStringList keys;
    switch (skill) {
    case SimAnswer::Skill::Arithmetic:
        keys = {"step by step", "number", "calculat", "compute", "arithmetic", "math"};
        break;
    case SimAnswer::Skill::Classification:
        keys = {"label", "classif", "categor", "sentiment"};
        break;
    case SimAnswer::Skill::ExtractiveQA:
        keys = {"context", "passage", "extract", "quote", "span"};
        break;
    case SimAnswer::Skill::Echo:
        break;
    }
    for (const QString& k : keys) {
        if (lower.contains(k))
            return true;
    }
    return false;
}

QString renderScalar(const Value& v)
{
    if (v.isString())
        return v.toString();
    if (v.isArray() || v.isObject())
        return v.toJson(JsonStyle{-1, false, false});
    return v.toPythonStr();
}

QString xmlEscape(QString s)
{
    s.replace(u'&', QStringLiteral("&amp;"));
    s.replace(u'<', QStringLiteral("&lt;"));
    return s;
}

QString xmlValue(const Value& v)
{
    if (v.isArray()) {
        QString out;
        for (const Value& item : v.toArray())
            out += QStringLiteral("<item>%1</item>").arg(xmlValue(item));
        return out;
    }
    if (v.isObject()) {
        QString out;
        for (const auto& [k, item] : v.toObject())
            out += QStringLiteral("<%1>%2</%1>").arg(k, xmlValue(item));
        return out;
    }
    return xmlEscape(renderScalar(v));
}

} // namespace

// ---------------------------------------------------------------------------------------------

SimulatedLM::SimulatedLM(QString name, quint64 seed)
    : m_name(std::move(name))
    , m_seed(seed)
{}

QString SimulatedLM::model() const
{
    return QStringLiteral("lmsim/") + m_name;
}

void SimulatedLM::setLatency(int latencyMs, int jitterMs)
{
    m_latencyMs = std::max(0, latencyMs);
    m_jitterMs = std::max(0, jitterMs);
}

SimPrompt SimulatedLM::analyze(const QList<ChatMessage>& messages)
{
    SimPrompt p;
    qsizetype first = 0;
    if (!messages.isEmpty() && messages.first().role == u"system") {
        readSystem(messages.first().content, p);
        first = 1;
    }
    qsizetype lastUser = -1;
    for (qsizetype i = messages.size() - 1; i >= first; --i) {
        if (messages.at(i).role == u"user") {
            lastUser = i;
            break;
        }
    }
    if (lastUser < 0)
        return p;
    p.lastUserText = messages.at(lastUser).content;
    if (p.format == SimPrompt::Format::Plain)
        return p;
    // The reminder names the adapter even when the system message was edited.
    if (p.lastUserText.contains(u"Respond with a JSON object"))
        p.format = SimPrompt::Format::Json;
    else if (p.lastUserText.contains(u"wrapped in XML tags"))
        p.format = SimPrompt::Format::Xml;
    p.inputs = userInputs(p, p.lastUserText);
    for (qsizetype i = first; i + 1 < lastUser; ++i) {
        if (messages.at(i).role != u"user" || messages.at(i + 1).role != u"assistant")
            continue;
        SimPrompt::Demo d;
        d.inputs = userInputs(p, messages.at(i).content);
        d.outputs = assistantOutputs(p, messages.at(i + 1).content);
        p.demos.append(std::move(d));
        ++i;
    }
    return p;
}

SimArithmetic simReadArithmetic(const QString& text)
{
    Calc c = solveArithmetic(text);
    return SimArithmetic{c.result, std::move(c.steps)};
}

SimAnswer SimulatedLM::answer(const SimPrompt& p, quint64 seed, const QString& variant, bool oracle)
{
    // ReAct agent and extract steps (core/lm/simreact.cpp).
    if (std::optional<SimAnswer> agent = simulateReAct(p, seed, variant, oracle))
        return *agent;
    SimAnswer a;
    const QString main = mainInput(p);
    // ProgramOfThought's prompts: the code-writing skill (simcode.cpp).
    if (std::optional<SimAnswer> coded = simCodeAnswer(p, main))
        return *coded;
    QString allInputs;
    for (const auto& [k, v] : p.inputs)
        allInputs += k + u'=' + valueText(v) + u'\n';
    const quint64 h = hashText(QString(allInputs + u'|' + variant), seed);

    // Which skill the task calls for, and the output field it is judged on.
    const SimPrompt::FieldSpec* target = nullptr;
    QString contextField;
    for (const auto& [k, v] : p.inputs) {
        if (isContextName(k)) {
            contextField = k;
            break;
        }
    }
    for (const SimPrompt::FieldSpec& f : p.outputFields) {
        if (!isReasoningName(f.name) && isClassificationField(f)) {
            target = &f;
            a.skill = SimAnswer::Skill::Classification;
            break;
        }
    }
    Calc calc;
    if (!target && !contextField.isEmpty()) {
        for (const SimPrompt::FieldSpec& f : p.outputFields) {
            if (!isReasoningName(f.name) && f.kind == SimPrompt::Kind::Str) {
                target = &f;
                a.skill = SimAnswer::Skill::ExtractiveQA;
                break;
            }
        }
    }
    if (!target) {
        calc = solveArithmetic(main);
        if (calc.result) {
            for (const SimPrompt::FieldSpec& f : p.outputFields) {
                if (!isReasoningName(f.name) &&
                    (f.kind == SimPrompt::Kind::Int || f.kind == SimPrompt::Kind::Float)) {
                    target = &f;
                    break;
                }
            }
            if (!target && !calc.steps.isEmpty()) {
                for (const SimPrompt::FieldSpec& f : p.outputFields) {
                    if (!isReasoningName(f.name) && f.kind == SimPrompt::Kind::Str) {
                        target = &f;
                        break;
                    }
                }
            }
            if (target)
                a.skill = SimAnswer::Skill::Arithmetic;
        }
    }

    // The accuracy model (docs/lmsim.md). The draw ignores demos and instructions, so raising
    // pCorrect only ever turns wrong answers right.
    if (target) {
        for (const SimPrompt::Demo& d : p.demos) {
            if (!d.outputs.contains(target->name))
                continue;
            bool relevant = false;
            switch (a.skill) {
            case SimAnswer::Skill::Arithmetic:
                for (const auto& [k, v] : d.inputs)
                    relevant |= !numbersIn(valueText(v)).isEmpty();
                break;
            case SimAnswer::Skill::Classification:
                relevant =
                    target->choices.isEmpty() ||
                    target->choices.contains(valueText(d.outputs.value(target->name)).trimmed());
                break;
            case SimAnswer::Skill::ExtractiveQA:
                relevant = d.inputs.contains(contextField);
                break;
            case SimAnswer::Skill::Echo:
                break;
            }
            a.relevantDemos += relevant ? 1 : 0;
        }
        a.instructionBonus = instructionsMention(p.instructions, a.skill);
        for (const SimPrompt::FieldSpec& f : p.outputFields) {
            if (&f == target)
                break;
            a.reasoningBonus |= isReasoningName(f.name);
        }
        a.pCorrect = 0.55 + 0.08 * std::min(a.relevantDemos, 4) +
                     (a.instructionBonus ? 0.10 : 0.0) + (a.reasoningBonus ? 0.10 : 0.0);
        a.pCorrect = std::min(a.pCorrect, 0.98);
        a.roll = unitFromHash(h);
        a.wrong = !oracle && a.roll >= a.pCorrect;
    }

    QString reasoning;
    Value targetValue;
    switch (a.skill) {
    case SimAnswer::Skill::Arithmetic: {
        double result = *calc.result;
        if (a.wrong)
            result += (h & 1) || result == 0 ? 1 : -1;
        QStringList steps = calc.steps;
        if (a.wrong && !steps.isEmpty()) {
            // The slip happens in the last step, so the reasoning agrees with the wrong answer.
            const qsizetype eq = steps.last().lastIndexOf(QStringLiteral("= "));
            steps.last() = steps.last().left(eq + 2) + numText(result);
        }
        QStringList lines;
        for (int i = 0; i < steps.size(); ++i)
            lines.append(QStringLiteral("Step %1: %2.").arg(i + 1).arg(steps[i]));
        lines.append(QStringLiteral("The answer is %1.").arg(numText(result)));
        reasoning = lines.join(u' ');
        targetValue = numberValue(*target, result);
        break;
    }
    case SimAnswer::Skill::Classification: {
        QStringList labels = target->choices;
        if (labels.isEmpty()) {
            for (const SimPrompt::Demo& d : p.demos) {
                const QString l = valueText(d.outputs.value(target->name)).trimmed();
                if (!l.isEmpty() && !labels.contains(l))
                    labels.append(l);
            }
        }
        if (labels.isEmpty() && target->name.toLower() == u"sentiment")
            labels = {"positive", "negative", "neutral"};
        if (labels.isEmpty()) {
            targetValue = Value(QStringLiteral("unknown"));
            reasoning = QStringLiteral("No labels are known for this task.");
            break;
        }
        const Classified c = classify(labels, allInputs, p.demos, target->name, h >> 8);
        int index = c.index;
        if (a.wrong && labels.size() > 1)
            index = (index + 1 + int((h >> 16) % quint64(labels.size() - 1))) % int(labels.size());
        reasoning =
            c.evidence.isEmpty()
                ? QStringLiteral("No clear cue words; the closest label is %1.").arg(labels[index])
                : QStringLiteral("The text mentions %1, which points to the label %2.")
                      .arg(c.evidence.mid(0, 4).join(QStringLiteral(", ")), labels[index]);
        targetValue = Value(labels[index]);
        break;
    }
    case SimAnswer::Skill::ExtractiveQA: {
        const Extracted e = extract(valueText(p.inputs.value(contextField)), main);
        const QString answer = a.wrong ? e.wrongAnswer : e.answer;
        reasoning =
            QStringLiteral(
                "The context sentence \"%1\" overlaps most with the question, so the answer is %2.")
                .arg(e.sentence, answer);
        targetValue = Value(answer);
        break;
    }
    case SimAnswer::Skill::Echo:
        reasoning = QStringLiteral("Simulated reasoning: restating the inputs.");
        break;
    }

    for (const SimPrompt::FieldSpec& f : p.outputFields) {
        if (&f == target)
            a.fields.insert(f.name, targetValue);
        else if (isReasoningName(f.name) && f.kind == SimPrompt::Kind::Str)
            a.fields.insert(f.name, Value(reasoning));
        else
            a.fields.insert(f.name, echoValue(f, main));
    }
    return a;
}

QString SimulatedLM::render(const SimPrompt& p, const Object& fields)
{
    switch (p.format) {
    case SimPrompt::Format::Json:
        return Value(fields).toJson(JsonStyle{2, false, false});
    case SimPrompt::Format::Xml: {
        QStringList parts;
        for (const auto& [k, v] : fields)
            parts.append(QStringLiteral("<%1>\n%2\n</%1>").arg(k, xmlValue(v)));
        return parts.join(QStringLiteral("\n\n"));
    }
    case SimPrompt::Format::Chat: {
        QStringList parts;
        for (const auto& [k, v] : fields)
            parts.append(QStringLiteral("[[ ## %1 ## ]]\n%2").arg(k, renderScalar(v)));
        parts.append(QStringLiteral("[[ ## completed ## ]]"));
        return parts.join(QStringLiteral("\n\n"));
    }
    case SimPrompt::Format::Plain:
        break;
    }
    return fields.isEmpty() ? QString() : renderScalar(fields.entries().first().second);
}

qint64 SimulatedLM::countTokens(const QString& text)
{
    qint64 n = 0;
    bool inWord = false;
    for (QChar c : text) {
        const bool space = c.isSpace();
        if (!space && !inWord)
            ++n;
        inWord = !space;
    }
    return std::llround(double(n) * 1.3);
}

QList<float> SimulatedLM::embed(const QString& text, int dimensions)
{
    dimensions = std::max(1, dimensions);
    QList<double> acc(dimensions, 0.0);
    const QString padded = u' ' + text.toLower().simplified() + u' ';
    for (qsizetype i = 0; i + 3 <= padded.size(); ++i) {
        const quint64 h = hashText(QStringView(padded).mid(i, 3), 0x5eed);
        acc[int(h % quint64(dimensions))] += (h >> 63) ? 1.0 : -1.0;
    }
    double norm = 0;
    for (double d : acc)
        norm += d * d;
    QList<float> out(dimensions, 0.0f);
    if (norm == 0) {
        out[0] = 1.0f;
        return out;
    }
    norm = std::sqrt(norm);
    for (int i = 0; i < dimensions; ++i)
        out[i] = float(acc[i] / norm);
    return out;
}

LMResponse SimulatedLM::respond(const LMRequest& request) const
{
    ++m_calls;
    Object merged = m_kwargs;
    for (const auto& [k, v] : request.kwargs)
        merged.insert(k, v);
    const qint64 n =
        merged.value(u"n").isNumber() ? std::max<qint64>(1, merged.value(u"n").toInt()) : 1;
    const double temperature = merged.value(u"temperature").toDouble();
    const Value& rollout = merged.value(u"rollout_id");

    LMResponse response;
    response.model = request.model.isEmpty() ? model() : request.model;
    const SimPrompt prompt = analyze(request.messages);
    QString promptText;
    for (const ChatMessage& m : request.messages)
        promptText += m.content + u'\n';
    response.usage.promptTokens = countTokens(promptText);

    for (qint64 i = 0; i < n; ++i) {
        // Temperature 0 is fully deterministic; sampling varies with the completion index and
        // rollout id, still reproducibly for a given seed.
        const QString variant = temperature > 0
                                    ? QStringLiteral("t=%1;r=%2;i=%3")
                                          .arg(pythonFloatRepr(temperature), rollout.toPythonStr())
                                          .arg(i)
                                    : QString();
        LMOutput out;
        out.finishReason = QStringLiteral("stop");
        if (prompt.format == SimPrompt::Format::Plain) {
            const Calc c = solveArithmetic(prompt.lastUserText);
            const QStringList ws = prompt.lastUserText.split(
                QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
            out.text = c.result && !c.steps.isEmpty()
                           ? QStringLiteral("The answer is %1.").arg(numText(*c.result))
                           : QStringLiteral("Simulated response to: %1")
                                 .arg(QStringList(ws.mid(0, 12)).join(u' '));
        } else {
            out.text = render(prompt, answer(prompt, m_seed, variant, m_oracle).fields);
        }
        response.usage.completionTokens += countTokens(out.text);
        response.outputs.append(std::move(out));
    }
    response.usage.totalTokens = response.usage.promptTokens + response.usage.completionTokens;
    return response;
}

QFuture<LMResponse> SimulatedLM::call(const LMRequest& request)
{
    if (m_latencyMs == 0 && m_jitterMs == 0) {
        QPromise<LMResponse> promise;
        QFuture<LMResponse> future = promise.future();
        promise.start();
        promise.addResult(respond(request));
        promise.finish();
        return future;
    }
    const int jitter =
        m_jitterMs > 0
            ? int(hashText(QString::number(m_calls.load()), m_seed) % quint64(m_jitterMs + 1))
            : 0;
    const int delay = m_latencyMs + jitter;
    return QtConcurrent::run([this, request, delay] {
        // In-process latency blocks a pool thread, like a real blocking client would.
        QThread::msleep(ulong(delay));
        return respond(request);
    });
}

} // namespace dspy
