// Test support: drives a server::Connection as the network driver would, with an in-memory
// store, so that tests speak bytes and read replies.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "server/connection.hpp"

namespace ehlo::test {

/// A message as the store saw it.
struct StoredMessage {
    server::Envelope envelope;
    std::string text;  ///< Received: header and data
};

class Harness {
  public:
    explicit Harness(server::Policy policy = default_policy())
        : policy_(std::move(policy)), connection_(policy_, server::Peer{"192.0.2.7", 42}) {}

    /// Policy for example.test with the RFC's minimum limits.
    static server::Policy default_policy() {
        server::Policy policy;
        policy.hostname = "mx.example.test";
        policy.domains = {"example.test"};
        policy.aliases = {{"moved@example.test", "new@example.test"},
                          {"gone@example.test", "someone@elsewhere.test"}};
        return policy;
    }

    /// The greeting.
    std::string start() { return run(connection_.start(now())); }
    /// The greeting on an implicit TLS port, after its handshake (RFC 8314 §3).
    std::string start_over_tls() { return run(connection_.start(now(), true)); }
    /// The driver's TLS handshake after STARTTLS succeeded.
    std::string tls_handshake_done() {
        tls_requested_ = false;
        return run(connection_.tls_started());
    }

    /// Feeds bytes as one read, carrying out every action; returns all reply text.
    std::string send(std::string_view bytes) {
        std::string replies;
        while (!bytes.empty() && !closed_) {
            replies += run(connection_.receive(bytes, now()));
            if (connection_.awaiting_commit()) replies += run(connection_.stored(commit()));
        }
        return replies;
    }

    std::string timed_out() { return run(connection_.timed_out()); }
    std::string shutting_down() { return run(connection_.shutting_down()); }

    /// Makes the next commit fail with 451, as a full disk would.
    void fail_next_commit() { fail_next_commit_ = true; }

    const std::vector<StoredMessage>& stored() const { return stored_; }
    bool closed() const { return closed_; }
    /// A start_tls action came and tls_handshake_done() has not been called since.
    bool tls_requested() const { return tls_requested_; }
    bool open_message() const { return open_; }
    int aborts() const { return aborts_; }
    server::Connection& connection() { return connection_; }
    std::vector<server::TraceLine> trace;

  private:
    static server::Clock::time_point now() {
        return server::Clock::time_point{std::chrono::seconds{1795313370}};  // fixed time
    }

    std::optional<protocol::Reply> commit() {
        open_ = false;
        if (fail_next_commit_) {
            fail_next_commit_ = false;
            return protocol::make_reply(protocol::ReplyId::local_error);
        }
        stored_.push_back(current_);
        return std::nullopt;
    }

    std::string run(server::Output out) {
        using Kind = server::Action::Kind;
        for (auto& action : out.actions) {
            if (action.kind == Kind::begin_message) {
                current_ = {connection_.session().envelope, action.data};
                open_ = true;
            } else if (action.kind == Kind::append_data) {
                current_.text += action.data;
            } else if (action.kind == Kind::abort_message) {
                open_ = false;
                ++aborts_;
            } else if (action.kind == Kind::start_tls) {
                tls_requested_ = true;
            }
        }
        for (auto& line : out.trace)
            trace.push_back(line);
        if (out.close) closed_ = true;
        return out.replies;
    }

    server::Policy policy_;
    server::Connection connection_;
    StoredMessage current_;
    std::vector<StoredMessage> stored_;
    bool fail_next_commit_ = false;
    bool closed_ = false;
    bool tls_requested_ = false;
    bool open_ = false;
    int aborts_ = 0;
};

/// The three-digit codes of every reply in `replies`, one per complete reply.
inline std::vector<int> codes(std::string_view replies) {
    std::vector<int> out;
    while (!replies.empty()) {
        auto end = replies.find("\r\n");
        std::string_view line = replies.substr(0, end);
        if (line.size() < 4 || line[3] == ' ')
            out.push_back(std::stoi(std::string(line.substr(0, 3))));
        replies.remove_prefix(end == std::string_view::npos ? replies.size() : end + 2);
    }
    return out;
}

}  // namespace ehlo::test
