// Layer: protocol (sans-I/O). Citations of RFC sections as data: the section that governs a
// reply, a command or a trace line, written as the code writes every citation,
// "RFC 5321 §4.1.1.2" (docs/requirements.md, *How to cite*). Read here, and turned into ASCII
// for reply text, which may hold nothing else (RFC 5321 §4.2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ehlo::protocol {

/// An RFC and one of its sections, e.g. {"5321", "4.1.1.2"} or {"5321", "D.1"}; the section
/// is empty when the citation names only the RFC.
struct Citation {
    std::string_view rfc;
    std::string_view section;
};

/// Reads "RFC 5321 §4.1.1.2", or "RFC 5321" alone; also the notation of scenario refs (the
/// number, `#`, the section). Anything else, the empty string included, is no citation.
std::optional<Citation> parse_citation(std::string_view text);

/// The citation in the one spelling, "RFC 5321 §4.1.1.2" (or "RFC 5321"), whichever of the
/// spellings parse_citation reads `text` has; text that is no citation is returned unchanged.
std::string citation_text(std::string_view text);

/// The citation in ASCII, for the text of a reply: the word `section` instead of the section
/// sign, as in `RFC 5321 section 4.1.1.2`. Text that is no citation is returned unchanged.
std::string ascii_citation(std::string_view text);

}  // namespace ehlo::protocol
