// dspy-run inspect: DSPy's inspect_history over the calls earlier dspy-run predict runs left in
// the history file.

#include "cli.h"
#include "command.h"

#include "lm/historystore.h"

#include <cstdio>
#include <unistd.h>

namespace dspy::run {

namespace {

const char* const kInspectHelp =
    "Usage: dspy-run inspect [-n N] [options]\n"
    "\n"
    "Prints the last N LM calls made by 'dspy-run predict' in DSPy's inspect_history layout\n"
    "(timestamp, each message, the response). The calls are read from\n"
    "$XDG_CACHE_HOME/dspy-workbench/history.jsonl, which keeps the last 1000.\n"
    "\n"
    "Options:\n"
    "  -n, --n N               How many calls (default 1; 0 prints all of them).\n"
    "  --no-color              Never colour the output.\n"
    "  --color                 Colour even when standard output is not a terminal.\n"
    "  -h, --help              Show this help.\n"
    "\n"
    "Without either option, colours are used when standard output is a terminal and NO_COLOR\n"
    "is not set.\n";

} // namespace

int inspectCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString cmd = QStringLiteral("inspect");
    const Options opts(cmd,
                       {{QStringLiteral("n"), false, false, QLatin1Char('n')},
                        {QStringLiteral("no-color"), false, true},
                        {QStringLiteral("color"), false, true}},
                       args);
    if (opts.help) {
        out << kInspectHelp;
        return Ok;
    }
    qsizetype n = 1;
    if (opts.has(QStringLiteral("n"))) {
        bool ok = false;
        n = opts.value(QStringLiteral("n")).toLongLong(&ok);
        if (!ok || n < 0)
            throw UsageError(QStringLiteral("%1: -n must be a non-negative integer, got '%2'")
                                 .arg(cmd, opts.value(QStringLiteral("n"))));
    }
    if (opts.has(QStringLiteral("color")) && opts.has(QStringLiteral("no-color")))
        throw UsageError(QStringLiteral("%1: --color and --no-color exclude each other").arg(cmd));
    bool colors = false;
    if (opts.has(QStringLiteral("color")))
        colors = true;
    else if (!opts.has(QStringLiteral("no-color")))
        colors = ::isatty(STDOUT_FILENO) == 1 && qEnvironmentVariableIsEmpty("NO_COLOR");

    const HistoryStore store;
    QString error;
    const QList<HistoryEntry> entries = store.last(n, &error);
    if (!error.isEmpty()) {
        err << "dspy-run: inspect: " << error << '\n';
        return Failure;
    }
    if (entries.isEmpty()) {
        err << "dspy-run: inspect: no LM calls recorded yet (" << store.path() << ")\n";
        return Ok;
    }
    out << inspectHistory(entries, n, colors);
    return Ok;
}

} // namespace dspy::run
