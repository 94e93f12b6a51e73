// SignatureEditor: live validation puts the error at its position, the preview is exactly what
// the chosen adapter's format() returns, and switching the adapter changes it.

#include "adapters/chatadapter.h"
#include "adapters/jsonadapter.h"
#include "adapters/xmladapter.h"
#include "signatureeditor.h"
#include "signaturelexer.h"

#include "qsci.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QSignalSpy>
#include <QTest>

using namespace dspy;
using namespace dspy::ui;

class TestSignatureEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typingABadSignatureShowsTheErrorAtItsPosition()
    {
        SignatureEditor editor;
        editor.show();
        QSignalSpy validated(&editor, &SignatureEditor::validated);
        editor.editor()->setFocus();
        QTest::keyClicks(editor.editor(), QStringLiteral("a: strr -> b"));
        // Validation is debounced: nothing is parsed per keystroke, one result after the pause.
        QTRY_VERIFY(!validated.isEmpty());
        QCOMPARE(validated.size(), 1);
        QCOMPARE(validated.last().first().toBool(), false);
        QCOMPARE(editor.text(), QStringLiteral("a: strr -> b"));
        QCOMPARE(editor.errorPosition(), 3);
        QVERIFY2(editor.errorMessage().contains(QStringLiteral("strr")),
                 qPrintable(editor.errorMessage()));
        QVERIFY(editor.hasErrorIndicatorAt(3));
        QVERIFY(editor.hasErrorIndicatorAt(6));
        QVERIFY(!editor.hasErrorIndicatorAt(0));
        QVERIFY(!editor.hasErrorIndicatorAt(8));
        QVERIFY(!editor.signature());
        QVERIFY(editor.previewMessages().isEmpty());

        // Fixing the type clears the error and fills the preview.
        editor.editor()->setSelection(0, 3, 0, 7);
        QTest::keyClicks(editor.editor(), QStringLiteral("int"));
        QTRY_VERIFY(editor.signature().has_value());
        QCOMPARE(editor.text(), QStringLiteral("a: int -> b"));
        QCOMPARE(editor.errorPosition(), -1);
        QVERIFY(!editor.hasErrorIndicatorAt(3));
        QVERIFY(!editor.previewMessages().isEmpty());
    }

    void theErrorPositionCountsCharactersNotBytes()
    {
        SignatureEditor editor;
        editor.setText(QStringLiteral("frage_ä: strr -> b"));
        QCOMPARE(editor.errorPosition(), 9);
        QVERIFY(editor.hasErrorIndicatorAt(9));
        QVERIFY(!editor.hasErrorIndicatorAt(7));
    }

    void thePreviewIsWhatTheAdapterFormats()
    {
        SignatureEditor editor;
        const QString text = QStringLiteral("question, context: list[str] -> answer: int");
        editor.setText(text);
        QVERIFY(editor.signature());
        const Signature sig = Signature::fromString(text);
        Object inputs;
        inputs.insert(QStringLiteral("question"), QStringLiteral("{question}"));
        inputs.insert(QStringLiteral("context"), QStringLiteral("{context}"));
        QCOMPARE(SignatureEditor::placeholderInputs(sig), inputs);

        QCOMPARE(editor.adapterName(), QStringLiteral("ChatAdapter"));
        const auto chat = ChatAdapter().format(sig, {}, inputs);
        QCOMPARE(editor.previewMessages(), chat);
        QVERIFY(editor.previewText().contains(QStringLiteral("[[ ## answer ## ]]")));

        auto* combo = editor.findChild<QComboBox*>(QStringLiteral("adapter"));
        QVERIFY(combo);
        combo->setCurrentIndex(int(SignatureEditor::adapterNames().indexOf("JSONAdapter")));
        const auto json = JSONAdapter().format(sig, {}, inputs);
        QCOMPARE(editor.previewMessages(), json);
        QVERIFY(json != chat);

        editor.setAdapterName(QStringLiteral("XMLAdapter"));
        const auto xml = XMLAdapter().format(sig, {}, inputs);
        QCOMPARE(editor.previewMessages(), xml);
        QVERIFY(xml != json);
        QVERIFY(editor.previewText().contains(QStringLiteral("<answer>")));

        editor.copyPreview();
        QCOMPARE(QApplication::clipboard()->text(), editor.previewText());
    }

    void completionOffersTypesAfterAColonAndFieldsElsewhere()
    {
        SignatureEditor editor;
        editor.setKnownFieldNames({QStringLiteral("question"), QStringLiteral("answer")});
        const QStringList li{QStringLiteral("list"), QStringLiteral("Literal"),
                             QStringLiteral("List")};
        QCOMPARE(editor.completions(QStringLiteral("li"), true), li);
        QCOMPARE(editor.completions(QStringLiteral("qu"), false),
                 QStringList{QStringLiteral("question")});
        QVERIFY(editor.completions(QStringLiteral("qu"), true).isEmpty());

        // Typing after a colon pops the list; choosing an entry completes the word.
        editor.show();
        editor.setText(QStringLiteral("question -> answer: "));
        editor.editor()->setCursorPosition(0, int(editor.text().size()));
        QTest::keyClicks(editor.editor(), QStringLiteral("fl"));
        QVERIFY(editor.editor()->isListActive());
        QTest::keyClick(editor.editor(), Qt::Key_Return);
        QCOMPARE(editor.text(), QStringLiteral("question -> answer: float"));
        QTRY_VERIFY(editor.signature().has_value());
    }

    void theLexerStylesFieldsTypesAndTheArrow()
    {
        const QByteArray text = "q, c: list[str] -> a: int";
        const QList<int> s = SignatureLexer::classify(text);
        QCOMPARE(s[0], int(SignatureLexer::FieldName));
        QCOMPARE(s[1], int(SignatureLexer::Punctuation));
        QCOMPARE(s[3], int(SignatureLexer::FieldName));
        QCOMPARE(s[4], int(SignatureLexer::Punctuation));
        for (int i = 6; i < 15; ++i) // list[str]
            QCOMPARE(s[i], int(SignatureLexer::TypeName));
        QCOMPARE(s[16], int(SignatureLexer::Arrow));
        QCOMPARE(s[17], int(SignatureLexer::Arrow));
        QCOMPARE(s[19], int(SignatureLexer::FieldName));
        QCOMPARE(s[22], int(SignatureLexer::TypeName));
    }

    void theHighlightingFollowsALightOrDarkPalette()
    {
        const QPalette original = QApplication::palette();
        SignatureEditor editor;
        auto* lexer = editor.findChild<SignatureLexer*>();
        QVERIFY(lexer);
        QPalette dark = original;
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x2d));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        QApplication::setPalette(dark);
        QCoreApplication::processEvents();
        // Light field names and text on the dark paper, not the light theme's blue on white.
        QCOMPARE(lexer->paper(SignatureLexer::FieldName), QColor(0x1e, 0x1e, 0x1e));
        QVERIFY(lexer->color(SignatureLexer::FieldName).lightness() > 128);
        QCOMPARE(lexer->color(SignatureLexer::Default), QColor(0xe0, 0xe0, 0xe0));
        QApplication::setPalette(original);
        QCoreApplication::processEvents();
        QCOMPARE(lexer->paper(SignatureLexer::FieldName), original.color(QPalette::Base));
        QVERIFY(lexer->color(SignatureLexer::FieldName).lightness() < 128);
    }
};

QTEST_MAIN(TestSignatureEditor)
#include "tst_signatureeditor.moc"
