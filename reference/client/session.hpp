// Layer: client (sans-I/O). The client state machine: client::step takes what the server said
// (a reply, the end of a TLS handshake, a lost connection) and gives the commands to send next,
// mirroring server::step. It follows the dialogue of RFC 5321 §3 and RFC 5321 §4.1.1 (greeting,
// EHLO with the HELO fallback of RFC 5321 §3.2, MAIL, RCPT, DATA, QUIT), groups commands after
// RFC 2920 §3.1, sends BDAT chunks (RFC 3030 §2 to RFC 3030 §4), declares SIZE (RFC 1870 §6),
// BODY=8BITMIME (RFC 6152 §3), SMTPUTF8 (RFC 6531 §3.4) and DSN parameters (RFC 3461 §4) when
// offered, and refuses to send what the server cannot take. STARTTLS (RFC 3207 §4) and AUTH
// (RFC 4954 §4) are steps of the same machine; the TLS handshake itself, sockets and clocks are the
// driver's. Test builds may rewrite the session's replies, commands and data and overturn its
// choices: the seam of client/client_hooks.hpp, compiled only with EHLO_TEST_SEAMS.
#pragma once

#include <optional>

#include "client/types.hpp"
#include "protocol/verb_table.hpp"

#ifdef EHLO_TEST_SEAMS
#include "client/client_hooks.hpp"
#endif

namespace ehlo::client {

/// One connection's worth of client state, for one transaction.
///
/// The machine keeps a queue of the commands sent whose replies are still due: replies are
/// matched to commands in order, which is all RFC 2920 §3.1 asks of a pipelining client.
class Session {
  public:
    /// Whether the client still needs a name for EHLO (Settings::client_domain is empty), and
    /// gives it one: the driver's address literal once it is connected.
    bool needs_client_name() const { return settings_.client_domain.empty(); }
    void name_client(std::string name) { settings_.client_domain = std::move(name); }
    /// Which command a reply in the queue answers.
    enum class Awaiting {
        greeting,
        ehlo,
        helo,
        starttls,
        auth,
        mail,
        rcpt,
        data,
        data_end,
        bdat,
        quit
    };

    /// `message` must be prepared (prepare_message) without error.
    Session(Settings settings, Envelope envelope, PreparedMessage message);

    /// Takes one event; see client::step.
    Output handle(const Event& event);

    /// Whether the session is over (after QUIT's reply, a 421, or a lost connection).
    bool done() const { return done_; }
    /// The command whose reply comes next; none when no reply is due.
    std::optional<Awaiting> awaiting() const;
    /// The RFC section of the command whose reply comes next, for the trace.
    std::string_view awaiting_section() const;
    /// What the server offered in its last reply to EHLO (empty after HELO).
    const Extensions& extensions() const { return extensions_; }
    bool esmtp() const { return esmtp_; }
    bool tls_active() const { return tls_active_; }
    bool authenticated() const { return authenticated_; }
    /// Whether the message went by BDAT RFC 3030 §2.
    bool used_chunking() const { return used_chunking_; }
    /// Whether the transaction's commands went as one pipelined group RFC 2920 §3.1.
    bool used_pipelining() const { return used_pipelining_; }
    const std::vector<RecipientOutcome>& recipients() const { return recipients_; }
    /// Whether the session stopped early, as Settings::quit_after asked: the recipients not
    /// refused by then were neither refused nor sent the message.
    bool stopped() const { return stopped_; }
    Failure failure() const { return failure_; }
    /// The reason of the failure, for the user, e.g. "the server lacks SMTPUTF8 (RFC 6531)".
    const std::string& failure_reason() const { return failure_reason_; }
    /// Remarks that did not stop the session (a DSN request dropped, TLS not offered).
    const std::vector<std::string>& warnings() const { return warnings_; }
    /// The exit code after the session, in the style of sysexits.h (see exit_code).
    int exit_status() const;
#ifdef EHLO_TEST_SEAMS
    /// Test builds only (client/client_hooks.hpp): `chosen`, the unbroken client's value of
    /// `decision`, unless the hooks overturn it.
    bool decide(Decision decision, bool chosen);
#endif

  private:
    struct Pending {
        Awaiting what;
        std::size_t index = 0;  // the recipient of a RCPT; the end offset of a BDAT chunk
    };

    // The connection: session.cpp.
    /// Whether `code` may answer `what` at all: 2xx, 4xx, 5xx, and 3xx only where the command
    /// asks for more (354 to DATA, 334 to AUTH); a greeting and STARTTLS want 220
    /// RFC 5321 §4.3.2.
    static bool expected(Awaiting what, int code);
    /// The verb whose reply `what` waits for (DATA's for the end of the data); none for the
    /// greeting. Its name and section come from the verb table.
    static std::optional<protocol::Verb> verb_of(Awaiting what);
    /// The command a reply would answer, for messages: "the greeting", "RCPT".
    static std::string command_of(Awaiting what);
    Output on_reply(const wire::WireReply& reply);
    Output on_greeting(const wire::WireReply& reply);
    Output on_ehlo(const wire::WireReply& reply);
    Output on_helo(const wire::WireReply& reply);
    Output on_starttls(const wire::WireReply& reply);
    Output on_tls_started();
    Output on_auth(const wire::WireReply& reply);
    Output on_closing(const wire::WireReply& reply);
    Output on_connection_lost(const ConnectionLost& lost);
    Output after_hello();
    Output start_auth();
    Output fail(Failure failure, std::string reason, const wire::WireReply* reply = nullptr);
    Output quit(Output out = {});
    /// Ends the session early with QUIT after `step`, as Settings::quit_after asked.
    Output stop(const std::string& step);
    /// Queues the command `text` (without CRLF), cited as `section`, by default the section
    /// of its verb in the verb table.
    void send(Output& out, Awaiting what, std::string text, std::string_view section = {},
              std::size_t index = 0);
    /// Queues the command line `text` (without CRLF) that the trace shows as `shown`, waiting
    /// for its reply as `pending`; every command line goes out through here.
    void send_line(Output& out, Pending pending, const std::string& text, std::string shown,
                   std::string_view section);

    // The mail transaction: transaction.cpp.
    Output start_transaction();
    std::string unsupported_need() const;
    std::string mail_command() const;
    std::string rcpt_command(const std::string& mailbox) const;
    void send_rcpt(Output& out, std::size_t index);
    Output on_mail(const wire::WireReply& reply);
    Output on_rcpt(const wire::WireReply& reply, std::size_t index);
    Output after_recipients();
    Output on_data(const wire::WireReply& reply);
    Output on_data_end(const wire::WireReply& reply);
    /// Queues message data after DATA's 354 (dot-stuffed, with its end mark), which the trace
    /// shows as `shown`, cited as `section`.
    void send_data(Output& out, std::string data, std::string shown, std::string_view section);
    Output send_chunk();
    Output on_bdat(const wire::WireReply& reply, std::size_t end);
    bool any_accepted() const;
    void settle(RecipientOutcome::State from, RecipientOutcome::State to,
                const wire::WireReply& reply, const std::string& note = {});

    Settings settings_;
    Envelope envelope_;
    PreparedMessage message_;
    std::deque<Pending> pending_;
    Extensions extensions_;
    std::vector<RecipientOutcome> recipients_;
    std::vector<std::string> warnings_;
    std::unique_ptr<sasl::ClientMechanism> mechanism_;
    std::string failure_reason_;
    wire::WireReply mail_reply_;
    Failure failure_ = Failure::none;
    std::size_t chunk_offset_ = 0;
    bool esmtp_ = false;
    bool tls_active_ = false;
    bool tls_declined_ = false;
    bool authenticated_ = false;
    bool pipelined_ = false;
    bool used_chunking_ = false;
    bool used_pipelining_ = false;
    bool mail_accepted_ = false;
    bool closing_ = false;
    bool stopped_ = false;
    bool done_ = false;
#ifdef EHLO_TEST_SEAMS
    std::unique_ptr<ClientHooks> hooks_;  ///< null unless Settings::make_hooks is set
#endif
};

/// Takes one event and says what to send next RFC 5321 §4.1.1: the reply to the oldest
/// command still waiting is matched to it, as replies come in order RFC 2920 §3.1.
inline Output step(Session& session, const Event& event) {
    return session.handle(event);
}

/// Whether the envelope or the message needs SMTPUTF8 RFC 6531 §3.4: a UTF-8 address, or
/// UTF-8 in the message's header section RFC 6532 §3.
bool needs_smtputf8(const Envelope& envelope, const PreparedMessage& message);

/// Encodes `text` as xtext RFC 3461 §4: octets outside "!" to "~", "+" and "=" become "+XX".
std::string xtext(std::string_view text);

}  // namespace ehlo::client
