// Layer: apps. The options of ehlo-send (docs/client.md, `ehlo-send --help`) as a plain struct,
// their definitions for CLI11 (with swaks' short spellings -s, -f, -t), and the rules between them
// that CLI11 cannot say alone. What the options do is send_main.cpp's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/types.hpp"
#include "net/address.hpp"

namespace ehlo::apps {

/// The command line, as given.
struct SendOptions {
    std::string server, from, helo, message_file;
    std::vector<std::string> to;
    std::string subject, body;
    std::vector<std::string> headers;      ///< --header 'Name: value', in order
    std::vector<std::string> attachments;  ///< --attach FILE, in order
    std::string quit_after;                ///< --quit-after STEP; empty for the whole session
    std::optional<std::string> starttls;
    bool tls = false, insecure = false, trace = false;
    std::string ca_file, tls_sni, tls_cert, tls_key;
    std::string auth_user, auth_mechanism, password, password_file, password_env;
    std::string token, token_file, token_env;
    client::DsnRequest dsn;
    bool no_pipelining = false, no_chunking = false;
    std::size_t chunk_size = 1 << 20;
    int timeout = 0;
};

/// The SMTP port, when --server names none: the port of RFC 5321 §4.5.4.2.
inline constexpr std::uint16_t default_smtp_port = 25;

/// Declares every option of ehlo-send on `app`, each writing into `o`; `program` names the
/// program in --version and in the examples of --help.
void define_send_options(CLI::App& app, SendOptions& o, const std::string& program);

/// Throws UsageError (apps/command_line.hpp) or net::AddressError when the options parsed into
/// `o` do not go together.
void check_send_options(const SendOptions& o);

/// The address of --server: HOST:PORT, [IPv6]:PORT, or a host without a port for port 25
/// (`mx.example.test`, `[::1]`). Throws net::AddressError naming what is wrong.
net::HostPort server_address(const std::string& text);

/// The step of --quit-after: connect and greeting (the same: a client sends nothing before the
/// greeting, RFC 5321 §3.1), ehlo, tls, auth, mail or rcpt; QuitAfter::none for "".
client::QuitAfter quit_after_step(const std::string& name);

}  // namespace ehlo::apps
