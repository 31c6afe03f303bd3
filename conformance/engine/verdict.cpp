// Layer: conformance/engine. The order of verdicts and the worst-verdict rule of
// docs/scenario-format.md ("Verdicts"); see verdict.hpp for the order chosen for SKIP and
// ERROR, which the scenario format leaves to the runner.
#include "engine/verdict.hpp"

#include "scenario/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace ehlo::engine {

Verdict worst(std::span<const Verdict> verdicts) {
    Verdict out = Verdict::skip;
    for (const Verdict v : verdicts)
        out = worst(out, v);
    return out;
}

Verdict worst(std::initializer_list<Verdict> verdicts) {
    return worst(std::span<const Verdict>(verdicts.begin(), verdicts.size()));
}

Verdict broken_verdict(scenario::Level level) {
    return alternative_verdict(scenario::broken_verdict(level), level);
}

Verdict alternative_verdict(scenario::Verdict carried, scenario::Level level) {
    switch (carried) {
        case scenario::Verdict::pass:
            return Verdict::pass;
        case scenario::Verdict::info:
            return Verdict::info;
        case scenario::Verdict::warn:
            return Verdict::warn;
        case scenario::Verdict::fail:
            break;
    }
    // A `=> FAIL` is a broken requirement; the level says what that is worth.
    switch (scenario::broken_verdict(level)) {
        case scenario::Verdict::warn:
            return Verdict::warn;
        case scenario::Verdict::info:
            return Verdict::info;
        default:
            return Verdict::fail;
    }
}

// The catalog row behind a verdict, for the report: `5321-4.1.4-c (MUST, server): RCPT ...`;
// empty for PASS, SKIP and ERROR, which no row allows.
std::string requirement_behind(const std::vector<scenario::CitedRequirement>& cited,
                               Verdict verdict) {
    scenario::Level level = scenario::Level::may;  // INFO
    if (verdict == Verdict::fail) level = scenario::Level::must;
    if (verdict == Verdict::warn) level = scenario::Level::should;
    if (verdict != Verdict::fail && verdict != Verdict::warn && verdict != Verdict::info) return {};
    const scenario::CitedRequirement* row = scenario::row_allowing(cited, level);
    if (row == nullptr) return {};
    return describe_row(*row);
}

std::string describe_row(const scenario::CitedRequirement& row) {
    return row.id + " (" + row.keyword + ", " + row.binds + "): " + row.summary;
}

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::skip:
            return "SKIP";
        case Verdict::pass:
            return "PASS";
        case Verdict::info:
            return "INFO";
        case Verdict::warn:
            return "WARN";
        case Verdict::fail:
            return "FAIL";
        case Verdict::error:
            return "ERROR";
    }
    return "?";
}

std::optional<Verdict> verdict_from_string(std::string_view name) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const Verdict v : {Verdict::skip, Verdict::pass, Verdict::info, Verdict::warn,
                            Verdict::fail, Verdict::error}) {
        if (to_string(v) == upper) return v;
    }
    return std::nullopt;
}

void Tally::add(Verdict verdict) {
    switch (verdict) {
        case Verdict::skip:
            ++skip;
            break;
        case Verdict::pass:
            ++pass;
            break;
        case Verdict::info:
            ++info;
            break;
        case Verdict::warn:
            ++warn;
            break;
        case Verdict::fail:
            ++fail;
            break;
        case Verdict::error:
            ++error;
            break;
    }
}

int Tally::count(Verdict verdict) const {
    switch (verdict) {
        case Verdict::skip:
            return skip;
        case Verdict::pass:
            return pass;
        case Verdict::info:
            return info;
        case Verdict::warn:
            return warn;
        case Verdict::fail:
            return fail;
        case Verdict::error:
            return error;
    }
    return 0;
}

Verdict Tally::worst() const {
    for (const Verdict v :
         {Verdict::error, Verdict::fail, Verdict::warn, Verdict::info, Verdict::pass}) {
        if (count(v) > 0) return v;
    }
    return Verdict::skip;
}

}  // namespace ehlo::engine
