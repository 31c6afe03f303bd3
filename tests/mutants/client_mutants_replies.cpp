// Client mutants of how replies are read and acted on: codes the client does not know
// (RFC 5321 §4.2), multi-line replies (RFC 5321 §4.2.1), 421 (RFC 5321 §3.8), a refused RCPT and a
// refused DATA (RFC 5321 §3.3). Each rewrites the replies as parsed, before the session acts on
// them, so the client goes on as the broken client would.
#include <algorithm>
#include <array>

#include "client_mutant.hpp"

namespace ehlo::client_mutants {

namespace {

/// The codes of RFC 5321 §4.2.2 and of the extensions the client uses (AUTH, RFC 4954 §6;
/// STARTTLS, RFC 3207 §4).
constexpr std::array known_codes{211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 432,
                                 450, 451, 452, 454, 455, 500, 501, 502, 503, 504, 521, 530,
                                 534, 535, 538, 550, 551, 552, 553, 554, 555, 556};

/// A code the client does not know, such as 259, counts as a permanent failure.
void unknown_as_failure(const client::Session&, wire::WireReply& reply) {
    if (std::find(known_codes.begin(), known_codes.end(), reply.code) == known_codes.end())
        reply.code = 554;
}

bool refused(const wire::WireReply& reply) {
    return reply.code >= 400;
}

}  // namespace

void add_client_reply_mutants(std::vector<ClientMutant>& out) {
    out.push_back(on_reply("unknown-code-as-failure", "RFC 5321 §4.2",
                           "a reply code the client does not know (259) is taken as a failure, "
                           "not by its first digit",
                           unknown_as_failure));
    out.push_back(on_reply("multiline-first-line-only", "RFC 5321 §4.2.1",
                           "only the first line of a multi-line reply is read: EHLO's keywords "
                           "are lost",
                           [](const client::Session&, wire::WireReply& reply) {
                               if (reply.lines.size() > 1) reply.lines.resize(1);
                           }));
    out.push_back(on_reply("ignores-421", "RFC 5321 §3.8",
                           "421 is ignored: the session goes on as if the command had succeeded",
                           [](const client::Session& session, wire::WireReply& reply) {
                               if (reply.code == 421 && !awaiting(session, Awaiting::quit))
                                   reply.code = awaiting(session, Awaiting::data) ? 354 : 250;
                           }));
    out.push_back(on_reply("ignores-rcpt-refusal", "RFC 5321 §3.3",
                           "a refused RCPT is taken as accepted: the message goes to it and it "
                           "is reported delivered",
                           [](const client::Session& session, wire::WireReply& reply) {
                               if (awaiting(session, Awaiting::rcpt) && refused(reply))
                                   reply.code = 250;
                           }));
    out.push_back(on_reply("data-after-refused-data", "RFC 5321 §3.3",
                           "the message data is sent although DATA got a 4xx or 5xx, not 354",
                           [](const client::Session& session, wire::WireReply& reply) {
                               if (awaiting(session, Awaiting::data) && refused(reply))
                                   reply.code = 354;
                           }));
}

}  // namespace ehlo::client_mutants
