// ehlo-check's command line (conformance/check/options.hpp, docs/ehlo-check.md): what parses, what
// is refused, and the rules between options that CLI11 cannot check alone.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "check/options.hpp"

using namespace ehlo;

namespace {

/// Parses `args` (without the program name) into options, then checks them: CLI11 errors and
/// UsageErrors propagate.
check::Options parse(std::vector<std::string> args) {
    CLI::App app{"test", "ehlo-check"};
    check::Options options;
    check::define_options(app, options);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    check::check_options(options);
    return options;
}

/// A value for each option that takes one; flags have none. An option missing here fails the
/// test below, so a new option is tested against the target too.
const std::map<std::string, std::string> sample_values = {
    {"--ca-file", "/etc/hostname"},
    {"--tls-name", "mx.example.test"},
    {"--rcpt", "me@example.test"},
    {"--from", "from@example.test"},
    {"--auth", "alice:secret"},
    {"--client", "client.example.test"},
    {"--only", "rfc5321/4.1.4/*"},
    {"--tag", "sequence"},
    {"--level", "MUST"},
    {"--scenarios", EHLO_SCENARIOS_DIR},
    {"--jobs", "2"},
    {"--max-connections", "3"},
    {"--rate", "0"},
    {"--timeout", "5"},
    {"--time-scale", "0.5"},
    {"--baseline", "/etc/hostname"},
    {"--write-baseline", "written.txt"},
    {"--json", "r.json"},
    {"--junit", "r.xml"},
    {"--html", "r.html"},
    {"--exec", "swaks --to {rcpt}"},
    {"--exec-starttls", "swaks --tls --to {rcpt}"},
    {"--exec-tls", "swaks --tls-on-connect --to {rcpt}"},
    {"--exec-auth", "swaks --auth --to {rcpt}"},
    {"--listen", "127.0.0.1:2526"},
    {"--listen-for", "60"},
};

/// The options of ehlo-check's command line, as `--name` (--help and --version left out).
std::vector<std::string> option_names() {
    CLI::App app{"test", "ehlo-check"};
    check::Options options;
    check::define_options(app, options);
    std::vector<std::string> names;
    for (const CLI::Option* option : app.get_options()) {
        if (option->get_positional()) continue;
        const std::string name = "--" + option->get_lnames().at(0);
        if (name != "--help" && name != "--version") names.push_back(name);
    }
    return names;
}

/// `--name VALUE`, or `--name` for a flag.
std::vector<std::string> occurrence(const std::string& name) {
    auto value = sample_values.find(name);
    if (value == sample_values.end()) return {name};
    return {name, value->second};
}

/// Parses `args` like `parse`, without the rules between options, and gives the target.
std::string parsed_target(const std::vector<std::string>& args) {
    CLI::App app{"test", "ehlo-check"};
    check::Options options;
    check::define_options(app, options);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    return options.target;
}

}  // namespace

TEST_CASE("no option takes the target as its value, in any order", "[check]") {
    const std::string target = "127.0.0.1:2525";
    for (const std::string& name : option_names()) {
        INFO(name);
        CLI::App probe{"test", "ehlo-check"};
        check::Options unused;
        check::define_options(probe, unused);
        if (probe.get_option(name)->get_expected_max() > 0) {
            REQUIRE(sample_values.count(name) == 1);  // give the new option a sample value
        }
        std::vector<std::string> before = occurrence(name);
        before.push_back(target);
        CHECK(parsed_target(before) == target);
        std::vector<std::string> after{target};
        for (const std::string& word : occurrence(name))
            after.push_back(word);
        CHECK(parsed_target(after) == target);
    }
}

TEST_CASE("every option at once, the target anywhere among them", "[check]") {
    // --tls and --insecure exclude --starttls and --ca-file: they are left out here.
    std::vector<std::vector<std::string>> occurrences;
    for (const std::string& name : option_names()) {
        if (name != "--tls" && name != "--insecure") occurrences.push_back(occurrence(name));
    }
    for (std::size_t at = 0; at <= occurrences.size(); ++at) {
        std::vector<std::string> args;
        for (std::size_t i = 0; i < occurrences.size(); ++i) {
            if (i == at) args.push_back("[::1]:25");
            args.insert(args.end(), occurrences[i].begin(), occurrences[i].end());
        }
        if (at == occurrences.size()) args.push_back("[::1]:25");
        INFO("target after " << at << " options");
        CHECK(parsed_target(args) == "[::1]:25");
    }
}

TEST_CASE("repeatable options are repeated, one value each", "[check]") {
    auto options = parse({"--only", "a/*", "--only", "b/*", "h:25", "--tag", "x", "--tag", "y"});
    CHECK(options.target == "h:25");
    CHECK(options.only == std::vector<std::string>{"a/*", "b/*"});
    CHECK(options.tags == std::vector<std::string>{"x", "y"});
    // A second value after one occurrence is no list: it is taken for the target, and refused.
    CHECK_THROWS_AS(parse({"--only", "a/*", "b/*"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--only", "a/*", "b/*", "h:25"}), CLI::ValidationError);
}

TEST_CASE("--tls-name names the server for SNI and the certificate", "[check]") {
    CHECK(parse({"127.0.0.1:465", "--tls", "--tls-name", "mx.example.test"}).tls_name ==
          "mx.example.test");
    CHECK(parse({"127.0.0.1:465"}).tls_name.empty());
    CHECK_THROWS_AS(parse({"h:25", "--tls-name", "[127.0.0.1]"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"h:25", "--tls-name", "bad name"}), CLI::ValidationError);
    CHECK_THROWS_WITH(parse({"--tls-name", "mx.example.test"}), Catch::Contains("give a target"));
}

TEST_CASE("no arguments: the demo with the polite defaults left open", "[check]") {
    auto options = parse({});
    CHECK(options.target.empty());
    CHECK_FALSE(options.jobs);
    CHECK_FALSE(options.rate);
    CHECK(options.timeout == 30);
    CHECK(options.from == "ehlo-check@example.org");
    CHECK(check::is_ehlo_name(options.client));
}

TEST_CASE("a target with the usual options", "[check]") {
    auto options = parse({"mx.example.test:25",
                          "--starttls",
                          "--insecure",
                          "--rcpt",
                          "me@example.test",
                          "--only",
                          "rfc5321/*",
                          "--only",
                          "rfc3207/*",
                          "--tag",
                          "sequence",
                          "--level",
                          "should",
                          "--jobs",
                          "2",
                          "--max-connections",
                          "3",
                          "--rate",
                          "0.5",
                          "--timeout",
                          "2.5",
                          "--auth",
                          "alice:se:cret",
                          "--no-delivery",
                          "--json",
                          "r.json"});
    CHECK(options.target == "mx.example.test:25");
    CHECK(options.starttls);
    CHECK(options.insecure);
    CHECK(options.rcpt == "me@example.test");
    CHECK(options.only == std::vector<std::string>{"rfc5321/*", "rfc3207/*"});
    CHECK(options.tags == std::vector<std::string>{"sequence"});
    CHECK(options.jobs == 2u);
    CHECK(options.max_connections == 3u);
    CHECK(options.rate == Approx(0.5));
    CHECK(options.timeout == Approx(2.5));
    CHECK(options.auth == "alice:se:cret");
    CHECK(options.no_delivery);
    CHECK(options.json == "r.json");
}

TEST_CASE("IPv6 targets are written in brackets", "[check]") {
    CHECK(parse({"[::1]:2525"}).target == "[::1]:2525");
    CHECK_THROWS_AS(parse({"::1:2525"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"mx.example.test"}), CLI::ValidationError);
}

TEST_CASE("options that exclude each other are refused", "[check]") {
    CHECK_THROWS_AS(parse({"h:25", "--starttls", "--tls"}), CLI::ExcludesError);
    CHECK_THROWS_AS(parse({"h:25", "--insecure", "--ca-file", "/etc/hostname"}),
                    CLI::ExcludesError);
}

TEST_CASE("bad values are refused", "[check]") {
    CHECK_THROWS_AS(parse({"--jobs", "0"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--timeout", "0"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--rate", "-1"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--level", "OFTEN"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--rcpt", "not an address"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--client", "bad name!"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--scenarios", "/nonexistent/dir"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--frobnicate"}), CLI::ExtrasError);
}

TEST_CASE("rules between options name the fix", "[check]") {
    CHECK_THROWS_WITH(parse({"--starttls"}), Catch::Contains("give a target"));
    CHECK_THROWS_WITH(parse({"--tls"}), Catch::Contains("give a target"));
    CHECK_THROWS_WITH(parse({"h:25", "--auth", "alice"}), Catch::Contains("USER:PASS"));
    CHECK_THROWS_WITH(parse({"h:25", "--auth", ":pw"}), Catch::Contains("USER:PASS"));
    CHECK_THROWS_AS(
        parse({"h:25", "--baseline", "/etc/hostname", "--write-baseline", "/etc/hostname"}),
        check::UsageError);
}

TEST_CASE("--time-scale multiplies the waits; 1 unless given", "[check]") {
    CHECK(parse({}).time_scale == 1);
    CHECK(parse({"h:25", "--time-scale", "0.01"}).time_scale == 0.01);
    CHECK_THROWS_AS(parse({"--time-scale", "0"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--time-scale", "-1"}), CLI::ValidationError);
}

TEST_CASE("--auth gives the credentials and their base64 forms for AUTH", "[check]") {
    CHECK(check::credential_variables("").empty());
    const auto variables = check::credential_variables("alice:se:cret");
    CHECK(variables.at("user") == "alice");
    CHECK(variables.at("password") == "se:cret");
    // RFC 4616 §2: NUL alice NUL se:cret, base64 (checked with `printf '\0alice\0se:cret' |
    // base64`).
    CHECK(variables.at("auth-plain") == "AGFsaWNlAHNlOmNyZXQ=");
    CHECK(variables.at("user-base64") == "YWxpY2U=");
    CHECK(variables.at("password-base64") == "c2U6Y3JldA==");
}

TEST_CASE("--rcpt gives the recipient and its domain", "[check]") {
    CHECK(check::recipient_variables("").empty());
    auto variables = check::recipient_variables("bob@example.test");
    CHECK(variables.at("rcpt") == "bob@example.test");
    CHECK(variables.at("rcpt-domain") == "example.test");
    // The last @ starts the domain: a quoted local part may hold one (RFC 5321 §4.1.2).
    CHECK(check::recipient_variables("\"a@b\"@mx.example").at("rcpt-domain") == "mx.example");
    CHECK(check::recipient_variables("bob").count("rcpt-domain") == 0);
}

TEST_CASE("mailboxes and EHLO names", "[check]") {
    CHECK(check::is_plain_mailbox("a@b.example"));
    CHECK(check::is_plain_mailbox("\"quoted\"@b.example"));
    CHECK_FALSE(check::is_plain_mailbox("a b@c.example"));
    CHECK_FALSE(check::is_plain_mailbox("<a@b.example>"));
    CHECK_FALSE(check::is_plain_mailbox("@b.example"));
    CHECK_FALSE(check::is_plain_mailbox("a@"));
    CHECK(check::is_ehlo_name("client.example.test"));
    CHECK(check::is_ehlo_name("[127.0.0.1]"));
    CHECK(check::is_ehlo_name("[IPv6:::1]"));
    CHECK_FALSE(check::is_ehlo_name("a..b"));
    CHECK_FALSE(check::is_ehlo_name(".a"));
    CHECK_FALSE(check::is_ehlo_name("a_b"));
}
