// dspy-workbench [PROJECT] [--screenshot FILE [--view NAME] [--size WxH]]
#include "evaluateview.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

using namespace dspy::ui;

namespace {

bool grabTo(MainWindow& window, const QString& file)
{
    const bool ok = window.grab().save(file, "PNG");
    if (!ok)
        std::fprintf(stderr, "dspy-workbench: cannot write %s\n", qPrintable(file));
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("dspy-workbench"));
    QApplication::setApplicationName(QStringLiteral("DSPy Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(DSPY_VERSION));

    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    // English is the fallback (its .qm holds the plural forms of the source texts).
    if (translator.load(QLocale(), QStringLiteral("workbench"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")) ||
        translator.load(QStringLiteral(":/i18n/workbench_en.qm")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "DSPy Workbench: build, inspect and evaluate LM programs."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QApplication::translate("main", "Project directory to open."),
                                 QStringLiteral("[PROJECT]"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Render the window offscreen to a PNG file and exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption view(QStringLiteral("view"),
                                  QApplication::translate("main", "View to show: %1.")
                                      .arg(MainWindow::viewNames().join(QStringLiteral(", "))),
                                  QStringLiteral("NAME"), QStringLiteral("welcome"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QApplication::translate("main", "Window size for --screenshot."),
                                  QStringLiteral("WxH"), QStringLiteral("1280x800"));
    parser.addOptions({screenshot, view, size});
    parser.process(app);

    const QString project = parser.positionalArguments().value(0);
    MainWindow window(project);

    if (!parser.isSet(screenshot)) {
        window.show();
        return QApplication::exec();
    }

    const QStringList wh = parser.value(size).split(QLatin1Char('x'));
    const int w = wh.value(0).toInt();
    const int h = wh.value(1).toInt();
    if (wh.size() != 2 || w <= 0 || h <= 0) {
        std::fprintf(stderr, "dspy-workbench: --size wants WxH, e.g. 1280x800\n");
        return 2;
    }
    const QString viewName = parser.value(view);
    if (!window.showView(viewName)) {
        std::fprintf(stderr, "dspy-workbench: unknown view %s (known: %s)\n", qPrintable(viewName),
                     qPrintable(MainWindow::viewNames().join(QStringLiteral(", "))));
        return 2;
    }
    // A screenshot must not depend on the layout a previous session saved.
    window.setGeometry(0, 0, w, h);
    window.setFixedSize(w, h);
    window.show();
    const QString file = parser.value(screenshot);
    if (viewName == QLatin1String("evaluate")) {
        // Show the view after loading: a small evaluation of the first sample.
        EvaluateView* ev = window.evaluateView();
        ev->setLimit(20);
        QObject::connect(ev, &EvaluateView::finished, &app,
                         [&] { QApplication::exit(grabTo(window, file) ? 0 : 1); });
        ev->start();
    } else {
        QTimer::singleShot(0, &app, [&] { QApplication::exit(grabTo(window, file) ? 0 : 1); });
    }
    return QApplication::exec();
}
