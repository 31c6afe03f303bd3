// The test seam of server::Connection (server/connection_hooks.hpp, made by
// Policy::make_hooks), in the server libraries built with EHLO_TEST_SEAMS: without hooks
// nothing changes and the input is not copied; the default hooks change nothing; each hook sees
// and may change what it is given; each connection gets hooks of its own.
#include <catch2/catch.hpp>

#include "server_harness.hpp"

using namespace ehlo;

namespace {

/// Hooks that log what they see and change what the test asks.
class RecordingHooks final : public server::ConnectionHooks {
  public:
    explicit RecordingHooks(std::vector<std::string>& log) : log_(log) {}

    void received(const server::Session&, std::string& bytes) override {
        log_.push_back("received " + bytes);
        if (bytes == "PING\r\n") bytes = "NOOP\r\n";
    }
    server::Outcome step(server::Session& session, server::Event event,
                         const server::Policy& policy) override {
        server::Outcome outcome = server::step(session, std::move(event), policy);
        if (outcome.reply && outcome.reply->id == protocol::ReplyId::reset_ok) {
            outcome.reply->code = 299;
        }
        return outcome;
    }
    void replying(const server::Session&, std::string& text) override {
        log_.push_back("replying " + text);
    }

  private:
    std::vector<std::string>& log_;
};

/// The replies to one read, with the hooks' input filter applied as the driver applies it.
std::string send_filtered(test::Harness& harness, std::string_view bytes) {
    std::string storage;
    return harness.send(harness.connection().filter_input(bytes, storage));
}

}  // namespace

TEST_CASE("without hooks the input is passed on as it is, not copied") {
    test::Harness harness;
    harness.start();
    std::string storage;
    std::string_view input = "NOOP\r\n";
    std::string_view filtered = harness.connection().filter_input(input, storage);
    CHECK(filtered.data() == input.data());
    CHECK(storage.empty());
}

TEST_CASE("the default hooks change nothing") {
    server::Policy policy = test::Harness::default_policy();
    policy.make_hooks = [] { return std::make_unique<server::ConnectionHooks>(); };
    test::Harness hooked(policy);
    test::Harness plain;
    CHECK(hooked.start() == plain.start());
    const std::string session =
        "EHLO client.example.org\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\n"
        "DATA\r\n";
    CHECK(send_filtered(hooked, session) == plain.send(session));
    CHECK(send_filtered(hooked, "Hi\r\n.\r\nQUIT\r\n") == plain.send("Hi\r\n.\r\nQUIT\r\n"));
    CHECK(hooked.stored().size() == 1);
    CHECK(hooked.closed());
}

TEST_CASE("hooks rewrite the input, the outcome of a step and see each reply") {
    std::vector<std::string> log;
    server::Policy policy = test::Harness::default_policy();
    policy.make_hooks = [&log] { return std::make_unique<RecordingHooks>(log); };
    test::Harness harness(policy);
    harness.start();
    REQUIRE(log.size() == 1);
    CHECK(log[0].rfind("replying 220 ", 0) == 0);

    CHECK(send_filtered(harness, "PING\r\n").rfind("250 ", 0) == 0);  // read as NOOP
    CHECK(log[1] == "received PING\r\n");
    CHECK(send_filtered(harness, "RSET\r\n").rfind("299 ", 0) == 0);
    CHECK(log.back().rfind("replying 299 ", 0) == 0);
}

TEST_CASE("each connection gets hooks of its own") {
    int made = 0;
    server::Policy policy = test::Harness::default_policy();
    policy.make_hooks = [&made] {
        ++made;
        return std::make_unique<server::ConnectionHooks>();
    };
    test::Harness first(policy);
    test::Harness second(policy);
    CHECK(made == 2);
}
