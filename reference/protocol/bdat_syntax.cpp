// Layer: protocol (sans-I/O). The arguments of BDAT after RFC 3030 §2: chunk-size is
// 1*DIGIT (leading zeros allowed, as the ABNF does not forbid them), end-marker is "LAST",
// matched without regard to case. Trailing white space is removed by the command parser
// before these functions see the text.
#include "protocol/bdat_syntax.hpp"

#include <charconv>

#include "protocol/grammar.hpp"

namespace ehlo::protocol {

namespace {

/// The digits of `text` up to its end or its first SP, as a number; nothing if that part is
/// empty, holds a non-digit, or does not fit in 64 bits.
std::optional<std::uint64_t> leading_size(std::string_view text) {
    std::string_view digits = text.substr(0, text.find(' '));
    if (digits.empty()) return std::nullopt;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    std::uint64_t size = 0;
    auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
    if (error != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
    return size;
}

}  // namespace

std::optional<Bdat> parse_bdat_arguments(std::string_view text) {
    std::optional<std::uint64_t> size = leading_size(text);
    if (!size) return std::nullopt;
    Bdat bdat{*size, false};
    std::size_t space = text.find(' ');
    if (space == std::string_view::npos) return bdat;
    // Exactly one SP, then the end-marker and nothing else.
    if (!grammar::equal_ci(text.substr(space + 1), "LAST")) return std::nullopt;
    bdat.last = true;
    return bdat;
}

std::optional<std::uint64_t> announced_chunk_size(std::string_view text) {
    return leading_size(text);
}

}  // namespace ehlo::protocol
