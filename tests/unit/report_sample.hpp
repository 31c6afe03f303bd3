// A run made by hand for the report tests: one scenario of each verdict, given out of id order,
// with text that every format must escape (<>&", control bytes, a byte that is not UTF-8) in
// the log, the reason and the explanation; and a run that judged a client, with its exit status
// and what it printed.
#pragma once

#include <chrono>
#include <string>

#include "engine/result.hpp"

namespace report_sample {

using ehlo::engine::LogLine;
using ehlo::engine::RunResult;
using ehlo::engine::ScenarioResult;
using ehlo::engine::Verdict;
using ehlo::scenario::Level;
using ehlo::scenario::Ref;
using std::chrono::milliseconds;

/// A log line of connection 1.
inline LogLine line(int at, LogLine::Side side, std::string text, int step_line) {
    return LogLine{milliseconds(at), 1, side, std::move(text), step_line};
}

inline ScenarioResult result(std::string id, Verdict verdict, Level level, std::vector<Ref> refs) {
    ScenarioResult out;
    out.id = std::move(id);
    out.title = "Title of " + out.id;
    out.refs = std::move(refs);
    out.level = level;
    out.verdict = verdict;
    out.duration = milliseconds(12);
    out.log = {line(0, LogLine::Side::note, "connected to 127.0.0.1:2525", 0),
               line(3, LogLine::Side::server, "220 mx.example.test ESMTP", 9),
               line(4, LogLine::Side::client, "EHLO client.example", 10),
               line(6, LogLine::Side::server, "250 mx.example.test", 11)};
    return out;
}

/// The decisive step of the FAIL: RCPT before MAIL, answered 250, with bytes to escape.
inline ScenarioResult failing() {
    auto out = result("rfc5321/4.1.4/rcpt-before-mail", Verdict::fail, Level::must,
                      {Ref{5321, "4.1.4"}, Ref{5321, "4.3.2"}});
    out.reason = "RCPT before MAIL answered 250 <ok> & \"done\"";
    out.decisive_line = 14;
    out.explanation = "expected: 503 | 5xx\nreceived: 250 2.1.5 <a@b> & \"q\"";
    out.tags = {"sequence"};
    out.log.push_back(line(8, LogLine::Side::client, "RCPT TO:<a@b.example>", 13));
    out.log.push_back(line(9, LogLine::Side::server, "250 2.1.5 <a@b> & \"q\"\x01\x1b[31m", 14));
    out.log.push_back(line(10, LogLine::Side::client, "QUIT", 15));
    out.log.push_back(line(11, LogLine::Side::server, "221 bye \xff", 16));
    return out;
}

inline ScenarioResult warning() {
    auto out = result("rfc5321/4.1.1.9/noop-argument", Verdict::warn, Level::should,
                      {Ref{5321, "4.1.1.9"}});
    out.reason = "NOOP with an argument answered 500";
    out.decisive_line = 12;
    out.explanation = "expected: 250 | 500 => WARN\nreceived: 500 syntax error";
    out.log.push_back(line(7, LogLine::Side::client, "NOOP trailing text", 11));
    out.log.push_back(line(8, LogLine::Side::server, "500 syntax error", 12));
    return out;
}

inline ScenarioResult erroring() {
    auto out = result("rfc3207/starttls-handshake", Verdict::error, Level::must, {Ref{3207, "4"}});
    out.reason = "time-out after 10 s waiting for the reply to STARTTLS";
    out.decisive_line = 20;
    out.log.push_back(line(10010, LogLine::Side::note, "time-out after 10 s", 20));
    return out;
}

/// The run: PASS, FAIL, WARN, INFO, SKIP and ERROR, given out of id order.
inline RunResult sample_run() {
    RunResult run;
    run.target = "127.0.0.1:2525";
    run.tool_version = "0.1.0";
    run.started_at = "2026-11-22T05:00:00Z";
    run.duration = milliseconds(3250);
    run.greeting = "220 mx.example.test ESMTP";
    run.keywords = {"PIPELINING", "8BITMIME", "STARTTLS"};
    run.keywords_after_tls = {"PIPELINING", "8BITMIME"};
    run.results.push_back(failing());
    run.results.push_back(result("rfc5321/4.1.1.10/quit", Verdict::pass, Level::must,
                                 {Ref{5321, "4.1.1.10"}, Ref{5321, "4.1.4"}}));
    run.results.push_back(warning());
    auto info =
        result("rfc5321/4.5.3.1/line-length", Verdict::info, Level::info, {Ref{5321, "4.5.3.1"}});
    info.reason = "a line of 2000 octets was accepted";
    run.results.push_back(info);
    auto skip = result("rfc3030/chunking", Verdict::skip, Level::must, {Ref{3030, "2"}});
    skip.reason = "requires CHUNKING, not advertised";
    skip.log.clear();
    run.results.push_back(skip);
    run.results.push_back(erroring());
    return run;
}

/// What a client printed: `lines` numbered lines, the last with bytes to escape.
inline std::string client_printed(int lines) {
    std::string out;
    for (int i = 1; i < lines; ++i)
        out += "client line " + std::to_string(i) + "\n";
    return out + "<- 554 5.6.0 <a@b> & \"q\"\x1b[31m \xff\n";
}

/// A run of `ehlo-check --exec`: a FAIL whose client exited 1 after printing more lines than
/// the console shows, an ERROR whose client was killed having printed nothing, and a PASS whose
/// client exited 0.
inline RunResult client_run() {
    RunResult run;
    run.target = "client: swaks --to {rcpt}";
    run.tool_version = "0.1.0";
    run.started_at = "2026-11-22T05:00:00Z";
    run.duration = milliseconds(800);
    auto fail = result("client/rfc5321/4.5.2/dot-stuffing", Verdict::fail, Level::must,
                       {Ref{5321, "4.5.2"}});
    fail.reason = "a line starting with a period was sent without its extra period";
    fail.client_status = "exit 1";
    fail.client_output = client_printed(25);
    run.results.push_back(fail);
    auto pass =
        result("client/rfc5321/4.1.1.10/quit", Verdict::pass, Level::must, {Ref{5321, "4.1.1.10"}});
    pass.client_status = "exit 0";
    pass.client_output = "message sent\n";
    run.results.push_back(pass);
    auto error =
        result("client/rfc5321/4.3.1/waits", Verdict::error, Level::must, {Ref{5321, "4.3.1"}});
    error.reason = "time-out after 10 s waiting for the client's QUIT";
    error.client_status = "killed by ehlo-check: it had not exited";
    run.results.push_back(error);
    return run;
}

/// How many bytes of `text` are control bytes other than LF: none may reach a report file.
inline int control_bytes(const std::string& text) {
    int count = 0;
    for (const char c : text)
        count += (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7F ? 1 : 0;
    return count;
}

}  // namespace report_sample
