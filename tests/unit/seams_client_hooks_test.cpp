// The test seam of client::Session (client/client_hooks.hpp, made by Settings::make_hooks), in
// the client libraries built with EHLO_TEST_SEAMS: with the default hooks the session says what
// ehlo-send says; each hook sees, and may change, the replies, the command lines and the message
// data; each decision of the session can be overturned. (The driver's decision, drop_before_tls,
// is shown by tests/e2e/test_send_mutants.py.)
#include "client_harness.hpp"

#include <functional>
#include <map>

#include "sasl/client_mechanisms.hpp"

using namespace ehlo;
using ehlo::test::ClientHarness;
using ehlo::test::Texts;
using Awaiting = client::Session::Awaiting;
using client::Decision;

namespace {

/// Hooks made of the functions a test gives; a hook without one changes nothing.
struct TestHooks final : client::ClientHooks {
    std::function<void(const client::Session&, wire::WireReply&)> on_received;
    std::function<void(std::string&)> on_command;
    std::function<void(std::string&)> on_data;
    std::map<Decision, bool> overturn;

    void received(const client::Session& session, wire::WireReply& reply) override {
        if (on_received) on_received(session, reply);
    }
    void sending_command(const client::Session&, std::string& line) override {
        if (on_command) on_command(line);
    }
    void sending_data(const client::Session&, std::string& data) override {
        if (on_data) on_data(data);
    }
    bool decide(const client::Session&, Decision decision, bool chosen) override {
        auto found = overturn.find(decision);
        return found == overturn.end() ? chosen : found->second;
    }
};

/// Hooks that overturn `decision` to `value`.
TestHooks overturning(Decision decision, bool value) {
    TestHooks hooks;
    hooks.overturn[decision] = value;
    return hooks;
}

client::Settings with_hooks(TestHooks hooks, client::Settings settings = {}) {
    settings.make_hooks = [hooks] { return std::make_unique<TestHooks>(hooks); };
    return settings;
}

/// The bytes of every command of a whole dialogue without PIPELINING.
std::vector<std::string> dialogue(client::Settings settings) {
    ClientHarness client(std::move(settings), {"bob@example.test"}, ".dot\r\n");
    std::vector<std::string> bytes;
    auto feed = [&](const wire::WireReply& reply) {
        client.feed(reply);
        for (const client::Command& command : client.last.commands)
            bytes.push_back(command.bytes);
    };
    feed(test::reply(220));
    feed(test::ehlo_reply({"8BITMIME"}));
    for (int code : {250, 250, 354, 250, 221})
        feed(test::reply(code));
    CHECK(client.session.exit_status() == 0);
    return bytes;
}

client::Settings with_plain_auth() {
    client::Settings settings;
    settings.authenticate = true;
    settings.make_mechanism = [](std::string_view name) {
        sasl::ClientCredentials credentials{"alice", "wonderland", "", "mx", 25};
        return sasl::make_client_mechanism(name, credentials, "clientnonce");
    };
    return settings;
}

}  // namespace

TEST_CASE("the default client hooks change nothing", "[seams][client]") {
    client::Settings default_hooks;
    default_hooks.make_hooks = [] { return std::make_unique<client::ClientHooks>(); };
    const std::vector<std::string> plain = dialogue({});
    CHECK(plain == std::vector<std::string>{
                       "EHLO localhost\r\n", "MAIL FROM:<alice@example.org>\r\n",
                       "RCPT TO:<bob@example.test>\r\n", "DATA\r\n", "..dot\r\n.\r\n", "QUIT\r\n"});
    CHECK(dialogue(default_hooks) == plain);
    CHECK(dialogue(with_hooks({})) == plain);
}

TEST_CASE("the reply hook sees each reply and what it answers, and the session acts on its change",
          "[seams][client]") {
    std::vector<std::string> seen;
    TestHooks hooks;
    hooks.on_received = [&seen](const client::Session& session, wire::WireReply& reply) {
        seen.push_back(std::to_string(reply.code));
        if (session.awaiting() == Awaiting::mail) reply.code = 550;
    };
    ClientHarness client(with_hooks(hooks));
    client.greet();
    CHECK(client.feed(250) == Texts{"QUIT"});  // MAIL's 250, read as 550
    CHECK(client.session.recipients()[0].reply.code == 550);
    CHECK(seen == std::vector<std::string>{"220", "250", "250"});
}

TEST_CASE("the command hook sees each line with its CRLF, AUTH's and BDAT's too",
          "[seams][client]") {
    std::vector<std::string> lines;
    TestHooks hooks;
    hooks.on_command = [&lines](std::string& line) {
        lines.push_back(line);
        if (line.starts_with("RCPT ")) line = "RCPT TO:<carol@example.test>\n";
    };
    ClientHarness client(with_hooks(hooks, with_plain_auth()));
    client.greet({"AUTH PLAIN", "CHUNKING"});
    client.feed(235);
    CHECK(client.feed(250) == Texts{"RCPT TO:<bob@example.test>"});  // the trace's text
    CHECK(client.last.commands[0].bytes == "RCPT TO:<carol@example.test>\n");
    client.feed(250);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "EHLO localhost\r\n");
    CHECK(lines[1].starts_with("AUTH PLAIN "));
    CHECK(lines[4] == "BDAT 25 LAST\r\n");
}

TEST_CASE("the data hook sees DATA's data stuffed and ended, and each BDAT chunk before its size",
          "[seams][client]") {
    std::vector<std::string> seen;
    TestHooks hooks;
    hooks.on_data = [&seen](std::string& data) {
        seen.push_back(data);
        data += "!";
    };
    ClientHarness data(with_hooks(hooks), {"bob@example.test"}, ".dot\r\n");
    data.greet();
    data.feed(250);
    data.feed(250);
    data.feed(354);
    CHECK(data.last.commands[0].bytes == "..dot\r\n.\r\n!");

    ClientHarness chunked(with_hooks(hooks), {"bob@example.test"}, ".dot\r\n");
    chunked.greet({"CHUNKING"});
    chunked.feed(250);
    chunked.feed(250);
    CHECK(chunked.last.commands[0].bytes == "BDAT 7 LAST\r\n.dot\r\n!");  // 6 + 1
    CHECK(seen == std::vector<std::string>{"..dot\r\n.\r\n", ".dot\r\n"});
}

TEST_CASE("each decision of the session can be overturned", "[seams][client]") {
    SECTION("pipeline: one group without PIPELINING, one command at a time with it") {
        ClientHarness client(with_hooks(overturning(Decision::pipeline, true)));
        client.feed(220);
        CHECK(client.feed(test::ehlo_reply({})) ==
              Texts{"MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.test>", "DATA"});
        ClientHarness lockstep(with_hooks(overturning(Decision::pipeline, false)));
        lockstep.feed(220);
        CHECK(lockstep.feed(test::ehlo_reply({"PIPELINING"})) ==
              Texts{"MAIL FROM:<alice@example.org>"});
    }
    SECTION("say_quit: the session closes without QUIT") {
        ClientHarness client(with_hooks(overturning(Decision::say_quit, false)));
        client.greet();
        client.feed(250);
        client.feed(250);
        client.feed(354);
        CHECK(client.feed(250).empty());
        CHECK(client.last.close);
        CHECK(client.session.done());
        CHECK(client.session.exit_status() == 0);
    }
    SECTION("require_tls: plain text although STARTTLS is required and not offered") {
        client::Settings settings;
        settings.tls = client::TlsMode::starttls_required;
        ClientHarness client(with_hooks(overturning(Decision::require_tls, false), settings));
        client.feed(220);
        CHECK(client.feed(test::ehlo_reply({})) == Texts{"MAIL FROM:<alice@example.org>"});
    }
    SECTION("hello_after_tls: no EHLO after the handshake, the old keywords kept") {
        client::Settings settings;
        settings.tls = client::TlsMode::starttls_required;
        ClientHarness client(with_hooks(overturning(Decision::hello_after_tls, false), settings));
        client.greet({"STARTTLS", "SIZE 1000"});
        CHECK(client.feed(220).empty());
        CHECK(client.last.start_tls);
        CHECK(client.feed_event(client::TlsStarted{}) ==
              Texts{"MAIL FROM:<alice@example.org> SIZE=25"});
    }
    SECTION("authenticate: AUTH once more after 235") {
        ClientHarness client(
            with_hooks(overturning(Decision::authenticate, true), with_plain_auth()));
        client.greet({"AUTH PLAIN"});
        CHECK(client.sent.back() == "AUTH PLAIN <initial response hidden>");
        CHECK(client.feed(235) == Texts{"AUTH PLAIN <initial response hidden>"});
    }
}
