// Layer: server (sans-I/O). Bytes in, replies and actions out, for one connection: framing
// by wire::LineReader (commands), wire::DataReader (message data, RFC 5321 §4.1.1.4) and
// wire::ChunkReader (the counted chunk of a BDAT, RFC 3030 §2),
// the step function for every event, reply formatting (RFC 5321 §4.2) with enhanced codes after
// EHLO when ENHANCEDSTATUSCODES is offered (RFC 2034 §3), dropping the plaintext sent between
// STARTTLS and the handshake (RFC 3207 §4.2), the continuation lines of an AUTH exchange
// (RFC 4954 §4: up to 12288 octets, read by a line reader of their own, and a `334 ` that
// keeps its space), and the annotated trace, which never shows a credential. What is read
// next follows the input mode of the session's state (state.hpp).
#include "server/connection.hpp"

#include "sasl/base64.hpp"
#include "server/extensions.hpp"

namespace ehlo::server {

namespace {

/// A command line as the trace shows it: an AUTH initial response carries credentials, so
/// only its length is shown.
std::string trace_text(const event::CommandLine& command) {
    const protocol::ParsedCommand& parsed = command.parsed;
    if (parsed.verb != protocol::Verb::auth || !parsed.ok()) return std::string(command.line);
    const auto& auth = std::get<protocol::Auth>(parsed.command);
    if (!auth.initial_response) return std::string(command.line);
    return "AUTH " + auth.mechanism +
           " <initial response: " + std::to_string(auth.initial_response->size()) + " octets>";
}

/// The longest command line the reader takes: 512 octets, and 500 more while AUTH is offered,
/// for a MAIL with AUTH= (RFC 4954 §3); step() holds the other verbs to the 512.
std::size_t command_line_limit(const Policy& policy) {
    const bool auth = policy.offers(Extension::auth) && policy.auth.enabled();
    return policy.limits.command_line + (auth ? 500 : 0);
}

/// How the trace shows a faulty line, and the section the fault breaks.
TraceLine fault_trace(wire::LineEvent fault) {
    switch (fault) {
        case wire::LineEvent::bare_cr:
            return {'C', "<line with a bare CR>", "RFC 5321 §2.3.8"};
        case wire::LineEvent::bare_lf:
            return {'C', "<line ended by a bare LF>", "RFC 5321 §4.1.1.4"};
        case wire::LineEvent::nul:
            return {'C', "<line with a NUL octet>", "RFC 5321 §2.3.8"};
        default:
            return {'C', "<line over the length limit>", "RFC 5321 §4.5.3.1.4"};
    }
}

}  // namespace

Connection::Connection(const Policy& policy, Peer peer, bool trace)
    : policy_(policy),
      lines_(command_line_limit(policy)),
      data_(policy.limits.text_line),
      responses_(sasl::max_response_line + 2),
      trace_(trace) {
    session_.peer = std::move(peer);
#ifdef EHLO_TEST_SEAMS
    if (policy.make_hooks) hooks_ = policy.make_hooks();
#endif
}

Output Connection::start(Clock::time_point now, bool tls) {
    Output out;
    apply(event::Connected{now, tls}, out);
    return out;
}

Output Connection::receive(std::string_view& input, Clock::time_point now) {
    Output out;
    while ((!input.empty() || empty_chunk_due()) && !awaiting_commit_ &&
           input_of(session_.state) != Input::none) {
        switch (input_of(session_.state)) {
            case Input::tls_handshake:
                discard_before_tls(input, out);
                break;
            case Input::data:
                receive_data(input, out);
                break;
            case Input::chunk:
                receive_chunk(input, out);
                break;
            case Input::auth_response:
                receive_response(input, out);
                break;
            case Input::commands:
                receive_line(input, now, out);
                break;
            case Input::none:
                break;  // the loop ends: a closing connection reads nothing
        }
    }
    return out;
}

#ifdef EHLO_TEST_SEAMS
std::string_view Connection::filter_input(std::string_view input, std::string& storage) {
    if (!hooks_) return input;
    storage.assign(input);
    hooks_->received(session_, storage);
    return storage;
}
#endif

void Connection::receive_line(std::string_view& input, Clock::time_point now, Output& out) {
    wire::LineEvent found = lines_.next(input);
    if (found == wire::LineEvent::need_more) return;
    if (found == wire::LineEvent::line) {
        // Parsed once, here: step(), the trace and the test hooks read the same parse.
        event::CommandLine command = command_line(lines_.line(), policy_, now);
        if (trace_) {
            out.trace.push_back(
                {'C', trace_text(command), protocol::verb_section(command.parsed.verb)});
        }
        apply(std::move(command), out);
        return;
    }
    if (trace_) out.trace.push_back(fault_trace(found));
    apply(event::LineFault{found}, out);
}

/// A response line of an AUTH exchange: up to 12288 octets with its CRLF, longer ones dropped
/// as they arrive and reported once they end RFC 4954 §4.
void Connection::receive_response(std::string_view& input, Output& out) {
    wire::LineEvent found = responses_.next(input);
    if (found == wire::LineEvent::need_more) return;
    if (found == wire::LineEvent::line) {
        if (trace_) {
            std::string summary =
                "<AUTH response: " + std::to_string(responses_.line().size()) + " octets>";
            out.trace.push_back({'C', std::move(summary), "RFC 4954 §4"});
        }
        apply(event::AuthResponse{responses_.line()}, out);
        return;
    }
    if (trace_) {
        TraceLine line = fault_trace(found);
        if (found == wire::LineEvent::too_long) line.section = "RFC 4954 §4";
        out.trace.push_back(std::move(line));
    }
    apply(event::LineFault{found}, out);
}

void Connection::receive_data(std::string_view& input, Output& out) {
    std::string chunk;
    wire::DataEvent found = data_.next(input, chunk);
    if (!chunk.empty()) apply(event::MessageData{std::move(chunk)}, out);
    if (found != wire::DataEvent::end) return;
    if (trace_) {
        std::string summary =
            "<message data: " + std::to_string(session_.envelope.data_size) + " octets>  .";
        out.trace.push_back({'C', std::move(summary), "RFC 5321 §4.1.1.4"});
    }
    wire::DataFaults faults = data_.faults();
    data_.reset();
    apply(event::DataEnd{faults}, out);
}

/// The octets of a BDAT chunk, exactly as many as announced, handed on as they arrive; then
/// the chunk's end, which answers the BDAT RFC 3030 §2.
void Connection::receive_chunk(std::string_view& input, Output& out) {
    if (!chunks_.active()) chunks_.start(session_.chunk.size);
    std::string_view piece;
    wire::ChunkEvent found = chunks_.next(input, piece);
    if (!piece.empty()) apply(event::ChunkData{std::string(piece)}, out);
    if (found != wire::ChunkEvent::end) return;
    chunks_.finish();
    if (trace_) {
        std::string summary = "<BDAT chunk: " + std::to_string(chunks_.size()) + " octets" +
                              (session_.chunk.refused ? ", discarded>" : ">");
        out.trace.push_back({'C', std::move(summary), "RFC 3030 §2"});
    }
    apply(event::ChunkEnd{}, out);
}

/// A chunk of size 0 ends without an octet, so it must be ended even when the input is used up.
bool Connection::empty_chunk_due() const {
    return input_of(session_.state) == Input::chunk && !chunks_.active() &&
           session_.chunk.size == 0;
}

/// What follows STARTTLS in the clear is dropped, never read: a man in the middle could have
/// put commands there that would run inside the TLS session (CVE-2011-0411) RFC 3207 §4.2.
void Connection::discard_before_tls(std::string_view& input, Output& out) {
    if (trace_) {
        std::string note = "<" + std::to_string(input.size()) +
                           " octets sent before the TLS handshake: dropped unread>";
        out.trace.push_back({'C', std::move(note), "RFC 3207 §4.2"});
    }
    input = {};
}

Output Connection::tls_started() {
    Output out;
    // Nothing from before the handshake may survive it, not even half a line.
    lines_ = wire::LineReader(command_line_limit(policy_));
    data_ = wire::DataReader(policy_.limits.text_line);
    responses_ = wire::LineReader(sasl::max_response_line + 2);
    chunks_ = wire::ChunkReader{};
    apply(event::TlsStarted{}, out);
    return out;
}

Output Connection::stored(std::optional<protocol::Reply> failure) {
    Output out;
    awaiting_commit_ = false;
    apply(event::Stored{std::move(failure)}, out);
    return out;
}

Output Connection::timed_out() {
    Output out;
    apply(event::TimedOut{}, out);
    return out;
}

Output Connection::shutting_down() {
    Output out;
    apply(event::ShuttingDown{}, out);
    return out;
}

Output Connection::refuse() {
    Output out;
    apply(event::ConnectionRefused{}, out);
    return out;
}

bool Connection::idle() const {
    const Input input = input_of(session_.state);
    return input != Input::data && input != Input::chunk && !lines_.mid_line() &&
           !responses_.mid_line() && !awaiting_commit_;
}

void Connection::apply(Event event, Output& out) {
#ifdef EHLO_TEST_SEAMS
    Outcome outcome = hooks_ ? hooks_->step(session_, std::move(event), policy_)
                             : step(session_, std::move(event), policy_);
#else
    Outcome outcome = step(session_, std::move(event), policy_);
#endif
    if (outcome.reply) {
        // Enhanced codes whenever ENHANCEDSTATUSCODES is offered, whether the client said
        // EHLO or HELO (RFC 2034 §4).
        wire::WireReply reply = outcome.reply->to_wire(enhanced_codes(policy_));
        // A challenge is "334" SP and the base64, even when that is empty (RFC 4954 §4,
        // RFC 4954 §8), where a reply line with no text would end after its code.
        std::string text = outcome.reply->id == protocol::ReplyId::auth_challenge
                               ? "334 " + reply.lines.front() + "\r\n"
                               : wire::format_reply(reply);
#ifdef EHLO_TEST_SEAMS
        if (hooks_) hooks_->replying(session_, text);
#endif
        out.replies += text;
        if (trace_) {
            for (std::size_t i = 0; i < reply.lines.size(); ++i) {
                char separator = i + 1 < reply.lines.size() ? '-' : ' ';
                std::string text = std::to_string(reply.code) + separator + reply.lines[i];
                out.trace.push_back({'S', std::move(text), outcome.reply->section});
            }
        }
    }
    for (Action& action : outcome.actions) {
        if (action.kind == Action::Kind::commit_message) awaiting_commit_ = true;
        if (action.kind == Action::Kind::close) out.close = true;
        out.actions.push_back(std::move(action));
    }
}

}  // namespace ehlo::server
