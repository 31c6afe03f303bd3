// Unit tests of client/extensions: the keywords of a reply to EHLO (RFC 5321 §4.1.1.1) and
// the ones the client acts on (RFC 2920, 3030, 1870, 6152, 6531, 3461, 3207, 4954).
#include <catch2/catch.hpp>

#include "client/extensions.hpp"

using ehlo::client::parse_extensions;
using ehlo::wire::WireReply;

TEST_CASE("the keywords of a typical EHLO reply", "[client][extensions]") {
    WireReply reply{
        250,
        {"mx.example.test", "PIPELINING", "SIZE 10240000", "8BITMIME", "SMTPUTF8", "CHUNKING",
         "DSN", "STARTTLS", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN SCRAM-SHA-256"}};
    auto offered = parse_extensions(reply);
    CHECK(offered.pipelining);
    CHECK(offered.chunking);
    CHECK(offered.eight_bit_mime);
    CHECK(offered.smtputf8);
    CHECK(offered.dsn);
    CHECK(offered.starttls);
    CHECK(offered.enhanced_status_codes);
    REQUIRE(offered.size);
    CHECK(*offered.size == 10240000);
    CHECK(offered.auth == std::vector<std::string>{"PLAIN", "LOGIN", "SCRAM-SHA-256"});
    CHECK(offered.keywords.size() == 9);
}

TEST_CASE("keywords compare without regard to case; the first line is no keyword",
          "[client][extensions]") {
    auto offered = parse_extensions(
        {250, {"PIPELINING greets you", "pipelining", "Size", "auth=login plain", "auth login"}});
    CHECK(offered.pipelining);
    REQUIRE(offered.size);
    CHECK(*offered.size == 0);  // SIZE without a limit
    CHECK(offered.auth == std::vector<std::string>{"LOGIN", "PLAIN"});
}

TEST_CASE("a bare 250 or junk lines offer nothing", "[client][extensions]") {
    auto bare = parse_extensions({250, {""}});
    CHECK_FALSE(bare.pipelining);
    CHECK_FALSE(bare.size);
    auto junk = parse_extensions({250, {"hi", "", "  ", "-BAD", "X_Y", "SIZE junk"}});
    CHECK(junk.keywords == std::vector<std::string>{"SIZE"});
    REQUIRE(junk.size);
    CHECK(*junk.size == 0);
}
