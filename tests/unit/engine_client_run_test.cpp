// Unit tests of engine::ClientRun (client_run.hpp): a client scenario run against inputs
// scripted here, as the driver would read them from a client, with the verdicts they earn.
#include <catch2/catch.hpp>

#include <deque>
#include <string>
#include <vector>

#include "engine/client_run.hpp"
#include "scenario/catalog.hpp"
#include "scenario/scenario_parser.hpp"

namespace {

namespace engine = ehlo::engine;
namespace scenario = ehlo::scenario;
using engine::ClientInput;
using engine::Verdict;

std::string header(std::string_view level = "MUST", std::string_view rows = "5321-4.3.1-a") {
    return "title: a client scenario\nrefs: 5321#4.3.1\nrequirements: " + std::string(rows) +
           "\nlevel: " + std::string(level) + "\nrequires: -\nrole: client\n";
}

scenario::Scenario parse(const std::string& text, std::string_view level = "MUST") {
    auto parsed = scenario::parse_scenario(header(level) + text, "client/test/run");
    for (const auto& error : parsed.errors)
        UNSCOPED_INFO(error.line << ": " << error.message);
    REQUIRE(parsed.ok());
    scenario::apply_catalog(parsed.scenario, scenario::builtin_catalog());
    return parsed.scenario;
}

// Answers each request from `inputs`; what ehlo-check sent goes to `sent`.
struct Driver {
    explicit Driver(std::deque<ClientInput> given) : inputs(std::move(given)) {}
    std::deque<ClientInput> inputs;
    std::string sent;

    engine::ScenarioResult run(const scenario::Scenario& s) {
        engine::ClientRun run(
            s, {{"from", "a@client.test"}, {"rcpt", "b@server.test"}, {"server", "mx.test"}});
        engine::Millis now{0};
        for (int guard = 0; guard < 1000; ++guard) {
            auto request = run.next(now);
            if (std::holds_alternative<engine::Finished>(request)) return run.result();
            if (auto* send = std::get_if<engine::SendToClient>(&request)) {
                sent += send->bytes;
                run.written(now);
            } else if (std::holds_alternative<engine::AcceptClient>(request) ||
                       std::holds_alternative<engine::ServerHandshake>(request)) {
                run.connected(now);
            } else if (std::holds_alternative<engine::Sleep>(request)) {
                run.waited(now);
            } else if (std::holds_alternative<engine::CloseConnection>(request)) {
                run.closed(now);
            } else {
                REQUIRE(!inputs.empty());
                run.received(inputs.front(), now);
                inputs.pop_front();
            }
        }
        FAIL("the run did not finish");
        return {};
    }
};

const std::string transaction =
    "S: 220 {server} ESMTP\n"
    "C: EHLO *\n"
    "S: 250 {server}\n"
    "C: MAIL FROM:<{from}>\n"
    "S: 250 OK\n"
    "C: RCPT TO:<{rcpt}>\n"
    "S: 250 OK\n"
    "C: DATA\n"
    "S: 354 go on\n"
    "data\n"
    "S: 250 stored\n"
    "C: QUIT | <close> => FAIL\n"
    "S: 221 bye\n";

const std::string good_data =
    "From: <a@client.test>\r\n\r\n..dot\r\nThe last line of the "
    "message.\r\n.\r\n";

std::deque<ClientInput> good_client(std::string data = good_data) {
    return {ClientInput::of("EHLO client.test\r\n"),
            ClientInput::of("MAIL FROM:<a@client.test>\r\n"),
            ClientInput::of("RCPT TO:<b@server.test>\r\n"),
            ClientInput::of("DATA\r\n"),
            ClientInput::of(std::move(data)),
            ClientInput::of("QUIT\r\n")};
}

}  // namespace

TEST_CASE("a client that follows the script passes, and gets the replies written") {
    Driver driver{good_client()};
    auto result = driver.run(parse(transaction));
    CHECK(result.verdict == Verdict::pass);
    CHECK(driver.sent.starts_with("220 mx.test ESMTP\r\n250 mx.test\r\n"));
    CHECK(driver.sent.ends_with("221 bye\r\n"));
}

TEST_CASE("a line that fits no alternative leaves the script: ERROR, not FAIL") {
    auto inputs = good_client();
    inputs[1] = ClientInput::of("RSET\r\n");
    Driver driver{inputs};
    auto result = driver.run(parse(transaction));
    CHECK(result.verdict == Verdict::error);
    CHECK(result.reason.find("the client sent RSET") != std::string::npos);
}

TEST_CASE("closing without QUIT fits <close> => FAIL, within the scenario's MUST ceiling") {
    auto inputs = good_client();
    inputs.back() = ClientInput::closed();
    Driver driver{inputs};
    auto result = driver.run(parse(transaction));
    CHECK(result.verdict == Verdict::fail);
    CHECK(result.requirement.empty());  // the alternative names no row, so none is claimed
}

TEST_CASE("a FAIL alternative under a scenario citing no MUST row gives WARN at most") {
    auto inputs = good_client();
    inputs.back() = ClientInput::closed();
    Driver driver{inputs};
    auto parsed =
        scenario::parse_scenario(header("MUST", "5321-4.1.1.1-c") + transaction, "client/x");
    REQUIRE(parsed.ok());
    scenario::apply_catalog(parsed.scenario, scenario::builtin_catalog());
    auto result = driver.run(parsed.scenario);
    INFO(result.reason);
    CHECK(result.verdict == Verdict::warn);
}

TEST_CASE("the data checks judge the message through their own rows") {
    SECTION("a period not doubled: WARN through the implied transparency rule") {
        Driver driver{
            good_client("Subject: x\r\n\r\n.dot\r\nThe last line of the message.\r\n.\r\n")};
        auto result = driver.run(parse(transaction));
        CHECK(result.verdict == Verdict::warn);
        CHECK(result.requirement.rfind("5321-4.5.2-c", 0) == 0);
    }
    SECTION("a bare LF in the data: FAIL through RFC 5321 §2.3.8") {
        Driver driver{good_client("Subject: x\n\r\nThe last line of the message.\r\n.\r\n")};
        auto result = driver.run(parse(transaction));
        CHECK(result.verdict == Verdict::fail);
        CHECK(result.requirement.rfind("5321-2.3.8-c", 0) == 0);
        CHECK(result.reason.find("line 1 ends in a bare LF") != std::string::npos);
    }
    SECTION("8-bit text without BODY=8BITMIME: FAIL through RFC 5321 §2.4") {
        Driver driver{
            good_client("Subject: caf\xc3\xa9\r\n\r\nThe last line of the message.\r\n.\r\n")};
        CHECK(driver.run(parse(transaction)).verdict == Verdict::fail);
    }
    SECTION("8-bit text after BODY=8BITMIME passes") {
        auto inputs =
            good_client("Subject: x\r\n\r\ncaf\xc3\xa9\r\nThe last line of the message.\r\n.\r\n");
        inputs[1] = ClientInput::of("MAIL FROM:<a@client.test> BODY=8BITMIME\r\n");
        Driver driver{inputs};
        auto s = parse(transaction);
        std::get<scenario::Command>(s.client.steps[3].action).alternatives[0].pattern =
            "MAIL FROM:<{from}>*";
        CHECK(driver.run(s).verdict == Verdict::pass);
    }
    SECTION("a message cut short is found by its missing last line") {
        Driver driver{good_client("Subject: x\r\n\r\nfirst part\r\n.\r\n")};
        auto result = driver.run(parse(transaction));
        CHECK(result.verdict == Verdict::warn);
        CHECK(result.reason.find("cut short or changed") != std::string::npos);
    }
}

TEST_CASE("a command line ending in a bare LF fails through RFC 5321 §2.3.8") {
    auto inputs = good_client();
    inputs[0] = ClientInput::of("EHLO client.test\n");
    Driver driver{inputs};
    CHECK(driver.run(parse(transaction)).verdict == Verdict::fail);
}

TEST_CASE("silent: bytes before the reply break it at the scenario's level; they stay") {
    const std::string text = "S: 220 x\nC: EHLO *\nsilent 300ms\nS: 250 x\nC: QUIT\nS: 221 bye\n";
    Driver eager{
        {ClientInput::of("EHLO a\r\n"), ClientInput::of("QUIT\r\n"), ClientInput::of("QUIT\r\n")}};
    CHECK(eager.run(parse(text)).verdict == Verdict::fail);
    Driver patient{
        {ClientInput::of("EHLO a\r\n"), ClientInput::quiet(), ClientInput::of("QUIT\r\n")}};
    CHECK(patient.run(parse(text)).verdict == Verdict::pass);
    Driver lenient{
        {ClientInput::of("EHLO a\r\n"), ClientInput::of("QUIT\r\n"), ClientInput::of("QUIT\r\n")}};
    auto result = lenient.run(parse(text, "SHOULD"));
    CHECK(result.verdict == Verdict::warn);  // and the run went on to QUIT and 221
    CHECK(lenient.sent.ends_with("221 bye\r\n"));
}

TEST_CASE("BDAT chunks are read by their announced size and checked when the last is in") {
    const std::string text =
        "S: 220 x\nC: BDAT *\nchunk\nS: 250 ok\nC: BDAT * LAST\nchunk\n"
        "S: 250 ok\nC: QUIT\nS: 221 bye\n";
    Driver exact{{ClientInput::of("BDAT 6\r\n"), ClientInput::of("A: b\r\n"),
                  ClientInput::of("BDAT 32 LAST\r\n"),
                  ClientInput::of("\r\nThe last line of the message.\r\n"),
                  ClientInput::of("QUIT\r\n")}};
    CHECK(exact.run(parse(text)).verdict == Verdict::pass);
    Driver longer{
        {ClientInput::of("BDAT 4\r\n"), ClientInput::of("A: b"), ClientInput::of("\r\n")}};
    auto result = longer.run(parse(text));
    INFO(result.reason);
    CHECK(result.verdict == Verdict::warn);
    CHECK(result.requirement.rfind("3030-2-n", 0) == 0);
}

TEST_CASE("the client's exit status is compared with what it should have been told") {
    engine::ScenarioResult result;
    result.verdict = Verdict::pass;
    engine::judge_client_exit(result, scenario::Outcome::refused, {true, 0, 0, false, "sent"});
    CHECK(result.verdict == Verdict::warn);
    CHECK(result.client_status == "exit 0");
    engine::ScenarioResult delivered;
    delivered.verdict = Verdict::pass;
    engine::judge_client_exit(delivered, scenario::Outcome::delivered, {true, 0, 0, false, ""});
    CHECK(delivered.verdict == Verdict::pass);
    engine::judge_client_exit(delivered, scenario::Outcome::delivered, {true, 3, 0, false, ""});
    CHECK(delivered.verdict == Verdict::warn);
}

TEST_CASE("client scenarios: the parser's rules") {
    auto errors = [](const std::string& text) {
        auto parsed = scenario::parse_scenario(header() + text, "client/x");
        return parsed.errors.empty() ? std::string() : parsed.errors.front().message;
    };
    CHECK(errors("S: 220 x\nchunk\n").find("chunk follows") != std::string::npos);
    CHECK(errors("S: 220 x\nC> MAIL\n").find("no meaning") != std::string::npos);
    CHECK(errors("S: 220 x\nconnection 2\n").find("one connection") != std::string::npos);
    CHECK(errors("S: 220 x\nC: {client}\n").find("variable of a client") != std::string::npos);
    CHECK(errors("S: 220 x\nclose\nS: 221\n").find("is over") != std::string::npos);
    CHECK(errors("S: 220 x\ntls\n").find("first step") != std::string::npos);
    auto with_opening =
        scenario::parse_scenario(header() + "opening: standard\nC: RCPT *\n", "client/x");
    REQUIRE(with_opening.ok());
    CHECK(with_opening.scenario.client.steps.size() == scenario::standard_opening().size() + 1);
    CHECK(scenario::listen_local_part("client/rfc5321/4.5.2/dot-stuffing") ==
          "rfc5321.4.5.2.dot-stuffing");
}

TEST_CASE("-> jumps to a label, so one scenario follows each path the RFC allows") {
    const std::string text =
        "S: 220 x\nC: EHLO *\nS: 550 no\n"
        "C: QUIT -> quit | RSET -> rset | <close> => FAIL\n"
        "@rset\nS: 250 reset\nC: QUIT | <close> => FAIL\n"
        "@quit\nS: 221 bye\n";
    Driver quitter{{ClientInput::of("EHLO a\r\n"), ClientInput::of("QUIT\r\n")}};
    CHECK(quitter.run(parse(text)).verdict == Verdict::pass);
    CHECK(quitter.sent == "220 x\r\n550 no\r\n221 bye\r\n");
    Driver resetter{
        {ClientInput::of("EHLO a\r\n"), ClientInput::of("RSET\r\n"), ClientInput::of("QUIT\r\n")}};
    CHECK(resetter.run(parse(text)).verdict == Verdict::pass);
    CHECK(resetter.sent == "220 x\r\n550 no\r\n250 reset\r\n221 bye\r\n");
    auto parsed = scenario::parse_scenario(header() + "S: 220 x\nC: QUIT -> nowhere\n", "c/x");
    REQUIRE(!parsed.ok());
    CHECK(parsed.errors.front().message.find("no label @nowhere") != std::string::npos);
    auto stopped = parse("S: 220 x\nC: QUIT -> q | NOOP\nS: 250 ok\nstop\n@q\nS: 221 bye\n");
    Driver noop{{ClientInput::of("NOOP\r\n")}};
    CHECK(noop.run(stopped).verdict == Verdict::pass);
    CHECK(noop.sent == "220 x\r\n250 ok\r\n");
}

TEST_CASE("an empty line added after the message's last line fails RFC 5321 §4.1.1.4") {
    Driver driver{good_client("Subject: x\r\n\r\nThe last line of the message.\r\n\r\n.\r\n")};
    auto result = driver.run(parse(transaction));
    CHECK(result.verdict == Verdict::fail);
    CHECK(result.requirement.rfind("5321-4.1.1.4-b", 0) == 0);
}

TEST_CASE("=> FAIL ROW: the row of the alternative is its ceiling and the row reported") {
    const std::string rows = "5321-4.1.1.10-c 5321-4.1.4-p";
    auto parse_rows = [&](const std::string& steps) {
        auto parsed = scenario::parse_scenario(header("MUST", rows) + steps, "client/x");
        for (const auto& error : parsed.errors)
            UNSCOPED_INFO(error.line << ": " << error.message);
        REQUIRE(parsed.ok());
        scenario::apply_catalog(parsed.scenario, scenario::builtin_catalog());
        return parsed.scenario;
    };
    const auto s = parse_rows(
        "S: 554 go away\nC: QUIT -> q | <close> => FAIL 5321-4.1.4-p\n"
        "@q\nS: 221 bye\n");
    Driver closer{{ClientInput::closed()}};
    auto result = closer.run(s);
    CHECK(result.verdict == Verdict::warn);  // a SHOULD row: WARN, though the scenario allows FAIL
    CHECK(result.requirement.rfind("5321-4.1.4-p", 0) == 0);
    const auto strict = parse_rows("S: 220 hi\nC: QUIT | <close> => FAIL 5321-4.1.1.10-c\n");
    Driver hangs_up{{ClientInput::closed()}};
    result = hangs_up.run(strict);
    CHECK(result.verdict == Verdict::fail);
    CHECK(result.requirement.rfind("5321-4.1.1.10-c", 0) == 0);
    auto bad = scenario::parse_scenario(header() + "S: 220 x\nC: QUIT => FAIL nonsense\n", "c/x");
    CHECK_FALSE(bad.ok());
}

TEST_CASE("octets above 127 in commands: only after SMTPUTF8, never in EHLO's name") {
    using engine::check_command_octets;
    CHECK(check_command_octets("MAIL FROM:<a@b>", {}).empty());
    CHECK(check_command_octets("MAIL FROM:<\xc3\xa9@b> SMTPUTF8", {}).empty());
    auto undeclared = check_command_octets("RCPT TO:<\xc3\xa9@b>", {});
    REQUIRE(undeclared.size() == 1);
    CHECK(undeclared[0].check == scenario::ClientCheck::command_octets);
    engine::Declared utf8;
    utf8.smtputf8 = true;
    CHECK(check_command_octets("RCPT TO:<\xc3\xa9@b>", utf8).empty());
    auto hello = check_command_octets("EHLO caf\xc3\xa9.example", utf8);
    REQUIRE(hello.size() == 1);
    CHECK(hello[0].check == scenario::ClientCheck::hello_ascii);
}

TEST_CASE("an alternative's own verdict stays within the scenario's ceiling") {
    auto parsed = scenario::parse_scenario(
        header("MAY", "4954-4-y") + "S: 220 x\nC: EHLO * => WARN\n", "client/x");
    REQUIRE(parsed.ok());
    scenario::apply_catalog(parsed.scenario, scenario::builtin_catalog());
    Driver driver{{ClientInput::of("EHLO a\r\n")}};
    CHECK(driver.run(parsed.scenario).verdict == Verdict::info);
}
