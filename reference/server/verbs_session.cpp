// Layer: server (sans-I/O). The commands that do not belong to a mail transaction:
// EHLO and HELO (RFC 5321 §4.1.1.1), RSET (§4.1.1.5), VRFY (§4.1.1.6), EXPN (§4.1.1.7),
// HELP (§4.1.1.8), NOOP (§4.1.1.9) and QUIT (§4.1.1.10). Whether a verb is allowed at all
// in the current state is decided before, by the transition table (state.hpp).
#include <array>
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

/// EHLO and HELO start the session afresh, as a RSET would \rfc{5321,4.1.4}.
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
    // RSET drops the transaction but keeps the greeting \rfc{5321,4.1.1.5}.
    ctx.session.envelope = Envelope{};
    return {make_reply(ReplyId::reset_ok)};
}

Applied apply(Context&, const protocol::Noop&) {
    // NOOP may carry any argument, which is ignored \rfc{5321,4.1.1.9}.
    return {make_reply(ReplyId::ok)};
}

Applied apply(Context&, const protocol::Quit&) {
    // 221, then the server closes the channel \rfc{5321,4.1.1.10}.
    return {make_reply(ReplyId::closing), {Action{Action::Kind::close, {}}}};
}

Applied apply(Context&, const protocol::Vrfy&) {
    // This server accepts any local part of its domains and keeps no user list, so it can
    // verify nothing: 252, never a 250 that would claim a verification \rfc{5321,3.5.3}
    // \rfc{5321,7.3}.
    return {make_reply(ReplyId::cannot_verify)};
}

Applied apply(Context&, const protocol::Expn&) {
    // No mailing lists here: 252, which neither confirms nor denies \rfc{5321,7.3}.
    return {make_reply(ReplyId::cannot_expand)};
}

namespace {

/// The commands of RFC 5321 (in the reply table's text), then those that the extensions
/// announced at this moment add, so that HELP agrees with EHLO.
Reply help_commands(const Context& ctx) {
    Reply reply = make_reply(ReplyId::help);
    for (const std::string& keyword : ehlo_keywords(ctx.policy, ctx.session)) {
        std::string_view name = std::string_view(keyword).substr(0, keyword.find(' '));
        if (name == "STARTTLS" || name == "AUTH") reply.lines.front() += " " + std::string(name);
        if (name == "CHUNKING") reply.lines.front() += " BDAT";
    }
    return reply;
}

struct HelpTopic {
    std::string_view verb;
    std::string_view section;  ///< the section that defines the verb
};

constexpr std::array<HelpTopic, 14> help_topics{{
    {"EHLO", "RFC 5321 §4.1.1.1"},
    {"HELO", "RFC 5321 §4.1.1.1"},
    {"MAIL", "RFC 5321 §4.1.1.2"},
    {"RCPT", "RFC 5321 §4.1.1.3"},
    {"DATA", "RFC 5321 §4.1.1.4"},
    {"RSET", "RFC 5321 §4.1.1.5"},
    {"VRFY", "RFC 5321 §4.1.1.6"},
    {"EXPN", "RFC 5321 §4.1.1.7"},
    {"HELP", "RFC 5321 §4.1.1.8"},
    {"NOOP", "RFC 5321 §4.1.1.9"},
    {"QUIT", "RFC 5321 §4.1.1.10"},
    {"STARTTLS", "RFC 3207 §4"},
    {"AUTH", "RFC 4954 §4"},
    {"BDAT", "RFC 3030 §2"},
}};

}  // namespace

Applied apply(Context& ctx, const protocol::Help& cmd) {
    // HELP alone lists the commands; HELP <command> names the RFC section that defines it
    // \rfc{5321,4.1.1.8}. Other topics get 504 \rfc{5321,4.3.2}.
    if (cmd.argument.empty()) return {help_commands(ctx)};
    for (const HelpTopic& topic : help_topics) {
        if (protocol::domain_equal(cmd.argument, topic.verb)) {
            // Reply text is ASCII: `MAIL is defined in RFC 5321 section 4.1.1.2`.
            std::string text = std::string(topic.verb) + " is defined in " +
                               protocol::ascii_citation(topic.section);
            return {make_reply(ReplyId::help, {text})};
        }
    }
    return {make_reply(ReplyId::help_topic_unknown)};
}

}  // namespace ehlo::server::verbs
