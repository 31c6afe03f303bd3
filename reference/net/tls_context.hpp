// Layer: net. The TLS settings of every Ehlo program in one place (docs/architecture.md): OpenSSL 3
// through asio::ssl, TLS 1.2 and up only (RFC 8996 retired 1.0 and 1.1; RFC 8314 §4.1 asks
// for current versions). The server side loads a certificate chain and key, from files or
// from memory (STARTTLS, RFC 3207, and implicit TLS, RFC 8314 §3); the client side verifies the
// server's certificate and name unless told not to. Streams and handshakes are left to the drivers.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include <asio/ssl/context.hpp>

namespace ehlo::net {

/// A certificate or key that cannot be loaded, or a context OpenSSL refuses; the message names
/// the file and OpenSSL's reason.
class TlsSetupError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A server context: `certificate_chain` (PEM, leaf first) and its `private_key` (PEM).
/// Throws TlsSetupError when either cannot be read or they do not match.
asio::ssl::context server_tls_context(const std::filesystem::path& certificate_chain,
                                      const std::filesystem::path& private_key);

/// The same from PEM text held in memory: `certificate_chain` (leaf first, then its issuers)
/// and `private_key`, for certificates made at run time that need no file.
/// Throws TlsSetupError with OpenSSL's reason when either cannot be read or they do not match.
asio::ssl::context server_tls_context_from_pem(const std::string& certificate_chain,
                                               const std::string& private_key);

/// How a client checks the server it talks to.
struct ClientTlsOptions {
    /// Verify the certificate chain and that it names `host` (the default); false for
    /// `--insecure`, which still encrypts but trusts anyone.
    bool verify = true;
    /// Trust anchors from this PEM file instead of the system's store.
    std::optional<std::filesystem::path> ca_file;
};

/// A client context after `options`. Throws TlsSetupError when `ca_file` cannot be read.
asio::ssl::context client_tls_context(const ClientTlsOptions& options);

/// Prepares `stream`'s SSL object for a client handshake with `host`: sends it as SNI
/// (RFC 6066 §3, unless it is an IP address) and, when verifying, requires the certificate to
/// name it (RFC 6125; an IP address must be in the certificate's IP entries).
/// Throws TlsSetupError when OpenSSL refuses the name.
void expect_server_name(SSL* ssl, const std::string& host, bool verify);

/// OpenSSL's reason for the last failure on this thread, or `fallback` when it has none.
std::string openssl_reason(const std::string& fallback);

}  // namespace ehlo::net
