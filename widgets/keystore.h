#pragma once

#include <QHash>
#include <QObject>

#include <optional>

namespace dspy::ui {

// Where the workbench keeps API keys: never in project files, settings, traces or logs. Reads and
// writes are asynchronous (the OS keychain answers over D-Bus); answers come as signals.
class KeyStore : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void readKey(const QString& profile) = 0;
    virtual void writeKey(const QString& profile, const QString& key) = 0;

Q_SIGNALS:
    // key is empty when the store holds none for the profile (or cannot be reached).
    void keyRead(const QString& profile, const QString& key, const QString& error);
    void keyWritten(const QString& profile, bool ok, const QString& error);
};

// Keys for this session only (and for tests): nothing leaves the process.
class MemoryKeyStore final : public KeyStore
{
    Q_OBJECT
public:
    using KeyStore::KeyStore;
    void readKey(const QString& profile) override;
    void writeKey(const QString& profile, const QString& key) override;

private:
    QHash<QString, QString> m_keys;
};

// The OS keychain through QtKeychain (service "dspy-workbench"); where no keychain service runs
// the jobs fail and readKey() reports the error with an empty key, so the caller falls back to
// the profile's environment variable. Without QtKeychain at build time: a MemoryKeyStore.
KeyStore* createSystemKeyStore(QObject* parent);

} // namespace dspy::ui
