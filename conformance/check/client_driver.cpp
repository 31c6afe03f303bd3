// Layer: conformance/check (I/O). See client_driver.hpp: ClientRun's requests answered with I/O.
#include "check/client_driver.hpp"

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace ehlo::check {

namespace {

using Clock = std::chrono::steady_clock;
using engine::Millis;

// One request answered; false once the run is finished.
asio::awaitable<bool> answer(engine::ClientRun& run, const engine::ClientRequest& request,
                             ClientLink& link, const ClientSetup& setup,
                             const AcceptClientFn& accept, Clock::time_point start) {
    const auto now = [start] { return std::chrono::duration_cast<Millis>(Clock::now() - start); };
    if (const auto* accepting = std::get_if<engine::AcceptClient>(&request)) {
        std::string why = co_await accept(link, setup.timeout);
        if (why.empty() && accepting->implicit_tls) {
            why = co_await link.handshake(*setup.tls, setup.timeout);
        }
        why.empty() ? run.connected(now()) : run.failed(why, now());
    } else if (const auto* send = std::get_if<engine::SendToClient>(&request)) {
        const std::string why = co_await link.write(send->bytes, setup.timeout);
        why.empty() ? run.written(now()) : run.failed(why, now());
    } else if (std::holds_alternative<engine::ReadClientLine>(request)) {
        run.received(co_await link.read_line(setup.timeout), now());
    } else if (std::holds_alternative<engine::ReadMailData>(request)) {
        run.received(co_await link.read_data(setup.timeout), now());
    } else if (const auto* chunk = std::get_if<engine::ReadOctets>(&request)) {
        run.received(co_await link.read_octets(chunk->octets, setup.timeout), now());
    } else if (const auto* watch = std::get_if<engine::WatchSilence>(&request)) {
        run.received(co_await link.watch(watch->duration), now());
    } else if (std::holds_alternative<engine::ServerHandshake>(request)) {
        const std::string why = co_await link.handshake(*setup.tls, setup.timeout);
        why.empty() ? run.connected(now()) : run.failed(why, now());
    } else if (const auto* sleep = std::get_if<engine::Sleep>(&request)) {
        asio::steady_timer timer(co_await asio::this_coro::executor, sleep->duration);
        co_await timer.async_wait(asio::use_awaitable);
        run.waited(now());
    } else if (std::holds_alternative<engine::CloseConnection>(request)) {
        link.close();
        run.closed(now());
    } else {
        co_return false;
    }
    co_return true;
}

}  // namespace

asio::awaitable<engine::ScenarioResult> drive_client(engine::ClientRun& run, ClientLink& link,
                                                     const ClientSetup& setup,
                                                     const AcceptClientFn& accept) {
    const auto start = Clock::now();
    for (;;) {
        const auto elapsed = std::chrono::duration_cast<Millis>(Clock::now() - start);
        const engine::ClientRequest request = run.next(elapsed);
        if (!co_await answer(run, request, link, setup, accept, start)) break;
    }
    co_return run.result();
}

}  // namespace ehlo::check
