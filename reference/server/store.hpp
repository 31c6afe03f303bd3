// Layer: server (the only part of it that touches files). Where accepted messages go.
// RFC 5321 §2.1 and RFC 5321 §6.1: once the server answers 250 to the end of data it owns the
// message, so a store only reports success once the message is durable.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/reply.hpp"
#include "server/session.hpp"

namespace ehlo::server {

/// One message on its way into a store: append its data, then commit or abort.
class PendingMessage {
  public:
    virtual ~PendingMessage() = default;
    /// Adds message data (already dot-unstuffed, CRLF line ends). Errors are remembered and
    /// reported by commit().
    virtual void append(std::string_view data) = 0;
    /// Makes the message durable for every recipient (blocking: run it off the event loop).
    /// Returns the failure reply (451) if it could not; then nothing of it is visible.
    virtual std::optional<protocol::Reply> commit() = 0;
    /// Drops the message; nothing of it stays visible.
    virtual void abort() = 0;
};

/// A place that takes messages. Shared by all sessions: implementations are thread-safe.
class Store {
  public:
    virtual ~Store() = default;
    /// Starts a message for `envelope`; `trace_header` (the Received: line, CRLF-ended) goes
    /// before the data. The store adds Return-Path: where it makes the final delivery
    /// (RFC 5321 §4.4).
    virtual std::unique_ptr<PendingMessage> begin(const Envelope& envelope,
                                                  std::string_view trace_header) = 0;
};

}  // namespace ehlo::server
