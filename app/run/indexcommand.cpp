// dspy-run index: builds an FTS5 (BM25) index from a corpus and queries it, one JSON line per hit.

#include "cli.h"
#include "command.h"

#include "retrieve/fts5retriever.h"
#include "runtime/runcontext.h"

#include <QElapsedTimer>

namespace dspy::run {

namespace {

const char* const kIndexHelp =
    "Usage: dspy-run index build --corpus FILE|DIR --out INDEX\n"
    "       dspy-run index query --index INDEX [--k N] QUERY...\n"
    "\n"
    "The embedded retriever: a BM25 index in one SQLite file (FTS5, porter unicode61 tokenizer).\n"
    "\n"
    "build  Indexes a corpus: a JSONL file, one passage a line, {\"id\": ..., \"text\": ...,\n"
    "       \"title\": ...} (text required; id a string or integer, default the line's passage\n"
    "       number; title optional, searched too; other keys kept as metadata), or a folder\n"
    "       whose *.txt, *.md, *.markdown, *.rst and *.text files are one passage each (id: the\n"
    "       relative path). The bundled corpus is :/dspy/datasets/corpus.jsonl. Prints\n"
    "       {\"index\", \"passages\", \"elapsed_ms\"} as one JSON line.\n"
    "  --corpus PATH           The corpus file or folder.\n"
    "  --out INDEX             The index file to write (replaced if it exists).\n"
    "\n"
    "query  Prints the top passages for the query (the words after the options, joined by\n"
    "       spaces; punctuation is fine), best first, one JSON line each:\n"
    "       {\"id\": ..., \"score\": ..., \"text\": ...} (score: -bm25, higher is better).\n"
    "       No line at all when nothing matches.\n"
    "  --index INDEX           The index file.\n"
    "  --k N                   How many passages (default 3, DSPy's Retrieve k).\n"
    "  --                      Everything after it is the query (for a query starting with -).\n"
    "\n"
    "  -h, --help              Show this help.\n"
    "\n"
    "Exit codes: 0 success, 1 the corpus or index cannot be read or written (the message names\n"
    "the file and line), 2 bad usage.\n";

// Splits the arguments into options (with their values) and the words of the query.
std::pair<QStringList, QStringList> splitPositional(const QStringList& args,
                                                    const QStringList& valueOptions)
{
    QStringList options, words;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args.at(i);
        if (a == QLatin1String("--")) {
            words += args.mid(i + 1);
            break;
        }
        if (a.startsWith(u'-') && a.size() > 1) {
            options.append(a);
            if (valueOptions.contains(a) && i + 1 < args.size())
                options.append(args.at(++i));
            continue;
        }
        words.append(a);
    }
    return {options, words};
}

int buildIndex(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString cmd = QStringLiteral("index build");
    const Options opts(cmd, {{QStringLiteral("corpus")}, {QStringLiteral("out")}}, args);
    if (opts.help) {
        out << kIndexHelp;
        return Ok;
    }
    if (!opts.has(QStringLiteral("corpus")))
        throw UsageError(QStringLiteral("%1: --corpus is required").arg(cmd));
    if (!opts.has(QStringLiteral("out")))
        throw UsageError(QStringLiteral("%1: --out is required").arg(cmd));
    QElapsedTimer timer;
    timer.start();
    const auto docs = FTS5Retriever::readCorpus(opts.value(QStringLiteral("corpus")));
    if (!docs) {
        err << "dspy-run: " << cmd << ": " << docs.error() << '\n';
        return Failure;
    }
    const QString indexPath = opts.value(QStringLiteral("out"));
    const auto built = FTS5Retriever::build(docs.value(), indexPath);
    if (!built) {
        err << "dspy-run: " << cmd << ": " << built.error() << '\n';
        return Failure;
    }
    out << Value(Object{{QStringLiteral("index"), Value(indexPath)},
                        {QStringLiteral("passages"), Value(built.value())},
                        {QStringLiteral("elapsed_ms"), Value(timer.elapsed())}})
               .toJson(JsonStyle{-1, false, false})
        << '\n';
    return Ok;
}

int queryIndex(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString cmd = QStringLiteral("index query");
    const auto [optionArgs, words] =
        splitPositional(args, {QStringLiteral("--index"), QStringLiteral("--k")});
    const Options opts(cmd, {{QStringLiteral("index")}, {QStringLiteral("k")}}, optionArgs);
    if (opts.help) {
        out << kIndexHelp;
        return Ok;
    }
    if (!opts.has(QStringLiteral("index")))
        throw UsageError(QStringLiteral("%1: --index is required").arg(cmd));
    const int k =
        opts.has(QStringLiteral("k")) ? wholeNumber(cmd, opts, QStringLiteral("k"), 1) : 3;
    const QString query = words.join(u' ');
    if (query.trimmed().isEmpty())
        throw UsageError(QStringLiteral("%1: the query is missing (dspy-run index query --index "
                                        "INDEX QUERY...)")
                             .arg(cmd));
    const auto index = FTS5Retriever::open(opts.value(QStringLiteral("index")));
    if (!index) {
        err << "dspy-run: " << cmd << ": " << index.error() << '\n';
        return Failure;
    }
    RunContext ctx;
    QList<Passage> hits;
    try {
        hits = index.value()->search(query, k, ctx);
    } catch (const RetrieverError& e) {
        err << "dspy-run: " << cmd << ": " << e.message() << '\n';
        return Failure;
    }
    for (const Passage& p : hits) {
        out << Value(Object{{QStringLiteral("id"), Value(p.id)},
                            {QStringLiteral("score"), Value(p.score)},
                            {QStringLiteral("text"), Value(p.text)}})
                   .toJson(JsonStyle{-1, false, false})
            << '\n';
    }
    return Ok;
}

} // namespace

int indexCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("build"))
        return buildIndex(args.mid(1), out, err);
    if (sub == QLatin1String("query"))
        return queryIndex(args.mid(1), out, err);
    if (sub == QLatin1String("-h") || sub == QLatin1String("--help") ||
        sub == QLatin1String("help")) {
        out << kIndexHelp;
        return Ok;
    }
    throw UsageError(
        sub.isEmpty() ? QStringLiteral("index: a subcommand is needed: build or query (see "
                                       "'dspy-run index --help')")
                      : QStringLiteral("index: unknown subcommand '%1' (build, query)").arg(sub));
}

} // namespace dspy::run
