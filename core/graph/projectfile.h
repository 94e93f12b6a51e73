#pragma once

// Project — a NAME.dspyproj file (docs/graph.md): signatures, programs (graphs), dataset
// references (paths relative to the file), metrics, LM profiles and optimizer presets.
//
// The file is JSON, UTF-8, 2-space indent, keys sorted, lists in a stable order (by name; nodes by
// id), with "format_version" — so diffs are clean and save -> load -> save is byte-identical.
// Saving is atomic (QSaveFile). A file from a newer format or one that does not parse is refused
// with a message saying so, and save() never overwrites such a file. Older formats migrate on load
// (version 1: programs keyed by name, nodes without ids, edges as "node.field" strings).
//
// LM profiles never hold secrets: a key is named by an environment variable ("api_key_env") or a
// keychain reference ("keychain"); a profile with an "api_key", "password", "secret" or "token"
// entry is refused on load and on save.
//
// Beside NAME.dspyproj lives NAME.dspydb (the trace store and saved program states):
// databasePath().

#include "graph/graphprogram.h"
#include "graph/programgraph.h"

#include <map>
#include <memory>

namespace dspy {

inline constexpr int kProjectFormatVersion = 2;

struct SignatureEntry
{
    QString name;
    QString text; // "question -> answer: int"
    QString instructions;
};

struct DatasetRef
{
    QString name;
    QString path;          // relative to the project file
    QStringList inputKeys; // empty: the program signature's inputs
};

struct MetricEntry
{
    QString name;
    Object spec; // {"kind": "exact_match" | "f1" | "js", "field": ..., "source": ...}
};

struct LMProfile
{
    QString name;
    Object settings; // model, api_base, api_key_env | keychain, temperature, ...
};

struct OptimizerPreset
{
    QString name;
    QString optimizer; // "BootstrapFewShot", "MIPROv2", ...
    Object settings;
};

class Project
{
public:
    Project();
    ~Project();
    Project(const Project&) = delete;
    Project& operator=(const Project&) = delete;

    QString name;
    QList<SignatureEntry> signatures;
    QList<DatasetRef> datasets;
    QList<MetricEntry> metrics;
    QList<LMProfile> lmProfiles;
    QList<OptimizerPreset> optimizerPresets;

    QStringList programNames() const; // sorted
    ProgramGraph* program(const QString& name) const;
    // A new empty program (replacing one of that name).
    ProgramGraph* addProgram(const QString& name);
    bool removeProgram(const QString& name);
    // Removes the program and hands it over (nullptr when there is none).
    std::unique_ptr<ProgramGraph> takeProgram(const QString& name);

    const DatasetRef* dataset(const QString& name) const;
    const MetricEntry* metric(const QString& name) const;
    const LMProfile* lmProfile(const QString& name) const;

    // The file's text: sorted keys, 2-space indent, trailing newline.
    QString toJson() const;
    Object toObject() const;
    // `source` names the file in messages. Migrates older formats.
    static Expected<std::unique_ptr<Project>, QString> fromJson(QStringView json,
                                                                const QString& source = {});
    static Expected<std::unique_ptr<Project>, QString> fromObject(Object root,
                                                                  const QString& source = {});
    static Expected<std::unique_ptr<Project>, QString> load(const QString& path);
    // Atomic. Refuses to replace a file that is not a project this version reads.
    Expected<void, QString> save(const QString& path) const;

    // Validation issues of every program, prefixed "program 'NAME': ", plus profile problems.
    QStringList validate() const;

    // What GraphProgram::build needs to run this project's program `programName`: Subgraph
    // nodes find the project's other programs (the environment refers to this project).
    GraphEnvironment environment(const QString& programName = {}) const;
    // environment() plus what running needs: baseDir (the project file's folder) and, for every
    // Retrieve node of the project's programs, a BM25 retriever over its settings "corpus" (a
    // JSONL file or folder relative to the project file, or a resource path such as
    // :/dspy/datasets/corpus.jsonl; a CorpusRetriever indexing into `indexDir`). With `prepare`
    // the corpora are read and indexed now and a missing or unreadable one fails naming the node;
    // without, this reads no file (the GUI thread may call it) and the first search indexes.
    // `reuse` (by corpus path) keeps retrievers, and so their indexes, across runs.
    Expected<GraphEnvironment, QString>
    runEnvironment(const QString& programName, const QString& projectPath, const QString& indexDir,
                   bool prepare, QHash<QString, RetrieverPtr>* reuse = nullptr) const;

    // "<dir>/NAME.dspydb" for "<dir>/NAME.dspyproj".
    static QString databasePath(const QString& projectPath);
    // A dataset path relative to the project file, made absolute.
    static QString resolvePath(const QString& projectPath, const QString& relative);

    // The format_version an object says it has (0 when it says nothing).
    static int formatVersionOf(const Object& root);
    // Version 1 -> 2.
    static Expected<Object, QString> migrate(Object root, const QString& source);

private:
    std::map<QString, std::unique_ptr<ProgramGraph>> m_programs;
};

// A program graph as the project file holds it, and back.
Object graphToObject(const ProgramGraph& graph);
Expected<void, QString> graphFromObject(const Object& o, ProgramGraph& graph);

// Python DSPy program.save() JSON <-> a drawn program, matched by predictor paths
// ("answer.predict" for a ChainOfThought node named "answer"; a Retrieve node's {"k": n} entry by
// its name). importDspyState() is all or nothing: every predictor of the graph must have an entry;
// entries that match nothing are returned as warnings.
Expected<QStringList, QString> importDspyState(ProgramGraph& graph, const Object& state,
                                               const GraphEnvironment& env = {});
Expected<QStringList, QString> importDspyStateJson(ProgramGraph& graph, QStringView json,
                                                   const GraphEnvironment& env = {});
// program.save()'s text: orjson 2-space indent, attribute (dependency) order, trailing newline.
Expected<QString, QString> exportDspyStateJson(const ProgramGraph& graph,
                                               const GraphEnvironment& env = {});

} // namespace dspy
