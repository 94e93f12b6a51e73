#include "graph/projectfile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dspy;

namespace {

QByteArray readBytes(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

void writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
}

QString fixture(const QString& name)
{
    return QStringLiteral(DSPY_SOURCE_DIR "/tests/data/graph/") + name;
}

// Input(question) -> search(query) -> answer: ChainOfThought(context, question) -> Output(answer)
void buildRag(ProgramGraph& g)
{
    g.setProgramSignature(QStringLiteral("question -> answer"));
    const NodeId in = g.addNode(nodekind::Input, QStringLiteral("input"));
    const NodeId search = g.addNode(nodekind::Retrieve, QStringLiteral("search"));
    const NodeId answer = g.addNode(nodekind::ChainOfThought, QStringLiteral("answer"));
    g.setNodeSignature(answer, QStringLiteral("context: list[str], question -> answer"));
    const NodeId out = g.addNode(nodekind::Output, QStringLiteral("output"));
    g.setNodeData(answer, NodeRole::Position, QPointF(240, 80.5));
    g.addConnection({in, QStringLiteral("question"), search, QStringLiteral("query")});
    g.addConnection({search, QStringLiteral("passages"), answer, QStringLiteral("context")});
    g.addConnection({in, QStringLiteral("question"), answer, QStringLiteral("question")});
    g.addConnection({answer, QStringLiteral("answer"), out, QStringLiteral("answer")});
}

void fillProject(Project& p)
{
    p.name = QStringLiteral("demo");
    p.signatures = {
        {QStringLiteral("qa"), QStringLiteral("question -> answer"), {}},
        {QStringLiteral("cls"), QStringLiteral("text -> label"), QStringLiteral("Classify.")}};
    p.datasets = {
        {QStringLiteral("dev"), QStringLiteral("data/dev.jsonl"), {QStringLiteral("question")}}};
    p.metrics = {{QStringLiteral("exact"), Object{{QStringLiteral("kind"), Value("exact_match")},
                                                  {QStringLiteral("field"), Value("answer")}}}};
    p.lmProfiles = {{QStringLiteral("openai"),
                     Object{{QStringLiteral("model"), Value("openai/gpt-4o-mini")},
                            {QStringLiteral("api_key_env"), Value("OPENAI_API_KEY")}}}};
    p.optimizerPresets = {{QStringLiteral("quick"), QStringLiteral("BootstrapFewShot"),
                           Object{{QStringLiteral("max_bootstrapped_demos"), Value(2)}}}};
    buildRag(*p.addProgram(QStringLiteral("rag")));
}

} // namespace

class TstProjectFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void saveLoadSaveIsByteIdentical()
    {
        QTemporaryDir dir;
        Project p;
        fillProject(p);
        const QString a = dir.filePath(QStringLiteral("demo.dspyproj"));
        QVERIFY(p.save(a));
        auto loaded = Project::load(a);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error()));
        const QString b = dir.filePath(QStringLiteral("again.dspyproj"));
        QVERIFY((*loaded)->save(b));
        QCOMPARE(readBytes(b), readBytes(a));

        const QByteArray text = readBytes(a);
        QVERIFY(text.startsWith("{\n  \"datasets\": [\n    {\n"));
        QVERIFY(text.endsWith("}\n"));
        QVERIFY(text.contains("\"format_version\": 2,"));
        QVERIFY(!text.contains("\t"));

        ProgramGraph* g = (*loaded)->program(QStringLiteral("rag"));
        QVERIFY(g);
        QCOMPARE(g->allNodeIds(), (QList<NodeId>{1, 2, 3, 4}));
        QCOMPARE(g->allConnectionIds().size(), 4);
        QCOMPARE(g->node(3)->position, QPointF(240, 80.5));
        QCOMPARE(g->validate().size(), 0);
        QCOMPARE((*loaded)->signatures.first().name, QStringLiteral("cls"));
        QCOMPARE((*loaded)
                     ->lmProfile(QStringLiteral("openai"))
                     ->settings.value(u"api_key_env")
                     .toString(),
                 QStringLiteral("OPENAI_API_KEY"));
        QCOMPARE(Project::databasePath(a), dir.filePath(QStringLiteral("demo.dspydb")));
        QCOMPARE(Project::resolvePath(a, (*loaded)->dataset(QStringLiteral("dev"))->path),
                 dir.filePath(QStringLiteral("data/dev.jsonl")));
    }

    void idsOfDeletedNodesStayRetired()
    {
        QTemporaryDir dir;
        Project p;
        ProgramGraph* g = p.addProgram(QStringLiteral("x"));
        buildRag(*g);
        g->deleteNode(g->addNode(nodekind::Predict)); // id 5 used and gone
        const QString path = dir.filePath(QStringLiteral("x.dspyproj"));
        QVERIFY(p.save(path));
        auto loaded = Project::load(path);
        QVERIFY(loaded);
        QCOMPARE((*loaded)->program(QStringLiteral("x"))->addNode(nodekind::Predict), 6);
    }

    void newerVersionIsRefusedAndNotOverwritten()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("future.dspyproj"));
        const QByteArray future = "{\"format_version\": 3, \"programs\": []}\n";
        writeBytes(path, future);
        auto loaded = Project::load(path);
        QVERIFY(!loaded);
        QCOMPARE(loaded.error(),
                 path +
                     QStringLiteral(" was written by a newer version (format 3; this build reads "
                                    "formats up to 2). It was not changed."));
        Project p;
        fillProject(p);
        auto saved = p.save(path);
        QVERIFY(!saved);
        QVERIFY2(saved.error().startsWith(QStringLiteral("not saved, ") + path +
                                          QStringLiteral(" is left as it is: ")),
                 qPrintable(saved.error()));
        QCOMPARE(readBytes(path), future);
    }

    void brokenFilesAreRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.dspyproj"));
        writeBytes(path, "{\"format_version\": 2, \"programs\": [");
        auto loaded = Project::load(path);
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().startsWith(path + QStringLiteral(" is not a valid project file: "
                                                                 "JSON error at offset")),
                 qPrintable(loaded.error()));
        Project p;
        QVERIFY(!p.save(path));
        QCOMPARE(readBytes(path), QByteArray("{\"format_version\": 2, \"programs\": ["));

        auto noVersion = Project::fromJson(u"{\"programs\": []}", QStringLiteral("x.dspyproj"));
        QVERIFY(!noVersion);
        QCOMPARE(noVersion.error(), QStringLiteral("x.dspyproj is not a valid project file: it has "
                                                   "no integer 'format_version'"));
        auto dupIds = Project::fromJson(
            u"{\"format_version\": 2, \"programs\": [{\"name\": \"p\", \"nodes\": [{\"id\": 1, "
            u"\"kind\": \"Input\", \"name\": \"a\"}, {\"id\": 1, \"kind\": \"Output\", \"name\": "
            u"\"b\"}]}]}",
            QStringLiteral("d.dspyproj"));
        QVERIFY(!dupIds);
        QCOMPARE(dupIds.error(),
                 QStringLiteral("d.dspyproj: program 'p': node id 1 is used twice"));
        auto absolute = Project::fromJson(
            u"{\"format_version\": 2, \"datasets\": [{\"name\": \"d\", \"path\": \"/etc/x\"}]}");
        QVERIFY(!absolute);
        QVERIFY(absolute.error().contains(QStringLiteral("absolute path '/etc/x'")));
    }

    void secretsAreRefused()
    {
        Project p;
        fillProject(p);
        p.lmProfiles.first().settings.insert(QStringLiteral("api_key"), Value("sk-123"));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.dspyproj"));
        auto saved = p.save(path);
        QVERIFY(!saved);
        QCOMPARE(saved.error(), QStringLiteral("not saved: LM profile 'openai' holds a secret in "
                                               "'api_key': name an environment variable in "
                                               "'api_key_env' or a keychain entry in 'keychain' "
                                               "instead"));
        QVERIFY(!QFile::exists(path));
        auto loaded = Project::fromJson(u"{\"format_version\": 2, \"lm_profiles\": [{\"name\": "
                                        u"\"x\", \"model\": \"m\", \"api_key\": \"sk\"}]}");
        QVERIFY(!loaded);
        QVERIFY(loaded.error().contains(QStringLiteral("holds a secret in 'api_key'")));
    }

    void migratesVersion1()
    {
        auto loaded = Project::load(fixture(QStringLiteral("v1_project.dspyproj")));
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error()));
        ProgramGraph* g = (*loaded)->program(QStringLiteral("qa"));
        QVERIFY(g);
        QCOMPARE(g->allNodeIds(), (QList<NodeId>{1, 2, 3}));
        QCOMPARE(g->node(2)->kind, nodekind::ChainOfThought);
        QCOMPARE(g->node(2)->name, QStringLiteral("think"));
        QCOMPARE(g->allConnectionIds().size(), 2);
        QVERIFY(g->connectionExists({2, QStringLiteral("answer"), 3, QStringLiteral("answer")}));
        QCOMPARE(g->validate().size(), 0);
        QVERIFY((*loaded)->toJson().contains(QStringLiteral("\"format_version\": 2")));

        auto bad = Project::fromJson(u"{\"format_version\": 1, \"programs\": {\"p\": {\"nodes\": "
                                     u"[{\"type\": \"Input\", \"name\": \"a\"}], \"edges\": "
                                     u"[{\"from\": \"zz.q\", \"to\": \"a.q\"}]}}}",
                                     QStringLiteral("old.dspyproj"));
        QVERIFY(!bad);
        QCOMPARE(bad.error(),
                 QStringLiteral("old.dspyproj: program 'p' (format 1): edge end 'zz.q' "
                                "names no node"));
    }

    void importExportDspyJson()
    {
        ProgramGraph g;
        buildRag(g);
        const QString text =
            QString::fromUtf8(readBytes(fixture(QStringLiteral("rag_program.json"))));
        auto warnings = importDspyStateJson(g, text);
        QVERIFY2(warnings, qPrintable(warnings ? QString() : warnings.error()));
        QCOMPARE(*warnings, QStringList());
        const GraphNode* answer = g.node(g.nodeByName(QStringLiteral("answer")));
        QCOMPARE(answer->state.value(u"predict").toObject().value(u"demos").toArray().size(), 2);
        QCOMPARE(g.node(g.nodeByName(QStringLiteral("search")))->settings.value(u"k").toInt(), 5);
        auto exported = exportDspyStateJson(g);
        QVERIFY2(exported, qPrintable(exported ? QString() : exported.error()));
        QCOMPARE(*exported, text);

        // Through a project file and back.
        Project p;
        ProgramGraph* saved = p.addProgram(QStringLiteral("rag"));
        graphFromObject(graphToObject(g), *saved);
        auto reloaded = Project::fromJson(p.toJson());
        QVERIFY(reloaded);
        auto again = exportDspyStateJson(*(*reloaded)->program(QStringLiteral("rag")));
        QVERIFY(again);
        QCOMPARE(*again, text);
    }

    void sampleProjectsAreCanonical_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : {"arithmetic", "tickets", "rag", "agent"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }
    // The bundled samples are written as Project::save() writes them (clean diffs once edited).
    void sampleProjectsAreCanonical()
    {
        QFETCH(QString, name);
        const QString path = QStringLiteral(DSPY_SOURCE_DIR "/resources/projects/") + name +
                             QStringLiteral(".dspyproj");
        auto loaded = Project::load(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error()));
        QCOMPARE((*loaded)->validate(), QStringList());
        QCOMPARE((*loaded)->toJson().toUtf8(), readBytes(path));
    }

    // Subgraph nodes: stored and reloaded byte-identically; validate() names a missing program and
    // a program that contains itself.
    void subgraphsInProjects()
    {
        Project p;
        fillProject(p);
        ProgramGraph* qa = p.addProgram(QStringLiteral("qa"));
        qa->setProgramSignature(QStringLiteral("question -> answer"));
        const NodeId qin = qa->addNode(nodekind::Input, QStringLiteral("input"));
        const NodeId qp = qa->addNode(nodekind::Predict, QStringLiteral("respond"));
        const NodeId qout = qa->addNode(nodekind::Output, QStringLiteral("output"));
        qa->addConnection({qin, QStringLiteral("question"), qp, QStringLiteral("question")});
        qa->addConnection({qp, QStringLiteral("answer"), qout, QStringLiteral("answer")});

        ProgramGraph* main = p.addProgram(QStringLiteral("main"));
        main->setProgramSignature(QStringLiteral("question -> answer"));
        const NodeId in = main->addNode(nodekind::Input, QStringLiteral("input"));
        const NodeId sub = main->addNode(nodekind::Subgraph, QStringLiteral("ask"));
        main->setNodeSettings(sub, Object{{QStringLiteral("program"), Value("qa")}});
        const NodeId out = main->addNode(nodekind::Output, QStringLiteral("output"));
        main->addConnection({in, QStringLiteral("question"), sub, QStringLiteral("question")});
        main->addConnection({sub, QStringLiteral("answer"), out, QStringLiteral("answer")});
        QCOMPARE(p.validate(), QStringList());

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("demo.dspyproj"));
        QVERIFY(p.save(path));
        auto loaded = Project::load(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error()));
        QCOMPARE((*loaded)->toJson().toUtf8(), readBytes(path));
        auto program = GraphProgram::build(*(*loaded)->program(QStringLiteral("main")),
                                           (*loaded)->environment(QStringLiteral("main")));
        QVERIFY2(program, qPrintable(program ? QString() : program.error()));
        QCOMPARE((*program)->namedPredictors().size(), 1);
        QCOMPARE((*program)->namedPredictors().first().path, QStringLiteral("ask.respond"));

        // qa now calls main: main -> qa -> main.
        const NodeId back = qa->addNode(nodekind::Subgraph, QStringLiteral("again"));
        qa->setNodeSettings(back, Object{{QStringLiteral("program"), Value("main")}});
        qa->addConnection({qin, QStringLiteral("question"), back, QStringLiteral("question")});
        const QStringList loop = p.validate();
        QVERIFY2(loop.contains(QStringLiteral("program 'main': node 'ask' (program 'qa'): "
                                              "node 'again': program 'main' contains itself "
                                              "(main -> qa -> main)")),
                 qPrintable(loop.join(u'\n')));
        qa->deleteNode(back);

        main->setNodeSettings(sub, Object{{QStringLiteral("program"), Value("nowhere")}});
        QCOMPARE(p.validate(),
                 QStringList{QStringLiteral("program 'main': node 'ask': there is no program "
                                            "'nowhere' to run")});
    }

    void importReportsMismatches()
    {
        ProgramGraph g;
        buildRag(g);
        g.setNodeName(g.nodeByName(QStringLiteral("answer")), QStringLiteral("respond"));
        const QString text =
            QString::fromUtf8(readBytes(fixture(QStringLiteral("rag_program.json"))));
        auto result = importDspyStateJson(g, text);
        QVERIFY(!result);
        QVERIFY2(result.error().startsWith(QStringLiteral("The state has no entry for predictor "
                                                          "'respond.predict'")),
                 qPrintable(result.error()));
        QVERIFY(g.node(g.nodeByName(QStringLiteral("respond")))->state.isEmpty());

        // An extra entry is a warning.
        ProgramGraph h;
        buildRag(h);
        Object state = Value::fromJson(text)->toObject();
        state.insert(QStringLiteral("old_step.predict"), state.value(u"answer.predict"));
        auto warned = importDspyState(h, state);
        QVERIFY(warned);
        QCOMPARE(*warned, QStringList{QStringLiteral("the entry 'old_step.predict' matches no "
                                                     "predictor of the program")});
    }
};

QTEST_GUILESS_MAIN(TstProjectFile)
#include "tst_projectfile.moc"
