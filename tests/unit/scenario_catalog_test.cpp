// The requirement catalog (scenario/catalog.hpp) and the lint (scenario/scenario_lint.hpp):
// which rows let a scenario FAIL a server, and what a scenario must say of itself.
#include <catch2/catch.hpp>

#include "scenario/catalog.hpp"
#include "scenario/scenario_lint.hpp"
#include "scenario/scenario_parser.hpp"

using namespace ehlo::scenario;

namespace {

const char* const tsv =
    "id\trfc\tsection\tkeyword\tbinds\tobservable\twhy_not\tsummary\n"
    "5321-4.1.4-a\t5321\t4.1.4\tMUST\tserver\tyes\t\tServer rule.\n"
    "5321-4.1.4-b\t5321\t4.1.4\tMUST NOT\tboth\tyes\t\tBoth sides.\n"
    "5321-4.1.2-g\t5321\t4.1.2\tMUST NOT\tclient\tno\tbinds the client\tClient rule.\n"
    "5321-4.5.1-a\t5321\t4.5.1\tSHOULD\tserver\tyes\t\tAdvice.\n"
    "5321-4.1.1.2-a\t5321\t4.1.1.2\timplied\tserver\tyes\t\tImplied.\n"
    "1870-4-a\t1870\t4\tmay\tserver\tyes\t\tA choice.\n"
    "5321-6.1-a\t5321\t6.1\tMUST\trelay\tno\t\tRelay rule.\n"
    "3030-2-a\t3030\t2\tREQUIRED\tserver\tyes\t\tRequired.\n";

Scenario scenario_of(const std::string& header_and_steps) {
    auto parsed = parse_scenario(header_and_steps, "test/lint");
    for (const auto& e : parsed.errors)
        UNSCOPED_INFO(e.line << ": " << e.message);
    REQUIRE(parsed.ok());
    return parsed.scenario;
}

Scenario with_rows(const std::string& rows, const std::string& level, const std::string& required,
                   const std::string& steps) {
    auto s = scenario_of("title: t\nrefs: 5321#4.1.4\nrequirements: " + rows + "\nlevel: " + level +
                         "\nrequires: " + required + "\n\nS: 220\n" + steps);
    REQUIRE(apply_catalog(s, Catalog::parse(tsv)).unknown.empty());
    return s;
}

}  // namespace

TEST_CASE("only a server-binding MUST lets a broken expectation FAIL", "[catalog]") {
    const auto catalog = Catalog::parse(tsv);
    REQUIRE(catalog.errors().empty());
    REQUIRE(catalog.rows().size() == 8);
    CHECK(allowed_level(*catalog.find("5321-4.1.4-a")) == Level::must);
    CHECK(allowed_level(*catalog.find("5321-4.1.4-b")) == Level::must);
    CHECK(allowed_level(*catalog.find("3030-2-a")) == Level::must);
    CHECK(allowed_level(*catalog.find("5321-4.1.2-g")) == Level::should);  // the client's
    CHECK(allowed_level(*catalog.find("5321-6.1-a")) == Level::should);    // a relay's
    CHECK(allowed_level(*catalog.find("5321-4.5.1-a")) == Level::should);
    CHECK(allowed_level(*catalog.find("5321-4.1.1.2-a")) == Level::should);  // implied
    CHECK(allowed_level(*catalog.find("1870-4-a")) == Level::may);
    CHECK(catalog.find("5321-9.9-z") == nullptr);
}

TEST_CASE("the ceiling is the strongest cited row; no row gives WARN at most", "[catalog]") {
    auto s = with_rows("5321-4.1.2-g 5321-4.1.4-a", "MUST", "-", "C: QUIT\nS: 221\n");
    CHECK(s.ceiling == Level::must);
    CHECK(effective_level(s) == Level::must);
    REQUIRE(s.cited.size() == 2);
    CHECK(row_allowing(s.cited, Level::must)->id == "5321-4.1.4-a");
    CHECK(row_allowing(s.cited, Level::should)->id == "5321-4.1.2-g");

    auto client = with_rows("5321-4.1.2-g", "MUST", "-", "C: QUIT\nS: 221\n");
    CHECK(effective_level(client) == Level::should);
    CHECK(row_allowing(client.cited, Level::must) == nullptr);

    auto none = scenario_of("title: t\nrefs: 5321#4.1.4\nlevel: MUST\nrequires: -\n\nS: 220\n");
    apply_catalog(none, Catalog::parse(tsv));
    CHECK(effective_level(none) == Level::should);
    CHECK(effective_level(with_rows("1870-4-a", "SHOULD", "-", "")) == Level::may);
}

TEST_CASE("unknown rows are reported, malformed catalog lines too", "[catalog]") {
    auto s = with_rows("5321-4.1.4-a", "MUST", "-", "");
    s.requirements.push_back("5321-4.1.4-zz");
    CHECK(apply_catalog(s, Catalog::parse(tsv)).unknown ==
          std::vector<std::string>{"5321-4.1.4-zz"});
    const auto bad =
        Catalog::parse("header\n5321-1-a\tx\t1\tMUST\tserver\tyes\t\ts\nonly\tthree\tcols\n");
    CHECK(bad.errors().size() == 2);
}

TEST_CASE("the built-in catalog reads without errors", "[catalog]") {
    CHECK(builtin_catalog().errors().empty());
    CHECK(builtin_catalog().rows().size() > 500);
    CHECK(builtin_catalog().find("5321-4.1.4-a") != nullptr);
}

TEST_CASE("the parser reads requirements: and keyword=parameter in requires", "[catalog]") {
    auto s = scenario_of(
        "title: t\nrefs: 5321#4.1.4\nrequirements: 5321-4.1.4-a 4954-4-c\n"
        "level: MUST\nrequires: AUTH=PLAIN limits=RCPTMAX\n\nS: 220\n");
    CHECK(s.requirements == std::vector<std::string>{"5321-4.1.4-a", "4954-4-c"});
    CHECK(s.requires_keywords == std::vector<std::string>{"AUTH=PLAIN", "LIMITS=RCPTMAX"});
    for (const char* bad :
         {"requirements: 5321#4.1.4", "requirements: abc", "requires: AUTH=", "requires: =PLAIN"}) {
        auto parsed =
            parse_scenario(std::string("title: t\nrefs: 5321#4.1\nlevel: MUST\n") +
                               (std::string(bad).starts_with("requires") ? "" : "requires: -\n") +
                               bad + "\n\nS: 220\n",
                           "test/bad");
        CHECK_FALSE(parsed.ok());
    }
}

TEST_CASE("lint: a MUST level or => FAIL needs a server-binding MUST row", "[catalog][lint]") {
    CHECK(lint(with_rows("5321-4.1.4-a", "MUST", "-", "C: QUIT\nS: 221\n")).empty());
    const auto client =
        lint(with_rows("5321-4.1.2-g", "MUST", "-", "C: QUIT\nS: 221 | 250 => FAIL\n"));
    REQUIRE(client.size() == 2);
    CHECK(client[0].starts_with("level MUST needs a cited row that binds the server with MUST"));
    CHECK(client[1].starts_with("line 9: => FAIL needs"));
    CHECK(lint(with_rows("5321-4.1.2-g", "SHOULD", "-", "C: QUIT\nS: 221\n")).empty());
    auto none = scenario_of("title: t\nrefs: 5321#4.1.4\nlevel: SHOULD\nrequires: -\n\nS: 220\n");
    apply_catalog(none, Catalog::parse(tsv));
    CHECK(lint(none) == std::vector<std::string>{
                            "cites no row of the requirement catalog: add requirements: with the "
                            "ids of docs/requirements.tsv it tests"});
}

TEST_CASE("lint: requires names every extension and mechanism the commands use",
          "[catalog][lint]") {
    const auto s =
        with_rows("5321-4.1.4-a", "MUST", "-",
                  "C: AUTH PLAIN {auth-plain}\nS: 235\n"
                  "C: MAIL FROM:<{from}> SIZE=10 BODY=8BITMIME SMTPUTF8 RET=HDRS\nS: 250\n"
                  "C> RCPT TO:<{rcpt}> NOTIFY=NEVER\nC> BDAT 0 LAST\nS: 250\nS: 250\n"
                  "C: STARTTLS\nS: 220\nC: VRFY x SMTPUTF8\nS: 252\n");
    CHECK(extensions_used(s) == std::vector<std::string>{"AUTH=PLAIN", "SIZE", "8BITMIME",
                                                         "SMTPUTF8", "DSN", "PIPELINING",
                                                         "CHUNKING", "STARTTLS"});
    CHECK(lint(s).size() == 8);
    CHECK(lint(s).front() == "uses AUTH=PLAIN but requires: does not name it");
    const auto covered = with_rows("5321-4.1.4-a", "MUST", "AUTH=PLAIN",
                                   "C: AUTH PLAIN {auth-plain}\nS: 235\n"
                                   "C: MAIL FROM:<{from}> AUTH=<>\nS: 250\n");
    CHECK(lint(covered).empty());  // AUTH=PLAIN also offers the AUTH keyword
    CHECK_FALSE(requires_covers({"AUTH"}, "AUTH=PLAIN"));
    CHECK(requires_covers({"LIMITS=RCPTMAX"}, "LIMITS"));
    auto on_purpose = with_rows("5321-4.1.4-a", "MUST", "-", "C: BDAT 1 LAST\nS: 5xx\n");
    on_purpose.tags = {"unadvertised"};
    CHECK(lint(on_purpose).empty());
}
