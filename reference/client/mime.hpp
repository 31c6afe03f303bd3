// Layer: client (sans-I/O). What ehlo-send adds to a message: header fields given on the
// command line (RFC 5322 §2.2, RFC 5322 §3.6) and attachments, which make the message a MIME
// multipart/mixed one (RFC 2046 §5.1.3) with a part per file in base64 (RFC 2045 §6.8) named
// by Content-Disposition (RFC 2183 §2.3, non-ASCII names after RFC 2231 §4). The message's
// own body becomes the first part. Reading the files and the randomness of the boundary are
// the caller's: contents and a unique string are passed in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ehlo::client {

/// Why `field` ("Name: value") cannot be a header field, or "" when it can: the name must be
/// printable US-ASCII without a colon RFC 5322 §2.2, the value hold no CR, LF or NUL.
std::string header_field_problem(std::string_view field);

/// `message` (lines ended by CRLF) with `field` in its header section: it replaces the fields
/// of the same name (compared without case, with their folded lines), else it is added at the
/// end of the header section. `field` must pass header_field_problem.
std::string set_header_field(std::string_view message, std::string_view field);

/// A file to attach.
struct Attachment {
    std::string filename;  ///< the name without folders, as the recipient sees it
    std::string content;   ///< the file's octets
};

/// "text/plain; charset=US-ASCII" for printable US-ASCII text in lines of at most 998 octets,
/// else "application/octet-stream": the type of an attachment, guessed only when safe.
std::string attachment_type(std::string_view content);

/// `message` (lines ended by CRLF) made multipart/mixed RFC 2046 §5.1.3: its header fields stay
/// on top, but for its Content-* fields and MIME-Version, which go with its body into the first
/// part (text/plain when it had none); each attachment follows as a base64 part. The boundary
/// is "=_" followed by `unique`, which must not be empty; "=_" never occurs in base64, and a
/// digit is added while the boundary still occurs in the body.
std::string attach_files(std::string_view message, const std::vector<Attachment>& attachments,
                         const std::string& unique);

}  // namespace ehlo::client
