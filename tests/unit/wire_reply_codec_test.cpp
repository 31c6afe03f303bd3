// Unit tests of wire::format_reply and wire::ReplyParser: RFC 5321 §4.2 (reply lines and the
// "-" continuation of multi-line replies), RFC 5321 §4.2.1 (one code for all lines of a reply) and
// RFC 5321 §4.5.3.1.5 (512-octet reply lines). Every input is also parsed in every chunking
// (wire_split.hpp) and must give the same replies and errors.
#include <catch2/catch.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "wire/reply_codec.hpp"
#include "wire_split.hpp"

namespace {

using namespace std::literals;
using ehlo::test::chunkings;
using ehlo::test::Chunks;
using ehlo::test::visible;
using ehlo::wire::format_reply;
using ehlo::wire::ReplyParser;
using ehlo::wire::WireReply;
using Event = ReplyParser::Event;

/// One reply or one error, as the caller sees it.
struct Seen {
    WireReply reply;    ///< for a reply
    std::string error;  ///< for a malformed event: the start of error()
    friend bool operator==(const Seen&, const Seen&) = default;
    friend std::ostream& operator<<(std::ostream& os, const Seen& seen) {
        if (!seen.error.empty()) return os << "malformed: " << seen.error;
        os << seen.reply.code;
        for (const std::string& line : seen.reply.lines)
            os << " [" << visible(line) << ']';
        return os;
    }
};

Seen reply(int code, std::vector<std::string> lines) {
    return {{code, std::move(lines)}, ""};
}
Seen malformed(std::string error_start) {
    return {{}, std::move(error_start)};
}

/// Parses the pushes with a fresh parser. An error is cut to the length of the expected one's
/// start, so a test names the gist of the message without repeating it all.
std::vector<Seen> parse_all(const Chunks& chunks, const std::vector<Seen>& expected,
                            std::size_t max_line, std::size_t max_lines) {
    ReplyParser parser(max_line, max_lines);
    std::vector<Seen> seen;
    for (std::string_view push : chunks) {
        while (true) {
            const Event event = parser.next(push);
            if (event == Event::need_more) {
                REQUIRE(push.empty());  // need_more only once the push is used up
                break;
            }
            if (event == Event::reply) {
                seen.push_back({parser.reply(), ""});
                continue;
            }
            REQUIRE_FALSE(parser.error().empty());
            const std::size_t i = seen.size();
            const std::size_t keep = i < expected.size() && !expected[i].error.empty()
                                         ? expected[i].error.size()
                                         : parser.error().size();
            seen.push_back(malformed(parser.error().substr(0, keep)));
        }
    }
    return seen;
}

void check(std::string_view input, const std::vector<Seen>& expected, std::size_t max_line = 512,
           std::size_t max_lines = 1000) {
    for (const Chunks& chunks : chunkings(input)) {
        INFO("input " << visible(input.substr(0, 80)) << " cut as "
                      << ehlo::test::describe(chunks));
        CHECK(parse_all(chunks, expected, max_line, max_lines) == expected);
    }
}

}  // namespace

TEST_CASE("format_reply writes one line as code, space, text, CRLF", "[wire][reply][rfc5321-4.2]") {
    CHECK(format_reply({250, {"OK"}}) == "250 OK\r\n");
    CHECK(format_reply({354, {"Start mail input; end with <CRLF>.<CRLF>"}}) ==
          "354 Start mail input; end with <CRLF>.<CRLF>\r\n");
    CHECK(format_reply({550, {"5.1.1 No such user"}}) == "550 5.1.1 No such user\r\n");
}

TEST_CASE("format_reply writes multi-line replies with \"-\" on all lines but the last",
          "[wire][reply][rfc5321-4.2.1]") {
    CHECK(
        format_reply({250, {"mx.example.test greets client.example", "PIPELINING", "8BITMIME"}}) ==
        "250-mx.example.test greets client.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
    CHECK(format_reply({214, {"a", "b"}}) == "214-a\r\n214 b\r\n");
}

TEST_CASE("format_reply writes the code alone when the last line has no text",
          "[wire][reply][rfc5321-4.2]") {
    CHECK(format_reply({250, {}}) == "250\r\n");
    CHECK(format_reply({250, {""}}) == "250\r\n");
    CHECK(format_reply({250, {"", ""}}) == "250-\r\n250\r\n");
    CHECK(format_reply({250, {"", "x"}}) == "250-\r\n250 x\r\n");
}

TEST_CASE("format_reply never lets text break the line framing", "[wire][reply]") {
    CHECK(format_reply({250, {"a\r\n250 b"}}) == "250 a  250 b\r\n");
    CHECK(format_reply({250, {"x\ry", "z\0"s}}) == "250-x y\r\n250 z \r\n");
}

TEST_CASE("Parsing returns one reply; bytes after it stay in the input", "[wire][reply]") {
    ReplyParser parser;
    std::string_view input = "250 OK\r\n354 go\r\n";
    REQUIRE(parser.next(input) == Event::reply);
    CHECK(parser.reply() == WireReply{250, {"OK"}});
    CHECK(input == "354 go\r\n");
    REQUIRE(parser.next(input) == Event::reply);
    CHECK(parser.reply() == WireReply{354, {"go"}});
    CHECK(input.empty());
    CHECK(parser.next(input) == Event::need_more);
}

TEST_CASE("Single- and multi-line replies parse the same in every chunking",
          "[wire][reply][split][rfc5321-4.2]") {
    check("250 OK\r\n", {reply(250, {"OK"})});
    check("220 mx.example.test ESMTP ready\r\n", {reply(220, {"mx.example.test ESMTP ready"})});
    check("250-mx.example.test\r\n250-SIZE 1000000\r\n250 HELP\r\n",
          {reply(250, {"mx.example.test", "SIZE 1000000", "HELP"})});
    check("250 OK\r\n550 no\r\n", {reply(250, {"OK"}), reply(550, {"no"})});  // pipelined
    check("250-a\r\n", {});                                                   // the reply goes on
    check("250 OK", {});                                                      // the line goes on
    check("250 OK\r", {});
}

TEST_CASE("A code alone, with or without a space, is a reply with empty text",
          "[wire][reply][rfc5321-4.2]") {
    check("250\r\n", {reply(250, {""})});
    check("250 \r\n", {reply(250, {""})});
    check("250-\r\n250 x\r\n", {reply(250, {"", "x"})});
    check("250-a\r\n250\r\n", {reply(250, {"a", ""})});
    check("250  two spaces \r\n", {reply(250, {" two spaces "})});
}

TEST_CASE("Any three digits are a code; judging the range is left to the caller", "[wire][reply]") {
    check("199 odd\r\n", {reply(199, {"odd"})});
    check("699 odd\r\n", {reply(699, {"odd"})});
    check("000\r\n", {reply(0, {""})});
}

TEST_CASE("format_reply and the parser agree", "[wire][reply]") {
    const std::vector<WireReply> replies = {
        {250, {"OK"}},
        {250, {"mx.example.test", "PIPELINING", "SIZE 10240000", "HELP"}},
        {421, {"4.3.2 Service shutting down"}},
        {250, {""}},
        {250, {"", "", "last"}},
    };
    for (const WireReply& original : replies) {
        ReplyParser parser;
        const std::string text = format_reply(original);
        std::string_view input = text;
        REQUIRE(parser.next(input) == Event::reply);
        CHECK(parser.reply() == original);
        CHECK(input.empty());
    }
}

TEST_CASE("A line without a three-digit code is malformed", "[wire][reply][rfc5321-4.2]") {
    const std::string no_code = "reply line does not begin with a three-digit code";
    const std::string bad_separator = "reply code not followed by";
    check("25x ok\r\n", {malformed(no_code)});
    check("ok\r\n", {malformed(no_code)});
    check("25\r\n", {malformed(no_code)});
    check("\r\n", {malformed(no_code)});
    check(" 250 ok\r\n", {malformed(no_code)});
    check("2500 ok\r\n", {malformed(bad_separator)});
    check("250_ok\r\n", {malformed(bad_separator)});
    check("250-a\r\nxyz\r\n", {malformed(no_code)});
}

TEST_CASE("All lines of a reply must carry the same code", "[wire][reply][rfc5321-4.2.1]") {
    check("250-a\r\n251 b\r\n",
          {malformed("reply line with code 251 inside a reply with code 250")});
    check("250-a\r\n250-b\r\n550 c\r\n",
          {malformed("reply line with code 550 inside a reply with code 250")});
}

TEST_CASE("Only CRLF ends a reply line; bare LF, bare CR and NUL are malformed",
          "[wire][reply][rfc5321-2.3.8]") {
    check("250 ok\n", {malformed("reply line ended by a bare LF")});
    check("250-a\n250 b\r\n", {malformed("reply line ended by a bare LF"), reply(250, {"b"})});
    check("250 o\rk\r\n", {malformed("bare CR in a reply line"), malformed("reply line does")});
    // The CR that showed the first CR bare is left to start the next line: an empty one.
    check("250 ok\r\r\n", {malformed("bare CR in a reply line"), malformed("reply line does")});
    check("250 o\0k\r\n"sv, {malformed("NUL octet in a reply line"), malformed("reply line does")});
}

TEST_CASE("Reply lines up to 512 octets with CRLF are accepted, longer ones are not",
          "[wire][reply][rfc5321-4.5.3.1.5]") {
    const std::string t505(505, 't'), t506(506, 't'), t507(507, 't');
    const std::string too_long = "reply line longer than 512 octets";
    check("250 " + t505 + "\r\n", {reply(250, {t505})});  // 511 octets
    check("250 " + t506 + "\r\n", {reply(250, {t506})});  // 512 octets
    check("250-" + t506 + "\r\n250 " + t506 + "\r\n", {reply(250, {t506, t506})});
    ReplyParser parser;
    const std::string over = "250 " + t507 + "\r\n";  // 513 octets
    std::string_view input = over;
    REQUIRE(parser.next(input) == Event::malformed);
    CHECK(parser.error().rfind(too_long, 0) == 0);
    // Known too long once 511 octets are in: no CRLF can follow within 512.
    CHECK(input.size() == over.size() - 511);
    check("250 " + t507 + "\r\n", {malformed(too_long), malformed("reply line does")});
    check("250 ok\r\n", {reply(250, {"ok"})}, 10);  // the limit is the constructor's
    check("250 okay\r\n", {reply(250, {"okay"})}, 10);
    check("250 okay!\r\n", {malformed("reply line longer than 10 octets"), malformed("reply")}, 10);
}

TEST_CASE("An endless reply line is refused before it fills memory", "[wire][reply]") {
    ReplyParser parser;
    const std::string flood = "250 " + std::string(1 << 20, 'x');
    std::string_view input = flood;
    REQUIRE(parser.next(input) == Event::malformed);
    CHECK(flood.size() - input.size() == 511);
}

TEST_CASE("A reply of more lines than the limit is malformed", "[wire][reply]") {
    check("250-a\r\n250-b\r\n250 c\r\n", {reply(250, {"a", "b", "c"})}, 512, 3);
    check("250-a\r\n250-b\r\n250-c\r\n250 d\r\n", {malformed("reply of more than 3 lines")}, 512,
          3);
    check("250-a\r\n250-b\r\n250-c\r\n", {}, 512, 3);  // a fourth line may yet be the last
}

TEST_CASE("The line limit holds for formatted replies too: 1,001 lines are too many",
          "[wire][reply]") {
    // Found by the reply_codec fuzz target, whose own check had assumed otherwise: format_reply
    // writes any number of lines, and a parser with the default limit of 1,000 refuses more.
    ehlo::wire::WireReply big{250, std::vector<std::string>(1001, "x")};
    const std::string text = ehlo::wire::format_reply(big);
    check(text, {malformed("reply of more than 1000 lines")});
    big.lines.pop_back();
    check(ehlo::wire::format_reply(big), {reply(250, big.lines)});
}

TEST_CASE("After a malformed line the parser reads what follows as a new reply", "[wire][reply]") {
    check("xyz\r\n250 ok\r\n", {malformed("reply line does not"), reply(250, {"ok"})});
    check("250-a\r\n251-b\r\n252 c\r\n",
          {malformed("reply line with code 251"), reply(252, {"c"})});
    ReplyParser parser;
    std::string_view input = "bad\r\n";
    REQUIRE(parser.next(input) == Event::malformed);
    input = "221 bye\r\n";
    REQUIRE(parser.next(input) == Event::reply);
    CHECK(parser.reply() == WireReply{221, {"bye"}});
}
