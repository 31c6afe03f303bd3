// Layer: conformance/scenario. Reads the steps of a scenario file and checks their order
// (docs/scenario-format.md): a `C>` queue is sent only by an `S:` (RFC 2920 §3.1), a
// multi-line reply runs to its last line (RFC 5321 §4.2.1), `tls` opens a connection
// (RFC 8314 §3) and `starttls` follows a reply (RFC 3207 §4). The grammar of one payload is in
// scenario_syntax.cpp; the header in scenario_parser.cpp.
#include "scenario/step_parser.hpp"
#include "scenario/syntax_pieces.hpp"
#include "scenario/text.hpp"

#include <algorithm>

namespace ehlo::scenario {

namespace {

bool starts_with_marker(std::string_view text) {
    return text.size() >= 2 && (text[0] == 'C' || text[0] == 'S') &&
           (text[1] == ':' || text[1] == '~' || text[1] == '>');
}

}  // namespace

void StepParser::error(int number, std::string message) {
    errors_.push_back({number, std::move(message)});
}

void StepParser::add(int number, Action action) {
    const bool counts = !std::holds_alternative<RepeatBegin>(action) &&
                        !std::holds_alternative<RepeatEnd>(action) &&
                        !std::holds_alternative<Connection>(action);
    steps_.push_back({number, std::move(action)});
    if (counts) ++connections_[current_].steps;
}

void StepParser::line(int number, std::string_view text) {
    text = trim_left(text);  // trailing blanks belong to a C: payload
    if (multiline_line_ != 0) {
        if (text.starts_with("S:")) {
            continue_multiline(number, text);
            return;
        }
        error(number, "the multi-line reply of line " + std::to_string(multiline_line_) +
                          " needs its last line (250 text) before this step");
        multiline_line_ = 0;
    }
    if (repeated_line(number, text)) return;
    step(number, text, false);
}

bool StepParser::repeated_line(int number, std::string_view text) {
    const auto repeated = repeated_step(text, repeat_line_);
    if (!repeated) return false;
    if (repeated->problem.empty() && !starts_with_marker(repeated->step) &&
        !repeated->step.starts_with("wait ")) {
        error(number, "N x repeats one C:, C~, C>, S: or wait step");
        return true;
    }
    if (!repeated->problem.empty()) {
        error(number, repeated->problem);
        return true;
    }
    add(number, RepeatBegin{repeated->count});
    repeat_errors_ = errors_.size();
    step(number, repeated->step, true);
    add(number, RepeatEnd{});
    return true;
}

void StepParser::step(int number, std::string_view text, bool repeated) {
    if (starts_with_marker(text)) {
        if (text.size() > 2 && text[2] != ' ') {
            error(number, "put one space after " + std::string(text.substr(0, 2)));
            return;
        }
        const auto payload = text.size() > 2 ? text.substr(3) : std::string_view{};
        const std::string marker(text.substr(0, 2));
        if (marker == "C:") return send(number, Send::Mode::line, payload);
        if (marker == "C~") return send(number, Send::Mode::raw, payload);
        if (marker == "C>") return send(number, Send::Mode::queued, payload);
        if (marker == "S:") return expect(number, payload, repeated);
        error(number, "unknown step " + marker + " (the server's side is S: only)");
        return;
    }
    const auto space = text.find_first_of(" \t");
    const auto word = text.substr(0, space);
    const auto argument = space == std::string_view::npos ? "" : trim(text.substr(space));
    if (word == "wait") return wait(number, argument);
    if (!argument.empty() &&
        (word == "tls" || word == "starttls" || word == "close" || word == "end")) {
        error(number, std::string(word) + " takes no argument");
        return;
    }
    if (word == "tls") return tls(number, true);
    if (word == "starttls") return tls(number, false);
    if (word == "connection") return connection(number, argument);
    if (word == "repeat") return repeat_begin(number, argument);
    if (word == "end") return repeat_end(number);
    if (word == "close") {
        if (repeat_line_ != 0) return error(number, "close cannot be inside a repeat block");
        if (!check_not_pending(number) || !check_open(number)) return;
        add(number, Close{});
        connections_[current_].closed_line = number;
        return;
    }
    error(number, "unknown step '" + std::string(word) +
                      "': expected C:, C~, C>, S:, wait, tls, starttls, connection, close, "
                      "repeat or end");
}

bool StepParser::check_not_pending(int number) {
    if (queued_line_ == 0) return true;
    error(number, "the C> lines up to line " + std::to_string(queued_line_) +
                      " are sent by the next S:; put the S: lines for their replies first");
    return false;
}

bool StepParser::check_open(int number) {
    const auto& state = connections_[current_];
    if (state.closed_line == 0) return true;
    error(number, "connection " + std::to_string(current_) + " is closed on line " +
                      std::to_string(state.closed_line) + "; open another with connection " +
                      std::to_string(connections_.size() + 1));
    return false;
}

void StepParser::send(int number, Send::Mode mode, std::string_view payload) {
    if (!check_open(number)) return;
    if (mode != Send::Mode::queued && !check_not_pending(number)) return;
    std::string why;
    auto text = parse_send_text(payload, why);
    if (!text) return error(number, why);
    add(number, Send{mode, std::move(*text)});
    if (mode == Send::Mode::queued) queued_line_ = number;
}

void StepParser::expect(int number, std::string_view payload, bool repeated) {
    if (!check_open(number)) return;
    std::string why;
    auto reply = parse_reply_line(payload, false, why);
    if (!reply) return error(number, why);
    if (reply->continues && repeated) {
        return error(number, "a repeated S: must be a whole reply on one line");
    }
    const auto& alternatives = reply->expect.alternatives;
    const bool all_close = std::all_of(alternatives.begin(), alternatives.end(),
                                       [](const Alternative& alt) { return alt.close; });
    add(number, std::move(reply->expect));
    queued_line_ = 0;
    if (all_close) connections_[current_].closed_line = number;
    if (reply->continues) {
        multiline_line_ = number;
        multiline_step_ = steps_.size() - 1;
    }
}

void StepParser::continue_multiline(int number, std::string_view text) {
    std::string why;
    auto reply = text.size() > 2 && text[2] != ' '
                     ? std::nullopt
                     : parse_reply_line(text.size() > 2 ? text.substr(3) : "", true, why);
    if (!reply) {
        multiline_line_ = 0;  // one error for the reply, not a second one at its end
        return error(number, why.empty() ? "put one space after S:" : why);
    }
    auto& first = std::get<Expect>(steps_[multiline_step_].action).alternatives.front();
    const auto& next = reply->expect.alternatives.front();
    if (next.code != first.code) {
        multiline_line_ = 0;
        return error(number, "every line of a multi-line reply has the same code (" +
                                 first.code.pattern + ", not " + next.code.pattern + ")");
    }
    first.lines.push_back(next.lines.front());
    if (!reply->continues) {
        first.verdict = next.verdict;
        multiline_line_ = 0;
    }
}

void StepParser::wait(int number, std::string_view argument) {
    if (!check_not_pending(number) || !check_open(number)) return;
    const int ms = parse_duration_ms(argument);
    if (ms < 0) return error(number, "wait takes a duration from 1ms to 600s, like 2s or 500ms");
    add(number, Wait{std::chrono::milliseconds(ms)});
}

void StepParser::tls(int number, bool implicit) {
    const char* name = implicit ? "tls" : "starttls";
    if (repeat_line_ != 0) {
        return error(number, std::string(name) + " cannot be inside a repeat block");
    }
    if (!check_not_pending(number) || !check_open(number)) return;
    const bool first = connections_[current_].steps == 0;
    if (implicit && !first) {
        return error(number,
                     "tls is the first step of a connection (implicit TLS); after "
                     "C: STARTTLS and its 220 write starttls");
    }
    if (!implicit && first) {
        return error(number,
                     "starttls follows C: STARTTLS and its 220 reply; for implicit TLS write tls");
    }
    add(number, StartTls{implicit});
}

void StepParser::connection(int number, std::string_view argument) {
    if (repeat_line_ != 0) return error(number, "connection cannot be inside a repeat block");
    if (!check_not_pending(number)) return;
    const int next = static_cast<int>(connections_.size()) + 1;
    const int wanted = parse_number(argument, 4);
    if (wanted < 1 || wanted > next) {
        return error(number, "connection takes a number from 1 to " + std::to_string(next) +
                                 " (the next new one)");
    }
    if (wanted == current_ && !steps_.empty()) {
        return error(number, "the steps already use connection " + std::to_string(wanted));
    }
    connections_[wanted];
    current_ = wanted;
    add(number, Connection{wanted});
}

void StepParser::repeat_begin(int number, std::string_view argument) {
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
    repeat_errors_ = errors_.size();
}

void StepParser::repeat_end(int number) {
    if (repeat_line_ == 0) return error(number, "end without a repeat");
    const bool empty = std::holds_alternative<RepeatBegin>(steps_.back().action);
    if (empty && errors_.size() == repeat_errors_) {  // not when its steps had errors
        error(number, "the repeat of line " + std::to_string(repeat_line_) + " has no steps");
    }
    add(number, RepeatEnd{});
    repeat_line_ = 0;
}

void StepParser::finish() {
    if (multiline_line_ != 0) {
        error(multiline_line_, "the multi-line reply has no last line (250 text)");
    }
    if (queued_line_ != 0) {
        error(queued_line_,
              "the C> lines up to here are never sent: add S: lines for their replies");
    }
    if (repeat_line_ != 0) error(repeat_line_, "repeat without end");
}

}  // namespace ehlo::scenario
