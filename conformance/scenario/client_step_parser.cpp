// Layer: conformance/scenario. See client_step_parser.hpp: the steps of a client scenario and
// their order. A client scenario has one connection, which ehlo-check accepts; `tls` opens it
// with implicit TLS (RFC 8314 §3), `starttls` follows the 220 to STARTTLS (RFC 3207 §4), and
// `chunk` follows a `C:` that reads a BDAT line (RFC 3030 §2).
#include "scenario/client_step_parser.hpp"

#include <algorithm>

#include "scenario/syntax_pieces.hpp"
#include "scenario/text.hpp"

namespace ehlo::scenario {

namespace {

bool starts_with_marker(std::string_view text) {
    return text.size() >= 2 && (text[0] == 'C' || text[0] == 'S') &&
           (text[1] == ':' || text[1] == '~' || text[1] == '>');
}

bool is_client_variable(std::string_view name) {
    return std::find(std::begin(client_variable_names), std::end(client_variable_names), name) !=
           std::end(client_variable_names);
}

// Braces in a pattern always name a client variable; `*` stands for a literal brace.
bool check_pattern_variables(std::string_view pattern, std::string& error) {
    for (std::size_t open = pattern.find('{'); open != std::string_view::npos;
         open = pattern.find('{', open + 1)) {
        const auto close = pattern.find('}', open);
        const auto name = close == std::string_view::npos
                              ? std::string_view{}
                              : pattern.substr(open + 1, close - open - 1);
        if (!is_client_variable(name)) {
            error =
                "{ starts a variable of a client scenario: {from} {rcpt} {server} {user} "
                "{password} {auth-plain} {user-base64} or {password-base64}";
            return false;
        }
    }
    return true;
}

bool is_label_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// `=> FAIL 5321-4.1.1.10-c`: takes the row after the verdict word off `part`.
bool take_row(std::string_view& part, std::string& row, std::string& error) {
    const auto arrow = part.rfind("=>");
    if (arrow == std::string_view::npos || (arrow > 0 && part[arrow - 1] == '\\')) return true;
    const auto tail = trim(part.substr(arrow + 2));
    const auto space = tail.find(' ');
    if (space == std::string_view::npos) return true;
    const auto id = trim(tail.substr(space));
    if (!is_requirement_id(id)) {
        error = "after => VERDICT comes the id of a cited row, like 5321-4.1.1.10-c, not '" +
                std::string(id) + "'";
        return false;
    }
    row = std::string(id);
    const auto verdict_end = static_cast<std::size_t>(tail.data() + space - part.data());
    part = trim(part.substr(0, verdict_end));
    return true;
}

bool is_bdat_pattern(const LineAlternative& alternative) {
    return !alternative.close && upper(alternative.pattern).starts_with("BDAT ");
}

}  // namespace

std::optional<Command> parse_command_line(std::string_view payload, std::string& error) {
    Command command;
    for (auto part : split_alternatives(trim(payload))) {
        if (part.empty()) {
            error = "C: needs a pattern for the client's line, or <close>, between each |";
            return std::nullopt;
        }
        LineAlternative alternative;
        if (const auto arrow = part.rfind("->");
            arrow != std::string_view::npos && (arrow == 0 || part[arrow - 1] != '\\')) {
            alternative.jump = std::string(trim(part.substr(arrow + 2)));
            part = trim(part.substr(0, arrow));
            if (!is_label_name(alternative.jump)) {
                error = "-> takes a label name of lower-case letters, digits and -";
                return std::nullopt;
            }
        }
        if (!take_row(part, alternative.requirement, error)) return std::nullopt;
        bool given = false;
        if (!take_verdict(part, alternative.verdict, given, error)) return std::nullopt;
        if (part == "<close>") {
            alternative.close = true;
        } else {
            alternative.pattern = unescape_pattern(part);
            if (!check_pattern_variables(alternative.pattern, error)) return std::nullopt;
        }
        command.alternatives.push_back(std::move(alternative));
    }
    return command;
}

void ClientStepParser::error(int number, std::string message) {
    errors_.push_back({number, std::move(message)});
}

void ClientStepParser::add(int number, ClientAction action) {
    const bool bound =
        std::holds_alternative<RepeatBegin>(action) || std::holds_alternative<RepeatEnd>(action);
    if (!bound) any_step_ = true;
    steps_.push_back({number, std::move(action)});
}

bool ClientStepParser::check_open(int number) {
    if (closed_line_ == 0) return true;
    error(number, "the connection is over after line " + std::to_string(closed_line_) +
                      ": a client scenario has one connection");
    return false;
}

void ClientStepParser::line(int number, std::string_view text) {
    text = trim_left(text);  // trailing blanks belong to an S: payload
    if (repeated_line(number, text)) return;
    step(number, text);
}

bool ClientStepParser::repeated_line(int number, std::string_view text) {
    const auto repeated = repeated_step(text, repeat_line_);
    if (!repeated) return false;
    if (repeated->problem.empty() && !starts_with_marker(repeated->step) &&
        !repeated->step.starts_with("wait ")) {
        error(number, "N x repeats one C:, S:, S~ or wait step");
        return true;
    }
    if (!repeated->problem.empty()) {
        error(number, repeated->problem);
        return true;
    }
    add(number, RepeatBegin{repeated->count});
    step(number, repeated->step);
    add(number, RepeatEnd{});
    return true;
}

void ClientStepParser::step(int number, std::string_view text) {
    if (starts_with_marker(text)) {
        if (text.size() > 2 && text[2] != ' ') {
            return error(number, "put one space after " + std::string(text.substr(0, 2)));
        }
        const auto payload = text.size() > 2 ? text.substr(3) : std::string_view{};
        const std::string marker(text.substr(0, 2));
        if (!check_open(number)) return;
        if (marker == "S:") return reply(number, false, payload);
        if (marker == "S~") return reply(number, true, payload);
        if (marker == "C:") return command(number, payload);
        return error(number, marker +
                                 " has no meaning in a client scenario: ehlo-check sends "
                                 "with S: or S~ and reads the client with C:");
    }
    if (text.starts_with('@')) return label(number, trim(text.substr(1)));
    const auto space = text.find_first_of(" \t");
    const auto word = text.substr(0, space);
    const auto argument = space == std::string_view::npos ? "" : trim(text.substr(space));
    if (word == "wait" || word == "silent") return duration_step(number, word, argument);
    if (word == "repeat") return repeat_begin(number, argument);
    if (word == "connection") {
        return error(number, "a client scenario has one connection, the one the client opens");
    }
    if (!argument.empty()) return error(number, std::string(word) + " takes no argument");
    word_step(number, word);
}

void ClientStepParser::word_step(int number, std::string_view word) {
    if (word == "end") return repeat_end(number);
    if (word == "tls" || word == "starttls") return tls(number, word == "tls");
    if (!check_open(number)) return;
    if (word == "data") {
        bdat_read_ = false;
        return add(number, MailData{});
    }
    if (word == "chunk") {
        if (!bdat_read_) return error(number, "chunk follows a C: line that reads BDAT SIZE");
        bdat_read_ = false;
        return add(number, Chunk{});
    }
    if (word == "close" || word == "stop") {
        if (repeat_line_ != 0)
            return error(number, std::string(word) + " cannot be inside a repeat");
        if (word == "close") add(number, Close{});
        if (word == "stop") add(number, Stop{});
        closed_line_ = number;
        return;
    }
    error(number, "unknown step '" + std::string(word) +
                      "': expected S:, S~, C:, silent, data, chunk, wait, tls, starttls, "
                      "close, stop, @label, repeat or end");
}

void ClientStepParser::reply(int number, bool raw, std::string_view payload) {
    std::string why;
    auto text = parse_text(payload, client_variable_names, why);
    if (!text) return error(number, why);
    if (!raw && text->empty()) return error(number, "S: needs the reply to send, like 250 OK");
    add(number, Reply{raw, std::move(*text)});
}

void ClientStepParser::label(int number, std::string_view name) {
    if (!is_label_name(name)) {
        return error(number, "a label is @ and a name of lower-case letters, digits and -");
    }
    if (repeat_line_ != 0) return error(number, "a label cannot be inside a repeat block");
    for (const auto& [known, line] : labels_) {
        if (known == name) {
            return error(number, "label @" + known + " is already on line " + std::to_string(line));
        }
    }
    labels_.emplace_back(name, number);
    closed_line_ = 0;  // another path starts here
    add(number, Label{std::string(name)});
}

void ClientStepParser::command(int number, std::string_view payload) {
    std::string why;
    auto parsed = parse_command_line(payload, why);
    if (!parsed) return error(number, why);
    for (const auto& alternative : parsed->alternatives) {
        if (!alternative.jump.empty()) jumps_.emplace_back(alternative.jump, number);
    }
    const auto& alternatives = parsed->alternatives;
    bdat_read_ = std::any_of(alternatives.begin(), alternatives.end(), is_bdat_pattern);
    const bool only_close = std::all_of(alternatives.begin(), alternatives.end(),
                                        [](const LineAlternative& a) { return a.close; });
    add(number, std::move(*parsed));
    if (only_close) closed_line_ = number;
}

void ClientStepParser::duration_step(int number, std::string_view word, std::string_view argument) {
    if (!check_open(number)) return;
    const int ms = parse_duration_ms(argument);
    if (ms < 0) {
        return error(number,
                     std::string(word) + " takes a duration from 1ms to 600s, like 2s or 500ms");
    }
    if (word == "wait") return add(number, Wait{std::chrono::milliseconds(ms)});
    add(number, Silence{std::chrono::milliseconds(ms)});
}

void ClientStepParser::tls(int number, bool implicit) {
    const char* name = implicit ? "tls" : "starttls";
    if (repeat_line_ != 0) {
        return error(number, std::string(name) + " cannot be inside a repeat block");
    }
    if (!check_open(number)) return;
    if (implicit && any_step_) {
        return error(number,
                     "tls is the first step (implicit TLS); after the 220 to "
                     "STARTTLS write starttls");
    }
    if (!implicit && !any_step_) {
        return error(number, "starttls follows C: STARTTLS and S: 220; for implicit TLS write tls");
    }
    add(number, StartTls{implicit});
}

void ClientStepParser::repeat_begin(int number, std::string_view argument) {
    if (repeat_line_ != 0) {
        return error(number, "repeats do not nest (the repeat of line " +
                                 std::to_string(repeat_line_) + " is still open)");
    }
    const int count = parse_number(argument, 9);
    if (count < 1 || count > max_repeat) {
        return error(number, "repeat takes a count from 1 to " + std::to_string(max_repeat));
    }
    add(number, RepeatBegin{count});
    repeat_line_ = number;
}

void ClientStepParser::repeat_end(int number) {
    if (repeat_line_ == 0) return error(number, "end without a repeat");
    if (std::holds_alternative<RepeatBegin>(steps_.back().action)) {
        error(number, "the repeat of line " + std::to_string(repeat_line_) + " has no steps");
    }
    add(number, RepeatEnd{});
    repeat_line_ = 0;
}

void ClientStepParser::finish() {
    if (repeat_line_ != 0) error(repeat_line_, "repeat without end");
    for (const auto& jump : jumps_) {
        const std::string& name = jump.first;
        const bool known = std::any_of(labels_.begin(), labels_.end(),
                                       [&](const auto& label) { return label.first == name; });
        if (!known) error(jump.second, "-> " + name + ": there is no label @" + name);
    }
}

}  // namespace ehlo::scenario
