// The payload grammar of scenario steps (docs/scenario-format.md): escapes and variables of
// C: lines, and the S: alternatives: reply codes and classes (RFC 5321 §4.2), enhanced codes
// (RFC 3463 §2), EHLO keyword checks (RFC 5321 §4.1.1.1), text patterns, verdicts, close.
#include <catch2/catch.hpp>

#include <string>

#include "scenario/scenario_parser.hpp"

using namespace ehlo::scenario;

namespace {

// The alternatives of one S: payload; fails the test on a parse error.
std::vector<Alternative> alternatives(std::string_view payload) {
    std::string error;
    auto line = parse_reply_line(payload, false, error);
    INFO(error);
    REQUIRE(line.has_value());
    CHECK_FALSE(line->continues);
    return line->expect.alternatives;
}

// The error message for one S: payload.
std::string reply_error(std::string_view payload) {
    std::string error;
    CHECK_FALSE(parse_reply_line(payload, false, error).has_value());
    return error;
}

std::string send_error(std::string_view payload) {
    std::string error;
    CHECK_FALSE(parse_send_text(payload, error).has_value());
    return error;
}

}  // namespace

TEST_CASE("C: escapes decode to the bytes sent", "[scenario]") {
    std::string error;
    auto text = parse_send_text("a\\r\\n\\t\\\\\\x00\\x7b\\xFF", error);
    REQUIRE(text.has_value());
    CHECK(*text == Text{{Piece::Kind::bytes, std::string("a\r\n\t\\\0{\xff", 8)}});
}

TEST_CASE("C: variables are kept by name between the bytes", "[scenario]") {
    std::string error;
    auto text = parse_send_text("AUTH PLAIN {user}{password}}", error);
    REQUIRE(text.has_value());
    CHECK(*text == Text{{Piece::Kind::bytes, "AUTH PLAIN "},
                        {Piece::Kind::variable, "user"},
                        {Piece::Kind::variable, "password"},
                        {Piece::Kind::bytes, "}"}});
}

TEST_CASE("C: the AUTH variables derived from the credentials are known", "[scenario]") {
    std::string error;
    auto text = parse_send_text("AUTH PLAIN {auth-plain}", error);
    REQUIRE(text.has_value());
    CHECK(*text ==
          Text{{Piece::Kind::bytes, "AUTH PLAIN "}, {Piece::Kind::variable, "auth-plain"}});
    text = parse_send_text("{user-base64}{password-base64}", error);
    REQUIRE(text.has_value());
    CHECK(*text ==
          Text{{Piece::Kind::variable, "user-base64"}, {Piece::Kind::variable, "password-base64"}});
    CHECK(is_credential_variable("auth-plain"));
    CHECK(is_credential_variable("user"));
    CHECK_FALSE(is_credential_variable("rcpt"));
    CHECK(send_error("{auth-login}").rfind("{ starts a variable", 0) == 0);
}

TEST_CASE("C: escape and variable errors", "[scenario]") {
    CHECK(send_error("a\\") == "a line may not end in a lone \\ (write \\\\ for a backslash)");
    CHECK(send_error("\\xZ0") == "\\x needs two hex digits, as in \\x00");
    CHECK(send_error("\\0") == "unknown escape \\0 (use \\r \\n \\t \\\\ or \\xHH)");
    const std::string variable_error =
        "{ starts a variable: {client} {from} {rcpt} {rcpt-domain} {user} {password} {auth-plain} "
        "{user-base64} or {password-base64} (write \\x7b for a literal brace)";
    CHECK(send_error("{host}") == variable_error);
    CHECK(send_error("{rcpt") == variable_error);
}

TEST_CASE("S: codes, classes and alternatives", "[scenario]") {
    auto alts = alternatives("503 | 5xx | 25x");
    REQUIRE(alts.size() == 3);
    CHECK(alts[0].code.pattern == "503");
    CHECK(alts[1].code.pattern == "5xx");
    CHECK(alts[2].code.pattern == "25x");
    CHECK(alts[0].lines.empty());
    CHECK(alts[0].verdict == Verdict::pass);
}

TEST_CASE("S: a verdict belongs to the alternative it follows", "[scenario]") {
    auto alts = alternatives("250 | 500 => WARN | 502 => INFO | 251 => PASS | 554 => FAIL");
    REQUIRE(alts.size() == 5);
    CHECK(alts[0].verdict == Verdict::pass);
    CHECK(alts[1].verdict == Verdict::warn);
    CHECK(alts[2].verdict == Verdict::info);
    CHECK(alts[3].verdict == Verdict::pass);
    CHECK(alts[4].verdict == Verdict::fail);
}

TEST_CASE("S: enhanced codes and text patterns", "[scenario]") {
    auto alts = alternatives("250 2.1.0 *ok* | 5xx 5.x.x | 220 *\\|\\* \\+1");
    REQUIRE(alts.size() == 3);
    CHECK(alts[0].enhanced == "2.1.0");
    CHECK(alts[0].lines == std::vector<std::string>{"*ok*"});
    CHECK_FALSE(alts[0].exact_lines);
    CHECK(alts[1].enhanced == "5.x.x");
    CHECK(alts[1].lines.empty());
    CHECK(alts[2].enhanced.empty());
    CHECK(alts[2].lines == std::vector<std::string>{"*|\\* +1"});
    CHECK(alternatives("250 a\\=>b")[0].lines == std::vector<std::string>{"a=>b"});
    // Two dots make an enhanced code; one dot is text.
    CHECK(alternatives("250 2.1")[0].lines == std::vector<std::string>{"2.1"});
}

TEST_CASE("S: EHLO keyword checks", "[scenario]") {
    auto alts = alternatives("250 +pipelining -CHUNKING +8BITMIME");
    REQUIRE(alts.size() == 1);
    CHECK(alts[0].keywords ==
          std::vector<KeywordCheck>{{"PIPELINING", true}, {"CHUNKING", false}, {"8BITMIME", true}});
    CHECK(alts[0].lines.empty());
}

TEST_CASE("S: <close> expects the server to close", "[scenario]") {
    auto alts = alternatives("421 | <close> => WARN");
    REQUIRE(alts.size() == 2);
    CHECK_FALSE(alts[0].close);
    CHECK(alts[1].close);
    CHECK(alts[1].verdict == Verdict::warn);
}

TEST_CASE("S: a continued line starts a multi-line reply", "[scenario]") {
    std::string error;
    auto line = parse_reply_line("250-mx.example greets you", false, error);
    REQUIRE(line.has_value());
    CHECK(line->continues);
    const auto& alt = line->expect.alternatives.at(0);
    CHECK(alt.exact_lines);
    CHECK(alt.lines == std::vector<std::string>{"mx.example greets you"});
    auto last = parse_reply_line("250 2.0.0 +X", true, error);
    REQUIRE(last.has_value());
    CHECK_FALSE(last->continues);
    CHECK(last->expect.alternatives.at(0).lines == std::vector<std::string>{"2.0.0 +X"});
    CHECK(last->expect.alternatives.at(0).keywords.empty());
}

TEST_CASE("S: errors name what is wrong", "[scenario]") {
    CHECK(reply_error("") == "S: needs a reply code (250), a class (2xx) or <close>");
    CHECK(reply_error("250 |") == "empty alternative: write a reply between each |");
    CHECK(reply_error("2x0") ==
          "'2x0' does not start with a reply code: write 250, 25x, 2xx or <close>");
    CHECK(reply_error("199") ==
          "'199' does not start with a reply code: write 250, 25x, 2xx or <close>");
    CHECK(reply_error("2500") ==
          "a reply code has three characters, then a space, a - or the end of the line");
    CHECK(reply_error("250 => OK") ==
          "unknown verdict 'OK' after => (use PASS, WARN, INFO or FAIL)");
    CHECK(reply_error("250 3.1.0") ==
          "'3.1.0' is not an enhanced status code (class 2, 4 or 5, as in 2.1.0 or 5.x.x)");
    CHECK(reply_error("250 5.1.0") ==
          "enhanced code 5.1.0 does not agree with reply code 250 (RFC 3463 §2)");
    CHECK(reply_error("250 +PIPE LINING") ==
          "'LINING' is not a keyword check like +PIPELINING or -CHUNKING (write \\+ or \\- to "
          "start a text pattern)");
    CHECK(reply_error("250-a | 250") == "a line of a multi-line reply takes no alternatives");
}

TEST_CASE("EHLO keywords follow RFC 5321 §4.1.1.1", "[scenario]") {
    CHECK(is_ehlo_keyword("8BITMIME"));
    CHECK(is_ehlo_keyword("X-EXPS"));
    CHECK_FALSE(is_ehlo_keyword("-X"));
    CHECK_FALSE(is_ehlo_keyword("SIZE=10"));
    CHECK_FALSE(is_ehlo_keyword(""));
}
