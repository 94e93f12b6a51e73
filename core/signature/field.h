#pragma once

#include "signature/typespec.h"

#include <QString>

namespace dspy {

// One signature field. `description` empty means "no description" (DSPy's "${name}" sentinel);
// `prefix` defaults to inferPrefix(name) + ":" and is saved/loaded but rendered by no adapter.
struct Field
{
    QString name;
    TypeSpec type;
    QString description;
    QString prefix;
    bool isInput = true;
    bool typeUndefined = false; // untyped in the string (`question`): str, no type-mismatch warning
    // Output fields with a default are optional at parse time; inputs with a default are filled.
    std::optional<Value> defaultValue;
    QString constraints; // DSPy's "greater than: 0, ..." line content; empty when none

    // DSPy's json_schema_extra "desc" as saved in program JSON: the description or "${name}".
    QString savedDescription() const;
    // Optional at parse time: has a default or admits None.
    bool isOptionalOutput() const { return defaultValue.has_value() || type.admitsNone(); }

    bool operator==(const Field& o) const;
};

// DSPy's infer_prefix: "question" -> "Question", "text2number" -> "Text 2 Number",
// "someHTTPField" -> "Some HTTP Field", "snake_case_name" -> "Snake Case Name".
QString inferPrefix(const QString& name);

Field makeInputField(QString name, TypeSpec type = {}, QString description = {});
Field makeOutputField(QString name, TypeSpec type = {}, QString description = {});

} // namespace dspy
