#include "lm/simreact.h"

#include <QRegularExpression>

#include <map>

namespace dspy {

namespace {

struct SimTool
{
    QString name;
    QString desc;
    QStringList argNames;
};

struct SimStep
{
    QString toolName;
    QString toolArgs;
    std::optional<QString> observation;
};

QString text(const Value& v)
{
    return v.isString() ? v.toString() : v.toPythonStr();
}

// The top-level keys of a Python dict repr: "{'a': {'type': 'string'}, 'b': {...}}" -> a, b.
QStringList dictKeys(const QString& repr)
{
    QStringList keys;
    int depth = 0;
    for (qsizetype i = 0; i < repr.size(); ++i) {
        const QChar c = repr.at(i);
        if (c == u'\'' || c == u'"') {
            qsizetype j = i + 1;
            QString s;
            for (; j < repr.size() && repr.at(j) != c; ++j) {
                if (repr.at(j) == u'\\' && j + 1 < repr.size())
                    ++j;
                s += repr.at(j);
            }
            if (depth == 1 && j + 1 < repr.size() && repr.at(j + 1) == u':')
                keys.append(s);
            i = j;
        } else if (c == u'{' || c == u'[' || c == u'(') {
            ++depth;
        } else if (c == u'}' || c == u']' || c == u')') {
            --depth;
        }
    }
    return keys;
}

// "(1) name, whose description is <desc>…</desc>. It takes arguments {…}." lines (Tool.__str__).
QList<SimTool> toolsOf(const QString& instructions)
{
    static const QRegularExpression line(
        QStringLiteral("^\\(\\d+\\) (\\w+)(?:, whose description is <desc>(.*)</desc>)?\\. "
                       "It takes arguments (\\{.*\\})\\.$"),
        QRegularExpression::MultilineOption);
    QList<SimTool> out;
    auto it = line.globalMatch(instructions);
    while (it.hasNext()) {
        const auto m = it.next();
        out.append(SimTool{m.captured(1), m.captured(2), dictKeys(m.captured(3))});
    }
    return out;
}

QString xmlUnescape(QString s)
{
    s.replace(QStringLiteral("&lt;"), QStringLiteral("<"));
    s.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
    return s;
}

bool isTrajectoryKey(const QString& key)
{
    static const QRegularExpression re(
        QStringLiteral("^(thought|tool_name|tool_args|observation)_\\d+$"));
    return key == u"trajectory" || re.match(key).hasMatch();
}

// The steps of the trajectory: from the nested "[[ ## observation_0 ## ]]" sections the prompt
// reader already split out (Chat, JSON), or from the <observation_0> tags inside <trajectory>.
std::map<int, SimStep> stepsOf(const SimPrompt& p)
{
    static const QRegularExpression key(
        QStringLiteral("^(thought|tool_name|tool_args|observation)_(\\d+)$"));
    Object parts;
    for (const auto& [k, v] : p.inputs) {
        if (key.match(k).hasMatch())
            parts.insert(k, v);
    }
    if (parts.isEmpty() && p.inputs.contains(u"trajectory")) {
        static const QRegularExpression tag(
            QStringLiteral("<((?:thought|tool_name|tool_args|observation)_\\d+)>(.*?)</\\1>"),
            QRegularExpression::DotMatchesEverythingOption);
        auto it = tag.globalMatch(text(p.inputs.value(u"trajectory")));
        while (it.hasNext()) {
            const auto m = it.next();
            parts.insert(m.captured(1), xmlUnescape(m.captured(2).trimmed()));
        }
    }
    std::map<int, SimStep> steps;
    for (const auto& [k, v] : parts) {
        const auto m = key.match(k);
        SimStep& s = steps[m.captured(2).toInt()];
        const QString what = m.captured(1);
        if (what == u"tool_name")
            s.toolName = text(v);
        else if (what == u"tool_args")
            s.toolArgs = text(v);
        else if (what == u"observation")
            s.observation = text(v);
    }
    return steps;
}

// The input the task is about (the simulator's preference order), trajectory parts aside.
QString mainText(const SimPrompt& p)
{
    static const QStringList preferred = {"question", "problem", "query", "q",    "text",
                                          "sentence", "review",  "input", "claim"};
    for (const QString& name : preferred) {
        if (p.inputs.contains(name))
            return text(p.inputs.value(name));
    }
    for (const auto& [k, v] : p.inputs) {
        if (!isTrajectoryKey(k))
            return text(v);
    }
    return {};
}

// "Step 1: 4 packs × 7 = 28." steps of the arithmetic skill, chained back into one expression:
// "23 + (4 * 7)". Empty when the skill recognises no operation.
QString arithmeticExpression(const QString& question, quint64 seed)
{
    SimPrompt probe;
    probe.format = SimPrompt::Format::Chat;
    SimPrompt::FieldSpec q;
    q.name = QStringLiteral("question");
    probe.inputFields = {q};
    SimPrompt::FieldSpec reasoning;
    reasoning.name = QStringLiteral("reasoning");
    SimPrompt::FieldSpec answer;
    answer.name = QStringLiteral("answer");
    answer.typeName = QStringLiteral("float");
    answer.kind = SimPrompt::Kind::Float;
    probe.outputFields = {reasoning, answer};
    probe.inputs.insert(QStringLiteral("question"), Value(question));
    const SimAnswer solved = SimulatedLM::answer(probe, seed, QString(), true);
    if (solved.skill != SimAnswer::Skill::Arithmetic)
        return {};
    static const QRegularExpression step(
        QStringLiteral("Step \\d+: (-?[\\d.]+) ([-+×÷]) (-?[\\d.]+) = (-?[\\d.]+)\\.(?= |$)"));
    QList<std::pair<QString, QString>> results; // (value text, expression), unconsumed
    auto operand = [&](const QString& value) {
        for (qsizetype i = results.size() - 1; i >= 0; --i) {
            if (results.at(i).first == value) {
                const QString e = results.takeAt(i).second;
                return QStringLiteral("(%1)").arg(e);
            }
        }
        return value;
    };
    QString last;
    auto it = step.globalMatch(solved.fields.value(u"reasoning").toString());
    while (it.hasNext()) {
        const auto m = it.next();
        const QString a = operand(m.captured(1));
        const QString b = operand(m.captured(3));
        const QString op = m.captured(2) == u"×"   ? QStringLiteral("*")
                           : m.captured(2) == u"÷" ? QStringLiteral("/")
                                                   : m.captured(2);
        last = QStringLiteral("%1 %2 %3").arg(a, op, b);
        results.append({m.captured(4), last});
    }
    return last;
}

bool mentions(const SimTool& t, std::initializer_list<const char*> keys)
{
    const QString hay = (t.name + u' ' + t.desc).toLower();
    for (const char* k : keys) {
        if (hay.contains(QLatin1String(k)))
            return true;
    }
    return false;
}

const SimTool* pick(const QList<SimTool>& tools, std::initializer_list<const char*> keys)
{
    for (const SimTool& t : tools) {
        if (t.name != u"finish" && mentions(t, keys))
            return &t;
    }
    return nullptr;
}

Object argsFor(const SimTool& tool, const QString& value)
{
    Object args;
    if (!tool.argNames.isEmpty())
        args.insert(tool.argNames.first(), Value(value));
    return args;
}

QString clip(const QString& s, int words)
{
    const QStringList ws = s.simplified().split(u' ', Qt::SkipEmptyParts);
    return ws.size() <= words ? ws.join(u' ') : QStringList(ws.mid(0, words)).join(u' ') + u'…';
}

SimAnswer agentStep(const SimPrompt& p, quint64 seed)
{
    const QList<SimTool> tools = toolsOf(p.instructions);
    const std::map<int, SimStep> steps = stepsOf(p);
    QString thought;
    QString toolName = QStringLiteral("finish");
    Object args;

    const SimStep* observed = nullptr;
    for (const auto& [idx, s] : steps) {
        if (s.observation)
            observed = &s;
    }
    if (observed) {
        thought = QStringLiteral("The %1 tool returned: %2. That is what I need to produce the "
                                 "outputs, so I finish.")
                      .arg(observed->toolName, clip(*observed->observation, 24));
    } else {
        const QString question = mainText(p);
        const QString expression = arithmeticExpression(question, seed);
        const SimTool* calc =
            pick(tools, {"calculat", "evaluat", "arithmetic", "math", "comput", "expression"});
        const SimTool* search = pick(tools, {"search", "retriev", "lookup", "look up", "wiki",
                                             "find", "query", "passage", "document"});
        if (calc && !expression.isEmpty()) {
            toolName = calc->name;
            args = argsFor(*calc, expression);
            thought = QStringLiteral("I need to compute %1. I will use the %2 tool.")
                          .arg(expression, calc->name);
        } else if (search) {
            toolName = search->name;
            args = argsFor(*search, question);
            thought = QStringLiteral("I need information to answer: %1 I will use the %2 tool.")
                          .arg(clip(question, 24), search->name);
        } else {
            thought = QStringLiteral("None of the tools helps with this task, so I finish.");
        }
    }
    SimAnswer a;
    for (const SimPrompt::FieldSpec& f : p.outputFields) {
        if (f.name == u"next_thought")
            a.fields.insert(f.name, Value(thought));
        else if (f.name == u"next_tool_name")
            a.fields.insert(f.name, Value(toolName));
        else if (f.name == u"next_tool_args")
            a.fields.insert(f.name, Value(args));
    }
    return a;
}

std::optional<double> numberIn(const QString& s)
{
    static const QRegularExpression num(QStringLiteral("^\\s*(-?\\d+(?:\\.\\d+)?)\\s*$"));
    const auto m = num.match(s);
    if (!m.hasMatch())
        return std::nullopt;
    return m.captured(1).toDouble();
}

std::optional<SimAnswer> extractStep(const SimPrompt& p, quint64 seed, const QString& variant,
                                     bool oracle)
{
    const std::map<int, SimStep> steps = stepsOf(p);
    QStringList observations;
    const SimStep* lastUseful = nullptr;
    for (const auto& [idx, s] : steps) {
        if (!s.observation || s.toolName == u"finish" ||
            s.observation->startsWith(u"Execution error in "))
            continue;
        observations.append(*s.observation);
        lastUseful = &s;
    }
    if (!lastUseful)
        return std::nullopt;

    // The task without its trajectory, the observations as its context.
    SimPrompt task = p;
    task.inputFields.clear();
    for (const SimPrompt::FieldSpec& f : p.inputFields) {
        if (f.name != u"trajectory")
            task.inputFields.append(f);
    }
    task.inputs = Object();
    for (const auto& [k, v] : p.inputs) {
        if (!isTrajectoryKey(k))
            task.inputs.insert(k, v);
    }
    const QString context = observations.join(u'\n');
    if (task.inputs.contains(u"context"))
        task.inputs.insert(QStringLiteral("context"),
                           Value(text(task.inputs.value(u"context")) + u'\n' + context));
    else
        task.inputs.insert(QStringLiteral("context"), Value(context));
    SimAnswer a = SimulatedLM::answer(task, seed, variant, oracle);

    // A number from a tool (a calculator's result) is taken as it is: tools do not slip.
    const std::optional<double> number = numberIn(*lastUseful->observation);
    if (!number)
        return a;
    for (const SimPrompt::FieldSpec& f : p.outputFields) {
        if (f.kind != SimPrompt::Kind::Int && f.kind != SimPrompt::Kind::Float)
            continue;
        const QString shown = lastUseful->observation->trimmed();
        QString input = lastUseful->toolArgs;
        if (auto v = Value::fromJson(input); v && v->isObject() && v->toObject().size() == 1)
            input = text(v->toObject().entries().first().second);
        a.fields.insert(f.name, f.kind == SimPrompt::Kind::Int
                                    ? Value(qint64(std::llround(*number)))
                                    : Value(*number));
        for (const SimPrompt::FieldSpec& r : p.outputFields) {
            if (r.name == u"reasoning" || r.name == u"rationale") {
                a.fields.insert(r.name, Value(QStringLiteral("The %1 tool computed %2 = %3, so "
                                                             "the answer is %3.")
                                                  .arg(lastUseful->toolName, input, shown)));
            }
        }
        a.skill = SimAnswer::Skill::Arithmetic;
        a.wrong = false;
        a.pCorrect = 1;
        break;
    }
    return a;
}

} // namespace

std::optional<SimAnswer> simulateReAct(const SimPrompt& prompt, quint64 seed,
                                       const QString& variant, bool oracle)
{
    bool thought = false, name = false, args = false, trajectory = false;
    for (const SimPrompt::FieldSpec& f : prompt.outputFields) {
        thought |= f.name == u"next_thought";
        name |= f.name == u"next_tool_name";
        args |= f.name == u"next_tool_args";
    }
    if (thought && name && args)
        return agentStep(prompt, seed);
    for (const SimPrompt::FieldSpec& f : prompt.inputFields)
        trajectory |= f.name == u"trajectory";
    if (trajectory)
        return extractStep(prompt, seed, variant, oracle);
    return std::nullopt;
}

} // namespace dspy
