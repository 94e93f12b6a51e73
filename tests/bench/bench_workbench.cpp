// bench_workbench — the workbench's GUI figures (offscreen):
//  (a) cold start: dspy-workbench --startup-probe, exec → first window exposed (N runs);
//  (b) RSS with a 100k-span trace open in the trace inspector, the run scrolled end to end, then
//      every example and module call loaded and the tree scrolled end to end (with the GUI
//      thread's longest stalls while it happens);
//  (c) GUI-thread stalls (a 1 ms timer's lateness: p50/p99/max) while a 5,000-example evaluation
//      runs at full speed through the EvaluateView on the in-process simulated LM, trace on.
// Run: build/<dir>/tests/bench/bench_workbench [--spans 100000] [--examples 5000] [--starts 5]
#include "datasets/samples.h"
#include "evaluateview.h"
#include "runtime/runmanager.h"
#include "traceinspector.h"
#include "tracemodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace dspy;
using namespace dspy::ui;

namespace {

double rssMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return -1;
}

// A 1 ms timer on the GUI thread; its lateness is how long the thread could not run it.
class StallProbe
{
public:
    StallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_late.push_back(double(now - m_last) / 1e6 - 1.0);
            m_last = now;
        });
    }
    void start()
    {
        m_late.clear();
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    QString summary()
    {
        if (m_late.empty())
            return QStringLiteral("no samples");
        std::vector<double> v = m_late;
        std::sort(v.begin(), v.end());
        const auto at = [&](double q) {
            return qMax(0.0, v[std::min(v.size() - 1, size_t(q * double(v.size())))]);
        };
        return QStringLiteral("stall p50 %1 ms, p99 %2 ms, max %3 ms (%4 samples)")
            .arg(at(0.5), 0, 'f', 2)
            .arg(at(0.99), 0, 'f', 2)
            .arg(qMax(0.0, v.back()), 0, 'f', 1)
            .arg(v.size());
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_late;
};

// Runs the GUI thread's event loop (as the app does) until done() holds, polling every 5 ms.
bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(5);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    poll.start();
    loop.exec();
    return done();
}

// The test's layout: example e holds a Predict call, its LM call and 8 adapter steps.
TraceStorePtr makeStore(const QString& path, int spans)
{
    auto opened = TraceStore::open(path);
    if (!opened)
        return {};
    TraceStorePtr store = *opened;
    RunInfo run;
    run.id = QStringLiteral("run1");
    run.name = QStringLiteral("Evaluate arithmetic");
    run.kind = QStringLiteral("evaluate");
    run.started = 1;
    run.status = QStringLiteral("finished");
    store->beginRun(run);
    for (int i = 0; i < spans; ++i) {
        Span s;
        s.id = QStringLiteral("s%1").arg(i, 7, 10, QLatin1Char('0'));
        s.runId = run.id;
        s.exampleIndex = i / 10;
        if (i % 10)
            s.parentId = QStringLiteral("s%1").arg(i - i % 10, 7, 10, QLatin1Char('0'));
        s.started = 1000 + qint64(i) * 100;
        s.ended = s.started + 50;
        s.status = QStringLiteral("ok");
        if (i % 10 == 1) {
            s.kind = CallbackHook::LM;
            s.name = QStringLiteral("ManagedLM(lmsim/sim)");
            s.model = QStringLiteral("lmsim/sim");
            s.inputs = Value(Object{
                {QStringLiteral("messages"),
                 Value(
                     Array{Value(Object{{QStringLiteral("role"), Value("user")},
                                        {QStringLiteral("content"),
                                         Value(QStringLiteral("What is %1 plus 1?").arg(i))}})})}});
            s.outputs = Value(Array{Value(QStringLiteral("[[ ## answer ## ]]\n%1").arg(i + 1))});
            s.promptTokens = 20;
            s.completionTokens = 5;
        } else if (i % 10 == 0) {
            s.kind = CallbackHook::Module;
            s.name = QStringLiteral("Predict(question -> answer)");
        } else {
            s.kind = CallbackHook::AdapterFormat;
            s.name = QStringLiteral("ChatAdapter");
        }
        store->record(std::move(s));
    }
    if (!store->flush())
        return {};
    return store;
}

void coldStart(const QString& workbench, int runs)
{
    std::printf("(a) cold start, %d runs of %s --startup-probe (offscreen)\n", runs,
                qPrintable(workbench));
    QTemporaryDir home;
    std::vector<double> exec;
    std::vector<double> wall;
    for (int i = 0; i < runs; ++i) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        p.setProcessEnvironment(env);
        QElapsedTimer t;
        t.start();
        p.start(workbench,
                {QStringLiteral("--startup-probe"), home.filePath(QStringLiteral("project"))});
        if (!p.waitForFinished(60000)) {
            std::printf("    run %d: did not finish\n", i);
            p.kill();
            p.waitForFinished();
            continue;
        }
        wall.push_back(double(t.nsecsElapsed()) / 1e6);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const auto m =
            QRegularExpression(QStringLiteral("exposed ([0-9.]+) ms after exec")).match(out);
        if (m.hasMatch())
            exec.push_back(m.captured(1).toDouble());
        std::printf("    run %d: %s", i,
                    qPrintable(out.isEmpty() ? QStringLiteral("(no output)\n") : out));
    }
    const auto median = [](std::vector<double> v) {
        if (v.empty())
            return -1.0;
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf("    median exec → first window exposed: %.1f ms; median process wall time "
                "(to exit): %.1f ms\n",
                median(exec), median(wall));
}

void bigTrace(int spans)
{
    std::printf("(b) trace inspector with a %d-span trace (%d examples × 10 spans)\n", spans,
                spans / 10);
    QTemporaryDir dir;
    const double rss0 = rssMb();
    QElapsedTimer t;
    t.start();
    TraceStorePtr store = makeStore(dir.filePath(QStringLiteral("traces.sqlite")), spans);
    if (!store) {
        std::printf("    cannot build the store\n");
        return;
    }
    std::printf("    store written in %.1f s; RSS %.1f MB before the inspector (%.1f at start)\n",
                double(t.elapsed()) / 1000.0, rssMb(), rss0);
    // The inspector's queries (each on a worker, each bounded to one page), median of 20.
    const auto timeQuery = [](const char* what, const std::function<void()>& q) {
        std::vector<double> ms;
        for (int i = 0; i < 20; ++i) {
            QElapsedTimer qt;
            qt.start();
            q();
            ms.push_back(double(qt.nsecsElapsed()) / 1e6);
        }
        std::sort(ms.begin(), ms.end());
        std::printf("    query %-44s median %.2f ms, max %.2f ms\n", what, ms[ms.size() / 2],
                    ms.back());
    };
    const QString runId = QStringLiteral("run1");
    const qint64 lastExamples = qMax(0, spans / 10 - 500);
    timeQuery("examplePage (first 500 examples)",
              [&] { (void)store->examplePage(runId, std::nullopt, 500); });
    timeQuery("examplePage (the last 500 examples)",
              [&] { (void)store->examplePage(runId, lastExamples - 1, 500); });
    timeQuery("rootSpans (one example)",
              [&] { (void)store->rootSpans(runId, lastExamples, SpanCursor{}, 500); });
    timeQuery("rootSpans (run-level spans: none)",
              [&] { (void)store->rootSpans(runId, std::nullopt, SpanCursor{}, 500); });
    const auto predict =
        store->span(QStringLiteral("s%1").arg(spans - 10, 7, 10, QLatin1Char('0')));
    if (predict && *predict)
        timeQuery("childPage (a Predict call's 9 children)",
                  [&] { (void)store->childPage(**predict, SpanCursor{}, 500); });
    timeQuery("ancestors (an LM call)", [&] {
        (void)store->ancestors(QStringLiteral("s%1").arg(spans - 9, 7, 10, QLatin1Char('0')));
    });
    timeQuery("search (one word, 200 results)",
              [&] { (void)store->search(runId, QStringLiteral("plus"), 200); });
    StallProbe probe;
    TraceInspector inspector;
    inspector.resize(1280, 800);
    inspector.show();
    TraceModel* model = inspector.model();
    QTreeView* tree = inspector.tree();
    probe.start();
    t.restart();
    QSignalSpy runs(model, &TraceModel::runsLoaded);
    inspector.setStore(store);
    waitFor([&] { return runs.size() > 0; }, 10000);
    tree->expand(inspector.filterModel()->index(0, 0));
    const QModelIndex run = model->index(0, 0);
    waitFor([&] { return model->rowCount(run) > 0; }, 10000);
    std::printf("    first page shown after %.1f ms; RSS %.1f MB\n", double(t.nsecsElapsed()) / 1e6,
                rssMb());
    // Scroll the run end to end (the inspector fetches as the bottom comes near).
    t.restart();
    QScrollBar* bar = tree->verticalScrollBar();
    waitFor(
        [&] {
            bar->setValue(bar->maximum());
            return model->isComplete(run) && !model->isFetching(run);
        },
        120000);
    std::printf(
        "    run scrolled end to end (%d examples, %lld pages) in %.1f s; RSS %.1f MB; %s\n",
        model->rowCount(run), model->pagesRequested(), double(t.elapsed()) / 1000.0, rssMb(),
        qPrintable(probe.summary()));
    // Every example and every module call loaded, then the whole tree scrolled end to end.
    probe.start();
    t.restart();
    const int examples = model->rowCount(run);
    constexpr int kBatch = 64;
    for (int level = 0; level < 2; ++level) {
        for (int first = 0; first < examples; first += kBatch) {
            const int last = qMin(examples, first + kBatch);
            for (int e = first; e < last; ++e) {
                QModelIndex node = model->index(e, 0, run);
                if (level == 1)
                    node = model->index(0, 0, node);
                model->fetchNextPage(node);
            }
            waitFor(
                [&] {
                    for (int e = first; e < last; ++e) {
                        QModelIndex node = model->index(e, 0, run);
                        if (level == 1)
                            node = model->index(0, 0, node);
                        if (node.isValid() && model->isFetching(node))
                            return false;
                    }
                    return true;
                },
                60000);
        }
    }
    std::printf("    all %lld rows loaded in %.1f s; RSS %.1f MB; %s\n", model->loadedRowCount(),
                double(t.elapsed()) / 1000.0, rssMb(), qPrintable(probe.summary()));
    probe.start();
    t.restart();
    tree->expandAll();
    QCoreApplication::processEvents();
    const int steps = 200;
    for (int i = 0; i <= steps; ++i) {
        bar->setValue(int(qint64(bar->maximum()) * i / steps));
        QCoreApplication::processEvents();
    }
    std::printf("    expanded and scrolled end to end (%d scroll steps) in %.1f s; RSS %.1f MB; "
                "%s\n",
                steps, double(t.elapsed()) / 1000.0, rssMb(), qPrintable(probe.summary()));
    probe.stop();
}

void evaluation(int count)
{
    std::printf("(c) %d-example evaluation through the EvaluateView (simulated LM, trace on)\n",
                count);
    auto base = samples::load(QStringLiteral("arithmetic"));
    if (!base || base->isEmpty()) {
        std::printf("    cannot load the arithmetic sample\n");
        return;
    }
    // Distinct questions (no cache hits): the sample's rows with a suffix per round.
    QList<Example> examples;
    for (int i = 0; examples.size() < count; ++i) {
        Example e = (*base)[i % base->size()];
        const int round = i / int(base->size());
        if (round > 0)
            e.set(QStringLiteral("question"), Value(e.get(QStringLiteral("question")).toString() +
                                                    QStringLiteral(" (round %1)").arg(round)));
        examples.append(e);
    }
    QTemporaryDir dir;
    auto store = TraceStore::open(dir.filePath(QStringLiteral("traces.sqlite")));
    if (!store) {
        std::printf("    %s\n", qPrintable(store.error()));
        return;
    }
    RunManager manager;
    manager.setTraceStore(*store);
    EvaluateView view(&manager);
    view.resize(1280, 800);
    view.setSample(QStringLiteral("arithmetic"));
    view.setExamples(examples);
    view.setLimit(count);
    view.show();
    QCoreApplication::processEvents();
    StallProbe probe;
    bool done = false;
    QObject::connect(&view, &EvaluateView::finished, [&] { done = true; });
    QElapsedTimer t;
    double lastProgressS = 0;
    qint64 lastDone = 0;
    QObject::connect(&manager, &RunManager::progressChanged,
                     [&](const QString&, const EvaluationProgress& p) {
                         lastProgressS = double(t.elapsed()) / 1000.0;
                         lastDone = p.done;
                     });
    double resultS = 0;
    QObject::connect(&manager, &RunManager::evaluationFinished,
                     [&] { resultS = double(t.elapsed()) / 1000.0; });
    t.start();
    probe.start();
    view.start();
    waitFor([&] { return done; }, 600000);
    const double s = double(t.elapsed()) / 1000.0;
    QCoreApplication::processEvents();
    probe.stop();
    (*store)->flush();
    std::printf("    last progress (%lld done) at %.1f s, result shown at %.1f s\n", lastDone,
                lastProgressS, resultS);
    std::printf("    %s in %.1f s (%.0f examples/s), %lld spans written, %lld dropped; score "
                "%.1f%%\n    GUI thread: %s\n",
                done ? "finished" : "NOT finished", s, double(count) / s, (*store)->writtenSpans(),
                (*store)->droppedCount(), view.result() ? view.result()->score : -1.0,
                qPrintable(probe.summary()));
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int spans = 100000;
    int examples = 5000;
    int starts = 5;
    QString workbench = QStringLiteral(DSPY_WORKBENCH_BIN);
    QString only;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--spans"))
            spans = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--examples"))
            examples = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--starts"))
            starts = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--workbench"))
            workbench = args[i + 1];
        else if (args[i] == QLatin1String("--only"))
            only = args[i + 1];
    }
    QByteArray load("?");
    if (QFile f(QStringLiteral("/proc/loadavg")); f.open(QIODevice::ReadOnly))
        load = f.readAll().trimmed();
    std::printf("bench_workbench: %d cores online, load average %s\n", QThread::idealThreadCount(),
                load.constData());
    if (only.isEmpty() || only == QLatin1String("start"))
        coldStart(workbench, starts);
    if (only.isEmpty() || only == QLatin1String("trace"))
        bigTrace(spans);
    if (only.isEmpty() || only == QLatin1String("evaluate"))
        evaluation(examples);
    return 0;
}
