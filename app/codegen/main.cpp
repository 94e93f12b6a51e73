// dspy-codegen "question, context: list[str] -> answer: int" --name QA [--instructions TEXT] -o
// qa.h

#include "headergenerator.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>
#include <QTextStream>

namespace {

const char* const kHelp =
    "Usage: dspy-codegen SIGNATURE --name NAME [--instructions TEXT] -o FILE.h\n"
    "\n"
    "Writes a C++ header with a struct NAME for the signature: typed Inputs and Outputs, the\n"
    "static dspy::Signature, and the conversions TypedPredict<NAME> and TypedChainOfThought<NAME>\n"
    "use (core/modules/typedpredict.h). Types map as str -> QString, int -> qint64,\n"
    "float -> double, bool -> bool, list[str] -> QStringList, list[T] -> QList<T>,\n"
    "Optional[T] -> std::optional<T>, anything else -> dspy::Value.\n"
    "\n"
    "Options:\n"
    "  --name NAME           The struct's name (a C++ identifier).\n"
    "  --instructions TEXT   The signature's instructions (default: DSPy's generated text).\n"
    "  -o, --output FILE     Where to write the header ('-' for standard output). The file is\n"
    "                        left untouched when its content would not change.\n"
    "  -h, --help            Show this help.\n"
    "Exit codes: 0 success, 1 the file cannot be written, 2 bad usage or signature.\n";

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = app.arguments().mid(1);

    auto usage = [&](const QString& message) {
        err << "dspy-codegen: " << message << "\n";
        return 2;
    };

    QString signatureText;
    QString name;
    QString instructions;
    QString output;
    bool haveSignature = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            out << kHelp;
            return 0;
        }
        auto takeValue = [&](QString& target) {
            if (i + 1 >= args.size())
                return false;
            target = args.at(++i);
            return true;
        };
        if (arg == QLatin1String("--name")) {
            if (!takeValue(name))
                return usage(QStringLiteral("--name needs a value"));
        } else if (arg == QLatin1String("--instructions")) {
            if (!takeValue(instructions))
                return usage(QStringLiteral("--instructions needs a value"));
        } else if (arg == QLatin1String("-o") || arg == QLatin1String("--output")) {
            if (!takeValue(output))
                return usage(QStringLiteral("%1 needs a value").arg(arg));
        } else if (arg.startsWith(QLatin1Char('-')) && arg != QLatin1String("-")) {
            return usage(QStringLiteral("unknown option '%1' (see --help)").arg(arg));
        } else if (!haveSignature) {
            signatureText = arg;
            haveSignature = true;
        } else {
            return usage(QStringLiteral("unexpected argument '%1': give one signature").arg(arg));
        }
    }
    if (!haveSignature)
        return usage(QStringLiteral("a SIGNATURE is required (see --help)"));
    if (name.isEmpty())
        return usage(QStringLiteral("--name is required"));
    if (!dspy::codegen::isIdentifier(name))
        return usage(QStringLiteral("--name '%1' is not a C++ identifier").arg(name));
    if (output.isEmpty())
        return usage(QStringLiteral("-o FILE is required"));

    dspy::SignatureError error;
    const std::optional<dspy::Signature> sig =
        dspy::Signature::parse(signatureText, instructions, &error);
    if (!sig)
        return usage(QStringLiteral("invalid signature: %1").arg(error.toString()));

    const QString header = dspy::codegen::generateHeader(name, signatureText, instructions, *sig);
    if (output == QLatin1String("-")) {
        out << header;
        return 0;
    }
    const QByteArray bytes = header.toUtf8();
    {
        QFile existing(output);
        if (existing.open(QIODevice::ReadOnly) && existing.readAll() == bytes)
            return 0; // unchanged: keep the timestamp so dependants do not rebuild
    }
    QSaveFile file(output);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        err << "dspy-codegen: cannot write '" << output << "': " << file.errorString() << "\n";
        return 1;
    }
    return 0;
}
