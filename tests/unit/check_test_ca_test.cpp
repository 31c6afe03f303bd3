// The runner's test CA (conformance/check/test_ca.hpp), through OpenSSL's API only: the server
// certificate verifies against its CA for the names it holds (RFC 6125 §6.4) and for no other
// name or CA; the CA is a CA and the server certificate is not (RFC 5280 §4.2.1.9); and a real
// TLS handshake over loopback succeeds for a client that trusts the CA file, and fails for one
// that does not.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/stream.hpp>

#include "check/test_ca.hpp"
#include "net/tls_context.hpp"

using namespace ehlo;
using asio::ip::tcp;

namespace {

template <auto free_object>
struct OpenSslFree {
    template <typename T>
    void operator()(T* object) const {
        free_object(object);
    }
};
using Certificate = std::unique_ptr<X509, OpenSslFree<X509_free>>;

/// The first certificate of `pem`.
Certificate read_certificate(const std::string& pem) {
    std::unique_ptr<BIO, OpenSslFree<BIO_free>> bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
    Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    REQUIRE(certificate != nullptr);
    return certificate;
}

/// X509_verify_cert's result for the server certificate of `server` against the CA of `ca`,
/// for the host name or IP address `name`.
int verify(const check::TestCertificates& server, const check::TestCertificates& ca,
           const std::string& name, bool is_ip = false) {
    Certificate leaf = read_certificate(server.server_chain);
    Certificate anchor = read_certificate(ca.ca_certificate);
    std::unique_ptr<X509_STORE, OpenSslFree<X509_STORE_free>> store(X509_STORE_new());
    std::unique_ptr<X509_STORE_CTX, OpenSslFree<X509_STORE_CTX_free>> context(X509_STORE_CTX_new());
    REQUIRE(X509_STORE_add_cert(store.get(), anchor.get()) == 1);
    REQUIRE(X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), nullptr) == 1);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
    REQUIRE(X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER) == 1);
    REQUIRE((is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                   : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0)) == 1);
    X509_verify_cert(context.get());
    return X509_STORE_CTX_get_error(context.get());
}

bool is_critical(X509* certificate, int nid) {
    X509_EXTENSION* extension =
        X509_get_ext(certificate, X509_get_ext_by_NID(certificate, nid, -1));
    return extension != nullptr && X509_EXTENSION_get_critical(extension) == 1;
}

/// A folder of its own for the files of one test, removed afterwards.
struct TempFolder {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("ehlo-test-ca-" + std::to_string(::getpid()));
    TempFolder() { std::filesystem::create_directories(path); }
    ~TempFolder() { std::filesystem::remove_all(path); }
};

struct HandshakeResult {
    asio::error_code server;
    asio::error_code client;
    long client_verify_result = X509_V_OK;
};

/// One TLS handshake over loopback between a server with `certificates` and a client with
/// `client_context` that expects the server to be `host`.
HandshakeResult handshake(const check::TestCertificates& certificates,
                          asio::ssl::context& client_context, const std::string& host) {
    asio::ssl::context server_context =
        net::server_tls_context_from_pem(certificates.server_chain, certificates.server_key);
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    asio::ssl::stream<tcp::socket> server(io, server_context);
    asio::ssl::stream<tcp::socket> client(io, client_context);
    net::expect_server_name(client.native_handle(), host, true);
    HandshakeResult result;
    acceptor.async_accept(server.lowest_layer(), [&](asio::error_code error) {
        REQUIRE_FALSE(error);
        server.async_handshake(asio::ssl::stream_base::server,
                               [&](asio::error_code error) { result.server = error; });
    });
    client.lowest_layer().async_connect(acceptor.local_endpoint(), [&](asio::error_code error) {
        REQUIRE_FALSE(error);
        client.async_handshake(asio::ssl::stream_base::client,
                               [&](asio::error_code error) { result.client = error; });
    });
    io.run();
    result.client_verify_result = SSL_get_verify_result(client.native_handle());
    return result;
}

}  // namespace

TEST_CASE("the server certificate verifies against its test CA for its names") {
    auto certificates = check::make_test_certificates({"mx.example.test", "192.0.2.25"});
    CHECK(verify(certificates, certificates, "localhost") == X509_V_OK);
    CHECK(verify(certificates, certificates, "127.0.0.1", true) == X509_V_OK);
    CHECK(verify(certificates, certificates, "::1", true) == X509_V_OK);
    CHECK(verify(certificates, certificates, "mx.example.test") == X509_V_OK);
    CHECK(verify(certificates, certificates, "192.0.2.25", true) == X509_V_OK);
}

TEST_CASE("the server certificate names no other host") {
    auto certificates = check::make_test_certificates();
    CHECK(verify(certificates, certificates, "mx.example.test") == X509_V_ERR_HOSTNAME_MISMATCH);
    CHECK(verify(certificates, certificates, "127.0.0.2", true) == X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST_CASE("the server certificate does not verify against another test CA") {
    auto certificates = check::make_test_certificates();
    auto others = check::make_test_certificates();
    CHECK(certificates.ca_certificate != others.ca_certificate);
    CHECK(verify(certificates, others, "localhost") ==
          X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_CASE("the CA signs certificates, the server certificate is a TLS server's, both 7 days") {
    auto certificates = check::make_test_certificates();
    Certificate ca = read_certificate(certificates.ca_certificate);
    Certificate server = read_certificate(certificates.server_chain);
    CHECK(X509_check_ca(ca.get()) == 1);
    CHECK(is_critical(ca.get(), NID_basic_constraints));
    CHECK((X509_get_key_usage(ca.get()) & KU_KEY_CERT_SIGN) != 0);
    CHECK(X509_check_ca(server.get()) == 0);
    CHECK(is_critical(server.get(), NID_basic_constraints));
    CHECK(X509_check_purpose(server.get(), X509_PURPOSE_SSL_SERVER, 0) == 1);
    CHECK(X509_check_purpose(server.get(), X509_PURPOSE_SSL_CLIENT, 0) == 0);
    char subject[256];
    X509_NAME_oneline(X509_get_subject_name(ca.get()), subject, sizeof subject);
    CHECK_THAT(subject, Catch::StartsWith("/CN=ehlo-check test CA "));
    for (X509* certificate : {ca.get(), server.get()}) {
        int days = 0, seconds = 0;
        REQUIRE(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(certificate),
                               X509_get0_notAfter(certificate)) == 1);
        CHECK(days == 7);
        CHECK(seconds == 0);
        CHECK(X509_cmp_current_time(X509_get0_notBefore(certificate)) < 0);
    }
    CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()),
                           X509_get0_serialNumber(server.get())) != 0);
}

TEST_CASE("the CA file is the CA's certificate, readable by everyone") {
    TempFolder folder;
    auto certificates = check::make_test_certificates();
    const std::filesystem::path ca_file = folder.path / "ca.pem";
    const mode_t saved_mask = ::umask(077);
    check::write_ca_file(certificates, ca_file);
    ::umask(saved_mask);
    std::ostringstream text;
    text << std::ifstream(ca_file).rdbuf();
    CHECK(text.str() == certificates.ca_certificate);
    using std::filesystem::perms;
    CHECK((std::filesystem::status(ca_file).permissions() & perms::all) ==
          (perms::owner_read | perms::owner_write | perms::group_read | perms::others_read));
}

TEST_CASE("a client that trusts the CA file completes a TLS handshake with localhost") {
    TempFolder folder;
    auto certificates = check::make_test_certificates();
    check::write_ca_file(certificates, folder.path / "ca.pem");
    auto client_context =
        net::client_tls_context({.verify = true, .ca_file = folder.path / "ca.pem"});
    HandshakeResult result = handshake(certificates, client_context, "localhost");
    CHECK_FALSE(result.client);
    CHECK_FALSE(result.server);
    CHECK(result.client_verify_result == X509_V_OK);
}

TEST_CASE("a client that does not trust the CA refuses the handshake") {
    auto certificates = check::make_test_certificates();
    auto client_context = net::client_tls_context({});  // the system's trust store
    HandshakeResult result = handshake(certificates, client_context, "localhost");
    CHECK(result.client);
    CHECK(result.server);
    CHECK(result.client_verify_result == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
}

TEST_CASE("the server context takes the same certificates from memory and from files") {
    TempFolder folder;
    auto certificates = check::make_test_certificates();
    std::ofstream(folder.path / "chain.pem") << certificates.server_chain;
    std::ofstream(folder.path / "key.pem") << certificates.server_key;
    CHECK_NOTHROW(net::server_tls_context(folder.path / "chain.pem", folder.path / "key.pem"));
    CHECK_NOTHROW(
        net::server_tls_context_from_pem(certificates.server_chain, certificates.server_key));
}

TEST_CASE("a server context from PEM text says what is wrong with it") {
    auto certificates = check::make_test_certificates();
    auto others = check::make_test_certificates();
    CHECK_THROWS_WITH(
        net::server_tls_context_from_pem("not a certificate", certificates.server_key),
        Catch::Contains("cannot load the server certificate") && Catch::Contains("no start line"));
    CHECK_THROWS_WITH(
        net::server_tls_context_from_pem(certificates.server_chain, ""),
        Catch::Contains("cannot load the private key") && Catch::Contains("unsupported"));
    CHECK_THROWS_WITH(
        net::server_tls_context_from_pem(certificates.server_chain, others.server_key),
        Catch::Contains("mismatch"));
}
