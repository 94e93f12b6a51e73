#include "graph/programgraph.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace dspy {

namespace {

bool isLmKind(const QString& kind)
{
    return kind == nodekind::Predict || kind == nodekind::ChainOfThought ||
           kind == nodekind::ProgramOfThought || kind == nodekind::BestOfN ||
           kind == nodekind::Refine;
}

Field extraOutput(const QString& name, TypeSpec type, const QString& desc = {})
{
    return makeOutputField(name, std::move(type), desc);
}

TypeSpec completionsType()
{
    return TypeSpec::list(TypeSpec::dict(TypeSpec::str(), TypeSpec::any()));
}

// A connection from `from` can feed `to` when `to` is untyped or str (any value formats into a
// str field) or Any, or when both types are the same.
bool typesCompatible(const Field& from, const Field& to)
{
    if (to.typeUndefined || to.type.isStr() || to.type.kind() == TypeSpec::Kind::Any)
        return true;
    if (from.type.kind() == TypeSpec::Kind::Any)
        return true;
    return from.type == to.type;
}

QString typeName(const Field& f)
{
    return f.typeUndefined ? QStringLiteral("str") : f.type.displayName();
}

QString snakeCase(const QString& kind)
{
    QString out;
    for (qsizetype i = 0; i < kind.size(); ++i) {
        const QChar c = kind.at(i);
        if (c.isUpper()) {
            if (i > 0)
                out += QLatin1Char('_');
            out += c.toLower();
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

QStringList knownNodeKinds()
{
    return {nodekind::Input,
            nodekind::Output,
            nodekind::Predict,
            nodekind::ChainOfThought,
            nodekind::ReAct,
            nodekind::MultiChainComparison,
            nodekind::ProgramOfThought,
            nodekind::BestOfN,
            nodekind::Refine,
            nodekind::Retrieve,
            nodekind::Majority,
            nodekind::Subgraph};
}

bool isKnownNodeKind(const QString& kind)
{
    return knownNodeKinds().contains(kind);
}

QString defaultNodeSignature(const QString& kind)
{
    if (kind == nodekind::Input || kind == nodekind::Output)
        return {};
    if (kind == nodekind::Retrieve)
        return QStringLiteral("query -> passages: list[str]");
    if (kind == nodekind::Majority)
        return QStringLiteral("completions: list[dict[str, Any]] -> answer");
    return QStringLiteral("question -> answer");
}

size_t qHash(const ConnectionId& c, size_t seed)
{
    return qHashMulti(seed, c.outNode, c.outField, c.inNode, c.inField);
}

bool isValidNodeName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return re.match(name).hasMatch();
}

QString GraphIssue::toString() const
{
    QString s =
        nodeName.isEmpty() ? QStringLiteral("graph") : QStringLiteral("node '%1'").arg(nodeName);
    if (!field.isEmpty())
        s += QStringLiteral(", field '%1'").arg(field);
    return s + QStringLiteral(": ") + message;
}

ProgramGraph::ProgramGraph(QObject* parent)
    : QObject(parent)
{}

ProgramGraph::~ProgramGraph() = default;

Expected<void, QString> ProgramGraph::setProgramSignature(const QString& text)
{
    SignatureError error;
    auto parsed = Signature::parse(text, {}, &error);
    if (!parsed)
        return unexpected(QStringLiteral("program signature: ") + error.toString());
    m_programSignatureText = text;
    m_programSignature = std::move(parsed);
    Q_EMIT programSignatureChanged();
    for (const GraphNode& n : std::as_const(m_nodes)) {
        if (n.kind == nodekind::Input || n.kind == nodekind::Output)
            Q_EMIT nodeUpdated(n.id);
    }
    return {};
}

QList<NodeId> ProgramGraph::allNodeIds() const
{
    QList<NodeId> ids = m_nodes.keys();
    std::sort(ids.begin(), ids.end());
    return ids;
}

const GraphNode* ProgramGraph::node(NodeId id) const
{
    auto it = m_nodes.constFind(id);
    return it == m_nodes.cend() ? nullptr : &it.value();
}

NodeId ProgramGraph::nodeByName(const QString& name) const
{
    for (const GraphNode& n : m_nodes) {
        if (n.name == name)
            return n.id;
    }
    return InvalidNodeId;
}

QString ProgramGraph::freeName(const QString& base) const
{
    if (nodeByName(base) == InvalidNodeId)
        return base;
    for (int i = 2;; ++i) {
        const QString candidate = base + QLatin1Char('_') + QString::number(i);
        if (nodeByName(candidate) == InvalidNodeId)
            return candidate;
    }
}

NodeId ProgramGraph::addNode(const QString& kind, const QString& name)
{
    GraphNode n;
    n.id = m_nextId;
    n.kind = kind;
    n.name = name.isEmpty() ? freeName(snakeCase(kind)) : name;
    n.signatureText = defaultNodeSignature(kind);
    if (!n.signatureText.isEmpty())
        n.signature = Signature::parse(n.signatureText);
    const NodeId id = n.id;
    insertNode(std::move(n));
    return id;
}

Expected<void, QString> ProgramGraph::insertNode(GraphNode n)
{
    if (n.id < 0)
        return unexpected(QStringLiteral("node id %1 is negative").arg(n.id));
    if (m_nodes.contains(n.id))
        return unexpected(QStringLiteral("node id %1 is used twice").arg(n.id));
    if (!n.signatureText.isEmpty() && !n.signature) {
        SignatureError error;
        n.signature = Signature::parse(n.signatureText, {}, &error);
        if (!n.signature)
            n.signatureError = error.toString();
    }
    const NodeId id = n.id;
    m_nextId = std::max(m_nextId, id + 1);
    m_nodes.insert(id, std::move(n));
    Q_EMIT nodeCreated(id);
    return {};
}

bool ProgramGraph::deleteNode(NodeId id)
{
    if (!m_nodes.contains(id))
        return false;
    for (const ConnectionId& c : connections(id))
        deleteConnection(c);
    m_nodes.remove(id);
    Q_EMIT nodeDeleted(id);
    return true;
}

QVariant ProgramGraph::nodeData(NodeId id, NodeRole role) const
{
    const GraphNode* n = node(id);
    if (!n)
        return {};
    switch (role) {
    case NodeRole::Kind:
        return n->kind;
    case NodeRole::Name:
        return n->name;
    case NodeRole::Signature:
        return n->signatureText;
    case NodeRole::Settings:
        return Value(n->settings).toJson(JsonStyle{-1, false, true});
    case NodeRole::State:
        return Value(n->state).toJson(JsonStyle{-1, false, true});
    case NodeRole::Position:
        return n->position;
    }
    return {};
}

bool ProgramGraph::setNodeData(NodeId id, NodeRole role, const QVariant& value)
{
    if (!m_nodes.contains(id))
        return false;
    auto jsonObject = [&](Object& out) {
        const auto parsed = Value::fromJson(value.toString());
        if (!parsed || !parsed->isObject())
            return false;
        out = parsed->toObject();
        return true;
    };
    switch (role) {
    case NodeRole::Kind: {
        GraphNode& n = m_nodes[id];
        n.kind = value.toString();
        Q_EMIT nodeUpdated(id);
        return true;
    }
    case NodeRole::Name:
        return setNodeName(id, value.toString());
    case NodeRole::Signature:
        return setNodeSignature(id, value.toString());
    case NodeRole::Settings: {
        Object o;
        return jsonObject(o) && setNodeSettings(id, o);
    }
    case NodeRole::State: {
        Object o;
        return jsonObject(o) && setNodeState(id, o);
    }
    case NodeRole::Position:
        m_nodes[id].position = value.toPointF();
        Q_EMIT nodePositionUpdated(id);
        return true;
    }
    return false;
}

bool ProgramGraph::setNodeName(NodeId id, const QString& name)
{
    if (!m_nodes.contains(id))
        return false;
    m_nodes[id].name = name;
    Q_EMIT nodeUpdated(id);
    return true;
}

bool ProgramGraph::setNodeSignature(NodeId id, const QString& text)
{
    if (!m_nodes.contains(id))
        return false;
    GraphNode& n = m_nodes[id];
    n.signatureText = text;
    SignatureError error;
    n.signature = Signature::parse(text, {}, &error);
    n.signatureError = n.signature ? QString() : error.toString();
    Q_EMIT nodeUpdated(id);
    return true;
}

bool ProgramGraph::setNodeSettings(NodeId id, const Object& settings)
{
    if (!m_nodes.contains(id))
        return false;
    m_nodes[id].settings = settings;
    Q_EMIT nodeUpdated(id);
    return true;
}

bool ProgramGraph::setNodeState(NodeId id, const Object& state)
{
    if (!m_nodes.contains(id))
        return false;
    m_nodes[id].state = state;
    Q_EMIT nodeUpdated(id);
    return true;
}

QList<Field> ProgramGraph::portFields(NodeId id, PortType type) const
{
    const GraphNode* n = node(id);
    if (!n)
        return {};
    const bool in = type == PortType::In;
    if (n->kind == nodekind::Input) {
        return in || !m_programSignature ? QList<Field>{} : m_programSignature->inputFields();
    }
    if (n->kind == nodekind::Output) {
        return !in || !m_programSignature ? QList<Field>{} : m_programSignature->outputFields();
    }
    if (!n->signature)
        return {};
    const Signature& sig = *n->signature;
    if (in) {
        QList<Field> fields = sig.inputFields();
        if (n->kind == nodekind::MultiChainComparison)
            fields.append(makeInputField(QStringLiteral("completions"), completionsType()));
        return fields;
    }
    QList<Field> fields;
    if (n->kind == nodekind::ChainOfThought)
        fields.append(extraOutput(QStringLiteral("reasoning"), TypeSpec::str()));
    if (n->kind == nodekind::MultiChainComparison)
        fields.append(extraOutput(QStringLiteral("rationale"), TypeSpec::str()));
    if (n->kind == nodekind::ReAct) {
        fields.append(extraOutput(QStringLiteral("trajectory"),
                                  TypeSpec::dict(TypeSpec::str(), TypeSpec::any())));
        fields.append(extraOutput(QStringLiteral("reasoning"), TypeSpec::str()));
    }
    fields.append(sig.outputFields());
    if (n->kind == nodekind::Retrieve) {
        fields.append(extraOutput(QStringLiteral("ids"), TypeSpec::list(TypeSpec::str())));
        fields.append(extraOutput(QStringLiteral("scores"), TypeSpec::list(TypeSpec::floating())));
    }
    if (isLmKind(n->kind))
        fields.append(extraOutput(QStringLiteral("completions"), completionsType()));
    return fields;
}

std::optional<Field> ProgramGraph::portField(NodeId id, PortType type, const QString& name) const
{
    for (const Field& f : portFields(id, type)) {
        if (f.name == name)
            return f;
    }
    return std::nullopt;
}

QList<ConnectionId> ProgramGraph::allConnectionIds() const
{
    return m_connections;
}

QList<ConnectionId> ProgramGraph::connections(NodeId id) const
{
    QList<ConnectionId> out;
    for (const ConnectionId& c : m_connections) {
        if (c.outNode == id || c.inNode == id)
            out.append(c);
    }
    return out;
}

QList<ConnectionId> ProgramGraph::connections(NodeId id, PortType type, const QString& field) const
{
    QList<ConnectionId> out;
    for (const ConnectionId& c : m_connections) {
        if (type == PortType::In ? (c.inNode == id && c.inField == field)
                                 : (c.outNode == id && c.outField == field))
            out.append(c);
    }
    return out;
}

bool ProgramGraph::reaches(NodeId from, NodeId to) const
{
    QSet<NodeId> seen;
    QList<NodeId> stack{from};
    while (!stack.isEmpty()) {
        const NodeId n = stack.takeLast();
        if (n == to)
            return true;
        if (seen.contains(n))
            continue;
        seen.insert(n);
        for (const ConnectionId& c : m_connections) {
            if (c.outNode == n)
                stack.append(c.inNode);
        }
    }
    return false;
}

QString ProgramGraph::connectionProblem(const ConnectionId& c) const
{
    const GraphNode* out = node(c.outNode);
    const GraphNode* in = node(c.inNode);
    if (!out)
        return QStringLiteral("no node with id %1").arg(c.outNode);
    if (!in)
        return QStringLiteral("no node with id %1").arg(c.inNode);
    const QList<Field> outFields = portFields(c.outNode, PortType::Out);
    const QList<Field> inFields = portFields(c.inNode, PortType::In);
    auto find = [](const QList<Field>& fs, const QString& name) -> const Field* {
        for (const Field& f : fs) {
            if (f.name == name)
                return &f;
        }
        return nullptr;
    };
    const Field* from = find(outFields, c.outField);
    const Field* to = find(inFields, c.inField);
    if (!from)
        return QStringLiteral("node '%1' has no output field '%2'").arg(out->name, c.outField);
    if (!to)
        return QStringLiteral("node '%1' has no input field '%2'").arg(in->name, c.inField);
    if (c.outNode == c.inNode)
        return QStringLiteral("node '%1' cannot feed itself").arg(in->name);
    if (connectionExists(c))
        return QStringLiteral("already connected");
    if (!connections(c.inNode, PortType::In, c.inField).isEmpty())
        return QStringLiteral("node '%1', field '%2' is already connected")
            .arg(in->name, c.inField);
    if (!typesCompatible(*from, *to)) {
        return QStringLiteral("type mismatch: '%1.%2' is %3, '%4.%5' expects %6")
            .arg(out->name, c.outField, typeName(*from), in->name, c.inField, typeName(*to));
    }
    if (reaches(c.inNode, c.outNode))
        return QStringLiteral("would make a cycle through '%1' and '%2'").arg(out->name, in->name);
    return {};
}

Expected<void, QString> ProgramGraph::addConnection(const ConnectionId& c)
{
    if (!nodeExists(c.outNode))
        return unexpected(QStringLiteral("no node with id %1").arg(c.outNode));
    if (!nodeExists(c.inNode))
        return unexpected(QStringLiteral("no node with id %1").arg(c.inNode));
    if (connectionExists(c))
        return unexpected(QStringLiteral("already connected"));
    m_connections.append(c);
    Q_EMIT connectionCreated(c);
    return {};
}

bool ProgramGraph::deleteConnection(const ConnectionId& c)
{
    if (!m_connections.removeOne(c))
        return false;
    Q_EMIT connectionDeleted(c);
    return true;
}

std::optional<QList<NodeId>> ProgramGraph::topologicalOrder() const
{
    QHash<NodeId, int> indegree;
    for (NodeId id : m_nodes.keys())
        indegree.insert(id, 0);
    for (const ConnectionId& c : m_connections) {
        if (indegree.contains(c.inNode) && indegree.contains(c.outNode))
            ++indegree[c.inNode];
    }
    QList<NodeId> ready;
    for (auto it = indegree.cbegin(); it != indegree.cend(); ++it) {
        if (it.value() == 0)
            ready.append(it.key());
    }
    std::sort(ready.begin(), ready.end(), std::greater<>());
    QList<NodeId> order;
    while (!ready.isEmpty()) {
        const NodeId n = ready.takeLast(); // smallest id first: a stable order
        order.append(n);
        QList<NodeId> next;
        for (const ConnectionId& c : m_connections) {
            if (c.outNode == n && indegree.contains(c.inNode) && --indegree[c.inNode] == 0)
                next.append(c.inNode);
        }
        ready.append(next);
        std::sort(ready.begin(), ready.end(), std::greater<>());
    }
    if (order.size() != m_nodes.size())
        return std::nullopt;
    return order;
}

QList<GraphIssue> ProgramGraph::validate() const
{
    QList<GraphIssue> issues;
    auto add = [&](const GraphNode* n, const QString& field, const QString& message) {
        issues.append(
            GraphIssue{n ? n->id : InvalidNodeId, n ? n->name : QString(), field, message});
    };
    if (!m_programSignature)
        add(nullptr, {}, QStringLiteral("the program has no signature"));

    int inputs = 0;
    int outputs = 0;
    QHash<QString, int> names;
    for (const GraphNode& n : m_nodes)
        ++names[n.name];

    for (NodeId id : allNodeIds()) {
        const GraphNode* n = node(id);
        if (n->kind == nodekind::Input)
            ++inputs;
        if (n->kind == nodekind::Output)
            ++outputs;
        if (!isValidNodeName(n->name))
            add(n, {}, QStringLiteral("the name '%1' is not an identifier").arg(n->name));
        else if (names.value(n->name) > 1)
            add(n, {},
                QStringLiteral("the name '%1' is used by %2 nodes")
                    .arg(n->name)
                    .arg(names.value(n->name)));
        if (!isKnownNodeKind(n->kind)) {
            add(n, {},
                QStringLiteral("unknown node kind '%1' (known: %2)")
                    .arg(n->kind, knownNodeKinds().join(QStringLiteral(", "))));
            continue;
        }
        if (n->kind != nodekind::Input && n->kind != nodekind::Output && !n->signature) {
            add(n, {},
                n->signatureText.isEmpty() ? QStringLiteral("no signature")
                                           : QStringLiteral("signature '%1' does not parse: %2")
                                                 .arg(n->signatureText, n->signatureError));
            continue;
        }
        if (n->kind == nodekind::Retrieve && n->signature &&
            n->signature->inputNames() != QStringList{QStringLiteral("query")})
            add(n, {}, QStringLiteral("a Retrieve node takes exactly one input, 'query'"));
        for (const Field& f : portFields(id, PortType::In)) {
            const QList<ConnectionId> in = connections(id, PortType::In, f.name);
            if (in.isEmpty()) {
                const bool optional = f.defaultValue.has_value() || f.name == u"completions";
                if (!optional)
                    add(n, f.name, QStringLiteral("required input is not connected"));
            } else if (in.size() > 1) {
                add(n, f.name, QStringLiteral("input is connected %1 times").arg(in.size()));
            }
        }
    }
    if (inputs != 1)
        add(nullptr, {},
            QStringLiteral("the program needs exactly one Input node (has %1)").arg(inputs));
    if (outputs != 1)
        add(nullptr, {},
            QStringLiteral("the program needs exactly one Output node (has %1)").arg(outputs));

    for (const ConnectionId& c : m_connections) {
        const GraphNode* out = node(c.outNode);
        const GraphNode* in = node(c.inNode);
        if (!out || !in) {
            add(in ? in : out, in ? c.inField : c.outField,
                QStringLiteral("connected to a missing node %1").arg(out ? c.inNode : c.outNode));
            continue;
        }
        if (!isKnownNodeKind(out->kind) || !isKnownNodeKind(in->kind))
            continue;
        const QList<Field> outFields = portFields(c.outNode, PortType::Out);
        const QList<Field> inFields = portFields(c.inNode, PortType::In);
        const Field* from = nullptr;
        const Field* to = nullptr;
        for (const Field& f : outFields) {
            if (f.name == c.outField)
                from = &f;
        }
        for (const Field& f : inFields) {
            if (f.name == c.inField)
                to = &f;
        }
        if (!from && (out->signature || out->kind == nodekind::Input)) {
            add(out, c.outField,
                QStringLiteral("no such output field (connected to '%1.%2')")
                    .arg(in->name, c.inField));
        }
        if (!to && (in->signature || in->kind == nodekind::Output)) {
            add(in, c.inField,
                QStringLiteral("no such input field (connected from '%1.%2')")
                    .arg(out->name, c.outField));
        }
        if (from && to && !typesCompatible(*from, *to)) {
            add(in, c.inField,
                QStringLiteral("type mismatch: expects %1, '%2.%3' gives %4")
                    .arg(typeName(*to), out->name, c.outField, typeName(*from)));
        }
        if (c.outNode == c.inNode)
            add(in, c.inField, QStringLiteral("the node feeds itself"));
    }

    if (!topologicalOrder()) {
        // Name the nodes on cycles: those that reach themselves.
        for (NodeId id : allNodeIds()) {
            bool onCycle = false;
            for (const ConnectionId& c : m_connections) {
                if (c.outNode == id && c.inNode != id && reaches(c.inNode, id)) {
                    onCycle = true;
                    add(node(id), c.outField,
                        QStringLiteral("part of a cycle (feeds '%1.%2', which leads back here)")
                            .arg(node(c.inNode) ? node(c.inNode)->name : QString(), c.inField));
                    break;
                }
            }
            Q_UNUSED(onCycle);
        }
    }
    return issues;
}

void ProgramGraph::clear()
{
    for (const ConnectionId& c : QList<ConnectionId>(m_connections))
        deleteConnection(c);
    for (NodeId id : allNodeIds())
        deleteNode(id);
    m_nextId = 1;
}

} // namespace dspy
