#include "tracediff.h"

#include <algorithm>
#include <vector>

namespace dspy::ui {

QList<DiffLine> diffLines(const QStringList& a, const QStringList& b)
{
    const int n = int(a.size());
    const int m = int(b.size());
    const int max = n + m;
    QList<DiffLine> out;
    if (max == 0)
        return out;
    // Myers: v[k + offset] is the furthest x on diagonal k; one copy of v is kept per d for the
    // backtrack (O((N+M)·D) memory, fine for prompts and responses).
    const int offset = max + 1;
    std::vector<int> v(size_t(2 * max + 3), 0);
    std::vector<std::vector<int>> trace;
    int found = -1;
    for (int d = 0; d <= max && found < 0; ++d) {
        trace.push_back(v);
        for (int k = -d; k <= d; k += 2) {
            int x;
            if (k == -d || (k != d && v[size_t(k - 1 + offset)] < v[size_t(k + 1 + offset)]))
                x = v[size_t(k + 1 + offset)]; // down: insertion
            else
                x = v[size_t(k - 1 + offset)] + 1; // right: deletion
            int y = x - k;
            while (x < n && y < m && a[x] == b[y]) {
                ++x;
                ++y;
            }
            v[size_t(k + offset)] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
    }
    // Backtrack from (n, m) through the saved frontiers.
    QList<DiffLine> reversed;
    int x = n;
    int y = m;
    for (int d = found; d >= 0; --d) {
        const std::vector<int>& vd = trace[size_t(d)];
        const int k = x - y;
        int prevK;
        if (d == 0)
            prevK = 0;
        else if (k == -d || (k != d && vd[size_t(k - 1 + offset)] < vd[size_t(k + 1 + offset)]))
            prevK = k + 1;
        else
            prevK = k - 1;
        const int prevX = d == 0 ? 0 : vd[size_t(prevK + offset)];
        const int prevY = prevX - prevK;
        while (x > prevX && y > prevY) {
            --x;
            --y;
            reversed.append({DiffLine::Same, a[x], x, y});
        }
        if (d == 0)
            break;
        if (x == prevX) {
            --y;
            reversed.append({DiffLine::Added, b[y], -1, y});
        } else {
            --x;
            reversed.append({DiffLine::Removed, a[x], x, -1});
        }
        x = prevX;
        y = prevY;
    }
    out.reserve(reversed.size());
    for (auto it = reversed.crbegin(); it != reversed.crend(); ++it)
        out.append(*it);
    // Within each run of changes, removals first (stable), so a side-by-side view pairs them.
    for (int i = 0; i < out.size();) {
        if (out[i].kind == DiffLine::Same) {
            ++i;
            continue;
        }
        int j = i;
        while (j < out.size() && out[j].kind != DiffLine::Same)
            ++j;
        std::stable_partition(out.begin() + i, out.begin() + j,
                              [](const DiffLine& l) { return l.kind == DiffLine::Removed; });
        i = j;
    }
    return out;
}

QList<DiffLine> diffText(const QString& left, const QString& right)
{
    const auto split = [](const QString& s) {
        return s.isEmpty() ? QStringList() : s.split(QLatin1Char('\n'));
    };
    return diffLines(split(left), split(right));
}

QList<SideBySideRow> sideBySide(const QList<DiffLine>& diff)
{
    QList<SideBySideRow> rows;
    for (int i = 0; i < diff.size();) {
        if (diff[i].kind == DiffLine::Same) {
            rows.append({diff[i].text, diff[i].text, true, true, false});
            ++i;
            continue;
        }
        QStringList removed;
        QStringList added;
        while (i < diff.size() && diff[i].kind != DiffLine::Same) {
            (diff[i].kind == DiffLine::Removed ? removed : added).append(diff[i].text);
            ++i;
        }
        const qsizetype count = qMax(removed.size(), added.size());
        for (qsizetype r = 0; r < count; ++r) {
            SideBySideRow row;
            row.hasLeft = r < removed.size();
            row.hasRight = r < added.size();
            row.left = row.hasLeft ? removed[r] : QString();
            row.right = row.hasRight ? added[r] : QString();
            row.changed = true;
            rows.append(row);
        }
    }
    return rows;
}

} // namespace dspy::ui
