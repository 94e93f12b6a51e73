#pragma once

#include "data/value.h"
#include "lm/lmconfig.h"
#include "lm/pricing.h"
#include "runtime/runmanager.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace dspy::ui {

class KeyStore;

// An LM profile as the workbench keeps it: a name and the LM settings. The API key is not part
// of it: it lives in a KeyStore under the profile's name (or in the environment variable
// lm.apiKeyEnv names).
struct LMProfile
{
    QString name;
    LMConfig lm;
    std::optional<ModelPrice> price; // USD per 1M tokens; none: the default price table's
};

// A profile as project files and settings keep it (ProjectFile's LMProfile::settings): model,
// api_base, api_key_env, temperature, max_tokens, max_in_flight, price ({"input": USD per 1M
// tokens, "output": ...}, PriceTable's shape) — never a key — and back.
Object lmProfileSettings(const LMConfig& lm, const std::optional<ModelPrice>& price = {});
LMConfig lmConfigFromProfile(const Object& settings);
std::optional<ModelPrice> lmPriceFromProfile(const Object& settings);
// PriceTable::defaults() with each profile's own price for its model (a profile wins).
std::shared_ptr<const PriceTable>
profilePrices(const QList<std::pair<LMConfig, std::optional<ModelPrice>>>& profiles);

// Edits one profile: provider, model, base URL, temperature, max tokens, concurrency, the key's
// environment variable and the key itself (written to the KeyStore on accept). "Test" reads the
// key, sends one call through the RunManager and shows the latency and the reply.
class LMProfileDialog final : public QDialog
{
    Q_OBJECT
public:
    LMProfileDialog(RunManager* manager, KeyStore* keys, QWidget* parent = nullptr);

    void setProfile(const LMProfile& profile);
    LMProfile profile() const; // never holds the key
    QString enteredKey() const;
    void setEnteredKey(const QString& key);
    QString testResult() const;

public Q_SLOTS:
    void test();
    void accept() override;

Q_SIGNALS:
    void testFinished(bool ok, const QString& message);

private:
    void runTest(const QString& storedKey);
    void updateProvider();

    RunManager* m_manager;
    KeyStore* m_keys;
    QString m_testRun;
    bool m_awaitingKey = false;
    QLineEdit* m_name = nullptr;
    QComboBox* m_provider = nullptr;
    QLineEdit* m_model = nullptr;
    QLineEdit* m_baseUrl = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QSpinBox* m_concurrency = nullptr;
    QDoubleSpinBox* m_inputPrice = nullptr;
    QDoubleSpinBox* m_outputPrice = nullptr;
    QLineEdit* m_keyEnv = nullptr;
    QLineEdit* m_key = nullptr;
    QPushButton* m_test = nullptr;
    QLabel* m_result = nullptr;
};

} // namespace dspy::ui
