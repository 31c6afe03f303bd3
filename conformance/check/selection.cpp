// Layer: conformance/check. See selection.hpp: which scenarios run and which are SKIPped, why.
#include "check/selection.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "check/discovery.hpp"
#include "scenario/catalog.hpp"
#include "scenario/scenario_parser.hpp"

// Where this build put the suite (SuiteLocations); CMakeLists.txt sets all three.
#ifndef EHLO_INSTALLED_SCENARIOS
#define EHLO_INSTALLED_SCENARIOS "../share/ehlo/scenarios"
#endif
#ifndef EHLO_BUILD_DIR
#define EHLO_BUILD_DIR ""
#endif
#ifndef EHLO_BUILTIN_SCENARIOS
#define EHLO_BUILTIN_SCENARIOS ""
#endif

namespace ehlo::check {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string text) {
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool starts_with_word(std::string_view line, std::string_view word) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        line.remove_prefix(1);
    if (line.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(line[i])) != word[i]) return false;
    }
    return line.size() == word.size() ||
           !std::isalnum(static_cast<unsigned char>(line[word.size()]));
}

/// The lines a scenario sends, variables written `{name}`.
std::vector<std::string> sent_lines(const scenario::Scenario& scenario) {
    std::vector<std::string> lines;
    for (const scenario::Step& step : scenario.steps) {
        const auto* send = std::get_if<scenario::Send>(&step.action);
        if (send == nullptr) continue;
        std::string text;
        for (const scenario::Piece& piece : send->text) {
            bool variable = piece.kind == scenario::Piece::Kind::variable;
            text += variable ? "{" + piece.value + "}" : piece.value;
        }
        std::size_t begin = 0;
        while (begin <= text.size()) {
            std::size_t end = text.find('\n', begin);
            if (end == std::string::npos) end = text.size();
            lines.push_back(text.substr(begin, end - begin));
            begin = end + 1;
        }
    }
    return lines;
}

bool fits_any(const std::vector<std::string>& patterns, const std::string& id) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return scenario::glob_match(p, id); });
}

bool has_tag(const scenario::Scenario& scenario, const std::string& tag) {
    return std::find(scenario.tags.begin(), scenario.tags.end(), tag) != scenario.tags.end();
}

/// The first keyword (or keyword and parameter) of `requires` that the EHLO lines
/// `advertised` do not offer.
std::optional<std::string> missing_keyword(const scenario::Scenario& scenario,
                                           const std::vector<std::string>& advertised) {
    for (const std::string& keyword : scenario.requires_keywords) {
        if (!offers(advertised, keyword)) return keyword;
    }
    return std::nullopt;
}

std::optional<std::string> tls_mismatch(const scenario::Scenario& scenario, TlsMode tls) {
    if (has_tls_step(scenario, true) && tls != TlsMode::implicit) {
        return "uses implicit TLS; check a TLS port with --tls";
    }
    if (has_tls_step(scenario, false) && tls == TlsMode::implicit) {
        return "does STARTTLS, which has no place over --tls";
    }
    return std::nullopt;
}

std::optional<std::string> requirement_gap(const scenario::Scenario& scenario, const Gates& gates) {
    std::vector<std::string> advertised = gates.keywords;
    const char* where = "";
    if (has_tls_step(scenario, false)) {
        advertised.insert(advertised.end(), gates.keywords_after_tls.begin(),
                          gates.keywords_after_tls.end());
    } else if (gates.tls == TlsMode::starttls) {
        advertised = gates.keywords_after_tls;
        where = " after STARTTLS";
    }
    if (auto keyword = missing_keyword(scenario, advertised)) {
        return "requires " + *keyword + ", not advertised" + where;
    }
    return std::nullopt;
}

}  // namespace

Suite load_suite(const fs::path& root) {
    Suite suite;
    std::error_code error;
    if (!fs::is_directory(root, error)) {
        suite.errors.push_back(root.string() + ": no such folder of scenarios");
        return suite;
    }
    for (const fs::path& file : scenario::find_scenario_files(root)) {
        scenario::LoadResult loaded = scenario::load_scenario(root, file);
        const auto check = scenario::apply_catalog(loaded.scenario, scenario::builtin_catalog());
        for (const std::string& id : check.unknown) {
            loaded.errors.push_back(file.string() + ": requirements: no row " + id +
                                    " in the requirement catalog (docs/requirements.tsv)");
        }
        if (loaded.ok()) {
            suite.scenarios.push_back(std::move(loaded.scenario));
        } else {
            suite.errors.insert(suite.errors.end(), loaded.errors.begin(), loaded.errors.end());
        }
    }
    std::sort(suite.scenarios.begin(), suite.scenarios.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return suite;
}

SuiteLocations built_in_suite_locations() {
    return {EHLO_INSTALLED_SCENARIOS, EHLO_BUILD_DIR, EHLO_BUILTIN_SCENARIOS};
}

std::optional<fs::path> scenarios_dir(const std::string& option, const std::string& environment,
                                      const fs::path& program, const SuiteLocations& where) {
    if (!option.empty()) return fs::path(option);
    if (!environment.empty()) return fs::path(environment);
    if (program.empty()) return std::nullopt;
    std::error_code error;
    fs::path folder = program.parent_path();
    fs::path beside = folder.parent_path() / "scenarios";
    if (fs::is_directory(beside, error)) return beside;
    if (!where.installed.empty()) {
        fs::path installed = (folder / where.installed).lexically_normal();
        if (fs::is_directory(installed, error)) return installed;
    }
    bool in_build_dir = !where.build_dir.empty() && fs::equivalent(folder, where.build_dir, error);
    if (in_build_dir && fs::is_directory(where.source, error)) return fs::path(where.source);
    return std::nullopt;
}

bool selected(const scenario::Scenario& scenario, const Filter& filter) {
    if (scenario.role != filter.role) return false;
    if (!filter.only.empty() && !fits_any(filter.only, scenario.id)) return false;
    if (!filter.tags.empty() &&
        std::none_of(filter.tags.begin(), filter.tags.end(),
                     [&](const std::string& tag) { return has_tag(scenario, tag); })) {
        return false;
    }
    // Level declares MUST first: a smaller value is a stronger requirement.
    if (filter.level && scenario.level > *filter.level) return false;
    bool asked_for_slow = filter.slow || std::find(filter.tags.begin(), filter.tags.end(),
                                                   "slow") != filter.tags.end();
    return asked_for_slow || !has_tag(scenario, "slow");
}

std::vector<const scenario::Scenario*> select(const std::vector<scenario::Scenario>& suite,
                                              const Filter& filter) {
    std::vector<const scenario::Scenario*> chosen;
    for (const scenario::Scenario& scenario : suite) {
        if (selected(scenario, filter)) chosen.push_back(&scenario);
    }
    return chosen;
}

std::optional<std::string> skip_reason(const scenario::Scenario& scenario, const Gates& gates) {
    for (const std::string& name : scenario::variables_used(scenario)) {
        auto value = gates.variables.find(name);
        if (value == gates.variables.end() || value->second.empty()) {
            std::string option = scenario::is_credential_variable(name) ? "auth" : name;
            return "uses {" + name + "}; give --" + option;
        }
    }
    std::size_t needed = connections_needed(scenario);
    if (needed > gates.max_connections) {
        return "needs " + std::to_string(needed) + " connections at once; --max-connections is " +
               std::to_string(gates.max_connections);
    }
    if (auto mismatch = tls_mismatch(scenario, gates.tls)) return mismatch;
    if (auto gap = requirement_gap(scenario, gates)) return gap;
    if (!sends_message(scenario)) return std::nullopt;
    if (gates.no_delivery) return std::string("could complete a message; --no-delivery");
    if (gates.own_target) return std::nullopt;
    for (const std::string& address : recipients(scenario)) {
        if (!harmless_recipient(address)) {
            return "could send a message to <" + address + ">, not to --rcpt";
        }
    }
    return std::nullopt;
}

bool sends_message(const scenario::Scenario& scenario) {
    for (const std::string& line : sent_lines(scenario)) {
        if (starts_with_word(line, "DATA") || starts_with_word(line, "BDAT")) return true;
    }
    return false;
}

std::vector<std::string> recipients(const scenario::Scenario& scenario) {
    std::vector<std::string> found;
    for (const std::string& line : sent_lines(scenario)) {
        if (!starts_with_word(line, "RCPT")) continue;
        std::size_t open = line.find('<');
        std::size_t close = line.find('>', open == std::string::npos ? 0 : open);
        if (open == std::string::npos || close == std::string::npos) {
            found.push_back(line);  // no address we can read: never harmless
            continue;
        }
        found.push_back(line.substr(open + 1, close - open - 1));
    }
    return found;
}

bool harmless_recipient(const std::string& address) {
    if (address == "{rcpt}") return true;
    std::size_t at = address.rfind('@');
    if (at == std::string::npos) return false;  // Postmaster of the target, say
    std::string domain = lower(address.substr(at + 1));
    while (!domain.empty() && domain.back() == '.')
        domain.pop_back();
    for (const char* reserved : {"invalid", "test", "example", "localhost"}) {
        std::string tld = reserved;
        if (domain == tld ||
            (domain.size() > tld.size() &&
             domain.compare(domain.size() - tld.size() - 1, std::string::npos, "." + tld) == 0)) {
            return true;
        }
    }
    for (const char* reserved : {"example.com", "example.net", "example.org"}) {
        if (domain == reserved) return true;
    }
    return false;
}

std::size_t connections_needed(const scenario::Scenario& scenario) {
    std::size_t most = 1;
    for (const scenario::Step& step : scenario.steps) {
        if (const auto* connection = std::get_if<scenario::Connection>(&step.action)) {
            most = std::max(most, static_cast<std::size_t>(connection->number));
        }
    }
    return most;
}

bool has_tls_step(const scenario::Scenario& scenario, bool implicit) {
    return std::any_of(scenario.steps.begin(), scenario.steps.end(), [&](const auto& step) {
        const auto* tls = std::get_if<scenario::StartTls>(&step.action);
        return tls != nullptr && tls->implicit == implicit;
    });
}

}  // namespace ehlo::check
