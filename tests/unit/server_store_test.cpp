// Unit tests of the stores (server/store_maildir.hpp, server/store_memory.hpp): the bytes of
// a delivered file (Return-Path: of RFC 5321 §4.4, trace header, data), one file per
// recipient Maildir, nothing left in tmp/, and the 451 of a failed delivery with nothing
// visible (RFC 5321 §6.1). Each test works in its own temporary folder.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/store_maildir.hpp"
#include "server/store_memory.hpp"

namespace fs = std::filesystem;
using ehlo::protocol::Mailbox;
using ehlo::protocol::ReplyId;
using ehlo::protocol::ReversePath;
using ehlo::server::Envelope;
using ehlo::server::MaildirStore;
using ehlo::server::MemoryStore;

namespace {

/// A fresh folder under /tmp, removed with everything in it at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        char pattern[] = "/tmp/ehlo-store-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

Envelope envelope(std::optional<Mailbox> from, std::vector<Mailbox> to) {
    Envelope e;
    e.reverse_path = ReversePath{std::move(from)};
    e.recipients = std::move(to);
    return e;
}

/// The names of the entries of `dir` (none if it does not exist).
std::set<std::string> entries(const fs::path& dir) {
    std::set<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(dir, error)) {
        names.insert(entry.path().filename().string());
    }
    return names;
}

/// Every regular file below `dir`.
std::vector<fs::path> all_files(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    return files;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string trace = "Received: from client.test ([192.0.2.9]) by mx.example.test\r\n";
const std::string data = "Subject: hi\r\n\r\nHello\r\n.dot\r\n";

/// Begins, appends `data` in two pieces, commits; returns the commit's failure, if any.
std::optional<ehlo::protocol::Reply> deliver(ehlo::server::Store& store, const Envelope& e) {
    auto message = store.begin(e, trace);
    message->append(data.substr(0, 7));
    message->append(data.substr(7));
    return message->commit();
}

}  // namespace

TEST_CASE("maildir: one recipient gets one byte-exact file in new/", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path / "mail", "example.test");
    const auto failure =
        deliver(store, envelope(Mailbox{"a", "b.test"}, {{"john", "Example.Test"}}));
    REQUIRE_FALSE(failure.has_value());

    const fs::path maildir = tmp.path / "mail" / "example.test" / "john";
    CHECK(store.maildir_of(Mailbox{"john", "example.test"}) == maildir);
    const auto names = entries(maildir / "new");
    REQUIRE(names.size() == 1);
    CHECK(read_file(maildir / "new" / *names.begin()) ==
          "Return-Path: <a@b.test>\r\n" + trace + data);
    CHECK(entries(maildir) == std::set<std::string>{"cur", "new", "tmp"});
    CHECK(entries(maildir / "tmp").empty());
    CHECK(entries(maildir / "cur").empty());
    CHECK(entries(store.tmp_dir()).empty());
    CHECK(all_files(tmp.path).size() == 1);

    struct stat status {};
    REQUIRE(::stat(maildir.c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0700);
    REQUIRE(::stat((maildir / "new" / *names.begin()).c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);
}

TEST_CASE("maildir: the null reverse-path is written as <>", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    REQUIRE_FALSE(deliver(store, envelope(std::nullopt, {{"x", "example.test"}})).has_value());
    const auto files = all_files(tmp.path);
    REQUIRE(files.size() == 1);
    CHECK(read_file(files[0]) == "Return-Path: <>\r\n" + trace + data);
}

TEST_CASE("maildir: several recipients share one file through hard links", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    const std::vector<Mailbox> to = {{"john", "example.test"},
                                     {"\"john\"", "EXAMPLE.test"},  // the same mailbox again
                                     {"mary", "example.test"},
                                     {"Postmaster", ""},
                                     {"bob", "other.test"}};
    REQUIRE_FALSE(deliver(store, envelope(Mailbox{"a", "b.test"}, to)).has_value());

    const std::vector<fs::path> maildirs = {
        tmp.path / "example.test/john", tmp.path / "example.test/mary",
        tmp.path / "example.test/postmaster", tmp.path / "other.test/bob"};
    std::set<std::string> names;
    for (const fs::path& maildir : maildirs) {
        INFO(maildir);
        const auto in_new = entries(maildir / "new");
        REQUIRE(in_new.size() == 1);
        names.insert(*in_new.begin());
        const fs::path file = maildir / "new" / *in_new.begin();
        CHECK(read_file(file) == "Return-Path: <a@b.test>\r\n" + trace + data);
        CHECK(fs::hard_link_count(file) == 4);
        CHECK(entries(maildir / "tmp").empty());
    }
    CHECK(names.size() == 1);  // the same Maildir name in every new/
    CHECK(all_files(tmp.path).size() == 4);
    CHECK(entries(store.tmp_dir()).empty());
    CHECK(entries(tmp.path) == std::set<std::string>{".tmp", "example.test", "other.test"});
}

TEST_CASE("maildir: file names follow the Maildir convention", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    for (int i = 0; i < 3; ++i) {
        REQUIRE_FALSE(deliver(store, envelope(std::nullopt, {{"u", "example.test"}})).has_value());
    }
    const auto names = entries(tmp.path / "example.test/u/new");
    REQUIRE(names.size() == 3);
    for (const std::string& name : names) {
        INFO(name);
        CHECK(name.find('/') == std::string::npos);
        CHECK(name.find(':') == std::string::npos);  // ":" starts the flags in cur/
        CHECK(name.find(".M") != std::string::npos);
        CHECK(name.find('P') != std::string::npos);
        CHECK(name.find('Q') != std::string::npos);
    }
}

TEST_CASE("maildir: hostile local parts stay under the root", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path / "root", "example.test");
    const std::vector<Mailbox> to = {{"\"../../escape\"", "example.test"},
                                     {"..", "example.test"},
                                     {"\"\"", "example.test"},
                                     {"\"/\"", ".."},
                                     {"x", "[IPv6:::1]"}};
    REQUIRE_FALSE(deliver(store, envelope(std::nullopt, to)).has_value());
    CHECK(entries(tmp.path) == std::set<std::string>{"root"});
    CHECK(entries(tmp.path / "root") ==
          std::set<std::string>{".tmp", "example.test", "%2E.", "%5Bipv6%3A%3A%3A1%5D"});
    CHECK(entries(tmp.path / "root/example.test") ==
          std::set<std::string>{"%2E.%2F..%2Fescape", "%2E.", "%"});
    CHECK(entries(tmp.path / "root/%2E./%2F/new").size() == 1);
    CHECK(all_files(tmp.path).size() == 5);
}

TEST_CASE("maildir: abort and an uncommitted message leave nothing", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    const auto e = envelope(Mailbox{"a", "b.test"}, {{"john", "example.test"}});
    {
        auto message = store.begin(e, trace);
        message->append(data);
        CHECK(entries(store.tmp_dir()).size() == 1);  // being written
        message->abort();
        message->abort();                      // twice is harmless
        CHECK(message->commit().has_value());  // too late: the message is gone
    }
    {
        auto message = store.begin(e, trace);
        message->append(data);
    }  // dropped without commit
    CHECK(all_files(tmp.path).empty());
    CHECK(entries(tmp.path / "example.test/john/new").empty());
}

TEST_CASE("maildir: abort after a commit keeps the delivered message", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    auto message = store.begin(envelope(std::nullopt, {{"john", "example.test"}}), trace);
    REQUIRE_FALSE(message->commit().has_value());
    message->abort();
    CHECK(entries(tmp.path / "example.test/john/new").size() == 1);
}

TEST_CASE("maildir: a failed link yields 451 and leaves no file in any new/", "[store]") {
    // A regular file where a Maildir's new/ should be: fails even for root, unlike modes.
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    const fs::path broken = tmp.path / "example.test/broken";
    fs::create_directories(broken / "tmp");
    fs::create_directories(broken / "cur");
    std::ofstream(broken / "new") << "not a folder";
    std::vector<std::string> log;
    store.set_error_log([&log](const std::string& what) { log.push_back(what); });

    const std::vector<Mailbox> to = {
        {"first", "example.test"}, {"broken", "example.test"}, {"last", "example.test"}};
    const auto failure = deliver(store, envelope(Mailbox{"a", "b.test"}, to));
    REQUIRE(failure.has_value());
    CHECK(failure->id == ReplyId::local_error);
    CHECK(failure->code == 451);

    CHECK(entries(tmp.path / "example.test/first/new").empty());
    CHECK(entries(tmp.path / "example.test/last/new").empty());
    CHECK(entries(store.tmp_dir()).empty());
    CHECK(all_files(tmp.path) == std::vector<fs::path>{broken / "new"});
    REQUIRE(log.size() == 1);
    CHECK(log[0].find("broken") != std::string::npos);

    // The store still works for the others afterwards.
    CHECK_FALSE(deliver(store, envelope(std::nullopt, {{"first", "example.test"}})).has_value());
    CHECK(entries(tmp.path / "example.test/first/new").size() == 1);
}

TEST_CASE("maildir: a file that cannot be created yields 451 at commit", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    fs::remove(store.tmp_dir());
    std::ofstream(store.tmp_dir()) << "in the way";
    const auto failure = deliver(store, envelope(std::nullopt, {{"john", "example.test"}}));
    REQUIRE(failure.has_value());
    CHECK(failure->code == 451);
    CHECK_FALSE(fs::exists(tmp.path / "example.test"));
}

TEST_CASE("maildir: no recipients, or an unmappable one, yields 451", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    CHECK(deliver(store, envelope(std::nullopt, {})).has_value());
    const Mailbox too_long{"x", "[x-tag:" + std::string(100, '/') + "]"};
    CHECK(deliver(store, envelope(std::nullopt, {too_long})).has_value());
    CHECK(all_files(tmp.path).empty());
}

TEST_CASE("maildir: a removed .tmp folder is made again", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    fs::remove(store.tmp_dir());
    CHECK_FALSE(deliver(store, envelope(std::nullopt, {{"john", "example.test"}})).has_value());
    CHECK(entries(tmp.path / "example.test/john/new").size() == 1);
}

TEST_CASE("maildir: sessions on several threads deliver at once", "[store]") {
    TempDir tmp;
    MaildirStore store(tmp.path, "example.test");
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&store, &failures, t] {
            const std::vector<Mailbox> to = {{"shared", "example.test"},
                                             {"own" + std::to_string(t), "example.test"}};
            for (int i = 0; i < 25; ++i) {
                if (deliver(store, envelope(std::nullopt, to))) ++failures;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(failures == 0);
    CHECK(entries(tmp.path / "example.test/shared/new").size() == 100);
    CHECK(entries(tmp.path / "example.test/own3/new").size() == 25);
    CHECK(entries(store.tmp_dir()).empty());
}

TEST_CASE("memory store: keeps envelope and full text, fails on request", "[store]") {
    MemoryStore store;
    const auto e = envelope(Mailbox{"a", "b.test"}, {{"john", "example.test"}});
    REQUIRE_FALSE(deliver(store, e).has_value());
    REQUIRE(store.size() == 1);
    CHECK(store.messages()[0].text == "Return-Path: <a@b.test>\r\n" + trace + data);
    CHECK(store.messages()[0].envelope.recipients == e.recipients);

    store.fail_next_commit();
    const auto failure = deliver(store, e);
    REQUIRE(failure.has_value());
    CHECK(failure->id == ReplyId::local_error);
    CHECK(failure->code == 451);
    CHECK(store.size() == 1);
    CHECK_FALSE(deliver(store, e).has_value());  // only the next one fails
    CHECK(store.size() == 2);

    store.begin(e, trace)->abort();
    { auto dropped = store.begin(e, trace); }
    CHECK(store.size() == 2);
    CHECK(store.aborted() == 2);
    store.clear();
    CHECK(store.messages().empty());
}

TEST_CASE("memory store: concurrent commits are all kept", "[store]") {
    MemoryStore store;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&store] {
            for (int i = 0; i < 50; ++i) {
                (void)deliver(store, envelope(std::nullopt, {{"x", "example.test"}}));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(store.size() == 200);
}

TEST_CASE("discard store: every commit succeeds and nothing is kept", "[store]") {
    ehlo::server::DiscardStore store;
    CHECK_FALSE(deliver(store, envelope(std::nullopt, {{"x", "example.test"}})).has_value());
    CHECK_FALSE(deliver(store, envelope(std::nullopt, {})).has_value());
}
