// Layer: conformance/check (I/O). See driver.hpp: engine::ScenarioRun's requests carried out
// on Links, one per connection of the scenario.
#include "check/driver.hpp"

#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "check/scheduler.hpp"
#include "engine/scenario_run.hpp"

namespace ehlo::check {

namespace {

using Clock = std::chrono::steady_clock;

/// One connection of the scenario.
struct Connection {
    explicit Connection(asio::any_io_executor executor) : link(std::move(executor)) {}
    Link link;
    /// Under `--starttls`, the greeting read before the upgrade: the scenario's first reply.
    std::optional<engine::Received> replay;
};

/// The state of one scenario's run: the interpreter and the connections it asked for.
class ScenarioDriver {
  public:
    ScenarioDriver(const scenario::Scenario& scenario, const scenario::Variables& variables,
                   const Target& target, RunSettings settings, ConnectTurn turn)
        : run_(scenario, variables, target.time_scale),
          target_(target),
          settings_(settings),
          turn_(std::move(turn)) {}

    asio::awaitable<engine::ScenarioResult> run() {
        executor_ = co_await asio::this_coro::executor;
        while (true) {
            engine::Request request = run_.next(now());
            if (std::holds_alternative<engine::Finished>(request)) break;
            co_await std::visit([this](auto& r) { return handle(r); }, request);
        }
        for (auto& [number, connection] : connections_)
            connection->link.close();
        co_return run_.result();
    }

  private:
    engine::Millis now() const {
        return std::chrono::duration_cast<engine::Millis>(Clock::now() - start_);
    }

    Connection* find(int number) {
        auto found = connections_.find(number);
        return found == connections_.end() ? nullptr : found->second.get();
    }

    asio::awaitable<void> handle(engine::OpenConnection& open) {
        if (turn_) co_await turn_();
        auto connection = std::make_unique<Connection>(executor_);
        bool implicit = open.implicit_tls || target_.tls == TlsMode::implicit;
        std::string error = co_await connection->link.open(target_, implicit);
        if (error.empty() && settings_.upgrade_first && !implicit) {
            error = co_await upgrade(*connection);
        }
        connections_[open.connection] = std::move(connection);
        if (!error.empty()) {
            run_.failed(error, now());
        } else {
            run_.connected(now());
        }
    }

    /// `--starttls`: greeting, EHLO, STARTTLS and the handshake before the scenario starts.
    /// A greeting that is no 220 is left for the scenario to judge, without TLS.
    asio::awaitable<std::string> upgrade(Connection& connection) {
        Link& link = connection.link;
        engine::Received greeting = co_await link.read_reply(target_.timeout);
        connection.replay = greeting;
        if (greeting.kind != engine::Received::Kind::reply || greeting.reply.code != 220) {
            co_return std::string{};
        }
        std::string ehlo = "EHLO " + target_.client_name;
        for (const std::string& command : {ehlo, std::string("STARTTLS")}) {
            std::string error = (co_await link.write(command + "\r\n", target_)).error;
            if (!error.empty()) co_return "--starttls: " + command + ": " + error;
            engine::Received reply = co_await link.read_reply(target_.timeout);
            if (reply.kind != engine::Received::Kind::reply || reply.reply.code / 100 != 2) {
                co_return "--starttls: the reply to " + command + " was " + engine::describe(reply);
            }
        }
        std::string error = co_await link.start_tls(target_);
        if (!error.empty()) co_return "--starttls: " + error;
        co_return std::string{};
    }

    asio::awaitable<void> handle(engine::WriteBytes& write) {
        Connection* connection = find(write.connection);
        if (connection == nullptr) {
            run_.failed("connection " + std::to_string(write.connection) + " is not open", now());
            co_return;
        }
        const bool replies_waiting = connection->link.has_unread();
        Link::WriteOutcome outcome = co_await connection->link.write(write.bytes, target_);
        if (outcome.error.empty()) {
            run_.written(now(), replies_waiting);
        } else if (outcome.peer_closed) {
            run_.write_cut_short(outcome.error, now());  // what it sent first is still read
        } else {
            run_.failed(outcome.error, now());
        }
    }

    asio::awaitable<void> handle(engine::ReadReply& read) {
        Connection* connection = find(read.connection);
        if (connection == nullptr) {
            run_.received(engine::Received::closed(), now());
            co_return;
        }
        if (connection->replay) {
            engine::Received replay = std::move(*connection->replay);
            connection->replay.reset();
            run_.received(replay, now());
            co_return;
        }
        engine::Received received = co_await connection->link.read_reply(target_.timeout);
        run_.received(received, now());
    }

    asio::awaitable<void> handle(engine::Handshake& handshake) {
        Connection* connection = find(handshake.connection);
        std::string error = "connection " + std::to_string(handshake.connection) + " is not open";
        if (connection != nullptr) error = co_await connection->link.start_tls(target_);
        if (!error.empty()) {
            run_.failed(error, now());
        } else {
            run_.connected(now());
        }
    }

    asio::awaitable<void> handle(engine::Sleep& sleep) {
        asio::steady_timer timer(executor_, sleep.duration);
        co_await timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
        run_.waited(now());
    }

    asio::awaitable<void> handle(engine::CloseConnection& close) {
        if (Connection* connection = find(close.connection)) connection->link.close();
        connections_.erase(close.connection);
        run_.closed(now());
        co_return;
    }

    asio::awaitable<void> handle(engine::Finished&) { co_return; }

    engine::ScenarioRun run_;
    const Target& target_;
    RunSettings settings_;
    ConnectTurn turn_;
    asio::any_io_executor executor_;
    std::map<int, std::unique_ptr<Connection>> connections_;
    Clock::time_point start_ = Clock::now();
};

}  // namespace

asio::awaitable<engine::ScenarioResult> run_scenario(const scenario::Scenario& scenario,
                                                     const scenario::Variables& variables,
                                                     const Target& target, RunSettings settings,
                                                     ConnectTurn turn) {
    auto start = Clock::now();
    try {
        ScenarioDriver driver(scenario, variables, target, settings, std::move(turn));
        co_return co_await driver.run();
    } catch (const std::exception& error) {
        engine::ScenarioResult result = not_run(scenario, engine::Verdict::error,
                                                std::string("internal error: ") + error.what());
        result.duration =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        co_return result;
    }
}

}  // namespace ehlo::check
