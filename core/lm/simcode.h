#pragma once

// The simulator's code-writing skill (docs/lmsim.md), for ProgramOfThought's prompts: a prompt
// whose output is `generated_code` gets JavaScript that computes the arithmetic word problem step
// by step and calls SUBMIT({...}); a prompt with `code_output` and `final_generated_code` inputs
// gets its outputs read from that output. Internal to the simulator.

#include "lm/simulator.h"

#include <optional>

namespace dspy {

// The simulator's arithmetic reading of a problem (simulator.cpp): the result and its steps,
// each "a op b = r" with op one of + - × ÷.
struct SimArithmetic
{
    std::optional<double> result;
    QStringList steps;
};
SimArithmetic simReadArithmetic(const QString& text);

// The skill's answer, or nullopt when the prompt is not one of ProgramOfThought's (or the problem
// cannot be read). `mainInput` is the input the task is about.
std::optional<SimAnswer> simCodeAnswer(const SimPrompt& prompt, const QString& mainInput);

} // namespace dspy
