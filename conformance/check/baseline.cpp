// Layer: conformance/check. See baseline.hpp: the known failures of `--baseline FILE`.
#include "check/baseline.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ehlo::check {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

std::string error_at(std::string_view name, int line, const std::string& what) {
    return std::string(name) + ":" + std::to_string(line) + ": " + what;
}

/// One non-empty, non-comment line: `ID VERDICT`.
void parse_entry(std::string_view line, std::string_view name, int number, Baseline& baseline) {
    std::size_t blank = line.find_first_of(" \t");
    if (blank == std::string_view::npos) {
        baseline.errors.push_back(error_at(name, number,
                                           "write 'ID VERDICT', e.g. "
                                           "'rfc5321/4.1.4/rcpt-before-mail FAIL'"));
        return;
    }
    std::string id(line.substr(0, blank));
    std::string_view word = trim(line.substr(blank));
    auto verdict = engine::verdict_from_string(word);
    if (!verdict || word.find_first_of(" \t") != std::string_view::npos) {
        baseline.errors.push_back(error_at(
            name, number,
            "'" + std::string(word) + "' is not a verdict: write PASS, INFO, WARN, FAIL or ERROR"));
        return;
    }
    if (!baseline.known.emplace(id, *verdict).second) {
        baseline.errors.push_back(error_at(name, number, "'" + id + "' is listed twice"));
    }
}

}  // namespace

Baseline parse_baseline(std::string_view text, std::string_view name) {
    Baseline baseline;
    int number = 0;
    for (std::size_t begin = 0; begin <= text.size();) {
        std::size_t end = std::min(text.find('\n', begin), text.size());
        std::string_view line = trim(text.substr(begin, end - begin));
        ++number;
        if (!line.empty() && line.front() != '#') parse_entry(line, name, number, baseline);
        begin = end + 1;
    }
    return baseline;
}

Baseline load_baseline(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        Baseline baseline;
        baseline.errors.push_back(path.string() + ": cannot read the baseline file");
        return baseline;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_baseline(text.str(), path.string());
}

bool counts_as_failure(const engine::ScenarioResult& result, const Baseline& baseline) {
    if (result.verdict != engine::Verdict::fail && result.verdict != engine::Verdict::error) {
        return false;
    }
    auto known = baseline.known.find(result.id);
    return known == baseline.known.end() || known->second != result.verdict;
}

std::vector<StaleEntry> stale_entries(const Baseline& baseline,
                                      const std::vector<engine::ScenarioResult>& results) {
    std::vector<StaleEntry> stale;
    for (const engine::ScenarioResult& result : results) {
        if (result.verdict == engine::Verdict::skip) continue;
        auto known = baseline.known.find(result.id);
        if (known != baseline.known.end() && known->second != result.verdict) {
            stale.push_back({result.id, known->second, result.verdict});
        }
    }
    return stale;
}

std::string format_baseline(const std::vector<engine::ScenarioResult>& results,
                            std::string_view target) {
    std::string text = "# Known failures of " + std::string(target) +
                       " (ehlo-check --write-baseline): ID VERDICT\n";
    for (const engine::ScenarioResult& result : results) {
        if (result.verdict == engine::Verdict::fail || result.verdict == engine::Verdict::error) {
            text += result.id + " " + std::string(engine::to_string(result.verdict)) + "\n";
        }
    }
    return text;
}

int conclude(const engine::RunResult& run, const Baseline& baseline,
             const std::string& baseline_path, const std::string& write_path, std::ostream& err) {
    for (const StaleEntry& entry : stale_entries(baseline, run.results)) {
        err << "baseline: " << entry.id << " is listed as " << engine::to_string(entry.listed)
            << " but gave " << engine::to_string(entry.now) << ": update " << baseline_path << "\n";
    }
    if (!write_path.empty()) {
        std::ofstream file(write_path, std::ios::binary | std::ios::trunc);
        file << format_baseline(run.results, run.target);
        if (!file.flush()) {
            err << "ehlo-check: cannot write " << write_path << "\n";
            return 2;
        }
    }
    for (const engine::ScenarioResult& result : run.results) {
        if (counts_as_failure(result, baseline)) return 1;
    }
    return 0;
}

}  // namespace ehlo::check
