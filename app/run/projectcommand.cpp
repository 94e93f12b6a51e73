// dspy-run validate / export, and the --project FILE --program NAME loading predict and evaluate
// share (docs/graph.md).

#include "cli.h"
#include "command.h"
#include "lm/lmfactory.h"

#include "graph/projectfile.h"

#include <QTemporaryDir>

#include <QSaveFile>

namespace dspy::run {

namespace {

const char* const kValidateHelp =
    "Usage: dspy-run validate FILE.dspyproj\n"
    "\n"
    "Loads a project file and checks every program graph: unconnected required inputs, type\n"
    "mismatches, cycles, duplicate names, unknown node kinds (each naming the node and field),\n"
    "and LM profiles holding secrets. Prints one problem a line; exit code 1 when there is any.\n";

const char* const kExportHelp =
    "Usage: dspy-run export --project FILE --program NAME --dspy-json OUT\n"
    "\n"
    "Writes the program's predictor state in Python DSPy's program.save() layout, with\n"
    "predictor paths from the node names (\"answer.predict\" for a ChainOfThought node "
    "'answer').\n";

std::unique_ptr<Project> loadProject(const QString& cmd, const QString& path)
{
    auto project = Project::load(path);
    if (!project)
        throw std::runtime_error(QStringLiteral("%1: %2").arg(cmd, project.error()).toStdString());
    return std::move(project.value());
}

} // namespace

std::shared_ptr<const Project> applyProjectDefaults(const QString& cmd, Options& opts,
                                                    bool withData)
{
    if (!opts.has(QStringLiteral("project")))
        return nullptr;
    const QString path = opts.value(QStringLiteral("project"));
    const std::shared_ptr<const Project> project = loadProject(cmd, path);
    auto settingText = [](const Value& v) { return v.isString() ? v.toString() : v.toJson(); };

    const LMProfile* profile = nullptr;
    if (opts.has(QStringLiteral("profile"))) {
        profile = project->lmProfile(opts.value(QStringLiteral("profile")));
        if (!profile) {
            QStringList names;
            for (const LMProfile& p : project->lmProfiles)
                names.append(p.name);
            throw UsageError(
                QStringLiteral("%1: %2 has no LM profile '%3' (profiles: %4)")
                    .arg(cmd, path, opts.value(QStringLiteral("profile")), names.join(u", ")));
        }
    } else if (!opts.has(QStringLiteral("model")) && !project->lmProfiles.isEmpty()) {
        profile = &project->lmProfiles.first();
    }
    if (profile) {
        static const std::pair<const char*, const char*> keys[] = {
            {"model", "model"},
            {"api_base", "api-base"},
            {"api_key_env", "api-key-env"},
            {"temperature", "temperature"},
            {"max_tokens", "max-tokens"},
        };
        for (const auto& [key, option] : keys) {
            const Value& v = profile->settings.value(QString::fromLatin1(key));
            if (!v.isNull())
                opts.setDefault(QString::fromLatin1(option), settingText(v));
        }
    }
    if (!withData)
        return project;

    if (opts.has(QStringLiteral("dataset")) ||
        (!opts.has(QStringLiteral("data")) && !opts.has(QStringLiteral("sample")))) {
        const DatasetRef* data = nullptr;
        if (opts.has(QStringLiteral("dataset"))) {
            data = project->dataset(opts.value(QStringLiteral("dataset")));
            if (!data) {
                QStringList names;
                for (const DatasetRef& d : project->datasets)
                    names.append(d.name);
                throw UsageError(
                    QStringLiteral("%1: %2 has no dataset '%3' (datasets: %4)")
                        .arg(cmd, path, opts.value(QStringLiteral("dataset")), names.join(u", ")));
            }
        } else if (!project->datasets.isEmpty()) {
            data = &project->datasets.first();
        }
        if (data) {
            opts.setDefault(QStringLiteral("data"), Project::resolvePath(path, data->path));
            if (!data->inputKeys.isEmpty())
                opts.setDefault(QStringLiteral("input-keys"), data->inputKeys.join(u','));
        }
    }

    const MetricEntry* metric = nullptr;
    if (opts.has(QStringLiteral("metric")))
        metric = project->metric(opts.value(QStringLiteral("metric")));
    else if (!project->metrics.isEmpty())
        metric = &project->metrics.first();
    if (metric) {
        const QString kind = metric->spec.value(u"kind").toString();
        QString name = kind;
        if (kind == u"js") {
            const QString source = metric->spec.value(u"source").toString();
            if (source.isEmpty())
                throw UsageError(QStringLiteral("%1: metric '%2' of %3 is a js metric without "
                                                "a \"source\" file")
                                     .arg(cmd, metric->name, path));
            name = QStringLiteral("js:") + Project::resolvePath(path, source);
        }
        // A project metric's name stands for its kind; a builtin name stays as it was given.
        if (opts.has(QStringLiteral("metric")))
            opts.replace(QStringLiteral("metric"), name);
        else
            opts.setDefault(QStringLiteral("metric"), name);
        const QString field = metric->spec.value(u"field").toString();
        if (!field.isEmpty())
            opts.setDefault(QStringLiteral("metric-field"), field);
    }
    return project;
}

std::unique_ptr<GraphProgram> projectProgramFrom(const QString& cmd, const Options& opts,
                                                 const Project* project)
{
    if (!opts.has(QStringLiteral("program")))
        throw UsageError(QStringLiteral("%1: --project needs --program NAME").arg(cmd));
    const QString path = opts.value(QStringLiteral("project"));
    const QString name = opts.value(QStringLiteral("program"));
    std::unique_ptr<Project> loaded;
    if (!project) {
        loaded = loadProject(cmd, path);
        project = loaded.get();
    }
    const ProgramGraph* graph = project->program(name);
    if (!graph)
        throw UsageError(QStringLiteral("%1: %2 has no program '%3' (programs: %4)")
                             .arg(cmd, path, name, project->programNames().join(u", ")));
    // Retrieve nodes search the corpus of their settings "corpus" (a JSONL file or folder,
    // relative to the project file, or a resource path such as :/dspy/datasets/corpus.jsonl),
    // indexed with FTS5 into a temporary folder for this run.
    static QTemporaryDir indexDir;
    auto env = project->runEnvironment(name, path, indexDir.path(), true);
    if (!env)
        throw std::runtime_error(QStringLiteral("%1: %2").arg(cmd, env.error()).toStdString());
    auto program = GraphProgram::build(*graph, *env);
    if (!program)
        throw std::runtime_error(QStringLiteral("%1: program '%2' cannot run:\n%3")
                                     .arg(cmd, name, program.error())
                                     .toStdString());
    return std::move(program.value());
}

Expected<QHash<QString, LMPtr>, QString> projectNamedLMs(const QString& cmd, const Project* project,
                                                         const Module& program,
                                                         const LMFactoryOptions& options)
{
    QHash<QString, LMPtr> out;
    const auto* graph = dynamic_cast<const GraphProgram*>(&program);
    if (!graph || !project)
        return out;
    for (const QString& name : graph->lmProfiles()) {
        const auto profile = std::find_if(project->lmProfiles.cbegin(), project->lmProfiles.cend(),
                                          [&](const LMProfile& p) { return p.name == name; });
        if (profile == project->lmProfiles.cend())
            throw UsageError(QStringLiteral("%1: a node picks the LM profile '%2', which the "
                                            "project does not have")
                                 .arg(cmd, name));
        auto made = makeLM(lmConfigFromSettings(profile->settings), options);
        if (!made)
            return unexpected(
                QStringLiteral("LM profile '%1': %2").arg(name, lmErrorLine(made.error())));
        out.insert(name, *made);
    }
    return out;
}

int validateCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString cmd = QStringLiteral("validate");
    if (args.contains(QStringLiteral("-h")) || args.contains(QStringLiteral("--help"))) {
        out << kValidateHelp;
        return Ok;
    }
    if (args.size() != 1 || args.first().startsWith(u"--"))
        throw UsageError(QStringLiteral("validate: give one project file (see 'dspy-run validate "
                                        "--help')"));
    auto project = Project::load(args.first());
    if (!project) {
        err << "dspy-run: " << cmd << ": " << project.error() << '\n';
        return Failure;
    }
    const QStringList problems = (*project)->validate();
    for (const QString& p : problems)
        out << p << '\n';
    if (!problems.isEmpty())
        return Failure;
    out << args.first() << ": " << (*project)->programNames().size()
        << " program(s), no problems\n";
    return Ok;
}

int exportCommand(const QStringList& args, QTextStream& out, QTextStream&)
{
    const QString cmd = QStringLiteral("export");
    const Options opts(
        cmd,
        {{QStringLiteral("project")}, {QStringLiteral("program")}, {QStringLiteral("dspy-json")}},
        args);
    if (opts.help) {
        out << kExportHelp;
        return Ok;
    }
    for (const char* o : {"project", "program", "dspy-json"}) {
        if (!opts.has(QString::fromLatin1(o)))
            throw UsageError(
                QStringLiteral("export: --%1 is required").arg(QString::fromLatin1(o)));
    }
    const QString path = opts.value(QStringLiteral("project"));
    const QString name = opts.value(QStringLiteral("program"));
    const std::unique_ptr<Project> project = loadProject(cmd, path);
    const ProgramGraph* graph = project->program(name);
    if (!graph)
        throw UsageError(QStringLiteral("export: %1 has no program '%2' (programs: %3)")
                             .arg(path, name, project->programNames().join(u", ")));
    auto json = exportDspyStateJson(*graph);
    if (!json)
        throw std::runtime_error(
            QStringLiteral("export: program '%1': %2").arg(name, json.error()).toStdString());
    QSaveFile f(opts.value(QStringLiteral("dspy-json")));
    if (!f.open(QIODevice::WriteOnly) || f.write(json->toUtf8()) < 0 || !f.commit())
        throw std::runtime_error(QStringLiteral("export: cannot write %1: %2")
                                     .arg(opts.value(QStringLiteral("dspy-json")), f.errorString())
                                     .toStdString());
    return Ok;
}

} // namespace dspy::run
