// Layer: server (sans-I/O). The server's side of SMTP AUTH (RFC 4954): which mechanisms
// the EHLO keyword offers (RFC 4954 §3, and no password in clear before TLS, RFC 4954 §4 and
// RFC 4954 §15 for PLAIN), when an AUTH command is refused (RFC 4954 §4: 503 after a successful
// AUTH, 504 for an unknown mechanism; 538 for one that needs TLS, RFC 4954 §6), the exchange itself
// across continuation lines (RFC 4954 §4: 334 challenges, `*`, a bounded line), the 530 that a
// submission listener gives a MAIL before AUTH (RFC 6409 §4.3, RFC 4954 §6), and the AUTH=
// parameter of MAIL (RFC 4954 §5). The mechanisms are sasl/'s; the replies are the reply table's;
// the state table decides whether AUTH may come at all in the session's state (not before EHLO, not
// in a transaction).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/auth_syntax.hpp"
#include "protocol/command.hpp"
#include "sasl/credentials.hpp"
#include "sasl/mechanism.hpp"

namespace ehlo::server {

/// The AUTH extension of one listener: the credential stores and the rules it follows.
struct AuthSettings {
    /// The users file (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256); none: those are not offered.
    std::shared_ptr<const sasl::Credentials> users;
    /// The bearer tokens (OAUTHBEARER); none: it is not offered.
    std::shared_ptr<const sasl::Tokens> tokens;
    /// Offer the mechanisms that expose a secret (PLAIN, LOGIN, OAUTHBEARER) before TLS too.
    /// RFC 4954 §4 asks that a server can be set up without this, and here it is the default.
    bool allow_plaintext = false;
    /// A submission listener: MAIL needs a successful AUTH first RFC 6409 §4.3.
    bool required = false;
    /// Fresh printable randomness (no `,`, `@`, `<`, `>`) for a CRAM-MD5 challenge or a SCRAM
    /// nonce; empty means "failed" (454 4.7.0). Unset, OpenSSL's generator is used.
    std::function<std::string()> random;

    /// Whether AUTH is offered at all: some store is loaded.
    bool enabled() const { return users != nullptr || tokens != nullptr; }
};

/// The authentication of one session.
struct AuthState {
    /// The authenticated identity, once an AUTH succeeded (235) RFC 4954 §4.
    std::optional<std::string> identity;
    /// The exchange waiting for the client's next continuation line, if any.
    std::unique_ptr<sasl::Exchange> exchange;

    bool authenticated() const { return identity.has_value(); }
    bool in_exchange() const { return exchange != nullptr; }
};

/// True for the mechanisms that put a reusable secret on the wire: PLAIN and LOGIN (the
/// password, RFC 4954 §4) and OAUTHBEARER (a bearer token, RFC 7628 §5).
bool exposes_secret(std::string_view mechanism);

/// The mechanisms to offer now, strongest first: without TLS only those that keep the secret
/// off the wire, unless AuthSettings::allow_plaintext says otherwise RFC 4954 §4.
std::vector<std::string_view> offered_mechanisms(const AuthSettings& settings, bool tls);

/// The EHLO keyword line `AUTH mech...` RFC 4954 §3, or nothing if no mechanism is offered.
std::optional<std::string> auth_keyword(const AuthSettings& settings, bool tls);

/// What the AUTH rules look at in the session, besides the state table.
struct AuthFacts {
    bool extended = false;  ///< the client greeted with EHLO, not HELO
    bool tls = false;       ///< the connection is encrypted (STARTTLS or implicit TLS)
    bool authenticated = false;
};

/// Why an AUTH command is refused before any exchange begins.
enum class AuthRefusal {
    not_offered,            ///< no AUTH on this listener: 502 RFC 5321 §4.2.4
    need_ehlo,              ///< after HELO, which negotiates no extension: 503
    already_authenticated,  ///< a second AUTH after a success: 503 RFC 4954 §4
    unknown_mechanism,      ///< not a mechanism we have: 504 5.5.4 RFC 4954 §4
    encryption_required,    ///< a secret-exposing mechanism without TLS: 538 5.7.11 RFC 4954 §6
};

/// Checks an AUTH command's mechanism against the settings and the session; nothing if the
/// exchange may begin. The state table has already refused AUTH before EHLO/HELO and during
/// a mail transaction (503, RFC 4954 §4).
std::optional<AuthRefusal> refuse_auth(const AuthSettings& settings, const AuthFacts& facts,
                                       std::string_view mechanism);

/// Where an exchange runs: the server's name (CRAM-MD5 challenge) and the time in seconds.
struct AuthPlace {
    std::string_view hostname;
    std::int64_t now = 0;
};

/// Begins the exchange of an AUTH command that refuse_auth() let through. On a Challenge the
/// exchange stays in `state` for continue_auth(); on Success `state.identity` is set.
sasl::Step start_auth(AuthState& state, const AuthSettings& settings,
                      const protocol::AuthArguments& arguments, const AuthPlace& place);

/// Feeds one continuation line (without CRLF) to the exchange in `state`: `*` cancels, bad
/// base64 and lines over sasl::max_response_line fail it RFC 4954 §4. Ends the exchange on
/// Success or Failed. Without an exchange in progress it fails as malformed.
sasl::Step continue_auth(AuthState& state, std::string_view line);

/// Ends the exchange in `state` with `reason`, as for a line too long for the buffer (the
/// line reader discards it before anyone reads it) RFC 4954 §4.
sasl::Step fail_auth(AuthState& state, sasl::Failure reason);

/// The text of a 334 reply for a challenge: its bytes in base64, nothing else RFC 4954 §4.
std::string challenge_text(const sasl::Challenge& challenge);

/// Whether `verb` must wait for AUTH: on a listener that requires it, a MAIL before a
/// successful AUTH gets 530 5.7.0 RFC 6409 §4.3 RFC 4954 §6. No other verb is held up:
/// RCPT and DATA cannot come before MAIL anyway, and the rest act on nothing worth guarding.
bool needs_auth_first(const AuthSettings& settings, const AuthState& state, protocol::Verb verb);

/// Whether MAIL's AUTH= parameter is acceptable: only while AUTH is offered, and well-formed
/// RFC 4954 §5. Its value is never trusted here, so it is treated as AUTH=<> and not kept.
bool accepts_auth_parameter(const AuthSettings& settings, std::string_view value);

/// OpenSSL's random generator as AuthSettings::random uses it: 24 base64 characters from 18
/// random octets, or empty if the generator fails.
std::string openssl_random_text();

/// A users-file line for `name` and `password` with a fresh random salt (OpenSSL), the SCRAM
/// keys derived with PBKDF2 RFC 5802 §3; `with_cram_md5` also stores the password itself
/// for CRAM-MD5. Throws std::runtime_error if no randomness is available.
std::string hash_password_line(std::string_view name, std::string_view password,
                               bool with_cram_md5 = false);

}  // namespace ehlo::server
