// ehlo-check's connection to the target (conformance/check/link.hpp) against a scripted peer
// on loopback: whole replies, single and multi-line (RFC 5321 §4.2.1), several in one read,
// the server closing between replies and inside one, and the bounds that keep a hostile
// server from holding the runner: the time limit for a whole reply, the longest line, the most
// lines, and bytes between the 220 to STARTTLS and the handshake (RFC 3207 §4.2).
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include "check/link.hpp"
#include "net/tls_context.hpp"

using namespace ehlo;
using engine::Received;
using namespace std::chrono_literals;

namespace {

/// A peer on 127.0.0.1 that accepts one connection, writes `bytes`, then closes at once
/// (`close`) or waits for the client to go.
class ScriptedPeer {
  public:
    ScriptedPeer(std::string bytes, bool close) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t size = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
        port_ = ntohs(address.sin_port);
        REQUIRE(::listen(listener_, 1) == 0);
        thread_ = std::thread([this, bytes = std::move(bytes), close] { serve(bytes, close); });
    }
    ~ScriptedPeer() {
        thread_.join();
        ::close(listener_);
    }
    std::uint16_t port() const { return port_; }

  private:
    void serve(const std::string& bytes, bool close) {
        int conn = ::accept(listener_, nullptr, nullptr);
        if (conn < 0) return;
        for (std::size_t sent = 0; sent < bytes.size();) {
            ssize_t n = ::send(conn, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        char sink[4096];
        while (!close && ::recv(conn, sink, sizeof sink, 0) > 0) {
        }
        ::close(conn);
    }

    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

check::Target target_of(const ScriptedPeer& peer) {
    check::Target target;
    target.address = net::HostPort{"127.0.0.1", peer.port()};
    target.shown = "127.0.0.1:" + std::to_string(peer.port());
    target.timeout = 2000ms;
    return target;
}

using Body = asio::awaitable<void> (*)(check::Link&, const check::Target&);

// Coroutines are free functions here: GCC 12 warns wrongly about coroutine lambdas.
asio::awaitable<void> open_and_run(const check::Target& target, Body body) {
    check::Link link(co_await asio::this_coro::executor);
    std::string error = co_await link.open(target, false);
    REQUIRE(error.empty());
    co_await body(link, target);
    link.close();
}

asio::awaitable<std::string> open_only(const check::Target& target) {
    check::Link link(co_await asio::this_coro::executor);
    co_return co_await link.open(target, false);
}

/// Runs `body` with a Link connected to `target`, on an io_context of its own.
void with_link(const check::Target& target, Body body) {
    asio::io_context context;
    auto done = asio::co_spawn(context, open_and_run(target, body), asio::use_future);
    context.run();
    done.get();
}

std::string try_open(const check::Target& target) {
    asio::io_context context;
    auto done = asio::co_spawn(context, open_only(target), asio::use_future);
    context.run();
    return done.get();
}

asio::awaitable<void> two_replies_then_close(check::Link& link, const check::Target&) {
    Received first = co_await link.read_reply(1000ms);
    REQUIRE(first.kind == Received::Kind::reply);
    CHECK(first.reply.code == 250);
    CHECK(first.reply.lines == std::vector<std::string>{"mx.example", "PIPELINING"});
    Received second = co_await link.read_reply(1000ms);
    CHECK(second.reply.code == 221);
    Received end = co_await link.read_reply(1000ms);
    CHECK(end.kind == Received::Kind::closed);
}

asio::awaitable<void> closed_mid_reply(check::Link& link, const check::Target&) {
    Received received = co_await link.read_reply(1000ms);
    CHECK(received.kind == Received::Kind::malformed);
    CHECK_THAT(received.error, Catch::Contains("middle of a reply"));
}

asio::awaitable<void> times_out(check::Link& link, const check::Target&) {
    auto start = std::chrono::steady_clock::now();
    Received received = co_await link.read_reply(200ms);
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(received.kind == Received::Kind::timeout);
    CHECK(took >= 190ms);
    CHECK(took < 1500ms);
}

asio::awaitable<void> giant_line(check::Link& link, const check::Target&) {
    Received received = co_await link.read_reply(1000ms);
    CHECK(received.kind == Received::Kind::malformed);
    CHECK_THAT(received.error, Catch::Contains("8192"));
    Received next = co_await link.read_reply(1000ms);
    CHECK(next.kind == Received::Kind::malformed);
    CHECK_THAT(next.error, Catch::Contains("out of step"));
}

asio::awaitable<void> too_many_lines(check::Link& link, const check::Target&) {
    Received received = co_await link.read_reply(1000ms);
    CHECK(received.kind == Received::Kind::malformed);
    CHECK_THAT(received.error, Catch::Contains("1000 lines"));
}

asio::awaitable<void> bytes_before_handshake(check::Link& link, const check::Target& target) {
    Received go = co_await link.read_reply(1000ms);
    CHECK(go.reply.code == 220);
    std::string error = co_await link.start_tls(target);
    CHECK_THAT(error, Catch::Contains("sent 14 bytes after its 220 to STARTTLS"));
}

}  // namespace

TEST_CASE("replies are read whole, several from one read, then the close", "[check]") {
    ScriptedPeer peer("250-mx.example\r\n250 PIPELINING\r\n221 bye\r\n", true);
    with_link(target_of(peer), two_replies_then_close);
}

TEST_CASE("a close inside a reply is a malformed reply", "[check]") {
    ScriptedPeer peer("250-first of two\r\n", true);
    with_link(target_of(peer), closed_mid_reply);
}

TEST_CASE("silence ends in a time-out at the deadline", "[check]") {
    ScriptedPeer peer("", false);
    with_link(target_of(peer), times_out);
}

TEST_CASE("a giant line is malformed at the line limit, and the stream stays broken", "[check]") {
    ScriptedPeer peer("220 " + std::string(100000, 'x'), false);
    with_link(target_of(peer), giant_line);
}

TEST_CASE("a reply of more than 1000 lines is malformed", "[check]") {
    std::string endless;
    for (int i = 0; i < 1100; ++i)
        endless += "250-line\r\n";
    ScriptedPeer peer(endless, false);
    with_link(target_of(peer), too_many_lines);
}

TEST_CASE("bytes after the 220 to STARTTLS are named, not taken into TLS", "[check]") {
    ScriptedPeer peer("220 go ahead\r\n250 injected\r\n", false);
    asio::ssl::context tls = net::client_tls_context({false, std::nullopt});
    check::Target target = target_of(peer);
    target.tls_context = &tls;
    target.verify = false;
    with_link(target, bytes_before_handshake);
}

TEST_CASE("a refused connection says so", "[check]") {
    check::Target target;
    {
        ScriptedPeer peer("", true);  // a port that was open and is closed by now
        target = target_of(peer);
        CHECK(try_open(target).empty());
    }
    CHECK_THAT(try_open(target), Catch::Contains("cannot connect to 127.0.0.1:"));
}
