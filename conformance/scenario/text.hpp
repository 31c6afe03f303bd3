// Layer: conformance/scenario. Blank-trimming shared by the parts of the scenario parser:
// a scenario line's blanks are spaces and tabs.
#pragma once

#include <string_view>

namespace ehlo::scenario {

/// `s` without its leading spaces and tabs.
inline std::string_view trim_left(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s;
}

/// `s` without its leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view s) {
    s = trim_left(s);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

}  // namespace ehlo::scenario
