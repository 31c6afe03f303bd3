// Layer: client (sans-I/O). The mail transaction of the client state machine: MAIL with its
// parameters (SIZE, RFC 1870 §6; BODY=8BITMIME, RFC 6152 §3; SMTPUTF8, RFC 6531 §3.4; RET and
// ENVID, RFC 3461 §4.3 to RFC 3461 §4.4), RCPT (NOTIFY, ORCPT, RFC 3461 §4.1 to RFC 3461 §4.2),
// DATA and the end of data (RFC 5321 §4.1.1.4) or BDAT (RFC 3030 §2), grouped after RFC 2920 §3.1:
// MAIL, the RCPTs and DATA go in one group, DATA last, and message data only after DATA's 354.
// In test builds the hooks of client/client_hooks.hpp see the data and the choice to pipeline.
#include <cstdio>

#include "client/session.hpp"
#include "protocol/address.hpp"

namespace ehlo::client {

namespace {

bool positive(int code) {
    return code >= 200 && code < 300;
}

std::string describe(const wire::WireReply& reply) {
    std::string text = std::to_string(reply.code);
    if (!reply.lines.empty() && !reply.lines.front().empty()) text += " " + reply.lines.front();
    return text;
}

}  // namespace

std::string xtext(std::string_view text) {
    std::string encoded;
    for (char c : text) {
        auto octet = static_cast<unsigned char>(c);
        if (octet < '!' || octet > '~' || c == '+' || c == '=') {
            char hex[4];
            std::snprintf(hex, sizeof hex, "+%02X", octet);
            encoded += hex;
        } else {
            encoded += c;
        }
    }
    return encoded;
}

bool needs_smtputf8(const Envelope& envelope, const PreparedMessage& message) {
    if (message.utf8_headers || has_8bit(envelope.reverse_path)) return true;
    for (const std::string& mailbox : envelope.forward_paths)
        if (has_8bit(mailbox)) return true;
    return false;
}

/// What the message needs that the server lacks, or "" when it may go.
std::string Session::unsupported_need() const {
    std::uint64_t size = message_size(message_);
    if (extensions_.size && *extensions_.size > 0 && size > *extensions_.size)
        return "the message has " + std::to_string(size) + " octets, over the server's SIZE " +
               "limit of " + std::to_string(*extensions_.size) + " (RFC 1870 §4)";
    if (needs_smtputf8(envelope_, message_) && !extensions_.smtputf8)
        return "the message or an address holds UTF-8, and the server does not offer "
               "SMTPUTF8 (RFC 6531 §3.2); not sent rather than mangled";
    if (message_.eight_bit && !extensions_.eight_bit_mime)
        return "the message holds 8-bit octets, and the server does not offer 8BITMIME "
               "(RFC 6152 §3); not sent rather than mangled";
    return {};
}

std::string Session::mail_command() const {
    std::string command = "MAIL FROM:<" + envelope_.reverse_path + ">";
    if (extensions_.size) command += " SIZE=" + std::to_string(message_size(message_));
    if (message_.eight_bit) command += " BODY=8BITMIME";
    if (needs_smtputf8(envelope_, message_)) command += " SMTPUTF8";
    if (extensions_.dsn && !settings_.dsn.ret.empty()) command += " RET=" + settings_.dsn.ret;
    if (extensions_.dsn && !settings_.dsn.envid.empty())
        command += " ENVID=" + xtext(settings_.dsn.envid);
    return command;
}

std::string Session::rcpt_command(const std::string& mailbox) const {
    std::string command = "RCPT TO:<" + mailbox + ">";
    if (!extensions_.dsn) return command;
    if (!settings_.dsn.notify.empty()) command += " NOTIFY=" + settings_.dsn.notify;
    if (settings_.dsn.orcpt && !has_8bit(mailbox)) command += " ORCPT=rfc822;" + xtext(mailbox);
    return command;
}

void Session::send_rcpt(Output& out, std::size_t index) {
    send(out, Awaiting::rcpt, rcpt_command(recipients_[index].mailbox), {}, index);
}

Output Session::start_transaction() {
    if (std::string need = unsupported_need(); !need.empty())
        return quit(fail(Failure::unsupported, need));
    if (settings_.dsn.any() && !extensions_.dsn)
        warnings_.push_back(
            "the server does not offer DSN: --notify, --ret, --envid and "
            "ORCPT were not sent (RFC 3461 §4)");
    Output out;
    send(out, Awaiting::mail, mail_command());
    // Without PIPELINING, one command at a time RFC 5321 §4.3.1.
    // Stopping after MAIL or RCPT needs their replies before the next command is written.
    bool stops_early =
        settings_.quit_after == QuitAfter::mail || settings_.quit_after == QuitAfter::rcpt;
    pipelined_ = settings_.use_pipelining && extensions_.pipelining && !stops_early;
#ifdef EHLO_TEST_SEAMS
    pipelined_ = decide(Decision::pipeline, pipelined_);
#endif
    used_chunking_ = settings_.use_chunking && extensions_.chunking;
    if (!pipelined_) return out;
    // One group: MAIL, every RCPT, and DATA last RFC 2920 §3.1. With BDAT the data waits for
    // the replies, so that no message goes to a server that refused every recipient.
    used_pipelining_ = true;
    for (std::size_t i = 0; i < recipients_.size(); ++i)
        send_rcpt(out, i);
    if (!used_chunking_) send(out, Awaiting::data, "DATA");
    return out;
}

Output Session::on_mail(const wire::WireReply& reply) {
    mail_reply_ = reply;
    mail_accepted_ = positive(reply.code);
    if (!mail_accepted_) {
        settle(RecipientOutcome::State::pending, RecipientOutcome::State::refused, reply,
               "the sender was refused: " + describe(reply));
        // In a pipelined group the replies to the RCPTs and DATA are still due (503 most
        // likely): take them first, so that QUIT never lands where message data is expected.
        if (!pending_.empty()) return {};
        return quit();
    }
    if (settings_.quit_after == QuitAfter::mail) return stop("MAIL");
    Output out;
    if (!pipelined_ && !recipients_.empty()) send_rcpt(out, 0);
    return out;
}

Output Session::on_rcpt(const wire::WireReply& reply, std::size_t index) {
    RecipientOutcome& recipient = recipients_[index];
    if (recipient.state == RecipientOutcome::State::pending) {
        recipient.reply = reply;
        recipient.state = positive(reply.code) ? RecipientOutcome::State::rcpt_accepted
                                               : RecipientOutcome::State::refused;
    }
    bool last = index + 1 == recipients_.size();
    if (!pipelined_) {
        Output out;
        if (!last) {
            send_rcpt(out, index + 1);
            return out;
        }
        return after_recipients();
    }
    if (last && used_chunking_) return after_recipients();
    return {};  // DATA's reply is next in the group
}

Output Session::after_recipients() {
    if (settings_.quit_after == QuitAfter::rcpt) return stop("RCPT");
    if (!any_accepted()) return quit();  // no one to send to
    if (used_chunking_) return send_chunk();
    Output out;
    send(out, Awaiting::data, "DATA");
    return out;
}

Output Session::on_data(const wire::WireReply& reply) {
    Output out;
    if (reply.code / 100 != 3) {  // 354, or an unknown code of its class RFC 5321 §4.2.2
        settle(RecipientOutcome::State::rcpt_accepted, RecipientOutcome::State::refused, reply,
               "DATA was refused: " + describe(reply));
        return quit();
    }
    if (!any_accepted()) {
        // A 354 although every RCPT failed: end the empty message at once RFC 2920 §3.1.
        send_data(out, ".\r\n", ".", "RFC 2920 §3.1");
        return out;
    }
    send_data(out, dot_stuff(message_.data),
              "<message data: " + std::to_string(message_.data.size()) + " octets>  .",
              protocol::verb_section(protocol::Verb::data));
    return out;
}

void Session::send_data(Output& out, std::string data, std::string shown,
                        std::string_view section) {
#ifdef EHLO_TEST_SEAMS
    if (hooks_) hooks_->sending_data(*this, data);
#endif
    out.commands.push_back({std::move(data), std::move(shown), section});
    pending_.push_back({Awaiting::data_end});
}

Output Session::on_data_end(const wire::WireReply& reply) {
    if (positive(reply.code)) {
        settle(RecipientOutcome::State::rcpt_accepted, RecipientOutcome::State::delivered, reply);
    } else {
        settle(RecipientOutcome::State::rcpt_accepted, RecipientOutcome::State::refused, reply,
               "the message was refused: " + describe(reply));
    }
    return quit();
}

Output Session::send_chunk() {
    // BDAT carries the data as it is: no dot-stuffing, no end mark RFC 3030 §2.
    std::size_t size = std::min(settings_.chunk_size, message_.data.size() - chunk_offset_);
    std::size_t end = chunk_offset_ + size;
    bool last = end == message_.data.size();
    std::string chunk = message_.data.substr(chunk_offset_, size);
#ifdef EHLO_TEST_SEAMS
    if (hooks_) hooks_->sending_data(*this, chunk);
#endif
    // The size announced is that of the octets that follow, exactly RFC 3030 §2.
    std::string verb = "BDAT " + std::to_string(chunk.size()) + (last ? " LAST" : "");
    std::string line = verb + "\r\n";
#ifdef EHLO_TEST_SEAMS
    if (hooks_) hooks_->sending_command(*this, line);
#endif
    Output out;
    out.commands.push_back({line + chunk,
                            verb + "  <chunk: " + std::to_string(chunk.size()) + " octets>",
                            protocol::verb_section(protocol::Verb::bdat)});
    pending_.push_back({Awaiting::bdat, end});
    chunk_offset_ = end;
    return out;
}

Output Session::on_bdat(const wire::WireReply& reply, std::size_t end) {
    if (!positive(reply.code)) {  // the transaction is over; nothing more of it is sent
        settle(RecipientOutcome::State::rcpt_accepted, RecipientOutcome::State::refused, reply,
               "BDAT was refused: " + describe(reply));
        return quit();
    }
    if (end < message_.data.size()) return send_chunk();
    settle(RecipientOutcome::State::rcpt_accepted, RecipientOutcome::State::delivered, reply);
    return quit();
}

bool Session::any_accepted() const {
    if (!mail_accepted_) return false;
    for (const RecipientOutcome& recipient : recipients_)
        if (recipient.state == RecipientOutcome::State::rcpt_accepted) return true;
    return false;
}

void Session::settle(RecipientOutcome::State from, RecipientOutcome::State to,
                     const wire::WireReply& reply, const std::string& note) {
    for (RecipientOutcome& recipient : recipients_) {
        if (recipient.state != from) continue;
        recipient.state = to;
        if (reply.code != 0 || to == RecipientOutcome::State::refused) recipient.reply = reply;
        recipient.note = note;
    }
}

}  // namespace ehlo::client
