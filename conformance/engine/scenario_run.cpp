// Layer: conformance/engine (pure, no I/O). Runs the steps of one scenario as requests to a
// driver, after docs/scenario-format.md: `C:`, `C~` and `C>` (the queue is sent by the next
// `S:` in one write, RFC 2920 §3.1), `S:` matched by reply_match.hpp, `wait`, `tls` (implicit
// TLS, RFC 8314 §3), `starttls` (RFC 3207 §4), `connection`, `close`, repeats and variables;
// the verdict is the worst step verdict, a broken step ends the scenario. The answers of the
// driver are taken in scenario_answers.cpp; the wire log's lines and the reason line come
// from transcript.hpp; sockets, clocks and time-outs are the driver's.
#include "engine/scenario_run.hpp"

#include <algorithm>
#include <utility>

#include "engine/result.hpp"
#include "engine/transcript.hpp"
#include "scenario/catalog.hpp"

namespace ehlo::engine {

namespace {

bool accepts_close(const scenario::Expect& expect) {
    return std::any_of(expect.alternatives.begin(), expect.alternatives.end(),
                       [](const scenario::Alternative& alt) { return alt.close; });
}

// The variables a scenario uses and `values` lacks, written `{name}`.
std::vector<std::string> missing_variables(const scenario::Scenario& scenario,
                                           const scenario::Variables& values) {
    std::vector<std::string> missing;
    for (const auto& name : scenario::variables_used(scenario)) {
        if (values.find(name) == values.end()) missing.push_back("{" + name + "}");
    }
    return missing;
}

std::string skip_reason(const std::vector<std::string>& missing) {
    std::string names;
    for (const auto& name : missing)
        names += (names.empty() ? "" : ", ") + name;
    return (missing.size() == 1 ? "the variable " : "the variables ") + names +
           (missing.size() == 1 ? " has no value" : " have no value");
}

}  // namespace

ScenarioRun::ScenarioRun(const scenario::Scenario& scenario, scenario::Variables variables,
                         double time_scale)
    : steps_(scenario.steps),
      level_(scenario::effective_level(scenario)),
      cited_(scenario.cited),
      variables_(std::move(variables)),
      time_scale_(time_scale) {
    result_.id = scenario.id;
    result_.title = scenario.title;
    result_.refs = scenario.refs;
    result_.level = level_;
    result_.requirements = scenario.requirements;
    result_.tags = scenario.tags;
    result_.verdict = Verdict::pass;
    const auto missing = missing_variables(scenario, variables_);
    if (!missing.empty()) {
        result_.verdict = Verdict::skip;
        result_.reason = skip_reason(missing);
        ended_ = true;
    }
}

const ScenarioResult& ScenarioRun::result() const {
    return result_;
}

Request ScenarioRun::next(Millis now) {
    now_ = now;
    result_.duration = now;
    if (waiting_ != Waiting::nothing) return request_;
    if (finished_) return Finished{};
    if (!ended_) {
        if (auto request = advance()) return *request;
    }
    // The end, or a verdict reached early: close what is still open, then finish.
    for (const auto& [number, link] : links_) {
        if (link.open) return issue(Waiting::close, CloseConnection{number});
    }
    finished_ = true;
    result_.log = transcript_.lines();
    result_.requirement = requirement_behind(cited_, result_.verdict);
    return Finished{};
}

std::optional<Request> ScenarioRun::advance() {
    while (!ended_) {
        if (pc_ >= steps_.size()) {
            ended_ = true;
            break;
        }
        const auto& step = steps_[pc_];
        if (const auto* repeat = std::get_if<scenario::RepeatBegin>(&step.action)) {
            loops_.push_back({pc_ + 1, repeat->count});
            ++pc_;
        } else if (std::holds_alternative<scenario::RepeatEnd>(step.action)) {
            if (!loops_.empty() && --loops_.back().left > 0) {
                pc_ = loops_.back().start;
            } else {
                if (!loops_.empty()) loops_.pop_back();
                ++pc_;
            }
        } else if (const auto* connection = std::get_if<scenario::Connection>(&step.action)) {
            current_ = connection->number;
            ++pc_;
        } else if (auto request = run_step(step, links_[current_])) {
            return request;
        }
    }
    return std::nullopt;
}

std::optional<Request> ScenarioRun::run_step(const scenario::Step& step, Link& link) {
    if (link.server_closed_line != 0) return run_on_closed(step, link);
    if (link.client_closed) {  // the parser allows no such step; never send on it
        end(Verdict::error,
            "connection " + std::to_string(current_) + " was closed before the step at line " +
                std::to_string(step.line),
            step.line, {});
        return std::nullopt;
    }
    if (!link.open) {
        const auto* tls = std::get_if<scenario::StartTls>(&step.action);
        return issue(Waiting::open, OpenConnection{current_, tls != nullptr && tls->implicit});
    }
    if (const auto* send = std::get_if<scenario::Send>(&step.action)) {
        if (link.write_cut) {
            note(current_, "not sent: the server has closed the connection", step.line);
            complete_step();
            return std::nullopt;
        }
        auto bytes = scenario::substitute(send->text, variables_).bytes;
        if (send->mode != scenario::Send::Mode::raw) bytes += "\r\n";
        if (send->mode != scenario::Send::Mode::queued) return write(std::move(bytes), step.line);
        queue_ += bytes;
        complete_step();
        return std::nullopt;
    }
    if (std::holds_alternative<scenario::Expect>(step.action)) return run_expect(step, link);
    if (const auto* wait = std::get_if<scenario::Wait>(&step.action)) {
        return sleep(*wait, step.line);
    }
    if (std::holds_alternative<scenario::StartTls>(step.action)) {
        return issue(Waiting::handshake, Handshake{current_});
    }
    return issue(Waiting::close, CloseConnection{current_});
}

std::optional<Request> ScenarioRun::run_expect(const scenario::Step& step, Link& link) {
    if (queue_.empty()) return issue(Waiting::read, ReadReply{current_});
    // RFC 2920 §3.1: the queued commands go out in one write, then their replies are read in
    // order, one per S: step.
    const auto lines = client_log_lines(queue_);
    auto request = write(std::exchange(queue_, {}), step.line);
    link.queued.assign(lines.begin(), lines.end());
    link.last_line.reset();
    return request;
}

// A step on a connection the server has closed: only what needs no server can still run.
std::optional<Request> ScenarioRun::run_on_closed(const scenario::Step& step, Link& link) {
    if (link.closing_announced) return skip_after_421(step, link);
    if (const auto* expect = std::get_if<scenario::Expect>(&step.action);
        expect != nullptr && accepts_close(*expect)) {
        judge(step, Received::closed(), answered_by(link), link);
        return std::nullopt;
    }
    if (const auto* wait = std::get_if<scenario::Wait>(&step.action)) {
        return sleep(*wait, step.line);
    }
    if (std::holds_alternative<scenario::Close>(step.action)) {
        link.client_closed = true;
        complete_step();
        return std::nullopt;
    }
    if (std::holds_alternative<scenario::Send>(step.action) && close_expected()) {
        note(current_, "not sent: the server has closed the connection", step.line);
        complete_step();
        return std::nullopt;
    }
    end(Verdict::error,
        "the server closed connection " + std::to_string(current_) + " at line " +
            std::to_string(link.server_closed_line),
        step.line, {});
    return std::nullopt;
}

// A step on a connection the server closed after saying 421 RFC 5321 §3.8: the close was
// announced, so what the scenario meant to do there next is left undone, and not judged.
std::optional<Request> ScenarioRun::skip_after_421(const scenario::Step& step, Link& link) {
    if (const auto* wait = std::get_if<scenario::Wait>(&step.action))
        return sleep(*wait, step.line);
    if (std::holds_alternative<scenario::Close>(step.action)) {
        link.client_closed = true;
    } else {
        note(current_, "not run: the server closed the connection after its 421", step.line);
    }
    complete_step();
    return std::nullopt;
}

Request ScenarioRun::write(std::string bytes, int line) {
    auto& link = links_[current_];
    link.write_after_reply = link.idle_since_reply;
    link.idle_since_reply = false;
    const auto lines = client_log_lines(bytes);
    for (const auto& text : lines)
        log(LogLine::Side::client, current_, text, line);
    if (!lines.empty()) link.last_line = lines.back();
    link.queued.clear();
    link.talked = true;
    return issue(Waiting::write, WriteBytes{current_, std::move(bytes)});
}

// The `wait` step, its duration multiplied by the time scale; the note gives both durations.
Request ScenarioRun::sleep(const scenario::Wait& wait, int line) {
    std::string text = "wait " + std::to_string(wait.duration.count()) + " ms";
    Millis duration = wait.duration;
    if (time_scale_ != 1.0) {
        const auto scaled =
            static_cast<long long>(static_cast<double>(wait.duration.count()) * time_scale_ + 0.5);
        duration = Millis(std::max(1LL, scaled));
        text = "wait " + std::to_string(duration.count()) + " ms (" +
               std::to_string(wait.duration.count()) + " ms at time scale " +
               format_scale(time_scale_) + ")";
    }
    note(current_, std::move(text), line);
    return issue(Waiting::sleep, Sleep{duration});
}

Request ScenarioRun::issue(Waiting waiting, Request request) {
    waiting_ = waiting;
    request_ = std::move(request);
    return request_;
}

// Whether the next `S:` on this connection accepts `<close>`, looking from the step being run.
bool ScenarioRun::close_expected() const {
    for (std::size_t i = pc_; i < steps_.size(); ++i) {
        const auto& action = steps_[i].action;
        if (const auto* expect = std::get_if<scenario::Expect>(&action)) {
            return accepts_close(*expect);
        }
        if (std::holds_alternative<scenario::Connection>(action) ||
            std::holds_alternative<scenario::Close>(action) ||
            std::holds_alternative<scenario::StartTls>(action)) {
            return false;
        }
    }
    return false;
}

}  // namespace ehlo::engine
