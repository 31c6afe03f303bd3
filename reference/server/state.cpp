// Layer: server (sans-I/O). Names of the session states, for traces, tests and diagrams.
// The transition table itself is constexpr data in state.hpp.
#include "server/state.hpp"

namespace ehlo::server {

std::string_view state_name(State state) {
    switch (state) {
        case State::connected:
            return "connected";
        case State::greeted:
            return "greeted";
        case State::mail:
            return "mail";
        case State::recipients:
            return "recipients";
        case State::data:
            return "data";
        case State::chunk:
            return "chunk";
        case State::starting_tls:
            return "starting_tls";
        case State::authenticating:
            return "authenticating";
        case State::closed:
            return "closed";
    }
    return "?";
}

}  // namespace ehlo::server
