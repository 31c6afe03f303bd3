// Layer: conformance/scenario. The pure helpers of the scenario model: reply code patterns,
// variable substitution, glob patterns for reply text, and the verdict of a broken
// expectation. Matching whole replies against an `Expect` is left to the engine.
#include "scenario/scenario.hpp"

#include <algorithm>
#include <cctype>

namespace ehlo::scenario {

bool CodePattern::matches(int code) const {
    if (pattern.size() != 3 || code < 100 || code > 999) return false;
    const std::string digits = std::to_string(code);
    for (std::size_t i = 0; i < 3; ++i) {
        if (pattern[i] != 'x' && pattern[i] != digits[i]) return false;
    }
    return true;
}

bool is_credential_variable(std::string_view name) {
    return name == "user" || name == "password" || name == "auth-plain" || name == "user-base64" ||
           name == "password-base64";
}

Substituted substitute(const Text& text, const Variables& values) {
    Substituted out;
    for (const auto& piece : text) {
        if (piece.kind == Piece::Kind::bytes) {
            out.bytes += piece.value;
            continue;
        }
        auto found = values.find(piece.value);
        if (found == values.end()) {
            if (std::find(out.missing.begin(), out.missing.end(), piece.value) ==
                out.missing.end()) {
                out.missing.push_back(piece.value);
            }
            continue;
        }
        out.bytes += found->second;
    }
    return out;
}

std::vector<std::string> variables_used(const Scenario& scenario) {
    std::vector<std::string> names;
    for (const auto& step : scenario.steps) {
        const auto* send = std::get_if<Send>(&step.action);
        if (send == nullptr) continue;
        for (const auto& piece : send->text) {
            if (piece.kind != Piece::Kind::variable) continue;
            if (std::find(names.begin(), names.end(), piece.value) == names.end()) {
                names.push_back(piece.value);
            }
        }
    }
    return names;
}

namespace {

// One element of a glob: a literal character or a star.
struct GlobToken {
    bool star = false;
    char literal = 0;
};

std::vector<GlobToken> tokenize_glob(std::string_view pattern) {
    std::vector<GlobToken> tokens;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '\\' && i + 1 < pattern.size()) {
            tokens.push_back({false, pattern[++i]});
        } else if (pattern[i] == '*') {
            tokens.push_back({true, 0});
        } else {
            tokens.push_back({false, pattern[i]});
        }
    }
    return tokens;
}

bool same_letter(char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative matching with one backtrack point: the last star seen.
    const auto tokens = tokenize_glob(pattern);
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = tokens.size();
    std::size_t star_text = 0;
    while (t < text.size()) {
        if (p < tokens.size() && tokens[p].star) {
            star = p++;
            star_text = t;
        } else if (p < tokens.size() && same_letter(tokens[p].literal, text[t])) {
            ++p;
            ++t;
        } else if (star != tokens.size()) {
            p = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (p < tokens.size() && tokens[p].star)
        ++p;
    return p == tokens.size();
}

Verdict broken_verdict(Level level) {
    switch (level) {
        case Level::must:
            return Verdict::fail;
        case Level::should:
            return Verdict::warn;
        case Level::may:
        case Level::info:
            return Verdict::info;
    }
    return Verdict::fail;
}

std::string_view to_string(Level level) {
    switch (level) {
        case Level::must:
            return "MUST";
        case Level::should:
            return "SHOULD";
        case Level::may:
            return "MAY";
        case Level::info:
            return "INFO";
    }
    return "?";
}

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass:
            return "PASS";
        case Verdict::fail:
            return "FAIL";
        case Verdict::warn:
            return "WARN";
        case Verdict::info:
            return "INFO";
    }
    return "?";
}

}  // namespace ehlo::scenario
