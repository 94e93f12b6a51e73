#pragma once

// dspy-run's command line: subcommands, option parsing, help texts and exit codes. Everything the
// commands do is core's (Signature::parse, Adapter::format/parse, ChainOfThought, ScriptedLM,
// makeLM, HistoryStore).

#include <QStringList>
#include <QTextStream>

namespace dspy::run {

// LMFailure: the LM call failed after its retries (auth, rate limit, timeout, transport, ...).
enum ExitCode { Ok = 0, Failure = 1, Usage = 2, LMFailure = 3 };

// args: the arguments after the program name. Output goes to `out`, diagnostics to `err`.
int runCommand(const QStringList& args, QTextStream& out, QTextStream& err);

} // namespace dspy::run
