#pragma once

// Writes the C++ header for a typed signature (see core/modules/typedpredict.h).

#include "signature/signature.h"

#include <QString>

namespace dspy::codegen {

// The C++ member type for a field type: str -> QString, int -> qint64, float -> double,
// bool -> bool, list[str] -> QStringList, list[T] -> QList<T>, Optional[T] -> std::optional<T>,
// anything else -> dspy::Value.
QString cppType(const TypeSpec& type);
// A field name usable as a C++ member: C++ keywords get a trailing underscore.
QString memberName(const QString& fieldName);
// The whole header. `signatureText` and `instructions` are embedded as given.
QString generateHeader(const QString& structName, const QString& signatureText,
                       const QString& instructions, const Signature& signature);
bool isIdentifier(const QString& name);

} // namespace dspy::codegen
