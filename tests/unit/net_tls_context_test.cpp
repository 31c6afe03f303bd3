// Unit tests for net/tls_context: what the server's TLS context offers. TLS 1.2 and up only,
// and in TLS 1.2 only cipher suites with ephemeral ECDH and AEAD encryption, in the server's
// order (BCP 195, RFC 9325 §4.2).
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include "net/tls_context.hpp"

namespace {

/// A self-signed P-256 certificate and its key, written as PEM files into a fresh folder.
struct TestCertificate {
    std::filesystem::path folder;
    std::filesystem::path certificate;
    std::filesystem::path key;

    TestCertificate() {
        folder = std::filesystem::temp_directory_path() /
                 ("ehlo-tls-context-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(folder);
        certificate = folder / "cert.pem";
        key = folder / "key.pem";
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_EC_gen("P-256"),
                                                                 EVP_PKEY_free);
        std::unique_ptr<X509, decltype(&X509_free)> x509(X509_new(), X509_free);
        REQUIRE((pkey && x509));
        X509_set_version(x509.get(), 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 1);
        X509_gmtime_adj(X509_getm_notBefore(x509.get()), 0);
        X509_gmtime_adj(X509_getm_notAfter(x509.get()), 3600);
        X509_set_pubkey(x509.get(), pkey.get());
        X509_NAME* name = X509_get_subject_name(x509.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("mx.example.test"), -1,
                                   -1, 0);
        X509_set_issuer_name(x509.get(), name);
        REQUIRE(X509_sign(x509.get(), pkey.get(), EVP_sha256()) > 0);
        write_pem(certificate, [&](FILE* f) { return PEM_write_X509(f, x509.get()); });
        write_pem(key, [&](FILE* f) {
            return PEM_write_PrivateKey(f, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
        });
    }

    ~TestCertificate() { std::filesystem::remove_all(folder); }

    template <typename Write>
    static void write_pem(const std::filesystem::path& path, Write write) {
        FILE* file = std::fopen(path.c_str(), "w");
        REQUIRE(file);
        const int written = write(file);
        std::fclose(file);
        REQUIRE(written == 1);
    }
};

}  // namespace

TEST_CASE("the server offers TLS 1.2 and up only") {
    TestCertificate files;
    auto context = ehlo::net::server_tls_context(files.certificate, files.key);
    CHECK(SSL_CTX_get_min_proto_version(context.native_handle()) == TLS1_2_VERSION);
}

TEST_CASE("the server's TLS 1.2 suites all have forward secrecy and AEAD encryption") {
    TestCertificate files;
    auto context = ehlo::net::server_tls_context(files.certificate, files.key);
    SSL_CTX* native = context.native_handle();
    CHECK((SSL_CTX_get_options(native) & SSL_OP_CIPHER_SERVER_PREFERENCE) != 0);
    STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(native);
    REQUIRE(ciphers != nullptr);
    int tls12_suites = 0;
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
        const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
        INFO(SSL_CIPHER_get_name(cipher));
        CHECK(SSL_CIPHER_is_aead(cipher) == 1);
        const int key_exchange = SSL_CIPHER_get_kx_nid(cipher);
        CHECK((key_exchange == NID_kx_ecdhe || key_exchange == NID_kx_any));  // any: TLS 1.3
        if (key_exchange == NID_kx_ecdhe) ++tls12_suites;
    }
    CHECK(tls12_suites > 0);
}
