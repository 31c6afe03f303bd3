// Layer: conformance/scenario. The grammar of one step's payload (docs/scenario-format.md):
// the bytes of a `C:` line (escapes and variables) and the alternatives of an `S:` line (reply
// codes after RFC 5321 §4.2, enhanced codes after RFC 3463 §2, EHLO keywords after
// RFC 5321 §4.1.1.1, text patterns, verdicts). Line numbers and the order of steps are the
// parser's.
#include <algorithm>
#include <cctype>

#include "scenario/scenario_parser.hpp"
#include "scenario/syntax_pieces.hpp"
#include "scenario/text.hpp"

namespace ehlo::scenario {

namespace {

bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

void append_bytes(Text& text, std::string_view bytes) {
    if (bytes.empty()) return;
    if (text.empty() || text.back().kind != Piece::Kind::bytes) {
        text.push_back({Piece::Kind::bytes, {}});
    }
    text.back().value += bytes;
}

// Decodes the escape at `payload[i]` (a backslash) into `out`; returns the characters used.
std::size_t decode_escape(std::string_view payload, std::size_t i, std::string& out,
                          std::string& error) {
    if (i + 1 >= payload.size()) {
        error = "a line may not end in a lone \\ (write \\\\ for a backslash)";
        return 0;
    }
    switch (payload[i + 1]) {
        case 'r':
            out = "\r";
            return 2;
        case 'n':
            out = "\n";
            return 2;
        case 't':
            out = "\t";
            return 2;
        case '\\':
            out = "\\";
            return 2;
        case 'x':
            if (i + 3 < payload.size() && is_hex(payload[i + 2]) && is_hex(payload[i + 3])) {
                out = std::string(1, static_cast<char>(std::stoi(
                                         std::string(payload.substr(i + 2, 2)), nullptr, 16)));
                return 4;
            }
            error = "\\x needs two hex digits, as in \\x00";
            return 0;
        default:
            error = std::string("unknown escape \\") + payload[i + 1] +
                    " (use \\r \\n \\t \\\\ or \\xHH)";
            return 0;
    }
}

bool is_variable(std::string_view name, std::span<const std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string list_of_variables(std::span<const std::string_view> names) {
    std::string list;
    for (std::size_t i = 0; i < names.size(); ++i)
        list += (i == 0                  ? "{"
                 : i + 1 == names.size() ? " or {"
                                         : " {") +
                std::string(names[i]) + "}";
    return list;
}

}  // namespace

bool is_ehlo_keyword(std::string_view word) {
    if (word.empty() || !is_alnum(word.front())) return false;
    for (char c : word) {
        if (!is_alnum(c) && c != '-') return false;
    }
    return true;
}

bool is_requirement_of_target(std::string_view word) {
    const auto equals = word.find('=');
    if (equals == std::string_view::npos) return is_ehlo_keyword(word);
    const auto parameter = word.substr(equals + 1);
    return is_ehlo_keyword(word.substr(0, equals)) && !parameter.empty() &&
           std::all_of(parameter.begin(), parameter.end(),
                       [](char c) { return c > ' ' && c < 0x7f && c != '='; });
}

bool is_requirement_id(std::string_view word) {
    const auto first = word.find('-');
    const auto last = word.rfind('-');
    if (first == std::string_view::npos || first == last || first == 0) return false;
    const auto rfc = word.substr(0, first);
    const auto section = word.substr(first + 1, last - first - 1);
    const auto letters = word.substr(last + 1);
    auto is = [](std::string_view text, auto pred) {
        return !text.empty() && std::all_of(text.begin(), text.end(), pred);
    };
    return is(rfc, [](char c) { return c >= '0' && c <= '9'; }) &&
           is(section, [](char c) { return is_alnum(c) || c == '.'; }) &&
           is(letters, [](char c) { return c >= 'a' && c <= 'z'; });
}

std::optional<Text> parse_send_text(std::string_view payload, std::string& error) {
    return parse_text(payload, variable_names, error);
}

std::optional<Text> parse_text(std::string_view payload, std::span<const std::string_view> names,
                               std::string& error) {
    Text text;
    for (std::size_t i = 0; i < payload.size();) {
        if (payload[i] == '\\') {
            std::string bytes;
            const std::size_t used = decode_escape(payload, i, bytes, error);
            if (used == 0) return std::nullopt;
            append_bytes(text, bytes);
            i += used;
        } else if (payload[i] == '{') {
            const auto close = payload.find('}', i);
            const auto name = close == std::string_view::npos
                                  ? std::string_view{}
                                  : payload.substr(i + 1, close - i - 1);
            if (!is_variable(name, names)) {
                error = "{ starts a variable: " + list_of_variables(names) +
                        " (write \\x7b for a literal brace)";
                return std::nullopt;
            }
            text.push_back({Piece::Kind::variable, std::string(name)});
            i = close + 1;
        } else {
            append_bytes(text, payload.substr(i, 1));
            ++i;
        }
    }
    return text;
}

int parse_number(std::string_view text, std::size_t digits) {
    if (text.empty() || text.size() > digits) return -1;
    if (!std::all_of(text.begin(), text.end(), is_digit)) return -1;
    return std::stoi(std::string(text));
}

std::optional<RepeatedStep> repeated_step(std::string_view text, int open_repeat_line) {
    const auto x = text.find(" x ");
    if (x == std::string_view::npos || x == 0 || parse_number(text.substr(0, x), 9) < 0) {
        return std::nullopt;
    }
    RepeatedStep repeated{parse_number(text.substr(0, x), 9), trim_left(text.substr(x + 3)), {}};
    if (repeated.count < 1 || repeated.count > max_repeat) {
        repeated.problem = "a repeat count is 1 to " + std::to_string(max_repeat);
    } else if (open_repeat_line != 0) {
        repeated.problem = "repeats do not nest (the repeat of line " +
                           std::to_string(open_repeat_line) + " is still open)";
    }
    return repeated;
}

int parse_duration_ms(std::string_view text) {
    constexpr int max_ms = 600000;
    int ms = -1;
    if (text.ends_with("ms")) {
        ms = parse_number(text.substr(0, text.size() - 2), 6);
    } else if (text.ends_with("s")) {
        const int seconds = parse_number(text.substr(0, text.size() - 1), 3);
        ms = seconds < 0 ? -1 : seconds * 1000;
    }
    return ms <= 0 || ms > max_ms ? -1 : ms;
}

// Splits `payload` at each `|` that no backslash escapes.
std::vector<std::string_view> split_alternatives(std::string_view payload) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i < payload.size(); ++i) {
        if (payload[i] == '\\') {
            ++i;
        } else if (payload[i] == '|') {
            parts.push_back(trim(payload.substr(start, i - start)));
            start = i + 1;
        }
    }
    parts.push_back(trim(payload.substr(start)));
    return parts;
}

// Takes a trailing `=> VERDICT` off `body`.
bool take_verdict(std::string_view& body, Verdict& verdict, bool& given, std::string& error) {
    const auto arrow = body.rfind("=>");
    given = arrow != std::string_view::npos && (arrow == 0 || body[arrow - 1] != '\\');
    if (!given) return true;
    const auto word = trim(body.substr(arrow + 2));
    body = trim(body.substr(0, arrow));
    if (word == "PASS") {
        verdict = Verdict::pass;
    } else if (word == "WARN") {
        verdict = Verdict::warn;
    } else if (word == "INFO") {
        verdict = Verdict::info;
    } else if (word == "FAIL") {
        verdict = Verdict::fail;
    } else {
        error =
            "unknown verdict '" + std::string(word) + "' after => (use PASS, WARN, INFO or FAIL)";
        return false;
    }
    return true;
}

// Text pattern: a backslash keeps its meaning only before `*` and `\` (for glob_match).
std::string unescape_pattern(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            const char next = text[++i];
            if (next == '*' || next == '\\') out += '\\';
            out += next;
        } else {
            out += text[i];
        }
    }
    return out;
}

namespace {

bool valid_code(std::string_view code) {
    if (code.size() != 3 || code[0] < '2' || code[0] > '5') return false;
    if (!is_digit(code[1]) && code[1] != 'x') return false;
    if (!is_digit(code[2]) && code[2] != 'x') return false;
    return !(code[1] == 'x' && code[2] != 'x');
}

// `2.1.0`, `5.x.x`: class 2, 4 or 5, then subject and detail of 1-3 digits or `x`.
bool valid_enhanced(std::string_view token) {
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    if (first != 1 || second == std::string_view::npos) return false;
    if (token[0] != '2' && token[0] != '4' && token[0] != '5') return false;
    for (auto part : {token.substr(2, second - 2), token.substr(second + 1)}) {
        if (part == "x") continue;
        if (part.empty() || part.size() > 3) return false;
        for (char c : part) {
            if (!is_digit(c)) return false;
        }
    }
    return true;
}

bool looks_enhanced(std::string_view token) {
    int dots = 0;
    for (char c : token) {
        if (c == '.') {
            ++dots;
        } else if (!is_digit(c) && c != 'x') {
            return false;
        }
    }
    return dots == 2 && is_digit(token.front());
}

// After the code: keyword checks, or an optional enhanced code and a text pattern.
bool parse_reply_text(std::string_view rest, Alternative& alt, std::string& error) {
    const auto space = rest.find(' ');
    const auto first = rest.substr(0, space);
    if (looks_enhanced(first)) {
        if (!valid_enhanced(first)) {
            error = "'" + std::string(first) +
                    "' is not an enhanced status code (class 2, 4 or 5, as in 2.1.0 or 5.x.x)";
            return false;
        }
        if (first[0] != alt.code.pattern[0]) {
            error = "enhanced code " + std::string(first) + " does not agree with reply code " +
                    alt.code.pattern + " (RFC 3463 §2)";
            return false;
        }
        alt.enhanced = std::string(first);
        rest = space == std::string_view::npos ? std::string_view{} : trim(rest.substr(space));
    }
    if (rest.empty()) return true;
    if (rest.front() != '+' && rest.front() != '-') {
        alt.lines.push_back(unescape_pattern(rest));
        return true;
    }
    while (!rest.empty()) {
        const auto end = rest.find(' ');
        const auto token = rest.substr(0, end);
        if (token.size() < 2 || (token[0] != '+' && token[0] != '-') ||
            !is_ehlo_keyword(token.substr(1))) {
            error = "'" + std::string(token) +
                    "' is not a keyword check like +PIPELINING or -CHUNKING (write \\+ or \\- "
                    "to start a text pattern)";
            return false;
        }
        alt.keywords.push_back({upper(token.substr(1)), token[0] == '+'});
        rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
    }
    return true;
}

}  // namespace

namespace {

// One alternative; `continues` is set for `250-text`, and `multiline` forces the line form.
std::optional<Alternative> parse_alternative(std::string_view body, bool multiline, bool& continues,
                                             std::string& error) {
    Alternative alt;
    bool has_verdict = false;
    if (!take_verdict(body, alt.verdict, has_verdict, error)) return std::nullopt;
    if (body == "<close>" && !multiline) {
        alt.close = true;
        return alt;
    }
    if (body == "<same>" && !multiline) {
        alt.same = true;
        return alt;
    }
    const auto code = body.substr(0, 3);
    if (!valid_code(code)) {
        error = "'" + std::string(body) +
                "' does not start with a reply code: write 250, 25x, 2xx or <close>";
        return std::nullopt;
    }
    alt.code.pattern = std::string(code);
    if (body.size() > 3 && body[3] != ' ' && body[3] != '-') {
        error = "a reply code has three characters, then a space, a - or the end of the line";
        return std::nullopt;
    }
    continues = body.size() > 3 && body[3] == '-';
    if (continues && has_verdict) {
        error = "=> goes on the last line of a multi-line reply";
        return std::nullopt;
    }
    const auto rest = body.size() > 3 ? body.substr(4) : std::string_view{};
    if (continues || multiline) {
        alt.exact_lines = true;
        alt.lines.push_back(rest.empty() ? std::string("*") : unescape_pattern(trim(rest)));
        return alt;
    }
    if (!parse_reply_text(trim(rest), alt, error)) return std::nullopt;
    return alt;
}

}  // namespace

std::optional<ReplyLine> parse_reply_line(std::string_view payload, bool in_multiline,
                                          std::string& error) {
    const auto parts = split_alternatives(trim(payload));
    if (parts.size() == 1 && parts[0].empty()) {
        error = in_multiline
                    ? "expected the next line of the multi-line reply (250-text or 250 text)"
                    : "S: needs a reply code (250), a class (2xx) or <close>";
        return std::nullopt;
    }
    ReplyLine line;
    for (auto part : parts) {
        if (part.empty()) {
            error = "empty alternative: write a reply between each |";
            return std::nullopt;
        }
        bool continues = false;
        auto alt = parse_alternative(part, in_multiline, continues, error);
        if (!alt) return std::nullopt;
        line.continues = line.continues || continues;
        line.expect.alternatives.push_back(std::move(*alt));
    }
    if ((line.continues || in_multiline) && parts.size() > 1) {
        error = "a line of a multi-line reply takes no alternatives";
        return std::nullopt;
    }
    return line;
}

}  // namespace ehlo::scenario
