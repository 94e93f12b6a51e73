#pragma once

// Signature — an immutable value: ordered input and output fields plus instructions.
// Signature::parse("question, context: list[str] -> answer: int") follows DSPy's grammar and
// reports errors with a character position. Every method that "changes" a signature returns a new
// one.

#include "signature/field.h"

#include <QList>
#include <QSharedDataPointer>
#include <QString>

#include <optional>

namespace dspy {

struct SignatureError
{
    QString message;          // what a user should read, e.g. "Unknown type name 'strr'"
    qsizetype position = -1;  // 0-based character offset into the parsed text (-1: not positional)
    qsizetype length = 0;     // characters the error spans (for underlining)
    QString toString() const; // "position 12: Unknown type name 'strr'"
};

class SignatureData;

class Signature
{
public:
    Signature(); // empty: no fields, default instructions
    Signature(const Signature&);
    Signature& operator=(const Signature&);
    Signature(Signature&&) noexcept;
    Signature& operator=(Signature&&) noexcept;
    ~Signature();

    // DSPy's string grammar. `instructions` empty means the default "Given the fields ..." text.
    // On failure returns nullopt and fills *error (when given).
    static std::optional<Signature> parse(QStringView text, const QString& instructions = {},
                                          SignatureError* error = nullptr);
    // Throws std::invalid_argument with SignatureError::toString() — for code whose signature is a
    // literal.
    static Signature fromString(QStringView text, const QString& instructions = {});
    static Signature fromFields(QList<Field> inputs, QList<Field> outputs,
                                const QString& instructions = {});

    const QList<Field>& inputFields() const;
    const QList<Field>& outputFields() const;
    QList<Field> fields() const; // inputs then outputs
    const Field* field(QStringView name) const;
    QStringList inputNames() const;
    QStringList outputNames() const;

    // inspect.cleandoc of the given instructions, or the default text when none were given.
    QString instructions() const;
    // "Given the fields `a`, `b`, produce the fields `c`."
    QString defaultInstructions() const;
    bool hasCustomInstructions() const;

    // "a, b -> c" (names only, as DSPy's .signature property)
    QString signatureString() const;
    // "a, b: list[str] -> c: int" — re-parseable with types (untyped inputs stay untyped)
    QString toString() const;

    Signature withInstructions(const QString& instructions) const;
    Signature appendInstructions(const QString& text) const; // old + "\n\n" + text
    // Like DSPy, the field-changing methods below carry over the current instructions() text, so
    // default instructions stay those of the original fields ("Given the fields `q`, produce the
    // fields `a`." after prepending "reasoning").
    Signature withUpdatedField(const QString& name, const Field& field) const;
    // index within inputs or outputs by field.isInput; negative counts from the end (-1 = append)
    // Out of range: returns nullopt with an error message.
    std::optional<Signature> insert(int index, const Field& field, QString* error = nullptr) const;
    Signature prepend(const Field& field) const;
    Signature append(const Field& field) const;
    Signature remove(const QString& name) const; // DSPy's delete(): silent when absent

    // DSPy's equals(): instructions and every field's name, type, description and prefix.
    bool equals(const Signature& other) const;

    // The shared data's address. Signature data is never modified once shared (every "change"
    // detaches), so while a cache holds a copy of this Signature, an equal identity means an equal
    // signature. Used to memoise per-signature work such as an adapter's system message.
    const void* identity() const { return d.constData(); }
    bool operator==(const Signature& other) const { return equals(other); }

private:
    explicit Signature(QSharedDataPointer<SignatureData> d);
    Signature withFrozenInstructions() const;
    QSharedDataPointer<SignatureData> d;
};

// Python's inspect.cleandoc: expand tabs (8 columns), drop common indentation of lines after the
// first, strip the first line's leading spaces, drop leading/trailing blank lines.
QString cleandoc(const QString& text);

// One type annotation in the signature grammar ("list[str]", "Optional[int]", "Literal['a']"),
// e.g. for a type column in an editor. Error positions are offsets into `text`.
std::optional<TypeSpec> parseTypeAnnotation(QStringView text, SignatureError* error = nullptr);

} // namespace dspy
