#include "lmprofiledialog.h"

#include "keystore.h"
#include "mainwindow.h"
#include "modules/predict.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace dspy::ui {

LMProfileDialog::LMProfileDialog(RunManager* manager, KeyStore* keys, QWidget* parent)
    : QDialog(parent)
    , m_manager(manager)
    , m_keys(keys)
{
    setWindowTitle(tr("LM profile"));
    m_name = new QLineEdit(this);
    m_provider = new QComboBox(this);
    m_provider->setObjectName(QStringLiteral("provider"));
    m_provider->addItem(MainWindow::simulatedProfileName(), QStringLiteral("lmsim"));
    for (const char* p : {"openai", "anthropic", "ollama_chat", "hosted_vllm"})
        m_provider->addItem(QString::fromLatin1(p), QString::fromLatin1(p));
    m_model = new QLineEdit(this);
    m_model->setPlaceholderText(tr("e.g. gpt-4o-mini"));
    m_baseUrl = new QLineEdit(this);
    m_baseUrl->setPlaceholderText(tr("the provider's default"));
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setRange(0.0, 2.0);
    m_temperature->setSingleStep(0.1);
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setRange(1, 1000000);
    m_maxTokens->setValue(4000);
    m_concurrency = new QSpinBox(this);
    m_concurrency->setRange(0, 1024);
    m_concurrency->setSpecialValueText(tr("unlimited"));
    // USD per 1M tokens; the minimum means "the default price table's" (none for most models).
    for (QDoubleSpinBox** box : {&m_inputPrice, &m_outputPrice}) {
        *box = new QDoubleSpinBox(this);
        (*box)->setRange(-0.05, 100000.0);
        (*box)->setDecimals(3);
        (*box)->setSingleStep(0.05);
        (*box)->setSpecialValueText(tr("from the default price table"));
        (*box)->setPrefix(QStringLiteral("$ "));
        (*box)->setValue(-0.05);
    }
    m_inputPrice->setObjectName(QStringLiteral("inputPrice"));
    m_outputPrice->setObjectName(QStringLiteral("outputPrice"));
    m_keyEnv = new QLineEdit(this);
    m_keyEnv->setPlaceholderText(tr("the provider's default, e.g. OPENAI_API_KEY"));
    m_key = new QLineEdit(this);
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("stored in the keychain, never in project files"));
    m_test = new QPushButton(tr("Test"), this);
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Provider"), m_provider);
    form->addRow(tr("Model"), m_model);
    form->addRow(tr("Base URL"), m_baseUrl);
    form->addRow(tr("Temperature"), m_temperature);
    form->addRow(tr("Max tokens"), m_maxTokens);
    form->addRow(tr("Concurrency"), m_concurrency);
    form->addRow(tr("Input price / 1M tokens"), m_inputPrice);
    form->addRow(tr("Output price / 1M tokens"), m_outputPrice);
    form->addRow(tr("Key variable"), m_keyEnv);
    form->addRow(tr("API key"), m_key);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_result);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &LMProfileDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_test, &QPushButton::clicked, this, &LMProfileDialog::test);
    connect(m_provider, &QComboBox::currentIndexChanged, this, &LMProfileDialog::updateProvider);
    connect(m_keys, &KeyStore::keyRead, this,
            [this](const QString& profile, const QString& key, const QString&) {
                if (!m_awaitingKey || profile != m_name->text())
                    return;
                m_awaitingKey = false;
                runTest(key);
            });
    connect(m_manager, &RunManager::predictFinished, this, [this](const PredictOutcome& o) {
        if (o.runId != m_testRun)
            return;
        m_testRun.clear();
        m_test->setEnabled(true);
        const bool ok = o.error.isEmpty();
        const QString message =
            ok ? tr("OK in %1 ms: %2").arg(o.elapsedMs).arg(o.prediction.get(u"answer").toString())
               : tr("Failed: %1").arg(o.error);
        m_result->setText(message);
        Q_EMIT testFinished(ok, message);
    });
    connect(m_manager, &RunManager::runFinished, this,
            [this](const QString& id, const QString& status, const QString& error) {
                if (id != m_testRun || status == QLatin1String("finished"))
                    return;
                m_testRun.clear();
                m_test->setEnabled(true);
                const QString message = tr("Failed: %1").arg(error.isEmpty() ? status : error);
                m_result->setText(message);
                Q_EMIT testFinished(false, message);
            });
    setProfile({tr("Simulated"), LMConfig{QString::fromLatin1(MainWindow::kSimulatedModel)}});
}

void LMProfileDialog::updateProvider()
{
    const bool simulated = m_provider->currentData().toString() == QLatin1String("lmsim");
    for (QWidget* w : std::initializer_list<QWidget*>{m_baseUrl, m_keyEnv, m_key})
        w->setEnabled(!simulated);
}

void LMProfileDialog::setProfile(const LMProfile& profile)
{
    m_name->setText(profile.name);
    const QString model = profile.lm.model;
    const qsizetype slash = model.indexOf(u'/');
    const QString provider = slash > 0 ? model.left(slash) : QStringLiteral("openai");
    const int index = m_provider->findData(provider);
    m_provider->setCurrentIndex(index >= 0 ? index : 1);
    m_model->setText(slash > 0 ? model.mid(slash + 1) : model);
    m_baseUrl->setText(profile.lm.apiBase);
    m_temperature->setValue(profile.lm.temperature.value_or(0.0));
    m_maxTokens->setValue(profile.lm.maxTokens.value_or(4000));
    m_concurrency->setValue(profile.lm.maxInFlight);
    m_inputPrice->setValue(profile.price ? profile.price->inputPerMillion
                                         : m_inputPrice->minimum());
    m_outputPrice->setValue(profile.price ? profile.price->outputPerMillion
                                          : m_outputPrice->minimum());
    m_keyEnv->setText(profile.lm.apiKeyEnv);
    updateProvider();
}

Object lmProfileSettings(const LMConfig& lm, const std::optional<ModelPrice>& price)
{
    Object o = lmConfigSettings(lm);
    if (price) {
        Object p{{QStringLiteral("input"), Value(price->inputPerMillion)},
                 {QStringLiteral("output"), Value(price->outputPerMillion)}};
        if (price->cachedInputPerMillion >= 0)
            p.insert(QStringLiteral("cached_input"), Value(price->cachedInputPerMillion));
        o.insert(QStringLiteral("price"), Value(std::move(p)));
    }
    return o;
}

LMConfig lmConfigFromProfile(const Object& settings)
{
    return lmConfigFromSettings(settings);
}

std::optional<ModelPrice> lmPriceFromProfile(const Object& settings)
{
    const Value& p = settings.value(u"price");
    if (!p.isObject())
        return std::nullopt;
    const Object& o = p.toObject();
    ModelPrice price;
    price.inputPerMillion = std::max(0.0, o.value(u"input").toDouble());
    price.outputPerMillion = std::max(0.0, o.value(u"output").toDouble());
    if (o.value(u"cached_input").isNumber())
        price.cachedInputPerMillion = o.value(u"cached_input").toDouble();
    return price;
}

std::shared_ptr<const PriceTable>
profilePrices(const QList<std::pair<LMConfig, std::optional<ModelPrice>>>& profiles)
{
    auto table = std::make_shared<PriceTable>(PriceTable::defaults());
    for (const auto& [lm, price] : profiles) {
        if (price && !lm.model.isEmpty())
            table->set(lm.model, *price);
    }
    return table;
}

LMProfile LMProfileDialog::profile() const
{
    LMProfile p;
    p.name = m_name->text();
    p.lm.model = m_provider->currentData().toString() + u'/' + m_model->text().trimmed();
    p.lm.apiBase = m_baseUrl->text().trimmed();
    p.lm.temperature = m_temperature->value();
    p.lm.maxTokens = m_maxTokens->value();
    p.lm.maxInFlight = m_concurrency->value();
    p.lm.apiKeyEnv = m_keyEnv->text().trimmed();
    // Either price set: the profile has its own (the other side costs nothing).
    if (m_inputPrice->value() >= 0 || m_outputPrice->value() >= 0) {
        ModelPrice price;
        price.inputPerMillion = std::max(0.0, m_inputPrice->value());
        price.outputPerMillion = std::max(0.0, m_outputPrice->value());
        p.price = price;
    }
    return p;
}

QString LMProfileDialog::enteredKey() const
{
    return m_key->text();
}

void LMProfileDialog::setEnteredKey(const QString& key)
{
    m_key->setText(key);
}

QString LMProfileDialog::testResult() const
{
    return m_result->text();
}

void LMProfileDialog::test()
{
    if (!m_testRun.isEmpty())
        return;
    m_test->setEnabled(false);
    m_result->setText(tr("Testing…"));
    if (!m_key->text().isEmpty())
        runTest(m_key->text()); // the key typed in the dialog wins
    else {
        m_awaitingKey = true;
        m_keys->readKey(m_name->text()); // answers through keyRead -> runTest
    }
}

void LMProfileDialog::runTest(const QString& storedKey)
{
    const LMProfile p = profile();
    RunRequest request;
    request.name = tr("Test profile %1").arg(p.name);
    request.program = std::make_shared<Predict>(Signature::fromString(u"question -> answer"));
    request.lm = p.lm;
    request.lm.cache = false;
    if (!storedKey.isEmpty()) {
        // The key reaches the LM through the request only; the profile never holds it.
        QString env = p.lm.apiKeyEnv;
        if (env.isEmpty()) {
            if (const auto info = providerInfo(p.lm.model))
                env = info->defaultKeyEnv;
        }
        if (env.isEmpty())
            env = QStringLiteral("API_KEY");
        request.lm.apiKeyEnv = env;
        auto secrets = std::make_shared<MemorySecretStore>();
        secrets->set(env, storedKey);
        request.secrets = secrets;
    } // else: environment variables (RunRequest's default)
    m_testRun = m_manager->predict(
        request, Example{{QStringLiteral("question"), Value("Reply with the word: hello")}});
}

void LMProfileDialog::accept()
{
    if (!m_key->text().isEmpty())
        m_keys->writeKey(m_name->text(), m_key->text());
    QDialog::accept();
}

} // namespace dspy::ui
