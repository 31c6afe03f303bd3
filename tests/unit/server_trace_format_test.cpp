// Unit tests for server/trace_format: the citation, the columns and the escaping of --trace.
#include <catch2/catch.hpp>

#include "server/trace_format.hpp"

using ehlo::server::format_trace_line;
using ehlo::server::format_trace_note;
using ehlo::server::printable;
using ehlo::server::rfc_citation;
using ehlo::server::trace_citation_column;
using ehlo::server::TraceLine;

TEST_CASE("a section becomes an RFC citation") {
    CHECK(rfc_citation("RFC 5321 §4.1.1.2") == "RFC 5321 §4.1.1.2");
    CHECK(rfc_citation("3207#4.2") == "RFC 3207 §4.2");  // citations: keep (a scenario ref)
    CHECK(rfc_citation("RFC 2920") == "RFC 2920");
    CHECK(rfc_citation("").empty());
}

TEST_CASE("a command line shows id, direction, text and citation") {
    TraceLine line{'C', "MAIL FROM:<a@example.test>", "RFC 5321 §4.1.1.2"};
    std::string printed = format_trace_line(3, line);
    CHECK(printed.rfind("[3] C: MAIL FROM:<a@example.test> ", 0) == 0);
    CHECK(printed.find("RFC 5321 §4.1.1.2") == trace_citation_column);
    CHECK(printed.back() == '2');
}

TEST_CASE("citations line up whatever the connection id") {
    TraceLine reply{'S', "250 2.1.0 Sender OK", "RFC 5321 §4.1.1.2"};
    CHECK(format_trace_line(7, reply).find("RFC") == trace_citation_column);
    CHECK(format_trace_line(123456, reply).find("RFC") == trace_citation_column);
}

TEST_CASE("a long text keeps two spaces before its citation") {
    std::string text(100, 'x');
    std::string printed = format_trace_line(1, TraceLine{'C', text, "RFC 5321 §4.1.1.3"});
    std::string expected = "[1] C: " + text + "  RFC 5321 §4.1.1.3";
    CHECK(printed == expected);
}

TEST_CASE("a line without a section has no citation and no padding") {
    CHECK(format_trace_line(2, TraceLine{'S', "221 Bye", ""}) == "[2] S: 221 Bye");
}

TEST_CASE("control octets from the client are escaped") {
    CHECK(printable("NOOP\rX") == "NOOP\\rX");
    CHECK(printable(std::string("A\0B", 3)) == "A\\x00B");
    CHECK(printable("\x1b[31m") == "\\x1B[31m");
    CHECK(printable("\x7f") == "\\x7F");
    CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("a multi-line text prints one line per CRLF, the citation on the first") {
    TraceLine reply{'S', "250-mx.example.test\r\n250 PIPELINING\r\n", "RFC 5321 §4.1.1.1"};
    std::string printed = format_trace_line(4, reply);
    std::size_t newline = printed.find('\n');
    REQUIRE(newline != std::string::npos);
    CHECK(printed.substr(0, newline).find("RFC 5321 §4.1.1.1") == trace_citation_column);
    CHECK(printed.substr(newline + 1) == "[4] S: 250 PIPELINING");
}

TEST_CASE("a note about the connection") {
    CHECK(format_trace_note(9, "connected from ::1") == "[9] -- connected from ::1");
}
