// Unit tests of the syntax SMTP AUTH adds (protocol/auth_syntax.hpp): the arguments of the
// AUTH verb (RFC 4954 §4, RFC 4954 §8; mechanism names of RFC 4422 §3.1) and the AUTH= parameter of
// MAIL, an xtext (RFC 3461 §4) that decodes to a mailbox or "<>" (RFC 4954 §5).
#include <catch2/catch.hpp>

#include <string>

#include "protocol/auth_syntax.hpp"

using ehlo::protocol::is_auth_parameter;
using ehlo::protocol::is_mechanism_name;
using ehlo::protocol::parse_auth_arguments;
using ehlo::protocol::xtext_decode;

TEST_CASE("mechanism names of RFC 4422 §3.1, in any case", "[auth-syntax]") {
    CHECK(is_mechanism_name("PLAIN"));
    CHECK(is_mechanism_name("SCRAM-SHA-256"));
    CHECK(is_mechanism_name("cram-md5"));
    CHECK(is_mechanism_name("X_OWN_1"));
    CHECK(is_mechanism_name(std::string(20, 'A')));
    CHECK_FALSE(is_mechanism_name(std::string(21, 'A')));
    CHECK_FALSE(is_mechanism_name(""));
    CHECK_FALSE(is_mechanism_name("PLAIN="));
    CHECK_FALSE(is_mechanism_name("PL.AIN"));
}

TEST_CASE("AUTH arguments: a mechanism and an optional initial response", "[auth-syntax]") {
    auto bare = parse_auth_arguments("PLAIN");
    REQUIRE(bare);
    CHECK(bare->mechanism == "PLAIN");
    CHECK_FALSE(bare->initial_response);

    auto with = parse_auth_arguments("plain dGVzdAB0ZXN0ADEyMzQ=");
    REQUIRE(with);
    CHECK(with->mechanism == "plain");
    CHECK(with->initial_response == "dGVzdAB0ZXN0ADEyMzQ=");

    auto empty = parse_auth_arguments("EXTERNAL =");
    REQUIRE(empty);
    CHECK(empty->initial_response == "=");

    // The base64 is judged later, by the SASL layer (501 5.5.2): here it is one word.
    auto odd = parse_auth_arguments("PLAIN !!!");
    REQUIRE(odd);
    CHECK(odd->initial_response == "!!!");
}

TEST_CASE("AUTH arguments of any other shape are a syntax error", "[auth-syntax]") {
    CHECK_FALSE(parse_auth_arguments(""));
    CHECK_FALSE(parse_auth_arguments(" PLAIN"));
    CHECK_FALSE(parse_auth_arguments("PLAIN "));
    CHECK_FALSE(parse_auth_arguments("PLAIN  AAAA"));
    CHECK_FALSE(parse_auth_arguments("PLAIN AAAA BBBB"));
    CHECK_FALSE(parse_auth_arguments("PLAIN AA\tAA"));
    CHECK_FALSE(parse_auth_arguments("WAY-TOO-LONG-MECHANISM-NAME"));
}

TEST_CASE("xtext decoding (RFC 3461 §4)", "[auth-syntax]") {
    CHECK(xtext_decode("") == "");
    CHECK(xtext_decode("e+3Dmc2@example.com") == "e=mc2@example.com");
    CHECK(xtext_decode("a+2Bb") == "a+b");
    CHECK(xtext_decode("a+2bb") == "a+b");  // lower-case hex is taken too
    CHECK(xtext_decode("+C3+B6") == "\xc3\xb6");
    CHECK_FALSE(xtext_decode("a+b"));
    CHECK_FALSE(xtext_decode("a+"));
    CHECK_FALSE(xtext_decode("a+4"));
    CHECK_FALSE(xtext_decode("a=b"));
    CHECK_FALSE(xtext_decode("a b"));
    CHECK_FALSE(xtext_decode("a\x7f"));
    CHECK_FALSE(xtext_decode("\xc3\xb6"));
}

TEST_CASE("the AUTH= parameter is <> or a mailbox (RFC 4954 §5)", "[auth-syntax]") {
    CHECK(is_auth_parameter("<>"));
    CHECK(is_auth_parameter("e+3Dmc2@example.com"));
    CHECK(is_auth_parameter("john+2B@example.org"));
    CHECK(is_auth_parameter("user@[192.0.2.1]"));
    CHECK_FALSE(is_auth_parameter(""));
    CHECK_FALSE(is_auth_parameter("john"));
    CHECK_FALSE(is_auth_parameter("<john@example.org>"));
    CHECK_FALSE(is_auth_parameter("@a:john@example.org"));
    CHECK_FALSE(is_auth_parameter("Postmaster"));
    CHECK_FALSE(is_auth_parameter("+C3+B6@example.org"));  // a mailbox of RFC 5321 is ASCII
    CHECK_FALSE(is_auth_parameter("john+@example.org"));
}
