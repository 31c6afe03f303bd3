// Layer: conformance/engine (pure, no I/O). The second half of ScenarioRun (scenario_run.hpp):
// what the driver's answers do to the run. A reply is matched and judged after
// docs/scenario-format.md "Verdicts" (the worst step verdict; a broken step ends the scenario);
// a time-out or a malformed reply (RFC 5321 §4.2) gives ERROR; the server closing is remembered
// per connection; a failed write when the next `S:` accepts `<close>` counts as that close.
// Choosing the next request is in scenario_run.cpp.
#include "engine/scenario_run.hpp"

#include <utility>

#include "engine/transcript.hpp"

namespace ehlo::engine {

namespace {

// The connection a request is about.
int connection_of(const Request& request) {
    return std::visit(
        [](const auto& r) {
            if constexpr (requires { r.connection; }) {
                return r.connection;
            } else {
                return 0;
            }
        },
        request);
}

// `expect` with each `<same>` alternative given the code of the previous reply, `last_code`
// (none when there was none: it then fits nothing).
scenario::Expect resolve_same(scenario::Expect expect, int last_code) {
    for (scenario::Alternative& alt : expect.alternatives) {
        if (alt.same && last_code != 0) alt.code.pattern = std::to_string(last_code);
    }
    return expect;
}

}  // namespace

// What the next reply on `link` answers, taken off the link: a pipelined line first, else the
// last line written, else the greeting when nothing has travelled yet.
Answered ScenarioRun::answered_by(Link& link) {
    Answered answered;
    if (!link.queued.empty()) {
        answered.command = std::move(link.queued.front());
        link.queued.pop_front();
    } else if (link.last_line) {
        answered.command = std::move(*link.last_line);
        link.last_line.reset();
    } else {
        answered.greeting = !link.talked;
    }
    link.talked = true;
    return answered;
}

bool ScenarioRun::answering(Waiting waiting, Millis now) {
    now_ = now;
    result_.duration = now;
    if (finished_) return false;
    if (waiting_ != waiting || waiting == Waiting::nothing) {
        waiting_ = Waiting::nothing;
        end(Verdict::error, "the driver gave an answer to a request it was not given", step_line(),
            {});
        return false;
    }
    waiting_ = Waiting::nothing;
    return true;
}

void ScenarioRun::connected(Millis now) {
    const int connection = connection_of(request_);
    if (waiting_ == Waiting::handshake) {
        answering(Waiting::handshake, now);
        note(connection, "TLS handshake done", step_line());
        complete_step();
        return;
    }
    if (!answering(Waiting::open, now)) return;
    const bool implicit = std::get<OpenConnection>(request_).implicit_tls;
    links_[connection].open = true;
    note(connection, implicit ? "connection opened (implicit TLS)" : "connection opened",
         step_line());
    if (implicit) complete_step();  // the `tls` step is done with the connection
}

void ScenarioRun::written(Millis now, bool replies_waiting) {
    if (!answering(Waiting::write, now)) return;
    auto& link = links_[connection_of(request_)];
    if (replies_waiting && link.write_after_reply) link.early_reply = true;
    // An `S:` that sent the queue goes on to read; a `C:` or `C~` step is done.
    if (!std::holds_alternative<scenario::Expect>(steps_[pc_].action)) complete_step();
}

void ScenarioRun::write_cut_short(std::string why, Millis now) {
    if (!answering(Waiting::write, now)) return;
    note(connection_of(request_), "write cut short (" + why + "): the server has closed",
         step_line());
    links_[connection_of(request_)].write_cut = true;
    if (!std::holds_alternative<scenario::Expect>(steps_[pc_].action)) complete_step();
}

void ScenarioRun::waited(Millis now) {
    if (answering(Waiting::sleep, now)) complete_step();
}

void ScenarioRun::closed(Millis now) {
    if (!answering(Waiting::close, now)) return;
    auto& link = links_[connection_of(request_)];
    link.open = false;
    link.client_closed = true;
    note(connection_of(request_), "closed by client", step_line());
    if (!ended_) complete_step();
}

void ScenarioRun::received(const Received& received, Millis now) {
    if (!answering(Waiting::read, now)) return;
    const auto& step = steps_[pc_];
    const int connection = connection_of(request_);
    auto& link = links_[connection];
    const Answered answered = answered_by(link);
    switch (received.kind) {
        case Received::Kind::reply:
            for (auto& line : server_log_lines(received.reply))
                log(LogLine::Side::server, connection, std::move(line), step.line);
            link.idle_since_reply = true;
            break;
        case Received::Kind::closed:
            link.open = false;
            link.server_closed_line = step.line;
            if (link.closing_announced) {  // RFC 5321 §3.8: the close its 421 announced
                note(connection, "closed by server, as its 421 announced", step.line);
                complete_step();
                return;
            }
            note(connection, "closed by server", step.line);
            break;
        case Received::Kind::timeout:
            note(connection, "no reply within the time limit", step.line);
            end(Verdict::error,
                "no reply within the time limit to the step at line " + std::to_string(step.line),
                step.line, explain(std::get<scenario::Expect>(step.action), received));
            return;
        case Received::Kind::malformed:
            note(connection, "malformed reply: " + escape_bytes(received.error), step.line);
            end(Verdict::error, "malformed reply: " + escape_bytes(received.error), step.line,
                explain(std::get<scenario::Expect>(step.action), received));
            return;
    }
    judge(step, received, answered, link);
}

void ScenarioRun::failed(std::string why, Millis now) {
    const Waiting was = waiting_;
    if (!answering(was, now)) return;
    const int connection = connection_of(request_);
    auto& link = links_[connection];
    if (was == Waiting::write && !ended_ && (close_expected() || link.closing_announced)) {
        // The write hit a connection the server had closed, and the scenario allows the close:
        // the next S: takes it as `<close>`.
        note(connection, "write failed (" + why + "): the server has closed the connection",
             step_line());
        link.open = false;
        link.server_closed_line = steps_[pc_].line;
        if (!std::holds_alternative<scenario::Expect>(steps_[pc_].action)) complete_step();
        return;
    }
    if (was == Waiting::close) {
        note(connection, "close failed: " + why, step_line());
        link.open = false;
        link.client_closed = true;
        if (!ended_) complete_step();
        return;
    }
    note(connection, "failed: " + why, step_line());
    end(Verdict::error, std::move(why), step_line(), {});
}

void ScenarioRun::judge(const scenario::Step& step, const Received& received,
                        const Answered& answered, Link& link) {
    const scenario::Expect expect =
        resolve_same(std::get<scenario::Expect>(step.action), link.last_code);
    const Match m = match(expect, received);
    if (received.kind == Received::Kind::reply) {
        link.last_code = received.reply.code;
        if (received.reply.code == 421) link.closing_announced = true;
    }
    if (judge_early_reply(step, received, answered, link)) return;
    // The catalog's ceiling, by construction: no alternative's verdict goes past what the
    // scenario's requirement rows allow (a `=> WARN` on a MAY row gives INFO).
    const Verdict carried = step_verdict(m, level_);
    const Verdict verdict = std::min(carried, engine::broken_verdict(level_));
    std::string reason = step_reason(expect, received, m, answered);
    if (verdict != carried) {
        reason += " (" + std::string(to_string(verdict)) +
                  " at most: what the scenario's level and requirement rows allow)";
    }
    if (m.broken() && !expect.error_when_broken.empty()) {
        const std::string reply = describe(received);
        end(Verdict::error, expect.error_when_broken + ": " + reply.substr(0, reply.find('\n')),
            step.line, explain(expect, received));
        return;
    }
    if (m.broken()) {
        end(verdict, std::move(reason), step.line, explain(expect, received));
        return;
    }
    // WARN and INFO go on; the first step that reached the worst verdict so far explains it.
    if (verdict > result_.verdict) {
        result_.verdict = verdict;
        result_.reason = std::move(reason);
        result_.decisive_line = step.line;
        result_.explanation = explain(expect, received);
    }
    complete_step();
}

// A reply that was waiting before the command it would answer was sent RFC 5321 §4.2: the
// server answered something that was no command of ours (it did not wait for the command,
// or it took part of what was sent for a command of its own, as in SMTP smuggling). So it is
// never evidence that the server did right: the step is broken, worth what the scenario's
// level and rows allow. A 421 is the exception: a server may send it at any time
// RFC 5321 §3.8. True when it ended the scenario.
bool ScenarioRun::judge_early_reply(const scenario::Step& step, const Received& received,
                                    const Answered& answered, Link& link) {
    const bool early = std::exchange(link.early_reply, false);
    if (!early || received.kind != Received::Kind::reply || received.reply.code == 421) {
        return false;
    }
    const std::string command =
        answered.command ? shorten(*answered.command) : std::string("its command");
    end(engine::broken_verdict(level_),
        "the reply " + shorten(describe(received)) + " came before " + command +
            " was sent: it answers something that was no command of ours (RFC 5321 §4.2: "
            "one reply per command)",
        step.line, explain(std::get<scenario::Expect>(step.action), received));
    return true;
}

void ScenarioRun::end(Verdict verdict, std::string reason, int line, std::string explanation) {
    // The scenario's verdict is the worst seen; on a tie the step that ends it explains it.
    if (verdict >= result_.verdict) {
        result_.verdict = verdict;
        result_.reason = std::move(reason);
        result_.decisive_line = line;
        result_.explanation = std::move(explanation);
    }
    ended_ = true;
}

void ScenarioRun::complete_step() {
    ++pc_;
}

int ScenarioRun::step_line() const {
    return !ended_ && pc_ < steps_.size() ? steps_[pc_].line : 0;
}

void ScenarioRun::note(int connection, std::string text, int line) {
    log(LogLine::Side::note, connection, std::move(text), line);
}

void ScenarioRun::log(LogLine::Side side, int connection, std::string text, int line) {
    transcript_.add(LogLine{now_, connection, side, std::move(text), line});
}

}  // namespace ehlo::engine
