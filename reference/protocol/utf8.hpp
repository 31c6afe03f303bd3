// Layer: protocol (sans-I/O). A small validator of UTF-8 after RFC 3629 §4, for the
// UTF8-non-ascii of RFC 6532 §3.1 that RFC 6531 §3.3 lets into addresses. It checks that octets
// form well-formed UTF-8 only: which code points a label or local part may hold (the IDNA2008
// tables of RFC 5892, normalization) is left to the server's policy.
#pragma once

#include <cstddef>
#include <string_view>

namespace ehlo::protocol {

/// The length in octets (2 to 4) of the well-formed multi-octet UTF-8 sequence that starts
/// `text`, or 0 when `text` is empty, starts with an ASCII octet, or starts with an ill-formed
/// sequence: a stray continuation octet, a truncated sequence, an overlong form, a surrogate
/// (U+D800 to U+DFFF), or a code point past U+10FFFF RFC 3629 §4.
std::size_t utf8_non_ascii_length(std::string_view text);

/// Whether all of `text` is well-formed UTF-8 (ASCII included) RFC 3629 §4.
bool is_valid_utf8(std::string_view text);

}  // namespace ehlo::protocol
