#pragma once

// A line diff (Myers' O(ND) algorithm) for comparing two LM calls side by side.

#include <QList>
#include <QString>
#include <QStringList>

namespace dspy::ui {

struct DiffLine
{
    enum Kind { Same, Removed, Added };
    Kind kind = Same;
    QString text;
    int leftLine = -1;  // 0-based line in the left text, -1 for Added
    int rightLine = -1; // 0-based line in the right text, -1 for Removed

    bool operator==(const DiffLine& other) const = default;
};

// The shortest edit script turning `left` into `right`, as a sequence of kept, removed and added
// lines (removals before additions at each change). Equal inputs give only Same lines.
QList<DiffLine> diffLines(const QStringList& left, const QStringList& right);
QList<DiffLine> diffText(const QString& left, const QString& right);

// The two sides aligned row by row for a side-by-side view: a removal and the following addition
// share rows; a missing side is an empty row. `changed` marks rows that differ.
struct SideBySideRow
{
    QString left;
    QString right;
    bool hasLeft = false;
    bool hasRight = false;
    bool changed = false;
};
QList<SideBySideRow> sideBySide(const QList<DiffLine>& diff);

} // namespace dspy::ui
