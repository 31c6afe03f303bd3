// The usage errors of the command lines in plain words (apps/command_line.hpp), on ehlo-check's
// options (conformance/check/options.hpp): CLI11's own wording ("The following argument was not
// expected", "Could not convert") never reaches the user; each message names what is wrong and
// how to fix it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "apps/command_line.hpp"
#include "check/options.hpp"

using namespace ehlo;

namespace {

/// The message ehlo-check gives for `args` (without the program name); fails the test when
/// they parse.
std::string message_for(std::vector<std::string> args) {
    CLI::App app{"test", "ehlo-check"};
    check::Options options;
    check::define_options(app, options);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& error) {
        return apps::explain_parse_error(error, app);
    }
    FAIL("parsed: " << args.front());
    return {};
}

}  // namespace

TEST_CASE("an unknown option is named, with the option it most likely meant", "[check][usage]") {
    CHECK(message_for({"--rpct", "a@example.test"}) ==
          "unknown option '--rpct'; did you mean --rcpt?");
    CHECK(message_for({"--jobs=2", "--no-such-thing"}) == "unknown option '--no-such-thing'");
    CHECK(message_for({"--jbos=2"}) == "unknown option '--jbos'; did you mean --jobs?");
}

TEST_CASE("a second target is an argument too many, not CLI11's jargon", "[check][usage]") {
    std::string message = message_for({"127.0.0.1:2525", "127.0.0.1:2526"});
    CHECK(
        message.starts_with("unexpected argument '127.0.0.1:2526': there is room for one "
                            "HOST:PORT only"));
    CHECK(message.find("not expected") == std::string::npos);
}

TEST_CASE("a number that is none, or out of range, says which numbers fit", "[check][usage]") {
    CHECK(message_for({"--jobs", "many"}) ==
          "--jobs: 'many' is not a number: give a number from "
          "1 to 256");
    CHECK(message_for({"--jobs", "0"}) ==
          "--jobs: '0' is out of range: give a number from 1 to "
          "256");
    CHECK(message_for({"--timeout", "0"}) ==
          "--timeout: '0' is out of range: give a number from "
          "0.001 to 3600");
}

TEST_CASE("a missing value names the option and what it takes", "[check][usage]") {
    CHECK(message_for({"--rcpt"}) == "--rcpt needs a value: --rcpt ADDRESS");
}

TEST_CASE("a missing file, a wrong word, two options that exclude each other", "[check][usage]") {
    CHECK(message_for({"--baseline", "/no/such/file"}) ==
          "--baseline: no file '/no/such/file': check the path");
    CHECK(message_for({"--level", "OFTEN"}) ==
          "--level: 'OFTEN' is not one of MUST, SHOULD, MAY, INFO");
    std::string both = message_for({"127.0.0.1:1", "--tls", "--starttls"});
    CHECK((both == "--tls and --starttls exclude each other: give one of them" ||
           both == "--starttls and --tls exclude each other: give one of them"));
}

TEST_CASE("--version prints the version, the commit, OpenSSL and the suite's size",
          "[check][usage]") {
    check::Options options;
    options.scenarios = EHLO_SCENARIOS_DIR;
    const std::string text = check::version_text(options, "/nonexistent/ehlo-check", "");
    std::vector<std::string> lines;
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
         start = end + 1)
        lines.push_back(text.substr(start, end - start));
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == std::string("ehlo-check ") + apps::version_number());
    CHECK(lines[1].starts_with("commit: "));
    CHECK(lines[2].starts_with("OpenSSL: OpenSSL 3."));
    CHECK(lines[3].starts_with("suite: "));
    CHECK(lines[3].ends_with(std::string(" client) in ") + EHLO_SCENARIOS_DIR));
    CHECK(lines[4].starts_with("catalog: "));
    CHECK(lines[4].ends_with(" requirements"));
}
