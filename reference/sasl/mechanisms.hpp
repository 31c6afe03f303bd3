// Layer: sasl (sans-I/O). The five server-side mechanisms, each an Exchange:
// PLAIN (RFC 4616 §2), LOGIN (the widely deployed prompt-and-answer mechanism of the expired
// draft-murchison-sasl-login), CRAM-MD5 (RFC 2195 §2), SCRAM-SHA-256 (RFC 7677 §3 over
// RFC 5802 §5, without channel binding) and OAUTHBEARER (RFC 7628 §3). Randomness and time
// are passed in. None of them offers a security layer. Policy (which to advertise, TLS first)
// belongs to the server.
#pragma once

#include <cstdint>
#include <string>

#include "sasl/credentials.hpp"
#include "sasl/mechanism.hpp"

namespace ehlo::sasl {

/// PLAIN RFC 4616 §2: one message `[authzid] NUL authcid NUL passwd`. Each part holds at most
/// 255 octets of UTF-8. An authzid other than the authcid is refused (no proxy rights here).
class PlainExchange final : public Exchange {
  public:
    explicit PlainExchange(const Credentials& users) : users_(users) {}
    std::string_view name() const override { return "PLAIN"; }
    Step start(std::optional<std::string_view> initial) override;
    Step next(std::string_view response) override;

  private:
    Step check(std::string_view message);
    const Credentials& users_;
    bool waiting_ = false;
};

/// LOGIN: challenges `Username:` then `Password:`; an initial response is the user name.
class LoginExchange final : public Exchange {
  public:
    explicit LoginExchange(const Credentials& users) : users_(users) {}
    std::string_view name() const override { return "LOGIN"; }
    Step start(std::optional<std::string_view> initial) override;
    Step next(std::string_view response) override;

  private:
    Step take_username(std::string_view username);
    enum class Want { nothing, username, password };
    const Credentials& users_;
    Want want_ = Want::nothing;
    std::string username_;
};

/// The CRAM-MD5 challenge `<random.timestamp@hostname>` RFC 2195 §2; `random` should be
/// fresh digits (or other printable octets without `@`, `<`, `>`) for every exchange.
std::string cram_md5_challenge(std::string_view random, std::int64_t now,
                               std::string_view hostname);

/// CRAM-MD5 RFC 2195 §2: the server speaks first; the client answers `user SP digest`, the
/// digest being the lower-case hex HMAC-MD5 of the challenge keyed with the shared secret.
/// Only users enrolled with a CRAM-MD5 secret can use it.
class CramMd5Exchange final : public Exchange {
  public:
    CramMd5Exchange(const Credentials& users, std::string challenge)
        : users_(users), challenge_(std::move(challenge)) {}
    std::string_view name() const override { return "CRAM-MD5"; }
    Step start(std::optional<std::string_view> initial) override;
    Step next(std::string_view response) override;

  private:
    const Credentials& users_;
    std::string challenge_;
    bool waiting_ = false;
};

/// SCRAM-SHA-256 RFC 7677 §3: client-first, server-first (salt, iterations, combined nonce),
/// client-final (proof checked against StoredKey), server-final (ServerSignature) sent as a
/// last 334 challenge, since SMTP has no success data RFC 4954 §4; the client's empty answer
/// ends it. `server_nonce` is the server's printable random part of the nonce (no comma).
class ScramSha256Exchange final : public Exchange {
  public:
    ScramSha256Exchange(const Credentials& users, std::string server_nonce)
        : users_(users), server_nonce_(std::move(server_nonce)) {}
    std::string_view name() const override { return "SCRAM-SHA-256"; }
    Step start(std::optional<std::string_view> initial) override;
    Step next(std::string_view response) override;

  private:
    Step client_first(std::string_view message);
    Step client_final(std::string_view message);
    enum class Want { nothing, client_first, client_final, acknowledgement };
    const Credentials& users_;
    std::string server_nonce_;
    Want want_ = Want::nothing;
    UserRecord user_;     // the user's record, or a made-up one for an unknown user
    bool known_ = false;  // whether user_ is real
    std::string gs2_header_, client_first_bare_, server_first_, nonce_;
};

/// OAUTHBEARER RFC 7628 §3.1: a GS2 header then `key=value` pairs separated by 0x01, one of
/// them `auth=Bearer token`, looked up in the tokens table. A refused token gets the JSON
/// error challenge of RFC 7628 §3.2.2; the client's 0x01 reply then ends the exchange.
class OAuthBearerExchange final : public Exchange {
  public:
    explicit OAuthBearerExchange(const Tokens& tokens) : tokens_(tokens) {}
    std::string_view name() const override { return "OAUTHBEARER"; }
    Step start(std::optional<std::string_view> initial) override;
    Step next(std::string_view response) override;

  private:
    Step check(std::string_view message);
    enum class Want { nothing, message, dummy };
    const Tokens& tokens_;
    Want want_ = Want::nothing;
};

}  // namespace ehlo::sasl
