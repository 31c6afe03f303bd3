// Layer: conformance/scenario. The model of one scenario file (docs/scenario-format.md): its header
// (title, refs, level, requires, tags) and its steps, in the `C:`/`S:` notation of the examples
// of RFC 5321 §D. The grammar is fixed in docs/scenario-format.md; parsing is in
// scenario_parser.hpp. Running steps, matching live replies and judging is the engine's job;
// this file only gives it the pure helpers it needs (variables, glob patterns, verdict rule).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scenario/client_script.hpp"
#include "scenario/step_types.hpp"

namespace ehlo::scenario {

/// A catalog row a scenario cites (`requirements:`), as the catalog gives it (catalog.hpp).
struct CitedRequirement {
    std::string id;                ///< `5321-4.1.4-c`
    std::string keyword;           ///< `MUST`, `SHOULD`, ...
    std::string binds;             ///< `server`, `client`, `both` or `relay`
    std::string summary;           ///< the statement, in our own words
    Level allows = Level::should;  ///< the strongest level a broken expectation may reach
    friend bool operator==(const CitedRequirement&, const CitedRequirement&) = default;
};

/// One scenario. `id` is the file's path under scenarios/ without `.smtp`.
struct Scenario {
    std::string id;
    std::string title;
    std::vector<Ref> refs;
    /// The ids of the catalog rows the scenario tests (`requirements:`), as written.
    std::vector<std::string> requirements;
    /// Those rows as the catalog gives them, once `apply_catalog` ran (catalog.hpp).
    std::vector<CitedRequirement> cited;
    /// The strongest level the cited rows allow; `must` until `apply_catalog` ran, so a
    /// scenario read on its own is judged by its `level:` alone.
    Level ceiling = Level::must;
    Level level = Level::must;
    std::vector<std::string> requires_keywords;  ///< EHLO keywords, upper case; empty for `-`
    std::vector<std::string> tags;
    std::vector<Step> steps;
    /// Which side the scenario judges (`role:`); for `client`, `client` holds its steps and
    /// `steps` is empty.
    Role role = Role::server;
    ClientScript client;
    /// For a client scenario, once `apply_catalog` ran: the rows of the checks every client
    /// gets (client_checks.hpp). They decide those checks' verdicts, not the scenario's ceiling.
    std::vector<CitedRequirement> check_rows;
};

/// The values of the variables, by name.
using Variables = std::map<std::string, std::string, std::less<>>;

/// The bytes of `text` with its variables filled in from `values`, and the names that
/// `values` lacks (the bytes are then incomplete and must not be sent).
struct Substituted {
    std::string bytes;
    std::vector<std::string> missing;
};
Substituted substitute(const Text& text, const Variables& values);

/// Every variable the scenario's steps use, each once, in order of first use.
std::vector<std::string> variables_used(const Scenario& scenario);

/// Whether `text` fits the glob `pattern`: `*` any run of characters, `\*` and `\\` a literal
/// star and backslash; letters compare without case.
bool glob_match(std::string_view pattern, std::string_view text);

/// What an unmatched reply or a `=> FAIL` is worth at `level`: MUST gives FAIL, SHOULD gives
/// WARN, MAY and INFO give INFO.
Verdict broken_verdict(Level level);

std::string_view to_string(Level level);
std::string_view to_string(Verdict verdict);

}  // namespace ehlo::scenario
