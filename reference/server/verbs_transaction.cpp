// Layer: server (sans-I/O). The mail transaction of RFC 5321 §3.3: MAIL (§4.1.1.2), RCPT
// (§4.1.1.3) and DATA (§4.1.1.4), with the server's policy: mail only for its own domains
// (no relaying, §3.6.2), moved addresses (§3.4), postmaster (§4.5.1), recipient and size
// limits (§4.5.3.1.8, §4.5.3.1.10, RFC 1870).
#include <cctype>
#include <charconv>
#include <string>

#include "server/verbs.hpp"

namespace ehlo::server::verbs {

using protocol::Mailbox;
using protocol::make_reply;
using protocol::ReplyId;

namespace {

bool same_word(std::string_view a, std::string_view b) {
    return protocol::domain_equal(a, b);
}

/// SIZE=n (RFC 1870 §6): a declared size above the limit is refused at once with 552.
std::optional<Reply> check_size(const protocol::Parameter& p, const Policy& policy) {
    std::size_t declared = 0;
    const char* end = p.value.data() + p.value.size();
    auto [ptr, error] = std::from_chars(p.value.data(), end, declared);
    if (!p.has_value || error == std::errc::invalid_argument || ptr != end) {
        return make_reply(ReplyId::bad_arguments);
    }
    // A number too large to hold is certainly above the limit.
    if (error == std::errc::result_out_of_range || declared > policy.limits.max_message_size) {
        return make_reply(ReplyId::message_too_big);
    }
    return std::nullopt;
}

/// BODY=7BIT or BODY=8BITMIME (RFC 6152 §2); both are stored the same way.
std::optional<Reply> check_body(const protocol::Parameter& p) {
    if (p.has_value && (same_word(p.value, "7BIT") || same_word(p.value, "8BITMIME"))) {
        return std::nullopt;
    }
    return make_reply(ReplyId::bad_arguments);
}

bool is_local_domain(std::string_view domain, const Policy& policy) {
    for (const auto& ours : policy.domains) {
        if (protocol::domain_equal(domain, ours)) return true;
    }
    return policy.accept_any_domain && !domain.empty();
}

/// The alias table is keyed by "local@domain" with the domain in lower case.
std::optional<Mailbox> moved_to(const Mailbox& mailbox, const Policy& policy) {
    std::string key = mailbox.local_part + "@";
    for (char c : mailbox.domain)
        key += static_cast<char>(std::tolower(c));
    auto found = policy.aliases.find(key);
    if (found == policy.aliases.end()) return std::nullopt;
    auto at = found->second.rfind('@');
    return Mailbox{found->second.substr(0, at), found->second.substr(at + 1)};
}

/// The recipient as it will be delivered: bare <Postmaster> belongs to this server
/// \rfc{5321,4.5.1}.
Mailbox delivery_mailbox(const protocol::ForwardPath& path, const Policy& policy) {
    if (path.is_bare_postmaster()) return Mailbox{"postmaster", primary_domain(policy)};
    return path.mailbox;
}

}  // namespace

std::string primary_domain(const Policy& policy) {
    return policy.domains.empty() ? policy.hostname : policy.domains.front();
}

std::optional<Reply> check(const Context& ctx, const protocol::Mail& cmd) {
    // Known parameters of the extensions in EHLO; anything else is 555 \rfc{5321,4.1.1.11}.
    for (const auto& p : cmd.parameters) {
        std::optional<Reply> refusal;
        if (same_word(p.keyword, "SIZE")) {
            refusal = check_size(p, ctx.policy);
        } else if (same_word(p.keyword, "BODY")) {
            refusal = check_body(p);
        } else {
            refusal = make_reply(ReplyId::parameter_unknown);
        }
        if (refusal) return refusal;
    }
    return std::nullopt;
}

Applied apply(Context& ctx, const protocol::Mail& cmd) {
    // MAIL opens a transaction with a clean slate \rfc{5321,4.1.1.2}.
    ctx.session.envelope = Envelope{};
    ctx.session.envelope.reverse_path = cmd.reverse_path;
    return {make_reply(ReplyId::sender_ok)};
}

std::optional<Reply> check(const Context& ctx, const protocol::Rcpt& cmd) {
    if (!cmd.parameters.empty()) return make_reply(ReplyId::parameter_unknown);
    // At the implementation limit the right answer is 452 \rfc{5321,4.5.3.1.10}.
    if (ctx.session.envelope.recipients.size() >= ctx.policy.limits.max_recipients) {
        return make_reply(ReplyId::too_many_recipients);
    }
    Mailbox mailbox = delivery_mailbox(cmd.forward_path, ctx.policy);
    if (auto moved = moved_to(mailbox, ctx.policy)) {
        // A moved address we do not serve ourselves: tell the client where \rfc{5321,3.4}.
        if (!is_local_domain(moved->domain, ctx.policy)) {
            return make_reply(ReplyId::user_not_local,
                              {"User not local; please try <" + moved->to_string() + ">"});
        }
        return std::nullopt;
    }
    // Mail for any other domain would be relaying, which this server refuses \rfc{5321,3.6.2}.
    if (!is_local_domain(mailbox.domain, ctx.policy)) return make_reply(ReplyId::relay_denied);
    return std::nullopt;
}

Applied apply(Context& ctx, const protocol::Rcpt& cmd) {
    Mailbox mailbox = delivery_mailbox(cmd.forward_path, ctx.policy);
    if (auto moved = moved_to(mailbox, ctx.policy)) {
        // 251: accepted, and delivered to the address it moved to \rfc{5321,3.4}.
        ctx.session.envelope.recipients.push_back(*moved);
        return {make_reply(ReplyId::recipient_forwarded,
                           {"User not local; will forward to <" + moved->to_string() + ">"})};
    }
    ctx.session.envelope.recipients.push_back(std::move(mailbox));
    return {make_reply(ReplyId::recipient_ok)};
}

Applied apply(Context& ctx, const protocol::Data&) {
    // 354, then the message data; the store receives our Received: line first
    // \rfc{5321,4.1.1.4} \rfc{5321,4.4}.
    ctx.session.transactions += 1;
    std::string header = received_header(ctx.session, ctx.policy, ctx.now);
    return {make_reply(ReplyId::start_mail_input),
            {Action{Action::Kind::begin_message, std::move(header)}}};
}

}  // namespace ehlo::server::verbs
