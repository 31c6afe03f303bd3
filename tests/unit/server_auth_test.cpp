// Unit tests of the server's AUTH rules (server/auth.hpp), without the session around them:
// the mechanisms offered before and after TLS (RFC 4954 §4), the refusals before an exchange
// (RFC 4954 §4, RFC 4954 §6), each mechanism driven to success and to failure through start_auth()
// and continue_auth() (PLAIN RFC 4616, LOGIN, CRAM-MD5 RFC 2195, SCRAM-SHA-256 RFC 7677,
// OAUTHBEARER RFC 7628), `*`, bad base64, `=`, an over-long line, the submission rule
// (RFC 6409 §4.3) and the AUTH= parameter of MAIL (RFC 4954 §5). The dialogue over the wire is
// tested in server_auth_session_test.cpp.
#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "sasl/crypto.hpp"
#include "server/auth.hpp"
#include "server_auth_support.hpp"

using ehlo::protocol::AuthArguments;
using ehlo::protocol::Verb;
using ehlo::sasl::Failure;
using ehlo::server::AuthFacts;
using ehlo::server::AuthRefusal;
using ehlo::server::AuthSettings;
using ehlo::server::AuthState;
using ehlo::test::auth_settings;
using ehlo::test::challenge;
using ehlo::test::failure;
using ehlo::test::identity;
using ehlo::test::scram_client_final;
using Names = std::vector<std::string_view>;

namespace {

using namespace std::string_literals;

const ehlo::server::AuthPlace place{"mx.example.test", 1795313370};

ehlo::sasl::Step start(AuthState& state, const AuthSettings& settings, std::string mechanism,
                       std::optional<std::string> initial = std::nullopt) {
    return ehlo::server::start_auth(state, settings, AuthArguments{mechanism, initial}, place);
}

ehlo::sasl::Step next(AuthState& state, std::string_view decoded) {
    return ehlo::server::continue_auth(state, ehlo::sasl::base64_encode(decoded));
}

std::string b64(std::string_view text) {
    return ehlo::sasl::base64_encode(text);
}

}  // namespace

TEST_CASE("before TLS only mechanisms that keep the secret off the wire are offered",
          "[auth][offer]") {
    const AuthSettings settings = auth_settings();
    CHECK(ehlo::server::offered_mechanisms(settings, false) == Names{"SCRAM-SHA-256", "CRAM-MD5"});
    CHECK(ehlo::server::offered_mechanisms(settings, true) ==
          Names{"SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN", "OAUTHBEARER"});
    CHECK(ehlo::server::auth_keyword(settings, false) == "AUTH SCRAM-SHA-256 CRAM-MD5");
    CHECK(ehlo::server::auth_keyword(settings, true) ==
          "AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN OAUTHBEARER");
}

TEST_CASE("allow_plaintext offers every mechanism before TLS", "[auth][offer]") {
    AuthSettings settings = auth_settings();
    settings.allow_plaintext = true;
    CHECK(ehlo::server::offered_mechanisms(settings, false) ==
          ehlo::server::offered_mechanisms(settings, true));
}

TEST_CASE("the offer follows the stores that are loaded", "[auth][offer]") {
    AuthSettings tokens_only = auth_settings();
    tokens_only.users.reset();
    CHECK(ehlo::server::offered_mechanisms(tokens_only, true) == Names{"OAUTHBEARER"});
    CHECK_FALSE(ehlo::server::auth_keyword(tokens_only, false));  // nothing to offer in clear
    AuthSettings none;
    CHECK_FALSE(none.enabled());
    CHECK_FALSE(ehlo::server::auth_keyword(none, true));
    CHECK(ehlo::server::exposes_secret("plain"));
    CHECK(ehlo::server::exposes_secret("OAuthBearer"));
    CHECK_FALSE(ehlo::server::exposes_secret("CRAM-MD5"));
    CHECK_FALSE(ehlo::server::exposes_secret("SCRAM-SHA-256"));
}

TEST_CASE("refuse_auth: the rules before an exchange", "[auth][refuse]") {
    const AuthSettings settings = auth_settings();
    const AuthFacts clear{.extended = true, .tls = false, .authenticated = false};
    const AuthFacts tls{.extended = true, .tls = true, .authenticated = false};
    using ehlo::server::refuse_auth;
    CHECK(refuse_auth(AuthSettings{}, tls, "PLAIN") == AuthRefusal::not_offered);
    CHECK(refuse_auth(settings, {.extended = false, .tls = true}, "PLAIN") ==
          AuthRefusal::need_ehlo);
    CHECK(refuse_auth(settings, {.extended = true, .tls = true, .authenticated = true}, "PLAIN") ==
          AuthRefusal::already_authenticated);
    CHECK(refuse_auth(settings, tls, "DIGEST-MD5") == AuthRefusal::unknown_mechanism);
    CHECK(refuse_auth(settings, tls, "GSSAPI") == AuthRefusal::unknown_mechanism);
    CHECK(refuse_auth(settings, clear, "PLAIN") == AuthRefusal::encryption_required);
    CHECK(refuse_auth(settings, clear, "login") == AuthRefusal::encryption_required);
    CHECK(refuse_auth(settings, clear, "OAUTHBEARER") == AuthRefusal::encryption_required);
    CHECK_FALSE(refuse_auth(settings, clear, "SCRAM-SHA-256"));
    CHECK_FALSE(refuse_auth(settings, clear, "cram-md5"));
    CHECK_FALSE(refuse_auth(settings, tls, "PLAIN"));
    AuthSettings no_tokens = auth_settings();
    no_tokens.tokens.reset();
    CHECK(refuse_auth(no_tokens, tls, "OAUTHBEARER") == AuthRefusal::unknown_mechanism);
    AuthSettings lax = auth_settings();
    lax.allow_plaintext = true;
    CHECK_FALSE(refuse_auth(lax, clear, "PLAIN"));
}

TEST_CASE("PLAIN with an initial response succeeds in one step", "[auth][plain]") {
    AuthState state;
    CHECK(identity(start(state, auth_settings(), "PLAIN", b64("\0alice\0wonderland"s))) == "alice");
    CHECK(state.identity == "alice");
    CHECK_FALSE(state.in_exchange());
}

TEST_CASE("PLAIN without an initial response asks with an empty 334", "[auth][plain]") {
    AuthState state;
    const auto first = start(state, auth_settings(), "plain");
    CHECK(challenge(first).empty());
    CHECK(ehlo::server::challenge_text(std::get<ehlo::sasl::Challenge>(first)).empty());
    CHECK(state.in_exchange());
    CHECK(identity(next(state, "alice\0alice\0wonderland"s)) == "alice");
}

TEST_CASE("PLAIN failures", "[auth][plain]") {
    AuthState state;
    CHECK(failure(start(state, auth_settings(), "PLAIN", b64("\0alice\0wrong"s))) ==
          Failure::invalid_credentials);
    CHECK(failure(start(state, auth_settings(), "PLAIN", b64("\0nobody\0wonderland"s))) ==
          Failure::invalid_credentials);
    CHECK(failure(start(state, auth_settings(), "PLAIN", b64("bob\0alice\0wonderland"s))) ==
          Failure::invalid_credentials);  // no proxy rights
    CHECK(failure(start(state, auth_settings(), "PLAIN", "=")) == Failure::malformed);
    CHECK(failure(start(state, auth_settings(), "PLAIN", "AGFsaWNl*")) == Failure::bad_base64);
    CHECK(failure(start(state, auth_settings(), "PLAIN", "=AAA")) == Failure::bad_base64);
    CHECK_FALSE(state.authenticated());
    CHECK_FALSE(state.in_exchange());
}

TEST_CASE("LOGIN asks for the user name, then the password", "[auth][login]") {
    AuthState state;
    const auto first = start(state, auth_settings(), "LOGIN");
    CHECK(ehlo::server::challenge_text(std::get<ehlo::sasl::Challenge>(first)) == "VXNlcm5hbWU6");
    const auto second = next(state, "bob");
    CHECK(ehlo::server::challenge_text(std::get<ehlo::sasl::Challenge>(second)) == "UGFzc3dvcmQ6");
    CHECK(identity(next(state, "builder")) == "bob");
}

TEST_CASE("LOGIN with the user name as initial response, and a wrong password", "[auth][login]") {
    AuthState state;
    CHECK(challenge(start(state, auth_settings(), "LOGIN", b64("bob"))) == "Password:");
    CHECK(failure(next(state, "wrong")) == Failure::invalid_credentials);
    CHECK_FALSE(state.authenticated());
}

TEST_CASE("CRAM-MD5 challenges with the random text, the time and the host name",
          "[auth][cram-md5]") {
    AuthState state;
    const std::string sent = challenge(start(state, auth_settings(), "CRAM-MD5"));
    CHECK(sent == "<fixedrandom.1795313370@mx.example.test>");
    const std::string digest = ehlo::sasl::to_hex(ehlo::sasl::hmac_md5("wonderland", sent));
    CHECK(identity(next(state, "alice " + digest)) == "alice");
}

TEST_CASE("CRAM-MD5 failures", "[auth][cram-md5]") {
    AuthState state;
    const std::string sent = challenge(start(state, auth_settings(), "CRAM-MD5"));
    CHECK(failure(next(state, "alice " + std::string(32, '0'))) == Failure::invalid_credentials);
    // bob has no CRAM-MD5 secret: refused like a wrong digest.
    challenge(start(state, auth_settings(), "CRAM-MD5"));
    const std::string digest = ehlo::sasl::to_hex(ehlo::sasl::hmac_md5("builder", sent));
    CHECK(failure(next(state, "bob " + digest)) == Failure::invalid_credentials);
    // The server speaks first: an initial response is refused with 501 5.7.0 (RFC 4954 §4).
    CHECK(failure(start(state, auth_settings(), "CRAM-MD5", b64("alice"))) ==
          Failure::unexpected_initial);
}

TEST_CASE("SCRAM-SHA-256 runs to success with a proof computed as a client would",
          "[auth][scram]") {
    AuthState state;
    const std::string client_first = "n,,n=alice,r=clientnonce";
    const std::string server_first =
        challenge(start(state, auth_settings(), "SCRAM-SHA-256", b64(client_first)));
    CHECK(server_first.starts_with("r=clientnoncefixedrandom,s="));
    const auto [final_message, signature] =
        scram_client_final(client_first, server_first, "wonderland");
    CHECK(challenge(next(state, final_message)) == "v=" + b64(signature));
    CHECK(identity(next(state, "")) == "alice");
    CHECK(state.identity == "alice");
}

TEST_CASE("SCRAM-SHA-256 refuses a wrong password and an unknown user alike", "[auth][scram]") {
    for (std::string user : {"alice", "mallory"}) {
        AuthState state;
        const std::string client_first = "n,,n=" + user + ",r=clientnonce";
        const std::string server_first =
            challenge(start(state, auth_settings(), "SCRAM-SHA-256", b64(client_first)));
        const auto final_message = scram_client_final(client_first, server_first, "guess").first;
        CHECK(failure(next(state, final_message)) == Failure::invalid_credentials);
        CHECK_FALSE(state.in_exchange());
    }
}

TEST_CASE("OAUTHBEARER: a known token succeeds, an unknown one gets the JSON challenge",
          "[auth][oauthbearer]") {
    AuthState state;
    const auto message = [](std::string_view token) {
        return "n,a=carol,\x01"
               "auth=Bearer "s +
               std::string(token) + "\x01\x01";
    };
    CHECK(identity(start(state, auth_settings(), "OAUTHBEARER", b64(message("t0ken-c4rol")))) ==
          "carol");
    AuthState other;
    CHECK(challenge(start(other, auth_settings(), "OAUTHBEARER", b64(message("forged")))) ==
          R"({"status":"invalid_token"})");
    CHECK(failure(next(other, "\x01")) == Failure::invalid_credentials);
}

TEST_CASE("`*` cancels any exchange with 501 (RFC 4954 §4)", "[auth][cancel]") {
    for (std::string mechanism : {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256", "OAUTHBEARER"}) {
        AuthState state;
        challenge(start(state, auth_settings(), mechanism));
        CHECK(failure(ehlo::server::continue_auth(state, "*")) == Failure::cancelled);
        CHECK_FALSE(state.in_exchange());
        CHECK_FALSE(state.authenticated());
    }
}

TEST_CASE("continuation lines: bad base64, over-long, none expected", "[auth][lines]") {
    AuthState state;
    challenge(start(state, auth_settings(), "PLAIN"));
    CHECK(failure(ehlo::server::continue_auth(state, "not base64!")) == Failure::bad_base64);
    challenge(start(state, auth_settings(), "PLAIN"));
    const std::string huge(ehlo::sasl::max_response_line + 4, 'A');
    CHECK(failure(ehlo::server::continue_auth(state, huge)) == Failure::too_long);
    challenge(start(state, auth_settings(), "LOGIN"));
    CHECK(failure(ehlo::server::fail_auth(state, Failure::too_long)) == Failure::too_long);
    CHECK_FALSE(state.in_exchange());
    CHECK(failure(ehlo::server::continue_auth(state, "AAAA")) == Failure::malformed);
}

TEST_CASE("no randomness, no exchange: a temporary failure", "[auth][random]") {
    AuthSettings settings = auth_settings();
    settings.random = [] { return std::string(); };
    AuthState state;
    CHECK(failure(start(state, settings, "CRAM-MD5")) == Failure::temporary);
    CHECK_FALSE(state.in_exchange());
    const std::string text = ehlo::server::openssl_random_text();
    CHECK(text.size() == 24);
    CHECK(text.find_first_of(",@<>=") == std::string::npos);
    CHECK(text != ehlo::server::openssl_random_text());
}

TEST_CASE("a submission listener holds MAIL until AUTH (RFC 6409 §4.3)", "[auth][submission]") {
    AuthSettings settings = auth_settings();
    AuthState state;
    CHECK_FALSE(ehlo::server::needs_auth_first(settings, state, Verb::mail));
    settings.required = true;
    CHECK(ehlo::server::needs_auth_first(settings, state, Verb::mail));
    for (Verb verb : {Verb::ehlo, Verb::helo, Verb::noop, Verb::rset, Verb::quit, Verb::help}) {
        CHECK_FALSE(ehlo::server::needs_auth_first(settings, state, verb));
    }
    state.identity = "alice";
    CHECK_FALSE(ehlo::server::needs_auth_first(settings, state, Verb::mail));
}

TEST_CASE("the AUTH= parameter of MAIL (RFC 4954 §5)", "[auth][mail]") {
    const AuthSettings settings = auth_settings();
    using ehlo::server::accepts_auth_parameter;
    CHECK(accepts_auth_parameter(settings, "<>"));
    CHECK(accepts_auth_parameter(settings, "e+3Dmc2@example.com"));
    CHECK(accepts_auth_parameter(settings, "alice@example.test"));
    CHECK_FALSE(accepts_auth_parameter(settings, "alice"));
    CHECK_FALSE(accepts_auth_parameter(settings, "+3"));
    CHECK_FALSE(accepts_auth_parameter(AuthSettings{}, "<>"));  // not offered: not known
}

TEST_CASE("hash_password_line makes a users-file line that verifies", "[auth][users]") {
    const std::string line = ehlo::server::hash_password_line("dave", "s3cret pass", true);
    CHECK(line.starts_with("dave SCRAM-SHA-256$4096:"));
    CHECK(line.find("s3cret") == std::string::npos);  // CRAM-MD5 stores it base64, not in clear
    const auto file = ehlo::sasl::parse_users(line);
    REQUIRE(file.errors.empty());
    CHECK(file.users.verify_password("dave", "s3cret pass"));
    CHECK_FALSE(file.users.verify_password("dave", "s3cret"));
    CHECK(file.users.find("dave")->cram_md5_secret == "s3cret pass");
    CHECK(ehlo::server::hash_password_line("dave", "x").find("CRAM-MD5") == std::string::npos);
    CHECK(ehlo::server::hash_password_line("dave", "x") !=
          ehlo::server::hash_password_line("dave", "x"));  // a fresh salt each time
    CHECK_THROWS_WITH(ehlo::server::hash_password_line("two words", "x"),
                      "a user name cannot hold a space or a tab");
    CHECK_THROWS(ehlo::server::hash_password_line("", "x"));
    CHECK_THROWS(ehlo::server::hash_password_line("dave", ""));
}
