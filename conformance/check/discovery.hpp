// Layer: conformance/check (I/O). Discovery: one connection before the scenarios run, to learn
// what the target offers: its greeting (RFC 5321 §4.3.1), the keywords of its EHLO reply
// (RFC 5321 §4.1.1.1) and, when it offers STARTTLS and the TLS settings allow, the keywords after
// the upgrade (RFC 3207 §4.2: the client must discard what it learnt before TLS), then QUIT.
// Scenarios whose `requires` is not advertised are SKIPped against these keywords; that rule is
// in selection.hpp. Running the scenarios is left to driver.hpp.
#pragma once

#include <string>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include "check/link.hpp"
#include "wire/reply_codec.hpp"

namespace ehlo::check {

/// What the target showed of itself.
struct Discovery {
    /// Set when no TCP (or implicit TLS) connection could be made: the run cannot go on.
    std::string connect_error;
    /// Set when the dialogue went wrong after connecting (no greeting, a malformed reply, a
    /// refused EHLO): the run goes on without keywords, and the scenarios meet the same fault.
    std::string problem;
    /// Set when the STARTTLS upgrade failed (not offered, refused, handshake failed).
    std::string tls_problem;
    std::string greeting;  ///< the greeting's lines, as received
    std::vector<std::string> keywords;
    /// The lines of the EHLO reply after the first, upper case: each a keyword and its
    /// parameters (`AUTH PLAIN LOGIN`), for `requires: AUTH=PLAIN`.
    std::vector<std::string> keyword_lines;
    bool tried_tls = false;  ///< a STARTTLS upgrade was attempted
    std::vector<std::string> keywords_after_tls;
    std::vector<std::string> keyword_lines_after_tls;
    /// Asked only under `--auth`: the server answered `530` to a MAIL before any login
    /// (RFC 4954 §6) where the scenarios run, so MAIL without a login cannot be judged there.
    bool mail_needs_login = false;
    /// "TLSv1.3 TLS_AES_256_GCM_SHA384" under implicit TLS, or after the upgrade.
    std::string tls_description;
};

/// The EHLO keywords of `reply`: the first word of each line after the first, upper case
/// RFC 5321 §4.1.1.1.
std::vector<std::string> ehlo_keywords(const wire::WireReply& reply);

/// Whether `keywords` (upper case) holds `keyword`, compared without case.
bool has_keyword(const std::vector<std::string>& keywords, const std::string& keyword);

/// The lines of `reply` after the first, upper case: a keyword and its parameters each.
std::vector<std::string> ehlo_lines(const wire::WireReply& reply);

/// Whether the EHLO `lines` (as `ehlo_lines` gives them) offer `wanted`, compared without
/// case: a keyword (`PIPELINING`: the first word of a line), or a keyword and a parameter
/// (`AUTH=PLAIN`: the AUTH line has the parameter PLAIN; `LIMITS=RCPTMAX`: the LIMITS line has
/// a parameter RCPTMAX or RCPTMAX=value) RFC 5321 §4.1.1.1.
bool offers(const std::vector<std::string>& lines, const std::string& wanted);

/// Discovers `target` on one connection. Under `TlsMode::implicit` the connection is TLS from
/// the start and there is no upgrade; otherwise STARTTLS is tried when it is advertised.
asio::awaitable<Discovery> discover(const Target& target);

/// Runs `discover` on its own io_context until it is done.
Discovery discover_blocking(const Target& target);

}  // namespace ehlo::check
