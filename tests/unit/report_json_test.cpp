// The JSON report (`--json`): written, parsed back with nlohmann_json, and checked field by
// field against the run it came from, for every verdict, and a judged client's two fields.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "report/report.hpp"
#include "report_sample.hpp"

namespace report = ehlo::report;
using nlohmann::json;

namespace {

json written(const ehlo::engine::RunResult& run) {
    std::ostringstream out;
    report::write_json(out, run);
    return json::parse(out.str());  // throws, and fails the test, on invalid JSON or UTF-8
}

const json& scenario(const json& document, const std::string& id) {
    for (const auto& item : document.at("scenarios"))
        if (item.at("id") == id) return item;
    FAIL("no scenario " << id);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("JSON: the run's header, discovery and tally", "[report]") {
    const json document = written(report_sample::sample_run());
    CHECK(document.at("format_version") == 1);
    CHECK(document.at("target") == "127.0.0.1:2525");
    CHECK(document.at("tool_version") == "0.1.0");
    CHECK(document.at("started_at") == "2026-11-22T05:00:00Z");
    CHECK(document.at("duration_ms") == 3250);
    CHECK(document.at("discovery").at("greeting") == "220 mx.example.test ESMTP");
    CHECK(document.at("discovery").at("keywords") ==
          json::array({"PIPELINING", "8BITMIME", "STARTTLS"}));
    CHECK(document.at("discovery").at("keywords_after_tls") ==
          json::array({"PIPELINING", "8BITMIME"}));
    const json& tally = document.at("tally");
    for (const char* verdict : {"PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"})
        CHECK(tally.at(verdict) == 1);
    CHECK(tally.at("total") == 6);
}

TEST_CASE("JSON: the time scale is written only when it is not 1", "[report]") {
    auto run = report_sample::sample_run();
    CHECK_FALSE(written(run).contains("time_scale"));
    run.time_scale = 0.01;
    CHECK(written(run).at("time_scale") == 0.01);
}

TEST_CASE("JSON: what was not run, by reason", "[report]") {
    auto run = report_sample::sample_run();
    CHECK(written(run).at("not_run") == json::array());
    run.not_run = {{212, "skipped", "need --rcpt"}, {6, "not selected", "tagged slow, add --slow"}};
    const json groups = written(run).at("not_run");
    REQUIRE(groups.size() == 2);
    CHECK(groups[0] == json{{"count", 212}, {"kind", "skipped"}, {"reason", "need --rcpt"}});
    CHECK(groups[1].at("reason") == "tagged slow, add --slow");
}

TEST_CASE("JSON: scenarios in id order, every verdict", "[report]") {
    const json document = written(report_sample::sample_run());
    std::vector<std::string> ids, verdicts;
    for (const auto& item : document.at("scenarios")) {
        ids.push_back(item.at("id"));
        verdicts.push_back(item.at("verdict"));
    }
    CHECK(ids == std::vector<std::string>{"rfc3030/chunking", "rfc3207/starttls-handshake",
                                          "rfc5321/4.1.1.10/quit", "rfc5321/4.1.1.9/noop-argument",
                                          "rfc5321/4.1.4/rcpt-before-mail",
                                          "rfc5321/4.5.3.1/line-length"});
    CHECK(verdicts == std::vector<std::string>{"SKIP", "ERROR", "PASS", "WARN", "FAIL", "INFO"});
    CHECK(scenario(document, "rfc3030/chunking").at("log").empty());
    CHECK(scenario(document, "rfc5321/4.1.1.10/quit").at("reason") == "");
    CHECK(scenario(document, "rfc5321/4.5.3.1/line-length").at("level") == "INFO");
    CHECK(scenario(document, "rfc5321/4.1.1.9/noop-argument").at("level") == "SHOULD");
}

TEST_CASE("JSON: a FAIL with its evidence, escaped", "[report]") {
    const json document = written(report_sample::sample_run());
    const json& fail = scenario(document, "rfc5321/4.1.4/rcpt-before-mail");
    CHECK(fail.at("title") == "Title of rfc5321/4.1.4/rcpt-before-mail");
    CHECK(fail.at("refs") == json::array({"5321#4.1.4", "5321#4.3.2"}));
    CHECK(fail.at("level") == "MUST");
    CHECK(fail.at("tags") == json::array({"sequence"}));
    CHECK(fail.at("reason") == "RCPT before MAIL answered 250 <ok> & \"done\"");
    CHECK(fail.at("decisive_line") == 14);
    CHECK(fail.at("explanation") == "expected: 503 | 5xx\nreceived: 250 2.1.5 <a@b> & \"q\"");
    CHECK(fail.at("duration_ms") == 12);
    const json& log = fail.at("log");
    REQUIRE(log.size() == 8);
    CHECK(log[0] == json{{"at_ms", 0},
                         {"connection", 1},
                         {"side", "note"},
                         {"text", "connected to 127.0.0.1:2525"},
                         {"step_line", 0}});
    CHECK(log[4].at("side") == "client");
    CHECK(log[5].at("side") == "server");
    CHECK(log[5].at("step_line") == 14);
    CHECK(log[5].at("text") == "250 2.1.5 <a@b> & \"q\"\\x01\\x1b[31m");
    CHECK(log[7].at("text") == "221 bye \\xff");
}

TEST_CASE("JSON: no raw control byte reaches the file", "[report]") {
    std::ostringstream out;
    report::write_json(out, report_sample::sample_run());
    const std::string text = out.str();
    CHECK(report_sample::control_bytes(text) == 0);
    CHECK(text.find("\\\\x01") != std::string::npos);  // the escape, itself JSON-escaped
}

TEST_CASE("JSON: an empty run is still a whole document", "[report]") {
    const json document = written(ehlo::engine::RunResult{});
    CHECK(document.at("scenarios").empty());
    CHECK(document.at("tally").at("total") == 0);
    CHECK(document.at("discovery").at("keywords").empty());
}

TEST_CASE("JSON: a client's exit and output, escaped", "[report]") {
    const json document = written(report_sample::client_run());
    CHECK(document.at("target") == "client: swaks --to {rcpt}");
    const json& fail = scenario(document, "client/rfc5321/4.5.2/dot-stuffing");
    CHECK(fail.at("client_status") == "exit 1");
    const std::string output = fail.at("client_output");
    CHECK(output.rfind("client line 1\nclient line 2\n", 0) == 0);  // all of it, LF kept
    CHECK(output.ends_with("client line 24\n<- 554 5.6.0 <a@b> & \"q\"\\x1b[31m \\xff\n"));
    const json& pass = scenario(document, "client/rfc5321/4.1.1.10/quit");
    CHECK(pass.at("client_status") == "exit 0");
    CHECK(pass.at("client_output") == "message sent\n");
    const json& error = scenario(document, "client/rfc5321/4.3.1/waits");
    CHECK(error.at("client_status") == "killed by ehlo-check: it had not exited");
    CHECK(error.at("client_output") == "");
    std::ostringstream out;
    report::write_json(out, report_sample::client_run());
    CHECK(report_sample::control_bytes(out.str()) == 0);
}

TEST_CASE("JSON: a server scenario has both client fields, empty", "[report]") {
    const json document = written(report_sample::sample_run());
    REQUIRE(document.at("scenarios").size() == 6);
    for (const auto& item : document.at("scenarios")) {
        CHECK(item.at("client_status") == "");
        CHECK(item.at("client_output") == "");
    }
}
