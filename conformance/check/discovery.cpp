// Layer: conformance/check (I/O). See discovery.hpp: greeting, EHLO, STARTTLS and EHLO again,
// QUIT, on one connection.
#include "check/discovery.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <future>
#include <optional>
#include <sstream>
#include <utility>

#include <asio/co_spawn.hpp>
#include <asio/use_future.hpp>

#include "scenario/text.hpp"

namespace ehlo::check {

namespace {

using scenario::upper;

std::string join_lines(const wire::WireReply& reply) {
    std::string text;
    for (const std::string& line : reply.lines) {
        if (!text.empty()) text += "\n";
        text += std::to_string(reply.code) + " " + line;
    }
    return text;
}

/// Sends `command` and reads its reply; a reply of class `expected_class` comes back, anything
/// else sets `problem` and gives nothing.
asio::awaitable<std::optional<wire::WireReply>> exchange(Link& link, const Target& target,
                                                         const std::string& command,
                                                         int expected_class, std::string& problem) {
    if (!command.empty()) {
        std::string error = (co_await link.write(command + "\r\n", target)).error;
        if (!error.empty()) {
            problem = command + ": " + error;
            co_return std::nullopt;
        }
    }
    std::string what = command.empty() ? "the greeting" : "the reply to " + command;
    engine::Received received = co_await link.read_reply(target.timeout);
    if (received.kind != engine::Received::Kind::reply) {
        problem = what + ": " + engine::describe(received);
        co_return std::nullopt;
    }
    if (received.reply.code / 100 != expected_class) {
        problem = what + " was " + engine::describe(received);
        co_return std::nullopt;
    }
    co_return received.reply;
}

/// Under `--auth`: whether MAIL is refused before a login (`530`, RFC 4954 §6); a MAIL it
/// takes is undone with RSET RFC 5321 §4.1.1.5.
asio::awaitable<void> probe_login_need(Link& link, const Target& target, Discovery& found) {
    if (target.login_probe_sender.empty()) co_return;
    const std::string mail = "MAIL FROM:<" + target.login_probe_sender + ">";
    if (!(co_await link.write(mail + "\r\n", target)).error.empty()) co_return;
    const engine::Received reply = co_await link.read_reply(target.timeout);
    if (reply.kind != engine::Received::Kind::reply) co_return;
    found.mail_needs_login = reply.reply.code == 530;
    if (reply.reply.code / 100 == 2) {
        std::string ignored;
        co_await exchange(link, target, "RSET", 2, ignored);
    }
}

/// STARTTLS, the handshake and EHLO again; fills the after-TLS part of `found`.
asio::awaitable<void> upgrade(Link& link, const Target& target, Discovery& found) {
    found.tried_tls = true;
    if (!co_await exchange(link, target, "STARTTLS", 2, found.tls_problem)) co_return;
    found.tls_problem = co_await link.start_tls(target);
    if (!found.tls_problem.empty()) co_return;
    found.tls_description = link.tls_description();
    auto ehlo = co_await exchange(link, target, "EHLO " + target.client_name, 2, found.tls_problem);
    if (!ehlo) co_return;
    found.keywords_after_tls = ehlo_keywords(*ehlo);
    found.keyword_lines_after_tls = ehlo_lines(*ehlo);
    if (target.tls == TlsMode::starttls) co_await probe_login_need(link, target, found);
}

}  // namespace

std::vector<std::string> ehlo_keywords(const wire::WireReply& reply) {
    std::vector<std::string> keywords;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        const std::string& line = reply.lines[i];
        std::string word = line.substr(0, line.find(' '));
        if (!word.empty()) keywords.push_back(upper(word));
    }
    return keywords;
}

bool has_keyword(const std::vector<std::string>& keywords, const std::string& keyword) {
    return std::find(keywords.begin(), keywords.end(), upper(keyword)) != keywords.end();
}

std::vector<std::string> ehlo_lines(const wire::WireReply& reply) {
    std::vector<std::string> lines;
    for (std::size_t i = 1; i < reply.lines.size(); ++i)
        lines.push_back(upper(reply.lines[i]));
    return lines;
}

bool offers(const std::vector<std::string>& lines, const std::string& wanted) {
    const std::string text = upper(wanted);
    const std::size_t equals = text.find('=');
    const std::string keyword = text.substr(0, equals);
    for (const std::string& line : lines) {
        std::istringstream words(upper(line));
        std::string word;
        if (!(words >> word) || word != keyword) continue;
        if (equals == std::string::npos) return true;
        const std::string parameter = text.substr(equals + 1);
        while (words >> word) {
            if (word == parameter || word.starts_with(parameter + "=")) return true;
        }
    }
    return false;
}

asio::awaitable<Discovery> discover(const Target& target) {
    Discovery found;
    Link link(co_await asio::this_coro::executor);
    found.connect_error = co_await link.open(target, target.tls == TlsMode::implicit);
    if (!found.connect_error.empty()) co_return found;
    found.tls_description = link.tls_description();  // implicit TLS; empty otherwise
    auto greeting = co_await exchange(link, target, "", 2, found.problem);
    if (!greeting) co_return found;
    found.greeting = join_lines(*greeting);
    auto ehlo = co_await exchange(link, target, "EHLO " + target.client_name, 2, found.problem);
    if (!ehlo) co_return found;
    found.keywords = ehlo_keywords(*ehlo);
    found.keyword_lines = ehlo_lines(*ehlo);
    if (target.tls != TlsMode::starttls) co_await probe_login_need(link, target, found);
    if (target.tls == TlsMode::starttls && !has_keyword(found.keywords, "STARTTLS")) {
        found.tried_tls = true;
        found.tls_problem = "the target does not advertise STARTTLS";
    } else if (target.tls != TlsMode::implicit && has_keyword(found.keywords, "STARTTLS")) {
        co_await upgrade(link, target, found);
    }
    if (link.is_open() && found.tls_problem.empty()) {
        std::string ignored;
        co_await exchange(link, target, "QUIT", 2, ignored);
    }
    link.close();
    co_return found;
}

Discovery discover_blocking(const Target& target) {
    asio::io_context context;
    std::future<Discovery> result = asio::co_spawn(context, discover(target), asio::use_future);
    context.run();
    return result.get();
}

}  // namespace ehlo::check
