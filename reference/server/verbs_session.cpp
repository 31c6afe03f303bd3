// Layer: server (sans-I/O). The commands that do not belong to a mail transaction:
// EHLO and HELO (RFC 5321 §4.1.1.1), RSET (RFC 5321 §4.1.1.5), VRFY (RFC 5321 §4.1.1.6), EXPN
// (RFC 5321 §4.1.1.7), HELP (RFC 5321 §4.1.1.8, its topics from the verb table), NOOP
// (RFC 5321 §4.1.1.9) and QUIT (RFC 5321 §4.1.1.10). Whether a verb is allowed at all in the
// current state is decided before, by the state table (state.hpp).
#include <string>
#include <utility>

#include "protocol/citation.hpp"
#include "server/extensions.hpp"
#include "server/verbs.hpp"

namespace ehlo::server::verbs {

using protocol::make_reply;
using protocol::Reply;
using protocol::ReplyId;

namespace {

/// EHLO and HELO start the session afresh, as a RSET would RFC 5321 §4.1.4.
void greet(Session& session, std::string domain, bool extended) {
    session.client_domain = std::move(domain);
    session.extended = extended;
    session.envelope = Envelope{};
}

}  // namespace

Applied apply(Context& ctx, const protocol::Ehlo& cmd) {
    greet(ctx.session, cmd.domain, true);
    // The first line names the server and greets the client; then one keyword a line for
    // each extension offered (extensions.cpp).
    std::vector<std::string> lines{ctx.policy.hostname + " greets " + cmd.domain};
    for (auto& keyword : ehlo_keywords(ctx.policy, ctx.session))
        lines.push_back(std::move(keyword));
    return {make_reply(ReplyId::ehlo_ok, std::move(lines))};
}

Applied apply(Context& ctx, const protocol::Helo& cmd) {
    greet(ctx.session, cmd.domain, false);
    return {make_reply(ReplyId::helo_ok, {ctx.policy.hostname + " greets " + cmd.domain})};
}

Applied apply(Context& ctx, const protocol::Rset&) {
    // RSET drops the transaction but keeps the greeting RFC 5321 §4.1.1.5.
    ctx.session.envelope = Envelope{};
    return {make_reply(ReplyId::reset_ok)};
}

Applied apply(Context&, const protocol::Noop&) {
    // NOOP may carry any argument, which is ignored RFC 5321 §4.1.1.9.
    return {make_reply(ReplyId::ok)};
}

Applied apply(Context&, const protocol::Quit&) {
    // 221, then the server closes the channel RFC 5321 §4.1.1.10.
    return {make_reply(ReplyId::closing), {Action{Action::Kind::close, {}}}};
}

Applied apply(Context&, const protocol::Vrfy&) {
    // This server accepts any local part of its domains and keeps no user list, so it can
    // verify nothing: 252, never a 250 that would claim a verification RFC 5321 §3.5.3
    // RFC 5321 §7.3.
    return {make_reply(ReplyId::cannot_verify)};
}

Applied apply(Context&, const protocol::Expn&) {
    // No mailing lists here: 252, which neither confirms nor denies RFC 5321 §7.3.
    return {make_reply(ReplyId::cannot_expand)};
}

namespace {

/// Whether one of the EHLO keywords announced now is `extension`.
bool announced(const std::vector<std::string>& keywords, std::string_view extension) {
    for (const std::string& keyword : keywords) {
        if (std::string_view(keyword).substr(0, keyword.find(' ')) == extension) return true;
    }
    return false;
}

/// The verbs of the verb table that this session may use: those of RFC 5321, and those of
/// the extensions announced at this moment, so that HELP agrees with EHLO.
Reply help_commands(const Context& ctx) {
    const std::vector<std::string> keywords = ehlo_keywords(ctx.policy, ctx.session);
    std::string text = "Commands:";
    for (const protocol::VerbRow& row : protocol::verb_table) {
        if (row.extension.empty() || announced(keywords, row.extension)) {
            text += " " + std::string(row.name);
        }
    }
    return make_reply(ReplyId::help, {text});
}

}  // namespace

Applied apply(Context& ctx, const protocol::Help& cmd) {
    // HELP alone lists the commands; HELP <command> names the RFC section that defines it
    // RFC 5321 §4.1.1.8. Other topics get 504 RFC 5321 §4.3.2.
    if (cmd.argument.empty()) return {help_commands(ctx)};
    for (const protocol::VerbRow& row : protocol::verb_table) {
        if (protocol::domain_equal(cmd.argument, row.name)) {
            // Reply text is ASCII: `MAIL is defined in RFC 5321 section 4.1.1.2`.
            std::string text =
                std::string(row.name) + " is defined in " + protocol::ascii_citation(row.section);
            return {make_reply(ReplyId::help, {text})};
        }
    }
    return {make_reply(ReplyId::help_topic_unknown)};
}

}  // namespace ehlo::server::verbs
