// The coverage a run loses (conformance/check/coverage.hpp): scenarios not selected (`slow`
// without --slow, outside --only), SKIPs grouped by the option that would run them, from the
// reasons selection.hpp really gives, and ERRORs of a certificate the runner does not trust.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "check/coverage.hpp"
#include "check/selection.hpp"
#include "scenario/scenario_parser.hpp"

using namespace ehlo;
using check::TlsMode;

namespace {

scenario::Scenario make(
    const std::string& id, const std::string& header,
    const std::string& steps = "S: 220 *\nC: EHLO {client}\nS: 250\nC: QUIT\nS: 221\n") {
    auto parsed =
        scenario::parse_scenario("title: t\nrefs: 5321#4.1.4\nlevel: MUST\n" + header + steps, id);
    REQUIRE(parsed.errors.empty());
    return parsed.scenario;
}

check::Gates gates_without_rcpt() {
    check::Gates gates;
    gates.variables = {{"client", "c.example"}, {"from", "f@example.org"}};
    gates.keywords = {"PIPELINING", "STARTTLS"};
    gates.keywords_after_tls = {"PIPELINING", "AUTH"};
    gates.max_connections = 4;
    return gates;
}

engine::ScenarioResult result(engine::Verdict verdict, const std::string& reason) {
    engine::ScenarioResult r;
    r.verdict = verdict;
    r.reason = reason;
    return r;
}

/// The group of the reason selection gives `scenario` under `gates`.
std::string group_of(const scenario::Scenario& scenario, const check::Gates& gates) {
    auto reason = check::skip_reason(scenario, gates);
    REQUIRE(reason);
    return check::skip_group(*reason, gates.keywords_after_tls, gates.tls);
}

}  // namespace

TEST_CASE("slow scenarios and those outside --only are counted apart", "[check][coverage]") {
    std::vector<scenario::Scenario> suite{
        make("a/one", "requires: -\n"), make("a/slow", "requires: -\ntags: slow\n"),
        make("b/two", "requires: -\n"), make("b/slow", "requires: -\ntags: slow\n")};
    check::Filter filter;
    CHECK(check::not_selected(suite, filter) ==
          std::vector<engine::NotRun>{{2, "not selected", "tagged slow, add --slow"}});
    filter.only = {"a/*"};
    CHECK(check::not_selected(suite, filter) ==
          std::vector<engine::NotRun>{{1, "not selected", "tagged slow, add --slow"},
                                      {2, "not selected", "outside --only, --tag, --level"}});
    filter.slow = true;
    filter.only.clear();
    CHECK(check::not_selected(suite, filter).empty());
}

TEST_CASE("a SKIP's group names the option that would run it", "[check][coverage]") {
    const auto gates = gates_without_rcpt();
    CHECK(group_of(make("r", "requires: -\n", "S: 220 *\nC: RCPT TO:<{rcpt}>\nS: 250\n"), gates) ==
          "need --rcpt");
    CHECK(group_of(make("p", "requires: AUTH\n", "S: 220 *\nC: AUTH LOGIN\nS: 334\n"), gates) ==
          "need an extension offered only after STARTTLS, add --starttls");
    CHECK(group_of(make("c", "requires: CHUNKING\n"), gates) ==
          "need an extension the target does not advertise");
    CHECK(group_of(make("t", "requires: -\n", "tls\nS: 220 *\n"), gates) ==
          "use implicit TLS, check a TLS port with --tls");
    auto no_delivery = gates;
    no_delivery.no_delivery = true;
    CHECK(group_of(make("d", "requires: -\n", "S: 220 *\nC: DATA\nS: 354\n"), no_delivery) ==
          "could complete a message, leave out --no-delivery");
    CHECK(check::skip_group("something new", {}, TlsMode::none) == "something new");
}

TEST_CASE("groups: certificate ERRORs first, then SKIPs by count", "[check][coverage]") {
    check::Target target;
    target.address = net::HostPort{"127.0.0.1", 25};
    const std::string untrusted =
        "TLS handshake: certificate verify failed: self-signed certificate" +
        check::certificate_hint("certificate verify failed: self-signed certificate", target);
    std::vector<engine::ScenarioResult> results{
        result(engine::Verdict::skip, "uses {auth-plain}; give --auth"),
        result(engine::Verdict::skip, "uses {rcpt}; give --rcpt"),
        result(engine::Verdict::error, untrusted),
        result(engine::Verdict::skip, "uses {rcpt}; give --rcpt"),
        result(engine::Verdict::skip, "requires CHUNKING, not advertised"),
        result(engine::Verdict::skip, "requires DSN, not advertised"),
        result(engine::Verdict::skip, "requires DSN, not advertised"),
        result(engine::Verdict::error, "time-out after 30 s"),
        result(engine::Verdict::pass, "")};
    const auto groups = check::not_run_groups(results, {}, target);
    REQUIRE(groups.size() == 4);
    CHECK(groups[0] == engine::NotRun{1, "ERROR",
                                      "the runner does not trust the certificate: give --ca-file "
                                      "FILE with the CA that signed it, or --insecure"});
    CHECK(groups[1] == engine::NotRun{3, "skipped",
                                      "need an extension the target does not advertise "
                                      "(CHUNKING, DSN)"});
    CHECK(groups[2] == engine::NotRun{2, "skipped", "need --rcpt"});
    CHECK(groups[3] == engine::NotRun{1, "skipped", "need --auth"});
}

TEST_CASE("the certificate hint fits what went wrong", "[check][coverage]") {
    check::Target target;
    target.address = net::HostPort{"127.0.0.1", 25};
    CHECK(check::certificate_hint("TLS handshake: connection reset", target).empty());
    CHECK_THAT(
        check::certificate_hint("certificate verify failed: self-signed certificate", target),
        Catch::Contains("give --ca-file FILE"));
    target.ca_file = "ca.pem";
    const std::string with_ca =
        check::certificate_hint("certificate verify failed: unable to get local issuer", target);
    CHECK_THAT(with_ca, Catch::Contains("does not verify against the CAs of --ca-file ca.pem"));
    CHECK_THAT(with_ca, Catch::Contains("--tls-name"));
    CHECK_THAT(with_ca, !Catch::Contains("give --ca-file"));
    const std::string mismatch =
        check::certificate_hint("certificate verify failed: IP address mismatch", target);
    CHECK_THAT(mismatch, Catch::Contains("does not name 127.0.0.1"));
    CHECK_THAT(mismatch, Catch::Contains("--tls-name NAME"));
    target.tls_name = "mx.example.test";
    CHECK(check::tls_server_name(target) == "mx.example.test");
    CHECK_THAT(check::certificate_hint("certificate verify failed: hostname mismatch", target),
               Catch::Contains("does not name mx.example.test"));
}
