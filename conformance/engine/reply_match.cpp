// Layer: conformance/engine (pure). Matching a received reply against the alternatives of an
// `S:` step, after docs/scenario-format.md: codes (RFC 5321 §4.2.1), enhanced status codes
// (RFC 3463 §2), text patterns, multi-line replies, EHLO keywords (RFC 5321 §4.1.1.1) and
// `<close>`; and the "expected / received" text of a report.
#include "engine/reply_match.hpp"
#include "engine/transcript.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace ehlo::engine {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The first word of `text` (up to a space), and the rest after the blanks that follow it.
std::string_view first_word(std::string_view text) {
    return text.substr(0, text.find(' '));
}

std::string_view after_first_word(std::string_view text) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return {};
    text.remove_prefix(space);
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    return text;
}

// The three parts of `a.b.c`; empty when there are not exactly two dots.
std::vector<std::string_view> split_dots(std::string_view code) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= code.size(); ++i) {
        if (i == code.size() || code[i] == '.') {
            parts.push_back(code.substr(start, i - start));
            start = i + 1;
        }
    }
    if (parts.size() != 3) parts.clear();
    return parts;
}

int number(std::string_view digits) {
    int value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return value;
}

bool same_word(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) ==
                      std::toupper(static_cast<unsigned char>(y));
           });
}

// The lines of a reply; a reply with no lines reads as one empty line, as "250" CRLF does.
std::vector<std::string> reply_lines(const wire::WireReply& reply) {
    if (reply.lines.empty()) return {std::string()};
    return reply.lines;
}

// The text a single pattern is matched against: the line after its enhanced code when the
// alternative names one and the line starts with one (RFC 3463 §2), else the whole line.
std::string_view pattern_text(const scenario::Alternative& alt, std::string_view line) {
    if (alt.enhanced.empty() || !is_enhanced_code(first_word(line))) return line;
    return after_first_word(line);
}

bool lines_fit(const scenario::Alternative& alt, const wire::WireReply& reply) {
    const auto lines = reply_lines(reply);
    if (alt.exact_lines) {
        if (lines.size() != alt.lines.size()) return false;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (!scenario::glob_match(alt.lines[i], lines[i])) return false;
        }
        return true;
    }
    for (const auto& pattern : alt.lines) {
        const bool any = std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
            return scenario::glob_match(pattern, pattern_text(alt, line));
        });
        if (!any) return false;
    }
    return true;
}

bool reply_fits(const scenario::Alternative& alt, const wire::WireReply& reply) {
    if (!alt.code.matches(reply.code)) return false;
    if (!alt.enhanced.empty()) {
        const auto first = reply.lines.empty() ? std::string_view{} : first_word(reply.lines[0]);
        if (!enhanced_code_fits(alt.enhanced, first)) return false;
    }
    if (!lines_fit(alt, reply)) return false;
    return std::all_of(alt.keywords.begin(), alt.keywords.end(),
                       [&](const scenario::KeywordCheck& check) {
                           return advertises(reply, check.keyword) == check.present;
                       });
}

// A pattern written back in scenario syntax: a bar, a leading sign and an arrow escaped.
std::string pattern_source(std::string_view pattern) {
    std::string out;
    if (!pattern.empty() && (pattern.front() == '+' || pattern.front() == '-')) out += '\\';
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '|' ||
            (pattern[i] == '=' && i + 1 < pattern.size() && pattern[i + 1] == '>')) {
            out += '\\';
        }
        out += pattern[i];
    }
    return out;
}

std::string verdict_suffix(scenario::Verdict verdict) {
    if (verdict == scenario::Verdict::pass) return {};
    return " => " + std::string(scenario::to_string(verdict));
}

// `label` then `text`, its further lines indented under the first.
std::string labelled(std::string_view label, std::string_view text) {
    std::string out(label);
    const std::string indent(label.size(), ' ');
    for (const char c : text) {
        out += c;
        if (c == '\n') out += indent;
    }
    return out;
}

}  // namespace

bool is_enhanced_code(std::string_view code) {
    const auto parts = split_dots(code);
    if (parts.empty() || parts[0].size() != 1) return false;
    if (parts[0][0] != '2' && parts[0][0] != '4' && parts[0][0] != '5') return false;
    for (std::size_t i = 1; i < 3; ++i) {
        if (parts[i].empty() || parts[i].size() > 3) return false;
        if (!std::all_of(parts[i].begin(), parts[i].end(), is_digit)) return false;
    }
    return true;
}

bool enhanced_code_fits(std::string_view pattern, std::string_view code) {
    if (!is_enhanced_code(code)) return false;
    const auto want = split_dots(pattern);
    const auto got = split_dots(code);
    if (want.empty()) return false;
    for (std::size_t i = 0; i < 3; ++i) {
        if (want[i] == "x") continue;
        if (want[i].empty() || !std::all_of(want[i].begin(), want[i].end(), is_digit)) {
            return false;
        }
        if (number(want[i]) != number(got[i])) return false;
    }
    return true;
}

bool advertises(const wire::WireReply& reply, std::string_view keyword) {
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        if (same_word(first_word(reply.lines[i]), keyword)) return true;
    }
    return false;
}

bool fits(const scenario::Alternative& alternative, const Received& received) {
    if (alternative.close) return received.kind == Received::Kind::closed;
    if (alternative.same && alternative.code.pattern.empty()) return false;  // nothing to compare
    return received.kind == Received::Kind::reply && reply_fits(alternative, received.reply);
}

Match match(const scenario::Expect& expect, const Received& received) {
    for (std::size_t i = 0; i < expect.alternatives.size(); ++i) {
        if (fits(expect.alternatives[i], received)) return {i, expect.alternatives[i].verdict};
    }
    return {};
}

Verdict step_verdict(const Match& match, scenario::Level level) {
    return alternative_verdict(match.carried, level);
}

std::string describe(const scenario::Alternative& alt) {
    if (alt.close) return "<close>" + verdict_suffix(alt.verdict);
    if (alt.same) {
        const std::string code = alt.code.pattern.empty() ? "" : " (" + alt.code.pattern + ")";
        return "<same>" + code + verdict_suffix(alt.verdict);
    }
    std::string out;
    if (alt.exact_lines) {
        for (std::size_t i = 0; i < alt.lines.size(); ++i) {
            const bool last = i + 1 == alt.lines.size();
            out += alt.code.pattern + (last ? " " : "-") + pattern_source(alt.lines[i]);
            if (!last) out += '\n';
        }
        return out + verdict_suffix(alt.verdict);
    }
    out = alt.code.pattern;
    if (!alt.enhanced.empty()) out += " " + alt.enhanced;
    for (const auto& pattern : alt.lines)
        out += " " + pattern_source(pattern);
    for (const auto& check : alt.keywords)
        out += std::string(check.present ? " +" : " -") + check.keyword;
    return out + verdict_suffix(alt.verdict);
}

std::string describe(const scenario::Expect& expect) {
    std::string out;
    for (const auto& alt : expect.alternatives) {
        if (!out.empty()) out += " | ";
        out += describe(alt);
    }
    return out;
}

std::string describe(const Received& received) {
    switch (received.kind) {
        case Received::Kind::closed:
            return "<close>";
        case Received::Kind::timeout:
            return "no reply within the time limit";
        case Received::Kind::malformed:
            return "a malformed reply: " + escape_bytes(received.error);
        case Received::Kind::reply:
            break;
    }
    const auto lines = reply_lines(received.reply);
    const std::string code = std::to_string(received.reply.code);
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const bool last = i + 1 == lines.size();
        out += code;
        if (!last || !lines[i].empty()) out += last ? " " : "-";
        out += escape_bytes(lines[i]);
        if (!last) out += '\n';
    }
    return out;
}

std::string explain(const scenario::Expect& expect, const Received& received) {
    // Bounded: a reply of 1000 lines of 8 KiB must not stay in every result to the run's end.
    return bounded_text(labelled("expected: ", describe(expect)) + "\n" +
                            labelled("received: ", describe(received)),
                        explanation_limit);
}

}  // namespace ehlo::engine
