// Layer: server (sans-I/O). The server state machine: one event in, one outcome out.
// step() is where every rule of RFC 5321 that governs the server's replies is applied; it
// reads no socket, file or clock (time comes in with the event).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/reply.hpp"
#include "server/policy.hpp"
#include "server/session.hpp"
#include "wire/data_reader.hpp"
#include "wire/line_reader.hpp"

namespace ehlo::server {

using Clock = std::chrono::system_clock;

/// Events the driver feeds into the machine.
namespace event {
struct Connected {
    Clock::time_point now;
};  ///< send the greeting \rfc{5321,3.1}
struct CommandLine {
    std::string_view line;
    Clock::time_point now;
};
struct LineFault {
    wire::LineEvent fault;
};  ///< bare CR/LF, NUL or over-long line
struct MessageData {
    std::string data;
};  ///< unstuffed data after 354
struct DataEnd {
    wire::DataFaults faults;
};  ///< the end-of-data line was read
struct Stored {
    std::optional<protocol::Reply> failure;
};                            ///< the store's commit result
struct TimedOut {};           ///< \rfc{5321,4.5.3.2.7}
struct ShuttingDown {};       ///< \rfc{5321,3.8}
struct ConnectionRefused {};  ///< over the connection limit
}  // namespace event

using Event = std::variant<event::Connected, event::CommandLine, event::LineFault,
                           event::MessageData, event::DataEnd, event::Stored, event::TimedOut,
                           event::ShuttingDown, event::ConnectionRefused>;

/// Work for the driver, carried out in order.
struct Action {
    enum class Kind {
        begin_message,   ///< store.begin(session.envelope, data): data is the Received: header
        append_data,     ///< pending.append(data)
        commit_message,  ///< pending.commit(), then feed event::Stored with its result
        abort_message,   ///< pending.abort()
        close,           ///< close the connection after the reply is written
    };
    Kind kind;
    std::string data;
};

/// What one event led to.
struct Outcome {
    std::optional<protocol::Reply> reply;
    State next;
    std::vector<Action> actions;
};

/// Applies one event to the session and says what to answer and do.
Outcome step(Session& session, Event event, const Policy& policy);

}  // namespace ehlo::server
