// Layer: server (sans-I/O). The data of one connection (Session) and of one mail
// transaction (Envelope), RFC 5321 §3.3: a transaction is MAIL, one or more RCPT, DATA;
// RSET, EHLO/HELO and the end of DATA clear it (RFC 5321 §4.1.1.5, RFC 5321 §4.1.4); the TLS
// handshake after STARTTLS clears everything the client said before it (RFC 3207 §4.2), an AUTH
// identity included; a successful AUTH lasts for the rest of the session (RFC 4954 §4). A
// transaction sends its data with DATA or with BDAT chunks (RFC 3030 §2), never both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/address.hpp"
#include "protocol/reply.hpp"
#include "server/auth.hpp"
#include "server/hop_counter.hpp"
#include "server/state.hpp"

namespace ehlo::server {

/// One mail transaction: the reverse-path, the accepted forward-paths and the data so far.
struct Envelope {
    protocol::ReversePath reverse_path;
    /// Accepted recipients, after alias rewriting (RFC 5321 §3.4), each in one of the server's
    /// domains.
    std::vector<protocol::Mailbox> recipients;
    std::size_t data_size = 0;  ///< octets of message data received so far
    bool too_big = false;       ///< data passed the size limit: keep reading, then 552
    HopCounter hops;            ///< Received: fields of the data, to stop loops RFC 5321 §6.3
    bool smtputf8 = false;      ///< MAIL carried SMTPUTF8: UTF-8 paths allowed RFC 6531 §3.4
    bool binarymime = false;    ///< MAIL carried BODY=BINARYMIME: BDAT only RFC 3030 §3
    /// A BDAT chunk was accepted: the message is open in the store, DATA is refused
    /// RFC 3030 §2.
    bool chunked = false;
    /// A BDAT was refused: the transaction failed, and every later BDAT is read, discarded
    /// and refused until RSET, EHLO, HELO or a LAST chunk RFC 3030 §2.
    bool chunks_refused = false;
};

/// The BDAT chunk being read (state `chunk`), and the reply that waits for its last octet
/// RFC 3030 §2.
struct Chunk {
    std::uint64_t size = 0;                ///< the octets the BDAT announced
    bool last = false;                     ///< the BDAT said LAST
    bool refused = false;                  ///< the chunk is discarded; `reply` is the refusal
    std::optional<protocol::Reply> reply;  ///< the answer once the chunk is read
    State resume = State::greeted;         ///< where the session goes after the chunk
};

/// Who is on the other end; filled in by the driver when the connection is accepted.
struct Peer {
    std::string address = "127.0.0.1";  ///< IP address, as text
    std::uint64_t connection_id = 0;    ///< unique within this server process
};

/// One connection, from greeting to close.
struct Session {
    GuardedState state;  ///< changed only by enter(), along the edges of state.hpp's tables
    Peer peer;
    std::string client_domain;  ///< the argument of the last EHLO/HELO RFC 5321 §4.1.1.1
    bool extended = false;      ///< greeted with EHLO, not HELO
    /// The connection runs over TLS: after STARTTLS's handshake RFC 3207 §4.2, or from the
    /// start on an implicit TLS port RFC 8314 §3.
    bool tls = false;
    /// The authenticated identity, and the exchange in progress RFC 4954 §4.
    AuthState auth;
    std::uint64_t transactions = 0;   ///< messages begun, for unique message ids
    std::uint64_t mail_commands = 0;  ///< MAIL commands accepted, against MAILMAX RFC 9422 §4.1
    Envelope envelope;
    Chunk chunk;  ///< meaningful in state `chunk` only
};

}  // namespace ehlo::server
