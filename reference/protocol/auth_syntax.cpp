// Layer: protocol (sans-I/O). The argument syntax of AUTH (RFC 4954 §4, RFC 4954 §8; mechanism
// names of RFC 4422 §3.1) and the AUTH= parameter of MAIL (RFC 4954 §5, xtext of RFC 3461 §4).
// The initial response is only cut out of the line here: its base64 is judged by sasl/, so
// that bad base64 gets the 501 5.5.2 of RFC 4954 §4 rather than a generic syntax error.
#include "protocol/auth_syntax.hpp"

#include "protocol/address.hpp"
#include "protocol/grammar.hpp"

namespace ehlo::protocol {
namespace {

/// mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE (RFC 4422 §3.1), any case.
bool is_mech_char(char c) {
    return grammar::is_alpha(c) || grammar::is_digit(c) || c == '-' || c == '_';
}

/// xchar = %x21-2A / %x2C-3C / %x3E-7E: printable ASCII except "+" and "=" (RFC 3461 §4).
bool is_xchar(char c) {
    return c >= 0x21 && c <= 0x7e && c != '+' && c != '=';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return c - 'a' + 10;  // only called after is_hexdig()
}

}  // namespace

bool is_mechanism_name(std::string_view name) {
    if (name.empty() || name.size() > max_mechanism_name) return false;
    for (char c : name) {
        if (!is_mech_char(c)) return false;
    }
    return true;
}

std::optional<AuthArguments> parse_auth_arguments(std::string_view text) {
    // auth-command = "AUTH" SP sasl-mech [SP initial-response] (RFC 4954 §8).
    const auto space = text.find(' ');
    const std::string_view mechanism = text.substr(0, space);
    if (!is_mechanism_name(mechanism)) return std::nullopt;
    AuthArguments arguments{std::string(mechanism), std::nullopt};
    if (space == std::string_view::npos) return arguments;
    const std::string_view initial = text.substr(space + 1);
    if (initial.empty() || initial.find_first_of(" \t") != std::string_view::npos) {
        return std::nullopt;
    }
    arguments.initial_response = std::string(initial);
    return arguments;
}

std::optional<std::string> xtext_decode(std::string_view text) {
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_xchar(c)) {
            decoded.push_back(c);
            continue;
        }
        // hexchar = "+" HEXDIG HEXDIG; RFC 3461 §4 asks senders for upper case, and the
        // ABNF of RFC 4954 §8 lets a receiver take either.
        if (c != '+' || text.size() - i < 3 || !grammar::is_hexdig(text[i + 1]) ||
            !grammar::is_hexdig(text[i + 2])) {
            return std::nullopt;
        }
        decoded.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
        i += 2;
    }
    return decoded;
}

bool is_auth_parameter(std::string_view value) {
    // The decoded form is "<>" or a <mailbox>, never a path with a source route or the bare
    // Postmaster form (RFC 4954 §5, RFC 4954 §8).
    const auto decoded = xtext_decode(value);
    if (!decoded || decoded->empty()) return false;
    if (*decoded == "<>") return true;
    if (decoded->front() == '<' || decoded->front() == '@') return false;
    const auto path = parse_forward_path("<" + *decoded + ">");
    return path.value && !path.value->is_bare_postmaster();
}

}  // namespace ehlo::protocol
