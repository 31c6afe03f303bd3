// Running whole scenarios with no socket (scenario_run.hpp, docs/scenario-format.md): the ends
// of a connection and the ways a run goes wrong. Covered: time-outs and malformed replies, the
// server closing (expected or not), steps after it closed, failed writes taken as the close,
// refused connections and failed handshakes, implicit TLS (RFC 8314 §3) and STARTTLS
// (RFC 3207 §4), several connections, and a driver that answers out of turn.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "engine_run_driver.hpp"

using namespace engine_test;

TEST_CASE("no reply in time, or a malformed one, is an ERROR", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {})};
    auto r = d.run(parse(greeting_and_ehlo + "C: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::error);
    CHECK(r.reason == "no reply within the time limit to the step at line 8");
    CHECK(r.decisive_line == 8);
    CHECK(r.explanation == "expected: 250\nreceived: no reply within the time limit");
    CHECK(log_of(r).at(3) == "1 * no reply within the time limit");
    CHECK(d.trace.back() == "finished");
    CHECK(d.trace.at(d.trace.size() - 2) == "close 1");

    Driver bad;
    bad.replies = {Received::malformed("bare LF in \n reply")};
    r = bad.run(parse(greeting_and_ehlo));
    CHECK(r.verdict == Verdict::error);
    CHECK(r.reason == "malformed reply: bare LF in \\x0a reply");
    CHECK(r.decisive_line == 6);
    CHECK(log_of(r).at(1) == "1 * malformed reply: bare LF in \\x0a reply");
}

TEST_CASE("the server closing where no <close> is expected breaks the step", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), Received::closed()};
    const auto r = d.run(parse("S: 220\nC: DATA\nS: 354\nC: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::fail);
    CHECK(r.reason == "the server closed the connection instead of answering DATA; expected 354");
    CHECK(r.explanation == "expected: 354\nreceived: <close>");
    // The server closed it: no CloseConnection for it.
    CHECK(d.trace == Lines{"open 1", "read 1", "write 1 DATA\r\n", "read 1", "finished"});
    CHECK(log_of(r).back() == "1 * closed by server");
}

TEST_CASE("an expected close passes, and the connection is not closed again", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(221, {"bye"}), Received::closed()};
    const auto r = d.run(parse("S: 220\nC: QUIT\nS: 221\nS: <close>\n"));
    CHECK(r.verdict == Verdict::pass);
    CHECK(d.trace == Lines{"open 1", "read 1", "write 1 QUIT\r\n", "read 1", "read 1", "finished"});

    Driver warn;
    warn.replies = {Received::closed()};
    const auto w = warn.run(parse("S: 220 | <close> => WARN\n"));
    CHECK(w.verdict == Verdict::warn);
    CHECK(w.reason ==
          "the server closed the connection instead of greeting; it fits <close> "
          "=> WARN");
}

TEST_CASE("after the server closed, only an expected close or a wait may follow", "[engine][run]") {
    // The next S: accepts <close>: QUIT is not sent, the S: passes with no read.
    Driver d;
    d.replies = {reply(220, {}), Received::closed()};
    auto r =
        d.run(parse("S: 220\nC: NOOP\nS: 250 | <close> => INFO\nwait 1s\n"
                    "C: QUIT\nS: 221 | <close>\n"));
    CHECK(r.verdict == Verdict::info);
    CHECK(d.trace ==
          Lines{"open 1", "read 1", "write 1 NOOP\r\n", "read 1", "sleep 1000", "finished"});
    CHECK(log_of(r).at(4) == "1 * wait 1000 ms");
    CHECK(log_of(r).at(5) == "1 * not sent: the server has closed the connection");

    // Otherwise the scenario cannot go on: ERROR.
    Driver e;
    e.replies = {reply(220, {}), Received::closed()};
    r = e.run(parse("S: 220\nC: NOOP\nS: 250 | <close> => INFO\nC: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::error);
    CHECK(r.reason == "the server closed connection 1 at line 8");
    CHECK(r.decisive_line == 9);
    CHECK(e.trace == Lines{"open 1", "read 1", "write 1 NOOP\r\n", "read 1", "finished"});
}

TEST_CASE("a failed write counts as the server's close when the next S: accepts it",
          "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {})};
    d.failures = {{"write 1 QUIT\r\n", "broken pipe"}};
    auto r = d.run(parse("S: 220\nC: QUIT\nS: 221 | <close>\n"));
    CHECK(r.verdict == Verdict::pass);
    CHECK(d.trace == Lines{"open 1", "read 1", "write 1 QUIT\r\n", "finished"});
    CHECK(log_of(r).back() ==
          "1 * write failed (broken pipe): the server has closed the connection");

    // The same for the write of a C> queue.
    Driver q;
    q.replies = {reply(220, {})};
    q.failures = {{"write 1 NOOP\r\nQUIT\r\n", "reset by peer"}};
    r = q.run(parse("S: 220\nC> NOOP\nC> QUIT\nS: <close> => INFO\n"));
    CHECK(r.verdict == Verdict::info);
    CHECK(q.trace == Lines{"open 1", "read 1", "write 1 NOOP\r\nQUIT\r\n", "finished"});

    // Without a <close> to accept it, a failed write is an ERROR.
    Driver e;
    e.replies = {reply(220, {})};
    e.failures = {{"write 1 QUIT\r\n", "broken pipe"}};
    r = e.run(parse("S: 220\nC: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::error);
    CHECK(r.reason == "broken pipe");
    CHECK(r.decisive_line == 7);
    CHECK(e.trace == Lines{"open 1", "read 1", "write 1 QUIT\r\n", "close 1", "finished"});
}

TEST_CASE("a refused connection or a failed handshake is an ERROR", "[engine][run]") {
    Driver d;
    d.failures = {{"open 1", "connection refused"}};
    auto r = d.run(parse("S: 220\n"));
    CHECK(r.verdict == Verdict::error);
    CHECK(r.reason == "connection refused");
    CHECK(r.decisive_line == 6);
    CHECK(d.trace == Lines{"open 1", "finished"});
    CHECK(log_of(r) == Lines{"1 * failed: connection refused"});

    Driver tls;
    tls.replies = {reply(220, {}), reply(250, {"x", "STARTTLS"}), reply(220, {})};
    tls.failures = {{"handshake 1", "certificate verify failed"}};
    r = tls.run(parse(greeting_and_ehlo + "C: STARTTLS\nS: 220\nstarttls\nC: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::error);
    CHECK(r.reason == "certificate verify failed");
    CHECK(r.decisive_line == 11);
    CHECK(tls.trace.at(tls.trace.size() - 3) == "handshake 1");
    CHECK(tls.trace.at(tls.trace.size() - 2) == "close 1");
}

TEST_CASE("tls opens the connection with implicit TLS; starttls shakes hands", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(250, {}), reply(220, {}), reply(250, {})};
    const auto r = d.run(parse("tls\n" + greeting_and_ehlo +
                               "C: STARTTLS\nS: 220\nstarttls\nC: EHLO {client}\nS: 250\n"));
    CHECK(d.trace == Lines{"open 1 tls", "read 1", "write 1 EHLO client.example\r\n", "read 1",
                           "write 1 STARTTLS\r\n", "read 1", "handshake 1",
                           "write 1 EHLO client.example\r\n", "read 1", "close 1", "finished"});
    CHECK(r.verdict == Verdict::pass);
    const auto log = log_of(r);
    CHECK(log.front() == "1 * connection opened (implicit TLS)");
    CHECK(r.log.front().step_line == 6);
    CHECK(log.at(6) == "1 * TLS handshake done");
    CHECK(r.log.at(6).step_line == 12);
}

TEST_CASE("connections open lazily, switch, close, and the rest close at the end",
          "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {}), reply(421, {"busy"}), reply(220, {}), reply(250, {})};
    const auto r =
        d.run(parse("S: 220 *\n"
                    "connection 2\n"
                    "S: 220 * | 421 => INFO\n"
                    "close\n"
                    "connection 3\n"
                    "tls\n"
                    "S: 220\n"
                    "connection 1\n"
                    "C: NOOP\n"
                    "S: 250\n"));
    CHECK(d.trace == Lines{"open 1", "read 1", "open 2", "read 2", "close 2", "open 3 tls",
                           "read 3", "write 1 NOOP\r\n", "read 1", "close 1", "close 3",
                           "finished"});
    CHECK(r.verdict == Verdict::info);
    CHECK(r.decisive_line == 8);
    CHECK(log_of(r) == Lines{"1 * connection opened", "1 S: 220", "2 * connection opened",
                             "2 S: 421 busy", "2 * closed by client",
                             "3 * connection opened (implicit TLS)", "3 S: 220", "1 C: NOOP",
                             "1 S: 250", "1 * closed by client", "3 * closed by client"});
    CHECK(r.log.at(4).step_line == 9);
}

TEST_CASE("the run repeats an unanswered request and refuses a wrong answer", "[engine][run]") {
    const auto s = parse("S: 220\n");
    ScenarioRun run(s, {});
    CHECK(run.next(Millis(1)) == engine::Request{engine::OpenConnection{1, false}});
    CHECK(run.next(Millis(2)) == engine::Request{engine::OpenConnection{1, false}});
    run.connected(Millis(3));
    CHECK(run.next(Millis(4)) == engine::Request{engine::ReadReply{1}});
    run.written(Millis(5));  // a write was not asked for
    CHECK(run.next(Millis(6)) == engine::Request{engine::CloseConnection{1}});
    run.closed(Millis(7));
    CHECK(run.next(Millis(8)) == engine::Request{engine::Finished{}});
    CHECK(run.next(Millis(9)) == engine::Request{engine::Finished{}});
    CHECK(run.result().verdict == Verdict::error);
    CHECK(run.result().reason == "the driver gave an answer to a request it was not given");
    CHECK(run.result().duration == Millis(9));
}

TEST_CASE("writes before an expected close are not sent once a write failed", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {})};
    d.failures = {{"write 1 \x01\x02junk", "connection reset"}};
    const auto r = d.run(parse("S: 220\nC~ \\x01\\x02junk\nC: QUIT\nS: 221 | <close> => INFO\n"));
    CHECK(r.verdict == Verdict::info);
    CHECK(r.decisive_line == 9);
    CHECK(r.reason ==
          "the server closed the connection instead of answering \\x01\\x02junk; "
          "it fits <close> => INFO");
    CHECK(d.trace == Lines{"open 1", "read 1", "write 1 \x01\x02junk", "finished"});
    CHECK(log_of(r) == Lines{"1 * connection opened", "1 S: 220", "1 C: \\x01\\x02junk",
                             "1 * write failed (connection reset): the server has closed the "
                             "connection",
                             "1 * not sent: the server has closed the connection"});
}

TEST_CASE("close after the server closed asks for nothing; a failed close still closes",
          "[engine][run]") {
    Driver d;
    d.replies = {Received::closed(), reply(220, {})};
    auto r = d.run(parse("S: 220 | <close> => INFO\nclose\nconnection 2\nS: 220\n"));
    CHECK(d.trace == Lines{"open 1", "read 1", "open 2", "read 2", "close 2", "finished"});
    CHECK(r.verdict == Verdict::info);

    Driver f;
    f.replies = {reply(220, {}), reply(220, {})};
    f.failures = {{"close 1", "already gone"}};
    r = f.run(parse("S: 220\nclose\nconnection 2\nS: 220\n"));
    CHECK(f.trace ==
          Lines{"open 1", "read 1", "close 1", "open 2", "read 2", "close 2", "finished"});
    CHECK(r.verdict == Verdict::pass);
    CHECK(log_of(r).at(2) == "1 * close failed: already gone");
}

TEST_CASE("a second connection refused ends the run, and the first is closed", "[engine][run]") {
    Driver d;
    d.replies = {reply(220, {})};
    d.failures = {{"open 2", "connection refused"}};
    const auto r = d.run(parse("S: 220\nconnection 2\nS: 220\nconnection 1\nC: QUIT\nS: 221\n"));
    CHECK(r.verdict == Verdict::error);
    CHECK(r.reason == "connection refused");
    CHECK(r.decisive_line == 8);
    CHECK(d.trace == Lines{"open 1", "read 1", "open 2", "close 1", "finished"});
}

TEST_CASE("a write cut short by the server's close goes on to read what it sent", "[engine][run]") {
    // The server answered the line, then hung up while the client was still writing: the
    // reply is judged, not lost to an ERROR.
    Driver d;
    d.replies = {reply(220, {}), reply(500, {"Line too long"}), Received::closed()};
    d.cut_short = {{"write 1 NOOP xxxx\r\n", "write: connection reset by peer"}};
    auto r = d.run(parse("S: 220\nC: NOOP xxxx\nS: 500 | <close> => FAIL\nS: <close>\n"));
    CHECK(r.verdict == Verdict::pass);
    CHECK(d.trace ==
          Lines{"open 1", "read 1", "write 1 NOOP xxxx\r\n", "read 1", "read 1", "finished"});
    CHECK(log_of(r)[3] ==
          "1 * write cut short (write: connection reset by peer): the server has closed");

    // A server that closed with no reply is judged by the next S: as a close.
    Driver c;
    c.replies = {reply(220, {}), Received::closed()};
    c.cut_short = {{"write 1 NOOP xxxx\r\n", "write: broken pipe"}};
    r = c.run(parse("S: 220\nC: NOOP xxxx\nS: 500\n"));
    CHECK(r.verdict == Verdict::fail);
    CHECK(r.decisive_line == 8);

    // Lines after the cut-short write are not sent: the next S: reads the server's last reply.
    Driver e;
    e.replies = {reply(220, {}), reply(421, {"Timeout"}), Received::closed()};
    e.cut_short = {{"write 1 body\r\n", "write: broken pipe"}};
    r = e.run(parse("S: 220\nC: body\nC: .\nC> NOOP\nS: 250 | 421 => WARN\nS: <close>\n"));
    CHECK(r.verdict == Verdict::warn);
    CHECK(e.trace == Lines{"open 1", "read 1", "write 1 body\r\n", "read 1", "read 1", "finished"});
    CHECK(log_of(r).at(4) == "1 * not sent: the server has closed the connection");
}
