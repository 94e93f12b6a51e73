// ProjectDatabase: NAME.dspydb is the trace store plus saved program states; broken, foreign and
// newer files are refused and left as they were.

#include "graph/projectdatabase.h"
#include "graph/projectfile.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace dspy;

namespace {

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

Object sampleState(const QString& instructions)
{
    return Object{
        {QStringLiteral("answer.predict"),
         Value(Object{{QStringLiteral("demos"), Value(Array{})},
                      {QStringLiteral("signature"),
                       Value(Object{{QStringLiteral("instructions"), Value(instructions)}})}})}};
}

} // namespace

class TstProjectDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pathBesideTheProject()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("demo.dspyproj"));
        auto db = ProjectDatabase::openForProject(project);
        QVERIFY2(db, qPrintable(db ? QString() : db.error()));
        QCOMPARE((*db)->path(), dir.filePath(QStringLiteral("demo.dspydb")));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("demo.dspydb"))));
        QVERIFY((*db)->traces());
    }

    void savesListsLoadsAndDeletesStates()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.dspydb"));
        QList<qint64> ids;
        {
            auto db = ProjectDatabase::open(path);
            QVERIFY(db);
            for (const char* label : {"baseline", "bootstrapped"}) {
                auto id =
                    (*db)->saveProgramState(QStringLiteral("main"), QString::fromLatin1(label),
                                            sampleState(QString::fromLatin1(label)));
                QVERIFY2(id, qPrintable(id ? QString() : id.error()));
                ids.append(*id);
                QThread::msleep(2); // distinct creation times
            }
            QVERIFY((*db)->saveProgramState(QStringLiteral("other"), QStringLiteral("x"),
                                            sampleState(QStringLiteral("x"))));
            QVERIFY(!(*db)->saveProgramState(QString(), QStringLiteral("x"), {}));
        }
        // Reopened: everything is there, newest first.
        auto db = ProjectDatabase::open(path);
        QVERIFY2(db, qPrintable(db ? QString() : db.error()));
        auto main = (*db)->listStates(QStringLiteral("main"));
        QVERIFY(main);
        QCOMPARE(main->size(), 2);
        QCOMPARE(main->at(0).label, QStringLiteral("bootstrapped"));
        QCOMPARE(main->at(1).label, QStringLiteral("baseline"));
        QVERIFY(main->at(0).created >= main->at(1).created);
        QCOMPARE((*db)->listStates()->size(), 3);
        auto loaded = (*db)->loadState(ids.at(0));
        QVERIFY(loaded);
        QCOMPARE(*loaded, sampleState(QStringLiteral("baseline")));
        QCOMPARE(*(*db)->deleteState(ids.at(0)), true);
        QCOMPARE(*(*db)->deleteState(ids.at(0)), false);
        QVERIFY(!(*db)->loadState(ids.at(0)));
        QCOMPARE((*db)->listStates(QStringLiteral("main"))->size(), 1);

        // The same file is the trace store.
        RunInfo run;
        run.id = QStringLiteral("r1");
        run.name = QStringLiteral("evaluate");
        run.kind = QStringLiteral("evaluate");
        (*db)->traces()->beginRun(run);
        QVERIFY((*db)->traces()->flush());
        auto runs = (*db)->traces()->runs();
        QVERIFY(runs);
        QCOMPARE(runs->size(), 1);
    }

    void brokenForeignAndNewerFilesAreRefusedUntouched()
    {
        QTemporaryDir dir;
        const QString garbage = dir.filePath(QStringLiteral("garbage.dspydb"));
        {
            QFile f(garbage);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        const QByteArray before = fileHash(garbage);
        QVERIFY(!ProjectDatabase::open(garbage));
        QCOMPARE(fileHash(garbage), before);

        // States of a newer layout.
        const QString newer = dir.filePath(QStringLiteral("newer.dspydb"));
        QVERIFY(ProjectDatabase::open(newer));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("poke"));
            db.setDatabaseName(newer);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE program_states_meta SET version = 7")));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("poke"));
        const QByteArray newerBefore = fileHash(newer);
        auto refused = ProjectDatabase::open(newer);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("newer layout (7)")),
                 qPrintable(refused.error()));
        QCOMPARE(fileHash(newer), newerBefore);
    }
};

QTEST_GUILESS_MAIN(TstProjectDatabase)
#include "tst_projectdatabase.moc"
