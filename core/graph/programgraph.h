#pragma once

// ProgramGraph — a DSPy program drawn as nodes and edges (docs/graph.md).
//
// Nodes have a stable integer id (never reused within one graph), a unique name (an identifier: it
// becomes the node's dotted predictor path), a kind, a signature, settings and the saved state of
// their predictors. The Input node's ports are the program signature's inputs, the Output node's
// ports its outputs. An edge binds an output field of one node to an input field of another.
//
// The model API follows QtNodes' AbstractGraphModel: everything is addressed by ids and roles and
// every change emits a signal, so the editor and headless code share one model. No GUI types.

#include "data/value.h"
#include "runtime/expected.h"
#include "signature/signature.h"

#include <QHash>
#include <QObject>
#include <QPointF>
#include <QVariant>

#include <optional>

namespace dspy {

using NodeId = int;
inline constexpr NodeId InvalidNodeId = -1;

namespace nodekind {
inline const QString Input = QStringLiteral("Input");
inline const QString Output = QStringLiteral("Output");
inline const QString Predict = QStringLiteral("Predict");
inline const QString ChainOfThought = QStringLiteral("ChainOfThought");
inline const QString ReAct = QStringLiteral("ReAct");
inline const QString MultiChainComparison = QStringLiteral("MultiChainComparison");
inline const QString ProgramOfThought = QStringLiteral("ProgramOfThought");
inline const QString BestOfN = QStringLiteral("BestOfN");
inline const QString Refine = QStringLiteral("Refine");
inline const QString Retrieve = QStringLiteral("Retrieve");
inline const QString Majority = QStringLiteral("Majority");
inline const QString Subgraph = QStringLiteral("Subgraph");
} // namespace nodekind

// Every kind a node may have, Input and Output first.
QStringList knownNodeKinds();
bool isKnownNodeKind(const QString& kind);
// The signature a new node of this kind starts with ("question -> answer"; Retrieve:
// "query -> passages: list[str]"; Majority: "completions: list[dict] -> answer"; Input/Output: "").
QString defaultNodeSignature(const QString& kind);

enum class PortType { In, Out };

struct ConnectionId
{
    NodeId outNode = InvalidNodeId;
    QString outField;
    NodeId inNode = InvalidNodeId;
    QString inField;
    bool operator==(const ConnectionId&) const = default;
};
size_t qHash(const ConnectionId& c, size_t seed = 0);

enum class NodeRole {
    Kind,      // QString
    Name,      // QString
    Signature, // QString, the signature text ("question -> answer: int")
    Settings,  // QString, the settings object as JSON
    State,     // QString, the predictors' saved state as JSON ({"<sub-path>": {...}})
    Position,  // QPointF
};

struct GraphNode
{
    NodeId id = InvalidNodeId;
    QString name;
    QString kind;
    QString signatureText;
    std::optional<Signature> signature; // nullopt when signatureText does not parse
    QString signatureError;             // why it does not
    Object settings;                    // kind-specific: k, max_iters, M, N, tools, config, ...
    Object state;                       // {"<sub-path>": DSPy predictor state}; {}: fresh
    QPointF position;
};

// One validation problem, naming the node and (when it concerns one) the field.
struct GraphIssue
{
    NodeId node = InvalidNodeId;
    QString nodeName;
    QString field;
    QString message;
    // "node 'answer' (ChainOfThought), field 'question': not connected"
    QString toString() const;
};

class ProgramGraph : public QObject
{
    Q_OBJECT

public:
    explicit ProgramGraph(QObject* parent = nullptr);
    ~ProgramGraph() override;

    // The program's signature: the Input node's ports are its inputs, the Output node's its
    // outputs.
    QString programSignatureText() const { return m_programSignatureText; }
    const std::optional<Signature>& programSignature() const { return m_programSignature; }
    Expected<void, QString> setProgramSignature(const QString& text);

    // --- AbstractGraphModel-style API ---
    QList<NodeId> allNodeIds() const; // ascending
    bool nodeExists(NodeId id) const { return m_nodes.contains(id); }
    const GraphNode* node(NodeId id) const;
    NodeId nodeByName(const QString& name) const; // InvalidNodeId when none
    // Adds a node with the kind's default signature; the name defaults to a free one derived from
    // the kind ("chain_of_thought", "chain_of_thought_2"). Unknown kinds are kept (validation
    // reports them) so that a file from a newer version still loads for inspection.
    NodeId addNode(const QString& kind, const QString& name = {});
    // Adds with a given id (loading files); fails when the id is taken or negative.
    Expected<void, QString> insertNode(GraphNode node);
    bool deleteNode(NodeId id); // removes its connections first (connectionDeleted for each)

    QVariant nodeData(NodeId id, NodeRole role) const;
    bool setNodeData(NodeId id, NodeRole role, const QVariant& value);
    bool setNodeName(NodeId id, const QString& name);
    bool setNodeSignature(NodeId id, const QString& text); // a text that does not parse is kept
    bool setNodeSettings(NodeId id, const Object& settings);
    bool setNodeState(NodeId id, const Object& state);

    // The fields of a node's ports (type included), in order.
    QList<Field> portFields(NodeId id, PortType type) const;
    std::optional<Field> portField(NodeId id, PortType type, const QString& name) const;

    QList<ConnectionId> allConnectionIds() const; // in insertion order
    QList<ConnectionId> connections(NodeId id) const;
    QList<ConnectionId> connections(NodeId id, PortType type, const QString& field) const;
    bool connectionExists(const ConnectionId& c) const { return m_connections.contains(c); }
    // Empty when c could be added; otherwise why not (unknown node or field, self-loop, the input
    // already connected, a type mismatch, a cycle).
    QString connectionProblem(const ConnectionId& c) const;
    bool connectionPossible(const ConnectionId& c) const { return connectionProblem(c).isEmpty(); }
    // Adds without checks beyond node and field existence (loading files, drawing a draft);
    // validate() reports the rest.
    Expected<void, QString> addConnection(const ConnectionId& c);
    bool deleteConnection(const ConnectionId& c);

    // Every problem, in node id order. Empty: the graph can run.
    QList<GraphIssue> validate() const;
    // Node ids in dependency order (Input first); nullopt when there is a cycle.
    std::optional<QList<NodeId>> topologicalOrder() const;

    void clear();
    NodeId nextNodeId() const { return m_nextId; }
    // Ids below `next` are never handed out again (a loaded file's next_id).
    void reserveIds(NodeId next) { m_nextId = std::max(m_nextId, next); }

Q_SIGNALS:
    void nodeCreated(dspy::NodeId id);
    void nodeDeleted(dspy::NodeId id);
    void nodeUpdated(dspy::NodeId id);
    void nodePositionUpdated(dspy::NodeId id);
    void connectionCreated(const dspy::ConnectionId& c);
    void connectionDeleted(const dspy::ConnectionId& c);
    void programSignatureChanged();

private:
    QString freeName(const QString& base) const;
    bool reaches(NodeId from, NodeId to) const;

    QString m_programSignatureText;
    std::optional<Signature> m_programSignature;
    QHash<NodeId, GraphNode> m_nodes;
    QList<ConnectionId> m_connections;
    NodeId m_nextId = 1;
};

// Names usable as node names (and thus predictor path segments): [A-Za-z_][A-Za-z0-9_]*.
bool isValidNodeName(const QString& name);

} // namespace dspy
