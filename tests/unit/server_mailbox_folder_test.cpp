// Unit tests of the recipient -> folder mapping (server/mailbox_folder.hpp): RFC 5321 §2.4
// (case), RFC 5321 §4.1.2 (quoted local parts), RFC 5321 §4.5.1 (Postmaster), RFC 5321 §4.4
// (Return-Path:), and the promises that keep delivery under the Maildir root: no "/", never "", "."
// or "..", injective, bounded length.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/mailbox_folder.hpp"

using ehlo::protocol::Mailbox;
using ehlo::server::decode_folder_name;
using ehlo::server::encode_folder_name;
using ehlo::server::mailbox_folder;
using ehlo::server::unquote_local_part;

namespace {

const std::string primary = "example.test";

std::string folder(const std::string& local, const std::string& domain = "example.test") {
    return mailbox_folder(Mailbox{local, domain}, primary);
}

/// The last part of a folder: the name that stands for the local part.
std::string local_name(const std::string& local) {
    const std::string f = folder(local);
    return f.substr(f.find('/') + 1);
}

/// Local parts that attack the file system, each a different mailbox.
const std::vector<std::string> hostile_locals = {
    "",
    "\"\"",
    ".",
    "..",
    "\".\"",
    "\"..\"",
    "/",
    "\"/\"",
    "../../etc",
    "\"../../x\"",
    "a/b",
    "\"a/b\"",
    "\"\\\"\"",
    "\"\\\\\"",
    "%",
    "%2F",
    "%25",
    "\"%\"",
    ".hidden",
    "a.",
    std::string("a\0b", 3),
    "\xC3\xA9",
    "jos\xC3\xA9",
    "\xFF\xFE",
    "\"a b\"",
    "a%20b",
    "tab\there",
    "new",
    "tmp",
    "\"-rf\"",
    "*",
    "~root",
    "\"\\.\\.\"",
    "\r\n",
    "\"a\\",
};

}  // namespace

TEST_CASE("folder: DOMAIN/LOCAL with plain addresses", "[mailbox_folder]") {
    CHECK(folder("john") == "example.test/john");
    CHECK(folder("john.smith") == "example.test/john.smith");
    CHECK(folder("a+tag_x-y") == "example.test/a+tag_x-y");
    CHECK(folder("bob", "other.test") == "other.test/bob");
}

TEST_CASE("folder: the domain is case-insensitive, the local part is not", "[mailbox_folder]") {
    // RFC 5321 §2.4
    CHECK(folder("john", "Example.TEST") == folder("john", "example.test"));
    CHECK(folder("John") == "example.test/John");
    CHECK(folder("John") != folder("john"));
}

TEST_CASE("folder: a quoted local part is unquoted first", "[mailbox_folder]") {
    // RFC 5321 §4.1.2: "john" and john are one mailbox
    CHECK(folder("\"john\"") == folder("john"));
    CHECK(folder("\"john.smith\"") == folder("john.smith"));
    CHECK(folder("\"a\\\"b\"") == "example.test/a%22b");
    CHECK(folder("\"\\j\\o\\h\\n\"") == folder("john"));
    CHECK(folder("\"a b\"") == "example.test/a%20b");
}

TEST_CASE("unquote: only one well-formed Quoted-string loses its quotes", "[mailbox_folder]") {
    CHECK(unquote_local_part("\"x\"") == "x");
    CHECK(unquote_local_part("\"\"") == "");
    CHECK(unquote_local_part("\"\\\\\"") == "\\");
    CHECK(unquote_local_part("plain") == "plain");
    CHECK(unquote_local_part("\"") == "\"");
    CHECK(unquote_local_part("\"a\"b\"") == "\"a\"b\"");  // an inner bare quote
    CHECK(unquote_local_part("\"a\\\"") == "\"a\\\"");    // the backslash eats the end quote
}

TEST_CASE("folder: Postmaster in any case, with or without a domain", "[mailbox_folder]") {
    // RFC 5321 §4.5.1 and RFC 5321 §4.1.1.3
    CHECK(mailbox_folder(Mailbox{"Postmaster", ""}, "Example.Test") == "example.test/postmaster");
    CHECK(folder("POSTMASTER") == "example.test/postmaster");
    CHECK(folder("\"PostMaster\"", "other.test") == "other.test/postmaster");
    CHECK(folder("postmaster2") == "example.test/postmaster2");
}

TEST_CASE("folder: address literals stay inside one name", "[mailbox_folder]") {
    CHECK(folder("x", "[192.0.2.1]") == "%5B192.0.2.1%5D/x");
    CHECK(folder("x", "[IPv6:2001:db8::1]") == "%5Bipv6%3A2001%3Adb8%3A%3A1%5D/x");
    const std::string general = folder("x", "[x-tag:a/b/../c]");
    CHECK(std::count(general.begin(), general.end(), '/') == 1);
}

TEST_CASE("folder: hostile local parts are encoded", "[mailbox_folder]") {
    CHECK(local_name("") == "%");
    CHECK(local_name("\"\"") == "%");
    CHECK(local_name(".") == "%2E");
    CHECK(local_name("..") == "%2E.");
    CHECK(local_name("\"..\"") == "%2E.");
    CHECK(local_name("/") == "%2F");
    CHECK(local_name("../../etc") == "%2E.%2F..%2Fetc");
    CHECK(local_name("%") == "%25");
    CHECK(local_name(".hidden") == "%2Ehidden");
    CHECK(local_name("a.") == "a.");
    CHECK(local_name(std::string("a\0b", 3)) == "a%00b");
    CHECK(local_name("jos\xC3\xA9") == "jos%C3%A9");
    CHECK(local_name("\"\\\\\"") == "%5C");
    CHECK(local_name("\xFF") == "%FF");
}

TEST_CASE("folder: never a '/', '.', '..' or empty name, always under the root",
          "[mailbox_folder]") {
    const std::filesystem::path root = "/srv/mail";
    for (const std::string& local : hostile_locals) {
        for (const std::string domain : {"example.test", "", "[1.2.3.4]", ".", ".."}) {
            INFO("local part: " << local << " domain: " << domain);
            const std::string f = mailbox_folder(Mailbox{local, domain}, primary);
            const auto slash = f.find('/');
            REQUIRE(slash != std::string::npos);
            CHECK(f.find('/', slash + 1) == std::string::npos);
            CHECK(f.find('\0') == std::string::npos);
            for (const std::string& part : {f.substr(0, slash), f.substr(slash + 1)}) {
                CHECK(!part.empty());
                CHECK(part != ".");
                CHECK(part != "..");
                CHECK(part.front() != '.');
            }
            const std::filesystem::path full = (root / f).lexically_normal();
            CHECK(full.parent_path().parent_path() == root);
            CHECK(full.lexically_relative(root).string() == f);
        }
    }
}

TEST_CASE("folder: injective on distinct mailboxes", "[mailbox_folder]") {
    // Two spellings of one value share a folder (RFC 5321 §4.1.2); hostile_locals holds
    // seven such second spellings, and otherwise distinct values.
    const std::vector<std::pair<std::string, std::string>> same_value = {
        {"", "\"\""},       {".", "\".\""}, {"..", "\"..\""},     {"/", "\"/\""},
        {"a/b", "\"a/b\""}, {"%", "\"%\""}, {"..", "\"\\.\\.\""},
    };
    for (const auto& [a, b] : same_value) {
        INFO(a << " and " << b);
        CHECK(folder(a) == folder(b));
    }
    std::set<std::string> values;
    std::set<std::string> folders;
    for (const std::string& local : hostile_locals) {
        values.insert(unquote_local_part(local));
        folders.insert(folder(local));
    }
    CHECK(values.size() + same_value.size() == hostile_locals.size());
    CHECK(folders.size() == values.size());

    // Pairs that a sloppier rule would merge.
    const std::vector<std::pair<std::string, std::string>> tricky = {
        {"a/b", "a%2Fb"},
        {"%", ""},
        {"%25", "%"},
        {".a", "%2Ea"},
        {"a b", "a_b"},
        {"A", "a"},
        {"a..b", "a.b"},
        {"\xC3\xA9", "%C3%A9"},
        {std::string("a\0", 2), "a"},
        {"+", "%2B"},
        {"\"a\\", "\"a"},
        {"postmaster.x", "Postmaster.x"},
    };
    for (const auto& [a, b] : tricky) {
        INFO(a << " vs " << b);
        CHECK(folder(a) != folder(b));
    }
    CHECK(folder("x", "[1.2.3.4]") != folder("x", "%5B1.2.3.4%5D"));
    CHECK(folder("x", "a.test") != folder("x", "a.test."));
}

TEST_CASE("encode/decode: every octet string round-trips", "[mailbox_folder]") {
    std::mt19937 random(5321);
    std::uniform_int_distribution<int> octet(0, 255);
    std::uniform_int_distribution<int> length(0, 64);
    std::set<std::string> names;
    for (int i = 0; i < 3000; ++i) {
        std::string octets(static_cast<std::size_t>(length(random)), '\0');
        for (char& c : octets) {
            // every third string only of the octets that matter most: ".", "/", "%", "a"
            c = static_cast<char>(i % 3 == 0 ? "./%a"[octet(random) % 4] : octet(random));
        }
        const std::string name = encode_folder_name(octets);
        INFO("input of " << octets.size() << " octets: " << name);
        CHECK(name.find('/') == std::string::npos);
        CHECK(name.size() <= 3 * std::max<std::size_t>(octets.size(), 1));
        CHECK(decode_folder_name(name) == octets);
        names.insert(name);
    }
    CHECK(names.size() > 2000);
}

TEST_CASE("decode: refuses names the encoder never writes", "[mailbox_folder]") {
    for (const std::string name :
         {"", ".", "..", ".a", "%2", "%zz", "%2f", "%41", "a/b", "a%", "%%"}) {
        INFO(name);
        CHECK_FALSE(decode_folder_name(name).has_value());
    }
    CHECK(decode_folder_name("%") == std::string());
    CHECK(decode_folder_name("%2E.") == std::string(".."));
}

TEST_CASE("folder: a 64-octet local part fits in a file name", "[mailbox_folder]") {
    // RFC 5321 §4.5.3.1.1: at most 64 octets; encoded at most three times that.
    const std::string worst(64, '/');
    CHECK(local_name(worst).size() == 192);
    CHECK(local_name(std::string(64, 'a')) == std::string(64, 'a'));
    CHECK(local_name("\"" + std::string(64, '\\') + "\"").size() == 32 * 3);
    CHECK_THROWS_AS(folder(std::string(86, '/')), std::length_error);
    CHECK_NOTHROW(folder(std::string(85, '/')));
    CHECK_THROWS_AS(folder("x", "[x-tag:" + std::string(90, '/') + "]"), std::length_error);
}

TEST_CASE("Return-Path: the reverse-path, or <> for the null path", "[mailbox_folder]") {
    // RFC 5321 §4.4
    using ehlo::protocol::ReversePath;
    CHECK(ehlo::server::return_path_header(ReversePath{}) == "Return-Path: <>\r\n");
    CHECK(ehlo::server::return_path_header(ReversePath{Mailbox{"a", "b.test"}}) ==
          "Return-Path: <a@b.test>\r\n");
}
