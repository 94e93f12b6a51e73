#pragma once

// Datasets with DSPy's semantics (dspy.md §11): JSONL and CSV loaders and writers, the Dataset
// train/dev/test splits, and train_test_split. Shuffles use PyRandom, a port of CPython's
// random.Random (MT19937 + _randbelow), so a seed gives the same order as DSPy does in Python.

#include "data/example.h"
#include "runtime/expected.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>

namespace dspy {

// Why a load failed. line is 1-based (0: not about one line, e.g. the file cannot be opened);
// column is the column (field) name when the problem is about one.
struct DatasetError
{
    QString message; // "line 7: column 'answer': missing", "cannot open x.csv: No such file"
    int line = 0;
    QString column;
};

struct LoadOptions
{
    // Marked as inputs on every Example (Example::withInputs); each must be present in every row.
    QStringList inputKeys;
    // old name -> new name, applied first; fields and inputKeys use the new names.
    QHash<QString, QString> renames;
    // Keep only these fields, in this order (empty: keep all); each must be present in every row.
    QStringList fields;
    // CSV: give a column a type when all its non-empty cells are ints (or numbers), like
    // pandas/HF datasets do; empty cells become null. Off: every cell stays a string.
    bool inferCsvTypes = true;
};

// One JSON object per line; blank lines are skipped; values keep their JSON types.
Expected<QList<Example>, DatasetError> loadJsonl(const QString& path,
                                                 const LoadOptions& options = {});
Expected<QList<Example>, DatasetError> parseJsonl(QStringView text,
                                                  const LoadOptions& options = {});
// RFC 4180 with a header row: quoted fields, "" escapes, embedded newlines, CRLF or LF, a BOM.
Expected<QList<Example>, DatasetError> loadCsv(const QString& path,
                                               const LoadOptions& options = {});
Expected<QList<Example>, DatasetError> parseCsv(QStringView text, const LoadOptions& options = {});

// JSONL: one compact object per line (ensure_ascii off), dspy_ keys only when asked.
Expected<void, DatasetError> saveJsonl(const QString& path, const QList<Example>& examples,
                                       bool includeDspy = false);
// CSV: header = union of the keys in first-seen order; strings as they are, null empty, other
// values as JSON; fields quoted when needed; LF line ends.
Expected<void, DatasetError> saveCsv(const QString& path, const QList<Example>& examples,
                                     bool includeDspy = false);
QString toCsv(const QList<Example>& examples, bool includeDspy = false);

// CPython's random.Random for an int seed: the same getrandbits/randbelow/shuffle/random
// sequence, so DSPy's Random(seed).shuffle orders can be reproduced exactly.
class PyRandom
{
public:
    explicit PyRandom(quint64 seed = 0) { seedWith(seed); }
    void seedWith(quint64 seed);  // random.seed(int): init_by_array over the 32-bit words
    quint32 genrand();            // one raw MT19937 output
    quint64 getrandbits(int k);   // 1 <= k <= 64
    quint64 randbelow(quint64 n); // _randbelow_with_getrandbits, n >= 1
    double random();              // random.random()
    template <typename T> void shuffle(QList<T>& x)
    {
        for (qsizetype i = x.size() - 1; i > 0; --i) {
            const qsizetype j = qsizetype(randbelow(quint64(i) + 1));
            x.swapItemsAt(i, j);
        }
    }

    // random.sample(range(n), k): k distinct indices in Python's order (k <= n).
    QList<qsizetype> sampleIndices(qsizetype n, qsizetype k);
    template <typename T> QList<T> sample(const QList<T>& population, qsizetype k)
    {
        QList<T> out;
        for (qsizetype i : sampleIndices(population.size(), k))
            out.append(population[i]);
        return out;
    }

private:
    void initGenrand(quint32 s);
    std::array<quint32, 624> m_mt{};
    int m_index = 625;
};

// DSPy's Dataset: raw rows per split, shuffled with Random(seed) then truncated, wrapped as
// Examples with dspy_uuid (a random UUID4, as DSPy) and dspy_split, inputs marked when given.
// (seed s, size N) is always a prefix of (seed s, size M > N). Splits are built on each call.
class Dataset
{
public:
    Dataset() = default;
    Dataset(QList<Object> train, QList<Object> dev, QList<Object> test)
        : m_train(std::move(train))
        , m_dev(std::move(dev))
        , m_test(std::move(test))
    {}

    // DSPy's defaults: train_seed=0, eval_seed=0 (dev and test share it), sizes None = all.
    int trainSeed = 0;
    int evalSeed = 0;
    std::optional<qsizetype> trainSize;
    std::optional<qsizetype> devSize;
    std::optional<qsizetype> testSize;
    QStringList inputKeys;
    bool doShuffle = true;

    QList<Example> train() const
    {
        return shuffleAndSample(u"train", m_train, trainSize, trainSeed);
    }
    QList<Example> dev() const { return shuffleAndSample(u"dev", m_dev, devSize, evalSeed); }
    QList<Example> test() const { return shuffleAndSample(u"test", m_test, testSize, evalSeed); }

    void setRawTrain(QList<Object> rows) { m_train = std::move(rows); }
    void setRawDev(QList<Object> rows) { m_dev = std::move(rows); }
    void setRawTest(QList<Object> rows) { m_test = std::move(rows); }

    QList<Example> shuffleAndSample(QStringView split, QList<Object> rows,
                                    std::optional<qsizetype> size, int seed) const;

private:
    QList<Object> m_train, m_dev, m_test;
};

struct TrainTestSplit
{
    QList<Example> train;
    QList<Example> test;
};

// DataLoader.train_test_split: shuffle a copy with Random(seed) (nullopt: a random seed), train
// = the first trainSize, test = the next testSize (nullopt: the rest). Sizes in (0, 1) are
// fractions of the whole (int(n * f)); sizes >= 1 are counts. An invalid size is an error.
struct SplitSize
{
    SplitSize(int count)
        : value(count)
        , fraction(false)
    {}
    SplitSize(double f)
        : value(f)
        , fraction(true)
    {}
    double value;
    bool fraction;
};
Expected<TrainTestSplit, DatasetError> trainTestSplit(const QList<Example>& examples,
                                                      SplitSize trainSize = 0.75,
                                                      std::optional<SplitSize> testSize = {},
                                                      std::optional<quint64> seed = {});

// DataLoader.sample: n distinct examples as random.sample picks them (nullopt: a random seed).
// n larger than the list is an error, as in Python.
Expected<QList<Example>, DatasetError> sampleExamples(const QList<Example>& examples, qsizetype n,
                                                      std::optional<quint64> seed = {});

} // namespace dspy
