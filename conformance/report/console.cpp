// Layer: conformance/report. The console report (report.hpp): while the run goes on, a progress
// bar on a terminal or one plain line per finished scenario; at the end, the summary by RFC
// section, the details of each FAIL, WARN and ERROR (expected and received side by side, the
// requirement, the wire log around the decisive step and, for a judged client, how its process
// ended and the end of what it printed), the scenarios not run by reason (with the option that
// would run them), the baseline's entries that no longer apply, and the tally line, which says
// how many findings the baseline knows. Colours only on a terminal and never with NO_COLOR. The
// runner decides the exit status from the tally.
#include <unistd.h>

#include <sys/ioctl.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "report/format.hpp"
#include "report/report.hpp"

namespace ehlo::report {

namespace {

constexpr std::size_t log_context = 3;           // wire-log lines shown around the decisive step
constexpr std::size_t client_output_shown = 20;  // the last lines of a judged client's output

std::string_view color_code(engine::Verdict verdict) {
    switch (verdict) {
        case engine::Verdict::pass:
            return "\033[32m";  // green
        case engine::Verdict::fail:
            return "\033[1;31m";  // bold red
        case engine::Verdict::warn:
            return "\033[33m";  // yellow
        case engine::Verdict::info:
            return "\033[36m";  // cyan
        case engine::Verdict::skip:
            return "\033[2m";  // dim
        case engine::Verdict::error:
            return "\033[1;35m";  // bold magenta
    }
    return "";
}

/// `text` in the colour of `verdict`, when the options allow colours.
std::string paint(std::string_view text, engine::Verdict verdict, const ConsoleOptions& options) {
    if (!options.color) return std::string(text);
    return std::string(color_code(verdict)) + std::string(text) + "\033[0m";
}

/// The verdict's name padded to five columns, coloured.
std::string verdict_cell(engine::Verdict verdict, const ConsoleOptions& options) {
    std::string name(engine::to_string(verdict));
    name.resize(5, ' ');
    return paint(name, verdict, options);
}

/// What the baseline says of a result, after its id: ` (known)`, ` (fixed)` when it no longer
/// fails, ` (changed)` when it now fails otherwise than listed; empty without a mark.
std::string baseline_marker(const engine::ScenarioResult& result) {
    switch (result.baseline) {
        case engine::BaselineMark::none:
            return "";
        case engine::BaselineMark::known:
            return " (known)";
        case engine::BaselineMark::fixed:
            return is_new_failure(result) ? " (changed)" : " (fixed)";
    }
    return "";
}

/// Columns taken on a terminal: one per UTF-8 character (the reports print no wide ones).
std::size_t columns(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string pad(std::string text, std::size_t width) {
    const std::size_t used = columns(text);
    if (used < width) text.append(width - used, ' ');
    return text;
}

std::string right(const std::string& text, std::size_t width) {
    const std::size_t used = columns(text);
    return used < width ? std::string(width - used, ' ') + text : text;
}

std::string count_cell(int count) {
    return count == 0 ? "-" : std::to_string(count);
}

void write_sections(std::ostream& out, const engine::RunResult& run) {
    const auto rows = by_section(run);
    if (rows.empty()) return;
    std::size_t label_width = 7;
    for (const auto& row : rows)
        label_width = std::max(label_width, columns(ref_label(row.ref)));
    out << "Summary by RFC section\n  " << pad("section", label_width);
    for (const auto verdict : verdict_columns)
        out << right(std::string(engine::to_string(verdict)), 6);
    out << '\n';
    for (const auto& row : rows) {
        out << "  " << pad(ref_label(row.ref), label_width);
        for (const auto verdict : verdict_columns)
            out << right(count_cell(row.tally.count(verdict)), 6);
        out << '\n';
    }
    out << '\n';
}

/// The expected and received sides of an explanation in two columns.
void write_explanation(std::ostream& out, const engine::ScenarioResult& result,
                       const ConsoleOptions& options) {
    const Explanation sides = split_explanation(result.explanation);
    for (const auto& line : sides.other)
        out << "      " << line << '\n';
    if (sides.expected.empty()) return;
    // Expectations hold `|` themselves: the columns are set apart by blanks only.
    std::size_t width = 20;
    for (const auto& line : sides.expected)
        width = std::max(width, columns(line));
    width = std::min<std::size_t>(width, std::max(20, options.width / 2 - 8));
    out << "      " << pad("expected:", width) << "   received:\n";
    const std::size_t rows = std::max(sides.expected.size(), sides.received.size());
    for (std::size_t i = 0; i < rows; ++i) {
        const std::string left = i < sides.expected.size() ? sides.expected[i] : "";
        const std::string right_side = i < sides.received.size() ? sides.received[i] : "";
        out << "      " << pad(left, width) << "   " << right_side << '\n';
    }
}

void write_log(std::ostream& out, const engine::ScenarioResult& result) {
    const LogWindow window = decisive_window(result, log_context);
    if (window.first == window.last) return;
    out << "      wire log";
    if (result.decisive_line > 0) out << " around line " << result.decisive_line;
    out << ":\n";
    if (window.first > 0) out << "          ...\n";
    for (std::size_t i = window.first; i < window.last; ++i) {
        const auto& line = result.log[i];
        out << (is_decisive(result, line) ? "      \u25B6 " : "        ") << transcript_line(line)
            << '\n';
    }
    if (window.last < result.log.size()) out << "          ...\n";
}

/// The end of what a judged client printed; nothing for a server scenario.
void write_client_output(std::ostream& out, const engine::ScenarioResult& result) {
    const OutputLines output = output_lines(result.client_output, client_output_shown);
    if (output.lines.empty()) return;
    out << "      client output";
    if (output.left_out > 0) out << ", its last " << output.lines.size() << " lines";
    out << ":\n";
    if (output.left_out > 0) out << "          ...\n";
    for (const auto& line : output.lines)
        out << "        " << line << '\n';
}

void write_details(std::ostream& out, const engine::ScenarioResult& result,
                   const ConsoleOptions& options) {
    out << verdict_cell(result.verdict, options) << ' ' << printable(result.id)
        << baseline_marker(result) << '\n';
    out << "      " << printable(result.title) << '\n';
    out << "      requirement: " << scenario::to_string(result.level);
    for (std::size_t i = 0; i < result.refs.size(); ++i)
        out << (i == 0 ? "  " : ", ") << ref_label(result.refs[i]);
    out << '\n';
    if (!result.reason.empty()) out << "      reason: " << printable(result.reason) << '\n';
    if (result.baseline != engine::BaselineMark::none)
        out << "      baseline: " << printable(result.baseline_listed) << '\n';
    if (!result.requirement.empty())
        out << "      catalog row: " << printable(result.requirement) << '\n';
    if (!result.client_status.empty())
        out << "      client: " << printable(result.client_status) << '\n';
    write_explanation(out, result, options);
    write_log(out, result);
    write_client_output(out, result);
    out << '\n';
}

/// The coverage the run lost, by reason, each with the option that would run the scenarios.
void write_not_run(std::ostream& out, const engine::RunResult& run) {
    if (run.not_run.empty()) return;
    out << "Not run, by reason:\n";
    for (const engine::NotRun& group : run.not_run)
        out << "  " << not_run_line(group) << '\n';
    out << '\n';
}

/// The baseline's entries whose scenario now gives another verdict or reason.
void write_fixed(std::ostream& out, const engine::RunResult& run) {
    std::vector<const engine::ScenarioResult*> fixed;
    for (const auto* result : sorted_by_id(run)) {
        if (result->baseline == engine::BaselineMark::fixed) fixed.push_back(result);
    }
    if (fixed.empty()) return;
    out << "Baseline entries that no longer apply (" << printable(run.baseline_file) << "):\n";
    for (const auto* result : fixed) {
        out << "  " << printable(result->id)
            << (is_new_failure(*result) ? ": changed, a new finding: update it in the baseline"
                                        : ": fixed: remove it from the baseline")
            << "\n      listed: " << printable(result->baseline_listed)
            << "\n      now:    " << engine::to_string(result->verdict);
        if (!result->reason.empty()) out << ' ' << printable(result->reason);
        out << '\n';
    }
    out << '\n';
}

/// ` (12 known from baseline.txt)` after the count of `verdict`, when the baseline knows some;
/// the file is named the first time only.
std::string known_note(const engine::RunResult& run, const BaselineCounts& counts,
                       engine::Verdict verdict, bool& named) {
    const int known = counts.known.count(verdict);
    if (known == 0) return "";
    std::string note = " (" + std::to_string(known) + " known";
    if (!named) {
        note += " from " + printable(std::filesystem::path(run.baseline_file).filename().string());
        named = true;
    }
    return note + ")";
}

}  // namespace

bool use_color(bool terminal, const char* no_color) {
    return terminal && (no_color == nullptr || *no_color == '\0');
}

ConsoleOptions ConsoleOptions::detect(int fd) {
    ConsoleOptions options;
    options.terminal = ::isatty(fd) == 1;
    options.color = use_color(options.terminal, std::getenv("NO_COLOR"));
    winsize size{};
    if (options.terminal && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        options.width = size.ws_col;
    } else if (const char* env = std::getenv("COLUMNS"); env != nullptr && std::atoi(env) > 0) {
        options.width = std::atoi(env);
    }
    return options;
}

std::string console_line(const engine::ScenarioResult& result, const ConsoleOptions& options) {
    std::string line = verdict_cell(result.verdict, options) + ' ' + printable(result.id) +
                       baseline_marker(result);
    if (result.verdict != engine::Verdict::pass && !result.reason.empty())
        line += ": " + printable(result.reason);
    return line;
}

std::string tally_line(const engine::RunResult& run) {
    const engine::Tally tally = run.tally();
    const BaselineCounts counts = baseline_counts(run);
    std::string line =
        std::to_string(tally.total()) + (tally.total() == 1 ? " scenario: " : " scenarios: ");
    bool first = true, named = false;
    for (const auto verdict : verdict_columns) {
        if (tally.count(verdict) == 0 && verdict != engine::Verdict::pass &&
            verdict != engine::Verdict::fail)
            continue;  // PASS and FAIL always, the others when they occur
        line += (first ? "" : ", ") + std::to_string(tally.count(verdict)) + ' ' +
                std::string(engine::to_string(verdict)) + known_note(run, counts, verdict, named);
        first = false;
    }
    line += " in " + human_duration(run.duration);
    if (counts.fixed > 0) {
        line += "; " + std::to_string(counts.fixed) +
                (counts.fixed == 1 ? " baseline entry no longer applies"
                                   : " baseline entries no longer apply");
    }
    return line;
}

void write_console_summary(std::ostream& out, const engine::RunResult& run,
                           const ConsoleOptions& options) {
    out << '\n' << printable(run.target);
    if (!run.started_at.empty()) out << ", " << printable(run.started_at);
    if (!run.tool_version.empty()) out << ", ehlo-check " << printable(run.tool_version);
    if (run.time_scale != 1.0) {
        out << ", time scale " << engine::format_scale(run.time_scale) << " (every wait)";
    }
    out << "\n\n";
    write_sections(out, run);
    for (const auto* result : sorted_by_id(run)) {
        if (needs_details(result->verdict)) write_details(out, *result, options);
    }
    write_not_run(out, run);
    write_fixed(out, run);
    const engine::Tally tally = run.tally();
    out << paint(tally_line(run), tally.worst(), options) << '\n';
}

ConsoleReporter::ConsoleReporter(std::ostream& out, ConsoleOptions options)
    : out_(out), options_(options) {}

void ConsoleReporter::started(int total) {
    total_ = total;
    so_far_ = {};
    if (options_.terminal) draw_bar("");
}

void ConsoleReporter::scenario_finished(const engine::ScenarioResult& result) {
    so_far_.add(result.verdict);
    if (!options_.terminal) {
        out_ << console_line(result, options_) << '\n';
        return;
    }
    clear_bar();
    if (result.verdict != engine::Verdict::pass) out_ << console_line(result, options_) << '\n';
    draw_bar(result.id);
}

void ConsoleReporter::finished(const engine::RunResult& run) {
    clear_bar();
    write_console_summary(out_, run, options_);
    out_.flush();
}

void ConsoleReporter::draw_bar(std::string_view last_id) {
    const int done = so_far_.total();
    const int cells = std::clamp(options_.width / 3, 10, 40);
    const int filled = total_ > 0 ? std::min(cells, done * cells / total_) : 0;
    std::string bar = "[" + std::string(filled, '#') + std::string(cells - filled, '.') + "] " +
                      std::to_string(done) + "/" + std::to_string(total_);
    for (const auto verdict :
         {engine::Verdict::fail, engine::Verdict::warn, engine::Verdict::error})
        if (so_far_.count(verdict) > 0)
            bar += "  " + paint(std::string(engine::to_string(verdict)) + " " +
                                    std::to_string(so_far_.count(verdict)),
                                verdict, options_);
    const auto limit = static_cast<std::size_t>(std::max(1, options_.width) - 1);
    const std::size_t used = columns(bar);  // colour codes count too: a little room lost
    const std::size_t room = used < limit ? limit - used : 0;
    std::string id = printable(last_id);
    if (id.size() + 2 > room) id = room > 2 ? id.substr(id.size() + 2 - room) : "";
    if (!id.empty()) bar += "  " + id;
    out_ << '\r' << bar << std::flush;
    bar_shown_ = true;
}

void ConsoleReporter::clear_bar() {
    if (bar_shown_) out_ << "\r\033[K";
    bar_shown_ = false;
}

}  // namespace ehlo::report
