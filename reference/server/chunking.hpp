// Layer: server (sans-I/O), internal to step(). CHUNKING and BINARYMIME of RFC 3030: the
// message data of BDAT (RFC 3030 §2) and the BODY=BINARYMIME transaction (RFC 3030 §3). A BDAT
// chunk is always read to its announced end before the BDAT is answered, accepted or not, so that
// no octet of a chunk is ever taken for a command. Counting the chunk's octets off the stream is
// wire::ChunkReader's job, in the Connection; the verb's check and apply are in verbs.hpp.
#pragma once

#include <optional>
#include <string>

#include "protocol/command.hpp"
#include "server/step.hpp"

namespace ehlo::server {

/// Whether BINARYMIME is offered: only together with CHUNKING, which it needs RFC 3030 §3.
bool offers_binarymime(const Policy& policy);

/// Whether the MAIL asked for BODY=BINARYMIME (already checked to be offered) RFC 3030 §3.
bool mail_requests_binarymime(const protocol::Mail& cmd);

namespace verbs {

/// Puts off the answer to a BDAT until its chunk has been read RFC 3030 §2. `outcome` is what
/// step() made of the command line `parsed`. Accepted (the session is in State::chunk), its
/// reply waits in Session::chunk. Refused, the chunk is still read and discarded when the line
/// announced a readable size (ParsedCommand::announced_chunk_size): the refusal waits, the
/// transaction fails until RSET, EHLO, HELO or a LAST chunk, and an open message is dropped.
/// When no size can be read, the refusal is answered at once and what follows is read as
/// command lines.
Outcome hold_bdat_reply(Session& session, const protocol::ParsedCommand& parsed, Outcome outcome);

/// Octets of the chunk being read: appended to the open message, or dropped when the BDAT
/// was refused. The size was checked against the limit before the chunk began.
Outcome chunk_data(Session& session, std::string data);

/// The chunk's last octet was read: answer the BDAT RFC 3030 §2. A LAST chunk of an accepted
/// transaction asks the store to commit; its 250 comes with the store's result, as for DATA.
Outcome chunk_end(Session& session);

/// Whether a message begun by BDAT is open in the store and must be dropped when the
/// transaction ends without its LAST chunk.
bool chunked_message_open(const Session& session);

}  // namespace verbs
}  // namespace ehlo::server
