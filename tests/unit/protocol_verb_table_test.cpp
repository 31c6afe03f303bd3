// The verb table of protocol/verb_table.hpp: one row per Verb in the enum's order, names unique
// and in upper case, every row with its RFC section (which HELP names) and syntax, and the parser,
// the names and the sections read from it (RFC 5321 §2.4, RFC 5321 §4.1.1, RFC 5321 §4.2.4).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "protocol/citation.hpp"
#include "protocol/command.hpp"
#include "protocol/verb_table.hpp"

using namespace ehlo::protocol;

TEST_CASE("every verb but unknown has exactly one row, in the order of Verb", "[verbs]") {
    REQUIRE(verb_table.size() == static_cast<std::size_t>(verb_count - 1));
    for (int v = 0; v + 1 < verb_count; ++v) {
        INFO("verb " << v);
        int rows = 0;
        for (const VerbRow& row : verb_table)
            rows += row.verb == static_cast<Verb>(v) ? 1 : 0;
        CHECK(rows == 1);
        CHECK(verb_table[static_cast<std::size_t>(v)].verb == static_cast<Verb>(v));
    }
    CHECK(static_cast<int>(Verb::unknown) == verb_count - 1);
}

TEST_CASE("verb names are unique, upper case, and not obsolete", "[verbs]") {
    std::set<std::string_view> names;
    for (const VerbRow& row : verb_table) {
        INFO(row.name);
        CHECK_FALSE(row.name.empty());
        for (char c : row.name)
            CHECK((c >= 'A' && c <= 'Z'));
        CHECK(names.insert(row.name).second);
        CHECK_FALSE(is_obsolete_verb(row.name));
    }
    for (std::string_view obsolete : obsolete_verbs)
        CHECK(names.count(obsolete) == 0);
}

TEST_CASE("every row has its section and syntax", "[verbs]") {
    for (const VerbRow& row : verb_table) {
        INFO(row.name);
        // A citation with an RFC number and a section: "RFC 5321 §4.1.1.1".
        const auto citation = parse_citation(row.section);
        REQUIRE(citation);
        CHECK(!citation->rfc.empty());
        CHECK(!citation->section.empty());
        // The syntax starts with the verb.
        CHECK(row.syntax.substr(0, row.name.size()) == row.name);
    }
}

TEST_CASE("the extension verbs are offered by their EHLO keywords", "[verbs]") {
    CHECK(verb_row(Verb::starttls).extension == "STARTTLS");
    CHECK(verb_row(Verb::auth).extension == "AUTH");
    CHECK(verb_row(Verb::bdat).extension == "CHUNKING");
    for (const VerbRow& row : verb_table) {
        INFO(row.name);
        // RFC 5321's own verbs are defined in RFC 5321, and need no extension.
        CHECK(row.extension.empty() == (parse_citation(row.section)->rfc == "5321"));
    }
}

TEST_CASE("the parser, the names and the sections come from the table", "[verbs]") {
    for (const VerbRow& row : verb_table) {
        INFO(row.name);
        CHECK(verb_named(row.name) == row.verb);
        CHECK(parse_command(std::string(row.name) + " x").verb == row.verb);
        CHECK(verb_name(row.verb) == row.name);
        CHECK(verb_section(row.verb) == row.section);
    }
    CHECK(verb_name(Verb::unknown) == "?");
    CHECK(verb_section(Verb::unknown) == "RFC 5321 §4.2.4");
    CHECK(verb_named("FROB") == Verb::unknown);
    for (std::string_view obsolete : obsolete_verbs) {
        CHECK(verb_named(obsolete) == Verb::unknown);
        CHECK(is_obsolete_verb(obsolete));
    }
    CHECK(is_obsolete_verb("turn"));
}

TEST_CASE("a BDAT line keeps its announced chunk size, even when malformed", "[verbs]") {
    CHECK(parse_command("BDAT 10 LAST").announced_chunk_size == 10u);
    CHECK(parse_command("BDAT 10 JUNK").announced_chunk_size == 10u);
    CHECK_FALSE(parse_command("BDAT 10 JUNK").ok());
    CHECK_FALSE(parse_command("BDAT").announced_chunk_size);
    CHECK_FALSE(parse_command("BDAT ten").announced_chunk_size);
    CHECK_FALSE(parse_command("NOOP 10").announced_chunk_size);
}
