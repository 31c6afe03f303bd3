// Layer: conformance/scenario. Small text helpers shared by the runner: blank-trimming (a
// scenario line's blanks are spaces and tabs) and ASCII upper case (verbs, EHLO keywords and
// RFC 2119 words compare without case).
#pragma once

#include <cctype>
#include <string>
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

/// `s` in ASCII upper case.
inline std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace ehlo::scenario
