// Layer: net. See tls_context.hpp: the one place where Ehlo's TLS settings are made.
#include "net/tls_context.hpp"

#include <memory>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <asio/ip/address.hpp>

namespace ehlo::net {

namespace {

/// TLS 1.2 and up, no compression, no renegotiation by the peer.
asio::ssl::context modern_context(asio::ssl::context::method method) {
    asio::ssl::context context(method);
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression);
    SSL_CTX* native = context.native_handle();
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
        throw TlsSetupError(openssl_reason("cannot require TLS 1.2"));
    }
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
    return context;
}

/// Frees an OpenSSL object when its owner goes.
template <auto free_object>
struct OpenSslFree {
    template <typename T>
    void operator()(T* object) const {
        free_object(object);
    }
};
using Bio = std::unique_ptr<BIO, OpenSslFree<BIO_free>>;
using Certificate = std::unique_ptr<X509, OpenSslFree<X509_free>>;
using Key = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;

bool is_ip_address(const std::string& host) {
    asio::error_code error;
    asio::ip::make_address(host, error);
    return !error;
}

}  // namespace

std::string openssl_reason(const std::string& fallback) {
    unsigned long code = ERR_get_error();
    if (code == 0) {
        return fallback;
    }
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return text;
}

namespace {

/// The server's TLS 1.2 cipher suites: ephemeral ECDH key exchange and AEAD encryption only,
/// the families that BCP 195 recommends (RFC 9325 §4.2); no static RSA key exchange
/// (no forward secrecy) and no CBC mode. The TLS 1.3 suites are all of that kind already.
constexpr const char* server_tls12_ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";

/// A server context with the suites above, before its certificate and key.
asio::ssl::context server_context_with_suites() {
    asio::ssl::context context = modern_context(asio::ssl::context::tls_server);
    SSL_CTX* native = context.native_handle();
    if (SSL_CTX_set_cipher_list(native, server_tls12_ciphers) != 1) {
        throw TlsSetupError(openssl_reason("cannot set the TLS 1.2 cipher suites"));
    }
    SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);  // our order, strongest first
    return context;
}

/// Whether the last error is only the end of the PEM text: no further certificate in it.
bool at_end_of_pem() {
    unsigned long last = ERR_peek_last_error();
    return ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
}

}  // namespace

asio::ssl::context server_tls_context(const std::filesystem::path& certificate_chain,
                                      const std::filesystem::path& private_key) {
    asio::ssl::context context = server_context_with_suites();
    SSL_CTX* native = context.native_handle();
    if (SSL_CTX_use_certificate_chain_file(native, certificate_chain.c_str()) != 1) {
        throw TlsSetupError(certificate_chain.string() + ": " +
                            openssl_reason("cannot load the certificate chain"));
    }
    if (SSL_CTX_use_PrivateKey_file(native, private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
        throw TlsSetupError(private_key.string() + ": " +
                            openssl_reason("cannot load the private key"));
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        throw TlsSetupError(private_key.string() + ": does not match " +
                            certificate_chain.string());
    }
    return context;
}

asio::ssl::context server_tls_context_from_pem(const std::string& certificate_chain,
                                               const std::string& private_key) {
    asio::ssl::context context = server_context_with_suites();
    SSL_CTX* native = context.native_handle();
    ERR_clear_error();
    Bio chain(
        BIO_new_mem_buf(certificate_chain.data(), static_cast<int>(certificate_chain.size())));
    Certificate leaf(chain ? PEM_read_bio_X509_AUX(chain.get(), nullptr, nullptr, nullptr)
                           : nullptr);
    if (!leaf || SSL_CTX_use_certificate(native, leaf.get()) != 1) {
        throw TlsSetupError("cannot load the server certificate: " +
                            openssl_reason("no reason given"));
    }
    while (Certificate issuer{PEM_read_bio_X509(chain.get(), nullptr, nullptr, nullptr)}) {
        if (SSL_CTX_add1_chain_cert(native, issuer.get()) != 1) {
            throw TlsSetupError("cannot load the certificate chain: " +
                                openssl_reason("no reason given"));
        }
    }
    if (!at_end_of_pem()) {
        throw TlsSetupError("cannot read the certificate chain: " +
                            openssl_reason("no reason given"));
    }
    ERR_clear_error();
    Bio key_text(BIO_new_mem_buf(private_key.data(), static_cast<int>(private_key.size())));
    Key key(key_text ? PEM_read_bio_PrivateKey(key_text.get(), nullptr, nullptr, nullptr)
                     : nullptr);
    if (!key || SSL_CTX_use_PrivateKey(native, key.get()) != 1) {
        throw TlsSetupError("cannot load the private key: " + openssl_reason("no reason given"));
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        throw TlsSetupError("the private key does not match the server certificate");
    }
    return context;
}

asio::ssl::context client_tls_context(const ClientTlsOptions& options) {
    asio::ssl::context context = modern_context(asio::ssl::context::tls_client);
    if (!options.verify) {
        context.set_verify_mode(asio::ssl::verify_none);
        return context;
    }
    context.set_verify_mode(asio::ssl::verify_peer);
    if (options.ca_file) {
        if (SSL_CTX_load_verify_locations(context.native_handle(), options.ca_file->c_str(),
                                          nullptr) != 1) {
            throw TlsSetupError(options.ca_file->string() + ": " +
                                openssl_reason("cannot load the CA file"));
        }
    } else {
        context.set_default_verify_paths();
    }
    return context;
}

void expect_server_name(SSL* ssl, const std::string& host, bool verify) {
    bool ip = is_ip_address(host);
    if (!ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
        throw TlsSetupError(openssl_reason("cannot send the server name " + host));
    }
    if (!verify) {
        return;
    }
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    if (ok != 1) {
        throw TlsSetupError(openssl_reason("cannot check the server name " + host));
    }
}

}  // namespace ehlo::net
