// Layer: conformance/check (I/O). See client_process.hpp: the client under test as a process.
#include "check/client_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

extern char** environ;

namespace ehlo::check {

namespace {

bool known_placeholder(std::string_view name) {
    return std::find(std::begin(command_placeholders), std::end(command_placeholders), name) !=
           std::end(command_placeholders);
}

}  // namespace

/// The output pipe and the tail of what came through it; shared with the reading coroutine.
struct ClientProcess::Output {
    explicit Output(asio::any_io_executor executor) : pipe(executor) {}
    asio::posix::stream_descriptor pipe;
    std::string tail;
    bool done = false;
};

std::vector<std::string> unknown_placeholders(std::string_view command) {
    std::vector<std::string> unknown;
    for (std::size_t open = command.find('{'); open != std::string_view::npos;
         open = command.find('{', open + 1)) {
        const auto close = command.find('}', open);
        if (close == std::string_view::npos) break;
        const std::string name(command.substr(open + 1, close - open - 1));
        if (!known_placeholder(name) &&
            std::find(unknown.begin(), unknown.end(), name) == unknown.end()) {
            unknown.push_back(name);
        }
    }
    return unknown;
}

std::string shell_quote(std::string_view text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

std::string fill_command(std::string_view command,
                         const std::map<std::string, std::string, std::less<>>& values) {
    std::string out;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const auto close = command.find('}', i);
        if (command[i] == '{' && close != std::string_view::npos) {
            const auto found = values.find(command.substr(i + 1, close - i - 1));
            if (found != values.end()) {
                out += shell_quote(found->second);
                i = close;
                continue;
            }
        }
        out += command[i];
    }
    return out;
}

ClientProcess::ClientProcess(asio::any_io_executor executor, const std::string& command)
    : output_(std::make_shared<Output>(executor)) {
    int pipe_ends[2];
    if (pipe2(pipe_ends, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], 2);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    const int failed = posix_spawn(&pid_, "/bin/sh", &actions, &attributes,
                                   const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(pipe_ends[1]);
    if (failed != 0) {
        ::close(pipe_ends[0]);
        throw std::runtime_error("cannot start /bin/sh for the client command");
    }
    output_->pipe.assign(pipe_ends[0]);
    asio::co_spawn(executor, read_output(), asio::detached);
}

ClientProcess::~ClientProcess() {
    if (!reaped_ && pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    output_->pipe.close(ignored);
}

// Keeps the last client_output_tail octets of the output until the pipe closes.
asio::awaitable<void> ClientProcess::read_output() {
    auto output = output_;  // lives as long as this coroutine
    std::array<char, 4096> buffer{};
    for (;;) {
        std::error_code error;
        const std::size_t got = co_await output->pipe.async_read_some(
            asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, error));
        output->tail.append(buffer.data(), got);
        if (output->tail.size() > client_output_tail) {
            output->tail.erase(0, output->tail.size() - client_output_tail);
        }
        if (error) break;
    }
    output->done = true;
}

void ClientProcess::reap(int status) {
    reaped_ = true;
    exit_.exited = WIFEXITED(status);
    exit_.status = exit_.exited ? WEXITSTATUS(status) : 0;
    exit_.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

bool ClientProcess::ended() {
    if (reaped_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) reap(status);
    return reaped_;
}

asio::awaitable<engine::ClientExit> ClientProcess::finish(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!ended() && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::use_awaitable);
    }
    if (!ended()) {
        ::kill(-pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        reap(status);
        exit_.killed = true;
    } else {
        ::kill(-pid_, SIGKILL);  // what the shell left running
    }
    for (int i = 0; i < 50 && !output_->done; ++i) {  // the last of the output, briefly
        timer.expires_after(std::chrono::milliseconds(10));
        co_await timer.async_wait(asio::use_awaitable);
    }
    exit_.output = output_->tail;
    co_return exit_;
}

}  // namespace ehlo::check
