// Layer: server (sans-I/O). The ESMTP extensions: EHLO keywords after RFC 5321 §4.1.1.1,
// the MAIL parameters SIZE (RFC 1870 §6), BODY (RFC 6152 §2, and BINARYMIME of RFC 3030 §3)
// and SMTPUTF8 (RFC 6531 §3.4), the keywords CHUNKING and BINARYMIME (RFC 3030 §2, RFC 3030 §3),
// the MAILMAX session limit of LIMITS (RFC 9422), STARTTLS's keyword (RFC 3207 §4, RFC 3207 §4.2),
// AUTH's keyword and MAIL parameter (RFC 4954 §3, RFC 4954 §5; the rules in auth.cpp) and
// the `with` keyword of Received: (RFC 3848, RFC 6531 §3.7.3). RCPT's own UTF-8 rule is in
// verbs_transaction.cpp.
#include "server/extensions.hpp"

#include <charconv>

#include "server/chunking.hpp"

namespace ehlo::server {

using protocol::make_reply;
using protocol::Reply;
using protocol::ReplyId;

namespace {

bool same_word(std::string_view a, std::string_view b) {
    return protocol::domain_equal(a, b);
}

/// SIZE=n (RFC 1870 §6): a declared size above the limit is refused at once with 552.
std::optional<Reply> check_size(const protocol::Parameter& p, const Policy& policy) {
    std::size_t declared = 0;
    const char* end = p.value.data() + p.value.size();
    auto [ptr, error] = std::from_chars(p.value.data(), end, declared);
    if (!p.has_value || error == std::errc::invalid_argument || ptr != end) {
        return make_reply(ReplyId::bad_arguments);
    }
    // A number too large to hold is certainly above the limit.
    if (error == std::errc::result_out_of_range || declared > policy.limits.max_message_size) {
        return make_reply(ReplyId::message_too_big);
    }
    return std::nullopt;
}

/// BODY=7BIT or BODY=8BITMIME (RFC 6152 §2), and BODY=BINARYMIME while BINARYMIME is offered
/// (RFC 3030 §3); all are stored as they arrive. An unknown value is a syntax error.
std::optional<Reply> check_body(const protocol::Parameter& p, const Policy& policy) {
    if (!p.has_value) return make_reply(ReplyId::bad_arguments);
    if (same_word(p.value, "7BIT")) return std::nullopt;
    if (same_word(p.value, "8BITMIME") && policy.offers(Extension::eightbitmime)) {
        return std::nullopt;
    }
    if (same_word(p.value, "BINARYMIME") && offers_binarymime(policy)) return std::nullopt;
    return make_reply(ReplyId::bad_arguments);
}

/// SMTPUTF8 takes no value (RFC 6531 §3.4).
std::optional<Reply> check_smtputf8(const protocol::Parameter& p) {
    if (p.has_value) return make_reply(ReplyId::bad_arguments);
    return std::nullopt;
}

/// AUTH=<mailbox or "<>"> in xtext (RFC 4954 §5): taken from any client, checked, and then
/// dropped, as a server that trusts no client to vouch for the submitter does.
std::optional<Reply> check_auth(const protocol::Parameter& p, const Policy& policy) {
    if (p.has_value && accepts_auth_parameter(policy.auth, p.value)) return std::nullopt;
    return make_reply(ReplyId::bad_arguments);
}

/// One parameter: known only if its extension is offered, else 555 (RFC 5321 §4.1.1.11).
std::optional<Reply> check_parameter(const protocol::Parameter& p, const Policy& policy) {
    if (same_word(p.keyword, "SIZE") && policy.offers(Extension::size)) {
        return check_size(p, policy);
    }
    if (same_word(p.keyword, "BODY") &&
        (policy.offers(Extension::eightbitmime) || offers_binarymime(policy))) {
        return check_body(p, policy);
    }
    if (same_word(p.keyword, "SMTPUTF8") && policy.offers(Extension::smtputf8)) {
        return check_smtputf8(p);
    }
    if (same_word(p.keyword, "AUTH") && policy.offers(Extension::auth) && policy.auth.enabled()) {
        return check_auth(p, policy);
    }
    return make_reply(ReplyId::parameter_unknown);
}

/// A MAIL has one SIZE (RFC 1870 §6) and one BODY (RFC 6152 §3): a keyword given twice with
/// different values cannot be obeyed and is a syntax error. The same parameter written twice
/// says nothing new and is accepted (Python's smtplib doubles SMTPUTF8 when asked for it).
bool repeats_a_keyword_differently(const protocol::Mail& cmd) {
    const auto& parameters = cmd.parameters;
    for (std::size_t i = 1; i < parameters.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const protocol::Parameter& a = parameters[i];
            const protocol::Parameter& b = parameters[j];
            if (!same_word(a.keyword, b.keyword)) continue;
            if (a.has_value != b.has_value || !same_word(a.value, b.value)) return true;
        }
    }
    return false;
}

}  // namespace

std::string_view extension_name(Extension extension) {
    switch (extension) {
        case Extension::pipelining:
            return "PIPELINING";
        case Extension::size:
            return "SIZE";
        case Extension::eightbitmime:
            return "8BITMIME";
        case Extension::enhancedstatuscodes:
            return "ENHANCEDSTATUSCODES";
        case Extension::smtputf8:
            return "SMTPUTF8";
        case Extension::starttls:
            return "STARTTLS";
        case Extension::auth:
            return "AUTH";
        case Extension::chunking:
            return "CHUNKING";
        case Extension::binarymime:
            return "BINARYMIME";
        default:
            return "LIMITS";
    }
}

std::optional<Extension> extension_by_name(std::string_view name) {
    for (Extension extension : all_extensions) {
        if (same_word(name, extension_name(extension))) return extension;
    }
    return std::nullopt;
}

std::vector<std::string> ehlo_keywords(const Policy& policy, const Session& session) {
    std::vector<std::string> keywords;
    for (Extension extension : all_extensions) {
        if (!policy.offers(extension)) continue;
        // Never announce STARTTLS over TLS (RFC 3207 §4.2).
        if (extension == Extension::starttls && session.tls) continue;
        // BINARYMIME only together with CHUNKING (RFC 3030 §3).
        if (extension == Extension::binarymime && !offers_binarymime(policy)) continue;
        // AUTH names the mechanisms offered now, which depend on TLS (RFC 4954 §3, RFC 4954 §4);
        // with none to offer, no keyword.
        if (extension == Extension::auth) {
            if (auto keyword = auth_keyword(policy.auth, session.tls)) keywords.push_back(*keyword);
            continue;
        }
        std::string keyword(extension_name(extension));
        // SIZE announces the limit (RFC 1870 §4); LIMITS its limits (RFC 9422 §3), of which
        // this server has RCPTMAX (recipients per transaction) and MAILMAX (per session).
        if (extension == Extension::size) {
            keyword += " " + std::to_string(policy.limits.max_message_size);
        } else if (extension == Extension::limits) {
            keyword += " RCPTMAX=" + std::to_string(policy.limits.max_recipients) +
                       " MAILMAX=" + std::to_string(policy.limits.max_transactions);
        }
        keywords.push_back(std::move(keyword));
    }
    return keywords;
}

bool enhanced_codes(const Policy& policy) {
    return policy.offers(Extension::enhancedstatuscodes);
}

std::optional<Reply> check_mail_extensions(const Session& session, const Policy& policy,
                                           const protocol::Mail& cmd, bool has_utf8) {
    // Past the session's transaction limit, a MAIL is refused; the client may reconnect.
    // The limit holds whether or not LIMITS announces it.
    if (session.mail_commands >= policy.limits.max_transactions) {
        return make_reply(ReplyId::too_many_transactions);
    }
    for (const auto& p : cmd.parameters) {
        if (auto refusal = check_parameter(p, policy)) return refusal;
    }
    if (repeats_a_keyword_differently(cmd)) return make_reply(ReplyId::bad_arguments);
    // A UTF-8 reverse-path needs the SMTPUTF8 parameter; without it, 550 5.6.7
    // (RFC 6531 §3.4, RFC 6531 §3.5).
    if (has_utf8 && !mail_requests_smtputf8(cmd)) return make_reply(ReplyId::sender_not_ascii);
    return std::nullopt;
}

bool mail_requests_smtputf8(const protocol::Mail& cmd) {
    for (const auto& p : cmd.parameters) {
        if (same_word(p.keyword, "SMTPUTF8")) return true;
    }
    return false;
}

std::string_view with_protocol(const Session& session) {
    // SMTP after HELO, ESMTP after EHLO (RFC 3848), UTF8SMTP for a transaction with SMTPUTF8
    // (RFC 6531 §3.7.3 and its registry of RFC 6531 §4.3). Over TLS, ESMTPS (RFC 3848 §2) and
    // UTF8SMTPS (RFC 6531 §4.3); the registry has no TLS name for a HELO session.
    // After a successful AUTH an A is added: ESMTPA, ESMTPSA (RFC 3848 §2, RFC 4954 §7),
    // UTF8SMTPA, UTF8SMTPSA (RFC 6531 §4.3). AUTH needs EHLO, so SMTP never gets one.
    if (!session.extended) return "SMTP";
    const bool tls = session.tls, auth = session.auth.authenticated();
    if (session.envelope.smtputf8) {
        if (auth) return tls ? "UTF8SMTPSA" : "UTF8SMTPA";
        return tls ? "UTF8SMTPS" : "UTF8SMTP";
    }
    if (auth) return tls ? "ESMTPSA" : "ESMTPA";
    return tls ? "ESMTPS" : "ESMTP";
}

}  // namespace ehlo::server
