// Layer: protocol (sans-I/O). Every reply the reference server can send, in one table:
// RFC 5321 §4.2 (reply codes), RFC 5321 §4.2.2 to RFC 5321 §4.2.3 (their meaning), RFC 5321 §4.3.2
// (which command may get which reply), the enhanced status codes of RFC 3463 / RFC 2034, and the
// replies of the extensions STARTTLS (RFC 3207 §4), AUTH (RFC 4954 §4, RFC 4954 §6), SMTPUTF8
// (RFC 6531 §3.5), LIMITS (RFC 9422) and CHUNKING and BINARYMIME (RFC 3030 §2, RFC 3030 §3).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wire/reply_codec.hpp"

namespace ehlo::protocol {

/// One name for each reply the server can give. The table in reply.cpp holds, for each, its
/// code, enhanced code, default text and the RFC section that makes it the right reply.
enum class ReplyId {
    // 2xx, 3xx: positive completion and intermediate replies
    help,                 // 214
    greeting,             // 220
    tls_ready,            // 220 (STARTTLS, RFC 3207)
    closing,              // 221
    ehlo_ok,              // 250 (multi-line)
    helo_ok,              // 250
    ok,                   // 250 (NOOP)
    reset_ok,             // 250 (RSET)
    sender_ok,            // 250 (MAIL)
    recipient_ok,         // 250 (RCPT)
    recipient_forwarded,  // 251
    message_accepted,     // 250 (end of data)
    chunk_received,       // 250 (a BDAT chunk, RFC 3030)
    auth_succeeded,       // 235 (AUTH, RFC 4954)
    cannot_verify,        // 252 (VRFY)
    cannot_expand,        // 252 (EXPN)
    start_mail_input,     // 354
    auth_challenge,       // 334 (AUTH challenge: base64 only, RFC 4954)
    // 4xx: transient
    shutting_down,          // 421
    too_many_connections,   // 421
    timed_out,              // 421
    local_error,            // 451
    too_many_recipients,    // 452
    too_many_transactions,  // 451 (past MAILMAX, RFC 9422)
    tls_not_available,      // 454 (STARTTLS not offered, RFC 3207)
    auth_temporary,         // 454 (AUTH, RFC 4954)
    // 5xx: permanent
    unknown_command,           // 500
    line_too_long,             // 500
    bare_cr,                   // 500
    bare_lf,                   // 500
    nul_octet,                 // 500
    auth_line_too_long,        // 500 (AUTH response over 12288 octets)
    bad_arguments,             // 501
    bad_domain,                // 501 (EHLO/HELO)
    bad_sender_syntax,         // 501
    bad_recipient_syntax,      // 501
    bad_address_literal,       // 501
    local_part_too_long,       // 501
    domain_too_long,           // 501
    path_too_long,             // 501
    bad_sender_utf8,           // 501 (ill-formed UTF-8, RFC 6531)
    bad_recipient_utf8,        // 501 (ill-formed UTF-8, RFC 6531)
    starttls_syntax,           // 501 (STARTTLS with parameters, RFC 3207)
    auth_syntax,               // 501 (AUTH arguments)
    bdat_syntax,               // 501 (BDAT arguments, RFC 3030)
    auth_malformed,            // 501 (AUTH response)
    auth_bad_base64,           // 501 (AUTH response)
    auth_cancelled,            // 501 (AUTH cancelled with *)
    auth_unexpected_initial,   // 501 (AUTH initial response)
    not_implemented,           // 502 (EXPN)
    chunking_not_offered,      // 502 (BDAT without CHUNKING)
    need_greeting,             // 503
    need_mail,                 // 503
    nested_mail,               // 503
    starttls_needs_ehlo,       // 503 (STARTTLS after HELO)
    starttls_in_mail,          // 503 (STARTTLS inside a mail transaction)
    tls_already_active,        // 503 (a second STARTTLS, RFC 3207)
    auth_needs_ehlo,           // 503 (AUTH after HELO)
    auth_in_mail,              // 503 (AUTH inside a mail transaction)
    auth_already_done,         // 503 (a second AUTH)
    data_after_bdat,           // 503 (DATA after BDAT, RFC 3030)
    data_with_binarymime,      // 503 (DATA after BODY=BINARYMIME, RFC 3030)
    bdat_after_failure,        // 503 (BDAT after a failed BDAT, RFC 3030)
    help_topic_unknown,        // 504
    auth_unknown_mechanism,    // 504 (AUTH)
    need_starttls,             // 530 (--require-tls, RFC 3207)
    auth_required,             // 530 (submission: MAIL before AUTH)
    auth_too_weak,             // 534 (AUTH)
    auth_invalid,              // 535 (AUTH)
    auth_encryption_required,  // 538 (AUTH without TLS)
    relay_denied,              // 550
    sender_not_ascii,          // 550 (MAIL, RFC 6531)
    non_ascii_address,         // 553 (RCPT, RFC 6531)
    user_not_local,            // 551
    message_too_big,           // 552
    no_valid_recipients,       // 554
    data_bare_line_end,        // 554
    data_line_too_long,        // 554
    message_loops,             // 554
    parameter_unknown,         // 555
};

/// A reply as a value: code, enhanced code (RFC 3463) and lines, plus the section that
/// governs it (for --trace and the docs). Never a string that is parsed again.
struct Reply {
    ReplyId id;
    int code;
    std::string enhanced;            ///< "2.1.0", or empty where RFC 3463 gives none
    std::vector<std::string> lines;  ///< at least one
    std::string_view section;        ///< e.g. "RFC 5321 §4.1.1.2" (protocol/citation.hpp)

    /// The wire form; `with_enhanced` prefixes each line with the enhanced code (RFC 2034 §3).
    wire::WireReply to_wire(bool with_enhanced) const;
    std::string format(bool with_enhanced) const;
};

/// One row of the reply table.
struct ReplySpec {
    ReplyId id;
    int code;
    std::string_view enhanced;
    std::string_view text;
    std::string_view section;  ///< where the RFC makes this the right reply
};

/// The whole table, in the order of ReplyId.
const std::vector<ReplySpec>& reply_table();

/// The reply `id` with its default text.
Reply make_reply(ReplyId id);
/// The reply `id` with its own text lines (greeting, EHLO, 251/551 with a path, ...).
Reply make_reply(ReplyId id, std::vector<std::string> lines);

}  // namespace ehlo::protocol
