// Layer: server (sans-I/O). The Received: trace line the server puts at the top of each
// message it accepts, RFC 5321 §4.4 (its clauses "from", "by", "with", "id", "for", and the
// date-time of RFC 5322 §3.3; the protocol names of RFC 3848 and RFC 6531 §3.7.3, with ESMTPS
// and UTF8SMTPS over TLS, and an A after AUTH as RFC 4954 §7 asks). Return-Path: is added by the
// store at final delivery.
#include <ctime>
#include <string>

#include "server/extensions.hpp"
#include "server/verbs.hpp"

namespace ehlo::server::verbs {

namespace {

/// RFC 5322 §3.3 date-time in UTC, e.g. "Sun, 22 Nov 2026 02:09:30 +0000". Names are
/// spelled out here so that the result never depends on the process locale.
std::string rfc5322_date(Clock::time_point now) {
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t seconds = Clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[utc.tm_wday],
                  utc.tm_mday, months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                  utc.tm_sec);
    return text;
}

/// The client's IP address as an address literal (TCP-info of RFC 5321 §4.4).
std::string address_literal(const std::string& address) {
    bool ipv6 = address.find(':') != std::string::npos;
    return ipv6 ? "[IPv6:" + address + "]" : "[" + address + "]";
}

}  // namespace

std::string received_header(const Session& session, const Policy& policy, Clock::time_point now) {
    // "with" names the protocol: ESMTP after EHLO, SMTP after HELO (RFC 3848), UTF8SMTP with
    // SMTPUTF8 (RFC 6531 §3.7.3), an S after either over TLS (ESMTPS, UTF8SMTPS), and an A after
    // AUTH (ESMTPSA, ...).
    std::string header = "Received: from " + session.client_domain + " (" +
                         address_literal(session.peer.address) + ")\r\n" + "\tby " +
                         policy.hostname + " with " + std::string(with_protocol(session)) + " id " +
                         std::to_string(session.peer.connection_id) + "." +
                         std::to_string(session.transactions);
    // Name the recipient only when there is exactly one, so that a message to several
    // never discloses the others to each of them (RFC 5321 §7.2).
    if (session.envelope.recipients.size() == 1) {
        header += "\r\n\tfor <" + session.envelope.recipients.front().to_string() + ">";
    }
    return header + ";\r\n\t" + rfc5322_date(now) + "\r\n";
}

}  // namespace ehlo::server::verbs
