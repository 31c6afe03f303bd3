// Layer: conformance/engine (pure, no I/O). See client_run.hpp: the steps of a client scenario
// as requests to a driver, and the verdict on what the client sent. The answers that judge
// the client's input are in client_judge.cpp; the checks on its bytes in data_checks.cpp.
#include "engine/client_run.hpp"

#include <algorithm>
#include <utility>

#include "scenario/catalog.hpp"

namespace ehlo::engine {

namespace {

// The message's last line, without its CRLF: the data checks look for it at the end.
std::string last_line_of(const scenario::Text& message, const scenario::Variables& values) {
    std::string text = scenario::substitute(message, values).bytes;
    while (text.ends_with('\n') || text.ends_with('\r'))
        text.pop_back();
    const auto start = text.find_last_of('\n');
    return start == std::string::npos ? text : text.substr(start + 1);
}

Millis scaled(Millis duration, double scale) {
    const auto ms = static_cast<long long>(static_cast<double>(duration.count()) * scale + 0.5);
    return Millis(std::max(1LL, ms));
}

}  // namespace

ClientRun::ClientRun(const scenario::Scenario& scenario, scenario::Variables variables,
                     double time_scale)
    : steps_(scenario.client.steps),
      level_(scenario::effective_level(scenario)),
      cited_(scenario.cited),
      check_rows_(scenario.check_rows),
      variables_(std::move(variables)),
      time_scale_(time_scale),
      last_line_(last_line_of(scenario.client.message, variables_)) {
    result_.id = scenario.id;
    result_.title = scenario.title;
    result_.refs = scenario.refs;
    result_.level = level_;
    result_.requirements = scenario.requirements;
    result_.tags = scenario.tags;
    result_.verdict = Verdict::pass;
}

ClientRequest ClientRun::next(Millis now) {
    now_ = now;
    result_.duration = now;
    if (waiting_ != Waiting::nothing) return request_;
    if (finished_) return Finished{};
    if (!ended_) {
        if (auto request = advance()) return *request;
    }
    if (open_ && !keep_open_) return issue(Waiting::close, CloseConnection{1});
    finished_ = true;
    result_.log = transcript_.lines();
    if (!check_decided_) result_.requirement = requirement_behind(cited_, result_.verdict);
    return Finished{};
}

std::optional<ClientRequest> ClientRun::advance() {
    while (!ended_) {
        if (pc_ >= steps_.size()) {
            ended_ = true;
            break;
        }
        const auto& current = step();
        if (const auto* repeat = std::get_if<scenario::RepeatBegin>(&current.action)) {
            loops_.emplace_back(pc_ + 1, repeat->count);
            ++pc_;
        } else if (std::holds_alternative<scenario::RepeatEnd>(current.action)) {
            if (!loops_.empty() && --loops_.back().second > 0) {
                pc_ = loops_.back().first;
            } else {
                if (!loops_.empty()) loops_.pop_back();
                ++pc_;
            }
        } else if (std::holds_alternative<scenario::Label>(current.action)) {
            ++pc_;
        } else if (std::holds_alternative<scenario::Stop>(current.action)) {
            note("the scenario stops here");
            ended_ = true;
        } else if (auto request = run_step(current)) {
            return request;
        }
    }
    return std::nullopt;
}

std::optional<ClientRequest> ClientRun::run_step(const scenario::ClientStep& current) {
    const auto& action = current.action;
    const auto* tls = std::get_if<scenario::StartTls>(&action);
    if (!accepted_) {
        return issue(Waiting::accept, AcceptClient{tls != nullptr && tls->implicit});
    }
    if (const auto* command = std::get_if<scenario::Command>(&action)) {
        if (!open_) {
            judge_line(*command, ClientInput::closed());
            return std::nullopt;
        }
        return issue(Waiting::line, ReadClientLine{});
    }
    if (!open_ && client_close_accepted_) {  // what the scenario had after it cannot run
        note("not run: the client has closed the connection");
        ended_ = true;
        return std::nullopt;
    }
    if (!open_ && !std::holds_alternative<scenario::Wait>(action)) {
        end(Verdict::error,
            "the connection was closed before the step at line " + std::to_string(current.line));
        return std::nullopt;
    }
    if (const auto* reply = std::get_if<scenario::Reply>(&action)) {
        std::string bytes = scenario::substitute(reply->text, variables_).bytes;
        if (!reply->raw) bytes += "\r\n";
        log(LogLine::Side::server, bytes);
        return issue(Waiting::write, SendToClient{std::move(bytes)});
    }
    if (const auto* silence = std::get_if<scenario::Silence>(&action)) {
        return issue(Waiting::silence, WatchSilence{silence->duration});
    }
    if (std::holds_alternative<scenario::MailData>(action)) {
        return issue(Waiting::data, ReadMailData{});
    }
    if (std::holds_alternative<scenario::Chunk>(action)) {
        return issue(Waiting::chunk, ReadOctets{chunk_size_});
    }
    if (const auto* wait = std::get_if<scenario::Wait>(&action)) {
        const Millis duration = scaled(wait->duration, time_scale_);
        note("wait " + std::to_string(duration.count()) + " ms");
        return issue(Waiting::sleep, Sleep{duration});
    }
    if (tls != nullptr) return issue(Waiting::handshake, ServerHandshake{});
    return issue(Waiting::close, CloseConnection{1});
}

ClientRequest ClientRun::issue(Waiting waiting, ClientRequest request) {
    waiting_ = waiting;
    request_ = std::move(request);
    return request_;
}

// Whether the answer fits the request made; an answer to no request ends the run in ERROR.
bool ClientRun::answering(Waiting waiting, Millis now) {
    now_ = now;
    result_.duration = now;
    if (waiting_ == waiting) {
        waiting_ = Waiting::nothing;
        return true;
    }
    waiting_ = Waiting::nothing;
    end(Verdict::error, "the driver answered a request that was not made");
    return false;
}

void ClientRun::connected(Millis now) {
    const Waiting was = waiting_;
    if (was != Waiting::accept && was != Waiting::handshake) {
        answering(Waiting::accept, now);
        return;
    }
    answering(was, now);
    const bool tls_step = std::holds_alternative<scenario::StartTls>(step().action);
    if (was == Waiting::accept) {
        accepted_ = open_ = true;
        note(tls_step ? "the client connected; TLS handshake done" : "the client connected");
        if (tls_step) complete_step();
        return;
    }
    note("TLS handshake done");
    complete_step();
}

void ClientRun::written(Millis now) {
    if (answering(Waiting::write, now)) complete_step();
}

void ClientRun::waited(Millis now) {
    if (answering(Waiting::sleep, now)) complete_step();
}

void ClientRun::closed(Millis now) {
    if (!answering(Waiting::close, now)) return;
    open_ = false;
    if (!ended_) {
        note("ehlo-check closed the connection");
        complete_step();
    }
}

void ClientRun::failed(std::string why, Millis now) {
    const Waiting was = waiting_;
    answering(was, now);
    if (was == Waiting::write) {  // the client hung up: the next C: may expect just that
        note("not all sent: " + why);
        open_ = false;
        complete_step();
        return;
    }
    if (was == Waiting::close) {
        open_ = false;
        return;
    }
    end(Verdict::error, std::move(why));
}

void ClientRun::complete_step() {
    ++pc_;
}

void ClientRun::go_on(const scenario::LineAlternative& alternative) {
    if (ended_) return;
    if (alternative.jump.empty()) return complete_step();
    for (std::size_t i = 0; i < steps_.size(); ++i) {
        const auto* label = std::get_if<scenario::Label>(&steps_[i].action);
        if (label != nullptr && label->name == alternative.jump) {
            pc_ = i;
            loops_.clear();  // labels stand outside repeats
            return;
        }
    }
    end(Verdict::error, "no label @" + alternative.jump);
}

void ClientRun::record(Verdict verdict, std::string reason,
                       std::optional<std::string> requirement) {
    if (verdict > result_.verdict) {
        result_.verdict = verdict;
        result_.reason = std::move(reason);
        result_.decisive_line = step().line;
        check_decided_ = requirement.has_value();
        if (check_decided_) result_.requirement = std::move(*requirement);
    }
    if (verdict >= Verdict::fail) ended_ = true;
}

void ClientRun::end(Verdict verdict, std::string reason) {
    if (!ended_ || verdict > result_.verdict) {
        result_.verdict = std::max(result_.verdict, verdict);
        result_.reason = std::move(reason);
        result_.decisive_line = pc_ < steps_.size() ? step().line : 0;
        check_decided_ = false;
    }
    ended_ = true;
    note("the scenario ends: " + result_.reason);
}

void ClientRun::log(LogLine::Side side, const std::string& bytes) {
    const int line = pc_ < steps_.size() ? step().line : 0;
    for (auto& text : client_log_lines(bytes))
        transcript_.add({now_, 1, side, std::move(text), line});
}

void ClientRun::note(std::string text) {
    const int line = pc_ < steps_.size() ? step().line : 0;
    transcript_.add({now_, 1, LogLine::Side::note, std::move(text), line});
}

}  // namespace ehlo::engine
