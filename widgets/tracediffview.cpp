#include "tracediffview.h"

#include "traceinspector.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>
#include <QVBoxLayout>

namespace dspy::ui {

namespace {

void highlight(QPlainTextEdit* edit, const QList<SideBySideRow>& rows, bool left)
{
    const bool dark = edit->palette().color(QPalette::Base).lightness() < 128;
    QList<QTextEdit::ExtraSelection> selections;
    QTextBlock block = edit->document()->firstBlock();
    for (const SideBySideRow& row : rows) {
        if (!block.isValid())
            break;
        if (row.changed) {
            QTextEdit::ExtraSelection sel;
            const bool present = left ? row.hasLeft : row.hasRight;
            QColor colour =
                !present ? QColor(dark ? 0x40 : 0xe0, dark ? 0x40 : 0xe0, dark ? 0x40 : 0xe0)
                : left   ? QColor(dark ? 0x5a : 0xff, dark ? 0x1e : 0xd7, dark ? 0x1e : 0xd7)
                         : QColor(dark ? 0x1e : 0xd4, dark ? 0x4a : 0xf7, dark ? 0x1e : 0xd4);
            sel.format.setBackground(colour);
            sel.format.setProperty(QTextFormat::FullWidthSelection, true);
            sel.cursor = QTextCursor(block);
            selections.append(sel);
        }
        block = block.next();
    }
    edit->setExtraSelections(selections);
}

} // namespace

TraceDiffView::TraceDiffView(QWidget* parent)
    : QDialog(parent)
    , m_left(new QPlainTextEdit(this))
    , m_right(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Diff of two LM calls"));
    for (QPlainTextEdit* e : {m_left, m_right}) {
        e->setReadOnly(true);
        e->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    // Rows are aligned, so the two sides scroll together.
    connect(m_left->verticalScrollBar(), &QScrollBar::valueChanged, m_right->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_right->verticalScrollBar(), &QScrollBar::valueChanged, m_left->verticalScrollBar(),
            &QScrollBar::setValue);
    auto* sides = new QHBoxLayout;
    sides->addWidget(m_left);
    sides->addWidget(m_right);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(sides, 1);
    layout->addWidget(buttons);
    resize(1000, 600);
}

QString TraceDiffView::callText(const Span& span)
{
    QStringList lines;
    for (const ChatMessage& m : TraceInspector::messagesOf(span.inputs)) {
        lines << QStringLiteral("[%1]").arg(m.role);
        lines << m.content;
    }
    lines << tr("[response]");
    lines << TraceInspector::responseOf(span);
    return lines.join(QLatin1Char('\n'));
}

void TraceDiffView::setSpans(const Span& left, const Span& right)
{
    setWindowTitle(tr("Diff: %1 ↔ %2").arg(left.id, right.id));
    m_rows = sideBySide(diffText(callText(left), callText(right)));
    QStringList l;
    QStringList r;
    for (const SideBySideRow& row : m_rows) {
        l << row.left;
        r << row.right;
    }
    m_left->setPlainText(l.join(QLatin1Char('\n')));
    m_right->setPlainText(r.join(QLatin1Char('\n')));
    highlight(m_left, m_rows, true);
    highlight(m_right, m_rows, false);
}

int TraceDiffView::changedRows() const
{
    int n = 0;
    for (const SideBySideRow& row : m_rows)
        n += row.changed;
    return n;
}

QString TraceDiffView::leftText() const
{
    return m_left->toPlainText();
}

QString TraceDiffView::rightText() const
{
    return m_right->toPlainText();
}

} // namespace dspy::ui
