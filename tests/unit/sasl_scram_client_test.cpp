// Unit tests of the client side of SCRAM-SHA-256 against a hostile server-first message
// (RFC 5802 §5.1): the iteration count is the server's to choose, so the client bounds it.
// Found by the fuzz target fuzz/sasl_exchange.cpp: a server that asks for two billion
// iterations held the client in PBKDF2 for tens of minutes, and a count past the range of int
// was read with atoi, whose result is then undefined.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "sasl/client_mechanisms.hpp"
#include "sasl/credentials.hpp"

namespace {

using namespace ehlo::sasl;

std::unique_ptr<ClientMechanism> scram_client() {
    ClientCredentials credentials{"user", "pencil", "", "", 0};
    auto client = make_client_mechanism("SCRAM-SHA-256", credentials, "rOprNGfwEbeRWgbNEkqO");
    REQUIRE(client != nullptr);
    REQUIRE(client->initial_response() == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    return client;
}

std::string server_first(std::string_view iterations) {
    return "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=" +
           std::string(iterations);
}

}  // namespace

TEST_CASE("SCRAM client answers a sane iteration count", "[sasl][scram][client]") {
    auto client = scram_client();
    auto answer = client->respond(server_first("4096"));
    REQUIRE(answer);
    CHECK(answer->starts_with("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj,p="));
}

TEST_CASE("SCRAM client refuses an iteration count it cannot afford, at once",
          "[sasl][scram][client]") {
    const auto started = std::chrono::steady_clock::now();
    for (std::string_view count : {"2000000000", "10000001", "99999999999999999999"}) {
        INFO("i=" << count);
        CHECK_FALSE(scram_client()->respond(server_first(count)));
    }
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("SCRAM client refuses an iteration count that is not a number", "[sasl][scram][client]") {
    for (std::string_view count : {"0", "-1", "", "4096x", "+4096", " 4096", "04096"}) {
        INFO("i=" << count);
        CHECK_FALSE(scram_client()->respond(server_first(count)));
    }
}

TEST_CASE("SCRAM client and users file take the same largest iteration count",
          "[sasl][scram][client]") {
    const std::string line = format_user_record(make_user_record("u", "p", "salt", 1));
    REQUIRE(line.find("$1:") != std::string::npos);
    auto with_count = [&](int count) {
        std::string changed = line;
        changed.replace(changed.find("$1:"), 3, "$" + std::to_string(count) + ":");
        return parse_users(changed);
    };
    CHECK(with_count(max_iterations).errors.empty());
    CHECK_FALSE(with_count(max_iterations + 1).errors.empty());
    CHECK_FALSE(scram_client()->respond(server_first(std::to_string(max_iterations + 1))));
}
