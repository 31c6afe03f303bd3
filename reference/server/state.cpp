// Layer: server (sans-I/O). enter(), the one writer of a session's state, and the look-up of
// an edge in the tables of state.hpp (RFC 5321 §4.1.4, RFC 5321 §4.3.2, and the events of
// RFC 3030 §2, RFC 3207 §4.2 and RFC 4954 §4). The tables themselves are constexpr data in the
// header.
#include "server/state.hpp"

#include <stdexcept>
#include <string>

#include "server/session.hpp"

namespace ehlo::server {

std::string_view cause_name(const Cause& why) {
    if (const Verb* verb = std::get_if<Verb>(&why)) return protocol::verb_name(*verb);
    return trigger_name(std::get<Trigger>(why));
}

bool listed(State from, State to, const Cause& why) {
    if (const Verb* verb = std::get_if<Verb>(&why)) {
        if (*verb == Verb::unknown) return false;
        const Cell found = cell(from, *verb);
        return found.allowed() && found.next == to;
    }
    const Trigger trigger = std::get<Trigger>(why);
    for (const EventEdge& edge : event_edges) {
        if (edge.from == from && edge.trigger == trigger && edge.to == to) return true;
    }
    return false;
}

Edge enter(Session& session, State to, Cause why) {
    const Edge edge{session.state, to, why};
    if (!listed(edge.from, edge.to, edge.why)) {
        throw std::logic_error(
            "no such edge in the state tables: " + std::string(state_name(edge.from)) + " -> " +
            std::string(state_name(edge.to)) + " on " + std::string(cause_name(edge.why)));
    }
    session.state.value_ = to;
    return edge;
}

}  // namespace ehlo::server
