// dspy-workbench [PROJECT] [--screenshot FILE [--view NAME] [--size WxH]] [--startup-probe]
#include "evaluateview.h"
#include "graph/grapheditor.h"
#include "mainwindow.h"
#include "traceinspector.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QWindow>

#include <cstdio>
#include <ctime>
#include <unistd.h>

using namespace dspy::ui;

namespace {

bool grabTo(MainWindow& window, const QString& file)
{
    const bool ok = window.grab().save(file, "PNG");
    if (!ok)
        std::fprintf(stderr, "dspy-workbench: cannot write %s\n", qPrintable(file));
    return ok;
}

// --startup-probe: time from exec to the first exposed window. The process start comes from
// /proc/self/stat (clock ticks since boot, 10 ms resolution); a timer started by a static
// initialiser (after the dynamic loader, before main) gives the finer part.
QElapsedTimer& sinceStaticInit()
{
    static QElapsedTimer timer;
    return timer;
}
[[maybe_unused]] const bool g_timerStarted = [] {
    sinceStaticInit().start();
    return true;
}();

double msSinceExec()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Field 22 (starttime); the command name (field 2) may contain spaces, so count after ')'.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 20)
        return -1;
    const double startTicks = fields[19].toDouble();
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    const double nowMs = double(now.tv_sec) * 1000.0 + double(now.tv_nsec) / 1e6;
    return nowMs - startTicks * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

class ExposeProbe final : public QObject
{
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Expose && static_cast<QWindow*>(watched)->isExposed() &&
            !m_done) {
            m_done = true;
            std::printf("startup-probe: first window exposed %.1f ms after exec (%.1f ms after "
                        "static init)\n",
                        msSinceExec(), double(sinceStaticInit().nsecsElapsed()) / 1e6);
            std::fflush(stdout);
            QTimer::singleShot(0, qApp, [] { QApplication::exit(0); });
        }
        return false;
    }

private:
    bool m_done = false;
};

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
                                 QApplication::translate("main",
                                                         "Project file (.dspyproj) to open; "
                                                         "default: the last one."),
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
    const QCommandLineOption startupProbe(
        QStringLiteral("startup-probe"),
        QApplication::translate("main", "Print the time from exec to the first window shown, "
                                        "then exit."));
    parser.addOptions({screenshot, view, size, startupProbe});
    parser.process(app);

    QString project = parser.positionalArguments().value(0);
    if (project.isEmpty() && !parser.isSet(screenshot) && !parser.isSet(startupProbe)) {
        // The last project, when it is still there.
        const QString last = QSettings().value(QStringLiteral("project/last")).toString();
        if (last.endsWith(QLatin1String(".dspyproj")) && QFileInfo::exists(last))
            project = last;
    }
    MainWindow window(project);

    if (parser.isSet(startupProbe)) {
        ExposeProbe probe;
        window.winId(); // creates the QWindow, so the probe sees its first expose
        window.windowHandle()->installEventFilter(&probe);
        window.show();
        return QApplication::exec();
    }
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
        if (MainWindow::viewNames().contains(viewName))
            std::fprintf(stderr, "dspy-workbench: the %s view needs a project with a program\n",
                         qPrintable(viewName));
        else
            std::fprintf(stderr, "dspy-workbench: unknown view %s (known: %s)\n",
                         qPrintable(viewName),
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
    } else if (viewName == QLatin1String("traces")) {
        // Open the first run down to its first LM call (the pages load asynchronously).
        TraceInspector* traces = window.traceInspector();
        QObject::connect(traces, &TraceInspector::revealed, &app, [&] {
            QTimer::singleShot(50, &app, [&] { QApplication::exit(grabTo(window, file) ? 0 : 1); });
        });
        QTimer::singleShot(10000, &app, [&] { QApplication::exit(grabTo(window, file) ? 0 : 1); });
        traces->revealFirstLmCall();
    } else if (viewName == QLatin1String("graph")) {
        // Run the program once on the filled-in example: badges and outputs on the nodes.
        auto* editor = qobject_cast<GraphEditor*>(window.tabs()->currentWidget());
        const auto grab = [&] {
            QTimer::singleShot(100, &app,
                               [&] { QApplication::exit(grabTo(window, file) ? 0 : 1); });
        };
        if (editor) {
            QObject::connect(editor, &GraphEditor::runFinished, &app, grab);
            QTimer::singleShot(20000, &app, grab);
        }
        if (!editor || editor->run().isEmpty())
            grab();
    } else {
        QTimer::singleShot(0, &app, [&] { QApplication::exit(grabTo(window, file) ? 0 : 1); });
    }
    return QApplication::exec();
}
