// Unit tests of the password mechanisms: PLAIN (RFC 4616 §2, with its RFC 4616 §4 examples), LOGIN,
// and CRAM-MD5 (RFC 2195 §2, with its example exchange), each through begin()/feed() where
// the SMTP framing of RFC 4954 §4 matters (initial responses, `=`, `*`).
#include <catch2/catch.hpp>

#include <string>

#include "sasl/crypto.hpp"
#include "sasl/mechanisms.hpp"
#include "sasl_support.hpp"

namespace {

using namespace ehlo::sasl;
using namespace std::string_literals;
using ehlo::test::challenge;
using ehlo::test::failure;
using ehlo::test::identity;
using ehlo::test::sasl_users;

/// The users of the RFC 2195 and RFC 4616 examples.
const Credentials& rfc_users() {
    static const Credentials users = [] {
        Credentials c;
        c.add(make_user_record("tim", "tanstaaftanstaaf", "salt-of-tim", 4096, true));
        c.add(make_user_record("Kurt", "xipj3plmq", "salt-of-kurt", 4096, false));
        return c;
    }();
    return users;
}

TEST_CASE("PLAIN accepts the RFC 4616 §4 example", "[sasl][plain]") {
    PlainExchange exchange(rfc_users());
    CHECK(identity(exchange.start("\0tim\0tanstaaftanstaaf"s)) == "tim");
}

TEST_CASE("PLAIN refuses the authzid of the RFC 4616 §4 second example", "[sasl][plain]") {
    PlainExchange exchange(rfc_users());
    CHECK(failure(exchange.start("Ursel\0Kurt\0xipj3plmq"s)) == Failure::invalid_credentials);
    PlainExchange self(rfc_users());
    CHECK(identity(self.start("Kurt\0Kurt\0xipj3plmq"s)) == "Kurt");
}

TEST_CASE("PLAIN without initial response sends an empty challenge", "[sasl][plain]") {
    PlainExchange exchange(sasl_users());
    CHECK(challenge(begin(exchange, std::nullopt)).empty());
    CHECK(identity(feed(exchange, base64_encode("\0alice\0wonderland"s))) == "alice");
}

TEST_CASE("PLAIN: wrong password and unknown user fail alike", "[sasl][plain]") {
    PlainExchange wrong(sasl_users());
    PlainExchange unknown(sasl_users());
    CHECK(failure(wrong.start("\0alice\0Wonderland"s)) == Failure::invalid_credentials);
    CHECK(failure(unknown.start("\0mallory\0wonderland"s)) == Failure::invalid_credentials);
}

TEST_CASE("PLAIN refuses malformed messages", "[sasl][plain]") {
    const std::string bad[] = {
        ""s,                       // the `=` initial response
        "alice"s,                  // no NUL
        "\0alice"s,                // one NUL
        "\0\0wonderland"s,         // empty authcid
        "\0alice\0"s,              // empty password
        "\0alice\0wonder\0land"s,  // a third NUL
        "\0al\xff"
        "ice\0wonderland"s,                       // not UTF-8
        "\0alice\0wonder\xc0\xafland"s,           // overlong UTF-8
        "\0"s + std::string(256, 'a') + "\0pw"s,  // authcid over 255 octets
        "\0alice\0"s + std::string(256, 'p'),     // password over 255 octets
    };
    for (const auto& message : bad) {
        PlainExchange exchange(sasl_users());
        CHECK(failure(exchange.start(message)) == Failure::malformed);
    }
    PlainExchange empty(sasl_users());
    CHECK(failure(begin(empty, "=")) == Failure::malformed);
}

TEST_CASE("PLAIN accepts UTF-8 names and 255-octet parts", "[sasl][plain]") {
    Credentials users;
    const std::string name = "j\xc3\xb6rg";  // jörg
    const std::string password(255, 'p');
    users.add(make_user_record(name, password, "salt"));
    PlainExchange exchange(users);
    CHECK(identity(exchange.start("\0"s + name + "\0"s + password)) == name);
}

TEST_CASE("PLAIN: cancel, bad base64 and over-long lines end the exchange", "[sasl][plain]") {
    PlainExchange cancelled(sasl_users());
    challenge(begin(cancelled, std::nullopt));
    CHECK(failure(feed(cancelled, "*")) == Failure::cancelled);

    PlainExchange bad(sasl_users());
    CHECK(failure(begin(bad, "AGFsaWNl=AA")) == Failure::bad_base64);

    PlainExchange too_long(sasl_users());
    challenge(begin(too_long, std::nullopt));
    CHECK(failure(feed(too_long, std::string(max_response_line + 4, 'A'))) == Failure::too_long);
}

TEST_CASE("LOGIN asks for the user name, then the password", "[sasl][login]") {
    LoginExchange exchange(sasl_users());
    CHECK(challenge(begin(exchange, std::nullopt)) == "Username:");
    CHECK(challenge(feed(exchange, base64_encode("bob"))) == "Password:");
    CHECK(identity(feed(exchange, base64_encode("builder"))) == "bob");
    CHECK(failure(exchange.next("again")) == Failure::malformed);
}

TEST_CASE("LOGIN takes the user name as initial response", "[sasl][login]") {
    LoginExchange exchange(sasl_users());
    CHECK(challenge(begin(exchange, base64_encode("alice"))) == "Password:");
    CHECK(identity(feed(exchange, base64_encode("wonderland"))) == "alice");
}

TEST_CASE("LOGIN refuses a wrong password, an unknown user, an empty name", "[sasl][login]") {
    LoginExchange wrong(sasl_users());
    wrong.start("alice");
    CHECK(failure(wrong.next("builder")) == Failure::invalid_credentials);
    LoginExchange unknown(sasl_users());
    unknown.start("mallory");
    CHECK(failure(unknown.next("wonderland")) == Failure::invalid_credentials);
    LoginExchange empty(sasl_users());
    CHECK(failure(begin(empty, "=")) == Failure::malformed);
    LoginExchange nul(sasl_users());
    nul.start("alice");
    CHECK(failure(nul.next("wonder\0land"s)) == Failure::malformed);
}

TEST_CASE("CRAM-MD5 challenge has the RFC 2195 §2 shape", "[sasl][cram-md5]") {
    CHECK(cram_md5_challenge("1896", 697170952, "postoffice.reston.mci.net") ==
          "<1896.697170952@postoffice.reston.mci.net>");
}

TEST_CASE("CRAM-MD5 reproduces the RFC 2195 §2 example", "[sasl][cram-md5]") {
    CramMd5Exchange exchange(rfc_users(), "<1896.697170952@postoffice.reston.mci.net>");
    const std::string first = challenge(begin(exchange, std::nullopt));
    CHECK(base64_encode(first) == "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
    CHECK(identity(feed(exchange, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")) == "tim");
}

TEST_CASE("CRAM-MD5 refuses wrong digests, unknown users and users without a secret",
          "[sasl][cram-md5]") {
    const std::string challenge_text = "<1896.697170952@postoffice.reston.mci.net>";
    const std::string digest = "b913a602c7eda7a495b4e6e7334d3890";
    auto run = [&](const std::string& response) {
        CramMd5Exchange exchange(rfc_users(), challenge_text);
        exchange.start(std::nullopt);
        return failure(exchange.next(response));
    };
    CHECK(run("tim b913a602c7eda7a495b4e6e7334d3891") == Failure::invalid_credentials);
    CHECK(run("tom " + digest) == Failure::invalid_credentials);
    CHECK(run("Kurt " + digest) == Failure::invalid_credentials);  // enrolled without secret
    // Nor does the empty key, against which users without a secret are checked.
    CHECK(run("Kurt " + to_hex(hmac_md5("", challenge_text))) == Failure::invalid_credentials);
    CHECK(run("tom " + to_hex(hmac_md5("", challenge_text))) == Failure::invalid_credentials);
    CHECK(run("tim") == Failure::malformed);
    CHECK(run("tim b913a602") == Failure::malformed);
    CHECK(run(" " + digest) == Failure::malformed);
    CHECK(run("tim B913A602C7EDA7A495B4E6E7334D3890") == Failure::malformed);
    CHECK(run("tim b913a602c7eda7a495b4e6e7334d389g") == Failure::malformed);
}

TEST_CASE("CRAM-MD5 takes no initial response (RFC 4954 §4: 501)", "[sasl][cram-md5]") {
    CramMd5Exchange exchange(rfc_users(), "<1.2@h>");
    CHECK(failure(begin(exchange, base64_encode("tim 0123"))) == Failure::unexpected_initial);
    CHECK(reply_for(Failure::unexpected_initial).code == 501);
}

}  // namespace
