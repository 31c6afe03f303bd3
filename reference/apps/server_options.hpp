// The options of ehlo-server (README.md, `ehlo-server --help`) as a plain struct, their
// definitions for CLI11, and the rules between them that CLI11 cannot say alone: the limits of
// RFC 5321 §4.5.3.1 (at least 100 recipients) and RFC 5321 §4.5.3.2 (timeouts), the names of the
// extensions --disable may switch off (server/extensions.hpp), the TLS options (RFC 3207,
// RFC 8314 §3) and the AUTH options (RFC 4954, RFC 6409 §4.3).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/command_line.hpp"
#include "server/policy.hpp"

namespace ehlo::apps {

/// The command line, as given.
struct ServerSettings {
    std::string listen = "127.0.0.1:2525";
    std::string smtps;
    std::string tls_cert;
    std::string tls_key;
    bool require_tls = false;
    std::string users;
    std::string tokens;
    bool allow_plaintext_auth = false;
    std::string submission;
    std::string hash_password;
    bool with_cram_md5 = false;
    std::string hostname = "localhost";
    std::vector<std::string> domains;
    std::string maildir;
    bool discard = false;
    std::size_t max_size = server::Limits{}.max_message_size;
    std::size_t max_recipients = server::Limits{}.max_recipients;
    std::size_t max_messages = server::Limits{}.max_transactions;
    std::vector<std::string> disabled;
    std::size_t max_connections = 1000;
    unsigned timeout_command = static_cast<unsigned>(server::Timeouts{}.command.count());
    unsigned timeout_data = static_cast<unsigned>(server::Timeouts{}.data_block.count());
    std::size_t min_data_rate = server::Timeouts{}.min_data_rate;
    std::vector<std::string> aliases;
    unsigned threads = 0;
    bool trace = false;
};

/// Declares every option of ehlo-server on `app`, each writing into `s`; `program` names the
/// program in --version.
void define_server_options(CLI::App& app, ServerSettings& s, const std::string& program);

/// Throws UsageError when the options parsed into `s` do not go together.
void check_server_settings(const ServerSettings& s);

}  // namespace ehlo::apps
