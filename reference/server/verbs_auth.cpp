// Layer: server (sans-I/O). AUTH, RFC 4954: the verb's check and apply (RFC 4954 §4), the
// continuation lines of an exchange (RFC 4954 §4), and the reply of each outcome from the reply
// table (RFC 4954 §4, RFC 4954 §6). The rules themselves (what is offered, what is refused, how an
// exchange runs) are in auth.cpp; the mechanisms in sasl/. The state table has already refused AUTH
// before EHLO/HELO (503) and inside a mail transaction (503, RFC 4954 §4); Connection feeds the
// continuation lines here while the session is in State::authenticating.
#include <chrono>

#include "server/auth.hpp"
#include "server/extensions.hpp"
#include "server/verbs.hpp"

namespace ehlo::server::verbs {

using protocol::make_reply;
using protocol::ReplyId;

namespace {

Reply refusal_reply(AuthRefusal refusal) {
    switch (refusal) {
        case AuthRefusal::not_offered:
            return make_reply(ReplyId::not_implemented);
        case AuthRefusal::need_ehlo:
            return make_reply(ReplyId::auth_needs_ehlo);
        case AuthRefusal::already_authenticated:
            return make_reply(ReplyId::auth_already_done);
        case AuthRefusal::unknown_mechanism:
            return make_reply(ReplyId::auth_unknown_mechanism);
        case AuthRefusal::encryption_required:
            break;
    }
    return make_reply(ReplyId::auth_encryption_required);
}

/// The reply that ends an exchange for `reason` (RFC 4954 §4, RFC 4954 §6); the codes are those
/// sasl::reply_for() names, and a unit test holds the two together.
ReplyId failure_reply(sasl::Failure reason) {
    switch (reason) {
        case sasl::Failure::malformed:
            return ReplyId::auth_malformed;
        case sasl::Failure::bad_base64:
            return ReplyId::auth_bad_base64;
        case sasl::Failure::cancelled:
            return ReplyId::auth_cancelled;
        case sasl::Failure::unexpected_initial:
            return ReplyId::auth_unexpected_initial;
        case sasl::Failure::too_long:
            return ReplyId::auth_line_too_long;
        case sasl::Failure::too_weak:
            return ReplyId::auth_too_weak;
        case sasl::Failure::encryption_required:
            return ReplyId::auth_encryption_required;
        case sasl::Failure::temporary:
            return ReplyId::auth_temporary;
        case sasl::Failure::invalid_credentials:
            break;
    }
    return ReplyId::auth_invalid;
}

}  // namespace

Reply auth_reply(const sasl::Step& step) {
    if (const auto* challenge = std::get_if<sasl::Challenge>(&step)) {
        // 334 and the base64 challenge, nothing else RFC 4954 §4.
        return make_reply(ReplyId::auth_challenge, {challenge_text(*challenge)});
    }
    if (std::holds_alternative<sasl::Success>(step)) return make_reply(ReplyId::auth_succeeded);
    return make_reply(failure_reply(std::get<sasl::Failed>(step).reason));
}

std::optional<Reply> check(const Context& ctx, const protocol::Auth& cmd) {
    // Switched off with --disable AUTH: the verb is known but not implemented here.
    if (!ctx.policy.offers(Extension::auth)) return make_reply(ReplyId::not_implemented);
    const AuthFacts facts{.extended = ctx.session.extended,
                          .tls = ctx.session.tls,
                          .authenticated = ctx.session.auth.authenticated()};
    if (auto refusal = refuse_auth(ctx.policy.auth, facts, cmd.mechanism)) {
        return refusal_reply(*refusal);
    }
    return std::nullopt;
}

Applied apply(Context& ctx, const protocol::Auth& cmd) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(ctx.now.time_since_epoch());
    const AuthPlace place{ctx.policy.hostname, seconds.count()};
    const protocol::AuthArguments arguments{cmd.mechanism, cmd.initial_response};
    const sasl::Step step = start_auth(ctx.session.auth, ctx.policy.auth, arguments, place);
    // A challenge turns the next line into the client's response RFC 4954 §4.
    Applied applied{auth_reply(step)};
    if (ctx.session.auth.in_exchange()) {
        applied.then = LeadOn{State::authenticating, Trigger::auth_challenge};
    }
    return applied;
}

Outcome auth_response(Session& session, std::string_view line) {
    Outcome outcome{auth_reply(continue_auth(session.auth, line)), {}, {}};
    // The exchange is over after 235 or a failure: commands again RFC 4954 §4.
    if (!session.auth.in_exchange()) {
        outcome.edges.push_back(enter(session, State::greeted, Trigger::auth_over));
    }
    return outcome;
}

Outcome auth_line_fault(Session& session, wire::LineEvent fault, Reply framing_reply) {
    Outcome outcome{std::move(framing_reply), {}, {}};
    outcome.edges.push_back(enter(session, State::greeted, Trigger::auth_over));
    // Over the 12288-octet buffer: 500 5.5.6 RFC 4954 §4. The line reader has dropped it
    // as it came, so nothing of it was kept.
    if (fault == wire::LineEvent::too_long) {
        outcome.reply = auth_reply(fail_auth(session.auth, sasl::Failure::too_long));
        return outcome;
    }
    // A bare CR, bare LF or NUL: no response can be read from such a line, and acting on
    // part of it would be guessing; the exchange ends with the framing's own 500.
    fail_auth(session.auth, sasl::Failure::malformed);
    return outcome;
}

std::optional<Reply> require_auth(const Session& session, const Policy& policy,
                                  protocol::Verb verb) {
    if (!needs_auth_first(policy.auth, session.auth, verb)) return std::nullopt;
    return make_reply(ReplyId::auth_required);  // 530 5.7.0 (RFC 4954 §6)
}

}  // namespace ehlo::server::verbs
