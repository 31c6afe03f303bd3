// Unit tests for protocol/utf8: the well-formed UTF-8 of RFC 3629 §4 at every boundary of its
// ABNF, every class of ill-formed input (stray tails, truncation, overlongs, surrogates, code
// points past U+10FFFF), a comparison with a plain bit-level decoder over every two- and
// three-octet input, and each ill-formed class as it reaches the address parser, where
// RFC 6531 §3.3 lets UTF-8 in (invalid_utf8 with UTF-8 allowed, non_ascii without); and the
// limits of RFC 5321 §4.5.3.1, still counted in octets when characters take several.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "address_samples.hpp"
#include "protocol/address.hpp"
#include "protocol/utf8.hpp"

using namespace ehlo::protocol;

using ehlo::test::domain_of_length;

namespace {

struct Sample {
    std::string_view octets;
    std::string_view what;
};

// Every class of ill-formed UTF-8, each as a whole text.
constexpr Sample ill_formed[] = {
    {"\x80", "a stray tail octet"},
    {"\xbf", "a stray tail octet at the top of the range"},
    {"\xc3", "a lead octet at the end"},
    {"\xe2\x82", "a three-octet sequence cut short"},
    {"\xf0\x9f\x98", "a four-octet sequence cut short"},
    {"\xc3\x41", "a lead octet followed by ASCII"},
    {"\xc3\xc3\xa9", "a lead octet followed by another lead"},
    {"\xc0\x80", "an overlong NUL"},
    {"\xc1\xbf", "an overlong two-octet form"},
    {"\xe0\x80\x80", "an overlong three-octet form"},
    {"\xe0\x9f\xbf", "the largest overlong three-octet form"},
    {"\xf0\x80\x80\x80", "an overlong four-octet form"},
    {"\xf0\x8f\xbf\xbf", "the largest overlong four-octet form"},
    {"\xed\xa0\x80", "the first surrogate, U+D800"},
    {"\xed\xbf\xbf", "the last surrogate, U+DFFF"},
    {"\xf4\x90\x80\x80", "U+110000, past the last code point"},
    {"\xf5\x80\x80\x80", "a lead octet past F4"},
    {"\xf8\x88\x80\x80\x80", "a five-octet form of the old UTF-8"},
    {"\xfe", "the octet FE"},
    {"\xff", "the octet FF"},
};

// An independent reference: decode by the bit patterns, then check the code point's range.
// Returns the length of the well-formed multi-octet sequence at the start, or 0.
std::size_t reference_length(std::string_view text) {
    if (text.empty()) return 0;
    auto at = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
    std::uint32_t lead = at(0);
    std::size_t length = (lead & 0xE0) == 0xC0   ? 2
                         : (lead & 0xF0) == 0xE0 ? 3
                         : (lead & 0xF8) == 0xF0 ? 4
                                                 : 0;
    if (length == 0 || text.size() < length) return 0;
    std::uint32_t code = lead & (0x7F >> length);
    for (std::size_t i = 1; i < length; ++i) {
        if ((at(i) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (at(i) & 0x3F);
    }
    constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || code > 0x10FFFF) return 0;
    if (code >= 0xD800 && code <= 0xDFFF) return 0;
    return length;
}

}  // namespace

TEST_CASE("Well-formed UTF-8 at every boundary of RFC 3629", "[utf8][rfc3629-4]") {
    for (Sample good : {
             Sample{"\xc2\x80", "U+0080, the first two-octet character"},
             Sample{"\xdf\xbf", "U+07FF, the last two-octet character"},
             Sample{"\xe0\xa0\x80", "U+0800, the first three-octet character"},
             Sample{"\xed\x9f\xbf", "U+D7FF, just below the surrogates"},
             Sample{"\xee\x80\x80", "U+E000, just above the surrogates"},
             Sample{"\xef\xbf\xbf", "U+FFFF"},
             Sample{"\xf0\x90\x80\x80", "U+10000, the first four-octet character"},
             Sample{"\xf4\x8f\xbf\xbf", "U+10FFFF, the last code point"},
         }) {
        INFO(good.what);
        CHECK(utf8_non_ascii_length(good.octets) == good.octets.size());
        CHECK(is_valid_utf8(good.octets));
    }
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ASCII\x01\x7f"));
    CHECK(is_valid_utf8("j\xc3\xb6rg \xe2\x82\xac \xf0\x9f\x98\x80."));
    // Only the first sequence is measured, and ASCII is no UTF8-non-ascii.
    CHECK(utf8_non_ascii_length("\xc3\xa9\xc3\xa9") == 2);
    CHECK(utf8_non_ascii_length("\xe2\x82\xac!") == 3);
    CHECK(utf8_non_ascii_length("a\xc3\xa9") == 0);
    CHECK(utf8_non_ascii_length("") == 0);
}

TEST_CASE("Every class of ill-formed UTF-8 is refused", "[utf8][rfc3629-4]") {
    for (Sample bad : ill_formed) {
        INFO(bad.what);
        CHECK(utf8_non_ascii_length(bad.octets) == 0);
        CHECK_FALSE(is_valid_utf8(bad.octets));
        // Wherever it stands among good text.
        CHECK_FALSE(is_valid_utf8("ok \xc3\xa9 " + std::string(bad.octets)));
        CHECK_FALSE(is_valid_utf8(std::string(bad.octets) + " \xc3\xa9 ok"));
    }
}

TEST_CASE("The validator agrees with a bit-level decoder", "[utf8][rfc3629-4]") {
    std::string text(3, '\0');
    std::size_t mismatches = 0;
    for (std::uint32_t n = 0; n < (1u << 24); ++n) {
        text[0] = static_cast<char>(n >> 16);
        text[1] = static_cast<char>(n >> 8);
        text[2] = static_cast<char>(n);
        if (utf8_non_ascii_length(text) != reference_length(text)) ++mismatches;
        if (utf8_non_ascii_length(text.substr(0, 2)) != reference_length(text.substr(0, 2)))
            ++mismatches;
    }
    CHECK(mismatches == 0);
    // Four-octet leads with every second octet and tails at and past the tail range.
    for (std::uint32_t lead = 0xF0; lead <= 0xFF; ++lead)
        for (std::uint32_t second = 0; second <= 0xFF; ++second)
            for (char tail : {'\x80', '\xbf', '\x7f', '\xc0'}) {
                std::string four = {static_cast<char>(lead), static_cast<char>(second), '\x80',
                                    tail};
                INFO(lead << " " << second);
                CHECK(utf8_non_ascii_length(four) == reference_length(four));
            }
}

TEST_CASE("Ill-formed UTF-8 in a path is its own error", "[utf8][address][rfc6531-3.3]") {
    AddressSyntax utf8{.utf8 = true};
    for (Sample bad : ill_formed) {
        INFO(bad.what);
        std::string octets(bad.octets);
        for (std::string path : {"<j" + octets + "rg@example.com>", "<u@ex" + octets + "ample.com>",
                                 "<\"" + octets + "\"@example.com>",
                                 "<@r" + octets + ":u@example.com>", "<u@example.com>" + octets}) {
            INFO(path);
            CHECK(parse_forward_path(path, utf8).error == AddressError::invalid_utf8);
            CHECK(parse_reverse_path(path, utf8).error == AddressError::invalid_utf8);
            // Without UTF-8 allowed, every 8-bit octet stays non_ascii.
            CHECK(parse_forward_path(path).error == AddressError::non_ascii);
            CHECK(parse_reverse_path(path).error == AddressError::non_ascii);
        }
        CHECK_FALSE(is_domain("ex" + octets + "ample.com", utf8));
    }
}

TEST_CASE("UTF-8 paths are limited in octets, not characters", "[address][rfc6531-3.3]") {
    AddressSyntax utf8{.utf8 = true};
    std::string e_acute = "\xc3\xa9";  // two octets, one character
    std::string local;
    for (int i = 0; i < 32; ++i)
        local += e_acute;  // 64 octets, 32 characters
    CHECK(parse_forward_path("<" + local + "@example.com>", utf8).error == AddressError::none);
    CHECK(parse_forward_path("<" + local + "l@example.com>", utf8).error ==
          AddressError::local_part_too_long);
    // 21 three-octet characters and a letter: 64 octets; one more character is 67.
    std::string euro = "\xe2\x82\xac";
    std::string euros;
    for (int i = 0; i < 21; ++i)
        euros += euro;
    CHECK(parse_forward_path("<l" + euros + "@example.com>", utf8).error == AddressError::none);
    CHECK(parse_forward_path("<" + euro + euros + "@example.com>", utf8).error ==
          AddressError::local_part_too_long);

    // A domain of 255 octets, most of them in two-octet characters: far fewer characters.
    std::string domain = "d";
    for (int i = 0; i < 127; ++i)
        domain += (i % 30 == 29) ? std::string(".d") : e_acute;
    domain.resize(255, 'd');
    REQUIRE(is_domain(domain, utf8));
    CHECK_FALSE(is_domain(domain + "d", utf8));
    CHECK(parse_forward_path("<u@" + domain + "d>", utf8).error == AddressError::domain_too_long);

    // The path limit: 256 octets with the angle brackets.
    std::string at_limit = "<" + local + "@" + domain_of_length(189) + ">";
    REQUIRE(at_limit.size() == 256);
    CHECK(parse_forward_path(at_limit, utf8).error == AddressError::none);
    std::string past = "<" + local + "@" + domain_of_length(190) + ">";
    CHECK(parse_forward_path(past, utf8).error == AddressError::path_too_long);
}
