// Unit tests of the BDAT arguments (RFC 3030 §2): chunk-size as 1*DIGIT, an optional LAST in
// any case, and the announced size that a server needs to discard a refused chunk even when
// the rest of the line is malformed.
#include <catch2/catch.hpp>

#include <string>

#include "protocol/bdat_syntax.hpp"

namespace {

using ehlo::protocol::announced_chunk_size;
using ehlo::protocol::Bdat;
using ehlo::protocol::parse_bdat_arguments;

void accepted(std::string_view text, std::uint64_t size, bool last) {
    INFO("BDAT " << text);
    auto parsed = parse_bdat_arguments(text);
    REQUIRE(parsed);
    CHECK(parsed->chunk_size == size);
    CHECK(parsed->last == last);
    CHECK(announced_chunk_size(text) == size);
}

}  // namespace

TEST_CASE("BDAT chunk-size [LAST] parses", "[protocol][bdat]") {
    accepted("86", 86, false);
    accepted("86 LAST", 86, true);
    accepted("0 LAST", 0, true);
    accepted("0", 0, false);
    accepted("007", 7, false);
    accepted("18446744073709551615", 18446744073709551615ull, false);
}

TEST_CASE("the end-marker LAST is matched in any case", "[protocol][bdat]") {
    accepted("5 last", 5, true);
    accepted("5 LaSt", 5, true);
}

TEST_CASE("malformed BDAT arguments are syntax errors", "[protocol][bdat]") {
    for (std::string_view text : {"", "LAST", " 5", "5x", "-5", "+5", "5.0", "0x10", "5 LAST X",
                                  "5 FIRST", "5  LAST", "5 LASTX", "5 ", "5\tLAST"}) {
        INFO("BDAT " << text);
        CHECK_FALSE(parse_bdat_arguments(text));
    }
}

TEST_CASE("a size too large for 64 bits is not readable", "[protocol][bdat]") {
    CHECK_FALSE(parse_bdat_arguments("18446744073709551616"));
    CHECK_FALSE(announced_chunk_size("18446744073709551616 LAST"));
    CHECK_FALSE(announced_chunk_size("99999999999999999999999999"));
}

TEST_CASE("the announced size is read even when the rest of the line is wrong",
          "[protocol][bdat]") {
    // The chunk of a malformed BDAT is still discarded before the 501 (RFC 3030 §2).
    CHECK(announced_chunk_size("10 LASTX") == 10u);
    CHECK(announced_chunk_size("10 LAST MORE") == 10u);
    CHECK(announced_chunk_size("10  LAST") == 10u);
    // Without a readable size there is no chunk to discard.
    CHECK_FALSE(announced_chunk_size(""));
    CHECK_FALSE(announced_chunk_size("LAST"));
    CHECK_FALSE(announced_chunk_size("ten"));
    CHECK_FALSE(announced_chunk_size("10x LAST"));
    CHECK_FALSE(announced_chunk_size(" 10"));
}
