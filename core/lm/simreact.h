#pragma once

// The simulated LM's ReAct skill (docs/lmsim.md §2a), kept apart from the other skills: it answers
// a ReAct agent step (output fields next_thought, next_tool_name, next_tool_args) by choosing a
// tool from the instructions' tool list, and the extract step after it (an input named
// `trajectory` holding observations) by answering from those observations. Deterministic.

#include "lm/simulator.h"

#include <optional>

namespace dspy {

// nullopt: the prompt is neither step, the other skills answer it.
std::optional<SimAnswer> simulateReAct(const SimPrompt& prompt, quint64 seed,
                                       const QString& variant, bool oracle);

} // namespace dspy
