#pragma once

// How DSPy renders field values into prompts (dspy/adapters/utils.py: format_field_value,
// translate_field_type, get_field_description_string) and the small Python string functions the
// adapters need to match DSPy byte for byte (str.strip, str.splitlines, textwrap.dedent).

#include "data/value.h"
#include "runtime/expected.h"
#include "signature/field.h"

#include <QString>
#include <QStringList>
#include <QStringView>

namespace dspy {

class Signature;

// format_field_value: a list given to a `str` field becomes the «»-numbered list; dicts and lists
// become compact json.dumps (non-ASCII kept); anything else is Python's str() of the value.
QString formatFieldValue(const TypeSpec& type, const Value& value);

// The «» list of a list value given to a `str` field: "N/A", "«a»", or "[1] «a»\n[2] «b»".
QString formatInputList(const Array& items);

// translate_field_type: "{name}" plus, for typed output fields, 8 spaces and
// "# note: the value you produce " + TypeSpec::outputHint().
QString fieldPlaceholder(const Field& field);

// The suffix DSPy appends to a field in the user reminder: empty for `str`, otherwise
// " (must be formatted as a valid Python int)" with the type's display name.
QString reminderTypeSuffix(const Field& field);

// get_field_description_string: "1. `name` (type): desc" lines (with "\nConstraints: ..." when
// the field has constraints), joined by newlines and stripped.
QString fieldDescriptionList(const QList<Field>& fields);

// DSPy's parse_value for a value that may already be decoded (JSON/XML adapters): `str` fields
// take str() of it, strings go through parseValue, other values through validateValue.
Expected<Value, QString> parseFieldValue(const Value& value, const TypeSpec& type);

// Output fields missing from `fields` that are optional at parse time get their default, or null.
void applyOutputDefaults(const Signature& signature, Object& fields);

// Python's str.strip() (whitespace as str.isspace() sees it).
QString pyStrip(QStringView text);
// Python's str.splitlines() (no keepends): \n, \r\n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029.
QStringList pySplitLines(QStringView text);
// Python's textwrap.dedent: common leading spaces/tabs removed, whitespace-only lines emptied.
QString textwrapDedent(const QString& text);

} // namespace dspy
