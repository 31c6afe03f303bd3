// Layer: conformance/check. See test_ca.hpp: a test CA and the server certificate it signs,
// made with OpenSSL 3's API (no `openssl` command), after the profile of RFC 5280.
#include "check/test_ca.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <asio/ip/address.hpp>

#include "net/tls_context.hpp"

namespace ehlo::check {

namespace {

/// Frees an OpenSSL object when its owner goes.
template <auto free_object>
struct OpenSslFree {
    template <typename T>
    void operator()(T* object) const {
        free_object(object);
    }
};
using Key = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, OpenSslFree<X509_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, OpenSslFree<X509_EXTENSION_free>>;
using Names = std::unique_ptr<GENERAL_NAMES, OpenSslFree<GENERAL_NAMES_free>>;
using Bignum = std::unique_ptr<BIGNUM, OpenSslFree<BN_free>>;
using Bio = std::unique_ptr<BIO, OpenSslFree<BIO_free>>;

constexpr long validity_days = 7;
constexpr long backdating_seconds = 60 * 60;  // for a client whose clock is a little behind

/// Throws net::TlsSetupError naming what failed and OpenSSL's reason, unless `ok`.
void require(bool ok, const std::string& what) {
    if (!ok) {
        throw net::TlsSetupError("test certificates: cannot " + what + ": " +
                                 net::openssl_reason("no reason given"));
    }
}

Key new_p256_key() {
    Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    require(key != nullptr, "make a P-256 key");
    return key;
}

std::string random_hex(int octets) {
    std::vector<unsigned char> random(octets);
    require(RAND_bytes(random.data(), octets) == 1, "draw random octets");
    std::string hex;
    char digits[3];
    for (unsigned char octet : random) {
        std::snprintf(digits, sizeof digits, "%02x", octet);
        hex += digits;
    }
    return hex;
}

/// A random serial number: positive and at most 20 octets (RFC 5280 §4.1.2.2), here 127 bits.
bool set_random_serial(X509* certificate) {
    Bignum serial(BN_new());
    return serial && BN_rand(serial.get(), 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
           BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) != nullptr;
}

/// A version 3 certificate of `key` for the subject CN=`common_name`, valid from an hour ago
/// for 7 days (RFC 5280 §4.1.2.5), not yet signed nor with its issuer.
Certificate new_certificate(const std::string& common_name, EVP_PKEY* key) {
    Certificate certificate(X509_new());
    require(certificate != nullptr, "make a certificate");
    X509* x509 = certificate.get();
    const auto* name = reinterpret_cast<const unsigned char*>(common_name.c_str());
    require(X509_set_version(x509, X509_VERSION_3) == 1 && set_random_serial(x509) &&
                X509_gmtime_adj(X509_getm_notBefore(x509), -backdating_seconds) &&
                X509_time_adj_ex(X509_getm_notAfter(x509), validity_days, -backdating_seconds,
                                 nullptr) &&
                X509_NAME_add_entry_by_txt(X509_get_subject_name(x509), "CN", MBSTRING_UTF8, name,
                                           -1, -1, 0) == 1 &&
                X509_set_pubkey(x509, key) == 1,
            "fill in the certificate for " + common_name);
    return certificate;
}

/// Adds extension `nid`, written in OpenSSL's configuration syntax; `issuer` gives the key
/// identifier of "keyid" (RFC 5280 §4.2.1.1).
void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    require(extension && X509_add_ext(certificate, extension.get(), -1) == 1,
            std::string("add the extension ") + OBJ_nid2sn(nid));
}

/// A DNS name as a certificate may hold one: letters, digits, hyphens and dots.
bool is_dns_name(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
}

/// The subjectAltName: an IP address entry for each name that reads as one, a DNS name entry
/// for the others (RFC 5280 §4.2.1.6), which the client matches (RFC 6125 §6.4).
void add_subject_alt_names(X509* certificate, const std::vector<std::string>& names) {
    Names entries(GENERAL_NAMES_new());
    require(entries != nullptr, "make the subjectAltName");
    for (const std::string& name : names) {
        asio::error_code not_an_address;
        asio::ip::make_address(name, not_an_address);
        if (not_an_address && !is_dns_name(name)) {
            throw net::TlsSetupError("test certificates: neither a DNS name nor an address: " +
                                     name);
        }
        GENERAL_NAME* entry = a2i_GENERAL_NAME(
            nullptr, nullptr, nullptr, not_an_address ? GEN_DNS : GEN_IPADD, name.c_str(), 0);
        if (entry == nullptr || sk_GENERAL_NAME_push(entries.get(), entry) == 0) {
            GENERAL_NAME_free(entry);
            require(false, "add " + name + " to the subjectAltName");
        }
    }
    require(X509_add1_ext_i2d(certificate, NID_subject_alt_name, entries.get(), 0,
                              X509V3_ADD_DEFAULT) == 1,
            "add the subjectAltName");
}

void sign(X509* certificate, X509* issuer, EVP_PKEY* issuer_key) {
    require(X509_set_issuer_name(certificate, X509_get_subject_name(issuer)) == 1 &&
                X509_sign(certificate, issuer_key, EVP_sha256()) > 0,
            "sign a certificate");
}

/// What `write` puts in a memory BIO, as text.
template <typename Write>
std::string pem_text(Write write) {
    Bio bio(BIO_new(BIO_s_mem()));
    require(bio && write(bio.get()) == 1, "write PEM text");
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string certificate_pem(X509* certificate) {
    return pem_text([&](BIO* bio) { return PEM_write_bio_X509(bio, certificate); });
}

}  // namespace

TestCertificates make_test_certificates(const std::vector<std::string>& names) {
    // The CA, its own issuer: a key that signs certificates and nothing else
    // (RFC 5280 §4.2.1.9, RFC 5280 §4.2.1.3).
    Key ca_key = new_p256_key();
    Certificate ca = new_certificate("ehlo-check test CA " + random_hex(8), ca_key.get());
    add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    sign(ca.get(), ca.get(), ca_key.get());

    // The server: no CA, a TLS server only (RFC 5280 §4.2.1.12), named in its subjectAltName.
    Key server_key = new_p256_key();
    Certificate server = new_certificate("localhost", server_key.get());
    add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_extension(server.get(), ca.get(), NID_subject_key_identifier, "hash");
    add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    std::vector<std::string> server_names = {"localhost", "127.0.0.1", "::1"};
    for (const std::string& name : names) {
        if (std::find(server_names.begin(), server_names.end(), name) == server_names.end()) {
            server_names.push_back(name);
        }
    }
    add_subject_alt_names(server.get(), server_names);
    sign(server.get(), ca.get(), ca_key.get());

    TestCertificates certificates;
    certificates.ca_certificate = certificate_pem(ca.get());
    certificates.server_chain = certificate_pem(server.get()) + certificates.ca_certificate;
    certificates.server_key = pem_text([&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, server_key.get(), nullptr, nullptr, 0, nullptr,
                                        nullptr);
    });
    return certificates;
}

void write_ca_file(const TestCertificates& certificates, const std::filesystem::path& path) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << certificates.ca_certificate << std::flush;
    if (!file) {
        throw std::filesystem::filesystem_error("cannot write the CA file", path,
                                                std::error_code(errno, std::generic_category()));
    }
    using std::filesystem::perms;
    std::filesystem::permissions(
        path, perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
}

}  // namespace ehlo::check
