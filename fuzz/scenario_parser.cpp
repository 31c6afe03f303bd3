// Fuzz target: the parser of `.smtp` scenario files (conformance/scenario), and the pieces of
// its grammar: C: payloads, S: lines and glob patterns.
// Checks: every error points at a line of the text (or one past its end, for what is missing
// at the end); a scenario that parsed has its steps in line order, uses only the known
// variables, and fills them all in when given values for every name; a glob without `*` or
// `\` matches only text equal to it without regard to case.
#include <algorithm>
#include <cctype>
#include <string>

#include "fuzz_input.hpp"
#include "scenario/scenario_parser.hpp"

namespace {

using namespace ehlo::scenario;
using ehlo::fuzz::check;

bool known_variable(std::string_view name) {
    for (std::string_view known : variable_names)
        if (name == known) return true;
    return false;
}

void whole_file(std::string_view text) {
    const ParseResult result = parse_scenario(text, "fuzz/scenario");
    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (const ParseError& error : result.errors) {
        check(error.line >= 0 && error.line <= lines + 1, "an error outside the file");
        check(!error.message.empty(), "an error without a message");
        format_error("fuzz.smtp", error);
    }
    if (!result.ok()) return;
    int previous = 0;
    for (const Step& step : result.scenario.steps) {
        check(step.line >= previous, "steps out of line order");
        previous = step.line;
    }
    Variables values;
    for (const std::string& name : variables_used(result.scenario)) {
        check(known_variable(name), "a scenario uses an unknown variable");
        values[name] = "value";
    }
    for (const Step& step : result.scenario.steps) {
        if (const auto* send = std::get_if<Send>(&step.action))
            check(substitute(send->text, values).missing.empty(), "a variable left unfilled");
    }
}

void pieces(std::string_view text) {
    std::string error;
    if (!parse_send_text(text, error)) check(!error.empty(), "a C: payload refused silently");
    error.clear();
    if (!parse_reply_line(text, false, error)) check(!error.empty(), "an S: line refused silently");
    error.clear();
    parse_reply_line(text, true, error);
    is_ehlo_keyword(text);
}

void globs(std::string_view input) {
    const std::size_t cut = input.find('\n');
    const std::string_view pattern = input.substr(0, cut);
    const std::string_view text = cut == std::string_view::npos ? "" : input.substr(cut + 1);
    const bool matched = glob_match(pattern, text);
    if (pattern.find_first_of("*\\") == std::string_view::npos) {
        bool equal = pattern.size() == text.size();
        for (std::size_t i = 0; equal && i < text.size(); ++i)
            equal = std::tolower(static_cast<unsigned char>(pattern[i])) ==
                    std::tolower(static_cast<unsigned char>(text[i]));
        check(matched == equal, "a glob without wildcards is not an equality");
    }
    if (pattern == "*") check(matched, "* did not match everything");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = ehlo::fuzz::as_text(data, size);
    switch (ehlo::fuzz::take_settings(text) % 4) {
        case 1:
            pieces(text);
            break;
        case 2:
            globs(text);
            break;
        default:
            whole_file(text);
            break;
    }
    return 0;
}
