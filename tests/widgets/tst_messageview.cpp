#include "messageview.h"

#include <QTest>

using namespace dspy;
using namespace dspy::ui;

class TestMessageView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsEveryMessageUnderItsRole()
    {
        MessageView view;
        const QList<ChatMessage> messages{{"system", "Your input fields are:"},
                                          {"user", "[[ ## question ## ]]\nWhat is 2+2?"}};
        view.setMessages(messages);
        QCOMPARE(view.messages(), messages);
        QCOMPARE(view.toPlainText(),
                 QStringLiteral("System message:\n\nYour input fields are:\n\n"
                                "User message:\n\n[[ ## question ## ]]\nWhat is 2+2?"));
        QVERIFY(view.isReadOnly());
    }

    void replacingMessagesClearsTheOldOnes()
    {
        MessageView view;
        view.setMessages({{"user", "first"}});
        view.setMessages({{"assistant", "second"}});
        QCOMPARE(view.toPlainText(), QStringLiteral("Assistant message:\n\nsecond"));
        view.setMessages({});
        QVERIFY(view.toPlainText().isEmpty());
    }
};

QTEST_MAIN(TestMessageView)
#include "tst_messageview.moc"
