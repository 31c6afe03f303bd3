// Test support for the client unit tests: a client::Session with a message, fed replies one
// by one, with readers of what it sends.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "client/session.hpp"

namespace ehlo::test {

inline wire::WireReply reply(int code, std::vector<std::string> lines = {"ok"}) {
    return {code, std::move(lines)};
}

/// An EHLO reply: the greeting line, then one line per keyword.
inline wire::WireReply ehlo_reply(std::vector<std::string> keywords) {
    keywords.insert(keywords.begin(), "mx.example.test greets client.example.org");
    return {250, std::move(keywords)};
}

inline const char* plain_message = "Subject: test\r\n\r\nHello.\r\n";

/// A client with `settings`, sending `message` from alice to `recipients`.
struct ClientHarness {
    client::Session session;
    std::vector<std::string> sent;  ///< every command's trace text, in order

    explicit ClientHarness(client::Settings settings = {},
                           std::vector<std::string> recipients = {"bob@example.test"},
                           std::string message = plain_message,
                           std::string from = "alice@example.org")
        : session(std::move(settings), client::Envelope{std::move(from), std::move(recipients)},
                  client::prepare_message(message)) {}

    /// Feeds a reply; returns the texts of the commands sent in response.
    std::vector<std::string> feed(const wire::WireReply& r) { return record(step(session, r)); }
    std::vector<std::string> feed(int code, std::vector<std::string> lines = {"ok"}) {
        return feed(reply(code, std::move(lines)));
    }
    std::vector<std::string> feed_event(const client::Event& event) {
        return record(step(session, event));
    }
    client::Output last;

    /// Greets and answers EHLO with `keywords`.
    void greet(std::vector<std::string> keywords = {}) {
        REQUIRE(feed(220) == std::vector<std::string>{"EHLO localhost"});
        feed(ehlo_reply(std::move(keywords)));
    }

  private:
    std::vector<std::string> record(client::Output out) {
        std::vector<std::string> texts;
        for (const client::Command& command : out.commands) {
            texts.push_back(command.shown);
            sent.push_back(command.shown);
        }
        last = std::move(out);
        return texts;
    }
};

using Texts = std::vector<std::string>;

}  // namespace ehlo::test
