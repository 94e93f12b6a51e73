#pragma once

#include "trace/tracestore.h"
#include "tracediff.h"

#include <QDialog>

class QPlainTextEdit;

namespace dspy::ui {

// Two LM calls side by side: their messages and responses as text, aligned by a line diff
// (tracediff.h), changed lines highlighted on both sides.
class TraceDiffView final : public QDialog
{
    Q_OBJECT
public:
    explicit TraceDiffView(QWidget* parent = nullptr);
    void setSpans(const Span& left, const Span& right);
    // An LM call as the text that is compared: each message under its role, then the response.
    static QString callText(const Span& span);

    const QList<SideBySideRow>& rows() const { return m_rows; }
    int changedRows() const;
    QString leftText() const;
    QString rightText() const;

private:
    QPlainTextEdit* m_left = nullptr;
    QPlainTextEdit* m_right = nullptr;
    QList<SideBySideRow> m_rows;
};

} // namespace dspy::ui
