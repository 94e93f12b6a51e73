#pragma once

// dspy::Value — a JSON value with Python's semantics, the currency of every field in DSPy.
//
// Why not QJsonValue: DSPy's prompts are byte-identical only if dict keys keep their insertion
// order (Python dicts do, QJsonObject sorts them) and ints stay distinct from floats (Python prints
// 3.0, not 3). Value keeps both, and renders itself the ways Python does: json.dumps (compact or
// indented, ensure_ascii on or off), str() and repr().

#include <QJsonValue>
#include <QList>
#include <QSharedDataPointer>
#include <QString>
#include <QStringView>

#include <optional>
#include <utility>

namespace dspy {

class Value;

// An insertion-ordered string -> Value map (a Python dict with string keys).
class Object
{
public:
    using Entry = std::pair<QString, Value>;

    Object() = default;
    Object(std::initializer_list<Entry> entries);

    qsizetype size() const { return m_entries.size(); }
    bool isEmpty() const { return m_entries.isEmpty(); }
    bool contains(QStringView key) const { return indexOf(key) >= 0; }
    bool contains(const QString& key) const { return indexOf(key) >= 0; }
    qsizetype indexOf(QStringView key) const;

    // Missing keys read as a null Value (use contains() to tell them apart).
    const Value& value(QStringView key) const;
    const Value& value(const QString& key) const { return value(QStringView(key)); }
    const Value& operator[](const QString& key) const { return value(key); }
    // Inserts at the end, or replaces in place (keeping the position), like a Python dict.
    void insert(const QString& key, Value v);
    Value& operator[](const QString& key); // inserts a null when missing
    bool remove(QStringView key);
    bool remove(const QString& key) { return remove(QStringView(key)); }
    QStringList keys() const;

    const QList<Entry>& entries() const { return m_entries; }
    auto begin() const { return m_entries.cbegin(); }
    auto end() const { return m_entries.cend(); }

    // Python dict equality: same keys with equal values, order ignored.
    bool operator==(const Object& other) const;

private:
    QList<Entry> m_entries;
};

using Array = QList<Value>;

// How json.dumps is called.
struct JsonStyle
{
    int indent = -1; // -1: single line; >= 0: that many spaces per level (json.dumps indent=)
    bool ensureAscii = true; // Python's default; DSPy passes ensure_ascii=False in most places
    bool sortKeys = false;
};

class Value
{
public:
    enum class Type { Null, Bool, Int, Float, String, Array, Object };

    Value() = default; // null (Python None)
    Value(std::nullptr_t) {}
    Value(bool b);
    Value(int i);
    Value(qint64 i);
    Value(double d);
    Value(const char* s); // UTF-8
    Value(const QString& s);
    Value(QString&& s);
    Value(Array a);
    Value(Object o);

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isInt() const { return m_type == Type::Int; }
    bool isFloat() const { return m_type == Type::Float; }
    bool isNumber() const { return m_type == Type::Int || m_type == Type::Float; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }

    bool toBool() const { return m_type == Type::Bool && m_bool; }
    qint64 toInt() const;            // Int, or a Float truncated; 0 otherwise
    double toDouble() const;         // Int or Float; 0 otherwise
    const QString& toString() const; // the string, or an empty string for other types
    const Array& toArray() const;
    const Object& toObject() const;

    // Python truthiness: None, False, 0, 0.0, "", [] and {} are false.
    bool truthy() const;

    // json.dumps(value, ...). Floats as Python's repr ("3.0", "1e-05", "NaN", "Infinity").
    QString toJson(JsonStyle style = {}) const;
    // str(value): strings bare, True/False/None, floats as repr, lists/dicts as their Python repr.
    QString toPythonStr() const;
    // repr(value): like str() but strings quoted the way Python quotes them ('a', "it's").
    QString toPythonRepr() const;

    // Strict JSON (RFC 8259, plus NaN/Infinity/-Infinity like Python's json.loads). Ints that fit
    // qint64 stay ints; "3.0" stays a float. Object keys keep their order; a duplicate key keeps
    // the last value at the first key's position (as Python's dict does).
    static std::optional<Value> fromJson(QStringView text, QString* error = nullptr,
                                         qsizetype* errorOffset = nullptr);

    QJsonValue toQJsonValue() const; // object keys sorted (QJsonObject cannot keep order)
    static Value fromQJsonValue(const QJsonValue& v);

    // Python ==: 1 == 1.0 == True; dicts compare without order.
    bool operator==(const Value& other) const;

private:
    Type m_type = Type::Null;
    bool m_bool = false;
    qint64 m_int = 0;
    double m_double = 0.0;
    QString m_string;
    QSharedPointer<Array> m_array; // shared, copy-on-write by replacement
    QSharedPointer<Object> m_object;
};

// Python's repr of a float: shortest round-trip digits, "3.0", "1e-05", "1e+16", "inf", "nan".
QString pythonFloatRepr(double d);
// Python's repr of a str: single quotes unless the text contains ' and no ", escapes as Python
// does.
QString pythonStrRepr(const QString& s);

} // namespace dspy
