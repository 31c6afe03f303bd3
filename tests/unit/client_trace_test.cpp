// Unit tests of client/trace: ehlo-send's --trace uses the server's notation (C:/S: of
// RFC 5321 §D, the RFC section in a column), one printed line per reply line.
#include <catch2/catch.hpp>

#include "client/trace.hpp"

using ehlo::client::format_trace_line;
using ehlo::client::format_trace_note;
using ehlo::client::format_trace_reply;

TEST_CASE("a command with its section in the citation column", "[client][trace]") {
    CHECK(format_trace_line('C', "EHLO localhost", "RFC 5321 §4.1.1.1") ==
          "[1] C: EHLO localhost                                   RFC 5321 §4.1.1.1");
    CHECK(format_trace_line('C', "QUIT", "") == "[1] C: QUIT");
    std::string long_text(60, 'x');
    CHECK(format_trace_line('C', long_text, "RFC 3207 §4") ==
          "[1] C: " + long_text + "  RFC 3207 §4");
}

TEST_CASE("a multi-line reply: one line each, the citation on the first", "[client][trace]") {
    CHECK(format_trace_reply({250, {"mx.example.test", "PIPELINING", ""}}, "RFC 5321 §4.1.1.1") ==
          "[1] S: 250-mx.example.test                              RFC 5321 §4.1.1.1\n"
          "[1] S: 250-PIPELINING\n"
          "[1] S: 250");
    CHECK(format_trace_reply({221, {}}, "RFC 5321 §4.1.1.10") ==
          "[1] S: 221                                              RFC 5321 §4.1.1.10");
}

TEST_CASE("control octets are shown escaped; notes are marked --", "[client][trace]") {
    CHECK(format_trace_line('S', "250 a\x1b[31mb", "") == "[1] S: 250 a\\x1B[31mb");
    CHECK(format_trace_note("TLS started") == "[1] -- TLS started");
}
