// Layer: conformance/check (I/O). The driver of a client scenario: answers the requests of
// engine::ClientRun with real I/O on a ClientLink (accept the client, write replies, read its
// lines, data and chunks, watch for silence, the server side of TLS, wait, close). Where the
// client comes from is the caller's: `--exec` starts it and accepts it on a port of its own
// (client_mode.cpp), `--listen` hands over a connection already accepted (client_listen.cpp).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <asio/awaitable.hpp>
#include <asio/ssl/context.hpp>

#include "check/client_link.hpp"
#include "engine/client_run.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::check {

/// How client scenarios run.
struct ClientSetup {
    asio::ssl::context* tls = nullptr;         ///< the server context, from the test CA
    std::chrono::milliseconds timeout{30000};  ///< for each step: accept, read, write, handshake
    double time_scale = 1.0;
};

/// Brings the client's connection to `link`, within `timeout`; empty on success, else why not
/// ("the client exited with status 1 and never connected").
using AcceptClientFn =
    std::function<asio::awaitable<std::string>(ClientLink& link, std::chrono::milliseconds)>;

/// Runs `run` to its end on `link`, the connection brought by `accept`. The connection stays
/// as the run leaves it (open after a run told to keep it open); the caller closes it.
asio::awaitable<engine::ScenarioResult> drive_client(engine::ClientRun& run, ClientLink& link,
                                                     const ClientSetup& setup,
                                                     const AcceptClientFn& accept);

}  // namespace ehlo::check
