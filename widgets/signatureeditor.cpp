#include "signatureeditor.h"

#include "adapters/chatadapter.h"
#include "adapters/jsonadapter.h"
#include "adapters/xmladapter.h"
#include "messageview.h"
#include "signaturelexer.h"

#include "qsci.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <cctype>

namespace dspy::ui {

namespace {

const QStringList& typeNames()
{
    static const QStringList names{
        QStringLiteral("str"),      QStringLiteral("int"),   QStringLiteral("float"),
        QStringLiteral("bool"),     QStringLiteral("list"),  QStringLiteral("dict"),
        QStringLiteral("tuple"),    QStringLiteral("set"),   QStringLiteral("Any"),
        QStringLiteral("Optional"), QStringLiteral("Union"), QStringLiteral("Literal"),
        QStringLiteral("List"),     QStringLiteral("Dict"),  QStringLiteral("Tuple"),
        QStringLiteral("None")};
    return names;
}

} // namespace

SignatureEditor::SignatureEditor(QWidget* parent)
    : QWidget(parent)
{
    m_edit = new QsciScintilla(this);
    m_edit->setObjectName(QStringLiteral("signatureText"));
    m_edit->setUtf8(true);
    m_lexer = new SignatureLexer(m_edit);
    m_edit->setLexer(m_lexer);
    m_edit->setWrapMode(QsciScintilla::WrapWord);
    m_edit->setMarginWidth(1, 0);
    // Completion is ours (showUserList): QsciAPIs prepares its word list on a thread that must
    // not outlive the editor, and cannot tell a type position from a field position.
    m_edit->setAutoCompletionSource(QsciScintilla::AcsNone);
    connect(m_edit, &QsciScintilla::SCN_CHARADDED, this, &SignatureEditor::onCharAdded);
    connect(m_edit, &QsciScintilla::userListActivated, this, [this](int, const QString& word) {
        int line = 0, index = 0;
        m_edit->getCursorPosition(&line, &index);
        const QString before = m_edit->text(line).left(index);
        qsizetype start = before.size();
        while (start > 0 && (before[start - 1].isLetterOrNumber() || before[start - 1] == u'_'))
            --start;
        m_edit->setSelection(line, int(start), line, index);
        m_edit->replaceSelectedText(word);
    });
    m_edit->indicatorDefine(QsciScintilla::SquiggleIndicator, kErrorIndicator);
    m_edit->setIndicatorForegroundColor(QColor(Qt::red), kErrorIndicator);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("signatureStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_adapter = new QComboBox(this);
    m_adapter->setObjectName(QStringLiteral("adapter"));
    m_adapter->addItems(adapterNames());
    m_copy = new QPushButton(tr("Copy messages"), this);
    m_preview = new MessageView(this);
    m_preview->setObjectName(QStringLiteral("preview"));

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Signature"), left));
    leftLayout->addWidget(m_edit, 1);
    leftLayout->addWidget(m_status);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Preview for"), right));
    bar->addWidget(m_adapter, 1);
    bar->addWidget(m_copy);
    rightLayout->addLayout(bar);
    rightLayout->addWidget(m_preview, 1);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kValidationDelayMs);
    connect(&m_debounce, &QTimer::timeout, this, &SignatureEditor::validateNow);
    connect(m_edit, &QsciScintilla::textChanged, this, [this] {
        m_debounce.start();
        Q_EMIT textEdited();
    });
    connect(m_adapter, &QComboBox::currentIndexChanged, this, &SignatureEditor::updatePreview);
    connect(m_copy, &QPushButton::clicked, this, &SignatureEditor::copyPreview);
    validateNow();
}

void SignatureEditor::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The system switched between light and dark: the highlighting follows.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        m_lexer->applyPalette();
}

QString SignatureEditor::text() const
{
    return m_edit->text();
}

void SignatureEditor::setText(const QString& text)
{
    m_edit->setText(text);
    m_debounce.stop();
    validateNow();
}

QStringList SignatureEditor::adapterNames()
{
    return {QStringLiteral("ChatAdapter"), QStringLiteral("JSONAdapter"),
            QStringLiteral("XMLAdapter")};
}

AdapterPtr SignatureEditor::makeAdapter(const QString& name)
{
    if (name == QLatin1String("JSONAdapter"))
        return std::make_shared<JSONAdapter>();
    if (name == QLatin1String("XMLAdapter"))
        return std::make_shared<XMLAdapter>();
    return std::make_shared<ChatAdapter>();
}

QString SignatureEditor::adapterName() const
{
    return m_adapter->currentText();
}

void SignatureEditor::setAdapterName(const QString& name)
{
    m_adapter->setCurrentIndex(std::max(0, int(adapterNames().indexOf(name))));
}

void SignatureEditor::setKnownFieldNames(const QStringList& names)
{
    m_knownFields = names;
}

QStringList SignatureEditor::completions(const QString& prefix, bool typePosition) const
{
    QStringList out;
    for (const QString& w : typePosition ? typeNames() : m_knownFields)
        if (w.startsWith(prefix, Qt::CaseInsensitive) && w != prefix)
            out << w;
    return out;
}

void SignatureEditor::complete()
{
    int line = 0, index = 0;
    m_edit->getCursorPosition(&line, &index);
    const QString before = m_edit->text(line).left(index);
    qsizetype start = before.size();
    while (start > 0 && (before[start - 1].isLetterOrNumber() || before[start - 1] == u'_'))
        --start;
    const QString prefix = before.mid(start);
    if (prefix.isEmpty())
        return;
    // A type position: after the last top-level `:` of the current field, or inside brackets.
    const QString head = before.left(start);
    const qsizetype colon = head.lastIndexOf(u':');
    const qsizetype sep = std::max(head.lastIndexOf(u','), head.lastIndexOf(QStringLiteral("->")));
    const bool inBrackets = head.count(u'[') > head.count(u']');
    const bool typePosition = inBrackets || colon > sep;
    const QStringList words = completions(prefix, typePosition);
    if (!words.isEmpty())
        m_edit->showUserList(1, words);
}

void SignatureEditor::onCharAdded(int ch)
{
    if (ch < 128 && (std::isalnum(ch) || ch == '_'))
        complete();
}

Object SignatureEditor::placeholderInputs(const Signature& signature)
{
    Object inputs;
    for (const Field& f : signature.inputFields())
        inputs.insert(f.name, QStringLiteral("{%1}").arg(f.name));
    return inputs;
}

void SignatureEditor::validateNow()
{
    m_debounce.stop();
    SignatureError error;
    m_signature = Signature::parse(m_edit->text(), {}, &error);
    if (m_signature) {
        clearError();
        m_status->setText(
            tr("Valid: %n input(s)", nullptr, int(m_signature->inputFields().size())) +
            QStringLiteral(", ") +
            tr("%n output(s)", nullptr, int(m_signature->outputFields().size())));
    } else {
        showError(error);
    }
    updatePreview();
    Q_EMIT validated(m_signature.has_value());
}

void SignatureEditor::clearError()
{
    m_errorPosition = -1;
    m_errorMessage.clear();
    m_edit->SendScintilla(QsciScintillaBase::SCI_SETINDICATORCURRENT, kErrorIndicator);
    m_edit->SendScintilla(QsciScintillaBase::SCI_INDICATORCLEARRANGE, 0,
                          m_edit->SendScintilla(QsciScintillaBase::SCI_GETLENGTH));
    m_status->setStyleSheet({});
}

void SignatureEditor::showError(const SignatureError& error)
{
    clearError();
    m_errorPosition = error.position;
    m_errorMessage = error.message;
    const QString text = m_edit->text();
    if (error.position >= 0) {
        const qsizetype pos = std::min(error.position, text.size());
        // Scintilla counts UTF-8 bytes; mark the error's span (or the end of the text).
        const long byteStart = long(text.left(pos).toUtf8().size());
        const qsizetype chars = std::max<qsizetype>(1, error.length);
        const long length = pos < text.size() ? long(text.mid(pos, chars).toUtf8().size()) : 0;
        m_edit->SendScintilla(QsciScintillaBase::SCI_SETINDICATORCURRENT, kErrorIndicator);
        if (length > 0)
            m_edit->SendScintilla(QsciScintillaBase::SCI_INDICATORFILLRANGE, byteStart, length);
        else if (byteStart > 0)
            m_edit->SendScintilla(QsciScintillaBase::SCI_INDICATORFILLRANGE, byteStart - 1, 1);
        m_status->setText(tr("Error at position %1: %2").arg(error.position).arg(error.message));
    } else {
        m_status->setText(tr("Error: %1").arg(error.message));
    }
    m_status->setStyleSheet(QStringLiteral("color: #c62828;"));
}

bool SignatureEditor::hasErrorIndicatorAt(qsizetype charPosition) const
{
    const long byte = long(m_edit->text().left(charPosition).toUtf8().size());
    return m_edit->SendScintilla(QsciScintillaBase::SCI_INDICATORVALUEAT, kErrorIndicator, byte) !=
           0;
}

void SignatureEditor::updatePreview()
{
    if (!m_signature) {
        m_preview->setMessages({});
        m_preview->setPlaceholderText(tr("Fix the signature to see the messages."));
        m_copy->setEnabled(false);
        return;
    }
    const AdapterPtr adapter = makeAdapter(adapterName());
    m_preview->setMessages(adapter->format(*m_signature, {}, placeholderInputs(*m_signature)));
    m_copy->setEnabled(true);
}

const QList<ChatMessage>& SignatureEditor::previewMessages() const
{
    return m_preview->messages();
}

QString SignatureEditor::previewText() const
{
    return m_preview->toPlainText();
}

void SignatureEditor::copyPreview()
{
    QApplication::clipboard()->setText(previewText());
}

} // namespace dspy::ui
