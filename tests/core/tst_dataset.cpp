// Datasets: JSONL/CSV loading with errors that name the line and the column, the writers,
// PyRandom against CPython's random.Random, DSPy's Dataset splits and train_test_split.
// The expected random sequences were computed with CPython 3.11's random module.

#include "datasets/dataset.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace dspy;

namespace {

QList<qint64> ints(const QList<Example>& examples, const QString& key)
{
    QList<qint64> out;
    for (const Example& e : examples)
        out.append(e.get(key).toInt());
    return out;
}

QList<Example> numbered(int n)
{
    QList<Example> out;
    for (int i = 0; i < n; ++i)
        out.append(Example{{QStringLiteral("i"), Value(i)}});
    return out;
}

} // namespace

class TstDataset : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pyRandomMatchesCPython_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<QList<quint64>>("bits");
        QTest::addColumn<double>("random");
        QTest::newRow("0") << quint64(0) << QList<quint64>{3626764237u, 1654615998u, 3255389356u}
                           << 0.890243920837131;
        QTest::newRow("1") << quint64(1) << QList<quint64>{577090037u, 2444712010u, 3639700191u}
                           << 0.8022650611681835;
        QTest::newRow("42") << quint64(42) << QList<quint64>{2746317213u, 478163327u, 107420369u}
                            << 0.7415504997598329;
        QTest::newRow("2023") << quint64(2023)
                              << QList<quint64>{1644637140u, 3013484573u, 4174115899u}
                              << 0.4465677577541576;
        // Seeds wider than 32 bits go through init_by_array as two words.
        QTest::newRow("2^40+7") << quint64(1099511627783ull)
                                << QList<quint64>{2635837658u, 3209733218u, 3500038837u}
                                << 0.937932416386988;
    }
    void pyRandomMatchesCPython()
    {
        QFETCH(quint64, seed);
        QFETCH(QList<quint64>, bits);
        QFETCH(double, random);
        PyRandom rng(seed);
        QList<quint64> got;
        for (int i = 0; i < 3; ++i)
            got.append(rng.getrandbits(32));
        QCOMPARE(got, bits);
        QCOMPARE(rng.random(), random);
    }

    void pyRandomWideBitsAndRandbelow()
    {
        PyRandom rng(5);
        QCOMPARE(rng.getrandbits(40), quint64(281848216645ull));
        QCOMPARE(rng.getrandbits(64), quint64(6613812840851947673ull));
        QCOMPARE(rng.randbelow(1000000007ull), quint64(853832589));
    }

    void pyRandomShuffle()
    {
        QList<int> x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        PyRandom(0).shuffle(x);
        QCOMPARE(x, (QList<int>{7, 8, 1, 5, 3, 4, 2, 0, 9, 6}));
        QList<int> y;
        for (int i = 0; i < 25; ++i)
            y.append(i);
        PyRandom(2023).shuffle(y);
        QCOMPARE(y, (QList<int>{23, 9,  7,  6, 0,  5,  1,  15, 2,  13, 21, 8, 11,
                                4,  17, 16, 3, 20, 18, 19, 10, 24, 14, 22, 12}));
        QList<int> z;
        for (int i = 0; i < 1000; ++i)
            z.append(i);
        PyRandom(7).shuffle(z);
        QCOMPARE(z.mid(0, 10), (QList<int>{878, 857, 349, 313, 382, 850, 927, 194, 261, 946}));
    }

    void pyRandomSample()
    {
        // random.Random(3).sample(range(10), 4): the pool method.
        QCOMPARE(PyRandom(3).sampleIndices(10, 4), (QList<qsizetype>{3, 8, 2, 7}));
        // random.Random(9).sample(range(30), 10): still the pool (setsize 21 + 4**3).
        QCOMPARE(PyRandom(9).sampleIndices(30, 10),
                 (QList<qsizetype>{14, 19, 11, 8, 4, 5, 21, 0, 10, 16}));
        // random.Random(3).sample(range(100), 5): the rejection method.
        const auto picked = sampleExamples(numbered(100), 5, 3);
        QVERIFY(picked);
        QCOMPARE(ints(*picked, QStringLiteral("i")), (QList<qint64>{30, 75, 69, 16, 47}));
        const auto tooMany = sampleExamples(numbered(3), 4, 3);
        QVERIFY(!tooMany);
        QCOMPARE(tooMany.error().message,
                 QStringLiteral("sample larger than population or is negative (4 of 3)"));
    }

    void datasetSplitsLikeDspy()
    {
        QList<Object> rows;
        for (int i = 0; i < 10; ++i)
            rows.append(Object{{QStringLiteral("i"), Value(i)},
                               {QStringLiteral("q"), Value(QStringLiteral("q%1").arg(i))}});
        Dataset ds(rows, rows.mid(0, 3), rows.mid(0, 20));
        ds.trainSize = 4;
        ds.inputKeys = {QStringLiteral("q")};
        const QList<Example> train = ds.train();
        // Random(0).shuffle(range(10)) == [7, 8, 1, 5, 3, 4, 2, 0, 9, 6], then [:4].
        QCOMPARE(ints(train, QStringLiteral("i")), (QList<qint64>{7, 8, 1, 5}));
        QSet<QString> uuids;
        for (const Example& e : train) {
            QCOMPARE(e.get(u"dspy_split").toString(), QStringLiteral("train"));
            const QString uuid = e.get(u"dspy_uuid").toString();
            QVERIFY(!QUuid::fromString(uuid).isNull());
            QCOMPARE(QUuid::fromString(uuid).version(), QUuid::Random);
            uuids.insert(uuid);
            QCOMPARE(e.keys(), (QStringList{QStringLiteral("i"), QStringLiteral("q")}));
            QCOMPARE(e.inputKeys(), QStringList{QStringLiteral("q")});
        }
        QCOMPARE(uuids.size(), 4);
        // (seed, N) is a prefix of (seed, M > N).
        ds.trainSize = 8;
        QCOMPARE(ints(ds.train(), QStringLiteral("i")).mid(0, 4), (QList<qint64>{7, 8, 1, 5}));
        ds.trainSize.reset();
        QCOMPARE(ints(ds.train(), QStringLiteral("i")),
                 (QList<qint64>{7, 8, 1, 5, 3, 4, 2, 0, 9, 6}));
        // Negative sizes slice like Python's data[:size].
        ds.trainSize = -7;
        QCOMPARE(ints(ds.train(), QStringLiteral("i")), (QList<qint64>{7, 8, 1}));

        // dev and test share evalSeed; a different train seed changes only train.
        ds.evalSeed = 2023;
        ds.trainSeed = 1;
        ds.trainSize.reset();
        QCOMPARE(ds.dev().size(), 3);
        QCOMPARE(ds.dev().first().get(u"dspy_split").toString(), QStringLiteral("dev"));
        QCOMPARE(ds.test().size(), 10);
        // Random(2023).shuffle(range(10)), computed with CPython.
        QCOMPARE(ints(ds.test(), QStringLiteral("i")),
                 (QList<qint64>{1, 0, 3, 8, 5, 4, 2, 9, 7, 6}));
        QCOMPARE(ds.test().first().get(u"dspy_split").toString(), QStringLiteral("test"));
        ds.doShuffle = false;
        QCOMPARE(ints(ds.dev(), QStringLiteral("i")), (QList<qint64>{0, 1, 2}));
    }

    void trainTestSplitLikeDataLoader()
    {
        // random.seed(1); random.shuffle(range(10)) == [6, 8, 9, 7, 5, 3, 0, 4, 1, 2]
        auto split = trainTestSplit(numbered(10), 0.75, std::nullopt, 1);
        QVERIFY(split);
        QCOMPARE(ints(split->train, QStringLiteral("i")), (QList<qint64>{6, 8, 9, 7, 5, 3, 0}));
        QCOMPARE(ints(split->test, QStringLiteral("i")), (QList<qint64>{4, 1, 2}));

        split = trainTestSplit(numbered(10), 5, SplitSize(2), 1);
        QVERIFY(split);
        QCOMPARE(ints(split->train, QStringLiteral("i")), (QList<qint64>{6, 8, 9, 7, 5}));
        QCOMPARE(ints(split->test, QStringLiteral("i")), (QList<qint64>{3, 0}));

        split = trainTestSplit(numbered(10), 0.5, SplitSize(0.2), 1);
        QVERIFY(split);
        QCOMPARE(split->train.size(), 5);
        QCOMPARE(ints(split->test, QStringLiteral("i")), (QList<qint64>{3, 0}));

        // Without a seed: a permutation of the input.
        split = trainTestSplit(numbered(10));
        QVERIFY(split);
        QList<qint64> all = ints(split->train + split->test, QStringLiteral("i"));
        std::sort(all.begin(), all.end());
        QCOMPARE(all, (QList<qint64>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));

        const auto bad = trainTestSplit(numbered(10), 1.5, std::nullopt, 1);
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.startsWith(QStringLiteral("invalid train size 1.5")),
                 qPrintable(bad.error().message));
        const auto badTest = trainTestSplit(numbered(10), 3, SplitSize(-2), 1);
        QVERIFY(!badTest);
        QVERIFY(badTest.error().message.startsWith(QStringLiteral("invalid test size -2")));
    }

    void jsonlKeepsTypesAndSkipsBlankLines()
    {
        const QString text = QStringLiteral(
            "\xFEFF{\"question\": \"2+2?\", \"answer\": 4, \"score\": 1.0, \"ok\": true}\r\n"
            "\n   \n"
            "{\"question\": \"caf\u00e9\", \"answer\": null, \"tags\": [\"a\", 1], "
            "\"meta\": {\"z\": 1, \"a\": 2}}\n");
        LoadOptions o;
        o.inputKeys = {QStringLiteral("question")};
        const auto r = parseJsonl(text, o);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->size(), 2);
        const Example& a = r->at(0);
        QVERIFY(a.get(u"answer").isInt());
        QVERIFY(a.get(u"score").isFloat());
        QVERIFY(a.get(u"ok").isBool());
        QCOMPARE(a.inputKeys(), QStringList{QStringLiteral("question")});
        QCOMPARE(a.labels().keys(), (QStringList{QStringLiteral("answer"), QStringLiteral("score"),
                                                 QStringLiteral("ok")}));
        const Example& b = r->at(1);
        QCOMPARE(b.get(u"question").toString(), QStringLiteral("caf\u00e9"));
        QVERIFY(b.get(u"answer").isNull());
        QCOMPARE(b.get(u"tags").toJson(), QStringLiteral("[\"a\", 1]"));
        QCOMPARE(b.get(u"meta").toObject().keys(),
                 (QStringList{QStringLiteral("z"), QStringLiteral("a")}));
    }

    void jsonlErrorsNameLineAndColumn()
    {
        auto r = parseJsonl(QStringLiteral("{\"a\": 1}\n\n{\"a\": 2,}\n"));
        QVERIFY(!r);
        QCOMPARE(r.error().line, 3);
        QVERIFY2(r.error().message.startsWith(QStringLiteral("line 3: invalid JSON at character ")),
                 qPrintable(r.error().message));

        r = parseJsonl(QStringLiteral("{\"a\": 1}\n[1, 2]\n"));
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 2: expected a JSON object, found an array"));

        LoadOptions o;
        o.inputKeys = {QStringLiteral("question")};
        r = parseJsonl(QStringLiteral("{\"question\": \"x\"}\n{\"q\": \"y\"}\n"), o);
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 2: column 'question': missing (an input key)"));
        QCOMPARE(r.error().line, 2);
        QCOMPARE(r.error().column, QStringLiteral("question"));

        LoadOptions f;
        f.fields = {QStringLiteral("answer")};
        r = parseJsonl(QStringLiteral("{\"answer\": 1}\n{\"answer\": 2}\n\n\n{\"x\": 3}\n"), f);
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 5: column 'answer': missing (a requested field)"));
    }

    void renamesAndFields()
    {
        LoadOptions o;
        o.renames = {{QStringLiteral("q"), QStringLiteral("question")},
                     {QStringLiteral("a"), QStringLiteral("answer")}};
        o.fields = {QStringLiteral("answer"), QStringLiteral("question")};
        o.inputKeys = {QStringLiteral("question")};
        auto r = parseJsonl(QStringLiteral("{\"q\": \"x\", \"extra\": 0, \"a\": 7}\n"), o);
        QVERIFY(r);
        QCOMPARE(r->first().keys(),
                 (QStringList{QStringLiteral("answer"), QStringLiteral("question")}));
        QCOMPARE(r->first().get(u"answer").toInt(), 7);
        QCOMPARE(r->first().inputKeys(), QStringList{QStringLiteral("question")});

        LoadOptions clash;
        clash.renames = {{QStringLiteral("q"), QStringLiteral("question")}};
        r = parseJsonl(QStringLiteral("{\"question\": 1, \"q\": 2}\n"), clash);
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 1: column 'question': appears twice after renaming"));
    }

    void csvRfc4180()
    {
        const QString text = QStringLiteral("\xFEFFid,question,answer,score\r\n"
                                            "1,\"Hello, world\",42,0.5\r\n"
                                            "2,\"She said \"\"hi\"\"\nthen left\",7,\r\n"
                                            "3,plain,,1\r\n");
        auto r = parseCsv(text);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->size(), 3);
        QCOMPARE(r->at(0).keys(), (QStringList{QStringLiteral("id"), QStringLiteral("question"),
                                               QStringLiteral("answer"), QStringLiteral("score")}));
        QCOMPARE(r->at(0).get(u"question").toString(), QStringLiteral("Hello, world"));
        QCOMPARE(r->at(1).get(u"question").toString(),
                 QStringLiteral("She said \"hi\"\nthen left"));
        QVERIFY(r->at(0).get(u"id").isInt());
        QVERIFY(r->at(0).get(u"answer").isInt());
        QCOMPARE(r->at(0).get(u"answer").toInt(), 42);
        // A column with one float is a float column; empty cells of a typed column are null.
        QVERIFY(r->at(0).get(u"score").isFloat());
        QVERIFY(r->at(2).get(u"score").isFloat());
        QVERIFY(r->at(1).get(u"score").isNull());
        QVERIFY(r->at(2).get(u"answer").isNull());

        LoadOptions strings;
        strings.inferCsvTypes = false;
        r = parseCsv(text, strings);
        QVERIFY(r);
        QCOMPARE(r->at(0).get(u"answer"), Value(QStringLiteral("42")));
        QCOMPARE(r->at(2).get(u"answer"), Value(QStringLiteral("")));

        // A column with any text stays a string column; no final newline; LF line ends.
        r = parseCsv(QStringLiteral("a,b\n1,x\n2.5,\"\""));
        QVERIFY(r);
        QCOMPARE(r->size(), 2);
        QCOMPARE(r->at(1).get(u"a").toDouble(), 2.5);
        QCOMPARE(r->at(1).get(u"b"), Value(QStringLiteral("")));
        QVERIFY(parseCsv(QString())->isEmpty());
    }

    void csvErrorsNameLineAndColumn()
    {
        // Record 3 starts on line 4 because record 2 holds a newline.
        auto r = parseCsv(QStringLiteral("q,answer\n\"two\nlines\",1\nx,2,3\n"));
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 4: column '#3': expected 2 fields, found 3"));
        QCOMPARE(r.error().line, 4);

        r = parseCsv(QStringLiteral("q,answer\nx,1\ny\n"));
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 3: column 'answer': expected 2 fields, found 1"));

        r = parseCsv(QStringLiteral("q,answer\nx,1\ny,\"never closed\n\n"));
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 3: column 'answer': quoted field is never closed"));

        r = parseCsv(QStringLiteral("q,answer\n\"x\"y,1\n"));
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 2: column 'q': unexpected 'y' after a closing quote"));
        QCOMPARE(r.error().column, QStringLiteral("q"));

        r = parseCsv(QStringLiteral("q,q\n1,2\n"));
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 1: column 'q': appears twice in the header"));

        LoadOptions o;
        o.inputKeys = {QStringLiteral("question")};
        r = parseCsv(QStringLiteral("q,answer\nx,1\n"), o);
        QVERIFY(!r);
        QCOMPARE(r.error().message,
                 QStringLiteral("line 2: column 'question': missing (an input key)"));

        const auto missing = loadCsv(QStringLiteral("/nonexistent/dir/x.csv"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().line, 0);
        QVERIFY(missing.error().message.startsWith(
            QStringLiteral("cannot open /nonexistent/dir/x.csv")));
    }

    void saveAndLoadRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QList<Example> examples = {
            Example{{QStringLiteral("question"), Value(QStringLiteral("a, \"b\"\nc"))},
                    {QStringLiteral("answer"), Value(3)},
                    {QStringLiteral("dspy_uuid"), Value(QStringLiteral("u1"))}},
            Example{{QStringLiteral("question"), Value(QStringLiteral("caf\u00e9"))},
                    {QStringLiteral("answer"), Value(Array{Value(1), Value(2.5)})},
                    {QStringLiteral("extra"), Value()}},
        };
        const QString jsonl = dir.filePath(QStringLiteral("x.jsonl"));
        QVERIFY(saveJsonl(jsonl, examples));
        QFile f(jsonl);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()),
                 QStringLiteral(
                     "{\"question\": \"a, \\\"b\\\"\\nc\", \"answer\": 3}\n"
                     "{\"question\": \"caf\u00e9\", \"answer\": [1, 2.5], \"extra\": null}\n"));
        auto back = loadJsonl(jsonl);
        QVERIFY(back);
        QCOMPARE(back->at(1), examples.at(1));
        QCOMPARE(back->at(0).get(u"answer"), Value(3));

        QCOMPARE(toCsv(examples), QStringLiteral("question,answer,extra\n"
                                                 "\"a, \"\"b\"\"\nc\",3,\n"
                                                 "caf\u00e9,\"[1, 2.5]\",\n"));
        QCOMPARE(toCsv(examples, true).section(u'\n', 0, 0),
                 QStringLiteral("question,answer,dspy_uuid,extra"));
        const QString csv = dir.filePath(QStringLiteral("x.csv"));
        QVERIFY(saveCsv(csv, examples));
        LoadOptions strings;
        strings.inferCsvTypes = false;
        back = loadCsv(csv, strings);
        QVERIFY(back);
        QCOMPARE(back->at(0).get(u"question").toString(), QStringLiteral("a, \"b\"\nc"));
        QCOMPARE(back->at(1).get(u"answer").toString(), QStringLiteral("[1, 2.5]"));

        const auto err = saveJsonl(dir.filePath(QStringLiteral("no/such/dir/x.jsonl")), examples);
        QVERIFY(!err);
        QVERIFY(err.error().message.startsWith(QStringLiteral("cannot write ")));
    }
};

QTEST_GUILESS_MAIN(TstDataset)
#include "tst_dataset.moc"
