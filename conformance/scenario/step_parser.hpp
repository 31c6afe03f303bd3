// Layer: conformance/scenario. The part of the scenario parser that reads the steps, one line
// at a time, and checks their order: pipelined `C>` queues, multi-line replies, repeat blocks,
// connections, TLS steps. Used by scenario_parser.cpp only; the header fields are read there.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario_parser.hpp"

namespace ehlo::scenario {

/// Reads step lines into `steps`, reporting into `errors`.
class StepParser {
  public:
    StepParser(std::vector<Step>& steps, std::vector<ParseError>& errors)
        : steps_(steps), errors_(errors) {}

    /// One step line (already known not to be blank, a comment or a header field).
    void line(int number, std::string_view text);
    /// The checks that need the whole file.
    void finish();

  private:
    // One connection's state, for the order checks.
    struct ConnectionState {
        int steps = 0;        ///< steps so far on it
        int closed_line = 0;  ///< where it was closed, or 0
    };

    void step(int number, std::string_view text, bool repeated);
    void send(int number, Send::Mode mode, std::string_view payload);
    void expect(int number, std::string_view payload, bool repeated);
    void continue_multiline(int number, std::string_view payload);
    void wait(int number, std::string_view argument);
    void tls(int number, bool implicit);
    void connection(int number, std::string_view argument);
    void repeat_begin(int number, std::string_view argument);
    void repeat_end(int number);
    bool repeated_line(int number, std::string_view text);

    bool check_not_pending(int number);
    bool check_open(int number);
    void add(int number, Action action);
    void error(int number, std::string message);

    std::vector<Step>& steps_;
    std::vector<ParseError>& errors_;
    std::map<int, ConnectionState> connections_{{1, {}}};
    int current_ = 1;
    int queued_line_ = 0;     ///< the last `C>` not yet sent by an `S:`, or 0
    int repeat_line_ = 0;     ///< the open `repeat N`, or 0
    int multiline_line_ = 0;  ///< the open multi-line `S:`, or 0
    std::size_t multiline_step_ = 0;
    std::size_t repeat_errors_ = 0;  ///< errors before the open repeat's first step
};

}  // namespace ehlo::scenario
