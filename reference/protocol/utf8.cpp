// Layer: protocol (sans-I/O). Well-formed UTF-8 after the ABNF of RFC 3629 §4, which
// RFC 6532 §3.1 names UTF8-non-ascii for its multi-octet part. The table below follows that ABNF
// row by row, so overlongs, surrogates and code points past U+10FFFF are refused by construction.
#include "protocol/utf8.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace ehlo::protocol {
namespace {

// One row of RFC 3629 §4: a lead octet range, the number of octets, and the range the second
// octet must fall in (the third and fourth are always UTF8-tail, %x80-BF).
struct Form {
    unsigned char lead_low, lead_high;
    std::size_t length;
    unsigned char second_low, second_high;
};

// UTF8-2 = %xC2-DF UTF8-tail
// UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
//          %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
// UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
//          %xF4 %x80-8F 2( UTF8-tail )
// C0, C1 (overlong two-octet forms) and F5-FF lead nothing; E0 and F0 restrict the second octet
// against overlongs, ED against surrogates, F4 against code points past U+10FFFF.
constexpr std::array<Form, 8> forms = {{
    {0xC2, 0xDF, 2, 0x80, 0xBF},
    {0xE0, 0xE0, 3, 0xA0, 0xBF},
    {0xE1, 0xEC, 3, 0x80, 0xBF},
    {0xED, 0xED, 3, 0x80, 0x9F},
    {0xEE, 0xEF, 3, 0x80, 0xBF},
    {0xF0, 0xF0, 4, 0x90, 0xBF},
    {0xF1, 0xF3, 4, 0x80, 0xBF},
    {0xF4, 0xF4, 4, 0x80, 0x8F},
}};

unsigned char octet(std::string_view text, std::size_t i) {
    return static_cast<unsigned char>(text[i]);
}

// UTF8-tail = %x80-BF
bool is_tail(unsigned char c) {
    return c >= 0x80 && c <= 0xBF;
}

bool matches(const Form& form, std::string_view text) {
    if (text.size() < form.length) return false;
    unsigned char second = octet(text, 1);
    if (second < form.second_low || second > form.second_high) return false;
    for (std::size_t i = 2; i < form.length; ++i)
        if (!is_tail(octet(text, i))) return false;
    return true;
}

}  // namespace

// UTF8-non-ascii = UTF8-2 / UTF8-3 / UTF8-4 (RFC 6532 §3.1)
std::size_t utf8_non_ascii_length(std::string_view text) {
    if (text.empty()) return 0;
    unsigned char lead = octet(text, 0);
    for (const Form& form : forms)
        if (lead >= form.lead_low && lead <= form.lead_high)
            return matches(form, text) ? form.length : 0;
    return 0;  // ASCII, a stray UTF8-tail, or a lead octet that is never valid
}

// UTF8-octets = *( UTF8-char ), UTF8-char = UTF8-1 / UTF8-2 / UTF8-3 / UTF8-4
bool is_valid_utf8(std::string_view text) {
    while (!text.empty()) {
        std::size_t length = octet(text, 0) < 0x80 ? 1 : utf8_non_ascii_length(text);
        if (length == 0) return false;
        text.remove_prefix(length);
    }
    return true;
}

}  // namespace ehlo::protocol
