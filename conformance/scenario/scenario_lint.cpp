// Layer: conformance/scenario (pure). See scenario_lint.hpp: cited rows, the level they allow,
// and the extensions a scenario's commands use.
#include "scenario/scenario_lint.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string_view>

#include "scenario/text.hpp"

namespace ehlo::scenario {

namespace {

/// MAIL and RCPT parameters (and SMTPUTF8 on VRFY and EXPN) and the keyword that offers each:
/// RFC 1870 §3 SIZE, RFC 6152 §2 and RFC 3030 §3 BODY, RFC 6531 §3.1 SMTPUTF8, RFC 4954 §5
/// AUTH, RFC 3461 §4 RET, ENVID, NOTIFY and ORCPT, RFC 8689 §3 REQUIRETLS.
std::string keyword_of_parameter(const std::string& name, const std::string& value) {
    if (name == "BODY" && value == "8BITMIME") return "8BITMIME";
    if (name == "BODY" && value == "BINARYMIME") return "BINARYMIME";
    if (name == "SIZE" || name == "SMTPUTF8" || name == "AUTH" || name == "REQUIRETLS" ||
        name == "MT-PRIORITY") {
        return name;
    }
    if (name == "RET" || name == "ENVID" || name == "NOTIFY" || name == "ORCPT") return "DSN";
    return {};
}

// What one command line uses.
void uses_of_line(const std::string& line, std::vector<std::string>& used) {
    std::istringstream words(line);
    std::string verb;
    if (!(words >> verb)) return;
    verb = upper(verb);
    std::string word;
    if (verb == "BDAT") used.push_back("CHUNKING");
    if (verb == "STARTTLS") used.push_back("STARTTLS");
    if (verb == "AUTH" && words >> word) {
        const std::string mechanism = upper(word);
        const bool name = std::all_of(mechanism.begin(), mechanism.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
        if (name && !mechanism.empty()) used.push_back("AUTH=" + mechanism);
    }
    if (verb != "MAIL" && verb != "RCPT" && verb != "VRFY" && verb != "EXPN") return;
    words >> word;  // the path (or the argument of VRFY and EXPN)
    while (words >> word) {
        const std::size_t equals = word.find('=');
        const std::string name = upper(word.substr(0, equals));
        const std::string value = equals == std::string::npos ? "" : upper(word.substr(equals + 1));
        if (auto keyword = keyword_of_parameter(name, value); !keyword.empty()) {
            used.push_back(keyword);
        }
    }
}

// The text of a send step, variables written `{name}`, split into lines at LF (CR dropped).
std::vector<std::string> lines_of(const Send& send) {
    std::string text;
    for (const Piece& piece : send.text)
        text += piece.kind == Piece::Kind::variable ? "{" + piece.value + "}" : piece.value;
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

bool has_tag(const Scenario& scenario, std::string_view tag) {
    return std::find(scenario.tags.begin(), scenario.tags.end(), tag) != scenario.tags.end();
}

// The lines of `=> FAIL` alternatives (of either role) that name no row of their own.
std::vector<int> fail_lines(const Scenario& scenario) {
    std::vector<int> lines;
    for (const ClientStep& step : scenario.client.steps) {
        const auto* command = std::get_if<Command>(&step.action);
        if (command == nullptr) continue;
        for (const LineAlternative& alt : command->alternatives) {
            if (alt.verdict == Verdict::fail && alt.requirement.empty()) lines.push_back(step.line);
        }
    }
    for (const Step& step : scenario.steps) {
        const auto* expect = std::get_if<Expect>(&step.action);
        if (expect == nullptr) continue;
        for (const Alternative& alt : expect->alternatives) {
            if (alt.verdict == Verdict::fail) lines.push_back(step.line);
        }
    }
    return lines;
}

void lint_level(const Scenario& scenario, std::vector<std::string>& problems) {
    if (scenario.requirements.empty()) {
        problems.push_back(
            "cites no row of the requirement catalog: add requirements: with "
            "the ids of docs/requirements.tsv it tests");
    }
    if (scenario.ceiling == Level::must) return;
    const std::string why = std::string(" needs a cited row that binds the ") +
                            (scenario.role == Role::client ? "client" : "server") +
                            " with MUST, MUST NOT, REQUIRED or SHALL; cite one, or lower the level";
    if (scenario.level == Level::must) problems.push_back("level MUST" + why);
    for (int line : fail_lines(scenario)) {
        problems.push_back("line " + std::to_string(line) + ": => FAIL" + why +
                           " (its rows allow " +
                           std::string(to_string(broken_verdict(scenario.ceiling))) + " at most)");
    }
}

// A client scenario: the row an alternative names is cited, and allows its verdict; the
// address that picks it under --listen is a local part of at most 64 octets
// (RFC 5321 §4.5.3.1.1).
void lint_client(const Scenario& scenario, std::vector<std::string>& problems) {
    for (const ClientStep& step : scenario.client.steps) {
        const auto* command = std::get_if<Command>(&step.action);
        if (command == nullptr) continue;
        for (const LineAlternative& alt : command->alternatives) {
            if (alt.requirement.empty() && alt.verdict == Verdict::fail) {
                problems.push_back("line " + std::to_string(step.line) +
                                   ": => FAIL names no row: write the row it rests on, like "
                                   "=> FAIL 5321-4.1.1.10-c");
            }
            if (alt.requirement.empty()) continue;
            const auto row = std::find_if(scenario.cited.begin(), scenario.cited.end(),
                                          [&](const auto& r) { return r.id == alt.requirement; });
            const std::string where = "line " + std::to_string(step.line) + ": ";
            if (row == scenario.cited.end()) {
                problems.push_back(where + "=> names " + alt.requirement +
                                   ", which requirements: does not cite");
            } else if (alt.verdict == Verdict::fail && row->allows != Level::must) {
                problems.push_back(
                    where + "=> FAIL through " + alt.requirement + ", which allows " +
                    std::string(to_string(broken_verdict(row->allows))) + " at most");
            }
        }
    }
    const std::string local = listen_local_part(scenario.id);
    if (local.size() > 64) {
        problems.push_back("its --listen address " + local + " is longer than 64 octets");
    }
}

}  // namespace

std::vector<std::string> extensions_used(const Scenario& scenario) {
    std::vector<std::string> used;
    for (const Step& step : scenario.steps) {
        const auto* send = std::get_if<Send>(&step.action);
        if (send == nullptr) continue;
        if (send->mode == Send::Mode::queued) used.push_back("PIPELINING");
        for (const std::string& line : lines_of(*send))
            uses_of_line(line, used);
    }
    std::vector<std::string> unique;
    for (const std::string& name : used) {
        if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(name);
    }
    return unique;
}

bool requires_covers(const std::vector<std::string>& requires_keywords, const std::string& used) {
    return std::any_of(
        requires_keywords.begin(), requires_keywords.end(), [&](const std::string& required) {
            return required == used ||
                   (used.find('=') == std::string::npos && required.starts_with(used + "="));
        });
}

std::vector<std::string> lint(const Scenario& scenario) {
    std::vector<std::string> problems;
    lint_level(scenario, problems);
    if (scenario.role == Role::client) {
        lint_client(scenario, problems);
        return problems;
    }
    if (has_tag(scenario, "unadvertised")) return problems;
    for (const std::string& used : extensions_used(scenario)) {
        if (!requires_covers(scenario.requires_keywords, used)) {
            problems.push_back("uses " + used + " but requires: does not name it");
        }
    }
    return problems;
}

}  // namespace ehlo::scenario
