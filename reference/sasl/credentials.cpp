// Layer: sasl (sans-I/O). Parses the users and tokens files and enrols passwords.
// The SCRAM field follows the `SCRAM-SHA-256$iter:salt$StoredKey:ServerKey` spelling of
// RFC 5803 §3; the keys are those of RFC 5802 §3. Names and passwords are taken as octets:
// SASLprep (RFC 4013), which RFC 4954 §4 asks for with a SHOULD, is not applied, so a
// password must be typed in the same Unicode normalisation at enrolment and at login.
#include "sasl/credentials.hpp"

#include <charconv>
#include <cstdint>

#include "sasl/base64.hpp"
#include "sasl/crypto.hpp"

namespace ehlo::sasl {
namespace {

constexpr std::string_view scram_prefix = "SCRAM-SHA-256$";
constexpr std::string_view cram_prefix = "CRAM-MD5$";
constexpr std::size_t max_name = 255;  // the least RFC 4616 §2 asks servers to accept

/// Splits `line` at runs of spaces and tabs.
std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

/// Splits `text` at the first `separator`; no value if there is none.
std::optional<std::pair<std::string_view, std::string_view>> cut(std::string_view text,
                                                                 char separator) {
    const auto at = text.find(separator);
    if (at == std::string_view::npos) return std::nullopt;
    return std::pair{text.substr(0, at), text.substr(at + 1)};
}

/// Checks a user name as the files store it: UTF-8, no controls, 1 to 255 octets.
std::optional<std::string> name_problem(std::string_view name) {
    if (name.empty() || name.size() > max_name) return "a user name has 1 to 255 octets";
    if (!is_utf8(name)) return "the user name is not UTF-8";
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) return "the user name holds a control character";
    }
    return std::nullopt;
}

/// Reads `SCRAM-SHA-256$iter:salt$StoredKey:ServerKey` into `record`; returns a problem.
std::optional<std::string> read_scram(std::string_view field, UserRecord& record) {
    if (!field.starts_with(scram_prefix)) return "expected SCRAM-SHA-256$... as second field";
    const auto parts = cut(field.substr(scram_prefix.size()), '$');
    const auto left = parts ? cut(parts->first, ':') : std::nullopt;
    const auto right = parts ? cut(parts->second, ':') : std::nullopt;
    if (!left || !right) return "expected SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey";
    const auto [end, ec] = std::from_chars(
        left->first.data(), left->first.data() + left->first.size(), record.iterations);
    if (ec != std::errc{} || end != left->first.data() + left->first.size() ||
        record.iterations < 1 || record.iterations > max_iterations) {
        return "the iteration count must be a number from 1 to 10000000";
    }
    auto salt = base64_decode(left->second);
    auto stored = base64_decode(right->first);
    auto server = base64_decode(right->second);
    if (!salt || salt->empty()) return "the salt is not non-empty base64";
    if (!stored || stored->size() != 32) return "StoredKey is not 32 octets of base64";
    if (!server || server->size() != 32) return "ServerKey is not 32 octets of base64";
    record.salt = std::move(*salt);
    record.stored_key = std::move(*stored);
    record.server_key = std::move(*server);
    return std::nullopt;
}

/// Reads one non-comment line of the users file; returns a problem.
std::optional<std::string> read_user(std::string_view line, UserRecord& record) {
    const auto fields = fields_of(line);
    if (fields.size() < 2 || fields.size() > 3)
        return "expected: name SCRAM-SHA-256$... [CRAM-MD5$...]";
    if (auto problem = name_problem(fields[0])) return problem;
    record.name = std::string(fields[0]);
    if (auto problem = read_scram(fields[1], record)) return problem;
    if (fields.size() == 3) {
        if (!fields[2].starts_with(cram_prefix)) return "expected CRAM-MD5$... as third field";
        auto secret = base64_decode(fields[2].substr(cram_prefix.size()));
        if (!secret || secret->empty()) return "the CRAM-MD5 secret is not non-empty base64";
        record.cram_md5_secret = std::move(*secret);
    }
    return std::nullopt;
}

/// Calls `on_line(number, text)` for each line that is neither blank nor a `#` comment.
template <typename OnLine>
void for_each_line(std::string_view text, OnLine on_line) {
    std::size_t number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++number;
        if (line.ends_with('\r')) line.remove_suffix(1);
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || line[first] == '#') continue;
        on_line(number, line);
    }
}

}  // namespace

void Credentials::add(UserRecord record) {
    std::string name = record.name;
    users_.insert_or_assign(std::move(name), std::move(record));
}

const UserRecord* Credentials::find(std::string_view name) const {
    const auto it = users_.find(name);
    return it == users_.end() ? nullptr : &it->second;
}

bool Credentials::verify_password(std::string_view name, std::string_view password) const {
    // An unknown user is checked against a record no password matches, at the same cost.
    static const UserRecord nobody = {
        "",          min_iterations, "no such user", std::string(32, '\0'), std::string(32, '\0'),
        std::nullopt};
    const UserRecord* record = find(name);
    const UserRecord& against = record ? *record : nobody;
    const auto salted = pbkdf2_sha256(password, against.salt, against.iterations);
    const bool match = equal_constant_time(scram_keys(salted).stored_key, against.stored_key);
    return record != nullptr && match;
}

UsersFile parse_users(std::string_view text) {
    UsersFile file;
    for_each_line(text, [&](std::size_t number, std::string_view line) {
        UserRecord record;
        if (auto problem = read_user(line, record)) {
            file.errors.push_back({number, std::move(*problem)});
        } else if (file.users.find(record.name) != nullptr) {
            file.errors.push_back({number, "user '" + record.name + "' appears twice"});
        } else {
            file.users.add(std::move(record));
        }
    });
    return file;
}

UserRecord make_user_record(std::string_view name, std::string_view password, std::string_view salt,
                            int iterations, bool with_cram_md5) {
    UserRecord record;
    record.name = std::string(name);
    record.iterations = iterations;
    record.salt = std::string(salt);
    auto keys = scram_keys(pbkdf2_sha256(password, salt, iterations));
    record.stored_key = std::move(keys.stored_key);
    record.server_key = std::move(keys.server_key);
    if (with_cram_md5) record.cram_md5_secret = std::string(password);
    return record;
}

std::string format_user_record(const UserRecord& record) {
    std::string line = record.name + ' ' + std::string(scram_prefix) +
                       std::to_string(record.iterations) + ':' + base64_encode(record.salt) + '$' +
                       base64_encode(record.stored_key) + ':' + base64_encode(record.server_key);
    if (record.cram_md5_secret) {
        line += ' ' + std::string(cram_prefix) + base64_encode(*record.cram_md5_secret);
    }
    return line;
}

void Tokens::add(std::string user, std::string token) {
    entries_.push_back({std::move(user), std::move(token)});
}

std::optional<std::string> Tokens::user_for(std::string_view token) const {
    std::optional<std::string> found;
    for (const auto& entry : entries_) {  // no early exit: every token costs one comparison
        if (equal_constant_time(entry.token, token) && !found) found = entry.user;
    }
    return found;
}

TokensFile parse_tokens(std::string_view text) {
    TokensFile file;
    for_each_line(text, [&](std::size_t number, std::string_view line) {
        const auto fields = fields_of(line);
        if (fields.size() != 2) {
            file.errors.push_back({number, "expected: user token"});
        } else if (auto problem = name_problem(fields[0])) {
            file.errors.push_back({number, std::move(*problem)});
        } else {
            file.tokens.add(std::string(fields[0]), std::string(fields[1]));
        }
    });
    return file;
}

bool is_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0, least = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if (lead >= 0xc2 && lead <= 0xdf) {
            extra = 1, code = lead & 0x1f, least = 0x80;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            extra = 2, code = lead & 0x0f, least = 0x800;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            extra = 3, code = lead & 0x07, least = 0x10000;
        } else {
            return false;  // a continuation octet, or a lead that is never valid
        }
        if (text.size() - i <= extra) return false;  // the sequence is cut short
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) return false;
            code = (code << 6) | (next & 0x3f);
        }
        if (code < least || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace ehlo::sasl
