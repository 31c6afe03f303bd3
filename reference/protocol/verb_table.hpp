// Layer: protocol (sans-I/O). The verb table: one row per SMTP verb the reference server
// knows, with everything that is said of the verb itself: its name (RFC 5321 §2.4: compared
// without regard to case), the section that defines it (RFC 5321 §4.1.1 and the extensions' own),
// which HELP names (RFC 5321 §4.1.1.8), its syntax in short, and the EHLO keyword of the
// extension that offers it (STARTTLS of RFC 3207, AUTH of RFC 4954, CHUNKING of RFC 3030).
// The parser, HELP, the trace, the client, the mutants and the docs read it. Whether a verb
// may come in a state is the server's state table (server/state.hpp), not this one; parsing
// its arguments is command.cpp's.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ehlo::protocol {

/// The verbs the reference server knows, plus `unknown` for anything else. The order is the
/// verb table's.
enum class Verb {
    ehlo,
    helo,
    mail,
    rcpt,
    data,
    rset,
    noop,
    quit,
    vrfy,
    expn,
    help,
    starttls,
    auth,
    bdat,
    unknown
};
/// Every Verb, `unknown` included.
inline constexpr int verb_count = static_cast<int>(Verb::unknown) + 1;

/// What is said of one verb, independent of any session.
struct VerbRow {
    Verb verb;
    std::string_view name;     ///< as a client sends it, in upper case: "EHLO"
    std::string_view section;  ///< where it is defined, as the trace cites it: "RFC 5321 §4.1.1.1"
    std::string_view syntax;   ///< the command line in short, after its RFC's ABNF
    /// The EHLO keyword of the extension that offers the verb; empty for the verbs of
    /// RFC 5321 itself, which every session has.
    std::string_view extension;
};

// clang-format off
/// One row per known verb, in the order of Verb (`unknown` has none).
inline constexpr std::array<VerbRow, verb_count - 1> verb_table{{
    {Verb::ehlo, "EHLO", "RFC 5321 §4.1.1.1", "EHLO SP ( Domain / address-literal )", ""},
    {Verb::helo, "HELO", "RFC 5321 §4.1.1.1", "HELO SP Domain", ""},
    {Verb::mail, "MAIL", "RFC 5321 §4.1.1.2", "MAIL FROM:Reverse-path [SP Mail-parameters]", ""},
    {Verb::rcpt, "RCPT", "RFC 5321 §4.1.1.3", "RCPT TO:Forward-path [SP Rcpt-parameters]", ""},
    {Verb::data, "DATA", "RFC 5321 §4.1.1.4", "DATA", ""},
    {Verb::rset, "RSET", "RFC 5321 §4.1.1.5", "RSET", ""},
    {Verb::noop, "NOOP", "RFC 5321 §4.1.1.9", "NOOP [SP String]", ""},
    {Verb::quit, "QUIT", "RFC 5321 §4.1.1.10", "QUIT", ""},
    {Verb::vrfy, "VRFY", "RFC 5321 §4.1.1.6", "VRFY SP String", ""},
    {Verb::expn, "EXPN", "RFC 5321 §4.1.1.7", "EXPN SP String", ""},
    {Verb::help, "HELP", "RFC 5321 §4.1.1.8", "HELP [SP String]", ""},
    {Verb::starttls, "STARTTLS", "RFC 3207 §4", "STARTTLS", "STARTTLS"},
    {Verb::auth, "AUTH", "RFC 4954 §4", "AUTH SP mechanism [SP initial-response]", "AUTH"},
    {Verb::bdat, "BDAT", "RFC 3030 §2", "BDAT SP chunk-size [SP LAST]", "CHUNKING"},
}};
// clang-format on

/// Verbs of RFC 821 that RFC 5321 no longer has: known, so answered 502 rather than 500, but
/// not implemented RFC 5321 §4.2.4. They parse as Verb::unknown.
inline constexpr std::array<std::string_view, 4> obsolete_verbs{"SEND", "SOML", "SAML", "TURN"};

/// Where the trace cites a line whose verb is unknown or obsolete RFC 5321 §4.2.4.
inline constexpr std::string_view unknown_verb_section = "RFC 5321 §4.2.4";

/// Whether row i of the verb table is the row of Verb i.
constexpr bool verb_table_follows_verbs() {
    for (std::size_t i = 0; i < verb_table.size(); ++i) {
        if (verb_table[i].verb != static_cast<Verb>(i)) return false;
    }
    return true;
}
static_assert(verb_table_follows_verbs(), "the verb table's rows follow the order of Verb");

/// The row of a known verb; `verb` must not be Verb::unknown.
constexpr const VerbRow& verb_row(Verb verb) {
    return verb_table[static_cast<std::size_t>(verb)];
}

/// The verb's name as sent ("EHLO"), or "?" for unknown.
std::string_view verb_name(Verb verb);
/// The section that defines the verb, as the trace cites it; unknown_verb_section for unknown.
std::string_view verb_section(Verb verb);
/// The verb called `word`, in any case RFC 5321 §2.4; Verb::unknown for any other word.
Verb verb_named(std::string_view word);
/// Whether `word` is one of the obsolete_verbs, in any case.
bool is_obsolete_verb(std::string_view word);

}  // namespace ehlo::protocol
