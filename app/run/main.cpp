#include "command.h"

#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("dspy-run"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const int code = dspy::run::runCommand(app.arguments().mid(1), out, err);
    out.flush();
    err.flush();
    return code;
}
