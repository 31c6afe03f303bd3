// Layer: server (no I/O). Two stores without files: MemoryStore keeps each committed message
// in memory so that tests can read what a session delivered, and can make a commit fail to
// test the 451 path (RFC 5321 §4.2.3); DiscardStore accepts and drops (--discard, benchmarks).
// Both add Return-Path: like a final delivery (RFC 5321 §4.4), so their text matches the
// Maildir files byte for byte. Durable delivery is MaildirStore's (store_maildir.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/store.hpp"

namespace ehlo::server {

/// A message as a store received it.
struct StoredMessage {
    Envelope envelope;
    /// Return-Path: line, trace header, then the message data, exactly as committed.
    std::string text;
};

class MemoryMessage;

/// Keeps committed messages in memory. Thread-safe. The store must outlive its messages.
class MemoryStore final : public Store {
  public:
    std::unique_ptr<PendingMessage> begin(const Envelope& envelope,
                                          std::string_view trace_header) override;

    /// A copy of the committed messages, oldest first.
    std::vector<StoredMessage> messages() const;
    /// How many messages were committed.
    std::size_t size() const;
    /// How many messages were begun and then aborted (or dropped without a commit).
    std::size_t aborted() const;
    /// Makes the next commit fail with the 451 of ReplyId::local_error, keeping nothing.
    void fail_next_commit();
    /// Forgets every message.
    void clear();

  private:
    friend class MemoryMessage;
    /// Keeps `message`, or returns false if a failure was asked for.
    bool keep(StoredMessage message);
    void count_abort();

    mutable std::mutex mutex_;
    std::vector<StoredMessage> messages_;
    std::size_t aborted_ = 0;
    bool fail_next_ = false;
};

/// Accepts every message and keeps nothing: commit always succeeds, without any I/O.
class DiscardStore final : public Store {
  public:
    std::unique_ptr<PendingMessage> begin(const Envelope& envelope,
                                          std::string_view trace_header) override;
};

}  // namespace ehlo::server
