// Layer: conformance/check (pure). See coverage.hpp: the scenarios a run did not run, grouped
// by why, each with the option that would run them.
#include "check/coverage.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "check/discovery.hpp"

namespace ehlo::check {

namespace {

bool starts_with(const std::string& text, std::string_view start) {
    return text.compare(0, start.size(), start) == 0;
}

bool has(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

/// The keyword of "requires KEYWORD, not advertised...", without a `=MECHANISM` part.
std::string required_keyword(const std::string& reason) {
    const std::size_t start = std::string_view("requires ").size();
    std::string keyword = reason.substr(start, reason.find(',') - start);
    return keyword.substr(0, keyword.find('='));
}

/// Groups with counts, in the order of their first appearance.
class Groups {
  public:
    void add(const std::string& kind, const std::string& reason, int count = 1) {
        auto [where, fresh] = index_.try_emplace(kind + '\n' + reason, groups_.size());
        if (fresh) groups_.push_back(engine::NotRun{0, kind, reason});
        groups_[where->second].count += count;
    }
    std::vector<engine::NotRun> take() { return std::move(groups_); }

  private:
    std::map<std::string, std::size_t> index_;
    std::vector<engine::NotRun> groups_;
};

/// The keywords the skipped scenarios required, for the reason of their group.
std::string keyword_list(const std::set<std::string>& keywords) {
    std::string text;
    for (const std::string& keyword : keywords)
        text += (text.empty() ? " (" : ", ") + keyword;
    return text.empty() ? "" : text + ")";
}

}  // namespace

std::vector<engine::NotRun> not_selected(const std::vector<scenario::Scenario>& suite,
                                         const Filter& filter) {
    Filter with_slow = filter;
    with_slow.slow = true;
    int slow = 0;
    int outside = 0;
    for (const scenario::Scenario& scenario : suite) {
        if (scenario.role != filter.role || selected(scenario, filter)) continue;
        (selected(scenario, with_slow) ? slow : outside) += 1;
    }
    std::vector<engine::NotRun> groups;
    if (slow > 0) groups.push_back({slow, "not selected", "tagged slow, add --slow"});
    if (outside > 0) groups.push_back({outside, "not selected", "outside --only, --tag, --level"});
    return groups;
}

std::string skip_group(const std::string& reason,
                       const std::vector<std::string>& keywords_after_tls, TlsMode tls) {
    if (const std::size_t give = reason.find("; give --"); give != std::string::npos) {
        return "need " + reason.substr(give + 7);
    }
    if (starts_with(reason, "requires ")) {
        bool before_tls = tls == TlsMode::none && !has(reason, "after STARTTLS");
        if (before_tls && has_keyword(keywords_after_tls, required_keyword(reason))) {
            return "need an extension offered only after STARTTLS, add --starttls";
        }
        return "need an extension the target does not advertise";
    }
    if (has(reason, "--max-connections")) return "need more connections, raise --max-connections";
    if (has(reason, "implicit TLS")) return "use implicit TLS, check a TLS port with --tls";
    if (has(reason, "over --tls")) return "do STARTTLS, check a port without --tls";
    if (has(reason, "--no-delivery")) return "could complete a message, leave out --no-delivery";
    if (has(reason, "not to --rcpt")) return "would send a message to another mailbox than --rcpt";
    return reason;
}

std::vector<engine::NotRun> not_run_groups(const std::vector<engine::ScenarioResult>& results,
                                           const std::vector<std::string>& keywords_after_tls,
                                           const Target& target) {
    Groups errors;
    Groups skips;
    std::map<std::string, std::set<std::string>> keywords;  // by group reason
    for (const engine::ScenarioResult& result : results) {
        if (result.verdict == engine::Verdict::error) {
            std::string hint = certificate_hint(result.reason, target);
            if (!hint.empty()) errors.add("ERROR", hint.substr(2));  // without the "; "
        } else if (result.verdict == engine::Verdict::skip) {
            std::string group = skip_group(result.reason, keywords_after_tls, target.tls);
            skips.add("skipped", group);
            if (starts_with(result.reason, "requires ")) {
                keywords[group].insert(required_keyword(result.reason));
            }
        }
    }
    std::vector<engine::NotRun> groups = errors.take();
    std::vector<engine::NotRun> skipped = skips.take();
    std::stable_sort(skipped.begin(), skipped.end(),
                     [](const auto& a, const auto& b) { return a.count > b.count; });
    for (engine::NotRun& group : skipped) {
        group.reason += keyword_list(keywords[group.reason]);
        groups.push_back(std::move(group));
    }
    return groups;
}

}  // namespace ehlo::check
