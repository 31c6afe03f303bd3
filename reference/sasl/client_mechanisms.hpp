// Layer: sasl (sans-I/O). The client side of the SASL mechanisms SMTP AUTH runs (RFC 4954 §4):
// PLAIN (RFC 4616 §2), LOGIN (draft-murchison-sasl-login), CRAM-MD5 (RFC 2195 §2),
// SCRAM-SHA-256 (RFC 7677 §3 over RFC 5802 §3 and RFC 5802 §5, without channel binding, checking
// the server's signature), OAUTHBEARER (RFC 7628 §3.1) and Google's XOAUTH2. Each takes decoded
// challenges and gives decoded responses: base64, the 334 replies and the AUTH command are the
// SMTP client's; the nonce is passed in, so the exchange stays pure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehlo::sasl {

/// What a client mechanism may need; each uses only its part.
struct ClientCredentials {
    std::string username;  ///< the authentication identity (authcid)
    std::string password;  ///< PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256
    std::string token;     ///< an OAuth 2.0 bearer token: OAUTHBEARER, XOAUTH2
    std::string host;      ///< the server's name, for OAUTHBEARER's host= RFC 7628 §3.1
    std::uint16_t port = 0;
};

/// The client side of one exchange. initial_response() first; respond() to each challenge.
class ClientMechanism {
  public:
    virtual ~ClientMechanism() = default;
    /// The registered name, upper case.
    virtual std::string_view name() const = 0;
    /// The response sent with AUTH itself, for client-first mechanisms; none when the server
    /// speaks first (CRAM-MD5, LOGIN) RFC 4954 §4.
    virtual std::optional<std::string> initial_response() = 0;
    /// The answer to a decoded challenge; no value when the challenge makes no sense and the
    /// client should cancel with `*` RFC 4954 §4.
    virtual std::optional<std::string> respond(std::string_view challenge) = 0;
    /// After the server's 235: whether the server proved it knows the secret too (only SCRAM
    /// can tell; the others always say yes).
    virtual bool server_verified() const { return true; }
};

/// The mechanisms make_client_mechanism() knows, strongest first: the order in which a client
/// picks one from the server's AUTH list when the user names none.
std::vector<std::string_view> client_mechanism_preference();

/// A new client exchange for `mechanism` (matched without regard to case), or null when it is
/// unknown or `credentials` lack what it needs (a token for the OAuth mechanisms, a password for
/// the others). `nonce` is fresh printable randomness without commas, used by SCRAM.
std::unique_ptr<ClientMechanism> make_client_mechanism(std::string_view mechanism,
                                                       const ClientCredentials& credentials,
                                                       std::string nonce);

/// Escapes `=` and `,` in a SCRAM user name as `=3D` and `=2C` RFC 5802 §5.1.
std::string encode_saslname(std::string_view name);

}  // namespace ehlo::sasl
