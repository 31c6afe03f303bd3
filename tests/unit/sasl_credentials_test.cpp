// Unit tests of sasl/credentials: enrolment of a password into the one record that serves
// PLAIN, LOGIN and SCRAM-SHA-256 (RFC 5802 §3 keys, RFC 5803 §3 spelling), the users file
// with its line-numbered errors, the OAUTHBEARER tokens file, and the UTF-8 check.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "sasl/base64.hpp"
#include "sasl/credentials.hpp"

namespace {

using namespace ehlo::sasl;

TEST_CASE("a record from a password verifies that password only", "[sasl][credentials]") {
    Credentials users;
    users.add(make_user_record("alice", "wonderland", "0123456789abcdef"));
    CHECK(users.verify_password("alice", "wonderland"));
    CHECK_FALSE(users.verify_password("alice", "Wonderland"));
    CHECK_FALSE(users.verify_password("alice", ""));
    CHECK_FALSE(users.verify_password("Alice", "wonderland"));
    CHECK_FALSE(users.verify_password("mallory", "wonderland"));
    const UserRecord* alice = users.find("alice");
    REQUIRE(alice);
    CHECK(alice->iterations == min_iterations);
    CHECK(alice->stored_key.size() == 32);
    CHECK_FALSE(alice->cram_md5_secret);
}

TEST_CASE("the RFC 7677 §3 user written as a users-file line", "[sasl][credentials]") {
    const auto record =
        make_user_record("user", "pencil", *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
    const std::string line = format_user_record(record);
    CHECK(line.starts_with("user SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"));
    const auto file = parse_users("# the RFC 7677 example\n" + line + "\n");
    CHECK(file.errors.empty());
    CHECK(file.users.verify_password("user", "pencil"));
    CHECK_FALSE(file.users.verify_password("user", "pencil "));
}

TEST_CASE("format and parse round-trip, with and without CRAM-MD5", "[sasl][credentials]") {
    const auto with = make_user_record("tim", "tanstaaftanstaaf", "s1", 5000, true);
    const auto without = make_user_record("j\xc3\xb6rg", "secret", "s2");
    const std::string text =
        "\n  # comment\n" + format_user_record(with) + "\r\n\t" + format_user_record(without);
    CHECK(format_user_record(with).ends_with(" CRAM-MD5$" + base64_encode("tanstaaftanstaaf")));
    const auto file = parse_users(text);
    REQUIRE(file.errors.empty());
    REQUIRE(file.users.size() == 2);
    const UserRecord* tim = file.users.find("tim");
    REQUIRE(tim);
    CHECK(tim->iterations == 5000);
    CHECK(tim->cram_md5_secret == "tanstaaftanstaaf");
    CHECK(tim->server_key == with.server_key);
    CHECK(file.users.verify_password("j\xc3\xb6rg", "secret"));
}

TEST_CASE("users-file errors carry their line numbers", "[sasl][credentials]") {
    const std::string good = format_user_record(make_user_record("ok", "pw", "salt"));
    const std::string key = base64_encode(std::string(32, 'k'));
    const std::string keys = "$" + key + ":" + key;
    const std::string scram = "SCRAM-SHA-256$4096:c2FsdA==" + keys;
    // Each bad line, and a word its error message must contain.
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"alice", "expected"},                                           // one field
        {"alice PBKDF2$4096:c2FsdA==" + keys, "SCRAM-SHA-256"},          // another scheme
        {"alice SCRAM-SHA-256$0:c2FsdA==" + keys, "iteration"},          // zero iterations
        {"alice SCRAM-SHA-256$4x:c2FsdA==" + keys, "iteration"},         // not a number
        {"alice SCRAM-SHA-256$4096:c2Fsd" + keys, "salt"},               // salt not base64
        {"alice SCRAM-SHA-256$4096:c2FsdA==$AAAA:" + key, "StoredKey"},  // short key
        {"alice SCRAM-SHA-256$4096:c2FsdA==", "expected"},               // no keys
        {"alice " + scram + " MD5$eA==", "CRAM-MD5"},                    // unknown third field
        {"alice " + scram + " CRAM-MD5$", "CRAM-MD5"},                   // empty secret
        {"al\xff " + scram, "UTF-8"},                                    // name not UTF-8
        {good, "twice"},                                                 // duplicate user
        {"a b c d", "expected"},                                         // four fields
    };
    std::string text = good + "\n";
    for (const auto& entry : bad) {
        text += entry.first + "\n";
    }
    const auto file = parse_users(text);
    CHECK(file.users.size() == 1);
    REQUIRE(file.errors.size() == bad.size());
    for (std::size_t i = 0; i < bad.size(); ++i) {
        INFO(file.errors[i].message);
        CHECK(file.errors[i].line == i + 2);
        CHECK(file.errors[i].message.find(bad[i].second) != std::string::npos);
    }
}

TEST_CASE("tokens file: user and token per line", "[sasl][credentials]") {
    const auto file = parse_tokens(
        "# tokens\nalice vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\nbob  t0k3n\n"
        "carol\nx y z\n");
    CHECK(file.tokens.size() == 2);
    REQUIRE(file.errors.size() == 2);
    CHECK(file.errors[0].line == 4);
    CHECK(file.errors[1].line == 5);
    CHECK(file.tokens.user_for("t0k3n") == "bob");
    CHECK(file.tokens.user_for("vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==") == "alice");
    CHECK_FALSE(file.tokens.user_for("t0k3"));
    CHECK_FALSE(file.tokens.user_for(""));
}

TEST_CASE("UTF-8 check follows RFC 3629", "[sasl][credentials]") {
    CHECK(is_utf8(""));
    CHECK(is_utf8("plain ascii"));
    CHECK(is_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
    CHECK_FALSE(is_utf8("\x80"));                            // lone continuation
    CHECK_FALSE(is_utf8("\xc3"));                            // cut short
    CHECK_FALSE(is_utf8("\xe2\x82"));
    CHECK_FALSE(is_utf8("\xc0\xaf"));          // overlong
    CHECK_FALSE(is_utf8("\xe0\x80\xaf"));      // overlong
    CHECK_FALSE(is_utf8("\xed\xa0\x80"));      // surrogate
    CHECK_FALSE(is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
    CHECK_FALSE(is_utf8("\xc3\x28"));          // bad continuation
}

}  // namespace
