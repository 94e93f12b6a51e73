#pragma once

// DSPy's parse_value(value, annotation) and the pydantic lax-mode validation behind it: how the
// text of one output field becomes a typed Value (dspy.md §2.8).

#include "data/value.h"
#include "runtime/expected.h"
#include "signature/typespec.h"

#include <QString>

namespace dspy {

// DSPy's parse_value(value, annotation) (dspy.md §2.8): the typed value, or the error message.
Expected<Value, QString> parseValue(const QString& text, const TypeSpec& type);

// pydantic v2 lax-mode validation of an already-decoded value against the type.
Expected<Value, QString> validateValue(const Value& value, const TypeSpec& type);

} // namespace dspy
