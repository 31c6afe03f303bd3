// Unit tests of the SCRAM-SHA-256 exchange: the example of RFC 7677 §3 reproduced octet for
// octet, then the failures of RFC 5802 §5 and RFC 5802 §7 (wrong proof, unknown user that must look
// like a known one, nonce and channel-binding mismatches, `m=`, authzid, ordering).
#include <catch2/catch.hpp>

#include "sasl/crypto.hpp"
#include "sasl/mechanisms.hpp"
#include "sasl_support.hpp"

namespace {

using namespace ehlo::sasl;
using ehlo::test::challenge;
using ehlo::test::failure;
using ehlo::test::identity;

// RFC 7677 §3: user "user", password "pencil", salt and nonces as given there.
constexpr std::string_view server_nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view client_first = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view client_final =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

const Credentials& rfc7677_users() {
    static const Credentials users = [] {
        Credentials c;
        c.add(make_user_record("user", "pencil", *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==")));
        return c;
    }();
    return users;
}

ScramSha256Exchange rfc7677_exchange() {
    return ScramSha256Exchange(rfc7677_users(), std::string(server_nonce));
}

/// The client-final message with a different proof, still 32 octets.
std::string with_proof(std::string_view proof) {
    std::string message(client_final.substr(0, client_final.rfind(",p=")));
    return message + ",p=" + base64_encode(proof);
}

TEST_CASE("SCRAM-SHA-256 reproduces the RFC 7677 §3 example", "[sasl][scram]") {
    auto exchange = rfc7677_exchange();
    CHECK(challenge(exchange.start(client_first)) == server_first);
    CHECK(challenge(exchange.next(client_final)) == server_final);
    CHECK(identity(exchange.next("")) == "user");
    CHECK(failure(exchange.next("")) == Failure::malformed);  // the exchange is over
}

TEST_CASE("SCRAM-SHA-256 without an initial response starts with an empty challenge",
          "[sasl][scram]") {
    auto exchange = rfc7677_exchange();
    CHECK(challenge(exchange.start(std::nullopt)).empty());
    CHECK(challenge(exchange.next(client_first)) == server_first);
    CHECK(challenge(exchange.next(client_final)) == server_final);
    CHECK(identity(exchange.next("")) == "user");
}

TEST_CASE("SCRAM-SHA-256 runs through begin() and feed() with base64 lines", "[sasl][scram]") {
    auto exchange = rfc7677_exchange();
    CHECK(challenge(begin(exchange, base64_encode(client_first))) == server_first);
    CHECK(challenge(feed(exchange, base64_encode(client_final))) == server_final);
    CHECK(identity(feed(exchange, "")) == "user");
}

TEST_CASE("SCRAM-SHA-256 refuses a wrong proof", "[sasl][scram]") {
    auto exchange = rfc7677_exchange();
    challenge(exchange.start(client_first));
    CHECK(failure(exchange.next(with_proof(std::string(32, 'x')))) == Failure::invalid_credentials);
}

TEST_CASE("SCRAM-SHA-256 enrolment from the password gives a working record", "[sasl][scram]") {
    const auto record =
        make_user_record("user", "pencil", *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="));
    const auto salted = pbkdf2_sha256("pencil", record.salt, 4096);
    CHECK(scram_keys(salted).stored_key == record.stored_key);
    CHECK(record.iterations == 4096);
}

TEST_CASE("SCRAM-SHA-256 hides whether a user exists", "[sasl][scram]") {
    ScramSha256Exchange first(rfc7677_users(), "NONCE");
    ScramSha256Exchange again(rfc7677_users(), "NONCE");
    const std::string server_first_1 = challenge(first.start("n,,n=nobody,r=abc"));
    const std::string server_first_2 = challenge(again.start("n,,n=nobody,r=abc"));
    CHECK(server_first_1 == server_first_2);  // the same made-up salt each time
    CHECK(server_first_1.starts_with("r=abcNONCE,s="));
    CHECK(server_first_1.ends_with(",i=4096"));
    const std::string final_message = "c=biws,r=abcNONCE,p=" + base64_encode(std::string(32, 'x'));
    CHECK(failure(first.next(final_message)) == Failure::invalid_credentials);
}

TEST_CASE("SCRAM-SHA-256 refuses malformed client-first messages", "[sasl][scram]") {
    const char* bad[] = {
        "",                            // nothing
        "n,,r=abc",                    // no username
        "n,,n=user",                   // no nonce
        "n,,n=user,r=",                // empty nonce
        "n,,r=abc,n=user",             // wrong order
        "p=tls-unique,,n=user,r=abc",  // channel binding, not offered
        "x,,n=user,r=abc",             // unknown flag
        "n,,m=ext,n=user,r=abc",       // mandatory extension
        "n,,n=us=er,r=abc",            // bad saslname escape
        "n,b=x,n=user,r=abc",          // not an authzid
        "n,,n=user,r=a\x7f",           // nonce not printable
    };
    for (const char* message : bad) {
        auto exchange = rfc7677_exchange();
        INFO(message);
        CHECK(failure(exchange.start(std::string_view(message))) == Failure::malformed);
    }
}

TEST_CASE("SCRAM-SHA-256 decodes saslname escapes and accepts y and extensions", "[sasl][scram]") {
    ScramSha256Exchange exchange(rfc7677_users(), "N");
    CHECK(challenge(exchange.start("y,,n=us=2Cer=3D,r=abc,x=ext")).starts_with("r=abcN,s="));
}

TEST_CASE("SCRAM-SHA-256 refuses to act for another authzid", "[sasl][scram]") {
    auto exchange = rfc7677_exchange();
    CHECK(failure(exchange.start("n,a=admin,n=user,r=rOprNGfwEbeRWgbNEkqO")) ==
          Failure::invalid_credentials);
    auto same = rfc7677_exchange();
    CHECK(challenge(same.start("n,a=user,n=user,r=abc")).starts_with("r=abc%hv"));
}

TEST_CASE("SCRAM-SHA-256 refuses malformed client-final messages", "[sasl][scram]") {
    const std::string nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const std::string proof = ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    const std::string bad[] = {
        "c=biws,r=" + nonce,                     // no proof
        "c=biws,r=" + nonce + ",p=AAAA",         // proof too short
        "c=biws,r=" + nonce + ",p=not base64!",  // proof not base64
        "c=biws,r=" + nonce + "X" + proof,       // another nonce
        "c=eSws,r=" + nonce + proof,             // binding `y,,` against `n,,`
        "r=" + nonce + ",c=biws" + proof,        // wrong order
        "c=biws" + proof,                        // no nonce
    };
    for (const auto& message : bad) {
        auto exchange = rfc7677_exchange();
        challenge(exchange.start(client_first));
        INFO(message);
        CHECK(failure(exchange.next(message)) == Failure::malformed);
    }
}

TEST_CASE("SCRAM-SHA-256 wants an empty answer to its server-final message", "[sasl][scram]") {
    auto exchange = rfc7677_exchange();
    challenge(exchange.start(client_first));
    challenge(exchange.next(client_final));
    CHECK(failure(exchange.next("v=x")) == Failure::malformed);
}

TEST_CASE("SCRAM-SHA-256 cancelled half-way", "[sasl][scram]") {
    auto exchange = rfc7677_exchange();
    challenge(begin(exchange, base64_encode(client_first)));
    CHECK(failure(feed(exchange, "*")) == Failure::cancelled);
}

}  // namespace
