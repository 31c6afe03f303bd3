// Fuzz target: the client's state machine (client::Session), driven as client/driver.cpp
// drives it: the fuzz input is what the server sends, cut into reads, parsed into replies by
// wire::ReplyParser; a malformed reply or the end of the input loses the connection, and a
// STARTTLS the client asks for succeeds or fails as the settings byte says.
// The settings byte picks the client's choices: PIPELINING, CHUNKING with small chunks, the
// TLS mode, AUTH, DSN, and an 8-bit message.
// Checks: every command is non-empty and each command line ends with CRLF; nothing is sent
// after QUIT, and nothing at all once the session is done; an output that closes ends the
// session; the exit status is one of ehlo-send's codes; a delivered recipient had a 2xx.
#include <memory>
#include <string>
#include <vector>

#include "client/session.hpp"
#include "fuzz_input.hpp"
#include "sasl/client_mechanisms.hpp"

namespace {

using namespace ehlo::client;
using ehlo::fuzz::check;

Settings make_settings(std::uint8_t settings) {
    Settings s;
    s.client_domain = "client.example.org";
    s.use_pipelining = (settings & 0x01) != 0;
    s.use_chunking = (settings & 0x02) != 0;
    if (settings & 0x20) s.chunk_size = 7;
    constexpr TlsMode modes[] = {TlsMode::none, TlsMode::starttls_opportunistic,
                                 TlsMode::starttls_required, TlsMode::implicit};
    s.tls = modes[(settings >> 2) & 3];
    if (settings & 0x10) {
        s.authenticate = true;
        s.make_mechanism = [](std::string_view mechanism) {
            ehlo::sasl::ClientCredentials credentials{"alice", "wonderland", "t0ken",
                                                      "mx.example.test", 25};
            return ehlo::sasl::make_client_mechanism(mechanism, credentials, "fuzznonce");
        };
    }
    if (settings & 0x40) s.dsn = DsnRequest{"SUCCESS,FAILURE", "HDRS", "envelope+1", true};
    return s;
}

class Driver {
  public:
    Driver(std::uint8_t settings)
        : session_(make_settings(settings),
                   Envelope{"alice@example.org", {"bob@example.test", "carol@example.test"}},
                   prepare_message((settings & 0x80) ? "Subject: caf\xc3\xa9\r\n\r\n.dot\r\n"
                                                     : "Subject: test\r\n\r\n.\r\nHello.\r\n")),
          tls_fails_((settings & 0x0c) != 0 && (settings & 0x40) != 0) {}

    void feed(std::string_view bytes) {
        while (!bytes.empty() && !session_.done()) {
            const auto event = parser_.next(bytes);
            if (event == ehlo::wire::ReplyParser::Event::reply) {
                take(parser_.reply());
            } else if (event == ehlo::wire::ReplyParser::Event::malformed) {
                take(ConnectionLost{"malformed reply (" + parser_.error() + ")", true});
            }
            if (tls_restarted_) {  // what the read held past STARTTLS's reply is dropped
                tls_restarted_ = false;
                bytes = {};
            }
        }
    }

    void finish() {
        take(ConnectionLost{"the server closed the connection"});
        check(session_.done(), "a lost connection did not end the session");
        check(step(session_, wire_reply(250)).commands.empty(), "a done session sent more");
        const int status = session_.exit_status();
        using namespace exit_code;
        check(status == ok || status == data_error || status == unavailable || status == software ||
                  status == temporary || status == protocol || status == no_permission,
              "an exit status ehlo-send does not define");
        for (const RecipientOutcome& outcome : session_.recipients())
            if (outcome.state == RecipientOutcome::State::delivered)
                check(outcome.reply.code >= 200 && outcome.reply.code < 300,
                      "delivered without a 2xx reply");
    }

  private:
    static ehlo::wire::WireReply wire_reply(int code) { return {code, {"ok"}}; }

    void take(const Event& event) {
        const bool done_before = session_.done();
        Output out = step(session_, event);
        if (done_before) check(out.commands.empty() && !out.close, "a done session acted");
        for (const Command& command : out.commands) {
            check(!command.bytes.empty(), "an empty command");
            check(!quit_sent_, "a command after QUIT");
            if (command.bytes == "QUIT\r\n") quit_sent_ = true;
        }
        if (out.close) check(session_.done(), "closed without ending the session");
        if (out.start_tls && !out.close) {
            parser_ = ehlo::wire::ReplyParser();  // bytes before the handshake are dropped
            tls_restarted_ = true;
            if (tls_fails_) {
                take(TlsFailed{"handshake failed"});
            } else {
                take(TlsStarted{});
            }
        }
    }

    Session session_;
    ehlo::wire::ReplyParser parser_;
    bool tls_fails_;
    bool quit_sent_ = false;
    bool tls_restarted_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = ehlo::fuzz::as_text(data, size);
    const std::uint8_t settings = ehlo::fuzz::take_settings(input);
    Driver driver(settings);
    for (std::string_view feed : ehlo::fuzz::split_feeds(input))
        driver.feed(feed);
    driver.finish();
    return 0;
}
