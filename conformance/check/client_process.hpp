// Layer: conformance/check (I/O). The client under test as a process, for `ehlo-check --exec`:
// the command line with its placeholders filled in, shell-quoted; the process started through
// /bin/sh in a process group of its own, its standard input empty, its output kept as a tail of
// bounded size; its end awaited with a deadline, and the whole group killed when it outlives it.
// What its exit status means is the engine's (engine::judge_client_exit).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include "engine/client_run.hpp"

namespace ehlo::check {

/// The placeholders a command may use (docs/ehlo-check.md, "Judging a client").
inline constexpr std::string_view command_placeholders[] = {
    "host", "port", "from", "rcpt", "message", "user", "password", "ca-file"};

/// The placeholders of `command` that are not known, each once; empty when all are.
std::vector<std::string> unknown_placeholders(std::string_view command);

/// `command` with each `{name}` replaced by its value from `values`, quoted for /bin/sh.
std::string fill_command(std::string_view command,
                         const std::map<std::string, std::string, std::less<>>& values);

/// `text` as one /bin/sh word, in single quotes.
std::string shell_quote(std::string_view text);

/// The most of the client's output a report keeps: its last octets.
inline constexpr std::size_t client_output_tail = 4096;

/// A running client command.
class ClientProcess {
  public:
    /// Starts `/bin/sh -c command`; throws std::runtime_error when it cannot.
    ClientProcess(asio::any_io_executor executor, const std::string& command);
    ~ClientProcess();
    ClientProcess(const ClientProcess&) = delete;
    ClientProcess& operator=(const ClientProcess&) = delete;

    /// Whether it has ended (checked without waiting).
    bool ended();
    /// Waits up to `limit` for it to end, then kills its process group; its exit, with the
    /// tail of its output.
    asio::awaitable<engine::ClientExit> finish(std::chrono::milliseconds limit);

  private:
    struct Output;
    asio::awaitable<void> read_output();
    void reap(int status);

    pid_t pid_ = -1;
    bool reaped_ = false;
    engine::ClientExit exit_;
    std::shared_ptr<Output> output_;
};

}  // namespace ehlo::check
