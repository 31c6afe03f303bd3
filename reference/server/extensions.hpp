// Layer: server (sans-I/O). The ESMTP extensions of the server: their names, the keywords
// EHLO announces (RFC 5321 §4.1.1.1) and the MAIL parameters each one brings: SIZE (RFC 1870),
// BODY of 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531 §3.4), and the session limit MAILMAX of
// LIMITS (RFC 9422); STARTTLS (RFC 3207) is announced here and handled in verbs_tls.cpp, and
// CHUNKING and BINARYMIME (RFC 3030) here and in verbs_bdat.cpp. An extension the policy does
// not offer is neither announced nor honoured.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/command.hpp"
#include "protocol/reply.hpp"
#include "server/policy.hpp"
#include "server/session.hpp"

namespace ehlo::server {

/// Every extension, in the order EHLO announces them.
inline constexpr std::array<Extension, 10> all_extensions{
    Extension::pipelining,   Extension::size,
    Extension::eightbitmime, Extension::enhancedstatuscodes,
    Extension::smtputf8,     Extension::limits,
    Extension::starttls,     Extension::auth,
    Extension::chunking,     Extension::binarymime};

/// The EHLO keyword of an extension, e.g. "8BITMIME".
std::string_view extension_name(Extension extension);

/// The extension an EHLO keyword names, in any case; nothing for an unknown name.
std::optional<Extension> extension_by_name(std::string_view name);

/// The EHLO keyword lines (after the greeting line) for what `policy` offers in `session`
/// RFC 5321 §4.1.1.1: STARTTLS only while the session is not yet over TLS RFC 3207 §4.2.
std::vector<std::string> ehlo_keywords(const Policy& policy, const Session& session);

/// Whether replies carry enhanced status codes: whenever the server offers
/// ENHANCEDSTATUSCODES, after HELO as after EHLO RFC 2034 §4. The greeting and the replies
/// to EHLO and HELO have none (their rows in the reply table carry no code).
bool enhanced_codes(const Policy& policy);

/// Checks a MAIL command against the session limit RFC 9422 §4.1, its parameters against the
/// extensions offered RFC 5321 §4.1.1.11, and a UTF-8 path against the SMTPUTF8 parameter
/// RFC 6531 §3.4. `has_utf8` says whether the command line used UTF-8.
std::optional<protocol::Reply> check_mail_extensions(const Session& session, const Policy& policy,
                                                     const protocol::Mail& cmd, bool has_utf8);

/// Whether the MAIL asked for SMTPUTF8 (already checked to be offered) RFC 6531 §3.4.
bool mail_requests_smtputf8(const protocol::Mail& cmd);

/// The protocol name for the `with` clause of Received: ESMTP, SMTP, or UTF8SMTP when the
/// transaction uses SMTPUTF8 RFC 6531 §3.7.3; with an S for a session over TLS (ESMTPS,
/// UTF8SMTPS, RFC 3848 and RFC 6531 §4.3).
std::string_view with_protocol(const Session& session);

}  // namespace ehlo::server
