// Layer: sasl (sans-I/O). The few hash primitives the SASL mechanisms need, over OpenSSL 3's
// libcrypto: SHA-256, HMAC-SHA-256 and PBKDF2 for SCRAM (RFC 5802 §2.2, RFC 7677 §3),
// HMAC-MD5 for CRAM-MD5 (RFC 2195 §2), and a constant-time comparison. No randomness here:
// nonces and salts come from the caller.
#pragma once

#include <string>
#include <string_view>

namespace ehlo::sasl {

/// SHA-256 of `data`: 32 octets (the H() of RFC 5802 §2.2 for SCRAM-SHA-256).
std::string sha256(std::string_view data);

/// HMAC-SHA-256 of `data` under `key`: 32 octets (the HMAC() of RFC 5802 §2.2).
std::string hmac_sha256(std::string_view key, std::string_view data);

/// HMAC-MD5 of `data` under `key`: 16 octets (RFC 2195 §2, after RFC 2104).
std::string hmac_md5(std::string_view key, std::string_view data);

/// PBKDF2 with HMAC-SHA-256 and a 32-octet output: the Hi() of RFC 5802 §2.2.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations);

/// True if `a` and `b` are equal; the time taken depends on their lengths only.
bool equal_constant_time(std::string_view a, std::string_view b);

/// Lower-case hexadecimal of `bytes`, as CRAM-MD5 writes its digest (RFC 2195 §2).
std::string to_hex(std::string_view bytes);

/// The SCRAM keys derived from a SaltedPassword (RFC 5802 §3).
struct ScramKeys {
    std::string stored_key;  ///< H(HMAC(SaltedPassword, "Client Key"))
    std::string server_key;  ///< HMAC(SaltedPassword, "Server Key")
};
ScramKeys scram_keys(std::string_view salted_password);

}  // namespace ehlo::sasl
