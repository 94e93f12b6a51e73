#include "traceresend.h"

#include "traceinspector.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace dspy::ui {

TraceResendDialog::TraceResendDialog(const Span& original, QWidget* parent)
    : QDialog(parent)
    , m_original(original)
    , m_table(new QTableWidget(0, 2, this))
    , m_old(new QPlainTextEdit(this))
    , m_new(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Re-send %1").arg(original.name));
    m_table->setHorizontalHeaderLabels({tr("Role"), tr("Content")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(true);
    m_old->setReadOnly(true);
    m_new->setReadOnly(true);
    m_old->setPlainText(TraceInspector::responseOf(original));
    auto* add = new QPushButton(tr("Add message"), this);
    auto* remove = new QPushButton(tr("Remove message"), this);
    m_send = new QPushButton(tr("Send"), this);
    m_send->setDefault(true);
    connect(add, &QPushButton::clicked, this, [this] {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, new QTableWidgetItem(QStringLiteral("user")));
        m_table->setItem(row, 1, new QTableWidgetItem(QString()));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    connect(m_send, &QPushButton::clicked, this, [this] {
        m_send->setEnabled(false);
        m_status->setText(tr("Sending…"));
        Q_EMIT sendRequested(messages());
    });

    auto* editor = new QWidget(this);
    auto* editorLayout = new QVBoxLayout(editor);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->addWidget(m_table, 1);
    auto* rowButtons = new QHBoxLayout;
    rowButtons->addWidget(add);
    rowButtons->addWidget(remove);
    rowButtons->addStretch(1);
    rowButtons->addWidget(m_send);
    editorLayout->addLayout(rowButtons);
    auto* responses = new QSplitter(Qt::Horizontal, this);
    auto* oldBox = new QWidget(responses);
    auto* oldLayout = new QVBoxLayout(oldBox);
    oldLayout->addWidget(new QLabel(tr("Old response"), oldBox));
    oldLayout->addWidget(m_old);
    auto* newBox = new QWidget(responses);
    auto* newLayout = new QVBoxLayout(newBox);
    newLayout->addWidget(new QLabel(tr("New response"), newBox));
    newLayout->addWidget(m_new);
    responses->addWidget(oldBox);
    responses->addWidget(newBox);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(editor);
    split->addWidget(responses);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    setMessages(TraceInspector::messagesOf(original.inputs));
    resize(900, 650);
}

QList<ChatMessage> TraceResendDialog::messages() const
{
    QList<ChatMessage> out;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QTableWidgetItem* role = m_table->item(r, 0);
        const QTableWidgetItem* content = m_table->item(r, 1);
        out.append(
            {role ? role->text().trimmed() : QString(), content ? content->text() : QString()});
    }
    return out;
}

void TraceResendDialog::setMessages(const QList<ChatMessage>& messages)
{
    m_table->setRowCount(0);
    for (const ChatMessage& m : messages) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, new QTableWidgetItem(m.role));
        m_table->setItem(row, 1, new QTableWidgetItem(m.content));
    }
    m_table->resizeRowsToContents();
}

void TraceResendDialog::showResult(const Span& sent)
{
    m_send->setEnabled(true);
    m_new->setPlainText(TraceInspector::responseOf(sent));
    const double ms = double(sent.ended - sent.started) / 1000.0;
    m_status->setText(
        sent.error.isEmpty()
            ? tr("Answered in %1 ms; recorded as span %2.").arg(ms, 0, 'f', 1).arg(sent.id)
            : tr("Failed: %1 (recorded as span %2)").arg(sent.error, sent.id));
}

void TraceResendDialog::showError(const QString& error)
{
    m_send->setEnabled(true);
    m_status->setText(tr("Failed: %1").arg(error));
}

QString TraceResendDialog::newResponseText() const
{
    return m_new->toPlainText();
}

} // namespace dspy::ui
