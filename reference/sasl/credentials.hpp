// Layer: sasl (sans-I/O). The credentials the mechanisms check against: a users file and an
// OAUTHBEARER tokens file, their parsers, and the enrolment of a password.
// One record per user serves PLAIN, LOGIN and SCRAM-SHA-256: it keeps the SCRAM salt,
// iteration count, StoredKey and ServerKey (RFC 5802 §3, written as in RFC 5803 §3), never the
// password. CRAM-MD5 (RFC 2195 §2) needs a secret equivalent to the password: it is optional.
// Reading the files from disk is the caller's job; these functions take their text.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ehlo::sasl {

/// One user. The users file holds one per line:
///
///     name SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey [CRAM-MD5$secret]
///
/// where salt, StoredKey, ServerKey and secret are base64 (see credentials.cpp for the rules).
struct UserRecord {
    std::string name;
    int iterations = 0;
    std::string salt;        ///< raw octets
    std::string stored_key;  ///< 32 octets: H(ClientKey) RFC 5802 §3
    std::string server_key;  ///< 32 octets: HMAC(SaltedPassword, "Server Key") RFC 5802 §3
    std::optional<std::string> cram_md5_secret;  ///< plaintext-equivalent, only if enrolled
};

/// The least and default iteration counts for new records (RFC 7677 §4 asks for 4096).
inline constexpr int min_iterations = 4096;
/// The largest iteration count taken, from a users file or from a server's SCRAM challenge
/// RFC 5802 §5.1: the count sets the cost of PBKDF2, so the peer that chooses it must not be
/// able to hold the other side in it for hours.
inline constexpr int max_iterations = 10'000'000;

/// A syntax error in a users or tokens file, with its 1-based line number.
struct FileError {
    std::size_t line;
    std::string message;
};

/// The users, by name. Names compare octet by octet (no SASLprep, see credentials.cpp).
class Credentials {
  public:
    /// Adds or replaces the record of `record.name`.
    void add(UserRecord record);
    const UserRecord* find(std::string_view name) const;
    std::size_t size() const { return users_.size(); }

    /// Checks a password given in clear (PLAIN, LOGIN) by deriving the StoredKey again. An
    /// unknown user costs the same work as a wrong password, and answers the same.
    bool verify_password(std::string_view name, std::string_view password) const;

  private:
    std::map<std::string, UserRecord, std::less<>> users_;
};

/// The result of parsing a users file: the good lines, and an error per bad line.
struct UsersFile {
    Credentials users;
    std::vector<FileError> errors;
};
UsersFile parse_users(std::string_view text);

/// Makes a record from a password, with a caller-chosen salt (16 random octets are plenty).
/// `with_cram_md5` also stores the password itself as the CRAM-MD5 secret.
UserRecord make_user_record(std::string_view name, std::string_view password, std::string_view salt,
                            int iterations = min_iterations, bool with_cram_md5 = false);

/// The users-file line of `record`, without a line end.
std::string format_user_record(const UserRecord& record);

/// Bearer tokens for OAUTHBEARER (RFC 7628 §3.1): a file of `user token` lines.
class Tokens {
  public:
    void add(std::string user, std::string token);
    /// The user a token belongs to. Every stored token is compared in constant time.
    std::optional<std::string> user_for(std::string_view token) const;
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        std::string user;
        std::string token;
    };
    std::vector<Entry> entries_;
};

struct TokensFile {
    Tokens tokens;
    std::vector<FileError> errors;
};
TokensFile parse_tokens(std::string_view text);

/// True if `text` is well-formed UTF-8 (RFC 3629 §4: no overlongs, surrogates, or code
/// points past U+10FFFF).
bool is_utf8(std::string_view text);

}  // namespace ehlo::sasl
