// Layer: protocol (sans-I/O). The verb table: one row per SMTP verb the reference server
// knows, with everything that is said of the verb itself: its name (RFC 5321 §2.4: compared
// without regard to case), the section that defines it (§4.1.1 and the extensions' own), its
// syntax in short, the text HELP gives for it (§4.1.1.8) and the EHLO keyword of the
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
    std::string_view section;  ///< where it is defined, as the trace cites it: "5321#4.1.1.1"
    std::string_view syntax;   ///< the command line in short, after its RFC's ABNF
    std::string_view help;     ///< what `HELP <verb>` answers \rfc{5321,4.1.1.8}
    /// The EHLO keyword of the extension that offers the verb; empty for the verbs of
    /// RFC 5321 itself, which every session has.
    std::string_view extension;
};

// clang-format off
/// One row per known verb, in the order of Verb (`unknown` has none).
inline constexpr std::array<VerbRow, verb_count - 1> verb_table{{
    {Verb::ehlo, "EHLO", "5321#4.1.1.1", "EHLO SP ( Domain / address-literal )",
     "EHLO is defined in RFC 5321 section 4.1.1.1", ""},
    {Verb::helo, "HELO", "5321#4.1.1.1", "HELO SP Domain",
     "HELO is defined in RFC 5321 section 4.1.1.1", ""},
    {Verb::mail, "MAIL", "5321#4.1.1.2", "MAIL FROM:Reverse-path [SP Mail-parameters]",
     "MAIL is defined in RFC 5321 section 4.1.1.2", ""},
    {Verb::rcpt, "RCPT", "5321#4.1.1.3", "RCPT TO:Forward-path [SP Rcpt-parameters]",
     "RCPT is defined in RFC 5321 section 4.1.1.3", ""},
    {Verb::data, "DATA", "5321#4.1.1.4", "DATA",
     "DATA is defined in RFC 5321 section 4.1.1.4", ""},
    {Verb::rset, "RSET", "5321#4.1.1.5", "RSET",
     "RSET is defined in RFC 5321 section 4.1.1.5", ""},
    {Verb::noop, "NOOP", "5321#4.1.1.9", "NOOP [SP String]",
     "NOOP is defined in RFC 5321 section 4.1.1.9", ""},
    {Verb::quit, "QUIT", "5321#4.1.1.10", "QUIT",
     "QUIT is defined in RFC 5321 section 4.1.1.10", ""},
    {Verb::vrfy, "VRFY", "5321#4.1.1.6", "VRFY SP String",
     "VRFY is defined in RFC 5321 section 4.1.1.6", ""},
    {Verb::expn, "EXPN", "5321#4.1.1.7", "EXPN SP String",
     "EXPN is defined in RFC 5321 section 4.1.1.7", ""},
    {Verb::help, "HELP", "5321#4.1.1.8", "HELP [SP String]",
     "HELP is defined in RFC 5321 section 4.1.1.8", ""},
    {Verb::starttls, "STARTTLS", "3207#4", "STARTTLS",
     "STARTTLS is defined in RFC 3207 section 4", "STARTTLS"},
    {Verb::auth, "AUTH", "4954#4", "AUTH SP mechanism [SP initial-response]",
     "AUTH is defined in RFC 4954 section 4", "AUTH"},
    {Verb::bdat, "BDAT", "3030#2", "BDAT SP chunk-size [SP LAST]",
     "BDAT is defined in RFC 3030 section 2", "CHUNKING"},
}};
// clang-format on

/// Verbs of RFC 821 that RFC 5321 no longer has: known, so answered 502 rather than 500, but
/// not implemented \rfc{5321,4.2.4}. They parse as Verb::unknown.
inline constexpr std::array<std::string_view, 4> obsolete_verbs{"SEND", "SOML", "SAML", "TURN"};

/// Where the trace cites a line whose verb is unknown or obsolete \rfc{5321,4.2.4}.
inline constexpr std::string_view unknown_verb_section = "5321#4.2.4";

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
/// The verb called `word`, in any case \rfc{5321,2.4}; Verb::unknown for any other word.
Verb verb_named(std::string_view word);
/// Whether `word` is one of the obsolete_verbs, in any case.
bool is_obsolete_verb(std::string_view word);

}  // namespace ehlo::protocol
