// Layer: conformance/report. The pieces of the HTML report, put together by html_report.cpp:
// escaping, verdict badges, links to the RFC text, the attributes the filter script reads, and
// one scenario written whole (the broken requirement in words, the reason, expected against
// received, a judged client's exit and output, then the wire log with the decisive step marked).
// The page's CSS and script are in html_assets.cpp. Internal to this layer.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include "engine/result.hpp"
#include "engine/verdict.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::report::html {

/// The verdicts in the order of triage: the groups of findings (FAIL, ERROR, WARN, INFO), then
/// the scenarios folded at the end (PASS, SKIP). The tally and the section table use it too.
inline constexpr engine::Verdict triage_order[] = {engine::Verdict::fail, engine::Verdict::error,
                                                   engine::Verdict::warn, engine::Verdict::info,
                                                   engine::Verdict::pass, engine::Verdict::skip};

/// Whether `verdict` is written as an open finding, not folded at the end.
bool is_finding(engine::Verdict verdict);

/// `text` with `& < > " '` as character references: safe in an element and in a quoted
/// attribute.
std::string escape(std::string_view text);

/// Printable (format.hpp), then escaped: the one way text from a result reaches the page.
std::string text(std::string_view text, bool keep_newlines = false);

/// `1 line`, `3 lines`: a count and the word for it, `one` or `many`.
std::string counted(std::size_t count, std::string_view one, std::string_view many);

/// `<span class="v v-FAIL">FAIL</span>`.
std::string badge(engine::Verdict verdict);

/// The stable anchor of a scenario: its id, printable and escaped, so that `report.html#ID`
/// leads to it from other pages.
std::string anchor(std::string_view id);

/// A link to a section of the RFC text at rfc-editor.org, labelled `RFC 5321 §4.1.4`.
std::string ref_link(const scenario::Ref& ref);

/// A catalog row as `ScenarioResult::requirement` gives it (`5321-3.3-h (MUST, server): RCPT
/// without ...`), cut into the row with its keyword and side, and the statement in words. A
/// text without that shape is all statement.
struct Requirement {
    std::string row;        ///< `5321-3.3-h (MUST, server)`
    std::string statement;  ///< `RCPT without a preceding MAIL must get 503.`
};

/// Splits `requirement`, see `Requirement`.
Requirement split_requirement(std::string_view requirement);

/// The wire logs longer than this show the lines around the decisive step, the whole log
/// folded below them.
inline constexpr std::size_t long_log = 40;

/// The attributes of a scenario's element: its anchor `id`, and the `data-` attributes the
/// filter script reads (verdict, RFC numbers, tags, known to the baseline, the text searched).
std::string scenario_attributes(const engine::ScenarioResult& result);

/// The wire log of `result` as a table, the decisive step's lines marked `▶` and highlighted;
/// for a finding whose log is longer than `long_log`, the lines around the decisive step and
/// the whole log folded. Nothing for an empty log.
void write_wire_log(std::ostream& out, const engine::ScenarioResult& result);

/// One scenario as a `<details>` element with its anchor: open for a finding, folded for PASS
/// and SKIP. Its summary gives the verdict, a `known` badge, the id and the title; its body the
/// requirement, reason, explanation, client and wire log.
void write_scenario(std::ostream& out, const engine::ScenarioResult& result);

/// The page's style sheet and its filter script (html_assets.cpp).
extern const std::string_view style;
extern const std::string_view script;

}  // namespace ehlo::report::html
