// Layer: conformance/scenario. Reads the steps of a client scenario (`role: client`,
// docs/scenario-format.md, "Client scenarios"), one line at a time, and checks their order:
// `S:` and `S~` lines ehlo-check sends, `C:` lines the client must send, `silent`, `data`,
// `chunk`, `wait`, `tls`, `starttls`, `close` and repeats. Used by scenario_parser.cpp, which
// reads the header; the grammar of one payload is shared with the server's steps
// (syntax_pieces.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/client_script.hpp"
#include "scenario/scenario_parser.hpp"

namespace ehlo::scenario {

/// Reads client step lines into `steps`, reporting into `errors`.
class ClientStepParser {
  public:
    ClientStepParser(std::vector<ClientStep>& steps, std::vector<ParseError>& errors)
        : steps_(steps), errors_(errors) {}

    /// One step line (already known not to be blank, a comment or a header field).
    void line(int number, std::string_view text);
    /// The checks that need the whole file.
    void finish();

  private:
    void label(int number, std::string_view name);
    void step(int number, std::string_view text);
    void reply(int number, bool raw, std::string_view payload);
    void command(int number, std::string_view payload);
    void duration_step(int number, std::string_view word, std::string_view argument);
    void word_step(int number, std::string_view word);
    void tls(int number, bool implicit);
    void repeat_begin(int number, std::string_view argument);
    void repeat_end(int number);
    bool repeated_line(int number, std::string_view text);
    bool check_open(int number);
    void add(int number, ClientAction action);
    void error(int number, std::string message);

    std::vector<ClientStep>& steps_;
    std::vector<ParseError>& errors_;
    int closed_line_ = 0;     ///< the step after which the connection is over, or 0
    int repeat_line_ = 0;     ///< the open `repeat N`, or 0
    bool bdat_read_ = false;  ///< the last `C:` reads a BDAT line, so `chunk` may follow
    bool any_step_ = false;   ///< a step other than a repeat's bounds was added
    std::vector<std::pair<std::string, int>> labels_;  ///< each `@NAME` and its line
    std::vector<std::pair<std::string, int>> jumps_;   ///< each `-> NAME` and its line
};

/// One `C:` payload of a client scenario: alternatives of glob patterns or `<close>`, each
/// with an optional `=> VERDICT`; the patterns may hold the client variables.
std::optional<Command> parse_command_line(std::string_view payload, std::string& error);

}  // namespace ehlo::scenario
