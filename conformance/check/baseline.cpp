// Layer: conformance/check. See baseline.hpp: the known findings of `--baseline FILE`.
#include "check/baseline.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "report/format.hpp"

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

/// One non-empty, non-comment line: `ID VERDICT [REASON]`.
void parse_entry(std::string_view line, std::string_view name, int number, Baseline& baseline) {
    std::size_t blank = line.find_first_of(" \t");
    if (blank == std::string_view::npos) {
        baseline.errors.push_back(error_at(name, number,
                                           "write 'ID VERDICT [REASON]', e.g. "
                                           "'rfc5321/4.1.4/rcpt-before-mail FAIL'"));
        return;
    }
    std::string id(line.substr(0, blank));
    std::string_view rest = trim(line.substr(blank));
    std::size_t end = std::min(rest.find_first_of(" \t"), rest.size());
    std::string_view word = rest.substr(0, end);
    auto verdict = engine::verdict_from_string(word);
    if (!verdict || *verdict == engine::Verdict::skip) {
        baseline.errors.push_back(error_at(
            name, number,
            "'" + std::string(word) + "' is not a verdict: write PASS, INFO, WARN, FAIL or ERROR"));
        return;
    }
    BaselineEntry entry{*verdict, std::string(trim(rest.substr(end))), number};
    if (!baseline.known.emplace(id, std::move(entry)).second) {
        baseline.errors.push_back(error_at(name, number, "'" + id + "' is listed twice"));
    }
}

}  // namespace

std::string BaselineEntry::text() const {
    std::string out(engine::to_string(verdict));
    return reason.empty() ? out : out + " " + reason;
}

Baseline parse_baseline(std::string_view text, std::string_view name) {
    Baseline baseline;
    baseline.file = name;
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
        baseline.file = path.string();
        baseline.errors.push_back(path.string() + ": cannot read the baseline file");
        return baseline;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_baseline(text.str(), path.string());
}

void check_ids(Baseline& baseline, const std::vector<std::string>& ids) {
    const std::set<std::string, std::less<>> suite(ids.begin(), ids.end());
    std::vector<const std::pair<const std::string, BaselineEntry>*> unknown;
    for (const auto& listed : baseline.known) {
        if (!suite.contains(listed.first)) unknown.push_back(&listed);
    }
    std::sort(unknown.begin(), unknown.end(),
              [](const auto* a, const auto* b) { return a->second.line < b->second.line; });
    for (const auto* listed : unknown) {
        baseline.errors.push_back(error_at(baseline.file, listed->second.line,
                                           "'" + listed->first +
                                               "' is no scenario of the suite (see the ids with "
                                               "--list): fix the id or remove the line"));
    }
}

bool reason_matches(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0;
    std::size_t star = std::string_view::npos, resume = 0;  // the last `*` and where it took up
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;  // let the last `*` take one more character
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

std::string reason_pattern(std::string_view reason) {
    // A reply the engine quotes in a reason (engine/transcript.cpp, scenario_answers.cpp):
    // after " was ", ": " or "the reply ", its code and enhanced status code, then its text up
    // to what the engine writes after it, or the end.
    static const std::regex reply(
        "((?: was |: |the reply )[2-5][0-9]{2}(?:[ -][245]\\.[0-9]{1,3}\\.[0-9]{1,3})?)"
        "[ -][\\s\\S]*?"
        "(?=(?: \\(and [0-9]+ more lines?\\))?(?:; expected |; it fits | came before |$))");
    return std::regex_replace(report::printable(reason), reply, "$1 *");
}

engine::BaselineMark judge(const engine::ScenarioResult& result, const Baseline& baseline) {
    auto listed = baseline.known.find(result.id);
    if (listed == baseline.known.end() || result.verdict == engine::Verdict::skip) {
        return engine::BaselineMark::none;
    }
    const BaselineEntry& entry = listed->second;
    bool same =
        entry.verdict == result.verdict &&
        (entry.reason.empty() || reason_matches(entry.reason, report::printable(result.reason)));
    return same ? engine::BaselineMark::known : engine::BaselineMark::fixed;
}

void mark(engine::ScenarioResult& result, const Baseline& baseline) {
    result.baseline = judge(result, baseline);
    result.baseline_listed.clear();
    if (result.baseline != engine::BaselineMark::none) {
        result.baseline_listed = baseline.known.find(result.id)->second.text();
    }
}

void mark_run(engine::RunResult& run, const Baseline& baseline) {
    run.baseline_file = baseline.file;
    for (engine::ScenarioResult& result : run.results)
        mark(result, baseline);
}

namespace {

/// A reporter that marks each finished scenario before passing it on.
class MarkingReporter final : public report::Reporter {
  public:
    MarkingReporter(std::unique_ptr<report::Reporter> inner, const Baseline& baseline)
        : inner_(std::move(inner)), baseline_(baseline) {}
    void started(int total) override { inner_->started(total); }
    void scenario_finished(const engine::ScenarioResult& result) override {
        engine::ScenarioResult marked = result;
        mark(marked, baseline_);
        inner_->scenario_finished(marked);
    }
    void finished(const engine::RunResult& run) override { inner_->finished(run); }

  private:
    std::unique_ptr<report::Reporter> inner_;
    const Baseline& baseline_;
};

}  // namespace

std::unique_ptr<report::Reporter> marking(std::unique_ptr<report::Reporter> reporter,
                                          const Baseline& baseline) {
    return std::make_unique<MarkingReporter>(std::move(reporter), baseline);
}

std::string format_baseline(const std::vector<engine::ScenarioResult>& results,
                            std::string_view target) {
    std::string text = "# Known findings of " + std::string(target) +
                       " (ehlo-check --write-baseline): ID VERDICT REASON, where * in a reason "
                       "stands for any text\n";
    for (const engine::ScenarioResult& result : results) {
        if (result.verdict == engine::Verdict::fail || result.verdict == engine::Verdict::error) {
            BaselineEntry entry{result.verdict, reason_pattern(result.reason)};
            text += result.id + " " + entry.text() + "\n";
        }
    }
    return text;
}

int conclude(const engine::RunResult& run, const std::string& write_path, std::ostream& err) {
    if (!write_path.empty()) {
        std::ofstream file(write_path, std::ios::binary | std::ios::trunc);
        file << format_baseline(run.results, run.target);
        if (!file.flush()) {
            err << "ehlo-check: cannot write " << write_path << "\n";
            return 2;
        }
    }
    for (const engine::ScenarioResult& result : run.results) {
        if (report::is_new_failure(result)) return 1;
    }
    return 0;
}

}  // namespace ehlo::check
