// Layer: sasl (sans-I/O). The server side of one SASL exchange, as SMTP AUTH runs it:
// RFC 4954 §4 (challenges in 334 replies, `*` cancels, `=` for an empty initial response, no
// additional data with success) and RFC 4954 §6 (the reply codes of a failure). The SMTP state
// machine owns the replies, the session's authenticated state and the choice of what to advertise;
// this header only says what the mechanism decided.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sasl/base64.hpp"

namespace ehlo::sasl {

class Credentials;
class Tokens;

/// Why an exchange ended without authenticating; reply_for() gives the SMTP reply.
enum class Failure {
    malformed,            ///< a response broke the mechanism's syntax: 501 5.5.2
    bad_base64,           ///< a response was not strict base64: 501 5.5.2 RFC 4954 §4
    cancelled,            ///< the client sent `*`: 501 5.0.0 RFC 4954 §4
    unexpected_initial,   ///< initial response to a server-first mechanism: 501 5.7.0
    too_long,             ///< a response line over the buffer: 500 5.5.6 RFC 4954 §4
    invalid_credentials,  ///< unknown user, wrong secret, refused authzid: 535 5.7.8
    too_weak,             ///< mechanism refused by policy: 534 5.7.9 RFC 4954 §6
    encryption_required,  ///< needs TLS first: 538 5.7.11 (deprecated by RFC 4954 §6)
    temporary,            ///< a back end failed: 454 4.7.0 RFC 4954 §6
};

/// The reply that ends an AUTH command after a failure RFC 4954 §6.
struct FailureReply {
    int code;
    std::string_view enhanced;  ///< RFC 3463 enhanced status code
    std::string_view text;
};
FailureReply reply_for(Failure reason);

/// Send these bytes, base64-encoded, in a 334 reply and wait for the client's next line.
struct Challenge {
    std::string bytes;
};
/// The client is authenticated as `identity` (reply 235 2.7.0).
struct Success {
    std::string identity;
};
/// The exchange failed; reply with reply_for(reason).
struct Failed {
    Failure reason;
};
using Step = std::variant<Challenge, Success, Failed>;

/// One server-side exchange of one mechanism. Exactly one start(), then next() after each
/// Challenge; after Success or Failed the exchange is over and next() fails as malformed.
class Exchange {
  public:
    virtual ~Exchange() = default;
    /// The registered mechanism name, upper case (`SCRAM-SHA-256`).
    virtual std::string_view name() const = 0;
    /// Begins the exchange; `initial` holds the decoded initial response if AUTH carried one
    /// (empty for `=`), no value if it had none RFC 4954 §4.
    virtual Step start(std::optional<std::string_view> initial) = 0;
    /// Takes the decoded response to the last Challenge.
    virtual Step next(std::string_view response) = 0;
};

/// Starts `exchange` from the AUTH argument, if any, handling `=` and bad base64.
Step begin(Exchange& exchange, std::optional<std::string_view> initial_argument);
/// Feeds one continuation line (undecoded, without CRLF), handling `*`, over-long lines and
/// bad base64 before the mechanism sees anything RFC 4954 §4.
Step feed(Exchange& exchange, std::string_view line);

/// What the mechanisms may need from the server, all passed in so the exchange stays pure.
struct Context {
    const Credentials* users = nullptr;  ///< for PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256
    const Tokens* tokens = nullptr;      ///< for OAUTHBEARER
    std::string hostname;                ///< the server's name, in the CRAM-MD5 challenge
    std::string random;    ///< fresh randomness per exchange: printable ASCII without `,@<>`
    std::int64_t now = 0;  ///< seconds since the epoch, for CRAM-MD5
};

/// The mechanisms make_exchange() can start with `context`, for the EHLO AUTH keyword.
std::vector<std::string_view> mechanism_names(const Context& context);

/// True for the mechanisms that send the password in the clear (PLAIN, LOGIN): a server
/// should offer them only under TLS.
bool sends_password_in_clear(std::string_view mechanism);

/// A new exchange for `mechanism` (matched without regard to case), or null if it is unknown
/// or its store is missing (reply 504 5.5.4 RFC 4954 §4).
std::unique_ptr<Exchange> make_exchange(std::string_view mechanism, const Context& context);

}  // namespace ehlo::sasl
