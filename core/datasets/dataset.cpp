#include "datasets/dataset.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSet>
#include <QUuid>

#include <cmath>

namespace dspy {

namespace {

DatasetError errorAt(int line, const QString& column, const QString& what)
{
    QString message = line > 0 ? QStringLiteral("line %1: ").arg(line) : QString();
    if (!column.isEmpty())
        message += QStringLiteral("column '%1': ").arg(column);
    return {message + what, line, column};
}

Expected<QString, DatasetError> readText(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return unexpected(
            errorAt(0, {}, QStringLiteral("cannot open %1: %2").arg(path, f.errorString())));
    return QString::fromUtf8(f.readAll());
}

// Renames, then the fields to keep and the input keys, for one row read at `line`.
Expected<Example, DatasetError> shapeRow(Object row, int line, const LoadOptions& o)
{
    if (!o.renames.isEmpty()) {
        Object renamed;
        for (const auto& [k, v] : row) {
            const QString name = o.renames.value(k, k);
            if (renamed.contains(name))
                return unexpected(
                    errorAt(line, name, QStringLiteral("appears twice after renaming")));
            renamed.insert(name, v);
        }
        row = std::move(renamed);
    }
    if (!o.fields.isEmpty()) {
        Object kept;
        for (const QString& f : o.fields) {
            if (!row.contains(f))
                return unexpected(errorAt(line, f, QStringLiteral("missing (a requested field)")));
            kept.insert(f, row.value(f));
        }
        row = std::move(kept);
    }
    for (const QString& k : o.inputKeys) {
        if (!row.contains(k))
            return unexpected(errorAt(line, k, QStringLiteral("missing (an input key)")));
    }
    Example e(std::move(row));
    return o.inputKeys.isEmpty() ? e : e.withInputs(o.inputKeys);
}

// --- CSV

struct CsvRecord
{
    QStringList cells;
    int line = 0; // where the record starts
};

Expected<QList<CsvRecord>, DatasetError> splitCsv(QStringView text)
{
    if (text.startsWith(QChar(0xFEFF)))
        text = text.mid(1);
    QList<CsvRecord> out;
    CsvRecord rec;
    QString cell;
    int line = 1;
    rec.line = 1;
    bool quoted = false;    // inside a quoted field
    bool wasQuoted = false; // the current cell was a quoted field (now closed)
    int quoteLine = 0;
    bool any = false; // the record has content (a blank line is not a record)
    const qsizetype n = text.size();
    // Columns by header name once the header is read, else by position.
    auto columnName = [&out](qsizetype index) {
        return out.isEmpty() ? QStringLiteral("#%1").arg(index + 1)
                             : out.first().cells.value(index, QStringLiteral("#%1").arg(index + 1));
    };
    auto endRecord = [&] {
        if (any || !rec.cells.isEmpty())
            rec.cells.append(cell), out.append(rec);
        rec = {};
        cell.clear();
        any = false;
        wasQuoted = false;
    };
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < n && text[i + 1] == u'"') {
                    cell += u'"';
                    ++i;
                } else {
                    quoted = false;
                    wasQuoted = true;
                }
            } else {
                if (c == u'\n')
                    ++line;
                cell += c;
            }
            continue;
        }
        if (c == u',') {
            rec.cells.append(cell);
            cell.clear();
            wasQuoted = false;
            any = true;
        } else if (c == u'\r' || c == u'\n') {
            if (c == u'\r' && i + 1 < n && text[i + 1] == u'\n')
                ++i;
            endRecord();
            ++line;
            rec.line = line;
        } else if (wasQuoted) {
            return unexpected(
                errorAt(line, columnName(rec.cells.size()),
                        QStringLiteral("unexpected '%1' after a closing quote").arg(c)));
        } else if (c == u'"' && cell.isEmpty()) {
            quoted = true;
            quoteLine = line;
            any = true;
        } else {
            cell += c;
            any = true;
        }
    }
    if (quoted)
        return unexpected(errorAt(quoteLine, columnName(rec.cells.size()),
                                  QStringLiteral("quoted field is never closed")));
    endRecord();
    return out;
}

// A column's type the way pandas infers it: all ints -> int, all numbers -> float, else str.
enum class ColumnType { String, Int, Float };

ColumnType inferColumn(const QList<CsvRecord>& records, qsizetype col)
{
    bool allInt = true, allNum = true, anyValue = false;
    for (qsizetype r = 1; r < records.size() && allNum; ++r) {
        const QString& s = records[r].cells[col];
        if (s.isEmpty())
            continue;
        anyValue = true;
        bool ok = false;
        s.toLongLong(&ok);
        if (!ok || s.startsWith(u'+') || s.trimmed() != s) {
            allInt = false;
            const double d = s.toDouble(&ok);
            Q_UNUSED(d);
            if (!ok || s.trimmed() != s)
                allNum = false;
        }
    }
    if (!anyValue || !allNum)
        return ColumnType::String;
    return allInt ? ColumnType::Int : ColumnType::Float;
}

QString csvField(const QString& s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n') && !s.contains(u'\r') &&
        !s.startsWith(u' ') && !s.endsWith(u' '))
        return s;
    QString q = s;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

Expected<void, DatasetError> writeText(const QString& path, const QString& text)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return unexpected(
            errorAt(0, {}, QStringLiteral("cannot write %1: %2").arg(path, f.errorString())));
    f.write(text.toUtf8());
    if (!f.commit())
        return unexpected(
            errorAt(0, {}, QStringLiteral("cannot write %1: %2").arg(path, f.errorString())));
    return {};
}

} // namespace

Expected<QList<Example>, DatasetError> parseJsonl(QStringView text, const LoadOptions& options)
{
    if (text.startsWith(QChar(0xFEFF)))
        text = text.mid(1);
    QList<Example> out;
    int line = 0;
    for (QStringView raw : text.split(u'\n')) {
        ++line;
        if (raw.endsWith(u'\r'))
            raw.chop(1);
        if (raw.trimmed().isEmpty())
            continue;
        QString err;
        qsizetype offset = 0;
        auto v = Value::fromJson(raw, &err, &offset);
        if (!v)
            return unexpected(errorAt(
                line, {},
                QStringLiteral("invalid JSON at character %1: %2").arg(offset + 1).arg(err)));
        if (!v->isObject())
            return unexpected(errorAt(line, {},
                                      QStringLiteral("expected a JSON object, found %1")
                                          .arg(v->isArray()    ? QStringLiteral("an array")
                                               : v->isString() ? QStringLiteral("a string")
                                                               : QStringLiteral("a scalar"))));
        auto e = shapeRow(v->toObject(), line, options);
        if (!e)
            return unexpected(e.error());
        out.append(std::move(*e));
    }
    return out;
}

Expected<QList<Example>, DatasetError> loadJsonl(const QString& path, const LoadOptions& options)
{
    auto text = readText(path);
    if (!text)
        return unexpected(text.error());
    return parseJsonl(*text, options);
}

Expected<QList<Example>, DatasetError> parseCsv(QStringView text, const LoadOptions& options)
{
    auto split = splitCsv(text);
    if (!split)
        return unexpected(split.error());
    const QList<CsvRecord>& records = *split;
    if (records.isEmpty())
        return QList<Example>{};
    const QStringList header = records.first().cells;
    QSet<QString> seen;
    for (qsizetype i = 0; i < header.size(); ++i) {
        if (header[i].isEmpty())
            return unexpected(errorAt(records.first().line, QStringLiteral("#%1").arg(i + 1),
                                      QStringLiteral("empty column name in the header")));
        if (seen.contains(header[i]))
            return unexpected(errorAt(records.first().line, header[i],
                                      QStringLiteral("appears twice in the header")));
        seen.insert(header[i]);
    }
    for (qsizetype r = 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        if (rec.cells.size() != header.size()) {
            const QString col = rec.cells.size() > header.size()
                                    ? QStringLiteral("#%1").arg(header.size() + 1)
                                    : header[rec.cells.size()];
            return unexpected(errorAt(rec.line, col,
                                      QStringLiteral("expected %1 fields, found %2")
                                          .arg(header.size())
                                          .arg(rec.cells.size())));
        }
    }
    QList<ColumnType> types(header.size(), ColumnType::String);
    if (options.inferCsvTypes) {
        for (qsizetype c = 0; c < header.size(); ++c)
            types[c] = inferColumn(records, c);
    }
    QList<Example> out;
    out.reserve(records.size() - 1);
    for (qsizetype r = 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        Object row;
        for (qsizetype c = 0; c < header.size(); ++c) {
            const QString& s = rec.cells[c];
            if (options.inferCsvTypes && s.isEmpty() && types[c] != ColumnType::String)
                row.insert(header[c], Value());
            else if (types[c] == ColumnType::Int)
                row.insert(header[c], Value(s.toLongLong()));
            else if (types[c] == ColumnType::Float)
                row.insert(header[c], Value(s.toDouble()));
            else
                row.insert(header[c], Value(s));
        }
        auto e = shapeRow(std::move(row), rec.line, options);
        if (!e)
            return unexpected(e.error());
        out.append(std::move(*e));
    }
    return out;
}

Expected<QList<Example>, DatasetError> loadCsv(const QString& path, const LoadOptions& options)
{
    auto text = readText(path);
    if (!text)
        return unexpected(text.error());
    return parseCsv(*text, options);
}

Expected<void, DatasetError> saveJsonl(const QString& path, const QList<Example>& examples,
                                       bool includeDspy)
{
    QString text;
    JsonStyle style;
    style.ensureAscii = false;
    for (const Example& e : examples) {
        text += Value(e.toObject(includeDspy)).toJson(style);
        text += u'\n';
    }
    return writeText(path, text);
}

QString toCsv(const QList<Example>& examples, bool includeDspy)
{
    QStringList header;
    QSet<QString> seen;
    for (const Example& e : examples) {
        for (const QString& k : e.keys(includeDspy)) {
            if (!seen.contains(k)) {
                seen.insert(k);
                header.append(k);
            }
        }
    }
    QString text;
    QStringList cells;
    for (const QString& h : header)
        cells.append(csvField(h));
    text += cells.join(u',') + u'\n';
    for (const Example& e : examples) {
        cells.clear();
        for (const QString& h : header) {
            const Value& v = e.get(h);
            cells.append(csvField(v.isString() ? v.toString()
                                  : v.isNull() ? QString()
                                               : v.toJson()));
        }
        text += cells.join(u',') + u'\n';
    }
    return text;
}

Expected<void, DatasetError> saveCsv(const QString& path, const QList<Example>& examples,
                                     bool includeDspy)
{
    return writeText(path, toCsv(examples, includeDspy));
}

// --- PyRandom: CPython's Modules/_randommodule.c

void PyRandom::initGenrand(quint32 s)
{
    m_mt[0] = s;
    for (quint32 i = 1; i < 624; ++i)
        m_mt[i] = 1812433253u * (m_mt[i - 1] ^ (m_mt[i - 1] >> 30)) + i;
    m_index = 624;
}

void PyRandom::seedWith(quint64 seed)
{
    QList<quint32> key;
    for (quint64 s = seed; s != 0; s >>= 32)
        key.append(quint32(s & 0xffffffffu));
    if (key.isEmpty())
        key.append(0);
    initGenrand(19650218u);
    quint32 i = 1, j = 0;
    const quint32 len = quint32(key.size());
    for (quint32 k = std::max<quint32>(624, len); k; --k) {
        m_mt[i] = (m_mt[i] ^ ((m_mt[i - 1] ^ (m_mt[i - 1] >> 30)) * 1664525u)) + key[j] + j;
        ++i;
        ++j;
        if (i >= 624) {
            m_mt[0] = m_mt[623];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (quint32 k = 623; k; --k) {
        m_mt[i] = (m_mt[i] ^ ((m_mt[i - 1] ^ (m_mt[i - 1] >> 30)) * 1566083941u)) - i;
        ++i;
        if (i >= 624) {
            m_mt[0] = m_mt[623];
            i = 1;
        }
    }
    m_mt[0] = 0x80000000u;
    m_index = 624;
}

quint32 PyRandom::genrand()
{
    static constexpr quint32 mag01[2] = {0x0u, 0x9908b0dfu};
    if (m_index >= 624) {
        int kk = 0;
        quint32 y;
        for (; kk < 624 - 397; ++kk) {
            y = (m_mt[kk] & 0x80000000u) | (m_mt[kk + 1] & 0x7fffffffu);
            m_mt[kk] = m_mt[kk + 397] ^ (y >> 1) ^ mag01[y & 1u];
        }
        for (; kk < 623; ++kk) {
            y = (m_mt[kk] & 0x80000000u) | (m_mt[kk + 1] & 0x7fffffffu);
            m_mt[kk] = m_mt[kk + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1u];
        }
        y = (m_mt[623] & 0x80000000u) | (m_mt[0] & 0x7fffffffu);
        m_mt[623] = m_mt[396] ^ (y >> 1) ^ mag01[y & 1u];
        m_index = 0;
    }
    quint32 y = m_mt[m_index++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

quint64 PyRandom::getrandbits(int k)
{
    if (k <= 32)
        return genrand() >> (32 - k);
    // Little-endian 32-bit words, the last one shifted down to the remaining bits.
    const quint64 low = genrand();
    const quint64 high = genrand() >> (64 - k);
    return low | (high << 32);
}

quint64 PyRandom::randbelow(quint64 n)
{
    int k = 0;
    for (quint64 v = n; v; v >>= 1)
        ++k; // n.bit_length()
    quint64 r = getrandbits(k);
    while (r >= n)
        r = getrandbits(k);
    return r;
}

double PyRandom::random()
{
    const quint32 a = genrand() >> 5, b = genrand() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

QList<qsizetype> PyRandom::sampleIndices(qsizetype n, qsizetype k)
{
    // CPython picks from a shrinking pool for small populations and rejects repeats otherwise;
    // both consume the generator differently, so both are kept.
    QList<qsizetype> out;
    k = std::clamp<qsizetype>(k, 0, n);
    out.reserve(k);
    qsizetype setsize = 21;
    if (k > 5)
        setsize += qsizetype(std::pow(4.0, std::ceil(std::log(double(k) * 3) / std::log(4.0))));
    if (n <= setsize) {
        QList<qsizetype> pool(n);
        for (qsizetype i = 0; i < n; ++i)
            pool[i] = i;
        for (qsizetype i = 0; i < k; ++i) {
            const qsizetype j = qsizetype(randbelow(quint64(n - i)));
            out.append(pool[j]);
            pool[j] = pool[n - i - 1];
        }
    } else {
        QSet<qsizetype> selected;
        for (qsizetype i = 0; i < k; ++i) {
            qsizetype j = qsizetype(randbelow(quint64(n)));
            while (selected.contains(j))
                j = qsizetype(randbelow(quint64(n)));
            selected.insert(j);
            out.append(j);
        }
    }
    return out;
}

Expected<QList<Example>, DatasetError> sampleExamples(const QList<Example>& examples, qsizetype n,
                                                      std::optional<quint64> seed)
{
    if (n < 0 || n > examples.size())
        return unexpected(errorAt(0, {},
                                  QStringLiteral("sample larger than population or is negative "
                                                 "(%1 of %2)")
                                      .arg(n)
                                      .arg(examples.size())));
    PyRandom rng(seed ? *seed : QRandomGenerator::global()->generate64());
    return rng.sample(examples, n);
}

// --- Dataset

QList<Example> Dataset::shuffleAndSample(QStringView split, QList<Object> rows,
                                         std::optional<qsizetype> size, int seed) const
{
    PyRandom rng{quint64(std::abs(qint64(seed)))};
    if (doShuffle)
        rng.shuffle(rows);
    // Python's data[:size]: a negative size counts from the end.
    qsizetype n = rows.size();
    if (size)
        n = *size >= 0 ? std::min(*size, rows.size()) : std::max<qsizetype>(0, rows.size() + *size);
    QList<Example> out;
    out.reserve(n);
    for (qsizetype i = 0; i < n; ++i) {
        Object o = std::move(rows[i]);
        o.insert(QStringLiteral("dspy_uuid"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        o.insert(QStringLiteral("dspy_split"), split.toString());
        Example e(std::move(o));
        out.append(inputKeys.isEmpty() ? e : e.withInputs(inputKeys));
    }
    return out;
}

Expected<TrainTestSplit, DatasetError> trainTestSplit(const QList<Example>& examples,
                                                      SplitSize trainSize,
                                                      std::optional<SplitSize> testSize,
                                                      std::optional<quint64> seed)
{
    const qsizetype total = examples.size();
    auto sizeOf = [total](const SplitSize& s,
                          const char* what) -> Expected<qsizetype, DatasetError> {
        if (s.fraction) {
            if (s.value > 0 && s.value < 1)
                return qsizetype(double(total) * s.value);
        } else if (s.value >= 0) {
            return qsizetype(s.value);
        }
        return unexpected(errorAt(0, {},
                                  QStringLiteral("invalid %1 size %2: give a fraction between "
                                                 "0 and 1 or a count")
                                      .arg(QLatin1String(what))
                                      .arg(s.value)));
    };
    auto trainEnd = sizeOf(trainSize, "train");
    if (!trainEnd)
        return unexpected(trainEnd.error());
    qsizetype testCount = total - *trainEnd;
    if (testSize) {
        auto t = sizeOf(*testSize, "test");
        if (!t)
            return unexpected(t.error());
        testCount = *t;
    }
    QList<Example> shuffled = examples;
    PyRandom rng(seed ? *seed : QRandomGenerator::global()->generate64());
    rng.shuffle(shuffled);
    TrainTestSplit out;
    const qsizetype te = std::min(*trainEnd, total);
    out.train = shuffled.mid(0, te);
    out.test = shuffled.mid(te, std::max<qsizetype>(0, std::min(testCount, total - te)));
    return out;
}

} // namespace dspy
