// Unit tests of wire::LineReader: command-line framing, RFC 5321 §2.3.8 (only CRLF ends a
// line), RFC 5321 §4.1.1.4 (bare LF is no line end) and RFC 5321 §4.5.3.1.4 (512 octets with CRLF).
// Every input is also fed in every chunking (wire_split.hpp) and must give the same events.
#include <catch2/catch.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "wire/line_reader.hpp"
#include "wire_split.hpp"

namespace ehlo::wire {
std::ostream& operator<<(std::ostream& os, LineEvent event) {
    switch (event) {
        case LineEvent::need_more:
            return os << "need_more";
        case LineEvent::line:
            return os << "line";
        case LineEvent::bare_cr:
            return os << "bare_cr";
        case LineEvent::bare_lf:
            return os << "bare_lf";
        case LineEvent::nul:
            return os << "nul";
        case LineEvent::too_long:
            return os << "too_long";
    }
    return os << "?";
}
}  // namespace ehlo::wire

namespace {

using ehlo::test::chunkings;
using ehlo::test::Chunks;
using ehlo::wire::LineEvent;
using ehlo::wire::LineReader;

/// One event as the caller sees it: its kind and, for a `line`, the text.
struct Seen {
    LineEvent event;
    std::string text;
    friend bool operator==(const Seen&, const Seen&) = default;
    friend std::ostream& operator<<(std::ostream& os, const Seen& seen) {
        return os << seen.event << " \"" << ehlo::test::visible(seen.text) << '"';
    }
};

/// Feeds the pushes to a fresh reader and records every event but `need_more`.
std::vector<Seen> read_all(const Chunks& chunks, std::size_t max_line, bool& mid_line) {
    LineReader reader(max_line);
    std::vector<Seen> seen;
    for (std::string_view push : chunks) {
        while (true) {
            const LineEvent event = reader.next(push);
            if (event == LineEvent::need_more) {
                REQUIRE(push.empty());  // need_more only once the push is used up
                break;
            }
            seen.push_back({event, event == LineEvent::line ? reader.line() : ""});
        }
    }
    mid_line = reader.mid_line();
    return seen;
}

/// Asserts that `input`, however it is cut, gives exactly `expected` and leaves the reader
/// mid-line or not as `expect_mid_line` says.
void check(std::string_view input, const std::vector<Seen>& expected, std::size_t max_line = 512,
           bool expect_mid_line = false) {
    for (const Chunks& chunks : chunkings(input)) {
        INFO("input " << ehlo::test::visible(input.substr(0, 80)) << " cut as "
                      << ehlo::test::describe(chunks));
        bool mid_line = false;
        CHECK(read_all(chunks, max_line, mid_line) == expected);
        CHECK(mid_line == expect_mid_line);
    }
}

Seen line(std::string text) {
    return {LineEvent::line, std::move(text)};
}
Seen fault(LineEvent event) {
    return {event, ""};
}

}  // namespace

TEST_CASE("A CRLF line is returned without its CRLF; later bytes stay in the input",
          "[wire][line]") {
    LineReader reader;
    std::string_view input = "EHLO client.example\r\nMAIL FROM:<a@b>\r\n";
    REQUIRE(reader.next(input) == LineEvent::line);
    CHECK(reader.line() == "EHLO client.example");
    CHECK(input == "MAIL FROM:<a@b>\r\n");
    CHECK_FALSE(reader.mid_line());
    REQUIRE(reader.next(input) == LineEvent::line);
    CHECK(reader.line() == "MAIL FROM:<a@b>");
    CHECK(input.empty());
    CHECK(reader.next(input) == LineEvent::need_more);
}

TEST_CASE("Lines in any chunking give the same events", "[wire][line][split]") {
    check("NOOP\r\n", {line("NOOP")});
    check("\r\n", {line("")});
    check("HELO a\r\nNOOP\r\n\r\nQUIT\r\n", {line("HELO a"), line("NOOP"), line(""), line("QUIT")});
    check("DATA\r\nSubject", {line("DATA")}, 512, true);
    check("DATA\r", {}, 512, true);
    check("", {});
}

TEST_CASE("An incomplete line is buffered and completed by the next push", "[wire][line]") {
    LineReader reader;
    std::string_view first = "RCPT TO:<x@y>\r";  // the CR is pending
    CHECK(reader.next(first) == LineEvent::need_more);
    CHECK(first.empty());
    CHECK(reader.mid_line());
    std::string_view second = "\nQUIT";
    REQUIRE(reader.next(second) == LineEvent::line);
    CHECK(reader.line() == "RCPT TO:<x@y>");
    CHECK(second == "QUIT");
}

TEST_CASE("line() holds the last line until the next line begins", "[wire][line]") {
    LineReader reader;
    std::string_view input = "NOOP\r\n";
    REQUIRE(reader.next(input) == LineEvent::line);
    std::string_view empty;
    CHECK(reader.next(empty) == LineEvent::need_more);
    CHECK(reader.line() == "NOOP");
    CHECK_FALSE(reader.mid_line());
    std::string_view more = "RS";
    CHECK(reader.next(more) == LineEvent::need_more);
    CHECK(reader.mid_line());
}

TEST_CASE("mid_line() tells whether a line has begun", "[wire][line]") {
    LineReader reader;
    CHECK_FALSE(reader.mid_line());
    std::string_view cr = "\r";
    CHECK(reader.next(cr) == LineEvent::need_more);
    CHECK(reader.mid_line());
    std::string_view nul{"\0", 1};
    CHECK(reader.next(nul) == LineEvent::need_more);
    CHECK(reader.mid_line());
    std::string_view lf = "\r\n";
    CHECK(reader.next(lf) == LineEvent::bare_cr);  // the CR was bare before the NUL came
    CHECK_FALSE(reader.mid_line());
}

TEST_CASE("A bare LF does not end the line: the line is bare_lf at its CRLF",
          "[wire][line][rfc5321-2.3.8]") {
    check("MAIL FROM:<a@b>\n\r\n", {fault(LineEvent::bare_lf)});
    check("\n\r\n", {fault(LineEvent::bare_lf)});
    // What follows a bare LF is still the same line: never a command of its own.
    check("QUIT\nNOOP\r\n", {fault(LineEvent::bare_lf)});
    check("QUIT\nNOOP\r\nRSET\r\n", {fault(LineEvent::bare_lf), line("RSET")});
    check("A\n\nB\n\r\n", {fault(LineEvent::bare_lf)});
    check("MAIL FROM:<a@b>\n", {}, 512, true);  // waits for the CRLF
    LineReader reader;
    std::string_view input = "RSET\nNOOP\r\nQUIT\r\n";
    REQUIRE(reader.next(input) == LineEvent::bare_lf);
    CHECK(reader.line().empty());  // no text of a malformed line is handed on
    CHECK(input == "QUIT\r\n");
}

TEST_CASE("A bare CR never ends a line and makes it bare_cr", "[wire][line][rfc5321-2.3.8]") {
    check("QUIT\rRSET\r\n", {fault(LineEvent::bare_cr)});  // one line, not two
    check("\rNOOP\r\n", {fault(LineEvent::bare_cr)});
    check("NOOP\r\r\n", {fault(LineEvent::bare_cr)});
    check("NOOP\r\r\r\n", {fault(LineEvent::bare_cr)});
    check("A\rB\r\nNOOP\r\n", {fault(LineEvent::bare_cr), line("NOOP")});
    check("A\r", {}, 512, true);  // not yet known to be bare
    check("A\rB", {}, 512, true);
}

TEST_CASE("A NUL octet makes the line nul", "[wire][line]") {
    using namespace std::literals;
    check("\0\r\n"sv, {fault(LineEvent::nul)});
    check("NO\0OP\r\nNOOP\r\n"sv, {fault(LineEvent::nul), line("NOOP")});
    check("NOOP\0"sv, {}, 512, true);
}

TEST_CASE("A line with several faults is reported by its first one", "[wire][line]") {
    using namespace std::literals;
    check("\0A\rB\r\n"sv, {fault(LineEvent::nul)});
    check("A\rB\0\r\n"sv, {fault(LineEvent::bare_cr)});
    check("A\0B\n\r\n"sv, {fault(LineEvent::nul)});      // NUL, then a bare LF
    check("A\rB\n\r\n"sv, {fault(LineEvent::bare_cr)});  // bare CR, then a bare LF
    check("A\r\0\r\n"sv, {fault(LineEvent::bare_cr)});   // the CR comes before the NUL
    check(std::string(600, 'x') + '\0' + "\r\n", {fault(LineEvent::too_long)});
    check(std::string(100, 'x') + '\0' + std::string(600, 'x') + "\r\n", {fault(LineEvent::nul)});
    check(std::string(600, 'x') + "\n\r\n", {fault(LineEvent::too_long)});
}

TEST_CASE("Command lines up to 512 octets with CRLF are accepted, longer ones are not",
          "[wire][line][rfc5321-4.5.3.1.4]") {
    const std::string text509(509, 'a'), text510(510, 'a'), text511(511, 'a');
    check(text509 + "\r\n", {line(text509)});               // 511 octets
    check(text510 + "\r\n", {line(text510)});               // 512 octets
    check(text511 + "\r\n", {fault(LineEvent::too_long)});  // 513 octets
    check(text511 + "\r\nNOOP\r\n", {fault(LineEvent::too_long), line("NOOP")});
    // A bare LF counts as one octet of the line.
    check(text509 + "\n\r\n", {fault(LineEvent::bare_lf)});  // 512 octets
    check(text510 + "\n\r\n", {fault(LineEvent::bare_lf)});  // 513 octets; the LF came first
    check(std::string(513, 'a') + "\n\r\n", {fault(LineEvent::too_long)});
    // A bare CR inside the limit is seen before the limit is passed.
    check(text510 + "\rb\r\n", {fault(LineEvent::bare_cr)});
}

TEST_CASE("The limit is the one given to the constructor", "[wire][line]") {
    check("12345678\r\n", {line("12345678")}, 10);             // 10 octets
    check("123456789\r\n", {fault(LineEvent::too_long)}, 10);  // 11 octets
    LineReader reader(1000);
    CHECK(reader.max_line() == 1000);
    const std::string text998(998, 'b');
    std::string input = text998 + "\r\n";
    std::string_view view = input;
    REQUIRE(reader.next(view) == LineEvent::line);
    CHECK(reader.line() == text998);
}

TEST_CASE("An over-long line is discarded as it arrives: memory stays bounded",
          "[wire][line][rfc5321-4.5.3.1.4]") {
    LineReader reader;
    const std::string block(4096, 'x');
    for (int i = 0; i < 256; ++i) {  // one mebibyte without a line end
        std::string_view input = block;
        REQUIRE(reader.next(input) == LineEvent::need_more);
        REQUIRE(input.empty());
    }
    CHECK(reader.mid_line());
    CHECK(reader.line().capacity() <= 2 * reader.max_line());
    std::string_view end = "\r\nNOOP\r\n";
    CHECK(reader.next(end) == LineEvent::too_long);
    REQUIRE(reader.next(end) == LineEvent::line);
    CHECK(reader.line() == "NOOP");
}

TEST_CASE("A mixed stream gives the same events in every chunking", "[wire][line][split]") {
    using namespace std::literals;
    const std::string stream = std::string("EHLO a\r\n") + "bad\nNOOP\r\n" + "NO\rOP\r\n" +
                               "x\0y\r\n"s + std::string(520, 'z') + "\r\n" + "\r\n" + "QUIT\r\n" +
                               "tail\r";
    check(stream,
          {line("EHLO a"), fault(LineEvent::bare_lf), fault(LineEvent::bare_cr),
           fault(LineEvent::nul), fault(LineEvent::too_long), line(""), line("QUIT")},
          512, true);
}
