#pragma once

// What dspy-run's commands share: option parsing, usage errors, and reading signatures, adapters,
// demos and inputs from the command line.

#include "adapters/adapter.h"
#include "lm/lmconfig.h"
#include "lm/lmerror.h"
#include "lm/lmfactory.h"
#include "modules/module.h"
#include "runtime/expected.h"
#include "signature/signature.h"

#include <QHash>
#include <QStringList>
#include <QTextStream>

#include <memory>

namespace dspy {
class GraphProgram;
class Project;
} // namespace dspy

namespace dspy::run {

// Thrown while reading the command line; runCommand prints it and exits with Usage.
class UsageError
{
public:
    explicit UsageError(QString m)
        : message(std::move(m))
    {}
    QString message;
};

struct OptionSpec
{
    QString name;
    bool repeatable = false;
    bool flag = false; // takes no value (--cot)
    QChar shortName;   // -n N as well as --name N
};

// --name VALUE or --name=VALUE (flags take none); -h/--help anywhere sets help.
class Options
{
public:
    Options(const QString& command, const QList<OptionSpec>& specs, const QStringList& args);

    bool help = false;
    bool has(const QString& name) const { return m_values.contains(name); }
    QString value(const QString& name) const { return m_values.value(name).value(0); }
    QStringList values(const QString& name) const { return m_values.value(name); }
    void replace(const QString& name, const QString& value) { m_values.insert(name, {value}); }
    // Sets an option the command line did not give (a project's defaults); returns whether set.
    bool setDefault(const QString& name, const QString& value)
    {
        if (has(name))
            return false;
        m_values.insert(name, {value});
        return true;
    }

private:
    QHash<QString, QStringList> m_values;
};

QString readTextFile(const QString& command, const QString& option, const QString& path);
Signature signatureFrom(const QString& command, const Options& opts);
AdapterPtr adapterFrom(const QString& command, const Options& opts);
std::pair<QString, QString> splitAssignment(const QString& command, const QString& option,
                                            const QString& text);
Value jsonValue(const QString& command, const QString& what, const QString& text);
// --demos FILE.jsonl: one JSON object per line.
QList<Example> demosFrom(const QString& command, const Options& opts);
// --inputs FILE.json, then each --input FIELD=VALUE (literal for str fields, JSON otherwise).
Object inputsFrom(const QString& command, const Options& opts, const Signature& sig);

// The LM options predict and evaluate share: --model --api-base --api-key-env --temperature
// --max-tokens --timeout --num-retries --no-cache.
QList<OptionSpec> lmOptionSpecs();
// An LMConfig from those options; the API key (read from --api-key-env or the provider's
// variable) goes to *secret so that output can be redacted. Without --model: defaultModel, or a
// usage error when that is empty.
LMConfig lmConfigFrom(const QString& command, const Options& opts, QString* secret,
                      const QString& defaultModel = {});
// "LMAuthError (401): <message on one line>"
QString lmErrorLine(const LMError& e);
QString oneLine(QString text);
QString redactAll(QString text, const QString& secret);
// --name as a number >= 0 (> 0 unless zeroOk), or as an integer >= min; usage errors otherwise.
double positiveNumber(const QString& command, const Options& opts, const QString& name,
                      bool zeroOk);
int wholeNumber(const QString& command, const Options& opts, const QString& name, int min);

int predictCommand(const QStringList& args, QTextStream& out, QTextStream& err);
int inspectCommand(const QStringList& args, QTextStream& out, QTextStream& err);
int evaluateCommand(const QStringList& args, QTextStream& out, QTextStream& err);
int indexCommand(const QStringList& args, QTextStream& out, QTextStream& err);
int validateCommand(const QStringList& args, QTextStream& out, QTextStream& err);
int exportCommand(const QStringList& args, QTextStream& out, QTextStream& err);

// --project FILE --program NAME: that program graph, built (usage error or std::runtime_error
// with the reasons otherwise).
// `project`: the file --project names, when the caller loaded it already (else it is loaded).
std::unique_ptr<GraphProgram> projectProgramFrom(const QString& command, const Options& opts,
                                                 const Project* project = nullptr);
// With --project FILE: the project's defaults for what the command line leaves out.
// --profile NAME (else the first profile when no --model is given) gives --model, --api-base,
// --api-key-env, --temperature, --max-tokens (never a key); with `withData`, --dataset NAME (else
// the first dataset, unless --data or --sample is given) gives --data and --input-keys, and
// --metric NAME of a project metric (else the first metric when no --metric is given) gives the
// metric (its kind, or js:FILE relative to the project) and --metric-field.
// Returns the loaded project (nullptr without --project), for projectProgramFrom.
std::shared_ptr<const Project> applyProjectDefaults(const QString& command, Options& opts,
                                                    bool withData);
// The LMs a drawn program's nodes pick by profile name (node settings "lm"), made from the
// project's profiles with `options` (the run's callbacks). Usage error for a profile the project
// does not have; the LM's error line for one that cannot be made.
Expected<QHash<QString, LMPtr>, QString> projectNamedLMs(const QString& command,
                                                         const Project* project,
                                                         const Module& program,
                                                         const LMFactoryOptions& options = {});

} // namespace dspy::run
