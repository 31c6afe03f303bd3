// Layer: server (sans-I/O). The text of `--trace`: see trace_format.hpp.
#include "server/trace_format.hpp"

#include <cstdio>

#include "protocol/citation.hpp"

namespace ehlo::server {

namespace {

std::string prefix(std::uint64_t connection_id, std::string_view marker) {
    std::string text = "[" + std::to_string(connection_id) + "] ";
    text += marker;
    text += ' ';
    return text;
}

/// Pads `left` to the citation column (or two spaces past it) and appends the citation.
std::string with_citation(std::string left, std::string_view section) {
    std::string citation = rfc_citation(section);
    if (citation.empty()) return left;
    std::size_t width =
        left.size() + 2 > trace_citation_column ? left.size() + 2 : trace_citation_column;
    left.resize(width, ' ');
    return left + citation;
}

}  // namespace

std::string rfc_citation(std::string_view section) {
    return protocol::citation_text(section);
}

std::string printable(std::string_view text) {
    std::string shown;
    shown.reserve(text.size());
    for (char c : text) {
        auto octet = static_cast<unsigned char>(c);
        if (c == '\r') {
            shown += "\\r";
        } else if (c == '\n') {
            shown += "\\n";
        } else if (octet < 0x20 || octet == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", octet);
            shown += escaped;
        } else {
            shown += c;
        }
    }
    return shown;
}

std::string format_trace_line(std::uint64_t connection_id, const TraceLine& line) {
    std::string marker{line.direction, ':'};
    std::string head = prefix(connection_id, marker);
    std::string printed;
    std::string_view rest = line.text;
    bool first = true;
    // A multi-line text (a reply given whole) becomes one printed line per CRLF-ended line.
    for (;;) {
        std::size_t end = rest.find("\r\n");
        std::string left = head + printable(rest.substr(0, end));
        if (!first) printed += '\n';
        printed += first ? with_citation(std::move(left), line.section) : left;
        first = false;
        if (end == std::string_view::npos || end + 2 == rest.size()) break;
        rest.remove_prefix(end + 2);
    }
    return printed;
}

std::string format_trace_note(std::uint64_t connection_id, std::string_view note) {
    return prefix(connection_id, "--") + printable(note);
}

}  // namespace ehlo::server
