// Layer: client (sans-I/O). The text of ehlo-send's `--trace`: see trace.hpp.
#include "client/trace.hpp"

#include <cstdio>

#include "protocol/citation.hpp"

namespace ehlo::client {

namespace {

std::string printable(std::string_view text) {
    std::string shown;
    for (char c : text) {
        auto octet = static_cast<unsigned char>(c);
        if (c == '\r')
            shown += "\\r";
        else if (c == '\n')
            shown += "\\n";
        else if (octet < 0x20 || octet == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", octet);
            shown += escaped;
        } else {
            shown += c;
        }
    }
    return shown;
}

}  // namespace

std::string format_trace_line(char direction, std::string_view text, std::string_view section) {
    std::string line = std::string("[1] ") + direction + ": " + printable(text);
    std::string cited = protocol::citation_text(section);
    if (cited.empty()) return line;
    std::size_t width = std::max(line.size() + 2, trace_citation_column);
    line.resize(width, ' ');
    return line + cited;
}

std::string format_trace_reply(const wire::WireReply& reply, std::string_view section) {
    std::string printed;
    std::string code = std::to_string(reply.code);
    for (std::size_t i = 0; i < reply.lines.size(); ++i) {
        bool last = i + 1 == reply.lines.size();
        std::string text =
            code + (last ? (reply.lines[i].empty() ? "" : " ") : "-") + reply.lines[i];
        if (i > 0) printed += '\n';
        printed += format_trace_line('S', text, i == 0 ? section : std::string_view());
    }
    if (reply.lines.empty()) printed = format_trace_line('S', code, section);
    return printed;
}

std::string format_trace_note(std::string_view note) {
    return "[1] -- " + printable(note);
}

}  // namespace ehlo::client
