// Layer: conformance/check (I/O). See client_listen.hpp: `ehlo-check --listen`.
#include "check/client_listen.hpp"

#include <csignal>
#include <map>
#include <optional>
#include <stdexcept>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "check/scheduler.hpp"
#include "net/address.hpp"
#include "scenario/catalog.hpp"
#include "scenario/text.hpp"

namespace ehlo::check {

namespace {

using asio::ip::tcp;
constexpr auto no_throw = asio::experimental::as_tuple(asio::use_awaitable);

/// The run shared by every connection.
struct Listening {
    Listening(asio::io_context& io, const tcp::endpoint& where) : acceptor(io, where) {}
    tcp::acceptor acceptor;
    std::map<std::string, std::size_t, std::less<>> by_local_part;
    std::vector<std::optional<engine::ScenarioResult>> results;
    std::size_t left = 0;  ///< scenarios that can run here and have no result yet
    const scenario::Variables* variables = nullptr;
    const ClientSetup* setup = nullptr;
    const std::vector<const scenario::Scenario*>* chosen = nullptr;
    report::Reporter* reporter = nullptr;
};

// The standard opening and a RCPT line: what each connection plays before its scenario is
// known.
scenario::Scenario make_probe() {
    scenario::Scenario probe;
    probe.id = "client/listen/opening";
    probe.role = scenario::Role::client;
    probe.client.steps = scenario::standard_opening();
    scenario::Command rcpt;
    scenario::LineAlternative any_recipient;
    any_recipient.pattern = "RCPT TO:<*>*";
    rcpt.alternatives.push_back(any_recipient);
    probe.client.steps.push_back({0, rcpt});
    return probe;
}

// The local part of `RCPT TO:<local@domain>`; empty when there is none.
std::string local_part_of(const std::string& rcpt_line) {
    const auto open = rcpt_line.find('<');
    const auto close = rcpt_line.find('>', open);
    const auto at = rcpt_line.rfind('@', close);
    if (open == std::string::npos || close == std::string::npos || at == std::string::npos ||
        at < open) {
        return {};
    }
    return rcpt_line.substr(open + 1, at - open - 1);
}

const AcceptClientFn already_connected =
    [](ClientLink&, std::chrono::milliseconds) -> asio::awaitable<std::string> {
    co_return std::string();
};

// A recipient that names no scenario: refused, then QUIT is answered and the rest refused.
asio::awaitable<void> refuse_unknown(ClientLink& link, const std::string& local,
                                     std::chrono::milliseconds timeout) {
    co_await link.write("550 5.1.1 No client scenario answers to " + local +
                            "; ehlo-check --listen ADDR --list shows the addresses\r\n",
                        timeout);
    for (int lines = 0; lines < 20; ++lines) {
        const engine::ClientInput input = co_await link.read_line(timeout);
        if (input.kind != engine::ClientInput::Kind::bytes) break;
        const bool quit = scenario::upper(input.bytes).starts_with("QUIT");
        co_await link.write(quit ? "221 2.0.0 Bye\r\n" : "503 5.5.1 Send QUIT\r\n", timeout);
        if (quit) break;
    }
    link.close();
}

asio::awaitable<void> serve(tcp::socket socket, Listening& state) {
    ClientLink link(socket.get_executor());
    link.adopt(std::move(socket));
    link.start_recording();
    const scenario::Scenario probe = make_probe();
    engine::ClientRun opening(probe, *state.variables, state.setup->time_scale);
    opening.keep_open();
    const engine::ScenarioResult seen =
        co_await drive_client(opening, link, *state.setup, already_connected);
    if (seen.verdict == engine::Verdict::error || !link.is_open()) co_return link.close();
    const std::string local = local_part_of(opening.last_command());
    const auto found = state.by_local_part.find(local);
    if (found == state.by_local_part.end()) {
        co_return co_await refuse_unknown(link, local, state.setup->timeout);
    }
    link.replay();
    const scenario::Scenario& chosen = *(*state.chosen)[found->second];
    engine::ClientRun run(chosen, *state.variables, state.setup->time_scale);
    run.message_unknown();  // the client's user chose it, not the scenario
    engine::ScenarioResult result =
        co_await drive_client(run, link, *state.setup, already_connected);
    link.close();
    auto& slot = state.results[found->second];
    if (slot) co_return;  // a second message for the same scenario: the first one counts
    slot = std::move(result);
    state.reporter->scenario_finished(*slot);
    if (--state.left == 0) state.acceptor.close();
}

asio::awaitable<void> accept_all(Listening& state) {
    while (state.acceptor.is_open()) {
        auto [error, socket] = co_await state.acceptor.async_accept(no_throw);
        if (error) break;
        asio::co_spawn(state.acceptor.get_executor(), serve(std::move(socket), state),
                       asio::detached);
    }
}

// What the run ends with for a scenario that got no result.
engine::ScenarioResult unrun(const scenario::Scenario& s, const std::string& address) {
    if (!listenable(s)) {
        return not_run(s, engine::Verdict::skip,
                       "does not start with the standard opening, so --listen cannot pick it; "
                       "run it with --exec");
    }
    return not_run(
        s, engine::Verdict::error,
        "no client sent a message to " + scenario::listen_local_part(s.id) + "@... at " + address);
}

}  // namespace

bool listenable(const scenario::Scenario& scenario) {
    return scenario.client.standard_opening;
}

std::vector<engine::ScenarioResult> listen_for_clients(
    const Options& options, const std::vector<const scenario::Scenario*>& chosen,
    const scenario::Variables& variables, const ClientSetup& setup,
    const std::filesystem::path& ca_file, report::Reporter& reporter, std::ostream& out) {
    asio::io_context io;
    const net::HostPort where = net::parse_host_port(options.listen);
    Listening state(io, tcp::endpoint(asio::ip::make_address(where.host), where.port));
    state.variables = &variables;
    state.setup = &setup;
    state.chosen = &chosen;
    state.reporter = &reporter;
    state.results.resize(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        if (!listenable(*chosen[i])) continue;
        state.by_local_part[scenario::listen_local_part(chosen[i]->id)] = i;
        ++state.left;
    }
    const auto bound = state.acceptor.local_endpoint();
    out << "listening on " << net::format_endpoint(bound) << " for " << state.left
        << " client scenarios; the test CA is " << ca_file.string() << std::endl;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](std::error_code, int) { state.acceptor.close(); });
    asio::steady_timer limit(io);
    if (options.listen_for > 0) {
        limit.expires_after(
            std::chrono::milliseconds(static_cast<long long>(options.listen_for * 1000)));
        limit.async_wait([&](std::error_code error) {
            if (!error) state.acceptor.close();
        });
    }
    asio::co_spawn(io, accept_all(state), [&](std::exception_ptr) {
        signals.cancel();
        limit.cancel();
    });
    io.run();
    std::vector<engine::ScenarioResult> results;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        results.push_back(state.results[i] ? *state.results[i] : unrun(*chosen[i], options.listen));
    }
    return results;
}

}  // namespace ehlo::check
