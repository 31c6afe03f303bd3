// Layer: protocol (sans-I/O). Citations of RFC sections as data: see citation.hpp.
#include "protocol/citation.hpp"

namespace ehlo::protocol {

namespace {

constexpr std::string_view section_sign = "\u00A7";  // §, two octets in UTF-8

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_number(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text)
        if (!is_digit(c)) return false;
    return true;
}

/// Numbers separated by dots ("4.1.1.2"), or an appendix letter first ("D", "D.1").
bool is_section(std::string_view text) {
    if (text.empty()) return false;
    std::size_t start = 0;
    if (text[0] >= 'A' && text[0] <= 'Z') {
        if (text.size() == 1) return true;
        if (text[1] != '.') return false;
        start = 2;
    }
    std::string_view rest = text.substr(start);
    while (true) {
        std::size_t dot = rest.find('.');
        if (!is_number(rest.substr(0, dot))) return false;
        if (dot == std::string_view::npos) return true;
        rest.remove_prefix(dot + 1);
    }
}

}  // namespace

std::optional<Citation> parse_citation(std::string_view text) {
    constexpr std::string_view prefix = "RFC ";
    if (text.starts_with(prefix)) {
        text.remove_prefix(prefix.size());
        std::size_t space = text.find(' ');
        std::string_view rfc = text.substr(0, space);
        if (!is_number(rfc)) return std::nullopt;
        if (space == std::string_view::npos) return Citation{rfc, {}};
        std::string_view rest = text.substr(space + 1);
        if (!rest.starts_with(section_sign)) return std::nullopt;
        rest.remove_prefix(section_sign.size());
        if (!is_section(rest)) return std::nullopt;
        return Citation{rfc, rest};
    }
    std::size_t hash = text.find('#');
    if (hash == std::string_view::npos) return std::nullopt;
    std::string_view rfc = text.substr(0, hash), section = text.substr(hash + 1);
    if (!is_number(rfc) || !is_section(section)) return std::nullopt;
    return Citation{rfc, section};
}

std::string citation_text(std::string_view text) {
    std::optional<Citation> citation = parse_citation(text);
    if (!citation) return std::string(text);
    std::string written = "RFC " + std::string(citation->rfc);
    if (!citation->section.empty())
        written += " " + std::string(section_sign) + std::string(citation->section);
    return written;
}

std::string ascii_citation(std::string_view text) {
    std::optional<Citation> citation = parse_citation(text);
    if (!citation) return std::string(text);
    std::string written = "RFC " + std::string(citation->rfc);
    if (!citation->section.empty()) written += " section " + std::string(citation->section);
    return written;
}

}  // namespace ehlo::protocol
