#pragma once

#include "adapters/adapter.h"
#include "lm/chatmessage.h"
#include "signature/signature.h"

#include <QTimer>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QsciScintilla;

namespace dspy::ui {

class MessageView;
class SignatureLexer;

// A signature's text in QScintilla with highlighting, completion of type (and known field) names
// and live validation: after a short pause in typing the text is parsed, a parse error is
// underlined at its position with the message beside it, and the side panel shows the exact
// messages the chosen adapter would send for the signature (inputs filled with "{name}"
// placeholders, no demos).
class SignatureEditor final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kValidationDelayMs = 250;
    static constexpr int kErrorIndicator = 8;

    explicit SignatureEditor(QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text);
    QsciScintilla* editor() const { return m_edit; }

    // "ChatAdapter", "JSONAdapter", "XMLAdapter"
    static QStringList adapterNames();
    static AdapterPtr makeAdapter(const QString& name);
    QString adapterName() const;
    void setAdapterName(const QString& name);

    // Field names offered by completion besides the type names (e.g. the project's fields).
    void setKnownFieldNames(const QStringList& names);
    // What completion offers for the word before the cursor: type names after a `:` (or inside
    // brackets), field names elsewhere; those starting with `prefix`, case-insensitively.
    QStringList completions(const QString& prefix, bool typePosition) const;
    // Shows the completion list for the word at the cursor (also on every typed character).
    void complete();

    // The inputs the preview formats: every input field set to "{field}".
    static Object placeholderInputs(const Signature& signature);

    // Result of the latest validation.
    const std::optional<Signature>& signature() const { return m_signature; }
    qsizetype errorPosition() const { return m_errorPosition; } // -1: no positional error
    QString errorMessage() const { return m_errorMessage; }
    bool hasErrorIndicatorAt(qsizetype charPosition) const;
    const QList<ChatMessage>& previewMessages() const;
    QString previewText() const;

public Q_SLOTS:
    void validateNow();
    void copyPreview();

Q_SIGNALS:
    void validated(bool ok);
    void textEdited();

protected:
    void changeEvent(QEvent* event) override;

private:
    void updatePreview();
    void showError(const SignatureError& error);
    void clearError();
    void onCharAdded(int ch);

    QsciScintilla* m_edit = nullptr;
    SignatureLexer* m_lexer = nullptr;
    QComboBox* m_adapter = nullptr;
    QLabel* m_status = nullptr;
    MessageView* m_preview = nullptr;
    QPushButton* m_copy = nullptr;
    QTimer m_debounce;
    std::optional<Signature> m_signature;
    qsizetype m_errorPosition = -1;
    QString m_errorMessage;
    QStringList m_knownFields;
};

} // namespace dspy::ui
