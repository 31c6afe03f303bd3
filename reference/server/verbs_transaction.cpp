// Layer: server (sans-I/O). The mail transaction of RFC 5321 §3.3: MAIL (RFC 5321 §4.1.1.2), RCPT
// (RFC 5321 §4.1.1.3) and DATA (RFC 5321 §4.1.1.4), with the server's policy: mail only for its own
// domains (no relaying, RFC 5321 §3.6.2), moved addresses (RFC 5321 §3.4), postmaster
// (RFC 5321 §4.5.1), recipient and size limits (RFC 5321 §4.5.3.1.8, RFC 5321 §4.5.3.1.10), and
// UTF-8 paths only with SMTPUTF8 (RFC 6531 §3.4). The MAIL parameters of the extensions are checked
// in extensions.cpp.
#include <string>

#include "server/chunking.hpp"
#include "server/extensions.hpp"
#include "server/verbs.hpp"

namespace ehlo::server::verbs {

using protocol::Mailbox;
using protocol::make_reply;
using protocol::ReplyId;

namespace {

bool is_local_domain(std::string_view domain, const Policy& policy) {
    for (const auto& ours : policy.domains) {
        if (protocol::domain_equal(domain, ours)) return true;
    }
    return policy.accept_any_domain && !domain.empty();
}

/// The alias table is keyed by "local@domain" with the domain in ASCII lower case; the
/// octets of a U-label (RFC 6531 §3.3) are kept as they are.
std::optional<Mailbox> moved_to(const Mailbox& mailbox, const Policy& policy) {
    std::string key = mailbox.local_part + "@";
    for (char c : mailbox.domain)
        key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    auto found = policy.aliases.find(key);
    if (found == policy.aliases.end()) return std::nullopt;
    auto at = found->second.rfind('@');
    return Mailbox{found->second.substr(0, at), found->second.substr(at + 1)};
}

/// The recipient as it will be delivered: bare <Postmaster> belongs to this server
/// RFC 5321 §4.5.1.
Mailbox delivery_mailbox(const protocol::ForwardPath& path, const Policy& policy) {
    if (path.is_bare_postmaster()) return Mailbox{"postmaster", primary_domain(policy)};
    return path.mailbox;
}

}  // namespace

std::string primary_domain(const Policy& policy) {
    return policy.domains.empty() ? policy.hostname : policy.domains.front();
}

std::optional<Reply> check(const Context& ctx, const protocol::Mail& cmd) {
    // The session limit, then the parameters of the extensions offered in EHLO (anything
    // else is 555 RFC 5321 §4.1.1.11), then UTF-8 against SMTPUTF8 RFC 6531 §3.4.
    return check_mail_extensions(ctx.session, ctx.policy, cmd, ctx.has_utf8);
}

Applied apply(Context& ctx, const protocol::Mail& cmd) {
    // MAIL opens a transaction with a clean slate RFC 5321 §4.1.1.2.
    ctx.session.envelope = Envelope{};
    ctx.session.envelope.reverse_path = cmd.reverse_path;
    ctx.session.envelope.smtputf8 = mail_requests_smtputf8(cmd);
    ctx.session.envelope.binarymime = mail_requests_binarymime(cmd);
    ctx.session.mail_commands += 1;
    return {make_reply(ReplyId::sender_ok)};
}

std::optional<Reply> check(const Context& ctx, const protocol::Rcpt& cmd) {
    if (!cmd.parameters.empty()) return make_reply(ReplyId::parameter_unknown);
    // A UTF-8 forward-path only in a transaction whose MAIL had SMTPUTF8: else 553 5.6.7
    // RFC 6531 §3.5.
    if (ctx.has_utf8 && !ctx.session.envelope.smtputf8) {
        return make_reply(ReplyId::non_ascii_address);
    }
    // At the implementation limit the right answer is 452 RFC 5321 §4.5.3.1.10.
    if (ctx.session.envelope.recipients.size() >= ctx.policy.limits.max_recipients) {
        return make_reply(ReplyId::too_many_recipients);
    }
    Mailbox mailbox = delivery_mailbox(cmd.forward_path, ctx.policy);
    if (auto moved = moved_to(mailbox, ctx.policy)) {
        // A moved address we do not serve ourselves: tell the client where RFC 5321 §3.4.
        if (!is_local_domain(moved->domain, ctx.policy)) {
            return make_reply(ReplyId::user_not_local,
                              {"User not local; please try <" + moved->to_string() + ">"});
        }
        return std::nullopt;
    }
    // Mail for any other domain would be relaying, which this server refuses RFC 5321 §3.6.2.
    if (!is_local_domain(mailbox.domain, ctx.policy)) return make_reply(ReplyId::relay_denied);
    return std::nullopt;
}

Applied apply(Context& ctx, const protocol::Rcpt& cmd) {
    Mailbox mailbox = delivery_mailbox(cmd.forward_path, ctx.policy);
    if (auto moved = moved_to(mailbox, ctx.policy)) {
        // 251: accepted, and delivered to the address it moved to RFC 5321 §3.4.
        ctx.session.envelope.recipients.push_back(*moved);
        return {make_reply(ReplyId::recipient_forwarded,
                           {"User not local; will forward to <" + moved->to_string() + ">"})};
    }
    ctx.session.envelope.recipients.push_back(std::move(mailbox));
    return {make_reply(ReplyId::recipient_ok)};
}

Applied apply(Context& ctx, const protocol::Data&) {
    // 354, then the message data; the store receives our Received: line first
    // RFC 5321 §4.1.1.4 RFC 5321 §4.4.
    ctx.session.transactions += 1;
    std::string header = received_header(ctx.session, ctx.policy, ctx.now);
    return {make_reply(ReplyId::start_mail_input),
            {Action{Action::Kind::begin_message, std::move(header)}}};
}

}  // namespace ehlo::server::verbs
