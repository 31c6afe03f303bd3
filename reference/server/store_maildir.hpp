// Layer: server (touches files). Final delivery into one Maildir per recipient under a root
// folder: RFC 5321 §6.1 (250 only once the message is durable) and RFC 5321 §4.4 (Return-Path:).
// The folder of each recipient comes from mailbox_folder.hpp; docs/delivery.md describes the
// layout, the order of writes and syncs, and what a crash leaves behind. Running commit() off
// the event loop is left to the driver.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "server/store.hpp"

namespace ehlo::server {

class MaildirMessage;

/// Delivers each message into ROOT/DOMAIN/LOCAL/new/ for every recipient.
///
/// begin() writes one file into ROOT/.tmp/ (a name the mapping never gives a domain); commit()
/// fsyncs it, hard-links it into each recipient's new/, fsyncs those folders, removes the tmp
/// name and only then succeeds. On any failure it removes what it made and returns the 451 of
/// ReplyId::local_error. Thread-safe: sessions on several threads may deliver at once.
class MaildirStore final : public Store {
  public:
    /// Creates `root` (and ROOT/.tmp) if missing; throws std::filesystem::filesystem_error if
    /// it cannot. `primary_domain` receives mail for the domainless "<Postmaster>".
    MaildirStore(std::filesystem::path root, std::string primary_domain);

    std::unique_ptr<PendingMessage> begin(const Envelope& envelope,
                                          std::string_view trace_header) override;

    /// Where `mailbox`'s Maildir lies: ROOT / mailbox_folder(mailbox, primary domain).
    std::filesystem::path maildir_of(const protocol::Mailbox& mailbox) const;

    /// The folder that holds messages being written: ROOT/.tmp.
    std::filesystem::path tmp_dir() const { return root_ / ".tmp"; }
    const std::filesystem::path& root() const { return root_; }

    /// Receives the reason of every failed delivery (the client only sees 451, which must not
    /// reveal local paths). Set it before the first begin(); it is called from any thread.
    void set_error_log(std::function<void(const std::string&)> log) { error_log_ = std::move(log); }

  private:
    friend class MaildirMessage;

    /// Creates the domain folder, DIR and DIR/{tmp,new,cur} where missing (mode 0700), each
    /// new one fsynced into its parent. Returns an error text, empty on success.
    std::string ensure_maildir(const std::filesystem::path& maildir);
    /// A fresh Maildir file name: SECONDS.M<usec>P<pid>Q<count>.HOST.
    std::string unique_name() const;
    void log_error(const std::string& what) const;

    std::filesystem::path root_;
    std::string primary_domain_;
    std::string hostname_;       ///< with "/" and ":" escaped, as the Maildir convention asks
    std::mutex maildirs_mutex_;  ///< serializes creating Maildirs, so each is fsynced first
    std::function<void(const std::string&)> error_log_;
};

}  // namespace ehlo::server
