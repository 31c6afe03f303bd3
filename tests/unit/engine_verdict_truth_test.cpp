// engine::ScenarioRun: what a reply may prove. A close the server announced with 421 is no
// deviation (RFC 5321 §3.8); a reply that was waiting before its command was sent answers
// nothing of ours (RFC 5321 §4.2); `<same>` compares with the previous reply; and no verdict goes
// past what the scenario's requirement rows allow (catalog.hpp).
#include "engine_run_driver.hpp"

#include "scenario/catalog.hpp"

using namespace engine_test;

TEST_CASE("the close that follows the server's own 421 is not judged", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(421, {"4.7.0 too many errors"}), Received::closed()};
    const auto r =
        d.run(parse("S: 220\nC: NOOP\nS: 250 | 421 => INFO\nC: NOOP\nS: 250 | <close> => WARN\n"
                    "C: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::info);  // the 421's own verdict, no WARN for the close
    const auto log = log_of(r);
    CHECK(std::find(log.begin(), log.end(), "1 * closed by server, as its 421 announced") !=
          log.end());
    CHECK(std::count(log.begin(), log.end(),
                     "1 * not run: the server closed the connection after its 421") == 2);
}

TEST_CASE("a write that fails after the server's 421 is the close it announced", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(421, {"bye"})};
    d.failures = {{"write 1 QUIT\r\n", "broken pipe"}};
    const auto r = d.run(parse("S: 220\nC: NOOP\nS: 250 | 421\nC: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::pass);
}

TEST_CASE("a reply waiting before its command was sent is no evidence of doing right",
          "[engine][run]") {
    // A server that never reads: 220, 250, 503 and 221 come at once.
    Driver d;
    d.replies = {reply(220, {}), reply(250, {"ok"}), reply(503, {"bad sequence"}),
                 reply(221, {"bye"})};
    d.replies_waiting = {"write 1 EHLO client.example\r\n", "write 1 RCPT TO:<b@example.test>\r\n",
                         "write 1 QUIT\r\n"};
    const auto r =
        d.run(parse("S: 220\nC: EHLO {client}\nS: 250\nC: RCPT TO:<{rcpt}>\n"
                    "S: 503 | 5xx\nC: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::fail);  // the level's broken verdict, never a PASS
    CHECK(r.decisive_line == 8);
    CHECK(r.reason ==
          "the reply 250 ok came before EHLO client.example was sent: it answers something "
          "that was no command of ours (RFC 5321 §4.2: one reply per command)");
    Driver should;
    should.replies = {reply(220, {}), reply(250, {"ok"})};
    should.replies_waiting = {"write 1 EHLO client.example\r\n"};
    CHECK(should.run(parse("S: 220\nC: EHLO {client}\nS: 250\n", "SHOULD")).verdict ==
          Verdict::warn);

    // Without the replies waiting, the same replies pass.
    Driver honest;
    honest.replies = {reply(220, {}), reply(250, {"ok"}), reply(503, {"bad sequence"}),
                      reply(221, {"bye"})};
    CHECK(honest
              .run(parse("S: 220\nC: EHLO {client}\nS: 250\nC: RCPT TO:<{rcpt}>\n"
                         "S: 503 | 5xx\nC: QUIT\nS: 221\n"))
              .verdict == Verdict::pass);
}

TEST_CASE("waiting replies after a write with no reply yet may answer that write",
          "[engine][run]") {
    // Message data in two writes: the server may answer the first before the second is sent.
    Driver d;
    d.replies = {reply(220, {}), reply(354, {"go"}), reply(250, {"queued"})};
    d.replies_waiting = {"write 1 \r\n.\r\n"};
    const auto r = d.run(parse("S: 220\nC: DATA\nS: 354\nC~ a\\nb\nC~ \\r\\n.\\r\\n\nS: 250\n"));
    CHECK(r.verdict == Verdict::pass);
}

TEST_CASE("a 421 waiting before a command is judged: the server may send it any time",
          "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(250, {"ok"}), reply(421, {"timeout"}), Received::closed()};
    d.replies_waiting = {"write 1 NOOP again\r\n"};
    const auto r =
        d.run(parse("S: 220\nC: NOOP\nS: 250\nwait 10ms\nC: NOOP again\nS: 250 | 421\n"));
    CHECK(r.verdict == Verdict::pass);
}

TEST_CASE("<same> fits the code of the previous reply on the connection", "[engine][run]") {
    const auto s = parse(
        "S: 220\nC: VRFY {rcpt}\nS: 2xx | 5xx\nC: vrfy {rcpt}\n"
        "S: <same> | 500 => FAIL | 2xx => WARN\n");
    Driver same;
    same.replies = {reply(220, {}), reply(502, {"no VRFY"}), reply(502, {"no VRFY"})};
    CHECK(same.run(s).verdict == Verdict::pass);

    Driver case_blind;
    case_blind.replies = {reply(220, {}), reply(252, {"maybe"}), reply(500, {"what?"})};
    const auto r = case_blind.run(s);
    CHECK(r.verdict == Verdict::fail);
    CHECK(r.explanation ==
          "expected: <same> (252) | 500 => FAIL | 2xx => WARN\nreceived: 500 what?");
}

TEST_CASE("verdicts stop at what the cited requirement rows allow", "[engine][run]") {
    auto catalog = scenario::Catalog::parse(
        "id\trfc\tsection\tkeyword\tbinds\tobservable\twhy_not\tsummary\n"
        "5321-4.1.2-g\t5321\t4.1.2\tMUST NOT\tclient\tno\t\tNo control characters in paths.\n"
        "5321-4.1.4-x\t5321\t4.1.4\tMUST\tserver\tyes\t\tA bad sequence gets 503.\n"
        "5321-4.1.4-y\t5321\t4.1.4\tMAY\tserver\tyes\t\tA choice.\n");
    REQUIRE(catalog.errors().empty());
    auto s = parse("S: 220\nC: MAIL FROM:<a\\x01b@example.test>\nS: 501 | 250 => FAIL\n");
    s.requirements = {"5321-4.1.2-g"};
    REQUIRE(scenario::apply_catalog(s, catalog).unknown.empty());
    Driver client_rule;
    client_rule.replies = {reply(220, {}), reply(250, {"ok"})};
    const auto warned = client_rule.run(s);
    CHECK(warned.verdict == Verdict::warn);  // a client's MUST NOT is not the server's
    CHECK(warned.level == scenario::Level::should);
    CHECK(warned.requirement == "5321-4.1.2-g (MUST NOT, client): No control characters in paths.");

    s.requirements = {"5321-4.1.4-y", "5321-4.1.4-x"};
    scenario::apply_catalog(s, catalog);
    Driver server_rule;
    server_rule.replies = {reply(220, {}), reply(250, {"ok"})};
    const auto failed = server_rule.run(s);
    CHECK(failed.verdict == Verdict::fail);
    CHECK(failed.requirement == "5321-4.1.4-x (MUST, server): A bad sequence gets 503.");

    s.requirements = {"5321-4.1.4-y"};
    scenario::apply_catalog(s, catalog);
    auto warn_step = s;
    warn_step.steps = parse("S: 220\nC: NOOP\nS: 250 | 500 => WARN\n").steps;
    Driver may_rule;
    may_rule.replies = {reply(220, {}), reply(500, {"no"})};
    const auto capped = may_rule.run(warn_step);
    CHECK(capped.verdict == Verdict::info);  // a MAY row gives INFO at most
    CHECK(capped.reason ==
          "the reply to NOOP was 500 no; it fits 500 => WARN (INFO at most: what the "
          "scenario's level and requirement rows allow)");
}
