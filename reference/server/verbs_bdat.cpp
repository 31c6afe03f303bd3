// Layer: server (sans-I/O). BDAT of RFC 3030 §2 and the BODY=BINARYMIME transaction of RFC 3030 §3.
// The rules, in the words of this server:
//  - Every BDAT chunk is read to its announced end before the BDAT is answered, whether the
//    command is accepted or refused (RFC 3030 §2): a chunk is never read as commands, even after a
//    refused MAIL or RCPT, before EHLO, or when CHUNKING is not offered.
//  - An accepted chunk gets 250 with its octet count (RFC 3030 §2); the first one of a transaction
//    opens the message in the store, with the Received: line first, as DATA does; the LAST
//    chunk (it may be empty, RFC 3030 §2) commits it, and the 250 waits for the store's result.
//  - A refused BDAT fails the transaction (RFC 3030 §2 leaves its state undefined and has the
//    client send RSET): the open message is dropped, and every later BDAT is read, discarded and
//    answered 503 until RSET, EHLO, HELO or a LAST chunk, which ends the transaction.
//  - The size limit is checked against each chunk's announced size before its octets come
//    (RFC 1870 §6.3 lets a server refuse an oversized message after its transfer): a chunk
//    that would pass the limit is discarded and answered 552, so no octet past the limit is
//    ever kept, and the client learns of it at that chunk.
//  - A LAST chunk that completes a message with over 100 Received: fields is answered 554
//    and the message dropped, as at the end of DATA (RFC 5321 §6.3).
//  - DATA after BDAT in one transaction, and DATA after BODY=BINARYMIME, get 503 (RFC 3030 §2,
//    RFC 3030 §3).
// Chunk octets are binary: no dot-stuffing and no line rules, so bare CR, bare LF and NUL are
// stored as sent (the length, not a marker, ends a chunk, so no ending can be smuggled).
#include <string>

#include "server/chunking.hpp"
#include "server/extensions.hpp"
#include "server/verbs.hpp"

namespace ehlo::server {

using protocol::make_reply;
using protocol::Reply;
using protocol::ReplyId;

bool offers_binarymime(const Policy& policy) {
    return policy.offers(Extension::binarymime) && policy.offers(Extension::chunking);
}

bool mail_requests_binarymime(const protocol::Mail& cmd) {
    for (const auto& p : cmd.parameters) {
        if (protocol::domain_equal(p.keyword, "BODY") && p.has_value &&
            protocol::domain_equal(p.value, "BINARYMIME")) {
            return true;
        }
    }
    return false;
}

namespace verbs {

namespace {

bool in_transaction(State state) {
    return state == State::mail || state == State::recipients;
}

/// "<n> octets received": the 250 to an accepted chunk RFC 3030 §2.
Reply chunk_received(std::uint64_t size) {
    return make_reply(ReplyId::chunk_received, {std::to_string(size) + " octets received"});
}

}  // namespace

std::optional<Reply> check(const Context& ctx, const protocol::Data&) {
    const Envelope& envelope = ctx.session.envelope;
    // One transaction uses DATA or BDAT, never both RFC 3030 §2.
    if (envelope.chunked) return make_reply(ReplyId::data_after_bdat);
    // Binary data has no dot-stuffed form: BINARYMIME goes by BDAT only RFC 3030 §3.
    if (envelope.binarymime) return make_reply(ReplyId::data_with_binarymime);
    return std::nullopt;
}

std::optional<Reply> check(const Context& ctx, const protocol::Bdat& cmd) {
    const Envelope& envelope = ctx.session.envelope;
    // A server without CHUNKING knows the verb but does not do it RFC 5321 §4.2.4.
    if (!ctx.policy.offers(Extension::chunking)) return make_reply(ReplyId::chunking_not_offered);
    if (envelope.chunks_refused) return make_reply(ReplyId::bdat_after_failure);
    // The announced size decides before a single octet is kept RFC 1870 §6.3.
    const std::uint64_t limit = ctx.policy.limits.max_message_size;
    if (cmd.chunk_size > limit || envelope.data_size > limit - cmd.chunk_size) {
        return make_reply(ReplyId::message_too_big);
    }
    return std::nullopt;
}

Applied apply(Context& ctx, const protocol::Bdat& cmd) {
    Session& session = ctx.session;
    std::vector<Action> actions;
    if (!session.envelope.chunked) {
        // The first chunk opens the message, our Received: line first RFC 5321 §4.4.
        session.envelope.chunked = true;
        session.transactions += 1;
        actions.push_back(
            {Action::Kind::begin_message, received_header(session, ctx.policy, ctx.now)});
    }
    // The state table leads on to `chunk`; its end leads back to `recipients`.
    session.chunk = Chunk{cmd.chunk_size, cmd.last, false, std::nullopt, State::recipients};
    return {chunk_received(cmd.chunk_size), std::move(actions)};
}

bool chunked_message_open(const Session& session) {
    return session.envelope.chunked && !session.envelope.chunks_refused;
}

Outcome hold_bdat_reply(Session& session, const protocol::ParsedCommand& parsed, Outcome outcome) {
    if (session.state == State::chunk) {
        // Accepted: the 250 waits for the chunk's last octet.
        session.chunk.reply = std::move(outcome.reply);
        outcome.reply.reset();
        return outcome;
    }
    if (!outcome.reply) return outcome;
    // Refused: the transaction fails, and its open message is dropped RFC 3030 §2.
    const bool last = parsed.ok() && std::get<protocol::Bdat>(parsed.command).last;
    if (chunked_message_open(session)) outcome.actions.push_back({Action::Kind::abort_message, {}});
    State resume = session.state;
    if (in_transaction(session.state)) {
        if (last) {
            session.envelope = Envelope{};  // a LAST chunk ends the transaction anyway
            resume = State::greeted;
        } else {
            session.envelope.chunks_refused = true;
        }
    }
    // With no size to count, there is no chunk: answer now; what follows is command lines.
    if (!parsed.announced_chunk_size) return outcome;
    // Else read and discard the chunk first, then answer.
    session.chunk =
        Chunk{*parsed.announced_chunk_size, last, true, std::move(outcome.reply), resume};
    outcome.reply.reset();
    outcome.edges.push_back(enter(session, State::chunk, Trigger::bdat_refused));
    return outcome;
}

Outcome chunk_data(Session& session, std::string data) {
    if (session.chunk.refused) return Outcome{};
    session.envelope.data_size += data.size();
    session.envelope.hops.feed(data);
    return Outcome{std::nullopt, {{Action::Kind::append_data, std::move(data)}}, {}};
}

Outcome chunk_end(Session& session) {
    Chunk chunk = std::move(session.chunk);
    session.chunk = Chunk{};
    if (!chunk.refused && chunk.last && session.envelope.hops.looping()) {
        // A looping message is dropped and the transaction ends RFC 5321 §6.3.
        session.envelope = Envelope{};
        Edge edge = enter(session, State::greeted, Trigger::data_refused);
        return Outcome{
            make_reply(ReplyId::message_loops), {{Action::Kind::abort_message, {}}}, {edge}};
    }
    if (!chunk.refused && chunk.last) {
        // The message is complete: the 250 comes with the store's result RFC 5321 §4.1.1.4.
        return Outcome{std::nullopt, {{Action::Kind::commit_message, {}}}, {}};
    }
    Edge edge = enter(session, chunk.resume,
                      chunk.refused ? Trigger::chunk_discarded : Trigger::chunk_read);
    return Outcome{std::move(chunk.reply), {}, {edge}};
}

}  // namespace verbs
}  // namespace ehlo::server
