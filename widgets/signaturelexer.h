#pragma once

#include "qsci.h"

namespace dspy::ui {

// Highlighting for DSPy's signature grammar: "question, context: list[str] -> answer: int".
// The text is short, so every styleText() call re-lexes the whole document: a name before `:` is
// a field, what follows up to the next top-level `,` or `->` is a type.
class SignatureLexer final : public QsciLexerCustom
{
    Q_OBJECT
public:
    enum Style { Default = 0, FieldName = 1, TypeName = 2, Arrow = 3, Punctuation = 4 };

    explicit SignatureLexer(QObject* parent = nullptr);

    const char* language() const override;
    QString description(int style) const override;
    QColor defaultColor(int style) const override;
    QColor defaultPaper(int style) const override; // the palette's base colour
    // Re-applies the palette's colours to every style (after a light/dark theme change).
    void applyPalette();
    QFont defaultFont(int style) const override;
    void styleText(int start, int end) override;

    // The style of every byte of `utf8` (exposed for tests and for styleText()).
    static QList<int> classify(const QByteArray& utf8);
};

} // namespace dspy::ui
