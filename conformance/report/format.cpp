// Layer: conformance/report. The formatting helpers shared by every report (format.hpp):
// printable text, RFC section keys and their order, durations, id parts, the sides of an
// explanation, counts by verdict and by section, the log window around a decisive step, and
// the lines of a judged client's output.
#include "report/format.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>

namespace ehlo::report {

namespace {

void append_hex(std::string& out, unsigned char byte) {
    char buffer[5];
    std::snprintf(buffer, sizeof buffer, "\\x%02x", byte);
    out += buffer;
}

/// The length of the valid UTF-8 sequence at the start of `text` (RFC 3629 §4: no overlong
/// forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one. U+FFFE and U+FFFF
/// count as invalid, since XML 1.0 forbids them.
std::size_t utf8_length(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char b0 = byte(0);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        if (b0 == 0xE0) low = 0xA0;
        if (b0 == 0xED) high = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        if (b0 == 0xF0) low = 0x90;
        if (b0 == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    }
    if (length == 3 && b0 == 0xEF && byte(1) == 0xBF && byte(2) >= 0xBE) return 0;
    return length;
}

/// A section split into its dot-separated parts, for a natural order.
std::vector<std::string_view> parts(std::string_view section) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= section.size()) {
        const std::size_t dot = std::min(section.find('.', start), section.size());
        out.push_back(section.substr(start, dot - start));
        start = dot + 1;
    }
    return out;
}

bool is_number(std::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Numbers by value and before words (appendices); words by their text.
bool part_less(std::string_view a, std::string_view b) {
    const bool na = is_number(a), nb = is_number(b);
    if (na != nb) return na;
    if (na && a.size() != b.size()) return a.size() < b.size();  // no leading zeros in RFCs
    return a < b;
}

}  // namespace

std::string printable(std::string_view text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n' && keep_newlines) {
            out += '\n';
            ++i;
        } else if (c < 0x20 || c == 0x7F) {
            append_hex(out, c);
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else if (const std::size_t n = utf8_length(text.substr(i)); n > 0) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            append_hex(out, c);
            ++i;
        }
    }
    return out;
}

std::string ref_key(const scenario::Ref& ref) {
    return std::to_string(ref.rfc) + "#" + ref.section;
}

std::string ref_label(const scenario::Ref& ref) {
    return "RFC " + std::to_string(ref.rfc) + " \u00A7" + ref.section;
}

bool ref_less(const scenario::Ref& a, const scenario::Ref& b) {
    if (a.rfc != b.rfc) return a.rfc < b.rfc;
    const auto pa = parts(a.section), pb = parts(b.section);
    return std::lexicographical_compare(pa.begin(), pa.end(), pb.begin(), pb.end(), part_less);
}

std::string seconds(std::chrono::milliseconds duration) {
    const long long ms = duration.count() < 0 ? 0 : duration.count();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%lld.%03lld", ms / 1000, ms % 1000);
    return buffer;
}

std::string human_duration(std::chrono::milliseconds duration) {
    const long long ms = duration.count() < 0 ? 0 : duration.count();
    char buffer[48];
    if (ms < 1000) {
        std::snprintf(buffer, sizeof buffer, "%lld ms", ms);
    } else if (ms < 60'000) {
        std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(ms) / 1000.0);
    } else {
        const long long s = ms / 1000;
        std::snprintf(buffer, sizeof buffer, "%lld min %02lld s", s / 60, s % 60);
    }
    return buffer;
}

std::string_view id_folder(std::string_view id) {
    const std::size_t slash = id.rfind('/');
    return slash == std::string_view::npos ? std::string_view{} : id.substr(0, slash);
}

std::string_view id_file(std::string_view id) {
    const std::size_t slash = id.rfind('/');
    return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

Explanation split_explanation(std::string_view explanation) {
    Explanation out;
    std::vector<std::string>* side = &out.other;
    const std::string text = printable(explanation, true);
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = std::string_view(text).substr(start, end - start);
        start = end + 1;
        if (line.starts_with("expected: ") || line == "expected:") {
            side = &out.expected;
            line.remove_prefix(std::min<std::size_t>(line.size(), 10));
        } else if (line.starts_with("received: ") || line == "received:") {
            side = &out.received;
            line.remove_prefix(std::min<std::size_t>(line.size(), 10));
        } else if (side != &out.other) {
            line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
        }
        side->emplace_back(line);
    }
    if (out.expected.empty() || out.received.empty()) {
        // Not the two-sided shape: keep the text as it came.
        out = Explanation{};
        start = 0;
        while (start < text.size()) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            out.other.push_back(text.substr(start, end - start));
            start = end + 1;
        }
    }
    return out;
}

std::vector<const engine::ScenarioResult*> sorted_by_id(const engine::RunResult& run) {
    std::vector<const engine::ScenarioResult*> out;
    out.reserve(run.results.size());
    for (const auto& result : run.results)
        out.push_back(&result);
    std::stable_sort(out.begin(), out.end(),
                     [](const auto* a, const auto* b) { return a->id < b->id; });
    return out;
}

std::vector<SectionCount> by_section(const engine::RunResult& run) {
    std::map<std::string, SectionCount> rows;
    for (const auto& result : run.results) {
        std::set<std::string> counted;  // a scenario citing one section twice counts once
        for (const auto& ref : result.refs) {
            const std::string key = ref_key(ref);
            if (!counted.insert(key).second) continue;
            rows.try_emplace(key, SectionCount{ref, {}}).first->second.tally.add(result.verdict);
        }
    }
    std::vector<SectionCount> out;
    for (auto& [key, row] : rows)
        out.push_back(std::move(row));
    std::sort(out.begin(), out.end(),
              [](const SectionCount& a, const SectionCount& b) { return ref_less(a.ref, b.ref); });
    return out;
}

std::string not_run_line(const engine::NotRun& group) {
    return std::to_string(group.count) + ' ' + printable(group.kind) + ": " +
           printable(group.reason);
}

bool needs_details(engine::Verdict verdict) {
    return verdict == engine::Verdict::fail || verdict == engine::Verdict::warn ||
           verdict == engine::Verdict::error;
}

bool is_new_failure(const engine::ScenarioResult& result) {
    return (result.verdict == engine::Verdict::fail || result.verdict == engine::Verdict::error) &&
           result.baseline != engine::BaselineMark::known;
}

BaselineCounts baseline_counts(const engine::RunResult& run) {
    BaselineCounts counts;
    for (const auto& result : run.results) {
        if (result.baseline == engine::BaselineMark::known) counts.known.add(result.verdict);
        if (result.baseline == engine::BaselineMark::fixed) ++counts.fixed;
        if (is_new_failure(result)) ++counts.new_failures;
    }
    return counts;
}

std::string_view mark_name(engine::BaselineMark mark) {
    switch (mark) {
        case engine::BaselineMark::none:
            return "none";
        case engine::BaselineMark::known:
            return "known";
        case engine::BaselineMark::fixed:
            return "fixed";
    }
    return "none";
}

std::string_view side_name(engine::LogLine::Side side) {
    switch (side) {
        case engine::LogLine::Side::client:
            return "client";
        case engine::LogLine::Side::server:
            return "server";
        case engine::LogLine::Side::note:
            return "note";
    }
    return "note";
}

std::string transcript_line(const engine::LogLine& line) {
    std::string at = seconds(line.at);
    if (at.size() < 7) at.insert(0, 7 - at.size(), ' ');
    return at + " [" + std::to_string(line.connection) + "] " +
           std::string(engine::prefix(line.side)) + ' ' + printable(line.text);
}

bool is_decisive(const engine::ScenarioResult& result, const engine::LogLine& line) {
    return result.decisive_line > 0 && line.step_line == result.decisive_line;
}

LogWindow decisive_window(const engine::ScenarioResult& result, std::size_t context) {
    const auto& log = result.log;
    std::size_t first = log.size(), last = 0;
    for (std::size_t i = 0; i < log.size(); ++i) {
        if (!is_decisive(result, log[i])) continue;
        first = std::min(first, i);
        last = i + 1;
    }
    if (last == 0) {  // no decisive line in the log: its end
        const std::size_t shown = std::min(log.size(), 2 * context + 1);
        return {log.size() - shown, log.size()};
    }
    return {first > context ? first - context : 0, std::min(log.size(), last + context)};
}

OutputLines output_lines(std::string_view output, std::size_t max_lines) {
    std::vector<std::string> all;
    const std::string text = printable(output, true);
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        all.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    OutputLines out;
    out.left_out = all.size() > max_lines ? all.size() - max_lines : 0;
    out.lines.assign(std::make_move_iterator(all.begin() + static_cast<long>(out.left_out)),
                     std::make_move_iterator(all.end()));
    return out;
}

}  // namespace ehlo::report
