// Unit tests of OAUTHBEARER (RFC 7628 §3: the client message, the JSON error challenge and
// the 0x01 that answers it) and of what all mechanisms share: the factory, the mechanism
// list, and the replies of RFC 4954 §6.
#include <catch2/catch.hpp>

#include <string>

#include "sasl/mechanisms.hpp"
#include "sasl_support.hpp"

namespace {

using namespace ehlo::sasl;
using namespace std::string_literals;
using ehlo::test::challenge;
using ehlo::test::failure;
using ehlo::test::identity;
using ehlo::test::sasl_users;

constexpr std::string_view token = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";

const Tokens& tokens() {
    static const Tokens table = [] {
        Tokens t;
        t.add("user@example.com", std::string(token));
        return t;
    }();
    return table;
}

/// A client message in the shape of the RFC 7628 §4.1 example.
std::string message(std::string_view gs2, std::string_view auth) {
    return std::string(gs2) + "\x01host=server.example.com\x01port=587\x01" + std::string(auth) +
           "\x01\x01";
}

TEST_CASE("OAUTHBEARER accepts a known bearer token", "[sasl][oauthbearer]") {
    OAuthBearerExchange exchange(tokens());
    const auto step =
        begin(exchange,
              base64_encode(message("n,a=user@example.com,", "auth=Bearer " + std::string(token))));
    CHECK(identity(step) == "user@example.com");
}

TEST_CASE("OAUTHBEARER without authzid or initial response", "[sasl][oauthbearer]") {
    OAuthBearerExchange exchange(tokens());
    CHECK(challenge(exchange.start(std::nullopt)).empty());
    CHECK(identity(exchange.next("n,,\x01"
                                 "auth=bearer  " +
                                 std::string(token) + "\x01\x01")) == "user@example.com");
}

TEST_CASE("OAUTHBEARER answers an unknown token with the JSON error, then fails",
          "[sasl][oauthbearer]") {
    OAuthBearerExchange exchange(tokens());
    const std::string error = challenge(exchange.start(message("n,,", "auth=Bearer nope")));
    CHECK(error == R"({"status":"invalid_token"})");
    CHECK(failure(feed(exchange, base64_encode("\x01"))) == Failure::invalid_credentials);
}

TEST_CASE("OAUTHBEARER refuses a token used for another authzid", "[sasl][oauthbearer]") {
    OAuthBearerExchange exchange(tokens());
    challenge(
        exchange.start(message("n,a=admin@example.com,", "auth=Bearer " + std::string(token))));
    CHECK(failure(exchange.next("not the dummy")) == Failure::malformed);
}

TEST_CASE("OAUTHBEARER refuses malformed client messages", "[sasl][oauthbearer]") {
    const std::string auth = "auth=Bearer " + std::string(token);
    const std::string bad[] = {
        ""s,
        "n,," + auth + "\x01\x01",                      // no 0x01 after the header
        "p=tls-unique,,\x01" + auth + "\x01\x01",       // channel binding
        "n,,\x01" + auth + "\x01",                      // no final 0x01
        "n,,\x01" + auth + "\x01\x01\x01",              // one 0x01 too many
        "n,,\x01host=x\x01\x01",                        // no auth
        "n,,\x01" + auth + "\x01" + auth + "\x01\x01",  // two auth
        "n,,\x01"
        "auth=Basic dXNlcjpwYXNz\x01\x01",  // another scheme
        "n,,\x01"
        "auth=Bearer\x01\x01",  // no token
        "n,,\x01"
        "auth=Bearer a b\x01\x01",  // space in the token
        "n,,\x01"
        "h0st=x\x01" +
            auth + "\x01\x01",  // key not letters
        "n,,\x01"
        "host\x01" +
            auth + "\x01\x01",  // no `=`
    };
    for (const auto& text : bad) {
        OAuthBearerExchange exchange(tokens());
        INFO(text);
        CHECK(failure(exchange.start(text)) == Failure::malformed);
    }
}

TEST_CASE("make_exchange knows the mechanisms, in any case", "[sasl][mechanism]") {
    Context context{&sasl_users(), &tokens(), "mx.example.test", "12345", 1700000000};
    for (std::string_view name : mechanism_names(context)) {
        auto exchange = make_exchange(name, context);
        REQUIRE(exchange);
        CHECK(exchange->name() == name);
    }
    CHECK(mechanism_names(context).size() == 5);
    CHECK(make_exchange("scram-sha-256", context));
    CHECK_FALSE(make_exchange("GSSAPI", context));
    CHECK_FALSE(make_exchange("SCRAM-SHA-256-PLUS", context));

    auto cram = make_exchange("CRAM-MD5", context);
    CHECK(challenge(cram->start(std::nullopt)) == "<12345.1700000000@mx.example.test>");

    Context no_tokens{&sasl_users(), nullptr, "h", "r", 0};
    CHECK_FALSE(make_exchange("OAUTHBEARER", no_tokens));
    CHECK(mechanism_names(no_tokens).size() == 4);
    CHECK(mechanism_names(Context{}).empty());
}

TEST_CASE("clear-text mechanisms are marked", "[sasl][mechanism]") {
    CHECK(sends_password_in_clear("PLAIN"));
    CHECK(sends_password_in_clear("login"));
    CHECK_FALSE(sends_password_in_clear("SCRAM-SHA-256"));
    CHECK_FALSE(sends_password_in_clear("CRAM-MD5"));
}

TEST_CASE("failures map to the replies of RFC 4954 §4 and RFC 4954 §6", "[sasl][mechanism]") {
    CHECK(reply_for(Failure::invalid_credentials).code == 535);
    CHECK(reply_for(Failure::invalid_credentials).enhanced == "5.7.8");
    CHECK(reply_for(Failure::too_weak).code == 534);
    CHECK(reply_for(Failure::encryption_required).code == 538);
    CHECK(reply_for(Failure::encryption_required).enhanced == "5.7.11");
    CHECK(reply_for(Failure::temporary).code == 454);
    CHECK(reply_for(Failure::temporary).enhanced == "4.7.0");
    CHECK(reply_for(Failure::malformed).code == 501);
    CHECK(reply_for(Failure::bad_base64).enhanced == "5.5.2");
    CHECK(reply_for(Failure::cancelled).code == 501);
    CHECK(reply_for(Failure::too_long).code == 500);
    CHECK(reply_for(Failure::too_long).enhanced == "5.5.6");
}

}  // namespace
