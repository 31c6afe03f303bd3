// ehlo-check's choice of scenarios (conformance/check/selection.hpp): --only globs, --tag,
// --level and the `slow` tag; and the reasons a chosen scenario is SKIPped before it runs:
// a keyword of `requires` not advertised (RFC 5321 §4.1.1.1), a variable without a value,
// too many connections, TLS of the wrong kind, --no-delivery, a recipient other than --rcpt.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "check/discovery.hpp"
#include "check/selection.hpp"
#include "scenario/scenario_parser.hpp"

using namespace ehlo;
using check::Filter;
using check::Gates;

namespace {

/// A scenario from a header line set and steps, parsed like a file.
scenario::Scenario make(const std::string& id, const std::string& header,
                        const std::string& steps) {
    std::string text = "title: t\nrefs: 5321#4.1.4\n" + header + steps;
    auto parsed = scenario::parse_scenario(text, id);
    REQUIRE(parsed.errors.empty());
    return parsed.scenario;
}

const std::string plain_steps = "S: 220 *\nC: EHLO {client}\nS: 250\nC: QUIT\nS: 221\n";

scenario::Scenario plain(const std::string& id, const std::string& level = "MUST",
                         const std::string& tags = "") {
    std::string header = "level: " + level + "\nrequires: -\n";
    if (!tags.empty()) header += "tags: " + tags + "\n";
    return make(id, header, plain_steps);
}

Gates open_gates() {
    Gates gates;
    gates.variables = {{"client", "c.example"}, {"from", "f@example.org"}, {"rcpt", "r@x.test"}};
    gates.max_connections = 4;
    return gates;
}

}  // namespace

TEST_CASE("--only globs on ids, any of them may match", "[check]") {
    auto a = plain("rfc5321/4.1.4/rcpt-before-mail");
    auto b = plain("rfc3207/starttls-twice");
    Filter filter;
    filter.only = {"rfc5321/*"};
    CHECK(check::selected(a, filter));
    CHECK_FALSE(check::selected(b, filter));
    filter.only.push_back("*starttls*");
    CHECK(check::selected(b, filter));
    filter.only = {"rfc5321/4.1.4/rcpt-before-mail"};
    CHECK(check::selected(a, filter));
}

TEST_CASE("--tag keeps scenarios with any of the tags", "[check]") {
    auto sequence = plain("a", "MUST", "sequence");
    auto other = plain("b", "MUST", "syntax");
    Filter filter;
    filter.tags = {"sequence", "pipelining"};
    CHECK(check::selected(sequence, filter));
    CHECK_FALSE(check::selected(other, filter));
}

TEST_CASE("--level runs that level and the stronger ones", "[check]") {
    auto must = plain("a", "MUST");
    auto should = plain("b", "SHOULD");
    auto info = plain("c", "INFO");
    Filter filter;
    filter.level = scenario::Level::should;
    CHECK(check::selected(must, filter));
    CHECK(check::selected(should, filter));
    CHECK_FALSE(check::selected(info, filter));
    filter.level = scenario::Level::must;
    CHECK_FALSE(check::selected(should, filter));
}

TEST_CASE("scenarios tagged slow run only when asked", "[check]") {
    auto slow = plain("a", "MUST", "slow timeouts");
    Filter filter;
    CHECK_FALSE(check::selected(slow, filter));
    filter.slow = true;
    CHECK(check::selected(slow, filter));
    Filter by_tag;
    by_tag.tags = {"slow"};
    CHECK(check::selected(slow, by_tag));
}

TEST_CASE("select keeps the suite's order", "[check]") {
    std::vector<scenario::Scenario> suite{plain("a"), plain("b", "MAY"), plain("c")};
    Filter filter;
    filter.level = scenario::Level::must;
    auto chosen = check::select(suite, filter);
    REQUIRE(chosen.size() == 2);
    CHECK(chosen[0]->id == "a");
    CHECK(chosen[1]->id == "c");
}

TEST_CASE("a keyword of requires that is not advertised gives SKIP naming it", "[check]") {
    auto chunking = make("a", "level: MUST\nrequires: PIPELINING CHUNKING\n", plain_steps);
    Gates gates = open_gates();
    gates.keywords = {"PIPELINING", "SIZE"};
    CHECK(check::skip_reason(chunking, gates) == "requires CHUNKING, not advertised");
    gates.keywords.push_back("CHUNKING");
    CHECK_FALSE(check::skip_reason(chunking, gates));
}

TEST_CASE("requires may name a mechanism or a parameter on the keyword's EHLO line", "[check]") {
    // RFC 4954 §4: a server need not take a mechanism it does not list (504 for one it does
    // not know); a scenario sending AUTH PLAIN must SKIP where PLAIN is not offered.
    auto plain = make("a", "level: MUST\nrequires: AUTH=PLAIN\n", plain_steps);
    Gates gates = open_gates();
    gates.keywords = {"PIPELINING", "AUTH LOGIN CRAM-MD5"};
    CHECK(check::skip_reason(plain, gates) == "requires AUTH=PLAIN, not advertised");
    gates.keywords = {"PIPELINING", "AUTH LOGIN plain"};
    CHECK_FALSE(check::skip_reason(plain, gates));
    auto rcptmax = make("b", "level: MUST\nrequires: LIMITS=RCPTMAX\n", plain_steps);
    gates.keywords = {"LIMITS MAILMAX=10"};
    CHECK(check::skip_reason(rcptmax, gates) == "requires LIMITS=RCPTMAX, not advertised");
    gates.keywords = {"LIMITS MAILMAX=10 RCPTMAX=20"};
    CHECK_FALSE(check::skip_reason(rcptmax, gates));
    CHECK(check::offers({"AUTH PLAIN"}, "auth"));
    CHECK_FALSE(check::offers({"AUTHX PLAIN"}, "AUTH=PLAIN"));
}

TEST_CASE("under --starttls requires is judged after the upgrade", "[check]") {
    auto auth = make("a", "level: MUST\nrequires: AUTH\n", plain_steps);
    Gates gates = open_gates();
    gates.tls = check::TlsMode::starttls;
    gates.keywords = {"AUTH", "STARTTLS"};
    CHECK(check::skip_reason(auth, gates) == "requires AUTH, not advertised after STARTTLS");
    gates.keywords = {"STARTTLS"};
    gates.keywords_after_tls = {"AUTH"};
    CHECK_FALSE(check::skip_reason(auth, gates));
}

TEST_CASE("a variable without a value gives SKIP naming the option", "[check]") {
    auto rcpt = make("a", "level: MUST\nrequires: -\n",
                     "S: 220\nC: MAIL FROM:<{from}>\nS: 250\nC: RCPT TO:<{rcpt}>\nS: 250\n");
    Gates gates = open_gates();
    gates.variables.erase("rcpt");
    CHECK(check::skip_reason(rcpt, gates) == "uses {rcpt}; give --rcpt");
    auto auth = make("b", "level: MUST\nrequires: -\n", "S: 220\nC: AUTH PLAIN {user}\nS: 235\n");
    CHECK(check::skip_reason(auth, gates) == "uses {user}; give --auth");
    auto plain =
        make("c", "level: MUST\nrequires: -\n", "S: 220\nC: AUTH PLAIN {auth-plain}\nS: 235\n");
    CHECK(check::skip_reason(plain, gates) == "uses {auth-plain}; give --auth");
}

TEST_CASE("a scenario needing more connections than allowed is SKIPped", "[check]") {
    auto two = make("a", "level: MUST\nrequires: -\n",
                    "S: 220\nconnection 2\nS: 220\nclose\nconnection 1\nC: QUIT\nS: 221\n");
    CHECK(check::connections_needed(two) == 2);
    Gates gates = open_gates();
    gates.max_connections = 1;
    CHECK(check::skip_reason(two, gates) == "needs 2 connections at once; --max-connections is 1");
}

TEST_CASE("implicit TLS scenarios need --tls", "[check]") {
    auto implicit = make("a", "level: MUST\nrequires: -\n", "tls\nS: 220 *\n");
    Gates gates = open_gates();
    CHECK(check::has_tls_step(implicit, true));
    CHECK(check::skip_reason(implicit, gates) == "uses implicit TLS; check a TLS port with --tls");
    gates.tls = check::TlsMode::implicit;
    CHECK_FALSE(check::skip_reason(implicit, gates));
}

TEST_CASE("a scenario that could complete a message is known", "[check]") {
    auto data = make("a", "level: MUST\nrequires: -\n",
                     "S: 220\nC: MAIL FROM:<{from}>\nS: 250\nC: RCPT TO:<{rcpt}>\nS: 250\n"
                     "C: data\nS: 354\n");
    auto raw =
        make("b", "level: MUST\nrequires: -\n", "S: 220\nC~ NOOP\\r\\nBDAT 3 LAST\\r\\n\nS: 250\n");
    auto none = plain("c");
    CHECK(check::sends_message(data));
    CHECK(check::sends_message(raw));
    CHECK_FALSE(check::sends_message(none));
    auto metadata = make("d", "level: MUST\nrequires: -\n", "S: 220\nC: DATAX\nS: 500\n");
    CHECK_FALSE(check::sends_message(metadata));
}

TEST_CASE("--no-delivery SKIPs scenarios that could complete a message", "[check]") {
    auto data = make("a", "level: MUST\nrequires: -\n",
                     "S: 220\nC: RCPT TO:<{rcpt}>\nS: 250\nC: DATA\nS: 354\n");
    Gates gates = open_gates();
    CHECK_FALSE(check::skip_reason(data, gates));
    gates.no_delivery = true;
    CHECK(check::skip_reason(data, gates) == "could complete a message; --no-delivery");
}

TEST_CASE("messages go only to --rcpt or to domains that reach no one", "[check]") {
    CHECK(check::harmless_recipient("{rcpt}"));
    CHECK(check::harmless_recipient("nobody@invalid.example"));
    CHECK(check::harmless_recipient("x@mail.invalid"));
    CHECK(check::harmless_recipient("x@EXAMPLE.ORG"));
    CHECK(check::harmless_recipient("x@host.test"));
    CHECK_FALSE(check::harmless_recipient("Postmaster"));
    CHECK_FALSE(check::harmless_recipient("someone@gmail.com"));
    CHECK_FALSE(check::harmless_recipient("x@notexample.org"));

    auto stranger = make("a", "level: MUST\nrequires: -\n",
                         "S: 220\nC: RCPT TO:<boss@company.com>\nS: 250\nC: DATA\nS: 354\n");
    CHECK(check::recipients(stranger) == std::vector<std::string>{"boss@company.com"});
    Gates gates = open_gates();
    CHECK(check::skip_reason(stranger, gates) ==
          "could send a message to <boss@company.com>, not to --rcpt");
    gates.own_target = true;  // the demo server keeps nothing
    CHECK_FALSE(check::skip_reason(stranger, gates));
}

TEST_CASE("the suite is found beside the program, or where it was built", "[check]") {
    const check::SuiteLocations nowhere;
    CHECK(check::scenarios_dir("mine", "env", "/x/build/ehlo-check", nowhere) == "mine");
    CHECK(check::scenarios_dir("", "env", "/x/build/ehlo-check", nowhere) == "env");
    CHECK_FALSE(check::scenarios_dir("", "", "/nonexistent/build/ehlo-check", nowhere));
#ifdef EHLO_SCENARIOS_DIR
    // The source tree's suite serves only a program in the folder it was built in.
    const auto build = std::filesystem::temp_directory_path() / "ehlo-selection-test-build";
    std::filesystem::create_directories(build);
    const check::SuiteLocations built{"", build.string(), EHLO_SCENARIOS_DIR};
    CHECK(check::scenarios_dir("", "", build / "ehlo-check", built) == EHLO_SCENARIOS_DIR);
    CHECK_FALSE(check::scenarios_dir("", "", "/nonexistent/build/ehlo-check", built));
    std::filesystem::remove_all(build);
    auto suite = check::load_suite(EHLO_SCENARIOS_DIR);
    CHECK(suite.errors.empty());
    CHECK_FALSE(suite.scenarios.empty());
#endif
    auto missing = check::load_suite("/nonexistent/scenarios");
    CHECK(missing.errors.size() == 1);
}

TEST_CASE("an installed program finds the suite at its prefix, wherever it moved", "[check]") {
    const auto prefix = std::filesystem::temp_directory_path() / "ehlo-selection-test-prefix";
    std::filesystem::create_directories(prefix / "bin");
    std::filesystem::create_directories(prefix / "share/ehlo/scenarios");
    const check::SuiteLocations installed{"../share/ehlo/scenarios", "", ""};
    CHECK(check::scenarios_dir("", "", prefix / "bin/ehlo-check", installed) ==
          prefix / "share/ehlo/scenarios");
    CHECK(check::scenarios_dir("mine", "", prefix / "bin/ehlo-check", installed) == "mine");
    std::filesystem::remove_all(prefix / "share");
    CHECK_FALSE(check::scenarios_dir("", "", prefix / "bin/ehlo-check", installed));
    std::filesystem::remove_all(prefix);
}
