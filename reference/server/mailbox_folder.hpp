// Layer: server (pure: no I/O). What final delivery derives from the envelope: the folder
// under --maildir that holds a recipient's Maildir, and the Return-Path: line (RFC 5321 §4.4).
// The mapping reads local parts after RFC 5321 §2.4 (case-sensitive) and RFC 5321 §4.1.2 (a
// Quoted-string is unquoted), domains case-insensitively, and Postmaster after RFC 5321 §4.5.1.
// Creating the folders and writing the files is left to MaildirStore (store_maildir.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/address.hpp"

namespace ehlo::server {

/// The longest file name the mapping may produce: NAME_MAX of the common POSIX file systems.
/// A local part within the 64 octets of RFC 5321 §4.5.3.1.1 encodes to at most 192.
inline constexpr std::size_t max_folder_name = 255;

/// The name that stands for an empty string (the local part of `""@example.test`). The
/// encoder writes every other "%" as "%XX", so a lone "%" can mean nothing else.
inline constexpr std::string_view empty_folder_name = "%";

/// The value of a local part: a Quoted-string loses its quotes and its backslashes escape the
/// next octet RFC 5321 §4.1.2, so `"john"` and `john` are one mailbox. A Dot-string, or text
/// that is not one well-formed Quoted-string, is its own value.
std::string unquote_local_part(std::string_view local_part);

/// Encodes any octets as one safe file name: letters, digits, "_", "+", "-" and a "." that is
/// not the first octet stay; every other octet (and so "%", "/", NUL, a leading ".", each octet
/// of UTF-8) becomes "%XX" with upper-case hex. The empty string becomes empty_folder_name.
/// The result never holds "/", is never "", "." or "..", and decodes back (injective).
std::string encode_folder_name(std::string_view octets);

/// The inverse of encode_folder_name; nullopt for a name the encoder never produces.
std::optional<std::string> decode_folder_name(std::string_view name);

/// The folder "DOMAIN/LOCAL", relative to the Maildir root, of `mailbox`'s Maildir.
///
/// - DOMAIN: the domain in ASCII lower case (RFC 5321 §2.4: domains are case-insensitive),
///   or `primary_domain` for the domainless "<Postmaster>" RFC 5321 §4.1.1.3; then encoded.
///   Address literals are kept as written ("[192.0.2.1]" becomes "%5B192.0.2.1%5D").
/// - LOCAL: the unquoted local part, case kept (RFC 5321 §2.4), except that any case of
///   "postmaster" becomes "postmaster" (RFC 5321 §4.5.1); then encoded.
///
/// Two mailboxes share a folder exactly when they are the same mailbox under these rules, and
/// the folder always lies two levels below the root. Throws std::length_error if a part would
/// encode to more than max_folder_name octets (never within the limits of RFC 5321 §4.5.3.1.1, only
/// for a long address literal full of octets that need encoding).
std::string mailbox_folder(const protocol::Mailbox& mailbox, std::string_view primary_domain);

/// The header line that final delivery adds RFC 5321 §4.4: "Return-Path: <a@b>\r\n", or
/// "Return-Path: <>\r\n" for the null reverse-path.
std::string return_path_header(const protocol::ReversePath& reverse_path);

}  // namespace ehlo::server
