// Layer: server (sans-I/O). STARTTLS, RFC 3207: the verb's check and apply (RFC 3207 §4), the reset
// of the session once the handshake is done (RFC 3207 §4.2), and the 530 of a server that demands
// TLS before mail (RFC 3207 §4). The handshake itself, and dropping the bytes a client sent before
// it, are left to the driver and server::Connection; whether STARTTLS is announced is decided in
// extensions.cpp.
//
// Choices where RFC 3207 leaves room, each with its reason:
//  - STARTTLS needs EHLO: it is an extension, and a client learns of extensions only from
//    the EHLO reply (RFC 5321 §2.2.1, RFC 5321 §4.1.1.1). Before any greeting the state table
//    answers 503; after HELO this check does.
//  - STARTTLS inside a mail transaction gets 503: the reset of RFC 3207 §4.2 would drop the open
//    transaction without the client being told (the state table says so).
//  - Not offered (no certificate, or --disable STARTTLS): 454 4.7.0, one of the three
//    replies RFC 3207 §4 lists for STARTTLS; the client may then decide to go on without TLS.
//  - A second STARTTLS, once TLS is on: 503 5.5.1; RFC 3207 §4.2 forbids the client to ask and the
//    server to announce it.
//  - With --require-tls, 530 5.7.0 goes to every command but EHLO, HELO, NOOP, RSET, QUIT and
//    STARTTLS. RFC 3207 §4 names NOOP, EHLO, STARTTLS and QUIT; HELO (the older greeting) and RSET
//    reveal and accept nothing either, and refusing them would only confuse old clients.
#include "server/extensions.hpp"
#include "server/verbs.hpp"

namespace ehlo::server::verbs {

using protocol::make_reply;
using protocol::ReplyId;
using protocol::Verb;

namespace {

/// The commands a server that demands TLS still answers before the handshake.
bool allowed_before_tls(Verb verb) {
    switch (verb) {
        case Verb::ehlo:
        case Verb::helo:
        case Verb::noop:
        case Verb::rset:
        case Verb::quit:
        case Verb::starttls:
            return true;
        default:
            return false;
    }
}

}  // namespace

std::optional<Reply> check(const Context& ctx, const protocol::StartTls&) {
    // Once TLS is on, STARTTLS is neither announced nor accepted again RFC 3207 §4.2.
    if (ctx.session.tls) return make_reply(ReplyId::tls_already_active);
    // Without a certificate (or with --disable STARTTLS) there is no TLS to start: 454,
    // after which the client decides whether to go on in the clear RFC 3207 §4.
    if (!ctx.policy.offers(Extension::starttls)) return make_reply(ReplyId::tls_not_available);
    // A HELO session has not been told of any extension RFC 5321 §4.1.1.1.
    if (!ctx.session.extended) return make_reply(ReplyId::starttls_needs_ehlo);
    return std::nullopt;
}

Applied apply(Context&, const protocol::StartTls&) {
    // 220, then the handshake; nothing the client sent after STARTTLS in the clear is ever
    // read as a command (the driver drops it, see Connection) RFC 3207 §4.2.
    return {make_reply(ReplyId::tls_ready), {Action{Action::Kind::start_tls, {}}}};
}

std::optional<Reply> require_tls(const Session& session, const Policy& policy, Verb verb) {
    if (!policy.require_tls || session.tls || allowed_before_tls(verb)) return std::nullopt;
    return make_reply(ReplyId::need_starttls);  // 530 5.7.0 RFC 3207 §4
}

Edge tls_started(Session& session) {
    // Back to the state after the greeting: the EHLO domain, the extended flag, any envelope
    // and any AUTH identity came from the client in the clear and are forgotten; the client
    // sends EHLO again RFC 3207 §4.2. The counters stay, since they belong to the connection.
    Edge edge = enter(session, State::connected, Trigger::tls_started);
    session.client_domain.clear();
    session.extended = false;
    session.envelope = Envelope{};
    session.auth = AuthState{};
    session.tls = true;
    return edge;
}

}  // namespace ehlo::server::verbs
