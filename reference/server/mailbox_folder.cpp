// Layer: server (pure: no I/O). The recipient -> folder mapping of mailbox_folder.hpp and the
// Return-Path: line of RFC 5321 §4.4. Why the mapping is safe: every part is encoded so that
// it holds no "/" and is never "", "." or ".."; so "DOMAIN/LOCAL" cannot leave the root.
#include "server/mailbox_folder.hpp"

#include <stdexcept>

namespace ehlo::server {
namespace {

constexpr std::string_view hex_digits = "0123456789ABCDEF";

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Octets that stand for themselves in a folder name; "." only after the first octet, so no
/// name is "." or ".." and none is hidden.
bool is_kept(char c, bool first) {
    return is_ascii_alnum(c) || c == '_' || c == '+' || c == '-' || (c == '.' && !first);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;  // lower-case hex is never written, so it is not read either
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

/// Encodes one part of the folder and enforces the file-name limit.
std::string encode_part(std::string_view octets, const char* what) {
    std::string name = encode_folder_name(octets);
    if (name.size() > max_folder_name) {
        throw std::length_error(std::string("mailbox_folder: ") + what +
                                " too long for a file name");
    }
    return name;
}

}  // namespace

std::string unquote_local_part(std::string_view local_part) {
    // RFC 5321 §4.1.2: Quoted-string = DQUOTE *QcontentSMTP DQUOTE, where a backslash
    // (quoted-pairSMTP) takes the next octet literally.
    if (local_part.size() < 2 || local_part.front() != '"' || local_part.back() != '"') {
        return std::string(local_part);
    }
    std::string_view inner = local_part.substr(1, local_part.size() - 2);
    std::string value;
    value.reserve(inner.size());
    for (std::size_t i = 0; i < inner.size(); ++i) {
        char c = inner[i];
        if (c == '"') return std::string(local_part);  // a bare quote inside: not one string
        if (c == '\\') {
            if (++i == inner.size()) return std::string(local_part);  // escapes the last quote
            c = inner[i];
        }
        value.push_back(c);
    }
    return value;
}

std::string encode_folder_name(std::string_view octets) {
    if (octets.empty()) return std::string(empty_folder_name);
    std::string name;
    name.reserve(octets.size());
    for (std::size_t i = 0; i < octets.size(); ++i) {
        const char c = octets[i];
        if (is_kept(c, i == 0)) {
            name.push_back(c);
            continue;
        }
        const auto octet = static_cast<unsigned char>(c);
        name.push_back('%');
        name.push_back(hex_digits[octet >> 4]);
        name.push_back(hex_digits[octet & 0x0F]);
    }
    return name;
}

std::optional<std::string> decode_folder_name(std::string_view name) {
    if (name == empty_folder_name) return std::string();
    if (name.empty()) return std::nullopt;
    std::string octets;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] != '%') {
            if (!is_kept(name[i], octets.empty())) return std::nullopt;
            octets.push_back(name[i]);
            continue;
        }
        if (i + 2 >= name.size()) return std::nullopt;  // a cut-off "%X"
        const int high = hex_value(name[i + 1]);
        const int low = hex_value(name[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        const char c = static_cast<char>(high * 16 + low);
        if (is_kept(c, octets.empty())) return std::nullopt;  // the encoder keeps this octet
        octets.push_back(c);
        i += 2;
    }
    return octets;
}

std::string mailbox_folder(const protocol::Mailbox& mailbox, std::string_view primary_domain) {
    // RFC 5321 §4.1.1.3: "<Postmaster>" without a domain is the postmaster of this server.
    std::string domain(mailbox.domain.empty() ? primary_domain : mailbox.domain);
    for (char& c : domain) {
        c = ascii_lower(c);  // RFC 5321 §2.4: domains are case-insensitive
    }

    // RFC 5321 §2.4: the local part is case-sensitive; RFC 5321 §4.5.1: "postmaster" is not.
    std::string local = unquote_local_part(mailbox.local_part);
    if (equals_ignore_case(local, "postmaster")) local = "postmaster";

    return encode_part(domain, "domain") + "/" + encode_part(local, "local part");
}

std::string return_path_header(const protocol::ReversePath& reverse_path) {
    // RFC 5321 §4.4: the delivering server records the reverse-path of MAIL FROM, "<>" for
    // the null path, in a Return-Path: line at the top of the message.
    return "Return-Path: " + reverse_path.to_string() + "\r\n";
}

}  // namespace ehlo::server
