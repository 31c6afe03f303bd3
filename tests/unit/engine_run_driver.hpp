// A scripted driver for unit tests of engine::ScenarioRun (scenario_run.hpp): it answers each
// request of a run from a list of replies and failures and writes every request down as text,
// so a test reads like the dialogue it checks. Scenarios are built from text by the parser.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/scenario_run.hpp"
#include "scenario/scenario_parser.hpp"

namespace engine_test {

using ehlo::engine::Millis;
using ehlo::engine::Received;
using ehlo::engine::ScenarioResult;
using ehlo::engine::ScenarioRun;
using ehlo::engine::Verdict;
using ehlo::wire::WireReply;
namespace engine = ehlo::engine;
namespace scenario = ehlo::scenario;

// A header of five lines at `level`; the steps after it start on line 6.
inline std::string header(std::string_view level = "MUST") {
    return "title:    A test scenario\n"
           "refs:     5321#4.1.4 2920#3.1\n"
           "level:    " +
           std::string(level) +
           "\n"
           "requires: -\n"
           "tags:     sequence test\n";
}

inline scenario::Scenario parse(const std::string& steps, std::string_view level = "MUST") {
    auto result = scenario::parse_scenario(header(level) + steps, "test/run");
    for (const auto& e : result.errors)
        UNSCOPED_INFO(e.line << ": " << e.message);
    REQUIRE(result.ok());
    return result.scenario;
}

inline Received reply(int code, std::vector<std::string> lines) {
    return Received::of(WireReply{code, std::move(lines)});
}

inline const scenario::Variables variables{
    {"client", "client.example"}, {"from", "a@example.test"}, {"rcpt", "b@example.test"}};

// Plays the driver: answers reads from `replies` (a time-out once they run out), fails the
// requests named in `failures` and cuts short the writes named in `cut_short` (once each),
// and writes down every request as text.
struct Driver {
    std::deque<Received> replies;
    std::map<std::string, std::string> failures;
    std::map<std::string, std::string> cut_short;  // writes the server's close cuts short
    std::vector<std::string> replies_waiting;      // writes that find unread replies waiting
    std::vector<std::string> trace;
    Millis now{0};
    double time_scale = 1.0;  // `--time-scale`

    std::string text(const engine::Request& request) {
        if (auto* r = std::get_if<engine::OpenConnection>(&request)) {
            return "open " + std::to_string(r->connection) + (r->implicit_tls ? " tls" : "");
        }
        if (auto* r = std::get_if<engine::WriteBytes>(&request)) {
            return "write " + std::to_string(r->connection) + " " + r->bytes;
        }
        if (auto* r = std::get_if<engine::ReadReply>(&request)) {
            return "read " + std::to_string(r->connection);
        }
        if (auto* r = std::get_if<engine::Handshake>(&request)) {
            return "handshake " + std::to_string(r->connection);
        }
        if (auto* r = std::get_if<engine::Sleep>(&request)) {
            return "sleep " + std::to_string(r->duration.count());
        }
        if (auto* r = std::get_if<engine::CloseConnection>(&request)) {
            return "close " + std::to_string(r->connection);
        }
        return "finished";
    }

    void answer(ScenarioRun& run, const engine::Request& request) {
        const auto failure = failures.find(trace.back());
        if (failure != failures.end()) {
            const std::string why = failure->second;
            failures.erase(failure);
            return run.failed(why, now);
        }
        const auto cut = cut_short.find(trace.back());
        if (cut != cut_short.end()) {
            const std::string why = cut->second;
            cut_short.erase(cut);
            return run.write_cut_short(why, now);
        }
        if (std::holds_alternative<engine::OpenConnection>(request) ||
            std::holds_alternative<engine::Handshake>(request)) {
            return run.connected(now);
        }
        if (std::holds_alternative<engine::WriteBytes>(request)) {
            const bool waiting = std::find(replies_waiting.begin(), replies_waiting.end(),
                                           trace.back()) != replies_waiting.end();
            return run.written(now, waiting);
        }
        if (auto* sleep = std::get_if<engine::Sleep>(&request)) {
            now += sleep->duration;
            return run.waited(now);
        }
        if (std::holds_alternative<engine::CloseConnection>(request)) return run.closed(now);
        Received next = Received::timeout();
        if (!replies.empty()) {
            next = replies.front();
            replies.pop_front();
        }
        run.received(next, now);
    }

    ScenarioResult run(const scenario::Scenario& s, scenario::Variables values = variables) {
        ScenarioRun run(s, std::move(values), time_scale);
        for (int i = 0; i < 100000; ++i) {
            now += Millis(1);
            const auto request = run.next(now);
            trace.push_back(text(request));
            if (std::holds_alternative<engine::Finished>(request)) return run.result();
            answer(run, request);
        }
        FAIL("the run does not finish");
        return run.result();
    }
};

using Lines = std::vector<std::string>;

// The log as `connection prefix text`.
inline Lines log_of(const ScenarioResult& result) {
    Lines out;
    for (const auto& line : result.log) {
        out.push_back(std::to_string(line.connection) + " " +
                      std::string(engine::prefix(line.side)) + " " + line.text);
    }
    return out;
}

inline const std::string greeting_and_ehlo =
    "S: 220 *\n"
    "C: EHLO {client}\n"
    "S: 250\n";

}  // namespace engine_test
