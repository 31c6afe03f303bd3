// Unit tests of STARTTLS (RFC 3207 §4, RFC 3207 §4.2: EHLO again, old keywords forgotten) and AUTH
// (RFC 4954 §4, RFC 4954 §6) in client::step, and of the client mechanisms against the server-side
// mechanisms of sasl/ in memory: PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), SCRAM-SHA-256
// (RFC 7677, RFC 5802, with the server's signature checked) and OAUTHBEARER (RFC 7628).
#include "client_harness.hpp"

#include "sasl/base64.hpp"
#include "sasl/client_mechanisms.hpp"
#include "sasl/credentials.hpp"
#include "sasl/mechanism.hpp"

using namespace ehlo;
using ehlo::test::ClientHarness;
using ehlo::test::Texts;

namespace {

client::Settings starttls(client::TlsMode mode) {
    client::Settings settings;
    settings.tls = mode;
    return settings;
}

client::Settings with_auth(std::string mechanism = {}, std::string password = "wonderland") {
    client::Settings settings;
    settings.authenticate = true;
    settings.auth_mechanism = std::move(mechanism);
    settings.make_mechanism = [password](std::string_view name) {
        sasl::ClientCredentials credentials{"alice", password, "token-of-alice", "mx", 25};
        return sasl::make_client_mechanism(name, credentials, "clientnonce");
    };
    return settings;
}

const sasl::Credentials& users() {
    static const sasl::Credentials table = [] {
        sasl::Credentials c;
        c.add(sasl::make_user_record("alice", "wonderland", "salt-of-alice", 4096, true));
        return c;
    }();
    return table;
}

const sasl::Tokens& tokens() {
    static const sasl::Tokens table = [] {
        sasl::Tokens t;
        t.add("alice", "token-of-alice");
        return t;
    }();
    return table;
}

/// Runs the client mechanism `name` against the server's exchange for it; true when the
/// server authenticated "alice" and the client accepted the server.
bool authenticates(const std::string& name, const std::string& password) {
    sasl::Context context{&users(), &tokens(), "mx.example.test", "servernonce", 1700000000};
    auto server = sasl::make_exchange(name, context);
    REQUIRE(server);
    sasl::ClientCredentials credentials{"alice", password, "token-of-alice", "mx.example.test", 25};
    auto client = sasl::make_client_mechanism(name, credentials, "clientnonce");
    REQUIRE(client);
    auto initial = client->initial_response();
    sasl::Step step =
        server->start(initial ? std::optional<std::string_view>(*initial) : std::nullopt);
    for (int round = 0; round < 5; ++round) {
        if (auto* success = std::get_if<sasl::Success>(&step))
            return success->identity == "alice" && client->server_verified();
        if (std::holds_alternative<sasl::Failed>(step)) return false;
        auto response = client->respond(std::get<sasl::Challenge>(step).bytes);
        if (!response) return false;
        step = server->next(*response);
    }
    return false;
}

}  // namespace

TEST_CASE("client mechanisms authenticate against the server's mechanisms", "[client][auth]") {
    for (const char* name : {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256"}) {
        INFO(name);
        CHECK(authenticates(name, "wonderland"));
        CHECK_FALSE(authenticates(name, "wrong"));
    }
    CHECK(authenticates("OAUTHBEARER", ""));
}

TEST_CASE("SCRAM: a server that does not know the password is caught", "[client][auth]") {
    auto client = sasl::make_client_mechanism("SCRAM-SHA-256", {"alice", "pw", "", "", 0}, "cn");
    CHECK(client->initial_response() == "n,,n=alice,r=cn");
    CHECK_FALSE(client->respond("r=other,s=c2FsdA==,i=4096"));  // nonce not ours
    auto again = sasl::make_client_mechanism("SCRAM-SHA-256", {"alice", "pw", "", "", 0}, "cn");
    again->initial_response();
    REQUIRE(again->respond("r=cnXY,s=c2FsdA==,i=4096"));
    CHECK_FALSE(again->respond("v=" + sasl::base64_encode(std::string(32, 'x'))));
    CHECK_FALSE(again->server_verified());
}

TEST_CASE("client mechanisms need their secret; names are matched without case", "[client][auth]") {
    CHECK_FALSE(sasl::make_client_mechanism("PLAIN", {"a", "", "", "", 0}, "n"));
    CHECK_FALSE(sasl::make_client_mechanism("XOAUTH2", {"a", "pw", "", "", 0}, "n"));
    CHECK_FALSE(sasl::make_client_mechanism("GSSAPI", {"a", "pw", "t", "", 0}, "n"));
    REQUIRE(sasl::make_client_mechanism("plain", {"a", "pw", "", "", 0}, "n"));
    auto xoauth = sasl::make_client_mechanism("xoauth2", {"a", "", "tok", "", 0}, "n");
    CHECK(xoauth->initial_response() ==
          "user=a\x01"
          "auth=Bearer tok\x01\x01");
    CHECK(sasl::encode_saslname("a=b,c") == "a=3Db=2Cc");
}

TEST_CASE("STARTTLS: 220, handshake, EHLO again with the old keywords forgotten", "[client][tls]") {
    ClientHarness client(starttls(client::TlsMode::starttls_required));
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"STARTTLS", "PIPELINING"})) == Texts{"STARTTLS"});
    CHECK(client.feed(220).empty());
    CHECK(client.last.start_tls);
    CHECK(client.feed_event(client::TlsStarted{}) == Texts{"EHLO localhost"});
    CHECK(client.session.tls_active());
    CHECK_FALSE(client.session.extensions().pipelining);
    CHECK(client.feed(test::ehlo_reply({})) == Texts{"MAIL FROM:<alice@example.org>"});
}

TEST_CASE("STARTTLS required but not offered or refused: nothing is sent", "[client][tls]") {
    ClientHarness absent(starttls(client::TlsMode::starttls_required));
    absent.feed(220);
    CHECK(absent.feed(test::ehlo_reply({})) == Texts{"QUIT"});
    absent.feed(221);
    CHECK(absent.session.failure() == client::Failure::tls);
    CHECK(absent.session.exit_status() == client::exit_code::unavailable);
    ClientHarness refused(starttls(client::TlsMode::starttls_required));
    refused.feed(220);
    refused.feed(test::ehlo_reply({"STARTTLS"}));
    CHECK(refused.feed(454, {"4.7.0 TLS not available"}) == Texts{"QUIT"});
}

TEST_CASE("STARTTLS opportunistic: plain text with a warning when not offered", "[client][tls]") {
    ClientHarness absent(starttls(client::TlsMode::starttls_opportunistic));
    absent.feed(220);
    CHECK(absent.feed(test::ehlo_reply({})) == Texts{"MAIL FROM:<alice@example.org>"});
    CHECK(absent.session.warnings().size() == 1);
    ClientHarness refused(starttls(client::TlsMode::starttls_opportunistic));
    refused.feed(220);
    refused.feed(test::ehlo_reply({"STARTTLS"}));
    CHECK(refused.feed(454) == Texts{"MAIL FROM:<alice@example.org>"});
}

TEST_CASE("implicit TLS: the session starts encrypted and sends no STARTTLS", "[client][tls]") {
    ClientHarness client(starttls(client::TlsMode::implicit));
    CHECK(client.session.tls_active());
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"STARTTLS"})) == Texts{"MAIL FROM:<alice@example.org>"});
}

TEST_CASE("AUTH: the strongest common mechanism, secrets hidden from the trace", "[client][auth]") {
    ClientHarness client(with_auth());
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"AUTH LOGIN PLAIN CRAM-MD5"})) == Texts{"AUTH CRAM-MD5"});
    auto sent = client.feed(334, {sasl::base64_encode("<1.2@mx>")});
    CHECK(sent == Texts{"<response hidden>"});
    CHECK(client.feed(235) == Texts{"MAIL FROM:<alice@example.org>"});
    CHECK(client.session.authenticated());
    ClientHarness plain(with_auth());
    plain.feed(220);
    CHECK(plain.feed(test::ehlo_reply({"AUTH PLAIN"})) ==
          Texts{"AUTH PLAIN <initial response hidden>"});
    CHECK(plain.last.commands[0].bytes ==
          "AUTH PLAIN " + sasl::base64_encode(std::string("\0alice\0wonderland", 17)) + "\r\n");
}

TEST_CASE("AUTH refused, not offered, or without a common mechanism", "[client][auth]") {
    ClientHarness refused(with_auth("PLAIN"));
    refused.greet({"AUTH PLAIN"});
    CHECK(refused.feed(535, {"5.7.8 bad credentials"}) == Texts{"QUIT"});
    refused.feed(221);
    CHECK(refused.session.exit_status() == client::exit_code::no_permission);
    ClientHarness absent(with_auth());
    absent.greet({});
    CHECK(absent.sent.back() == "QUIT");
    CHECK(absent.session.failure() == client::Failure::auth);
    ClientHarness none(with_auth("SCRAM-SHA-256"));
    none.greet({"AUTH PLAIN"});
    CHECK(none.session.failure_reason().find("AUTH PLAIN") != std::string::npos);
    ClientHarness busy(with_auth("PLAIN"));
    busy.greet({"AUTH PLAIN"});
    busy.feed(454);
    busy.feed(221);
    CHECK(busy.session.exit_status() == client::exit_code::temporary);
}

TEST_CASE("AUTH: a challenge that is no base64 is cancelled with *", "[client][auth]") {
    ClientHarness client(with_auth("LOGIN"));
    client.greet({"AUTH LOGIN"});
    CHECK(client.feed(334, {"not base64!"}) == Texts{"*"});
    CHECK(client.feed(501) == Texts{"QUIT"});
}
