// Layer: protocol (sans-I/O). The reply table: every reply the reference server sends, with
// its code (RFC 5321 §4.2.2 to RFC 5321 §4.2.3), enhanced code (RFC 3463), default text, and the
// section that makes it the right answer (RFC 5321 unless the section names another RFC, as for
// STARTTLS, AUTH, SMTPUTF8, LIMITS, CHUNKING and BINARYMIME). Choosing *when* to send which
// reply is the server's job.
#include "protocol/reply.hpp"

#include <cassert>

namespace ehlo::protocol {

namespace {

using enum ReplyId;

// clang-format off
const std::vector<ReplySpec> table = {
    // id                    code  enhanced  text                                        section
    {help,                   214, "2.0.0", "Commands: (the verbs of the verb table this session may use)", "RFC 5321 §4.1.1.8"},
    {greeting,               220, "",      "ESMTP Ehlo reference server ready",       "RFC 5321 §4.3.1"},
    {tls_ready,              220, "2.0.0", "Ready to start TLS",                      "RFC 3207 §4"},
    {closing,                221, "2.0.0", "Bye",                                     "RFC 5321 §4.1.1.10"},
    {ehlo_ok,                250, "",      "Hello",                                   "RFC 5321 §4.1.1.1"},
    {helo_ok,                250, "",      "Hello",                                   "RFC 5321 §4.1.1.1"},
    {ok,                     250, "2.0.0", "OK",                                      "RFC 5321 §4.1.1.9"},
    {reset_ok,               250, "2.0.0", "Reset",                                   "RFC 5321 §4.1.1.5"},
    {sender_ok,              250, "2.1.0", "Sender OK",                               "RFC 5321 §4.1.1.2"},
    {recipient_ok,           250, "2.1.5", "Recipient OK",                            "RFC 5321 §4.1.1.3"},
    {recipient_forwarded,    251, "2.1.5", "User not local; will forward",            "RFC 5321 §3.4"},
    {message_accepted,       250, "2.0.0", "Message accepted for delivery",           "RFC 5321 §4.1.1.4"},
    {chunk_received,         250, "2.0.0", "Chunk received (its size in octets)",     "RFC 3030 §2"},
    {auth_succeeded,         235, "2.7.0", "Authentication successful",               "RFC 4954 §6"},
    {cannot_verify,          252, "2.5.0", "Cannot verify the user, but will accept mail for local domains", "RFC 5321 §7.3"},
    {cannot_expand,          252, "2.5.0", "Cannot expand: this server keeps no mailing lists", "RFC 5321 §7.3"},
    {start_mail_input,       354, "",      "End data with <CR><LF>.<CR><LF>",         "RFC 5321 §4.1.1.4"},
    {auth_challenge,         334, "",      "(the challenge, in base64)",              "RFC 4954 §4"},
    {shutting_down,          421, "4.3.2", "Service shutting down, closing transmission channel", "RFC 5321 §3.8"},
    {too_many_connections,   421, "4.3.2", "Too many connections, try again later",   "RFC 5321 §3.1"},
    {timed_out,              421, "4.4.2", "Timeout waiting for the client, closing", "RFC 5321 §4.5.3.2.7"},
    {local_error,            451, "4.3.0", "Local error in processing; message not stored", "RFC 5321 §4.2.3"},
    {too_many_recipients,    452, "4.5.3", "Too many recipients",                     "RFC 5321 §4.5.3.1.10"},
    {too_many_transactions,  451, "4.5.0", "Too many transactions in this session; reconnect to send more", "RFC 9422 §4.1"},
    {tls_not_available,      454, "4.7.0", "TLS not available",                       "RFC 3207 §4"},
    {auth_temporary,         454, "4.7.0", "Temporary authentication failure",        "RFC 4954 §6"},
    {unknown_command,        500, "5.5.1", "Command unrecognized",                    "RFC 5321 §4.2.4"},
    {line_too_long,          500, "5.5.2", "Line too long",                           "RFC 5321 §4.5.3.1.4"},
    {bare_cr,                500, "5.5.2", "Bare CR in command line: CR may only come before LF", "RFC 5321 §2.3.8"},
    {bare_lf,                500, "5.5.2", "Bare LF: command lines end with CRLF",    "RFC 5321 §4.1.1.4"},
    {nul_octet,              500, "5.5.2", "NUL octet in command line",               "RFC 5321 §2.3.8"},
    {auth_line_too_long,     500, "5.5.6", "Authentication exchange line is too long", "RFC 4954 §4"},
    {bad_arguments,          501, "5.5.4", "Syntax error in parameters or arguments", "RFC 5321 §4.1.1"},
    {bad_domain,             501, "5.5.4", "Syntax error: a domain or address literal is required", "RFC 5321 §4.1.1.1"},
    {bad_sender_syntax,      501, "5.1.7", "Syntax error in the reverse-path",        "RFC 5321 §4.1.2"},
    {bad_recipient_syntax,   501, "5.1.3", "Syntax error in the forward-path",        "RFC 5321 §4.1.2"},
    {bad_address_literal,    501, "5.1.3", "Invalid address literal",                 "RFC 5321 §4.1.3"},
    {local_part_too_long,    501, "5.1.3", "Local part longer than 64 octets",        "RFC 5321 §4.5.3.1.1"},
    {domain_too_long,        501, "5.1.3", "Domain longer than 255 octets",           "RFC 5321 §4.5.3.1.2"},
    {path_too_long,          501, "5.1.3", "Path too long",                           "RFC 5321 §4.5.3.1.3"},
    {bad_sender_utf8,        501, "5.1.7", "Syntax error: the reverse-path is not well-formed UTF-8", "RFC 6531 §3.3"},
    {bad_recipient_utf8,     501, "5.1.3", "Syntax error: the forward-path is not well-formed UTF-8", "RFC 6531 §3.3"},
    {starttls_syntax,        501, "5.5.4", "Syntax error: STARTTLS takes no parameters", "RFC 3207 §4"},
    {auth_syntax,            501, "5.5.4", "Syntax error: AUTH mechanism [initial-response]", "RFC 4954 §4"},
    {bdat_syntax,            501, "5.5.4", "Syntax error: BDAT chunk-size [LAST]",   "RFC 3030 §2"},
    {auth_malformed,         501, "5.5.2", "Malformed authentication response",       "RFC 4954 §4"},
    {auth_bad_base64,        501, "5.5.2", "Cannot decode base64 response",           "RFC 4954 §4"},
    {auth_cancelled,         501, "5.0.0", "Authentication cancelled",                "RFC 4954 §4"},
    {auth_unexpected_initial, 501, "5.7.0", "This mechanism takes no initial response", "RFC 4954 §4"},
    {not_implemented,        502, "5.5.1", "Command not implemented",                 "RFC 5321 §4.2.4"},
    {chunking_not_offered,   502, "5.5.1", "Command not implemented: CHUNKING is not offered", "RFC 3030 §2"},
    {need_greeting,          503, "5.5.1", "Bad sequence of commands: send EHLO or HELO first", "RFC 5321 §4.1.4"},
    {need_mail,              503, "5.5.1", "Bad sequence of commands: send MAIL first", "RFC 5321 §4.1.1.3"},
    {nested_mail,            503, "5.5.1", "Bad sequence of commands: a mail transaction is already open", "RFC 5321 §4.1.1.2"},
    {starttls_needs_ehlo,    503, "5.5.1", "Bad sequence of commands: send EHLO before STARTTLS", "RFC 5321 §4.1.1.1"},
    {starttls_in_mail,       503, "5.5.1", "Bad sequence of commands: end the mail transaction (RSET) before STARTTLS", "RFC 3207 §4.2"},
    {tls_already_active,     503, "5.5.1", "Bad sequence of commands: TLS is already active", "RFC 3207 §4.2"},
    {auth_needs_ehlo,        503, "5.5.1", "Bad sequence of commands: send EHLO before AUTH", "RFC 5321 §4.1.1.1"},
    {auth_in_mail,           503, "5.5.1", "Bad sequence of commands: AUTH is not permitted during a mail transaction", "RFC 4954 §4"},
    {auth_already_done,      503, "5.5.1", "Bad sequence of commands: already authenticated", "RFC 4954 §4"},
    {data_after_bdat,        503, "5.5.1", "Bad sequence of commands: DATA cannot follow BDAT in one transaction", "RFC 3030 §2"},
    {data_with_binarymime,   503, "5.5.1", "Bad sequence of commands: BODY=BINARYMIME data goes by BDAT, not DATA", "RFC 3030 §3"},
    {bdat_after_failure,     503, "5.5.1", "Bad sequence of commands: the transaction failed; send RSET", "RFC 3030 §2"},
    {help_topic_unknown,     504, "5.5.4", "No help for that topic",                  "RFC 5321 §4.1.1.8"},
    {auth_unknown_mechanism, 504, "5.5.4", "Unrecognized authentication mechanism",   "RFC 4954 §4"},
    {need_starttls,          530, "5.7.0", "Must issue a STARTTLS command first",     "RFC 3207 §4"},
    {auth_required,          530, "5.7.0", "Authentication required",                 "RFC 4954 §6"},
    {auth_too_weak,          534, "5.7.9", "Authentication mechanism is too weak",    "RFC 4954 §6"},
    {auth_invalid,           535, "5.7.8", "Authentication credentials invalid",      "RFC 4954 §6"},
    {auth_encryption_required, 538, "5.7.11", "Encryption required for requested authentication mechanism", "RFC 4954 §6"},
    {relay_denied,           550, "5.7.1", "Relaying denied: not a local domain",     "RFC 5321 §3.6.2"},
    {sender_not_ascii,       550, "5.6.7", "Non-ASCII sender address not permitted without SMTPUTF8", "RFC 6531 §3.5"},
    {non_ascii_address,      553, "5.6.7", "Non-ASCII recipient address not permitted without SMTPUTF8", "RFC 6531 §3.5"},
    {user_not_local,         551, "5.1.6", "User not local",                          "RFC 5321 §3.4"},
    {message_too_big,        552, "5.3.4", "Message exceeds the size limit",          "RFC 5321 §4.5.3.1.10"},
    {no_valid_recipients,    554, "5.5.1", "No valid recipients",                     "RFC 5321 §3.3"},
    {data_bare_line_end,     554, "5.6.0", "Message refused: bare CR or LF in the data (lines end with CRLF)", "RFC 5321 §2.3.8"},
    {data_line_too_long,     554, "5.6.0", "Message refused: a line is longer than 1000 octets", "RFC 5321 §4.5.3.1.6"},
    {message_loops,          554, "5.4.6", "Message refused: over 100 Received fields, a mail loop", "RFC 5321 §6.3"},
    {parameter_unknown,      555, "5.5.4", "MAIL or RCPT parameter not recognized or not implemented", "RFC 5321 §4.1.1.11"},
};
// clang-format on

const ReplySpec& spec(ReplyId id) {
    const auto& row = table[static_cast<std::size_t>(id)];
    assert(row.id == id && "reply table rows must follow the order of ReplyId");
    return row;
}

}  // namespace

const std::vector<ReplySpec>& reply_table() {
    return table;
}

Reply make_reply(ReplyId id) {
    return make_reply(id, {std::string(spec(id).text)});
}

Reply make_reply(ReplyId id, std::vector<std::string> lines) {
    const ReplySpec& row = spec(id);
    if (lines.empty()) lines.emplace_back();
    return Reply{id, row.code, std::string(row.enhanced), std::move(lines), row.section};
}

wire::WireReply Reply::to_wire(bool with_enhanced) const {
    wire::WireReply out{code, lines};
    // RFC 2034 §3: with ENHANCEDSTATUSCODES every line of the reply carries the code.
    // The EHLO keyword lines and the greeting (RFC 2034 §3: not 220) are left as they are.
    if (with_enhanced && !enhanced.empty()) {
        for (auto& line : out.lines)
            line = enhanced + (line.empty() ? "" : " " + line);
    }
    return out;
}

std::string Reply::format(bool with_enhanced) const {
    return wire::format_reply(to_wire(with_enhanced));
}

}  // namespace ehlo::protocol
