// Layer: conformance/scenario. Pieces of the payload grammar (docs/scenario-format.md) that
// both sides' steps use: the `|` between alternatives, a trailing `=> VERDICT`, and the
// backslashes of a text pattern. Defined in scenario_syntax.cpp; used by the step parsers only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace ehlo::scenario {

/// `payload` split at each `|` that no backslash escapes, each part trimmed.
std::vector<std::string_view> split_alternatives(std::string_view payload);

/// Takes a trailing `=> VERDICT` off `body`; `given` says whether there was one. False, with
/// `error` set, for an unknown verdict word.
bool take_verdict(std::string_view& body, Verdict& verdict, bool& given, std::string& error);

/// A text pattern for glob_match: a backslash keeps its meaning only before `*` and `\`.
std::string unescape_pattern(std::string_view text);

/// The most a repeat may run its steps.
inline constexpr int max_repeat = 10000;

/// A whole number of at most `digits` digits, or -1.
int parse_number(std::string_view text, std::size_t digits);

/// `N x STEP` on one line: the count and the step, or nothing when `text` is not of that
/// shape. Why the count is refused (out of range, or inside the repeat opened on
/// `open_repeat_line`), when it is, is in `problem`.
struct RepeatedStep {
    int count = 0;
    std::string_view step;
    std::string problem;
};
std::optional<RepeatedStep> repeated_step(std::string_view text, int open_repeat_line);

/// A duration such as `2s` or `500ms`, from 1 ms to 600 s, in milliseconds; -1 otherwise.
int parse_duration_ms(std::string_view text);

}  // namespace ehlo::scenario
