// ehlo-check's command line (conformance/check/options.hpp, design.md §5): what parses, what
// is refused, and the rules between options that CLI11 cannot check alone.
#include <catch2/catch.hpp>

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

}  // namespace

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
