// Layer: conformance/check (I/O). See client_mode.hpp: the client scenarios run under `--exec`,
// each on a loopback port of its own, `--jobs` at a time, with the client's process started
// for it and ended after it.
#include "check/client_mode.hpp"

#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "check/client_driver.hpp"
#include "check/client_listen.hpp"
#include "check/client_process.hpp"
#include "check/scheduler.hpp"
#include "check/test_ca.hpp"
#include "net/tls_context.hpp"
#include "sasl/base64.hpp"

namespace ehlo::check {

namespace {

using namespace asio::experimental::awaitable_operators;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto no_throw = asio::experimental::as_tuple(asio::use_awaitable);

/// A private folder for the CA file and the messages, removed with everything in it.
class TempFolder {
  public:
    TempFolder() {
        std::string name = (std::filesystem::temp_directory_path() / "ehlo-check-XXXXXX").string();
        if (mkdtemp(name.data()) == nullptr) {
            throw std::runtime_error("cannot make a folder in " +
                                     std::filesystem::temp_directory_path().string());
        }
        path_ = name;
    }
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

/// What every `--exec` run shares.
struct ExecContext {
    const Options* options = nullptr;
    ClientValues values;
    scenario::Variables variables;
    ClientSetup setup;
    std::filesystem::path folder;
    std::filesystem::path ca_file;
};

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << content;
    if (!file.flush()) throw std::runtime_error("cannot write " + path.string());
}

// Accepts the client on `acceptor`, in slices, giving up early when its process has ended.
AcceptClientFn accept_from(tcp::acceptor& acceptor, ClientProcess& process) {
    return [&acceptor, &process](
               ClientLink& link,
               std::chrono::milliseconds timeout) -> asio::awaitable<std::string> {
        const auto deadline = Clock::now() + timeout;
        asio::steady_timer slice(acceptor.get_executor());
        while (Clock::now() < deadline) {
            const bool ended = process.ended();  // before: a last connection may be queued
            slice.expires_after(std::chrono::milliseconds(100));
            auto first = co_await (acceptor.async_accept(no_throw) || slice.async_wait(no_throw));
            if (first.index() == 0) {
                auto [error, socket] = std::move(std::get<0>(first));
                if (error) co_return "accepting the client: " + error.message();
                link.adopt(std::move(socket));
                co_return std::string();
            }
            if (ended) co_return "the client's command ended without connecting";
        }
        co_return "the client did not connect within the time limit";
    };
}

std::map<std::string, std::string, std::less<>> placeholders(const ExecContext& context,
                                                             unsigned short port,
                                                             const std::filesystem::path& message) {
    return {{"host", "127.0.0.1"},
            {"port", std::to_string(port)},
            {"from", context.values.from},
            {"rcpt", context.values.rcpt},
            {"message", message.string()},
            {"user", context.values.user},
            {"password", context.values.password},
            {"ca-file", context.ca_file.string()}};
}

asio::awaitable<engine::ScenarioResult> run_exec(const scenario::Scenario& s,
                                                 const ExecContext& context) {
    const std::string& command = command_for(*context.options, s);
    if (command.empty()) {
        co_return not_run(s, engine::Verdict::skip,
                          std::string("asks the client for ") +
                              std::string(to_string(s.client.ask)) + "; give " +
                              option_for(s.client.ask) + " COMMAND");
    }
    auto executor = co_await asio::this_coro::executor;
    tcp::acceptor acceptor(executor, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto message = context.folder / (scenario::listen_local_part(s.id) + ".eml");
    write_file(message, message_for(s, context.values));
    const unsigned short port = acceptor.local_endpoint().port();
    ClientProcess process(executor, fill_command(command, placeholders(context, port, message)));
    engine::ClientRun run(s, context.variables, context.setup.time_scale);
    ClientLink link(executor);
    engine::ScenarioResult result =
        co_await drive_client(run, link, context.setup, accept_from(acceptor, process));
    link.close();
    const auto grace = std::min(context.setup.timeout, std::chrono::milliseconds(10000));
    engine::ClientExit exit = co_await process.finish(grace);
    engine::judge_client_exit(result, s.client.outcome, exit);
    if (!run.accepted() && s.client.refusal_allowed && exit.exited && exit.status != 0) {
        result.verdict = engine::Verdict::info;  // refused before connecting, as it may
        result.reason = "the client refused the message without connecting (exit " +
                        std::to_string(exit.status) + "), which this scenario allows";
    }
    co_return result;
}

// Runs the scenarios from `next` on, one after the other, sharing `next` with the other jobs.
asio::awaitable<void> exec_job(const std::vector<const scenario::Scenario*>& chosen,
                               std::size_t& next, std::vector<engine::ScenarioResult>& results,
                               const ExecContext& context, report::Reporter& reporter) {
    while (next < chosen.size()) {
        const std::size_t index = next++;
        try {
            results[index] = co_await run_exec(*chosen[index], context);
        } catch (const std::exception& error) {
            results[index] = not_run(*chosen[index], engine::Verdict::error, error.what());
        }
        reporter.scenario_finished(results[index]);
    }
}

// The command a run names as its target: the first one given.
const std::string& first_command(const Options& options) {
    for (const std::string* command :
         {&options.exec, &options.exec_starttls, &options.exec_tls, &options.exec_auth}) {
        if (!command->empty()) return *command;
    }
    return options.exec;
}

}  // namespace

ClientValues client_values(const Options& options) {
    ClientValues values;
    values.from = options.from;
    values.rcpt = options.rcpt.empty() ? "rcpt@mx.ehlo-check.test" : options.rcpt;
    const std::size_t colon = options.auth.find(':');
    values.user = options.auth.empty() ? "ehlo-user" : options.auth.substr(0, colon);
    values.password = options.auth.empty() ? "ehlo-password" : options.auth.substr(colon + 1);
    values.server = "mx.ehlo-check.test";
    return values;
}

scenario::Variables client_variables(const ClientValues& values) {
    scenario::Variables variables = credential_variables(values.user + ":" + values.password);
    variables["from"] = values.from;
    variables["rcpt"] = values.rcpt;
    variables["server"] = values.server;
    return variables;
}

const std::string& command_for(const Options& options, const scenario::Scenario& s) {
    switch (s.client.ask) {
        case scenario::Ask::starttls:
            return options.exec_starttls;
        case scenario::Ask::tls:
            return options.exec_tls;
        case scenario::Ask::auth:
            return options.exec_auth;
        case scenario::Ask::plain:
            break;
    }
    return options.exec;
}

std::string option_for(scenario::Ask ask) {
    return ask == scenario::Ask::plain ? "--exec" : "--exec-" + std::string(to_string(ask));
}

std::string message_for(const scenario::Scenario& s, const ClientValues& values) {
    return scenario::substitute(s.client.message, {{"from", values.from}, {"rcpt", values.rcpt}})
        .bytes;
}

engine::RunResult run_clients(const Options& options,
                              const std::vector<const scenario::Scenario*>& chosen,
                              report::Reporter& reporter, std::ostream& out) {
    TempFolder folder;
    const TestCertificates certificates = make_test_certificates();
    ExecContext context;
    context.options = &options;
    context.values = client_values(options);
    context.variables = client_variables(context.values);
    context.folder = folder.path();
    context.ca_file = folder.path() / "ca.pem";
    write_ca_file(certificates, context.ca_file);
    asio::ssl::context tls =
        net::server_tls_context_from_pem(certificates.server_chain, certificates.server_key);
    context.setup.tls = &tls;
    context.setup.timeout =
        std::chrono::milliseconds(static_cast<long long>(options.timeout * 1000));
    context.setup.time_scale = options.time_scale;

    engine::RunResult run;
    run.tool_version = version_number;
    run.time_scale = options.time_scale;
    const auto start = Clock::now();
    reporter.started(static_cast<int>(chosen.size()));
    if (!options.listen.empty()) {
        run.target = "clients at " + options.listen;
        run.results = listen_for_clients(options, chosen, context.variables, context.setup,
                                         context.ca_file, reporter, out);
    } else {
        run.target = "client: " + first_command(options);
        run.results.resize(chosen.size());
        asio::io_context io;
        std::size_t next = 0;
        for (std::size_t job = 0; job < options.jobs.value_or(4); ++job) {
            asio::co_spawn(io, exec_job(chosen, next, run.results, context, reporter),
                           asio::detached);
        }
        io.run();
    }
    run.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return run;
}

}  // namespace ehlo::check
