// Layer: server (no I/O). MemoryStore and DiscardStore of store_memory.hpp. A MemoryMessage
// gathers its text privately and hands it to the store under the store's lock at commit, so
// sessions on several threads may deliver at once.
#include "server/store_memory.hpp"

#include <utility>

#include "server/mailbox_folder.hpp"

namespace ehlo::server {

/// A message gathered in memory until commit.
class MemoryMessage final : public PendingMessage {
  public:
    MemoryMessage(MemoryStore& store, const Envelope& envelope, std::string_view trace_header)
        : store_(store), message_{envelope, return_path_header(envelope.reverse_path)} {
        message_.text += trace_header;
    }
    ~MemoryMessage() override { abort(); }

    void append(std::string_view data) override {
        if (!finished_) message_.text += data;
    }

    std::optional<protocol::Reply> commit() override {
        if (finished_) return protocol::make_reply(protocol::ReplyId::local_error);
        finished_ = true;
        if (!store_.keep(std::move(message_))) {
            return protocol::make_reply(protocol::ReplyId::local_error);
        }
        return std::nullopt;
    }

    void abort() override {
        if (finished_) return;
        finished_ = true;
        store_.count_abort();
    }

  private:
    MemoryStore& store_;
    StoredMessage message_;
    bool finished_ = false;
};

std::unique_ptr<PendingMessage> MemoryStore::begin(const Envelope& envelope,
                                                   std::string_view trace_header) {
    return std::make_unique<MemoryMessage>(*this, envelope, trace_header);
}

std::vector<StoredMessage> MemoryStore::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

std::size_t MemoryStore::size() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
}

std::size_t MemoryStore::aborted() const {
    std::lock_guard lock(mutex_);
    return aborted_;
}

void MemoryStore::fail_next_commit() {
    std::lock_guard lock(mutex_);
    fail_next_ = true;
}

void MemoryStore::clear() {
    std::lock_guard lock(mutex_);
    messages_.clear();
    aborted_ = 0;
    fail_next_ = false;
}

bool MemoryStore::keep(StoredMessage message) {
    std::lock_guard lock(mutex_);
    if (std::exchange(fail_next_, false)) return false;
    messages_.push_back(std::move(message));
    return true;
}

void MemoryStore::count_abort() {
    std::lock_guard lock(mutex_);
    ++aborted_;
}

namespace {

/// Takes data and forgets it.
class DiscardedMessage final : public PendingMessage {
  public:
    void append(std::string_view) override {}
    std::optional<protocol::Reply> commit() override { return std::nullopt; }
    void abort() override {}
};

}  // namespace

std::unique_ptr<PendingMessage> DiscardStore::begin(const Envelope&, std::string_view) {
    return std::make_unique<DiscardedMessage>();
}

}  // namespace ehlo::server
