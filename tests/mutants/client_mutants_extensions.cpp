// Client mutants of the extensions: STARTTLS (RFC 3207 §4.2, RFC 3207 §6), 8BITMIME
// (RFC 6152 §3), SMTPUTF8 (RFC 6531 §3.4) and AUTH (RFC 4954 §4). They overturn a choice of the
// client, rewrite MAIL, or rewrite the reply to EHLO.
#include <algorithm>
#include <string>

#include "client_mutant.hpp"

namespace ehlo::client_mutants {

namespace {

/// Removes `parameter` (" BODY=8BITMIME") from a MAIL command line.
std::function<void(const client::Session&, std::string&)> drop_mail_parameter(
    std::string parameter) {
    return [parameter](const client::Session&, std::string& line) {
        if (line.starts_with("MAIL FROM:")) replace_all(line, parameter, "");
    };
}

/// A positive reply to EHLO gains the keyword 8BITMIME when it lacks it.
void offer_8bitmime(const client::Session& session, wire::WireReply& reply) {
    if (!awaiting(session, Awaiting::ehlo) || reply.code != 250 || reply.lines.empty()) return;
    auto is_8bitmime = [](const std::string& line) { return line.starts_with("8BITMIME"); };
    if (std::none_of(reply.lines.begin() + 1, reply.lines.end(), is_8bitmime))
        reply.lines.push_back("8BITMIME");
}

bool never(const client::Session&, bool, std::size_t) {
    return false;
}

}  // namespace

void add_client_extension_mutants(std::vector<ClientMutant>& out) {
    out.push_back(on_decision("starttls-downgrade", "RFC 3207 §6",
                              "with STARTTLS required but not offered, the message goes in "
                              "plain text",
                              Decision::require_tls, never));
    out.push_back(on_decision("starttls-keeps-buffer", "RFC 3207 §4.2",
                              "replies received before the TLS handshake are read as replies "
                              "after it",
                              Decision::drop_before_tls, never));
    out.push_back(on_decision("no-ehlo-after-starttls", "RFC 3207 §4.2",
                              "no EHLO after the TLS handshake: the keywords from before it "
                              "are kept",
                              Decision::hello_after_tls, never));
    out.push_back(on_command("eight-bit-undeclared", "RFC 6152 §3",
                             "an 8-bit message goes without BODY=8BITMIME on MAIL",
                             drop_mail_parameter(" BODY=8BITMIME")));
    out.push_back(on_reply("eight-bit-without-8bitmime", "RFC 6152 §3",
                           "an 8-bit message goes to a server that does not offer 8BITMIME",
                           offer_8bitmime));
    out.push_back(on_command("smtputf8-undeclared", "RFC 6531 §3.4",
                             "a message that needs SMTPUTF8 goes without it on MAIL",
                             drop_mail_parameter(" SMTPUTF8")));
    out.push_back(
        on_decision("second-auth", "RFC 4954 §4", "after AUTH succeeded, AUTH is sent once more",
                    Decision::authenticate,
                    [](const client::Session& session, bool chosen, std::size_t overturned) {
                        return chosen || (session.authenticated() && overturned == 0);
                    }));
}

}  // namespace ehlo::client_mutants
