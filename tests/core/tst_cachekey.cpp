#include "cache/cachekey.h"

#include <QTest>

using namespace dspy;

class TestCacheKey : public QObject
{
    Q_OBJECT

private:
    static LMRequest simple()
    {
        LMRequest r;
        r.model = QStringLiteral("openai/gpt-4o-mini");
        r.messages = {{QStringLiteral("user"), QStringLiteral("Hello")}};
        r.kwargs = Object{{QStringLiteral("temperature"), Value()},
                          {QStringLiteral("max_tokens"), Value()}};
        return r;
    }

    static LMRequest rich()
    {
        LMRequest r;
        r.model = QStringLiteral("openai/gpt-4o-mini");
        r.messages = {{QStringLiteral("system"), QStringLiteral("You are terse.")},
                      {QStringLiteral("user"), QString::fromUtf8("Grüße — 東京\n\"q\"\t")}};
        r.kwargs = Object{
            {QStringLiteral("temperature"), Value(0.7)},
            {QStringLiteral("max_tokens"), Value(1000)},
            {QStringLiteral("api_key"), Value("sk-secret-123")},
            {QStringLiteral("rollout_id"), Value(1)},
            {QStringLiteral("stop"), Value(Array{Value("\n\n")})},
            {QStringLiteral("api_base"), Value("http://127.0.0.1:8000/v1")},
            {QStringLiteral("response_format"),
             Value(Object{{QStringLiteral("type"), Value("json_schema")},
                          {QStringLiteral("json_schema"),
                           Value(Object{{QStringLiteral("strict"), Value(true)},
                                        {QStringLiteral("name"), Value("out")}})}})},
            {QStringLiteral("n"), Value()},
            {QStringLiteral("base_url"), Value("http://example.invalid")},
        };
        return r;
    }

private Q_SLOTS:
    void canonicalTextOfASimpleRequest()
    {
        QCOMPARE(canonicalRequestJson(simple()),
                 QStringLiteral("{\"_fn_identifier\":\"dspy.clients.lm.litellm_completion\","
                                "\"max_tokens\":null,\"messages\":[{\"content\":\"Hello\","
                                "\"role\":\"user\"}],\"model\":\"openai/gpt-4o-mini\","
                                "\"temperature\":null}"));
    }

    void simpleKeyIsSha256OfTheCanonicalText()
    {
        // printf '%s' '<canonical text above>' | sha256sum
        QCOMPARE(cacheKey(simple()),
                 QByteArray("440b01c3f6e26f86116db1edc738a5f43f89fe2cdb67b47cb0cd0d945b5b4cb0"));
    }

    void canonicalTextSortsNestedKeysAndDropsCredentials()
    {
        QCOMPARE(canonicalRequestJson(rich()),
                 QString::fromUtf8(
                     "{\"_fn_identifier\":\"dspy.clients.lm.litellm_completion\","
                     "\"max_tokens\":1000,\"messages\":[{\"content\":\"You are terse.\","
                     "\"role\":\"system\"},{\"content\":\"Grüße — 東京\\n\\\"q\\\"\\t\","
                     "\"role\":\"user\"}],\"model\":\"openai/gpt-4o-mini\",\"n\":null,"
                     "\"response_format\":{\"json_schema\":{\"name\":\"out\",\"strict\":true},"
                     "\"type\":\"json_schema\"},\"rollout_id\":1,\"stop\":[\"\\n\\n\"],"
                     "\"temperature\":0.7}"));
        QCOMPARE(cacheKey(rich()),
                 QByteArray("342d4d1b42ab6daa4b0e5057e91e74e4ec3dfd047f50948ee492215f1b91bcf8"));
    }

    void credentialsDoNotChangeTheKey()
    {
        LMRequest a = rich();
        LMRequest b = rich();
        b.kwargs.insert(QStringLiteral("api_key"), Value("sk-other"));
        b.kwargs.remove(u"api_base");
        b.kwargs.insert(QStringLiteral("base_url"), Value("http://elsewhere"));
        QCOMPARE(cacheKey(a), cacheKey(b));
        QVERIFY(!canonicalRequestJson(a).contains(QStringLiteral("sk-secret")));
    }

    void nestedApiKeyNamesAreData()
    {
        // Only the top-level request keys are credentials; a nested "api_key" is payload.
        LMRequest a = simple();
        a.kwargs.insert(QStringLiteral("metadata"),
                        Value(Object{{QStringLiteral("api_key"), Value(1)}}));
        QVERIFY(canonicalRequestJson(a).contains(QStringLiteral("\"metadata\":{\"api_key\":1}")));
    }

    void kwargOrderDoesNotMatter()
    {
        LMRequest a = simple();
        LMRequest b = simple();
        b.kwargs = Object{{QStringLiteral("max_tokens"), Value()},
                          {QStringLiteral("temperature"), Value()}};
        QCOMPARE(cacheKey(a), cacheKey(b));
    }

    void everyRequestPartChangesTheKey()
    {
        const QByteArray base = cacheKey(rich());
        LMRequest r = rich();
        r.kwargs.insert(QStringLiteral("rollout_id"), Value(2));
        QVERIFY(cacheKey(r) != base);
        r = rich();
        r.kwargs.insert(QStringLiteral("temperature"), Value(1.0));
        QVERIFY(cacheKey(r) != base);
        r = rich();
        r.model = QStringLiteral("openai/gpt-4o");
        QVERIFY(cacheKey(r) != base);
        r = rich();
        r.messages.last().content += QLatin1Char(' ');
        QVERIFY(cacheKey(r) != base);
        QVERIFY(cacheKey(rich(), u"dspy.clients.lm.litellm_text_completion") != base);
        // A None kwarg is hashed: present-as-null differs from absent.
        r = rich();
        r.kwargs.remove(u"n");
        QVERIFY(cacheKey(r) != base);
    }

    void intAndFloatAreDistinct()
    {
        LMRequest a = simple();
        a.kwargs.insert(QStringLiteral("temperature"), Value(1));
        LMRequest b = simple();
        b.kwargs.insert(QStringLiteral("temperature"), Value(1.0));
        QVERIFY(canonicalRequestJson(a).contains(QStringLiteral("\"temperature\":1}")));
        QVERIFY(canonicalRequestJson(b).contains(QStringLiteral("\"temperature\":1.0}")));
        QVERIFY(cacheKey(a) != cacheKey(b));
    }

    void nonFiniteFloatsAreNullLikeOrjson()
    {
        QCOMPARE(canonicalJson(Value(Array{Value(qQNaN()), Value(qInf()), Value(-qInf())})),
                 QStringLiteral("[null,null,null]"));
    }

    void keysSortByCodePointLikeUtf8()
    {
        // U+FF21 (UTF-8 EF BC A1) sorts before U+1F600 (F0 9F 98 80) in UTF-8 byte order, though
        // UTF-16 would put the surrogate pair first.
        const QString wide = QString::fromUcs4(U"\U0001F600");
        const QString full = QString(QChar(0xFF21));
        const Value v(Object{{wide, Value(1)}, {full, Value(2)}});
        QCOMPARE(canonicalJson(v), QStringLiteral("{\"") + full + QStringLiteral("\":2,\"") + wide +
                                       QStringLiteral("\":1}"));
    }

    void controlCharactersAreEscaped()
    {
        QCOMPARE(canonicalJson(Value(QStringLiteral("a\x01z\\"))),
                 QStringLiteral("\"a\\u0001z\\\\\""));
    }
};

QTEST_GUILESS_MAIN(TestCacheKey)
#include "tst_cachekey.moc"
