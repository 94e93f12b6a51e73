#include "graph/projectfile.h"

#include "retrieve/corpusretriever.h"

#include "modules/predict.h"
#include "modules/retrieve.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace dspy {

namespace {

const JsonStyle kFileStyle{2, false, false};

// Keys sorted at every level except inside a node's "state": that is DSPy's saved state, whose key
// order (demo fields as DSPy wrote them) an export must reproduce.
Value sortedKeys(const Value& v)
{
    if (v.isArray()) {
        Array out;
        for (const Value& e : v.toArray())
            out.append(sortedKeys(e));
        return out;
    }
    if (!v.isObject())
        return v;
    const Object& o = v.toObject();
    QStringList keys = o.keys();
    std::sort(keys.begin(), keys.end());
    Object out;
    for (const QString& k : keys)
        out.insert(k, k == u"state" ? o.value(k) : sortedKeys(o.value(k)));
    return out;
}

QString where(const QString& source)
{
    return source.isEmpty() ? QStringLiteral("project") : source;
}

Array stringArray(const QStringList& list)
{
    Array a;
    for (const QString& s : list)
        a.append(Value(s));
    return a;
}

QStringList stringList(const Value& v)
{
    QStringList out;
    for (const Value& e : v.toArray())
        out.append(e.toString());
    return out;
}

template <typename T> void sortByName(QList<T>& list)
{
    std::stable_sort(list.begin(), list.end(),
                     [](const T& a, const T& b) { return a.name < b.name; });
}

QString secretKeyIn(const Object& settings)
{
    for (const auto& [key, value] : settings) {
        const QString k = key.toLower();
        if (k == u"api_key_env" || k == u"keychain")
            continue;
        if (k.contains(u"api_key") || k.contains(u"password") || k.contains(u"secret") ||
            k == u"token" || k.endsWith(u"_token"))
            return key;
    }
    return {};
}

QString secretProblem(const LMProfile& p)
{
    const QString key = secretKeyIn(p.settings);
    if (key.isEmpty())
        return {};
    return QStringLiteral("LM profile '%1' holds a secret in '%2': name an environment variable in "
                          "'api_key_env' or a keychain entry in 'keychain' instead")
        .arg(p.name, key);
}

} // namespace

// --- graphs ---

Object graphToObject(const ProgramGraph& graph)
{
    Object o;
    o.insert(QStringLiteral("signature"), Value(graph.programSignatureText()));
    Array nodes;
    for (NodeId id : graph.allNodeIds()) {
        const GraphNode* n = graph.node(id);
        Object node;
        node.insert(QStringLiteral("id"), Value(n->id));
        node.insert(QStringLiteral("kind"), Value(n->kind));
        node.insert(QStringLiteral("name"), Value(n->name));
        if (!n->signatureText.isEmpty())
            node.insert(QStringLiteral("signature"), Value(n->signatureText));
        if (!n->settings.isEmpty())
            node.insert(QStringLiteral("settings"), Value(n->settings));
        if (!n->state.isEmpty())
            node.insert(QStringLiteral("state"), Value(n->state));
        node.insert(QStringLiteral("position"),
                    Value(Array{Value(n->position.x()), Value(n->position.y())}));
        nodes.append(Value(std::move(node)));
    }
    o.insert(QStringLiteral("nodes"), Value(std::move(nodes)));
    QList<ConnectionId> edges = graph.allConnectionIds();
    std::sort(edges.begin(), edges.end(), [](const ConnectionId& a, const ConnectionId& b) {
        return std::tie(a.inNode, a.inField, a.outNode, a.outField) <
               std::tie(b.inNode, b.inField, b.outNode, b.outField);
    });
    Array edgeArray;
    for (const ConnectionId& c : edges) {
        edgeArray.append(Value(Object{
            {QStringLiteral("from"), Value(Object{{QStringLiteral("node"), Value(c.outNode)},
                                                  {QStringLiteral("field"), Value(c.outField)}})},
            {QStringLiteral("to"), Value(Object{{QStringLiteral("node"), Value(c.inNode)},
                                                {QStringLiteral("field"), Value(c.inField)}})}}));
    }
    o.insert(QStringLiteral("edges"), Value(std::move(edgeArray)));
    o.insert(QStringLiteral("next_id"), Value(graph.nextNodeId()));
    return o;
}

Expected<void, QString> graphFromObject(const Object& o, ProgramGraph& graph)
{
    graph.clear();
    if (const QString sig = o.value(u"signature").toString(); !sig.isEmpty()) {
        if (auto ok = graph.setProgramSignature(sig); !ok)
            return ok;
    }
    for (const Value& v : o.value(u"nodes").toArray()) {
        const Object n = v.toObject();
        if (!n.value(u"id").isInt())
            return unexpected(QStringLiteral("a node has no integer 'id'"));
        GraphNode node;
        node.id = int(n.value(u"id").toInt());
        node.kind = n.value(u"kind").toString();
        node.name = n.value(u"name").toString();
        node.signatureText = n.value(u"signature").toString();
        node.settings = n.value(u"settings").toObject();
        node.state = n.value(u"state").toObject();
        const Array pos = n.value(u"position").toArray();
        if (pos.size() == 2)
            node.position = QPointF(pos.at(0).toDouble(), pos.at(1).toDouble());
        if (auto ok = graph.insertNode(std::move(node)); !ok)
            return ok;
    }
    for (const Value& v : o.value(u"edges").toArray()) {
        const Object e = v.toObject();
        const Object from = e.value(u"from").toObject();
        const Object to = e.value(u"to").toObject();
        const ConnectionId c{int(from.value(u"node").toInt()), from.value(u"field").toString(),
                             int(to.value(u"node").toInt()), to.value(u"field").toString()};
        if (auto ok = graph.addConnection(c); !ok)
            return unexpected(QStringLiteral("edge %1.%2 -> %3.%4: %5")
                                  .arg(c.outNode)
                                  .arg(c.outField)
                                  .arg(c.inNode)
                                  .arg(c.inField, ok.error()));
    }
    // next_id keeps ids of deleted nodes from coming back.
    graph.reserveIds(int(o.value(u"next_id").toInt()));
    return {};
}

// --- Project ---

Project::Project() = default;
Project::~Project() = default;

QStringList Project::programNames() const
{
    QStringList out;
    for (const auto& [name, g] : m_programs)
        out.append(name);
    return out;
}

ProgramGraph* Project::program(const QString& name) const
{
    auto it = m_programs.find(name);
    return it == m_programs.end() ? nullptr : it->second.get();
}

ProgramGraph* Project::addProgram(const QString& name)
{
    auto& slot = m_programs[name];
    slot = std::make_unique<ProgramGraph>();
    return slot.get();
}

bool Project::removeProgram(const QString& name)
{
    return m_programs.erase(name) > 0;
}

std::unique_ptr<ProgramGraph> Project::takeProgram(const QString& name)
{
    auto it = m_programs.find(name);
    if (it == m_programs.end())
        return nullptr;
    std::unique_ptr<ProgramGraph> out = std::move(it->second);
    m_programs.erase(it);
    return out;
}

const DatasetRef* Project::dataset(const QString& name) const
{
    for (const DatasetRef& d : datasets) {
        if (d.name == name)
            return &d;
    }
    return nullptr;
}

const MetricEntry* Project::metric(const QString& name) const
{
    for (const MetricEntry& m : metrics) {
        if (m.name == name)
            return &m;
    }
    return nullptr;
}

const LMProfile* Project::lmProfile(const QString& name) const
{
    for (const LMProfile& p : lmProfiles) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

Object Project::toObject() const
{
    Object root;
    root.insert(QStringLiteral("format_version"), Value(kProjectFormatVersion));
    root.insert(QStringLiteral("name"), Value(name));

    auto sigs = signatures;
    sortByName(sigs);
    Array a;
    for (const SignatureEntry& s : sigs) {
        Object o{{QStringLiteral("name"), Value(s.name)}, {QStringLiteral("text"), Value(s.text)}};
        if (!s.instructions.isEmpty())
            o.insert(QStringLiteral("instructions"), Value(s.instructions));
        a.append(Value(std::move(o)));
    }
    root.insert(QStringLiteral("signatures"), Value(std::move(a)));

    auto ds = datasets;
    sortByName(ds);
    a = {};
    for (const DatasetRef& d : ds) {
        Object o{{QStringLiteral("name"), Value(d.name)}, {QStringLiteral("path"), Value(d.path)}};
        if (!d.inputKeys.isEmpty())
            o.insert(QStringLiteral("input_keys"), Value(stringArray(d.inputKeys)));
        a.append(Value(std::move(o)));
    }
    root.insert(QStringLiteral("datasets"), Value(std::move(a)));

    auto ms = metrics;
    sortByName(ms);
    a = {};
    for (const MetricEntry& m : ms) {
        Object o = m.spec;
        o.insert(QStringLiteral("name"), Value(m.name));
        a.append(Value(std::move(o)));
    }
    root.insert(QStringLiteral("metrics"), Value(std::move(a)));

    auto ps = lmProfiles;
    sortByName(ps);
    a = {};
    for (const LMProfile& p : ps) {
        Object o = p.settings;
        o.insert(QStringLiteral("name"), Value(p.name));
        a.append(Value(std::move(o)));
    }
    root.insert(QStringLiteral("lm_profiles"), Value(std::move(a)));

    auto os = optimizerPresets;
    sortByName(os);
    a = {};
    for (const OptimizerPreset& p : os) {
        a.append(Value(Object{{QStringLiteral("name"), Value(p.name)},
                              {QStringLiteral("optimizer"), Value(p.optimizer)},
                              {QStringLiteral("settings"), Value(p.settings)}}));
    }
    root.insert(QStringLiteral("optimizer_presets"), Value(std::move(a)));

    a = {};
    for (const auto& [pname, graph] : m_programs) {
        Object o = graphToObject(*graph);
        o.insert(QStringLiteral("name"), Value(pname));
        a.append(Value(std::move(o)));
    }
    root.insert(QStringLiteral("programs"), Value(std::move(a)));
    return root;
}

QString Project::toJson() const
{
    return sortedKeys(Value(toObject())).toJson(kFileStyle) + QLatin1Char('\n');
}

int Project::formatVersionOf(const Object& root)
{
    const Value& v = root.value(u"format_version");
    return v.isInt() ? int(v.toInt()) : 0;
}

Expected<Object, QString> Project::migrate(Object root, const QString& source)
{
    const int version = formatVersionOf(root);
    if (version != 1)
        return root;
    // Version 1: "programs": {"<name>": {"signature", "nodes": [{"type", "name", ...}],
    // "edges": [{"from": "node.field", "to": "node.field"}]}}; no ids.
    Array programs;
    const Object old = root.value(u"programs").toObject();
    for (const auto& [pname, value] : old) {
        const Object p = value.toObject();
        QHash<QString, int> ids;
        Array nodes;
        int next = 1;
        for (const Value& nv : p.value(u"nodes").toArray()) {
            Object n = nv.toObject();
            const QString nodeName = n.value(u"name").toString();
            if (ids.contains(nodeName))
                return unexpected(QStringLiteral("%1: program '%2' (format 1) has two nodes named "
                                                 "'%3'")
                                      .arg(where(source), pname, nodeName));
            ids.insert(nodeName, next);
            n.insert(QStringLiteral("id"), Value(next++));
            n.insert(QStringLiteral("kind"), n.value(u"type"));
            n.remove(u"type");
            nodes.append(Value(std::move(n)));
        }
        Array edges;
        for (const Value& ev : p.value(u"edges").toArray()) {
            const Object e = ev.toObject();
            Object migrated;
            for (const char* end : {"from", "to"}) {
                const QString ref = e.value(QString::fromLatin1(end)).toString();
                const qsizetype dot = ref.indexOf(QLatin1Char('.'));
                const QString nodeName = ref.left(dot);
                if (dot <= 0 || !ids.contains(nodeName))
                    return unexpected(QStringLiteral("%1: program '%2' (format 1): edge end '%3' "
                                                     "names no node")
                                          .arg(where(source), pname, ref));
                migrated.insert(QString::fromLatin1(end),
                                Value(Object{{QStringLiteral("node"), Value(ids.value(nodeName))},
                                             {QStringLiteral("field"), Value(ref.mid(dot + 1))}}));
            }
            edges.append(Value(std::move(migrated)));
        }
        programs.append(Value(Object{{QStringLiteral("name"), Value(pname)},
                                     {QStringLiteral("signature"), p.value(u"signature")},
                                     {QStringLiteral("nodes"), Value(std::move(nodes))},
                                     {QStringLiteral("edges"), Value(std::move(edges))},
                                     {QStringLiteral("next_id"), Value(next)}}));
    }
    root.insert(QStringLiteral("programs"), Value(std::move(programs)));
    root.insert(QStringLiteral("format_version"), Value(2));
    return root;
}

Expected<std::unique_ptr<Project>, QString> Project::fromJson(QStringView json,
                                                              const QString& source)
{
    QString error;
    qsizetype offset = -1;
    const auto parsed = Value::fromJson(json, &error, &offset);
    if (!parsed)
        return unexpected(QStringLiteral("%1 is not a valid project file: JSON error at offset %2: "
                                         "%3")
                              .arg(where(source))
                              .arg(offset)
                              .arg(error));
    if (!parsed->isObject())
        return unexpected(QStringLiteral("%1 is not a valid project file: the top level must be a "
                                         "JSON object")
                              .arg(where(source)));
    return fromObject(parsed->toObject(), source);
}

Expected<std::unique_ptr<Project>, QString> Project::fromObject(Object root, const QString& source)
{
    const int version = formatVersionOf(root);
    if (version == 0)
        return unexpected(QStringLiteral("%1 is not a valid project file: it has no integer "
                                         "'format_version'")
                              .arg(where(source)));
    if (version > kProjectFormatVersion)
        return unexpected(QStringLiteral("%1 was written by a newer version (format %2; this "
                                         "build reads formats up to %3). It was not changed.")
                              .arg(where(source))
                              .arg(version)
                              .arg(kProjectFormatVersion));
    if (version < kProjectFormatVersion) {
        auto migrated = migrate(std::move(root), source);
        if (!migrated)
            return unexpected(migrated.error());
        root = std::move(migrated.value());
    }
    auto project = std::make_unique<Project>();
    project->name = root.value(u"name").toString();
    for (const Value& v : root.value(u"signatures").toArray()) {
        const Object o = v.toObject();
        project->signatures.append(SignatureEntry{o.value(u"name").toString(),
                                                  o.value(u"text").toString(),
                                                  o.value(u"instructions").toString()});
    }
    for (const Value& v : root.value(u"datasets").toArray()) {
        const Object o = v.toObject();
        const QString path = o.value(u"path").toString();
        if (QDir::isAbsolutePath(path))
            return unexpected(QStringLiteral("%1: dataset '%2' has an absolute path '%3'; paths "
                                             "are relative to the project file")
                                  .arg(where(source), o.value(u"name").toString(), path));
        project->datasets.append(
            DatasetRef{o.value(u"name").toString(), path, stringList(o.value(u"input_keys"))});
    }
    for (const Value& v : root.value(u"metrics").toArray()) {
        Object o = v.toObject();
        const QString n = o.value(u"name").toString();
        o.remove(u"name");
        project->metrics.append(MetricEntry{n, o});
    }
    for (const Value& v : root.value(u"lm_profiles").toArray()) {
        Object o = v.toObject();
        const QString n = o.value(u"name").toString();
        o.remove(u"name");
        LMProfile p{n, o};
        if (const QString problem = secretProblem(p); !problem.isEmpty())
            return unexpected(QStringLiteral("%1: %2").arg(where(source), problem));
        project->lmProfiles.append(std::move(p));
    }
    for (const Value& v : root.value(u"optimizer_presets").toArray()) {
        const Object o = v.toObject();
        project->optimizerPresets.append(OptimizerPreset{o.value(u"name").toString(),
                                                         o.value(u"optimizer").toString(),
                                                         o.value(u"settings").toObject()});
    }
    for (const Value& v : root.value(u"programs").toArray()) {
        const Object o = v.toObject();
        const QString pname = o.value(u"name").toString();
        if (pname.isEmpty())
            return unexpected(QStringLiteral("%1: a program has no name").arg(where(source)));
        if (project->program(pname))
            return unexpected(
                QStringLiteral("%1: two programs are named '%2'").arg(where(source), pname));
        ProgramGraph* g = project->addProgram(pname);
        if (auto ok = graphFromObject(o, *g); !ok)
            return unexpected(
                QStringLiteral("%1: program '%2': %3").arg(where(source), pname, ok.error()));
    }
    return project;
}

Expected<std::unique_ptr<Project>, QString> Project::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return unexpected(QStringLiteral("cannot open %1: %2").arg(path, f.errorString()));
    const QByteArray bytes = f.readAll();
    QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return unexpected(
            QStringLiteral("%1 is not a valid project file: it is not UTF-8").arg(path));
    return fromJson(text, path);
}

Expected<void, QString> Project::save(const QString& path) const
{
    for (const LMProfile& p : lmProfiles) {
        if (const QString problem = secretProblem(p); !problem.isEmpty())
            return unexpected(QStringLiteral("not saved: ") + problem);
    }
    if (QFileInfo::exists(path)) {
        auto existing = load(path);
        if (!existing)
            return unexpected(
                QStringLiteral("not saved, %1 is left as it is: %2").arg(path, existing.error()));
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return unexpected(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    f.write(toJson().toUtf8());
    if (!f.commit())
        return unexpected(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

QStringList Project::validate() const
{
    QStringList out;
    for (const auto& [pname, graph] : m_programs) {
        const QList<GraphIssue> issues = graph->validate();
        for (const GraphIssue& i : issues)
            out.append(QStringLiteral("program '%1': %2").arg(pname, i.toString()));
        if (!issues.isEmpty())
            continue;
        // A valid graph can still fail to build: a Subgraph naming a missing program or itself,
        // fields that differ from its program's, bad settings, a JavaScript tool that does not
        // compile.
        GraphEnvironment env = environment(pname);
        env.stateOnly = true;
        if (auto built = GraphProgram::build(*graph, env); !built) {
            for (const QString& line : built.error().split(QLatin1Char('\n')))
                out.append(QStringLiteral("program '%1': %2").arg(pname, line));
        }
    }
    for (const LMProfile& p : lmProfiles) {
        if (const QString problem = secretProblem(p); !problem.isEmpty())
            out.append(problem);
    }
    return out;
}

GraphEnvironment Project::environment(const QString& programName) const
{
    GraphEnvironment env;
    env.programs = [this](const QString& name) { return program(name); };
    if (!programName.isEmpty())
        env.enclosingPrograms.append(programName);
    return env;
}

Expected<GraphEnvironment, QString>
Project::runEnvironment(const QString& programName, const QString& projectPath,
                        const QString& indexDir, bool prepare,
                        QHash<QString, RetrieverPtr>* reuse) const
{
    GraphEnvironment env = environment(programName);
    env.baseDir = QFileInfo(projectPath).absolutePath();
    for (const QString& name : programNames()) {
        const ProgramGraph* graph = program(name);
        for (NodeId id : graph->allNodeIds()) {
            const GraphNode* n = graph->node(id);
            if (n->kind != nodekind::Retrieve)
                continue;
            const QString corpus = n->settings.value(u"corpus").toString();
            if (corpus.isEmpty()) {
                if (name == programName)
                    return unexpected(
                        QStringLiteral("Retrieve node '%1' names no \"corpus\" in its settings")
                            .arg(n->name));
                continue; // another program's: it fails when that one runs
            }
            if (env.corpusRetrievers.contains(corpus))
                continue;
            const QString path =
                corpus.startsWith(u':') ? corpus : resolvePath(projectPath, corpus);
            RetrieverPtr retriever = reuse ? reuse->value(path) : nullptr;
            if (!retriever) {
                const QString file =
                    QStringLiteral("corpus-%1.sqlite")
                        .arg(QString::fromLatin1(
                            QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha1)
                                .toHex()
                                .left(16)));
                auto made = std::make_shared<CorpusRetriever>(path, QDir(indexDir).filePath(file));
                if (prepare) {
                    if (auto ok = made->prepare(); !ok)
                        return unexpected(QStringLiteral("node '%1': %2").arg(n->name, ok.error()));
                }
                retriever = made;
                if (reuse)
                    reuse->insert(path, retriever);
            }
            env.corpusRetrievers.insert(corpus, retriever);
        }
    }
    return env;
}

QString Project::databasePath(const QString& projectPath)
{
    const QFileInfo info(projectPath);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".dspydb"));
}

QString Project::resolvePath(const QString& projectPath, const QString& relative)
{
    return QDir::cleanPath(QFileInfo(projectPath).absoluteDir().filePath(relative));
}

// --- DSPy program.save() JSON ---

namespace {

Expected<std::unique_ptr<GraphProgram>, QString> stateProgram(const ProgramGraph& graph,
                                                              GraphEnvironment env)
{
    env.stateOnly = true;
    return GraphProgram::build(graph, std::move(env));
}

} // namespace

Expected<QStringList, QString> importDspyState(ProgramGraph& graph, const Object& state,
                                               const GraphEnvironment& env)
{
    auto program = stateProgram(graph, env);
    if (!program)
        return unexpected(program.error());
    if (auto ok = (*program)->loadState(state); !ok)
        return unexpected(ok.error());
    // Retrieve nodes: {"k": n} under the node's name.
    QSet<QString> matched;
    for (const NamedPredictor& np : (*program)->namedPredictors())
        matched.insert(np.path);
    QHash<NodeId, int> retrieveK;
    for (NodeId id : graph.allNodeIds()) {
        const GraphNode* n = graph.node(id);
        if (n->kind != nodekind::Retrieve || !state.contains(n->name))
            continue;
        Retrieve probe;
        if (auto ok = probe.loadDumpedState(state.value(n->name).toObject()); !ok)
            return unexpected(QStringLiteral("node '%1': %2").arg(n->name, ok.error()));
        retrieveK.insert(id, probe.k());
        matched.insert(n->name);
    }
    (*program)->storeState(graph);
    for (auto it = retrieveK.cbegin(); it != retrieveK.cend(); ++it) {
        Object settings = graph.node(it.key())->settings;
        settings.insert(QStringLiteral("k"), Value(it.value()));
        graph.setNodeSettings(it.key(), settings);
    }
    QStringList warnings;
    for (const QString& key : state.keys()) {
        if (key != u"metadata" && !matched.contains(key))
            warnings.append(
                QStringLiteral("the entry '%1' matches no predictor of the program").arg(key));
    }
    return warnings;
}

Expected<QStringList, QString> importDspyStateJson(ProgramGraph& graph, QStringView json,
                                                   const GraphEnvironment& env)
{
    QString error;
    qsizetype offset = -1;
    const auto parsed = Value::fromJson(json, &error, &offset);
    if (!parsed)
        return unexpected(QStringLiteral("Invalid JSON at offset %1: %2").arg(offset).arg(error));
    if (!parsed->isObject())
        return unexpected(QStringLiteral("The program state must be a JSON object."));
    return importDspyState(graph, parsed->toObject(), env);
}

Expected<QString, QString> exportDspyStateJson(const ProgramGraph& graph,
                                               const GraphEnvironment& env)
{
    auto program = stateProgram(graph, env);
    if (!program)
        return unexpected(program.error());
    const Object predictors = (*program)->saveState();
    // Predictors and Retrieve entries in node (dependency) order, then metadata.
    Object out;
    for (const QString& nodeName : (*program)->nodeNames()) {
        const NodeId id = graph.nodeByName(nodeName);
        if (graph.node(id)->kind == nodekind::Retrieve) {
            auto* r = static_cast<Retrieve*>((*program)->nodeModule(nodeName));
            out.insert(nodeName, Value(r->dumpState()));
            continue;
        }
        for (const auto& [key, value] : predictors) {
            if (key == nodeName || key.startsWith(nodeName + QLatin1Char('.')))
                out.insert(key, value);
        }
    }
    out.insert(QStringLiteral("metadata"), predictors.value(u"metadata"));
    return Value(out).toJson(JsonStyle{2, false, false}) + QLatin1Char('\n');
}

} // namespace dspy
