// Layer: server (sans-I/O). One SMTP connection as bytes in, bytes and actions out: it
// frames input with wire::LineReader / wire::DataReader / wire::ChunkReader (BDAT,
// RFC 3030 §2), parses commands, runs step() and
// formats replies; after STARTTLS's 220 it drops the plaintext sent before the handshake
// (RFC 3207 §4.2). The driver (serve/session_driver.hpp) only moves bytes, does the TLS
// handshake and carries out actions, so the whole server can be tested by feeding bytes and
// reading replies. Test builds may wrap its input, step() and its replies: the seam of
// server/connection_hooks.hpp, compiled only with EHLO_TEST_SEAMS, so absent from the programs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/step.hpp"
#include "wire/chunk_reader.hpp"

#ifdef EHLO_TEST_SEAMS
#include "server/connection_hooks.hpp"
#endif

namespace ehlo::server {

/// One line of the annotated dialogue that `--trace` prints.
struct TraceLine {
    char direction;            ///< 'C' client to server, 'S' server to client
    std::string text;          ///< the line, without CRLF (message data is summarised)
    std::string_view section;  ///< the governing RFC section, e.g. "RFC 5321 §4.1.1.2"
};

/// What the connection wants written and done after an input.
struct Output {
    std::string replies;           ///< reply text to write, in order
    std::vector<Action> actions;   ///< store work, in order
    std::vector<TraceLine> trace;  ///< filled only when tracing is on
    bool close = false;            ///< close after writing `replies`
};

class Connection {
  public:
    Connection(const Policy& policy, Peer peer, bool trace = false);

    /// The greeting RFC 5321 §3.1; `tls` when the connection came in on an implicit TLS
    /// port and its handshake is done RFC 8314 §3.
    Output start(Clock::time_point now, bool tls = false);
    /// Consumes `input` until it is empty, the connection closes, or a message waits for
    /// its commit result (then call stored() and feed the rest of `input` again). After
    /// STARTTLS's 220, everything left in `input` and everything fed until tls_started() is
    /// dropped unread: plaintext sent before the handshake never becomes a command
    /// RFC 3207 §4.2.
    Output receive(std::string_view& input, Clock::time_point now);
    /// The TLS handshake after STARTTLS succeeded: the session starts afresh, as after the
    /// greeting, and the client must send EHLO again RFC 3207 §4.2.
    Output tls_started();
    /// The store's result for the message whose commit_message action was last given.
    Output stored(std::optional<protocol::Reply> failure);
    /// The client was silent too long RFC 5321 §4.5.3.2.7.
    Output timed_out();
    /// The server is stopping: answer 421 and close RFC 5321 §3.8.
    Output shutting_down();
    /// Over the connection limit: 421 instead of the greeting RFC 5321 §3.1.
    Output refuse();

    State state() const { return session_.state; }
    /// STARTTLS was answered 220 and the handshake is to be done.
    bool starting_tls() const { return input_of(session_.state) == Input::tls_handshake; }
    bool awaiting_commit() const { return awaiting_commit_; }
    /// True while no command or message is partly received (safe point to stop).
    bool idle() const;
    const Session& session() const { return session_; }
#ifdef EHLO_TEST_SEAMS
    /// The bytes of one read as receive() is to see them: `input` itself, unless the hooks
    /// rewrite them, into `storage`. The driver calls it once per read.
    std::string_view filter_input(std::string_view input, std::string& storage);
#endif

  private:
    void receive_line(std::string_view& input, Clock::time_point now, Output& out);
    void receive_data(std::string_view& input, Output& out);
    void receive_chunk(std::string_view& input, Output& out);
    bool empty_chunk_due() const;
    void receive_response(std::string_view& input, Output& out);
    void discard_before_tls(std::string_view& input, Output& out);
    void apply(Event event, Output& out);

    const Policy& policy_;
    Session session_;
    wire::LineReader lines_;
    wire::DataReader data_;
    wire::ChunkReader chunks_;    ///< the octets of a BDAT chunk RFC 3030 §2
    wire::LineReader responses_;  ///< the lines of an AUTH exchange RFC 4954 §4
    bool trace_;
    bool awaiting_commit_ = false;
#ifdef EHLO_TEST_SEAMS
    std::unique_ptr<ConnectionHooks> hooks_;  ///< null unless Policy::make_hooks is set
#endif
};

}  // namespace ehlo::server
