// The JUnit XML report (`--junit`): written, read back with pugixml, and checked for the shape
// the CI systems read (the Jenkins JUnit schema; tests/e2e/test_junit_schema.py validates whole
// files): counts, one testcase per scenario, the RFC as classname, the element of each verdict,
// WARN in sight, no property inside a testcase, and no byte that XML 1.0 forbids; a judged
// client's exit and output in <system-out>.
#include <catch2/catch.hpp>

#include <pugixml.hpp>
#include <sstream>

#include "report/report.hpp"
#include "report_sample.hpp"

namespace report = ehlo::report;

namespace {

std::string junit_text(const report::JunitOptions& options = {}) {
    std::ostringstream out;
    report::write_junit(out, report_sample::sample_run(), options);
    return out.str();
}

struct Parsed {
    pugi::xml_document document;
    pugi::xml_node suite;
};

void parse(Parsed& parsed, const std::string& text) {
    const auto status = parsed.document.load_string(text.c_str());
    INFO(status.description());
    REQUIRE(status);
    parsed.suite = parsed.document.child("testsuites").child("testsuite");
    REQUIRE(parsed.suite);
}

pugi::xml_node testcase(const pugi::xml_node& suite, const char* classname, const char* name) {
    auto node = suite.find_child([&](pugi::xml_node child) {
        return std::string(child.name()) == "testcase" &&
               std::string(child.attribute("classname").value()) == classname &&
               std::string(child.attribute("name").value()) == name;
    });
    INFO(classname << " " << name);
    REQUIRE(node);
    return node;
}

std::string property(const pugi::xml_node& node, const char* name) {
    return node.child("properties")
        .find_child_by_attribute("property", "name", name)
        .attribute("value")
        .value();
}

}  // namespace

TEST_CASE("JUnit: a time scale that is not 1 is a suite property", "[report]") {
    Parsed plain;
    parse(plain, junit_text());
    CHECK_FALSE(
        plain.suite.child("properties").find_child_by_attribute("property", "name", "time_scale"));
    auto run = report_sample::sample_run();
    run.time_scale = 0.01;
    std::ostringstream out;
    report::write_junit(out, run);
    Parsed scaled;
    parse(scaled, out.str());
    CHECK(property(scaled.suite, "time_scale") == "0.01");
}

TEST_CASE("JUnit: suite counts", "[report]") {
    Parsed parsed;
    parse(parsed, junit_text());
    for (const auto& node : {parsed.document.child("testsuites"), parsed.suite}) {
        CHECK(node.attribute("tests").as_int() == 6);
        CHECK(node.attribute("failures").as_int() == 1);
        CHECK(node.attribute("errors").as_int() == 1);
        CHECK(std::string(node.attribute("time").value()) == "3.250");
        CHECK(std::string(node.attribute("name").value()) == "ehlo-check 127.0.0.1:2525");
    }
    // The schema knows `skipped` on a testsuite only.
    CHECK(parsed.suite.attribute("skipped").as_int() == 1);
    CHECK_FALSE(parsed.document.child("testsuites").attribute("skipped"));
    CHECK(std::string(parsed.suite.attribute("timestamp").value()) == "2026-11-22T05:00:00Z");
    CHECK(property(parsed.suite, "target") == "127.0.0.1:2525");
    CHECK(property(parsed.suite, "keywords") == "PIPELINING 8BITMIME STARTTLS");
    int testcases = 0;
    for ([[maybe_unused]] const auto& node : parsed.suite.children("testcase"))
        ++testcases;
    CHECK(testcases == 6);
}

TEST_CASE("JUnit: FAIL is a failure with the reason and the explanation", "[report]") {
    Parsed parsed;
    parse(parsed, junit_text());
    const auto node = testcase(parsed.suite, "rfc5321", "4.1.4/rcpt-before-mail");
    CHECK(std::string(node.attribute("time").value()) == "0.012");
    const auto failure = node.child("failure");
    REQUIRE(failure);
    CHECK(std::string(failure.attribute("type").value()) == "FAIL");
    CHECK(std::string(failure.attribute("message").value()) ==
          "RCPT before MAIL answered 250 <ok> & \"done\"");
    CHECK(std::string(failure.text().get()) ==
          "expected: 503 | 5xx\nreceived: 250 2.1.5 <a@b> & \"q\"");
    CHECK_FALSE(node.child("error"));
    CHECK_FALSE(node.child("skipped"));
    const std::string out = node.child("system-out").text().get();
    CHECK(out.find(">   0.009 [1] S: 250 2.1.5 <a@b> & \"q\"\\x01\\x1b[31m") != std::string::npos);
    CHECK(out.find("    0.004 [1] C: EHLO client.example") != std::string::npos);
    CHECK(out.rfind("FAIL rfc5321/4.1.4/rcpt-before-mail\n", 0) == 0);
    CHECK(out.find("\nrequirement: MUST 5321#4.1.4 5321#4.3.2\n") != std::string::npos);
    CHECK(out.find("\ntags: sequence\n") != std::string::npos);
}

TEST_CASE("JUnit: ERROR is an error, SKIP is skipped", "[report]") {
    Parsed parsed;
    parse(parsed, junit_text());
    const auto error = testcase(parsed.suite, "rfc3207", "starttls-handshake").child("error");
    REQUIRE(error);
    CHECK(std::string(error.attribute("type").value()) == "ERROR");
    CHECK(std::string(error.attribute("message").value()) ==
          "time-out after 10 s waiting for the reply to STARTTLS");
    const auto skip = testcase(parsed.suite, "rfc3030", "chunking");
    REQUIRE(skip.child("skipped"));
    CHECK(std::string(skip.child("skipped").attribute("message").value()) ==
          "requires CHUNKING, not advertised");
    CHECK_FALSE(skip.child("failure"));
}

TEST_CASE("JUnit: PASS, WARN and INFO pass, the verdict visible", "[report]") {
    Parsed parsed;
    parse(parsed, junit_text());
    const struct {
        const char* classname;
        const char* name;
        const char* verdict;
    } cases[] = {{"rfc5321", "4.1.1.10/quit", "PASS"},
                 {"rfc5321", "4.1.1.9/noop-argument", "WARN"},
                 {"rfc5321", "4.5.3.1/line-length", "INFO"}};
    for (const auto& c : cases) {
        const auto node = testcase(parsed.suite, c.classname, c.name);
        CHECK_FALSE(node.child("failure"));
        CHECK_FALSE(node.child("error"));
        CHECK_FALSE(node.child("skipped"));
        const std::string out = node.child("system-out").text().get();
        CHECK(out.rfind(std::string(c.verdict) + " ", 0) == 0);
    }
    const auto warn = testcase(parsed.suite, "rfc5321", "4.1.1.9/noop-argument");
    const std::string out = warn.child("system-out").text().get();
    CHECK(out.find("\nreason: NOOP with an argument answered 500\n") != std::string::npos);
    // The suite names the WARNs and gives the tally.
    CHECK(property(parsed.suite, "WARN") == "rfc5321/4.1.1.9/noop-argument");
    CHECK(property(parsed.suite, "tally").rfind("6 scenarios: 1 PASS, 1 FAIL, 1 WARN, ", 0) == 0);
}

TEST_CASE("JUnit: --junit-warn-as-failure makes a WARN a failure", "[report]") {
    Parsed parsed;
    parse(parsed, junit_text({.warn_as_failure = true}));
    const auto warn = testcase(parsed.suite, "rfc5321", "4.1.1.9/noop-argument");
    const auto failure = warn.child("failure");
    REQUIRE(failure);
    CHECK(std::string(failure.attribute("type").value()) == "WARN");
    CHECK(std::string(failure.attribute("message").value()) ==
          "NOOP with an argument answered 500");
    CHECK(std::string(failure.text().get()) ==
          "expected: 250 | 500 => WARN\nreceived: 500 syntax error");
    CHECK(parsed.suite.attribute("failures").as_int() == 2);
    CHECK(parsed.document.child("testsuites").attribute("failures").as_int() == 2);
    // INFO still passes.
    CHECK_FALSE(testcase(parsed.suite, "rfc5321", "4.5.3.1/line-length").child("failure"));
}

TEST_CASE("JUnit: no property inside a testcase, where the schema allows none", "[report]") {
    Parsed parsed;
    parse(parsed, junit_text());
    for (const auto& node : parsed.suite.children("testcase"))
        CHECK_FALSE(node.child("properties"));
    CHECK(parsed.suite.child("properties"));
}

TEST_CASE("JUnit: the classname is the RFC of the id, without dots", "[report]") {
    CHECK(report::junit_classname("rfc5321/4.1.4/rcpt-before-mail") == "rfc5321");
    CHECK(report::junit_classname("rfc3207/starttls-handshake") == "rfc3207");
    CHECK(report::junit_classname("client/rfc5321/4.5.2/dot-stuffing") == "client-rfc5321");
    CHECK(report::junit_classname("mine/v1.2/wrong") == "mine-v1-2");
    CHECK(report::junit_classname("alone") == "scenarios");
}

TEST_CASE("JUnit: no byte XML 1.0 forbids reaches the file", "[report]") {
    const std::string text = junit_text();
    CHECK(report_sample::control_bytes(text) == 0);
    CHECK(text.find("&#") == std::string::npos);  // not even as character references
    CHECK(text.find("\\x01") != std::string::npos);
    CHECK(text.find("\\xff") != std::string::npos);
}

TEST_CASE("JUnit: a client's exit and output in <system-out>", "[report]") {
    std::ostringstream written;
    report::write_junit(written, report_sample::client_run());
    CHECK(report_sample::control_bytes(written.str()) == 0);
    CHECK(written.str().find("&#") == std::string::npos);
    Parsed parsed;
    parse(parsed, written.str());
    const auto fail = testcase(parsed.suite, "client-rfc5321", "4.5.2/dot-stuffing");
    REQUIRE(fail.child("failure"));
    const std::string out = fail.child("system-out").text().get();
    const auto wire_log = out.find("\nwire log:\n");
    const auto status = out.find("\nclient: exit 1\nclient output:\n  client line 1\n");
    REQUIRE(wire_log != std::string::npos);
    REQUIRE(status != std::string::npos);
    CHECK(wire_log < status);
    CHECK(out.ends_with("  client line 24\n  <- 554 5.6.0 <a@b> & \"q\"\\x1b[31m \\xff\n"));

    // Every verdict carries it, PASS too; a client that printed nothing has no output block.
    const auto pass = testcase(parsed.suite, "client-rfc5321", "4.1.1.10/quit");
    CHECK(std::string(pass.child("system-out").text().get())
              .ends_with("\nclient: exit 0\nclient output:\n  message sent\n"));
    const auto error = testcase(parsed.suite, "client-rfc5321", "4.3.1/waits");
    const std::string error_out = error.child("system-out").text().get();
    CHECK(error_out.ends_with("\nclient: killed by ehlo-check: it had not exited\n"));
    CHECK(error_out.find("client output:") == std::string::npos);
}

TEST_CASE("JUnit: a server scenario says nothing of a client", "[report]") {
    Parsed parsed;
    parse(parsed, junit_text());
    for (const auto& node : parsed.suite.children("testcase")) {
        const std::string out = node.child("system-out").text().get();
        CHECK(out.find("\nclient: ") == std::string::npos);
        CHECK(out.find("client output:") == std::string::npos);
    }
}
