#include "signaturelexer.h"

#include "qsci.h"

#include <QApplication>
#include <QFontDatabase>
#include <QPalette>

#include <cctype>

namespace dspy::ui {

SignatureLexer::SignatureLexer(QObject* parent)
    : QsciLexerCustom(parent)
{}

const char* SignatureLexer::language() const
{
    return "DSPy signature";
}

QString SignatureLexer::description(int style) const
{
    switch (style) {
    case Default:
        return tr("Default");
    case FieldName:
        return tr("Field name");
    case TypeName:
        return tr("Type");
    case Arrow:
        return tr("Arrow");
    case Punctuation:
        return tr("Punctuation");
    }
    return {};
}

QColor SignatureLexer::defaultColor(int style) const
{
    // Follow the system palette: pick colours readable on the window's base colour.
    const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
    switch (style) {
    case FieldName:
        return dark ? QColor(0x9c, 0xdc, 0xfe) : QColor(0x00, 0x50, 0xa0);
    case TypeName:
        return dark ? QColor(0x4e, 0xc9, 0xb0) : QColor(0x26, 0x7f, 0x56);
    case Arrow:
        return dark ? QColor(0xff, 0xc6, 0x6d) : QColor(0xa3, 0x15, 0x15);
    case Punctuation:
        return dark ? QColor(0xb0, 0xb0, 0xb0) : QColor(0x60, 0x60, 0x60);
    default:
        return QApplication::palette().color(QPalette::Text);
    }
}

QColor SignatureLexer::defaultPaper(int) const
{
    return QApplication::palette().color(QPalette::Base);
}

void SignatureLexer::applyPalette()
{
    for (int style : {Default, FieldName, TypeName, Arrow, Punctuation}) {
        setColor(defaultColor(style), style);
        setPaper(defaultPaper(style), style);
    }
    setDefaultColor(defaultColor(Default));
    setDefaultPaper(defaultPaper(Default));
}

QFont SignatureLexer::defaultFont(int style) const
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (style == FieldName || style == Arrow)
        f.setBold(true);
    return f;
}

QList<int> SignatureLexer::classify(const QByteArray& utf8)
{
    QList<int> styles(utf8.size(), Default);
    bool inType = false;
    int depth = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const char c = utf8[i];
        if (c == '-' && i + 1 < utf8.size() && utf8[i + 1] == '>' && depth == 0) {
            styles[i] = styles[i + 1] = Arrow;
            ++i;
            inType = false;
            continue;
        }
        if (c == ':' && depth == 0) {
            styles[i] = Punctuation;
            inType = true;
            continue;
        }
        if (c == ',' && depth == 0) {
            styles[i] = Punctuation;
            inType = false;
            continue;
        }
        if (inType) {
            if (c == '[' || c == '(')
                ++depth;
            else if ((c == ']' || c == ')') && depth > 0)
                --depth;
            styles[i] = (c == ' ') ? Default : TypeName;
            continue;
        }
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
            (static_cast<unsigned char>(c) & 0x80))
            styles[i] = FieldName;
    }
    return styles;
}

void SignatureLexer::styleText(int start, int end)
{
    QsciScintilla* ed = editor();
    if (!ed)
        return;
    Q_UNUSED(start);
    Q_UNUSED(end);
    const QByteArray utf8 = ed->text().toUtf8();
    const QList<int> styles = classify(utf8);
    startStyling(0);
    qsizetype i = 0;
    while (i < styles.size()) {
        qsizetype j = i;
        while (j < styles.size() && styles[j] == styles[i])
            ++j;
        setStyling(int(j - i), styles[i]);
        i = j;
    }
}

} // namespace dspy::ui
