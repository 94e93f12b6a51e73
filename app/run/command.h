#pragma once

// dspy-run's command line: subcommands, option parsing, help texts and exit codes. Everything the
// commands do is core's (Signature::parse, Adapter::format/parse, ChainOfThought, ScriptedLM).

#include <QStringList>
#include <QTextStream>

namespace dspy::run {

enum ExitCode { Ok = 0, Failure = 1, Usage = 2 };

// args: the arguments after the program name. Output goes to `out`, diagnostics to `err`.
int runCommand(const QStringList& args, QTextStream& out, QTextStream& err);

} // namespace dspy::run
