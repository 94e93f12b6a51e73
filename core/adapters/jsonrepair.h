#pragma once

// Lenient readers for the JSON and Python literals that LMs write.
//
// repairJson mirrors the Python `json_repair.loads` that DSPy's parse_value and JSONAdapter rely
// on: strict JSON first, then a forgiving scan that tolerates single quotes, unquoted keys,
// trailing commas, comments, code fences, missing closing quotes/brackets and prose around the
// value. pythonLiteral is `ast.literal_eval` restricted to the literal forms an LM produces.

#include "data/value.h"

#include <QStringView>

#include <optional>

namespace dspy {

// json_repair.loads: never fails; returns the repaired Value ("" string when nothing usable).
// When several top-level values are found they come back as an array, except that a value with
// the same shape as the one before it replaces it (json_repair treats it as an update).
Value repairJson(QStringView text);

// ast.literal_eval over Python literals (True/False/None, 'single' "double" quoted strings with
// Python escapes, ints, floats, -x, lists, tuples (as arrays), dicts, sets (as arrays));
// nullopt if the text is not exactly one literal.
std::optional<Value> pythonLiteral(QStringView text);

} // namespace dspy
