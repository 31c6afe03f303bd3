// Layer: server (sans-I/O). The server state machine: one event in, one outcome out.
// step() is where every rule of RFC 5321 that governs the server's replies is applied; it
// reads no socket, file or clock (time comes in with the event). The TLS handshake of
// STARTTLS (RFC 3207) is an action for the driver and an event back. The states, and the edges
// between them that commands and events take, are the tables of state.hpp.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/command.hpp"
#include "protocol/reply.hpp"
#include "server/policy.hpp"
#include "server/session.hpp"
#include "wire/data_reader.hpp"
#include "wire/line_reader.hpp"

namespace ehlo::server {

using Clock = std::chrono::system_clock;

/// Events the driver feeds into the machine.
namespace event {
/// Send the greeting RFC 5321 §3.1; `tls` when the connection came in over implicit TLS and
/// its handshake is already done RFC 8314 §3.
struct Connected {
    Clock::time_point now;
    bool tls = false;
};
/// A command line, without CRLF, and its parse: made by command_line(), so that the line is
/// parsed once for step(), the trace and the test hooks.
struct CommandLine {
    std::string_view line;
    protocol::ParsedCommand parsed;
    Clock::time_point now;
};
struct LineFault {
    wire::LineEvent fault;
};  ///< bare CR/LF, NUL or over-long line
/// A line of the client during an AUTH exchange (state `authenticating`): its response to
/// the last 334, without CRLF RFC 4954 §4.
struct AuthResponse {
    std::string_view line;
};
struct MessageData {
    std::string data;
};  ///< unstuffed data after 354
struct DataEnd {
    wire::DataFaults faults;
};  ///< the end-of-data line was read
/// Octets of the BDAT chunk being read, as they arrive RFC 3030 §2.
struct ChunkData {
    std::string data;
};
/// The last octet of the BDAT chunk was read RFC 3030 §2.
struct ChunkEnd {};
struct Stored {
    std::optional<protocol::Reply> failure;
};                            ///< the store's commit result
struct TimedOut {};           ///< RFC 5321 §4.5.3.2.7
struct ShuttingDown {};       ///< RFC 5321 §3.8
struct ConnectionRefused {};  ///< over the connection limit
/// The TLS handshake after STARTTLS's 220 succeeded: start afresh RFC 3207 §4.2.
struct TlsStarted {};
}  // namespace event

using Event = std::variant<event::Connected, event::CommandLine, event::LineFault,
                           event::MessageData, event::DataEnd, event::Stored, event::TimedOut,
                           event::ShuttingDown, event::ConnectionRefused, event::TlsStarted,
                           event::AuthResponse, event::ChunkData, event::ChunkEnd>;

/// Work for the driver, carried out in order.
struct Action {
    enum class Kind {
        begin_message,   ///< store.begin(session.envelope, data): data is the Received: header
        append_data,     ///< pending.append(data)
        commit_message,  ///< pending.commit(), then feed event::Stored with its result
        abort_message,   ///< pending.abort()
        close,           ///< close the connection after the reply is written
        /// write the reply, drop every byte already received, then do the TLS handshake
        /// and feed event::TlsStarted; a failed handshake closes RFC 3207 §4.2
        start_tls,
    };
    Kind kind;
    std::string data;
};

/// What one event led to.
struct Outcome {
    std::optional<protocol::Reply> reply;
    std::vector<Action> actions;
    /// The edges of the state tables the session took, in order (see enter()); none when the
    /// state stayed without a command accepted.
    std::vector<Edge> edges;
};

/// Applies one event to the session and says what to answer and do.
Outcome step(Session& session, Event event, const Policy& policy);

/// How step() reads command lines under `policy`: with the UTF-8 paths of RFC 6531 §3.3
/// while SMTPUTF8 is offered; whether a transaction may use them is its MAIL's and RCPT's
/// check RFC 6531 §3.4.
protocol::CommandOptions command_options(const Policy& policy);

/// `line` (without CRLF) as the event step() takes, parsed with command_options().
event::CommandLine command_line(std::string_view line, const Policy& policy, Clock::time_point now);

}  // namespace ehlo::server
