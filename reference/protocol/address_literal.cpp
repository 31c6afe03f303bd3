// Layer: protocol (sans-I/O). Address literals after RFC 5321 §4.1.3: the bracketed IPv4
// dotted quad, the four "IPv6:" forms, and General-address-literal with a standardized tag.
// Checks the syntax only: whether a literal names this host is the server's business, and the
// IANA registry of tags (which holds only "IPv6") is not consulted beyond that one tag.
#include <cstddef>
#include <string_view>
#include <vector>

#include "protocol/grammar.hpp"

namespace ehlo::protocol::grammar {
namespace {

// dcontent = %d33-90 / %d94-126: printable US-ASCII except "[", "\" and "]".
bool is_dcontent(char c) {
    return c >= 33 && c <= 126 && c != '[' && c != '\\' && c != ']';
}

// The fields of `text` between each `separator`; empty fields are kept.
std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> fields;
    for (;;) {
        std::size_t at = text.find(separator);
        fields.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return fields;
        text.remove_prefix(at + 1);
    }
}

// Snum = 1*3DIGIT, a decimal value from 0 through 255 (leading zeros allowed: "010" is 10).
bool snum(std::string_view text) {
    if (text.empty() || text.size() > 3) return false;
    int value = 0;
    for (char c : text) {
        if (!is_digit(c)) return false;
        value = value * 10 + (c - '0');
    }
    return value <= 255;
}

// IPv6-hex = 1*4HEXDIG
bool ipv6_hex(std::string_view text) {
    if (text.empty() || text.size() > 4) return false;
    for (char c : text)
        if (!is_hexdig(c)) return false;
    return true;
}

// The hex groups on one side of "::" (or of a whole uncompressed address):
// [IPv6-hex *(":" IPv6-hex)], where the last field may be an IPv4-address-literal instead
// when `may_end_in_ipv4`. Counts the groups; the callers check the counts the forms allow.
struct Groups {
    bool ok = true;
    int hex = 0;        // IPv6-hex groups written
    bool ipv4 = false;  // ends in an IPv4-address-literal
};

Groups hex_groups(std::string_view text, bool may_end_in_ipv4) {
    Groups groups;
    if (text.empty()) return groups;
    std::vector<std::string_view> fields = split(text, ':');
    for (std::size_t i = 0; i < fields.size(); ++i) {
        bool last = i + 1 == fields.size();
        if (last && may_end_in_ipv4 && fields[i].find('.') != std::string_view::npos) {
            groups.ipv4 = true;
            groups.ok = groups.ok && ipv4_address_literal(fields[i]);
        } else if (ipv6_hex(fields[i])) {
            ++groups.hex;
        } else {
            groups.ok = false;
        }
    }
    return groups;
}

// Standardized-tag = Ldh-str (the whole text)
bool standardized_tag(std::string_view text) {
    Scanner s(text);
    return ldh_str(s) && s.at_end();
}

// General-address-literal = Standardized-tag ":" 1*dcontent. The caller has already checked
// that every octet is dcontent. "IPv6" is the one registered tag (RFC 5321 §4.1.3): a literal
// with that tag (in any case, as ABNF strings are) is an IPv6-address-literal and must hold a
// valid IPv6-addr, so that "[IPv6:zzz]" cannot slip through as a general literal.
bool general_address_literal(std::string_view text) {
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view tag = text.substr(0, colon);
    std::string_view content = text.substr(colon + 1);
    if (!standardized_tag(tag) || content.empty()) return false;
    if (equal_ci(tag, "IPv6")) return ipv6_addr(content);
    return true;
}

}  // namespace

// IPv4-address-literal = Snum 3("." Snum)
bool ipv4_address_literal(std::string_view text) {
    std::vector<std::string_view> fields = split(text, '.');
    if (fields.size() != 4) return false;
    for (std::string_view field : fields)
        if (!snum(field)) return false;
    return true;
}

// IPv6-addr = IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp
bool ipv6_addr(std::string_view text) {
    std::size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        // IPv6-full   = IPv6-hex 7(":" IPv6-hex)
        // IPv6v4-full = IPv6-hex 5(":" IPv6-hex) ":" IPv4-address-literal
        Groups all = hex_groups(text, true);
        return all.ok && all.hex == (all.ipv4 ? 6 : 8);
    }
    // IPv6-comp and IPv6v4-comp. The "::" stands for at least two groups of zeros, so at most
    // six hex groups may be written around it, or four beside an IPv4 address (the comments
    // to both rules in RFC 5321 §4.1.3). A second "::" leaves an empty field on the right.
    Groups left = hex_groups(text.substr(0, gap), false);
    Groups right = hex_groups(text.substr(gap + 2), true);
    int limit = right.ipv4 ? 4 : 6;
    return left.ok && right.ok && left.hex + right.hex <= limit;
}

// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
//                         General-address-literal ) "]"
// The IPv6 form is a general literal with the tag "IPv6" (see general_address_literal), and
// only the IPv4 form has no colon, so the colon tells the forms apart.
bool address_literal(Scanner& s) {
    std::size_t start = s.pos();
    if (!s.eat('[')) return false;
    std::size_t content_start = s.pos();
    s.eat_while(is_dcontent);
    std::string_view content = s.since(content_start);
    bool colon = content.find(':') != std::string_view::npos;
    bool valid = colon ? general_address_literal(content) : ipv4_address_literal(content);
    if (valid && s.eat(']')) return true;
    s.reset(start);
    return false;
}

}  // namespace ehlo::protocol::grammar
