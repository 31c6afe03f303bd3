// Unit tests of Settings::quit_after (ehlo-send's --quit-after): the session says QUIT right
// after the reply to the step asked for (the greeting, RFC 5321 §4.3.1; EHLO, RFC 5321 §4.1.1.1;
// TLS and the EHLO after it, RFC 3207 §4.2; AUTH, RFC 4954 §4; MAIL and RCPT, RFC 5321 §4.1.1.2
// and RFC 5321 §4.1.1.3), never pipelines past MAIL or RCPT, and succeeds when no one was
// refused up to there.
#include "client_harness.hpp"

using namespace ehlo;
using ehlo::test::ClientHarness;
using ehlo::test::Texts;
using State = client::RecipientOutcome::State;

namespace {

client::Settings stopping_after(client::QuitAfter step) {
    client::Settings settings;
    settings.quit_after = step;
    return settings;
}

/// Ends the dialogue with QUIT's 221 and checks the session is over, stopped early.
void end_with_221(ClientHarness& client) {
    CHECK(client.feed(221).empty());
    CHECK(client.session.done());
    CHECK(client.session.stopped());
}

}  // namespace

TEST_CASE("quit after the greeting: QUIT instead of EHLO", "[client][quit-after]") {
    ClientHarness client(stopping_after(client::QuitAfter::greeting));
    CHECK(client.feed(220) == Texts{"QUIT"});
    end_with_221(client);
    CHECK(client.session.recipients()[0].state == State::pending);
    CHECK(client.session.recipients()[0].note == "stopped after the greeting, as asked");
    CHECK(client.session.exit_status() == client::exit_code::ok);
}

TEST_CASE("quit after EHLO: QUIT instead of MAIL, also after a HELO fallback",
          "[client][quit-after]") {
    ClientHarness client(stopping_after(client::QuitAfter::ehlo));
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"PIPELINING"})) == Texts{"QUIT"});
    end_with_221(client);
    CHECK(client.session.extensions().pipelining);

    ClientHarness old(stopping_after(client::QuitAfter::ehlo));
    old.feed(220);
    CHECK(old.feed(502) == Texts{"HELO localhost"});
    CHECK(old.feed(250) == Texts{"QUIT"});
    end_with_221(old);
}

TEST_CASE("quit after TLS: QUIT after the EHLO that follows the handshake",
          "[client][quit-after]") {
    client::Settings settings = stopping_after(client::QuitAfter::tls);
    settings.tls = client::TlsMode::starttls_required;
    ClientHarness client(settings);
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"STARTTLS"})) == Texts{"STARTTLS"});
    client.feed(220);
    CHECK(client.last.start_tls);
    CHECK(client.feed_event(client::TlsStarted{}) == Texts{"EHLO localhost"});
    CHECK(client.feed(test::ehlo_reply({"PIPELINING"})) == Texts{"QUIT"});
    end_with_221(client);
    CHECK(client.session.tls_active());
    CHECK(client.session.recipients()[0].note == "stopped after TLS and EHLO, as asked");
}

TEST_CASE("quit after MAIL: no pipelining, QUIT after MAIL's reply", "[client][quit-after]") {
    ClientHarness client(stopping_after(client::QuitAfter::mail));
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"PIPELINING"})) == Texts{"MAIL FROM:<alice@example.org>"});
    CHECK(client.feed(250) == Texts{"QUIT"});
    end_with_221(client);
    CHECK(client.session.exit_status() == client::exit_code::ok);
}

TEST_CASE("quit after MAIL: a refused MAIL still fails", "[client][quit-after]") {
    ClientHarness client(stopping_after(client::QuitAfter::mail));
    client.greet();
    CHECK(client.feed(550, {"5.7.1 no"}) == Texts{"QUIT"});
    client.feed(221);
    CHECK(client.session.recipients()[0].state == State::refused);
    CHECK(client.session.exit_status() == client::exit_code::unavailable);
}

TEST_CASE("quit after RCPT: every RCPT, then QUIT instead of DATA", "[client][quit-after]") {
    ClientHarness client(stopping_after(client::QuitAfter::rcpt),
                         {"bob@example.test", "carol@example.test"});
    client.feed(220);
    CHECK(client.feed(test::ehlo_reply({"PIPELINING", "CHUNKING"})) ==
          Texts{"MAIL FROM:<alice@example.org>"});
    CHECK(client.feed(250) == Texts{"RCPT TO:<bob@example.test>"});
    CHECK(client.feed(250) == Texts{"RCPT TO:<carol@example.test>"});
    SECTION("both accepted: success, nothing sent") {
        CHECK(client.feed(250) == Texts{"QUIT"});
        end_with_221(client);
        CHECK(client.session.recipients()[1].state == State::rcpt_accepted);
        CHECK(client.session.exit_status() == client::exit_code::ok);
    }
    SECTION("one refused: the exit status says so") {
        CHECK(client.feed(550) == Texts{"QUIT"});
        end_with_221(client);
        CHECK(client.session.exit_status() == client::exit_code::unavailable);
    }
}
