// The pure helpers of the scenario model: reply code patterns (RFC 5321 §4.2.1), variable
// substitution, glob patterns over reply text, the verdict of a broken expectation at each
// level, scenario ids from paths; and the suite itself: every .smtp file under scenarios/
// parses, so a malformed scenario fails the unit tests rather than a later run of ehlo-check.
#include <catch2/catch.hpp>

#include <fstream>

#include "scenario/scenario_parser.hpp"

using namespace ehlo::scenario;

TEST_CASE("code patterns match digits and trailing x", "[scenario]") {
    CHECK(CodePattern{"250"}.matches(250));
    CHECK_FALSE(CodePattern{"250"}.matches(251));
    CHECK(CodePattern{"25x"}.matches(251));
    CHECK_FALSE(CodePattern{"25x"}.matches(261));
    CHECK(CodePattern{"5xx"}.matches(554));
    CHECK_FALSE(CodePattern{"5xx"}.matches(454));
    CHECK_FALSE(CodePattern{"5xx"}.matches(5));
    CHECK_FALSE(CodePattern{"5x"}.matches(554));
}

TEST_CASE("substitute fills variables and lists the missing ones once", "[scenario]") {
    const Text text{{Piece::Kind::bytes, "RCPT TO:<"},
                    {Piece::Kind::variable, "rcpt"},
                    {Piece::Kind::bytes, ">"},
                    {Piece::Kind::variable, "user"},
                    {Piece::Kind::variable, "user"}};
    auto full = substitute(text, {{"rcpt", "a@b.example"}, {"user", "u"}});
    CHECK(full.bytes == "RCPT TO:<a@b.example>uu");
    CHECK(full.missing.empty());
    auto partial = substitute(text, {{"rcpt", "x"}});
    CHECK(partial.bytes == "RCPT TO:<x>");
    CHECK(partial.missing == std::vector<std::string>{"user"});
}

TEST_CASE("variables_used lists each variable once, in order", "[scenario]") {
    auto result = parse_scenario(
        "title: t\nrefs: 5321#4\nlevel: MUST\nrequires: -\nC: EHLO {client}\nS: 250\n"
        "C: MAIL FROM:<{from}>\nC> RCPT TO:<{rcpt}>\nC> RCPT TO:<{client}>\nS: 250\nS: 250\n",
        "t");
    REQUIRE(result.ok());
    CHECK(variables_used(result.scenario) == std::vector<std::string>{"client", "from", "rcpt"});
}

TEST_CASE("glob patterns: star, escapes, no case", "[scenario]") {
    CHECK(glob_match("*", ""));
    CHECK(glob_match("*", "anything"));
    CHECK(glob_match("", ""));
    CHECK_FALSE(glob_match("", "x"));
    CHECK(glob_match("mx.* ESMTP*", "MX.example.test esmtp ready"));
    CHECK(glob_match("*ok*", "all OK here"));
    CHECK_FALSE(glob_match("*ok", "ok then"));
    CHECK(glob_match("a*b*c", "a-b-b-c"));
    CHECK_FALSE(glob_match("a*b*c", "a-c-b"));
    CHECK(glob_match("5\\*", "5*"));
    CHECK_FALSE(glob_match("5\\*", "55"));
    CHECK(glob_match("a\\\\b", "a\\b"));
}

TEST_CASE("a broken expectation is worth the level's verdict", "[scenario]") {
    CHECK(broken_verdict(Level::must) == Verdict::fail);
    CHECK(broken_verdict(Level::should) == Verdict::warn);
    CHECK(broken_verdict(Level::may) == Verdict::info);
    CHECK(broken_verdict(Level::info) == Verdict::info);
    CHECK(to_string(Level::should) == "SHOULD");
    CHECK(to_string(Verdict::warn) == "WARN");
}

TEST_CASE("a scenario's id is its path under scenarios/ without .smtp", "[scenario]") {
    CHECK(scenario_id("suite", "suite/rfc5321/4.1.4/rcpt-before-mail.smtp") ==
          "rfc5321/4.1.4/rcpt-before-mail");
    CHECK(scenario_id("suite/", "suite/top.smtp") == "top");
}

TEST_CASE("every scenario of the suite parses", "[scenario][suite]") {
    const std::filesystem::path root = EHLO_SCENARIOS_DIR;
    const auto files = find_scenario_files(root);
    CHECK_FALSE(files.empty());
    for (const auto& file : files) {
        auto loaded = load_scenario(root, file);
        for (const auto& error : loaded.errors)
            FAIL_CHECK(error);
        CHECK(loaded.scenario.id == scenario_id(root, file));
    }
}

TEST_CASE("load_scenario reports errors as file:line: message", "[scenario]") {
    const auto root = std::filesystem::temp_directory_path() / "ehlo-scenario-load-test";
    std::filesystem::create_directories(root / "rfc1");
    const auto file = root / "rfc1" / "bad.smtp";
    std::ofstream(file) << "title: t\nrefs: 5321#4\nlevel: MUST\nrequires: -\nS: 2\n";
    auto loaded = load_scenario(root, file);
    CHECK(loaded.scenario.id == "rfc1/bad");
    CHECK(loaded.errors ==
          std::vector<std::string>{file.string() +
                                   ":5: '2' does not start with a reply code: write 250, 25x, 2xx "
                                   "or <close>"});
    auto missing = load_scenario(root, root / "none.smtp");
    CHECK(missing.errors ==
          std::vector<std::string>{(root / "none.smtp").string() + ": cannot be read"});
    std::filesystem::remove_all(root);
}

namespace {

// The fenced code blocks of a Markdown file.
std::vector<std::string> code_blocks(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::vector<std::string> blocks;
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.starts_with("```")) {
            if (!inside) blocks.emplace_back();
            inside = !inside;
        } else if (inside) {
            blocks.back() += line + "\n";
        }
    }
    return blocks;
}

}  // namespace

TEST_CASE("every example of docs/scenario-format.md parses", "[scenario][suite]") {
    const auto blocks = code_blocks(EHLO_SCENARIO_FORMAT_DOC);
    CHECK(blocks.size() >= 10);
    for (const auto& block : blocks) {
        if (block.find(".smtp:") != std::string::npos) continue;  // the example errors
        const bool whole = block.find("title:") != std::string::npos;
        const std::string header = "title: t\nrefs: 5321#4\nlevel: MUST\nrequires: -\n";
        auto result = parse_scenario(whole ? block : header + block, "doc");
        if (!whole && !result.ok()) {  // a piece of a client scenario (role: client)
            result = parse_scenario(header + "role: client\n" + block, "doc");
        }
        INFO(block);
        for (const auto& error : result.errors)
            FAIL_CHECK(format_error("doc", error));
    }
}
