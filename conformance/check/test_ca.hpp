// Layer: conformance/check. The certificates of the runner when it plays the server for a
// client under test: a test CA made at run time, and a server certificate it signed, so that a
// client told to verify with the CA's file ({ca-file}) can check the runner's certificate and
// name over STARTTLS (RFC 3207 §4.1) or implicit TLS (RFC 8314 §3). Certificates follow the
// profile of RFC 5280; OpenSSL 3 makes them. The server's TLS context itself is
// net::server_tls_context_from_pem's; when to offer TLS is the client-testing engine's.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ehlo::check {

/// One run's certificates, as PEM text.
struct TestCertificates {
    /// The test CA's self-signed certificate: the trust anchor a client gets as {ca-file}.
    std::string ca_certificate;
    /// The server's certificate, then the CA's (for net::server_tls_context_from_pem).
    std::string server_chain;
    /// The server certificate's private key (PKCS #8).
    std::string server_key;
};

/// A fresh test CA (P-256, "CN=ehlo-check test CA <random>", valid from an hour ago for 7
/// days) and a server certificate it signed for localhost, 127.0.0.1 and ::1 and for each of
/// `names`, a DNS name or an IP address literal. Throws net::TlsSetupError with OpenSSL's
/// reason when OpenSSL refuses a step, or when a name is neither a DNS name nor an address.
TestCertificates make_test_certificates(const std::vector<std::string>& names = {});

/// Writes the CA's certificate to `path`, readable by everyone (0644): the client under test
/// may run as another user. Throws std::filesystem::filesystem_error when it cannot.
void write_ca_file(const TestCertificates& certificates, const std::filesystem::path& path);

}  // namespace ehlo::check
