// Unit tests of wire::DataReader: the end of the message data, RFC 5321 §4.1.1.4 (only
// CRLF "." CRLF ends it), RFC 5321 §4.5.2 (dot-unstuffing) and RFC 5321 §4.5.3.1.6 (1000-octet text
// lines), and the SMTP smuggling family: every end-of-data look-alike made of bare CR, bare LF, NUL
// and doubled CRs is message text, recorded as a fault, and never ends the data. Every input is
// also fed in every chunking (wire_split.hpp) and must give the same result.
#include <catch2/catch.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "wire/data_reader.hpp"
#include "wire_split.hpp"

namespace ehlo::wire {
std::ostream& operator<<(std::ostream& os, const DataFaults& f) {
    return os << "{bare_cr=" << f.bare_cr << " bare_lf=" << f.bare_lf << " nul=" << f.nul
              << " line_too_long=" << f.line_too_long << '}';
}
}  // namespace ehlo::wire

namespace {

using namespace std::literals;
using ehlo::test::chunkings;
using ehlo::test::Chunks;
using ehlo::test::visible;
using ehlo::wire::DataEvent;
using ehlo::wire::DataFaults;
using ehlo::wire::DataReader;

/// What a reader made of a whole input.
struct Result {
    bool ended = false;  ///< the end-of-data line was read
    std::string out;     ///< the unstuffed data
    DataFaults faults;
    std::string rest;  ///< the input left after the end of data
};

Result read_data(const Chunks& chunks, std::size_t max_line) {
    DataReader reader(max_line);
    Result result;
    for (std::string_view push : chunks) {
        if (!result.ended) {
            if (reader.next(push, result.out) == DataEvent::end) {
                result.ended = true;
            } else {
                REQUIRE(push.empty());  // need_more only once the push is used up
            }
        }
        result.rest += push;
    }
    result.faults = reader.faults();
    return result;
}

/// Asserts that `input`, however it is cut, gives exactly `expected`.
void check(std::string_view input, const Result& expected, std::size_t max_line = 1000) {
    for (const Chunks& chunks : chunkings(input)) {
        INFO("input " << visible(input.substr(0, 80)) << " cut as "
                      << ehlo::test::describe(chunks));
        const Result got = read_data(chunks, max_line);
        CHECK(got.ended == expected.ended);
        CHECK(visible(got.out) == visible(expected.out));
        CHECK(got.faults == expected.faults);
        CHECK(visible(got.rest) == visible(expected.rest));
    }
}

Result ended(std::string out, DataFaults faults = {}, std::string rest = "") {
    return {true, std::move(out), faults, std::move(rest)};
}
Result open(std::string out, DataFaults faults = {}) {
    return {false, std::move(out), faults, ""};
}

constexpr DataFaults no_faults{};
constexpr DataFaults bare_cr{.bare_cr = true};
constexpr DataFaults bare_lf{.bare_lf = true};
constexpr DataFaults bare_cr_lf{.bare_cr = true, .bare_lf = true};
constexpr DataFaults nul{.nul = true};
constexpr DataFaults too_long{.line_too_long = true};

}  // namespace

TEST_CASE("CRLF . CRLF ends the data; the data keeps its CRLFs", "[wire][data][rfc5321-4.1.1.4]") {
    check("Subject: hi\r\n\r\nbody\r\n.\r\n", ended("Subject: hi\r\n\r\nbody\r\n"));
    check("one line\r\n.\r\n", ended("one line\r\n"));
    check("a\r\n\r\n\r\n.\r\n", ended("a\r\n\r\n\r\n"));
}

TEST_CASE("A \".\" line at the very start of the data ends an empty message",
          "[wire][data][rfc5321-4.1.1.4]") {
    check(".\r\n", ended(""));
    check(".\r\nQUIT\r\n", ended("", no_faults, "QUIT\r\n"));
}

TEST_CASE("Bytes after the end of data stay in the input", "[wire][data]") {
    check("a\r\n.\r\nQUIT\r\n", ended("a\r\n", no_faults, "QUIT\r\n"));
    check("a\r\n.\r\n.\r\n", ended("a\r\n", no_faults, ".\r\n"));
    DataReader reader;
    std::string out;
    std::string_view input = "x\r\n.\r\nMAIL FROM:<a@b>\r\n";
    REQUIRE(reader.next(input, out) == DataEvent::end);
    CHECK(input == "MAIL FROM:<a@b>\r\n");
    CHECK(out == "x\r\n");
}

TEST_CASE("Without its end line the data goes on", "[wire][data]") {
    check("abc", open("abc"));
    check("abc\r\n", open("abc\r\n"));
    check("abc\r\n.", open("abc\r\n"));             // the dot waits for the next octet
    check("abc\r\n.\r", open("abc\r\n"));           // and so does the CR after it
    check("abc.\r\n", open("abc.\r\n"));            // a dot inside a line is text
    check("abc\r\n .\r\n", open("abc\r\n .\r\n"));  // so is a dot after a space
    check("", open(""));
}

TEST_CASE("A leading dot is removed from every line that has more than the dot",
          "[wire][data][rfc5321-4.5.2]") {
    check("..\r\n.\r\n", ended(".\r\n"));
    check("..foo\r\n.\r\n", ended(".foo\r\n"));
    check("...\r\n.\r\n", ended("..\r\n"));
    check("a\r\n..\r\nb\r\n.\r\n", ended("a\r\n.\r\nb\r\n"));
    check(".foo\r\n.\r\n", ended("foo\r\n"));  // an unstuffed leading dot is removed all the same
    check("a.b\r\n.\r\n", ended("a.b\r\n"));   // only the first octet of a line
    check("x\r\n...\r\n", open("x\r\n..\r\n"));
}

TEST_CASE("Data is streamed: nothing waits for the end of its line", "[wire][data]") {
    DataReader reader;
    std::string out;
    std::string_view input = "Hello, wor";
    REQUIRE(reader.next(input, out) == DataEvent::need_more);
    CHECK(out == "Hello, wor");
    input = "ld\r\n.";
    REQUIRE(reader.next(input, out) == DataEvent::need_more);
    CHECK(out == "Hello, world\r\n");  // only the line-opening dot is held back
    input = "\r";
    REQUIRE(reader.next(input, out) == DataEvent::need_more);
    CHECK(out == "Hello, world\r\n");
    input = "X";  // "." CR X: the CR was bare, the dot was a transparency dot
    REQUIRE(reader.next(input, out) == DataEvent::need_more);
    CHECK(out == "Hello, world\r\n\rX");
    CHECK(reader.faults() == bare_cr);

    // A mebibyte without a line end comes out as it goes in.
    DataReader big;
    std::string sink;
    const std::string block(4096, 'y');
    for (int i = 1; i <= 256; ++i) {
        std::string_view push = block;
        REQUIRE(big.next(push, sink) == DataEvent::need_more);
        REQUIRE(sink.size() == block.size());
        sink.clear();  // the caller drains the output
    }
    CHECK(big.faults() == too_long);
}

TEST_CASE("After the end, next() consumes nothing until reset()", "[wire][data]") {
    DataReader reader;
    std::string out;
    std::string_view input = "a\rb\r\n.\r\nnext";
    REQUIRE(reader.next(input, out) == DataEvent::end);
    CHECK(reader.faults() == bare_cr);
    CHECK(reader.next(input, out) == DataEvent::end);
    CHECK(input == "next");
    CHECK(out == "a\rb\r\n");

    reader.reset();
    CHECK(reader.faults() == no_faults);
    CHECK_FALSE(reader.faults().any());
    out.clear();
    std::string_view second = ".\r\n";  // the new message starts at a line start again
    CHECK(reader.next(second, out) == DataEvent::end);
    CHECK(out.empty());
}

TEST_CASE("Bare CR, bare LF and NUL are kept as data and recorded", "[wire][data][rfc5321-2.3.8]") {
    check("a\rb\r\n.\r\n", ended("a\rb\r\n", bare_cr));
    check("a\nb\r\n.\r\n", ended("a\nb\r\n", bare_lf));
    check("a\0b\r\n.\r\n"sv, ended("a\0b\r\n"s, nul));
    check("\n\r\n.\r\n", ended("\n\r\n", bare_lf));
    check("\r\r\n.\r\n", ended("\r\r\n", bare_cr));  // CR CRLF: the first CR is bare
    check("\0\r\n.\r\n"sv, ended("\0\r\n"s, nul));
    CHECK(bare_cr_lf.any());
}

TEST_CASE("Text lines up to 1000 octets with CRLF are clean, longer ones are recorded",
          "[wire][data][rfc5321-4.5.3.1.6]") {
    const std::string t997(997, 'x'), t998(998, 'x'), t999(999, 'x');
    check(t997 + "\r\n.\r\n", ended(t997 + "\r\n"));            // 999 octets
    check(t998 + "\r\n.\r\n", ended(t998 + "\r\n"));            // 1000 octets
    check(t999 + "\r\n.\r\n", ended(t999 + "\r\n", too_long));  // 1001 octets, kept as data
    check("a\r\n" + t998 + "\r\nb\r\n.\r\n", ended("a\r\n" + t998 + "\r\nb\r\n"));
    check("a\r\n" + t999 + "\r\nb\r\n.\r\n", ended("a\r\n" + t999 + "\r\nb\r\n", too_long));
    // The transparency dot is not counted: 1001 octets on the wire, 1000 in the line.
    check(".." + std::string(997, 'x') + "\r\n.\r\n", ended("." + std::string(997, 'x') + "\r\n"));
    check(".." + t998 + "\r\n.\r\n", ended("." + t998 + "\r\n", too_long));
    // A bare LF does not start a new line, so it does not restart the count.
    const std::string half(500, 'x');
    check(half + "\n" + half + "\r\n.\r\n",
          ended(half + "\n" + half + "\r\n", {.bare_lf = true, .line_too_long = true}));
    // The limit is the one given to the constructor.
    check("12345678\r\n.\r\n", ended("12345678\r\n"), 10);
    check("123456789\r\n.\r\n", ended("123456789\r\n", too_long), 10);
}

// The SMTP smuggling family: sequences that some receiver somewhere takes for the end of the
// data. Each is wrapped as "a" LOOK-ALIKE "b" CRLF "." CRLF "rest": the data must not end at
// the look-alike, the fault must be recorded, and the real end afterwards must end it with the
// look-alike kept as message text (only a line-opening transparency dot is removed).
namespace {
struct LookAlike {
    const char* name;
    std::string_view wire;  ///< as sent
    std::string_view data;  ///< as it must appear in the message
    DataFaults faults;
};

const LookAlike look_alikes[] = {
    {"LF . LF", "\n.\n", "\n.\n", bare_lf},
    {"LF . CRLF", "\n.\r\n", "\n.\r\n", bare_lf},
    {"CRLF . LF", "\r\n.\n", "\r\n\n", bare_lf},
    {"CR . CR", "\r.\r", "\r.\r", bare_cr},
    {"CR . CRLF", "\r.\r\n", "\r.\r\n", bare_cr},
    {"CRLF . CR", "\r\n.\r", "\r\n\r", bare_cr},
    {"CR . LF", "\r.\n", "\r.\n", bare_cr_lf},
    {"LF . CR", "\n.\r", "\n.\r", bare_cr_lf},
    {"CRLF . CR CRLF", "\r\n.\r\r\n", "\r\n\r\r\n", bare_cr},
    {"CR CRLF . CR CRLF", "\r\r\n.\r\r\n", "\r\r\n\r\r\n", bare_cr},
    {"CR CR . CR CR", "\r\r.\r\r", "\r\r.\r\r", bare_cr},
    {"LF CR . CRLF", "\n\r.\r\n", "\n\r.\r\n", bare_cr_lf},
    {"CRLF CR . CRLF", "\r\n\r.\r\n", "\r\n\r.\r\n", bare_cr},
    {"CRLF LF . CRLF", "\r\n\n.\r\n", "\r\n\n.\r\n", bare_lf},
    {"LF LF . LF LF", "\n\n.\n\n", "\n\n.\n\n", bare_lf},
    {"CRLF . LF CRLF", "\r\n.\n\r\n", "\r\n\n\r\n", bare_lf},
    {"LF . CR CRLF", "\n.\r\r\n", "\n.\r\r\n", bare_cr_lf},
    {"CR CRLF . LF", "\r\r\n.\n", "\r\r\n\n", bare_cr_lf},
    {"CRLF NUL . CRLF", "\r\n\0.\r\n"sv, "\r\n\0.\r\n"sv, nul},
    {"CRLF . NUL CRLF", "\r\n.\0\r\n"sv, "\r\n\0\r\n"sv, nul},
    {"NUL LF . LF", "\0\n.\n"sv, "\0\n.\n"sv, {.bare_lf = true, .nul = true}},
    {"CRLF . CR NUL LF",
     "\r\n.\r\0\n"sv,
     "\r\n\r\0\n"sv,
     {.bare_cr = true, .bare_lf = true, .nul = true}},
};
}  // namespace

TEST_CASE("SMTP smuggling: no end-of-data look-alike ends the data", "[wire][data][smuggling]") {
    for (const LookAlike& look : look_alikes) {
        for (const std::string prefix : {"a", ""}) {  // inside a line, and at the very start
            SECTION(std::string(look.name) + (prefix.empty() ? " at the start" : " in a line")) {
                const std::string lead = prefix + std::string(look.wire) + "b";
                const std::string data = prefix + std::string(look.data) + "b";
                // The look-alike alone does not end the data, and is recorded.
                check(lead, open(data, look.faults));
                // The real end after it does, and the look-alike is part of the message.
                check(lead + "\r\n.\r\nrest", ended(data + "\r\n", look.faults, "rest"));
            }
        }
    }
    CHECK(std::size(look_alikes) >= 16);
}

TEST_CASE("SMTP smuggling: a dot-stuffed \".\" line is text, not an end",
          "[wire][data][smuggling]") {
    check("a\r\n..\r\nb", open("a\r\n.\r\nb"));
    check("a\r\n..\r\nb\r\n.\r\n", ended("a\r\n.\r\nb\r\n"));
}

TEST_CASE("A message mixing every rule gives the same result in every chunking",
          "[wire][data][split]") {
    const std::string input = "From: a\r\n..dot\r\nx\ny\rz\0w\r\n"s + std::string(1001, 'q') +
                              "\r\n\n.\n\r.\r\r\n.\n\r\n.\r\nQUIT\r\n";
    const std::string message =
        "From: a\r\n.dot\r\nx\ny\rz\0w\r\n"s + std::string(1001, 'q') + "\r\n\n.\n\r.\r\r\n\n\r\n";
    check(input, ended(message, {true, true, true, true}, "QUIT\r\n"));
}
