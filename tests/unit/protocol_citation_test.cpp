// Citations of RFC sections as data (protocol/citation.hpp): the one spelling read and
// written, the scenario notation read, anything else left alone, and the ASCII form that a
// reply's text can carry.
#include <catch2/catch.hpp>

#include "protocol/citation.hpp"

using ehlo::protocol::ascii_citation;
using ehlo::protocol::citation_text;
using ehlo::protocol::parse_citation;

TEST_CASE("a citation is read with its RFC and its section") {
    auto citation = parse_citation("RFC 5321 §4.1.1.10");
    REQUIRE(citation);
    CHECK(citation->rfc == "5321");
    CHECK(citation->section == "4.1.1.10");
    auto appendix = parse_citation("RFC 5321 §D.1");
    REQUIRE(appendix);
    CHECK(appendix->section == "D.1");
    auto whole = parse_citation("RFC 2920");
    REQUIRE(whole);
    CHECK(whole->rfc == "2920");
    CHECK(whole->section.empty());
}

TEST_CASE("the notation of scenario refs is read too") {
    auto citation = parse_citation("3207#4.2");  // citations: keep (a scenario ref)
    REQUIRE(citation);
    CHECK(citation->rfc == "3207");
    CHECK(citation->section == "4.2");
    CHECK(citation_text("3207#4.2") == "RFC 3207 §4.2");  // citations: keep (a scenario ref)
}

TEST_CASE("what is no citation is not read") {
    for (const char* text : {"RFC x §4", "5321#",  // citations: keep (no citations at all)
                             "", "RFC", "RFC 5321 ", "RFC 5321 section 4.2", "RFC 5321 §",
                             "RFC 5321 §4.", "RFC 5321 §4..1", "RFC 5321 §d.1", "#4.2", "mutant"}) {
        INFO(text);
        CHECK_FALSE(parse_citation(text));
        CHECK(citation_text(text) == text);
        CHECK(ascii_citation(text) == text);
    }
}

TEST_CASE("a reply gets the citation in ASCII") {
    CHECK(ascii_citation("RFC 5321 §4.1.1.2") == "RFC 5321 section 4.1.1.2");
    CHECK(ascii_citation("RFC 3030 §2") == "RFC 3030 section 2");
    CHECK(ascii_citation("RFC 6531") == "RFC 6531");
}
