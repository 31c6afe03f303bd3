// Layer: server (touches files). Maildir delivery with POSIX calls, because the durability
// of RFC 5321 §6.1 needs fsync, which std::filesystem lacks. The order, step by step:
//   begin:  create ROOT/.tmp/NAME (O_EXCL), write Return-Path: (RFC 5321 §4.4) and the trace header
//   append: write the data as it comes; remember the first error
//   commit: fsync and close the file; for each recipient create its Maildir if needed
//           (fsyncing each new folder into its parent), link the file into DIR/new/NAME;
//           fsync every new/ folder; unlink the tmp name; only then report success.
// Any failure removes the links made so far and the tmp file, and yields 451.
#include "server/store_maildir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "server/mailbox_folder.hpp"

namespace ehlo::server {

namespace fs = std::filesystem;

namespace {

/// Messages begun by this process, over all stores: the Q part of a unique name.
std::atomic<std::uint64_t> deliveries{0};

/// "cannot link /a/b: No such file or directory", from the current errno.
std::string errno_text(std::string_view what, const fs::path& path) {
    const std::string reason = std::error_code(errno, std::generic_category()).message();
    return std::string(what) + " " + path.string() + ": " + reason;
}

/// Writes all of `data`, going on after short writes and interrupted calls.
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t written = ::write(fd, data.data(), data.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

/// Makes the entries of folder `dir` durable (new names, removed names).
bool fsync_dir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool synced = ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return synced;
}

/// Creates folder `dir` (mode 0700) unless a folder is there already; `created` says whether
/// its parent now has a new entry to sync. A file or a symbolic link in its place is an error.
std::string make_dir(const fs::path& dir, bool& created) {
    created = false;
    if (::mkdir(dir.c_str(), 0700) == 0) {
        created = true;
        return {};
    }
    if (errno != EEXIST) return errno_text("cannot create folder", dir);
    struct stat status {};
    if (::lstat(dir.c_str(), &status) != 0) return errno_text("cannot inspect", dir);
    if (!S_ISDIR(status.st_mode)) return "not a folder: " + dir.string();
    return {};
}

/// This host's name for unique file names, with "/" and ":" written as "\057" and "\072"
/// as the Maildir convention asks (":" starts the flags of a file in cur/).
std::string maildir_hostname() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "localhost";
    std::string host;
    for (const char* p = buffer; *p != '\0'; ++p) {
        if (*p == '/') {
            host += "\\057";
        } else if (*p == ':') {
            host += "\\072";
        } else {
            host += *p;
        }
    }
    return host;
}

}  // namespace

/// One message on its way into the Maildirs of its recipients.
class MaildirMessage final : public PendingMessage {
  public:
    MaildirMessage(MaildirStore& store, std::vector<fs::path> maildirs, std::string_view head,
                   std::string error)
        : store_(store), maildirs_(std::move(maildirs)) {
        if (!error.empty()) {
            fail(std::move(error));
        } else {
            create_file();
            append(head);
        }
    }
    ~MaildirMessage() override { abort(); }  // a message never committed leaves nothing

    void append(std::string_view data) override {
        if (!error_.empty() || finished_) return;
        if (!write_all(fd_, data)) fail(errno_text("cannot write", tmp_path_));
    }

    std::optional<protocol::Reply> commit() override {
        if (finished_) return protocol::make_reply(protocol::ReplyId::local_error);
        finished_ = true;
        std::vector<fs::path> links;
        const bool durable =
            has_recipients() && sync_and_close() && link_everywhere(links) && sync_new_dirs();
        if (!durable) return roll_back(links);
        // Delivered: a tmp name that cannot be removed is a harmless leftover, not a failure.
        if (::unlink(tmp_path_.c_str()) != 0) {
            store_.log_error(errno_text("cannot remove", tmp_path_));
        }
        return std::nullopt;
    }

    void abort() override {
        if (finished_) return;
        finished_ = true;
        remove_file();
    }

  private:
    /// Keeps the first error; returns false so that steps read `return fail(...)`.
    bool fail(std::string what) {
        if (error_.empty()) error_ = std::move(what);
        return false;
    }

    void create_file() {
        const fs::path dir = store_.tmp_dir();
        ::mkdir(dir.c_str(), 0700);  // in case it was removed; open() reports any real problem
        for (int attempt = 0; attempt < 3; ++attempt) {
            name_ = store_.unique_name();
            const fs::path path = dir / name_;
            fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd_ >= 0) {
                tmp_path_ = path;
                return;
            }
            if (errno != EEXIST) break;  // EEXIST: someone else's file; never touch it
        }
        fail(errno_text("cannot create", dir / name_));
    }

    bool has_recipients() {
        if (!error_.empty()) return false;
        return !maildirs_.empty() || fail("no recipients for " + tmp_path_.string());
    }

    bool sync_and_close() {
        if (::fsync(fd_) != 0) return fail(errno_text("cannot sync", tmp_path_));
        const int fd = std::exchange(fd_, -1);
        if (::close(fd) != 0) return fail(errno_text("cannot close", tmp_path_));
        return true;
    }

    /// One hard link per recipient: one write of the data, however many recipients.
    bool link_everywhere(std::vector<fs::path>& links) {
        for (const fs::path& maildir : maildirs_) {
            if (std::string error = store_.ensure_maildir(maildir); !error.empty()) {
                return fail(std::move(error));
            }
            fs::path target = maildir / "new" / name_;
            if (::link(tmp_path_.c_str(), target.c_str()) != 0) {
                return fail(errno_text("cannot link", target));
            }
            links.push_back(std::move(target));
        }
        return true;
    }

    bool sync_new_dirs() {
        for (const fs::path& maildir : maildirs_) {
            const fs::path new_dir = maildir / "new";
            if (!fsync_dir(new_dir)) return fail(errno_text("cannot sync", new_dir));
        }
        return true;
    }

    std::optional<protocol::Reply> roll_back(const std::vector<fs::path>& links) {
        for (const fs::path& link : links) {
            ::unlink(link.c_str());
        }
        remove_file();
        store_.log_error(error_);
        return protocol::make_reply(protocol::ReplyId::local_error);
    }

    void remove_file() {
        if (fd_ >= 0) ::close(std::exchange(fd_, -1));
        if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
    }

    MaildirStore& store_;
    std::vector<fs::path> maildirs_;  ///< distinct, one per recipient mailbox
    std::string name_;                ///< the unique file name, the same in .tmp/ and new/
    fs::path tmp_path_;               ///< set only once the file is ours
    int fd_ = -1;
    std::string error_;
    bool finished_ = false;
};

MaildirStore::MaildirStore(fs::path root, std::string primary_domain)
    : root_(std::move(root)),
      primary_domain_(std::move(primary_domain)),
      hostname_(maildir_hostname()) {
    fs::create_directories(root_);
    bool created = false;
    if (std::string error = make_dir(tmp_dir(), created); !error.empty()) {
        throw fs::filesystem_error(error, tmp_dir(), std::make_error_code(std::errc::io_error));
    }
}

std::unique_ptr<PendingMessage> MaildirStore::begin(const Envelope& envelope,
                                                    std::string_view trace_header) {
    std::vector<fs::path> maildirs;
    std::string error;
    try {
        for (const protocol::Mailbox& recipient : envelope.recipients) {
            fs::path maildir = maildir_of(recipient);
            // "john"@x and john@x are one mailbox: deliver there once.
            if (std::find(maildirs.begin(), maildirs.end(), maildir) == maildirs.end()) {
                maildirs.push_back(std::move(maildir));
            }
        }
    } catch (const std::length_error& e) {
        error = e.what();
    }
    const std::string head = return_path_header(envelope.reverse_path) + std::string(trace_header);
    return std::make_unique<MaildirMessage>(*this, std::move(maildirs), head, std::move(error));
}

fs::path MaildirStore::maildir_of(const protocol::Mailbox& mailbox) const {
    return root_ / mailbox_folder(mailbox, primary_domain_);
}

std::string MaildirStore::ensure_maildir(const fs::path& maildir) {
    // One thread at a time, so no delivery links into a folder whose own entry another thread
    // has created but not yet fsynced.
    std::lock_guard lock(maildirs_mutex_);
    const fs::path chain[] = {maildir.parent_path(), maildir, maildir / "tmp", maildir / "new",
                              maildir / "cur"};
    for (const fs::path& dir : chain) {
        bool created = false;
        if (std::string error = make_dir(dir, created); !error.empty()) return error;
        if (created && !fsync_dir(dir.parent_path())) {
            return errno_text("cannot sync", dir.parent_path());
        }
    }
    return {};
}

std::string MaildirStore::unique_name() const {
    using namespace std::chrono;
    const auto micros = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    return std::to_string(micros / 1'000'000) + ".M" + std::to_string(micros % 1'000'000) + "P" +
           std::to_string(::getpid()) + "Q" + std::to_string(++deliveries) + "." + hostname_;
}

void MaildirStore::log_error(const std::string& what) const {
    if (error_log_) error_log_(what);
}

}  // namespace ehlo::server
