// ehlo-check: the conformance runner's main (docs/ehlo-check.md). It parses the command line
// (conformance/check/options.hpp), supplies the two things the runner library leaves to its
// caller (the reference server started in-process for the demo, and the reports), and hands
// over to check::run_check. The only part of conformance/ that links the reference server:
// the runner itself judges every server, ours included, from the outside (docs/architecture.md).
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "apps/command_line.hpp"
#include "check/app.hpp"
#include "check/options.hpp"
#include "report/report.hpp"
#include "serve/listener.hpp"
#include "server/policy.hpp"
#include "server/store_memory.hpp"

namespace {

using namespace ehlo;

/// The demo's mail domain and the mailbox the scenarios send to ({rcpt}).
constexpr const char* demo_domain = "ehlo-demo.test";
constexpr const char* demo_mailbox = "postmaster@ehlo-demo.test";

/// The reference server on 127.0.0.1 and a free port, on its own thread, keeping no mail.
class InProcessServer final : public check::DemoServer {
  public:
    InProcessServer() {
        policy_.hostname = "mx.ehlo-demo.test";
        policy_.domains = {demo_domain};
        serve::ListenerOptions options;
        options.listen = net::HostPort{"127.0.0.1", 0};
        options.threads = 1;
        listener_ = std::make_unique<serve::Listener>(options, policy_, store_);
        listener_->bind();
        address_ = listener_->address();
        thread_ = std::thread([this] { listener_->run(); });
    }

    ~InProcessServer() override {
        // The listener stops on SIGTERM (it holds the signal while it exists), says 421 to
        // what is still connected and returns from run().
        std::raise(SIGTERM);
        thread_.join();
    }

    std::string address() const override { return address_; }
    std::string mailbox() const override { return demo_mailbox; }

  private:
    server::Policy policy_;
    server::DiscardStore store_;
    std::unique_ptr<serve::Listener> listener_;
    std::string address_;
    std::thread thread_;
};

std::unique_ptr<report::Reporter> make_reporter(const check::Options& options, std::ostream& out) {
    report::ReportFiles files{options.json, options.junit, options.html};
    return report::make_reporters(out, report::ConsoleOptions::detect(STDOUT_FILENO), files,
                                  {options.junit_warn_as_failure});
}

std::filesystem::path program_path(const char* argv0) {
    std::error_code error;
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) return self;
    return std::filesystem::absolute(argv0, error);
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // a server that went away is an error code, not a signal
    CLI::App app{"Ehlo conformance runner: checks an SMTP server against the scenario suite",
                 "ehlo-check"};
    check::Options options;
    check::define_options(app, options);
    check::Environment environment;
    environment.program = program_path(argv[0]);
    const char* scenarios = std::getenv("EHLO_SCENARIOS");
    environment.scenarios_env = scenarios == nullptr ? "" : scenarios;
    try {
        app.parse(argc, argv);
        if (options.version) {
            std::cout << check::version_text(options, environment.program,
                                             environment.scenarios_env);
            return check::exit_ok;
        }
        check::check_options(options);
    } catch (const CLI::ParseError& error) {
        return apps::parse_error_exit(error, app, "ehlo-check");
    } catch (const check::UsageError& error) {
        return apps::usage_error("ehlo-check", error.what());
    }
    environment.start_demo = [] { return std::make_unique<InProcessServer>(); };
    environment.make_reporter = make_reporter;
    try {
        return check::run_check(options, environment, std::cout, std::cerr);
    } catch (const std::exception& error) {
        std::cerr << "ehlo-check: " << error.what() << std::endl;
        return check::exit_cannot;
    }
}
