// Layer: conformance/scenario. The parser of `.smtp` scenario files, after the
// grammar in docs/scenario-format.md. It never guesses: a line it cannot read exactly is an
// error, reported as `file:line: what is wrong`, and it goes on to report the other lines.
// Reading live replies and running the steps is left to the engine.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace ehlo::scenario {

/// One thing wrong with a scenario file, at a line (counted from 1).
struct ParseError {
    int line = 0;
    std::string message;
    friend bool operator==(const ParseError&, const ParseError&) = default;
};

/// A scenario, meaningful only when `errors` is empty.
struct ParseResult {
    Scenario scenario;
    std::vector<ParseError> errors;
    bool ok() const { return errors.empty(); }
};

/// Parses the text of one scenario file; `id` becomes the scenario's id.
ParseResult parse_scenario(std::string_view text, std::string id);

/// `file:line: message`, the form compilers use, so editors jump to the line.
std::string format_error(std::string_view file, const ParseError& error);

/// The id of the scenario in `file` under the suite's `root`: the relative path with `/`
/// separators and without `.smtp` (`rfc5321/4.1.4/rcpt-before-mail`).
std::string scenario_id(const std::filesystem::path& root, const std::filesystem::path& file);

/// A scenario read from disk, or the formatted errors (`file:line: what`).
struct LoadResult {
    Scenario scenario;
    std::vector<std::string> errors;
    bool ok() const { return errors.empty(); }
};

/// Reads and parses `file`, a scenario under `root`.
LoadResult load_scenario(const std::filesystem::path& root, const std::filesystem::path& file);

/// Every `.smtp` file under `root`, sorted by path.
std::vector<std::filesystem::path> find_scenario_files(const std::filesystem::path& root);

// The pieces of the grammar, public so each can be tested on its own. On failure they return
// nothing and set `error` to the message (without file and line).

/// The payload of a `C:`, `C~` or `C>` line: escapes `\r \n \t \\ \xHH`, variables `{name}`.
std::optional<Text> parse_send_text(std::string_view payload, std::string& error);

/// The same with the variables `names` allows (`client_variable_names` in a client scenario).
std::optional<Text> parse_text(std::string_view payload, std::span<const std::string_view> names,
                               std::string& error);

/// One `S:` line. `continues` is set when it is a non-final line of a multi-line reply
/// (`250-text`). Such a line, and every line with `in_multiline` set (the lines after one),
/// holds one alternative with one text pattern and no enhanced code or keyword checks.
struct ReplyLine {
    Expect expect;
    bool continues = false;
};
std::optional<ReplyLine> parse_reply_line(std::string_view payload, bool in_multiline,
                                          std::string& error);

/// Whether `word` is an EHLO keyword: a letter or digit, then letters, digits and `-`
/// (RFC 5321 §4.1.1.1).
bool is_ehlo_keyword(std::string_view word);

/// Whether `word` may stand in `requires`: an EHLO keyword, or a keyword, `=` and one of its
/// parameters (`AUTH=PLAIN`: the AUTH line lists PLAIN; `LIMITS=RCPTMAX`: the LIMITS line has a
/// parameter RCPTMAX=...), the parameter being printable ASCII without `=` or blanks
/// (RFC 5321 §4.1.1.1 ehlo-param).
bool is_requirement_of_target(std::string_view word);

/// Whether `word` looks like a catalog row id: an RFC number, `-`, a section, `-`, letters
/// (`5321-4.1.4-c`, `5321-D.1-a`).
bool is_requirement_id(std::string_view word);

}  // namespace ehlo::scenario
