// Layer: protocol (sans-I/O). Looking verbs up in the verb table of verb_table.hpp: by name,
// in any case (RFC 5321 §2.4), and the names and sections the trace and HELP show. The rows
// themselves are constexpr data in the header.
#include "protocol/verb_table.hpp"

#include "protocol/grammar.hpp"

namespace ehlo::protocol {

std::string_view verb_name(Verb verb) {
    return verb == Verb::unknown ? "?" : verb_row(verb).name;
}

std::string_view verb_section(Verb verb) {
    return verb == Verb::unknown ? unknown_verb_section : verb_row(verb).section;
}

Verb verb_named(std::string_view word) {
    for (const VerbRow& row : verb_table) {
        if (grammar::equal_ci(word, row.name)) return row.verb;
    }
    return Verb::unknown;
}

bool is_obsolete_verb(std::string_view word) {
    for (std::string_view obsolete : obsolete_verbs) {
        if (grammar::equal_ci(word, obsolete)) return true;
    }
    return false;
}

}  // namespace ehlo::protocol
