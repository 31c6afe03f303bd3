// Layer: client (sans-I/O). The connection part of the client state machine: the greeting
// (RFC 5321 §3.1, RFC 5321 §4.3.1), EHLO and its HELO fallback (RFC 5321 §3.2, RFC 5321 §4.1.1.1),
// STARTTLS (RFC 3207 §4, RFC 3207 §4.2), AUTH (RFC 4954 §4), 421 at any point (RFC 5321 §3.8), QUIT
// (RFC 5321 §4.1.1.10) and a connection that breaks, and the early end with QUIT that
// Settings::quit_after asks for. The transaction is in transaction.cpp. In
// test builds the hooks of client/client_hooks.hpp are called here, at the few places marked
// EHLO_TEST_SEAMS.
#include "client/session.hpp"

#include "sasl/base64.hpp"

namespace ehlo::client {

namespace {

bool positive(int code) {
    return code >= 200 && code < 300;
}
bool transient(int code) {
    return code >= 400 && code < 500;
}
// A code is read by its first digit, so an unknown code of a known class counts as that class
// RFC 5321 §4.2.2, RFC 5321 §4.3.2: 229 greets, 359 asks for the data.
bool intermediate(int code) {
    return code >= 300 && code < 400;
}

/// "421 4.3.2 Shutting down" as one line for the user.
std::string describe(const wire::WireReply& reply) {
    std::string text = std::to_string(reply.code);
    if (!reply.lines.empty() && !reply.lines.front().empty()) text += " " + reply.lines.front();
    return text;
}

/// The class of failure a negative reply stands for.
Failure failure_of(int code) {
    if (transient(code)) return Failure::temporary;
    if (code >= 500 && code < 600) return Failure::permanent;
    return Failure::protocol;
}

}  // namespace

Session::Session(Settings settings, Envelope envelope, PreparedMessage message)
    : settings_(std::move(settings)), envelope_(std::move(envelope)), message_(std::move(message)) {
    for (const std::string& mailbox : envelope_.forward_paths)
        recipients_.push_back({mailbox, RecipientOutcome::State::pending, {}, {}});
    tls_active_ = settings_.tls == TlsMode::implicit;
    pending_.push_back({Awaiting::greeting});
#ifdef EHLO_TEST_SEAMS
    if (settings_.make_hooks) hooks_ = settings_.make_hooks();
#endif
}

Output Session::handle(const Event& event) {
    if (done_) return {};
    if (const auto* reply = std::get_if<wire::WireReply>(&event)) {
#ifdef EHLO_TEST_SEAMS
        if (hooks_) {
            wire::WireReply seen = *reply;
            hooks_->received(*this, seen);
            return on_reply(seen);
        }
#endif
        return on_reply(*reply);
    }
    if (std::holds_alternative<TlsStarted>(event)) return on_tls_started();
    if (const auto* failed = std::get_if<TlsFailed>(&event)) {
        Output out = fail(Failure::tls, "the TLS handshake failed: " + failed->why);
        done_ = out.close = true;  // the stream is unusable: no QUIT
        return out;
    }
    return on_connection_lost(std::get<ConnectionLost>(event));
}

std::optional<protocol::Verb> Session::verb_of(Awaiting what) {
    using protocol::Verb;
    switch (what) {
        case Awaiting::greeting:
            return std::nullopt;
        case Awaiting::ehlo:
            return Verb::ehlo;
        case Awaiting::helo:
            return Verb::helo;
        case Awaiting::starttls:
            return Verb::starttls;
        case Awaiting::auth:
            return Verb::auth;
        case Awaiting::mail:
            return Verb::mail;
        case Awaiting::rcpt:
            return Verb::rcpt;
        case Awaiting::data:
        case Awaiting::data_end:
            return Verb::data;
        case Awaiting::bdat:
            return Verb::bdat;
        case Awaiting::quit:
            return Verb::quit;
    }
    return std::nullopt;
}

std::optional<Session::Awaiting> Session::awaiting() const {
    if (pending_.empty()) return std::nullopt;
    return pending_.front().what;
}

std::string_view Session::awaiting_section() const {
    if (pending_.empty()) return {};
    std::optional<protocol::Verb> verb = verb_of(pending_.front().what);
    return verb ? protocol::verb_section(*verb) : "RFC 5321 §4.3.1";  // the greeting
}

void Session::send(Output& out, Awaiting what, std::string text, std::string_view section,
                   std::size_t index) {
    if (section.empty()) section = protocol::verb_section(*verb_of(what));
    send_line(out, {what, index}, text, text, section);
}

void Session::send_line(Output& out, Pending pending, const std::string& text, std::string shown,
                        std::string_view section) {
    std::string line = text + "\r\n";
#ifdef EHLO_TEST_SEAMS
    if (hooks_) hooks_->sending_command(*this, line);
#endif
    out.commands.push_back({std::move(line), std::move(shown), section});
    pending_.push_back(pending);
}

#ifdef EHLO_TEST_SEAMS
bool Session::decide(Decision decision, bool chosen) {
    return hooks_ ? hooks_->decide(*this, decision, chosen) : chosen;
}
#endif

Output Session::on_reply(const wire::WireReply& reply) {
    bool quitting = !pending_.empty() && pending_.front().what == Awaiting::quit;
    if (reply.code == 421 && !quitting)  // closing down, at any time RFC 5321 §3.8
        return fail(Failure::temporary, "the server is closing: " + describe(reply), &reply);
    if (pending_.empty()) {
        Output out = fail(Failure::protocol, "a reply nothing asked for: " + describe(reply));
        done_ = out.close = true;
        return out;
    }
    Pending now = pending_.front();
    pending_.pop_front();
    if (now.what != Awaiting::quit && (reply.code < 200 || reply.code >= 600)) {
        // Out of range: a fatal error; the session still ends with QUIT RFC 5321 §4.2.
        return quit(fail(Failure::protocol,
                         "a reply code out of range (RFC 5321 §4.2): " + describe(reply), &reply));
    }
    if (!expected(now.what, reply.code)) {  // out of step: give up on the connection
        Output out =
            fail(Failure::protocol,
                 "a reply SMTP does not allow here (RFC 5321 §4.3.2): " + describe(reply), &reply);
        done_ = out.close = true;
        return out;
    }
    if (closing_ && now.what != Awaiting::quit) return {};  // replies still due before QUIT's
    switch (now.what) {
        case Awaiting::greeting:
            return on_greeting(reply);
        case Awaiting::ehlo:
            return on_ehlo(reply);
        case Awaiting::helo:
            return on_helo(reply);
        case Awaiting::starttls:
            return on_starttls(reply);
        case Awaiting::auth:
            return on_auth(reply);
        case Awaiting::mail:
            return on_mail(reply);
        case Awaiting::rcpt:
            return on_rcpt(reply, now.index);
        case Awaiting::data:
            return on_data(reply);
        case Awaiting::data_end:
            return on_data_end(reply);
        case Awaiting::bdat:
            return on_bdat(reply, now.index);
        case Awaiting::quit:
            return on_closing(reply);
    }
    return {};
}

bool Session::expected(Awaiting what, int code) {
    if (what == Awaiting::quit) return true;
    if (code >= 400 && code < 600) return true;
    switch (what) {
        case Awaiting::greeting:
        case Awaiting::starttls:
            return positive(code);
        case Awaiting::data:
            return intermediate(code);
        case Awaiting::auth:
            return code == 334 || positive(code);
        default:
            return positive(code);
    }
}

Output Session::on_greeting(const wire::WireReply& reply) {
    if (positive(reply.code)) {
        if (settings_.quit_after == QuitAfter::greeting) return stop("the greeting");
        Output out;
        send(out, Awaiting::ehlo, "EHLO " + settings_.client_domain);
        return out;
    }
    // A 554 greeting refuses service; the client should still say QUIT RFC 5321 §3.1.
    Failure failure = failure_of(reply.code);
    return quit(fail(failure, "the server refused the connection: " + describe(reply), &reply));
}

Output Session::on_ehlo(const wire::WireReply& reply) {
    if (positive(reply.code)) {
        extensions_ = parse_extensions(reply);
        esmtp_ = true;
        if (settings_.quit_after == QuitAfter::ehlo) return stop("EHLO");
        return after_hello();
    }
    if (reply.code >= 500 && reply.code < 600) {  // an older server: fall back RFC 5321 §3.2
        Output out;
        send(out, Awaiting::helo, "HELO " + settings_.client_domain);
        return out;
    }
    return quit(fail(failure_of(reply.code), "EHLO was refused: " + describe(reply), &reply));
}

Output Session::on_helo(const wire::WireReply& reply) {
    if (!positive(reply.code))
        return quit(fail(failure_of(reply.code), "HELO was refused: " + describe(reply), &reply));
    extensions_ = {};
    esmtp_ = false;
    if (settings_.quit_after == QuitAfter::ehlo) return stop("HELO");
    return after_hello();
}

Output Session::after_hello() {
    bool want_starttls = settings_.tls == TlsMode::starttls_required ||
                         settings_.tls == TlsMode::starttls_opportunistic;
    if (want_starttls && !tls_active_ && !tls_declined_) {
        if (extensions_.starttls) {
            Output out;
            send(out, Awaiting::starttls, "STARTTLS");
            return out;
        }
        // Without the keyword, which an attacker may have stripped, nothing is sent RFC 3207 §6.
        bool insist = settings_.tls == TlsMode::starttls_required;
#ifdef EHLO_TEST_SEAMS
        insist = decide(Decision::require_tls, insist);
#endif
        if (insist)
            return quit(fail(Failure::tls,
                             "the server does not offer STARTTLS, which "
                             "--starttls=required demands (RFC 3207 §4)"));
        warnings_.push_back("the server does not offer STARTTLS: sending in plain text");
        tls_declined_ = true;
    }
    if (settings_.quit_after == QuitAfter::tls)
        return stop(tls_active_ ? "TLS and EHLO" : "EHLO, without TLS");
    bool authenticate = settings_.authenticate && !authenticated_;  // once RFC 4954 §4
#ifdef EHLO_TEST_SEAMS
    authenticate = decide(Decision::authenticate, authenticate);
#endif
    if (authenticate) return start_auth();
    if (settings_.quit_after == QuitAfter::auth) return stop("AUTH");
    return start_transaction();
}

Output Session::on_starttls(const wire::WireReply& reply) {
    if (positive(reply.code)) {
        Output out;
        out.start_tls = true;
        return out;
    }
    if (settings_.tls == TlsMode::starttls_required) {  // a 454 may pass: try again later
        Failure failure = transient(reply.code) ? Failure::temporary : Failure::tls;
        return quit(fail(failure, "STARTTLS was refused: " + describe(reply), &reply));
    }
    warnings_.push_back("STARTTLS was refused (" + describe(reply) + "): sending in plain text");
    tls_declined_ = true;
    return after_hello();
}

Output Session::on_tls_started() {
    // Forget all the server said before the handshake and ask again RFC 3207 §4.2.
    tls_active_ = true;
#ifdef EHLO_TEST_SEAMS
    if (!decide(Decision::hello_after_tls, true)) return after_hello();
#endif
    extensions_ = {};
    Output out;
    send(out, Awaiting::ehlo, "EHLO " + settings_.client_domain, "RFC 3207 §4.2");
    return out;
}

Output Session::start_auth() {
    if (extensions_.auth.empty())
        return quit(fail(Failure::auth, "the server offers no AUTH (RFC 4954 §3)"));
    std::vector<std::string_view> wanted;
    if (!settings_.auth_mechanism.empty())
        wanted.push_back(settings_.auth_mechanism);
    else
        wanted = sasl::client_mechanism_preference();
    for (std::string_view name : wanted) {
        bool offered = false;
        for (const std::string& mechanism : extensions_.auth)
            offered = offered || mechanism == name;
        if (!offered || !settings_.make_mechanism) continue;
        mechanism_ = settings_.make_mechanism(name);
        if (mechanism_) break;
    }
    if (!mechanism_) {
        std::string offered;
        for (const std::string& mechanism : extensions_.auth)
            offered += " " + mechanism;
        return quit(fail(Failure::auth, "no mechanism in common: the server offers AUTH" + offered +
                                            " (RFC 4954 §3)"));
    }
    std::string command = "AUTH " + std::string(mechanism_->name());
    std::string shown = command;
    if (auto initial = mechanism_->initial_response()) {  // "=" for an empty one RFC 4954 §4
        command += " " + (initial->empty() ? std::string("=") : sasl::base64_encode(*initial));
        shown += " <initial response hidden>";
    }
    Output out;
    send_line(out, {Awaiting::auth}, command, shown, protocol::verb_section(protocol::Verb::auth));
    return out;
}

Output Session::on_auth(const wire::WireReply& reply) {
    if (reply.code == 334) {
        std::string text = reply.lines.empty() ? std::string() : reply.lines.front();
        auto challenge = sasl::base64_decode(text);
        auto response = challenge ? mechanism_->respond(*challenge) : std::nullopt;
        Output out;
        std::string line = response ? sasl::base64_encode(*response) : std::string("*");
        send_line(out, {Awaiting::auth}, line, response ? "<response hidden>" : "*",
                  protocol::verb_section(protocol::Verb::auth));
        return out;
    }
    if (positive(reply.code)) {
        if (!mechanism_->server_verified())
            return quit(fail(Failure::auth,
                             "the server could not prove it knows the password "
                             "(SCRAM server signature, RFC 5802 §3)"));
        authenticated_ = true;
        return after_hello();  // which goes on to the transaction, AUTH done
    }
    Failure failure = transient(reply.code) ? Failure::temporary : Failure::auth;
    return quit(fail(failure, "authentication failed: " + describe(reply), &reply));
}

Output Session::on_closing(const wire::WireReply&) {
    done_ = true;
    Output out;
    out.close = true;
    return out;
}

Output Session::on_connection_lost(const ConnectionLost& lost) {
    done_ = true;
    bool quitting = !pending_.empty() && pending_.front().what == Awaiting::quit;
    if (quitting && !lost.protocol_error)
        return {.commands = {}, .start_tls = false, .close = true};
    Failure failure = lost.protocol_error ? Failure::protocol : Failure::temporary;
    std::string where = pending_.empty()
                            ? std::string()
                            : " (before the reply to " + command_of(pending_.front().what) + ")";
    Output out = fail(failure, lost.why + where, nullptr);
    out.close = true;
    return out;
}

std::string Session::command_of(Awaiting what) {
    if (what == Awaiting::greeting) return "the greeting";
    if (what == Awaiting::data_end) return "the message data: not delivered";
    std::string name(protocol::verb_name(*verb_of(what)));
    return what == Awaiting::bdat ? name + ": not delivered" : name;
}

Output Session::fail(Failure failure, std::string reason, const wire::WireReply* reply) {
    if (failure_ == Failure::none) {
        failure_ = failure;
        failure_reason_ = std::move(reason);
    }
    // Recipients still undecided share the failure; a message not yet acknowledged after its
    // data is not delivered RFC 5321 §4.1.1.4.
    wire::WireReply none;
    const wire::WireReply& why = reply ? *reply : none;
    settle(RecipientOutcome::State::pending, RecipientOutcome::State::refused, why,
           failure_reason_);
    settle(RecipientOutcome::State::rcpt_accepted, RecipientOutcome::State::refused, why,
           failure_reason_);
    for (RecipientOutcome& recipient : recipients_)
        if (recipient.state == RecipientOutcome::State::refused && recipient.reply.code == 0 &&
            recipient.cause == Failure::none)
            recipient.cause = failure;
    Output out;
    if (reply && reply->code == 421) {  // the server closes: no QUIT RFC 5321 §3.8
        done_ = true;
        out.close = true;
    }
    return out;
}

Output Session::quit(Output out) {
    if (done_ || closing_) return out;
    closing_ = true;
#ifdef EHLO_TEST_SEAMS
    if (!decide(Decision::say_quit, true)) {
        done_ = out.close = true;
        return out;
    }
#endif
    send(out, Awaiting::quit, "QUIT");
    return out;
}

Output Session::stop(const std::string& step) {
    stopped_ = true;
    for (RecipientOutcome& recipient : recipients_)
        if (recipient.state == RecipientOutcome::State::pending)
            recipient.note = "stopped after " + step + ", as asked";
    return quit();
}

int Session::exit_status() const {
    bool all_delivered = true, any_temporary = false;
    for (const RecipientOutcome& recipient : recipients_) {
        // A session stopped early succeeds when no one was refused up to where it stopped.
        bool fine = recipient.state == RecipientOutcome::State::delivered ||
                    (stopped_ && recipient.state != RecipientOutcome::State::refused);
        all_delivered = all_delivered && fine;
        any_temporary = any_temporary || (recipient.state != RecipientOutcome::State::delivered &&
                                          recipient.temporary());
    }
    switch (failure_) {
        case Failure::none:
            break;
        case Failure::temporary:
            return exit_code::temporary;
        case Failure::permanent:
            return exit_code::unavailable;
        case Failure::protocol:
            return exit_code::protocol;
        case Failure::tls:
            return exit_code::unavailable;
        case Failure::auth:
            return exit_code::no_permission;
        case Failure::unsupported:
            return exit_code::unavailable;
    }
    if (all_delivered && !recipients_.empty()) return exit_code::ok;
    return any_temporary ? exit_code::temporary : exit_code::unavailable;
}

}  // namespace ehlo::client
