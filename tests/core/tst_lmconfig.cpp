// LMConfig: model ids -> providers, defaults, key resolution, makeProviderLM.

#include "lm/anthropiclm.h"
#include "lm/lmconfig.h"
#include "lm/openailm.h"

#include <QTest>

using namespace dspy;

class TestLMConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void providers_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("apiBase");
        QTest::addColumn<QString>("keyEnv");
        QTest::newRow("openai") << "openai/gpt-4o-mini"
                                << "openai"
                                << "https://api.openai.com/v1"
                                << "OPENAI_API_KEY";
        QTest::newRow("bare") << "gpt-4o"
                              << "openai"
                              << "https://api.openai.com/v1"
                              << "OPENAI_API_KEY";
        QTest::newRow("ollama_chat") << "ollama_chat/llama3"
                                     << "ollama_chat"
                                     << "http://localhost:11434/v1"
                                     << "";
        QTest::newRow("ollama") << "ollama/llama3"
                                << "ollama"
                                << "http://localhost:11434/v1"
                                << "";
        QTest::newRow("hosted_vllm") << "hosted_vllm/meta/llama"
                                     << "hosted_vllm"
                                     << ""
                                     << "HOSTED_VLLM_API_KEY";
        QTest::newRow("lm_studio") << "lm_studio/qwen"
                                   << "lm_studio"
                                   << "http://localhost:1234/v1"
                                   << "LM_STUDIO_API_KEY";
        QTest::newRow("openrouter") << "openrouter/a/b"
                                    << "openrouter"
                                    << "https://openrouter.ai/api/v1"
                                    << "OPENROUTER_API_KEY";
        QTest::newRow("groq") << "groq/llama"
                              << "groq"
                              << "https://api.groq.com/openai/v1"
                              << "GROQ_API_KEY";
        QTest::newRow("together_ai") << "together_ai/m"
                                     << "together_ai"
                                     << "https://api.together.xyz/v1"
                                     << "TOGETHERAI_API_KEY";
        QTest::newRow("anthropic") << "anthropic/claude-3-5-haiku"
                                   << "anthropic"
                                   << "https://api.anthropic.com"
                                   << "ANTHROPIC_API_KEY";
    }
    void providers()
    {
        QFETCH(QString, model);
        QFETCH(QString, provider);
        QFETCH(QString, apiBase);
        QFETCH(QString, keyEnv);
        const auto info = providerInfo(model);
        QVERIFY(info);
        QCOMPARE(info->provider, provider);
        QCOMPARE(info->defaultApiBase, apiBase);
        QCOMPARE(info->defaultKeyEnv, keyEnv);
        QCOMPARE(info->anthropic, provider == u"anthropic");
        QCOMPARE(wireModelName(model), model.contains(u'/') ? model.section(u'/', 1) : model);
    }

    void unknownProvider()
    {
        QString error;
        QVERIFY(!providerInfo(QStringLiteral("mystery/model"), &error));
        QVERIFY(error.startsWith(QLatin1String("Unknown provider 'mystery'")));
        QVERIFY(!providerInfo(QStringLiteral("openai/"), &error));
        QCOMPARE(error, QStringLiteral("Model id 'openai/' names no model."));
    }

    void kwargsKeepNone()
    {
        LMConfig c;
        c.model = QStringLiteral("openai/gpt-4o-mini");
        QCOMPARE(Value(lmKwargs(c)).toJson(),
                 QStringLiteral("{\"temperature\": null, \"max_tokens\": null}"));
        c.temperature = 0.0;
        c.maxTokens = 300;
        c.extraKwargs =
            Object{{QStringLiteral("top_p"), 0.9}, {QStringLiteral("rollout_id"), Value()}};
        QCOMPARE(Value(lmKwargs(c)).toJson(),
                 QStringLiteral("{\"temperature\": 0.0, \"max_tokens\": 300, \"top_p\": 0.9}"));
    }

    void makeOpenAI()
    {
        MemorySecretStore secrets;
        LMConfig c;
        c.model = QStringLiteral("openai/gpt-4o-mini");
        QString error;
        QVERIFY(!makeProviderLM(c, &error, &secrets));
        QCOMPARE(error, QStringLiteral("No API key for 'openai/gpt-4o-mini': set the environment "
                                       "variable OPENAI_API_KEY (or store the key under that "
                                       "name)."));
        secrets.set(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-1"));
        LMPtr lm = makeProviderLM(c, &error, &secrets);
        auto* openai = dynamic_cast<OpenAICompatibleLM*>(lm.get());
        QVERIFY(openai);
        QCOMPARE(openai->model(), QStringLiteral("openai/gpt-4o-mini"));
        QCOMPARE(openai->options().apiBase, QStringLiteral("https://api.openai.com/v1"));
        QCOMPARE(openai->options().apiKey, QStringLiteral("sk-1"));
        QCOMPARE(openai->options().retry.maxRetries, 3);
        QVERIFY(openai->supportsResponseSchema());

        // A custom key name, and the same id pointed at a local server needs no key.
        c.apiKeyEnv = QStringLiteral("MY_KEY");
        QVERIFY(!makeProviderLM(c, &error, &secrets));
        QVERIFY(error.contains(QLatin1String("MY_KEY")));
        c.apiBase = QStringLiteral("http://127.0.0.1:8000/v1");
        lm = makeProviderLM(c, &error, &secrets);
        QVERIFY(lm);
        QCOMPARE(dynamic_cast<OpenAICompatibleLM*>(lm.get())->options().apiKey, QString());
    }

    void envSecretStore()
    {
        qputenv("DSPY_TEST_LMCONFIG_KEY", "from-env");
        EnvSecretStore env;
        QCOMPARE(env.get(QStringLiteral("DSPY_TEST_LMCONFIG_KEY")).value_or(QString()),
                 QStringLiteral("from-env"));
        QVERIFY(!env.get(QStringLiteral("DSPY_TEST_LMCONFIG_ABSENT")));
        LMConfig c;
        c.model = QStringLiteral("groq/llama");
        c.apiKeyEnv = QStringLiteral("DSPY_TEST_LMCONFIG_KEY");
        QString error;
        LMPtr lm = makeProviderLM(c, &error); // default store: the environment
        QVERIFY2(lm, qPrintable(error));
        QCOMPARE(dynamic_cast<OpenAICompatibleLM*>(lm.get())->options().apiKey,
                 QStringLiteral("from-env"));
    }

    void localProvidersNeedNoKey()
    {
        MemorySecretStore none;
        LMConfig c;
        c.model = QStringLiteral("ollama_chat/llama3");
        QString error;
        LMPtr lm = makeProviderLM(c, &error, &none);
        QVERIFY2(lm, qPrintable(error));
        QCOMPARE(dynamic_cast<OpenAICompatibleLM*>(lm.get())->options().apiBase,
                 QStringLiteral("http://localhost:11434/v1"));

        c.model = QStringLiteral("hosted_vllm/meta/llama");
        QVERIFY(!makeProviderLM(c, &error, &none));
        QVERIFY(
            error.startsWith(QLatin1String("Model 'hosted_vllm/meta/llama' needs an api_base")));
        c.apiBase = QStringLiteral("http://gpu-box:8000/v1");
        QVERIFY(makeProviderLM(c, &error, &none));
        c.apiBase = QStringLiteral("gpu-box:8000");
        QVERIFY(!makeProviderLM(c, &error, &none));
        QCOMPARE(error, QStringLiteral("api_base 'gpu-box:8000' is not an http(s) URL."));
    }

    void makeAnthropic()
    {
        MemorySecretStore secrets;
        secrets.set(QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("sk-ant"));
        LMConfig c;
        c.model = QStringLiteral("anthropic/claude-3-5-haiku");
        c.maxTokens = 1000;
        QString error;
        LMPtr lm = makeProviderLM(c, &error, &secrets);
        auto* a = dynamic_cast<AnthropicLM*>(lm.get());
        QVERIFY(a);
        QCOMPARE(a->options().apiKey, QStringLiteral("sk-ant"));
        QCOMPARE(Value(a->kwargs()).toJson(),
                 QStringLiteral("{\"temperature\": null, \"max_tokens\": 1000}"));
    }

    void reasoningRulesApply()
    {
        MemorySecretStore secrets;
        secrets.set(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk"));
        LMConfig c;
        c.model = QStringLiteral("openai/o3-mini");
        c.temperature = 0.7;
        QString error;
        QVERIFY(!makeProviderLM(c, &error, &secrets));
        QVERIFY(error.contains(QLatin1String("reasoning models require passing temperature=1.0")));
        c.temperature = 1.0;
        c.maxTokens = 20000;
        LMPtr lm = makeProviderLM(c, &error, &secrets);
        QVERIFY(lm);
        QCOMPARE(Value(lm->kwargs()).toJson(),
                 QStringLiteral("{\"temperature\": 1.0, \"max_completion_tokens\": 20000}"));
    }

    void simulatedInProcess()
    {
        LMConfig c;
        c.model = QStringLiteral("lmsim/tiny");
        QString error;
        LMPtr lm = makeProviderLM(c, &error);
        QVERIFY2(lm, qPrintable(error));
        QCOMPARE(lm->model(), QStringLiteral("lmsim/tiny"));
        QVERIFY(!dynamic_cast<OpenAICompatibleLM*>(lm.get()));
        // With a server address, the simulator is reached over HTTP like any other.
        c.apiBase = QStringLiteral("http://127.0.0.1:9/v1");
        lm = makeProviderLM(c, &error);
        QVERIFY(dynamic_cast<OpenAICompatibleLM*>(lm.get()));
    }
};

QTEST_GUILESS_MAIN(TestLMConfig)
#include "tst_lmconfig.moc"
