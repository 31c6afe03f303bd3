// Layer: conformance/engine (pure, no I/O). The part of ClientRun (client_run.hpp) that takes
// what the client sent and judges it: a command line against the `C:` alternatives (letters
// without case, RFC 5321 §2.4), silence while the client should wait for a reply
// (RFC 5321 §4.3.1), the mail data and BDAT chunks through data_checks.hpp, and the client's exit
// status.
#include <algorithm>
#include <cctype>

#include "engine/client_run.hpp"
#include "scenario/catalog.hpp"
#include "scenario/text.hpp"

namespace ehlo::engine {

namespace {

constexpr std::size_t reason_octets = 80;

// `value` written so that glob_match takes it literally.
std::string glob_literal(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '*' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// The pattern with each `{name}` replaced by its value, taken literally.
std::string fill_pattern(std::string_view pattern, const scenario::Variables& values) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const auto close = pattern.find('}', i);
        if (pattern[i] == '{' && close != std::string_view::npos) {
            const auto found = values.find(pattern.substr(i + 1, close - i - 1));
            if (found != values.end()) {
                out += glob_literal(found->second);
                i = close;
                continue;
            }
        }
        out += pattern[i];
    }
    return out;
}

std::string alternatives_text(const scenario::Command& command) {
    std::string text;
    for (const auto& alternative : command.alternatives) {
        if (!text.empty()) text += " | ";
        text += alternative.close ? "<close>" : alternative.pattern;
    }
    return text;
}

std::string without_line_end(std::string line) {
    if (line.ends_with('\n')) line.pop_back();
    if (line.ends_with('\r')) line.pop_back();
    return line;
}

// A line that starts with a verb (letters, then a space or the end): a scenario may read
// message text with `C:` too, and the octets of text are judged by the data checks.
bool looks_like_command(std::string_view line) {
    const auto space = std::min(line.find(' '), line.size());
    return space > 0 &&
           std::all_of(line.begin(), line.begin() + static_cast<long>(space),
                       [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

bool is_verb(std::string_view word) {
    return word.size() >= 4 && std::all_of(word.begin(), word.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
           });
}

}  // namespace

void ClientRun::received(const ClientInput& input, Millis now) {
    const Waiting was = waiting_;
    if (was != Waiting::line && was != Waiting::data && was != Waiting::chunk &&
        was != Waiting::silence) {
        answering(Waiting::line, now);
        return;
    }
    answering(was, now);
    const auto& action = step().action;
    if (was == Waiting::line) judge_line(std::get<scenario::Command>(action), input);
    if (was == Waiting::silence) judge_silence(input);
    if (was == Waiting::data) judge_data(input);
    if (was == Waiting::chunk) judge_chunk(input);
}

// Time-outs and oversize input: no verdict on the client's behaviour, only an ERROR. True when
// `input` was such.
bool ClientRun::input_missing(const ClientInput& input, const std::string& what) {
    if (input.kind == ClientInput::Kind::timed_out) {
        if (!input.bytes.empty()) log(LogLine::Side::client, input.bytes);
        end(Verdict::error, "the client sent no " + what + " within the time limit");
        return true;
    }
    if (input.kind == ClientInput::Kind::too_long) {
        end(Verdict::error, "the client sent more than ehlo-check reads as one " + what);
        return true;
    }
    return false;
}

void ClientRun::judge_line(const scenario::Command& command, const ClientInput& input) {
    if (input_missing(input, "line")) return;
    if (input.kind == ClientInput::Kind::closed) {
        if (open_) note("the client closed the connection");
        open_ = false;
        const auto close = std::find_if(command.alternatives.begin(), command.alternatives.end(),
                                        [](const auto& alternative) { return alternative.close; });
        if (close == command.alternatives.end()) {
            return off_script("the client closed the connection", command);
        }
        client_close_accepted_ = true;
        record_alternative(*close, "the client closed the connection; it fits <close>");
        return go_on(*close);
    }
    log(LogLine::Side::client, input.bytes);
    const std::string line = without_line_end(input.bytes);
    apply(check_command_line(input.bytes));
    if (!ended_ && looks_like_command(line)) apply(check_command_octets(line, declared_));
    if (ended_) return;
    take_line(command, line);
}

void ClientRun::take_line(const scenario::Command& command, const std::string& line) {
    const bool was_after_chunk = std::exchange(after_chunk_, false);
    for (const auto& alternative : command.alternatives) {
        if (alternative.close) continue;
        if (!scenario::glob_match(fill_pattern(alternative.pattern, variables_), line)) continue;
        record_alternative(alternative, "the client sent " + shorten(line, reason_octets) +
                                            "; it fits " + alternative.pattern);
        last_command_ = line;
        const std::string upper_line = scenario::upper(line.substr(0, 5));
        if (upper_line == "MAIL ") declared_ = declared_by_mail(line);
        if (upper_line == "BDAT ") parse_bdat_line(line, chunk_size_, chunk_last_);
        return go_on(alternative);
    }
    const auto first_word = line.substr(0, line.find(' '));
    if (was_after_chunk && !is_verb(first_word)) {
        apply({{scenario::ClientCheck::chunk_size,
                "after the " + std::to_string(chunk_size_) +
                    " octets its BDAT announced, the "
                    "client went on with \"" +
                    shorten(line, reason_octets) +
                    "\", which is no command: the chunk was longer than announced"}});
        if (!ended_) note("the scenario ends: the client's input is out of step");
        ended_ = true;
        return;
    }
    off_script("the client sent " + shorten(line, reason_octets), command);
}

// The verdict of a fitting alternative: its own, within the ceiling of its row when it names
// one (only a cited row counts: one the scenario does not cite allows WARN at most).
void ClientRun::record_alternative(const scenario::LineAlternative& alternative,
                                   std::string reason) {
    const auto row = std::find_if(cited_.begin(), cited_.end(), [&](const auto& cited) {
        return cited.id == alternative.requirement;
    });
    const bool named = !alternative.requirement.empty();
    scenario::Level level = level_;
    if (named)
        level =
            scenario::weaker(level_, row == cited_.end() ? scenario::Level::should : row->allows);
    // The ceiling, as for a server scenario: no alternative's own verdict goes past what the
    // level allows (`=> WARN` in a scenario whose rows allow INFO gives INFO).
    const Verdict verdict =
        std::min(alternative_verdict(alternative.verdict, level), engine::broken_verdict(level));
    if (!named) return record(verdict, std::move(reason), std::string());  // no row claimed
    record(verdict, std::move(reason),
           row == cited_.end() ? alternative.requirement : describe_row(*row));
}

void ClientRun::off_script(const std::string& what, const scenario::Command& command) {
    end(Verdict::error, what + "; the scenario expected " + alternatives_text(command) +
                            ", so it cannot judge the path the client took");
}

void ClientRun::judge_silence(const ClientInput& input) {
    const auto& silence = std::get<scenario::Silence>(step().action);
    const std::string span = std::to_string(silence.duration.count()) + " ms";
    if (input.kind == ClientInput::Kind::bytes) {
        const std::string line = without_line_end(input.bytes.substr(0, input.bytes.find('\n')));
        record(engine::broken_verdict(level_), "the client sent " + shorten(line, reason_octets) +
                                                   " within " + span +
                                                   ", before the reply it waits for");
        note("the client did not wait: its bytes are read by the next step");
    } else if (input.kind == ClientInput::Kind::closed) {
        note("the client closed the connection");
        open_ = false;
    } else {
        note("the client sent nothing for " + span);
    }
    if (!ended_) complete_step();
}

void ClientRun::judge_data(const ClientInput& input) {
    if (input_missing(input, "end of the mail data")) return;
    if (input.kind == ClientInput::Kind::closed) {
        log(LogLine::Side::client, input.bytes);
        open_ = false;
        return end(Verdict::error, "the client closed the connection before the end of the data");
    }
    log(LogLine::Side::client, input.bytes);
    const auto findings = check_mail_data(input.bytes, last_line_, declared_);
    apply(findings);
    const bool cut =
        message_known_ && std::any_of(findings.begin(), findings.end(), [](const DataFinding& f) {
            return f.check == scenario::ClientCheck::data_complete;
        });
    if (cut && !ended_) {  // the rest of the message would come as commands: out of step
        note("the scenario ends: what is left of the message would arrive as commands");
        ended_ = true;
    }
    if (!ended_) complete_step();
}

void ClientRun::judge_chunk(const ClientInput& input) {
    if (input.kind == ClientInput::Kind::too_long) {
        return end(Verdict::error, "the BDAT chunk is larger than ehlo-check reads");
    }
    log(LogLine::Side::client, input.bytes);
    if (input.kind != ClientInput::Kind::bytes) {
        if (input.kind == ClientInput::Kind::closed) open_ = false;
        apply({{scenario::ClientCheck::chunk_size,
                "BDAT announced " + std::to_string(chunk_size_) + " octets and the client " +
                    (input.kind == ClientInput::Kind::closed ? "closed" : "stopped") + " after " +
                    std::to_string(input.bytes.size())}});
        if (!ended_) note("the scenario ends: the chunk did not arrive whole");
        ended_ = true;
        return;
    }
    chunks_ += input.bytes;
    after_chunk_ = true;
    if (chunk_last_) {
        apply(check_chunked_data(chunks_, last_line_, declared_));
        chunks_.clear();
    }
    if (!ended_) complete_step();
}

// Each finding earns the broken verdict its row allows; the worst one is recorded.
void ClientRun::apply(const std::vector<DataFinding>& findings) {
    for (const DataFinding& finding : findings) {
        const bool compares = finding.check == scenario::ClientCheck::data_complete ||
                              finding.check == scenario::ClientCheck::extra_line_end;
        if (compares && !message_known_) continue;  // not the scenario's message
        const auto& check = scenario::client_check_row(finding.check);
        const auto row = std::find_if(check_rows_.begin(), check_rows_.end(),
                                      [&](const auto& r) { return r.id == check.requirement; });
        const scenario::Level allows =
            row == check_rows_.end() ? scenario::Level::should : row->allows;
        note("check: " + std::string(check.rule) + ": " + finding.detail);
        record(engine::broken_verdict(allows), std::string(check.rule) + ": " + finding.detail,
               row == check_rows_.end() ? std::string(check.requirement) : describe_row(*row));
    }
}

void judge_client_exit(ScenarioResult& result, scenario::Outcome expected, const ClientExit& exit) {
    result.client_output = exit.output;
    if (exit.killed) {
        result.client_status = "killed by ehlo-check: it had not exited";
    } else if (!exit.exited) {
        result.client_status = "killed by signal " + std::to_string(exit.signal);
    } else {
        result.client_status = "exit " + std::to_string(exit.status);
    }
    if (!exit.exited || result.verdict >= Verdict::warn || result.verdict == Verdict::skip) return;
    std::string contradiction;
    if (expected == scenario::Outcome::refused && exit.status == 0) {
        contradiction =
            "the message was refused, but the client exited 0: its caller is told "
            "it was sent";
    } else if (expected == scenario::Outcome::delivered && exit.status != 0) {
        contradiction = "the message was accepted, but the client exited " +
                        std::to_string(exit.status) + ": its caller is told it failed";
    }
    if (contradiction.empty()) return;
    result.verdict = Verdict::warn;
    result.reason = std::move(contradiction);
    result.requirement.clear();
}

}  // namespace ehlo::engine
