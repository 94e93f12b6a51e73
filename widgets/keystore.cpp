#include "keystore.h"

#include <QTimer>

#ifdef DSPY_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace dspy::ui {

void MemoryKeyStore::readKey(const QString& profile)
{
    // Asynchronous like the keychain, so callers cannot come to rely on an immediate answer.
    QTimer::singleShot(0, this,
                       [this, profile] { Q_EMIT keyRead(profile, m_keys.value(profile), {}); });
}

void MemoryKeyStore::writeKey(const QString& profile, const QString& key)
{
    m_keys.insert(profile, key);
    QTimer::singleShot(0, this, [this, profile] { Q_EMIT keyWritten(profile, true, {}); });
}

#ifdef DSPY_HAVE_QTKEYCHAIN
namespace {

const QString kService = QStringLiteral("dspy-workbench");

class SystemKeyStore final : public KeyStore
{
public:
    using KeyStore::KeyStore;
    void readKey(const QString& profile) override
    {
        auto* job = new QKeychain::ReadPasswordJob(kService, this);
        job->setAutoDelete(true);
        job->setKey(profile);
        connect(job, &QKeychain::Job::finished, this, [this, profile](QKeychain::Job* j) {
            auto* read = static_cast<QKeychain::ReadPasswordJob*>(j);
            const bool ok = read->error() == QKeychain::NoError;
            Q_EMIT keyRead(profile, ok ? read->textData() : QString(),
                           ok || read->error() == QKeychain::EntryNotFound ? QString()
                                                                           : read->errorString());
        });
        job->start();
    }
    void writeKey(const QString& profile, const QString& key) override
    {
        auto* job = new QKeychain::WritePasswordJob(kService, this);
        job->setAutoDelete(true);
        job->setKey(profile);
        job->setTextData(key);
        connect(job, &QKeychain::Job::finished, this, [this, profile](QKeychain::Job* j) {
            Q_EMIT keyWritten(profile, j->error() == QKeychain::NoError, j->errorString());
        });
        job->start();
    }
};

} // namespace

KeyStore* createSystemKeyStore(QObject* parent)
{
    return new SystemKeyStore(parent);
}
#else
KeyStore* createSystemKeyStore(QObject* parent)
{
    return new MemoryKeyStore(parent);
}
#endif

} // namespace dspy::ui
