// Unit tests of client::step over every kind of reply at every step: each step of the
// dialogue (greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, end of data, BDAT; with and
// without PIPELINING)
// gets each code a server may send, and a lost connection. The rules: 421 closes at once
// (RFC 5321 §3.8); 4xx ends in QUIT and a temporary failure; 5xx in QUIT and a permanent one
// (EHLO's 5xx falls back to HELO, RFC 5321 §3.2); a code the step cannot get (RFC 5321 §4.3.2)
// closes as a protocol error; a connection lost before the end of data leaves the message
// undelivered.
#include "client_harness.hpp"

#include "sasl/client_mechanisms.hpp"

using namespace ehlo;
using ehlo::test::ClientHarness;
using ehlo::test::Texts;

namespace {

enum class Step {
    greeting,
    ehlo,
    starttls,
    auth,
    mail,
    rcpt,
    data,
    data_end,
    group,
    group_data,
    bdat
};

const char* name(Step step) {
    switch (step) {
        case Step::greeting:
            return "greeting";
        case Step::ehlo:
            return "EHLO";
        case Step::starttls:
            return "STARTTLS";
        case Step::auth:
            return "AUTH";
        case Step::mail:
            return "MAIL";
        case Step::rcpt:
            return "RCPT";
        case Step::data:
            return "DATA";
        case Step::data_end:
            return "end of data";
        case Step::group:
            return "pipelined MAIL";
        case Step::group_data:
            return "pipelined DATA";
        case Step::bdat:
            return "BDAT";
    }
    return "";
}

/// The settings that make the client go through `step`.
client::Settings settings_for(Step step) {
    client::Settings settings;
    if (step == Step::starttls) settings.tls = client::TlsMode::starttls_required;
    if (step == Step::auth) {
        settings.authenticate = true;
        settings.make_mechanism = [](std::string_view name) {
            return sasl::make_client_mechanism(name, {"alice", "pw", "", "", 0}, "nonce");
        };
    }
    return settings;
}

/// Walks a new client up to the reply of `step`.
void reach(ClientHarness& client, Step step) {
    if (step == Step::greeting) return;
    client.feed(220);
    if (step == Step::ehlo) return;
    if (step == Step::starttls || step == Step::auth) {
        client.feed(test::ehlo_reply({"STARTTLS", "AUTH PLAIN"}));
        return;
    }
    if (step == Step::group || step == Step::group_data) {
        client.feed(test::ehlo_reply({"PIPELINING"}));
        if (step == Step::group_data) client.feed(250), client.feed(250);
        return;
    }
    if (step == Step::bdat) {
        client.feed(test::ehlo_reply({"CHUNKING"}));
        client.feed(250);
        client.feed(250);
        return;
    }
    client.feed(test::ehlo_reply({}));
    if (step == Step::mail) return;
    client.feed(250);
    if (step == Step::rcpt) return;
    client.feed(250);
    if (step == Step::data) return;
    client.feed(354);
}

/// Whether `code` is one the command at `step` may get: read by its first digit, so an unknown
/// code of a known class counts as that class (RFC 5321 §4.2, RFC 5321 §4.3.2).
bool allowed(Step step, int code) {
    if (code >= 400 && code < 600) return true;
    switch (step) {
        case Step::greeting:
        case Step::starttls:
            return code >= 200 && code < 300;
        case Step::auth:
            return code == 334 || (code >= 200 && code < 300);
        case Step::data:
        case Step::group_data:
            return code >= 300 && code < 400;
        default:
            return code >= 200 && code < 300;
    }
}

/// Answers what is still asked (`filler` to all, 221 to QUIT) until the session ends.
void finish(ClientHarness& client, int filler = 250) {
    for (int guard = 0; guard < 20 && !client.session.done(); ++guard) {
        bool quitting = !client.sent.empty() && client.sent.back() == "QUIT";
        if (quitting)
            client.feed(221);
        else
            client.feed(filler);
    }
}

}  // namespace

TEST_CASE("every reply code at every step has a clear outcome", "[client][step]") {
    const int codes[] = {200, 211, 220, 221, 250, 251, 252, 334, 354, 421, 450, 451, 452, 454,
                         500, 501, 502, 503, 504, 521, 550, 551, 552, 553, 554, 199, 600, 999};
    for (Step step :
         {Step::greeting, Step::ehlo, Step::starttls, Step::auth, Step::mail, Step::rcpt,
          Step::data, Step::data_end, Step::group, Step::group_data, Step::bdat}) {
        for (int code : codes) {
            INFO(name(step) << " gets " << code);
            ClientHarness client(settings_for(step));
            reach(client, step);
            client.feed(code);
            if (code == 421) {
                CHECK(client.last.close);
                CHECK(client.session.done());
                CHECK(client.session.exit_status() == client::exit_code::temporary);
            } else if (code < 200 || code >= 600) {  // out of range: fatal, yet QUIT first
                CHECK(client.sent.back() == "QUIT");
                finish(client);
                CHECK(client.session.done());
                CHECK(client.session.exit_status() == client::exit_code::protocol);
            } else if (!allowed(step, code)) {
                CHECK(client.last.close);
                CHECK(client.session.done());
                CHECK(client.session.exit_status() == client::exit_code::protocol);
            } else if (code >= 400) {
                bool fallback = step == Step::ehlo && code >= 500;
                if (fallback)
                    CHECK(client.sent.back() == "HELO localhost");
                else if (step != Step::group)
                    CHECK(client.sent.back() == "QUIT");
                finish(client, step == Step::group ? 503 : 250);  // the rest of the group
                CHECK(client.session.done());
                if (!fallback) {
                    int permanent = step == Step::auth ? client::exit_code::no_permission
                                                       : client::exit_code::unavailable;
                    int expected = code < 500 ? client::exit_code::temporary : permanent;
                    CHECK(client.session.exit_status() == expected);
                    CHECK(client.session.recipients()[0].reply.code == code);
                }
            } else if (step == Step::starttls) {
                CHECK(client.last.start_tls);  // 220: the driver's handshake comes next
            } else {
                finish(client);
                CHECK(client.session.done());
            }
        }
    }
}

TEST_CASE("a connection lost at any step leaves the message undelivered, temporarily",
          "[client][step]") {
    for (Step step :
         {Step::greeting, Step::ehlo, Step::starttls, Step::auth, Step::mail, Step::rcpt,
          Step::data, Step::data_end, Step::group, Step::group_data, Step::bdat}) {
        INFO(name(step));
        ClientHarness client(settings_for(step));
        reach(client, step);
        client.feed_event(client::ConnectionLost{"the server closed the connection"});
        CHECK(client.last.close);
        CHECK(client.session.done());
        CHECK(client.session.exit_status() == client::exit_code::temporary);
        const auto& recipient = client.session.recipients()[0];
        CHECK(recipient.state == client::RecipientOutcome::State::refused);
        CHECK(recipient.note.find("closed") != std::string::npos);
        CHECK(recipient.temporary());
        CHECK(client.feed(250).empty());  // nothing after the end
    }
}

TEST_CASE("a connection lost after the message was accepted, before QUIT's reply, is fine",
          "[client][step]") {
    ClientHarness client;
    reach(client, Step::data_end);
    CHECK(client.feed(250) == Texts{"QUIT"});
    client.feed_event(client::ConnectionLost{"closed"});
    CHECK(client.session.done());
    CHECK(client.session.exit_status() == 0);
}

TEST_CASE("a malformed reply is a protocol error, even at QUIT", "[client][step]") {
    ClientHarness client;
    reach(client, Step::mail);
    client.feed_event(client::ConnectionLost{"malformed reply: bare LF", true});
    CHECK(client.session.exit_status() == client::exit_code::protocol);
}

TEST_CASE("421 in the middle of a pipelined group closes without QUIT", "[client][step]") {
    ClientHarness client({}, {"bob@example.test", "carol@example.test"});
    reach(client, Step::group);
    client.feed(250);
    client.feed(250);
    CHECK(client.feed(421, {"4.3.2 shutting down"}).empty());
    CHECK(client.last.close);
    const auto& outcome = client.session.recipients();
    CHECK(outcome[0].reply.code == 421);
    CHECK(outcome[1].reply.code == 421);
    CHECK(client.session.failure_reason().find("421 4.3.2") != std::string::npos);
}

TEST_CASE("421 as the reply to QUIT is only the end", "[client][step]") {
    ClientHarness client;
    reach(client, Step::data_end);
    client.feed(250);
    client.feed(421);
    CHECK(client.session.done());
    CHECK(client.session.exit_status() == 0);
}
