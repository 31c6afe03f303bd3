"""A loopback SMTP server that answers each command by its verb, as a plain server would, and
records every octet the client sends: what the tests of SMTP clients assert on (the client
mutants of ehlo-send-mutant, docs/mutants.md).

    with RecordingServer(keywords=("8BITMIME",), replies={"RCPT": "550 5.1.1 no"}) as server:
        ...run the client against server.address()...
    session = server.session        # what the client of the first connection sent

The replies, by key; `replies` overrides any of them with a text (the lines of a multi-line
reply joined by CRLF) or with a list of texts given in turn, the last one repeated:

    greeting                      220
    EHLO                          250: a greeting line, then `keywords` (and STARTTLS with `tls`)
    HELO, MAIL, RCPT, NOOP, RSET  250
    DATA                          354; then the data up to CRLF "." CRLF, answered with END
    BDAT                          250 to a chunk; END to the last one
    END                           250
    STARTTLS                      220 with `tls`, else 502
    AUTH                          235 the first time, 503 after
    QUIT                          221, and the session is over
    anything else                 500

The recorder enforces nothing: a line ended by a bare LF is a line, and after a 421 it goes on
reading, to see whether the client goes on too. With `tls=(cert, key)` it offers STARTTLS and,
after its 220, sends `before_tls` in the same write, then does the handshake; after it, EHLO
lists `tls_keywords`.
"""

import ssl
from dataclasses import dataclass, field

from ehlokit.scripted import ScriptedServer

READ_TIMEOUT = 30.0  # seconds a session waits for the client before it gives up

DEFAULT_REPLIES = {
    "greeting": "220 recorder.example.test ESMTP",
    "HELO": "250 recorder.example.test",
    "MAIL": "250 2.1.0 sender ok",
    "RCPT": "250 2.1.5 recipient ok",
    "DATA": "354 end data with <CR><LF>.<CR><LF>",
    "BDAT": "250 2.0.0 chunk received",
    "END": "250 2.0.0 message accepted",
    "STARTTLS": "220 2.0.0 ready to start TLS",
    "AUTH": "235 2.7.0 authenticated",
    "NOOP": "250 2.0.0 ok",
    "RSET": "250 2.0.0 ok",
    "QUIT": "221 2.0.0 bye",
}


@dataclass
class Session:
    """What the client sent in one connection."""
    raw: bytes = b""  # every octet, in the clear (after STARTTLS: what TLS carried)
    lines: list = field(default_factory=list)  # command lines as sent, line end included
    commands: list = field(default_factory=list)  # the same as text, without the line end
    early: list = field(default_factory=list)  # commands sent before the previous reply came
    messages: list = field(default_factory=list)  # DATA's data, still stuffed, without ".CRLF"
    chunks: list = field(default_factory=list)  # (announced size, octets) of each BDAT
    tls_from: int = None  # index in `commands` of the first command under TLS
    closed_without_quit: bool = False  # the client closed the connection before any QUIT

    def under_tls(self):
        """The commands sent after the TLS handshake."""
        return [] if self.tls_from is None else self.commands[self.tls_from:]


class _Conversation:
    """The server side of one connection: reads lines and octets, writes replies, records."""

    def __init__(self, conn, recorder):
        self.conn = conn
        self.recorder = recorder
        self.session = Session()
        self.buffer = b""
        self.early_octets = 0  # octets received before the last reply was sent, not yet read
        self.used = {}  # how many times each reply was given
        self.authenticated = False

    def receive(self):
        chunk = self.conn.recv(65536)
        if not chunk:
            raise EOFError
        self.session.raw += chunk
        self.buffer += chunk

    def drain(self):
        """Takes in whatever the client has sent already, without waiting."""
        self.conn.settimeout(0)
        try:
            while True:
                self.receive()
        except (BlockingIOError, ssl.SSLWantReadError, EOFError):
            pass
        finally:
            self.conn.settimeout(READ_TIMEOUT)

    def take(self, count):
        """The next `count` octets of the buffer, noting those that came early."""
        taken, self.buffer = self.buffer[:count], self.buffer[count:]
        early = self.early_octets >= count
        self.early_octets = max(0, self.early_octets - count)
        return taken, early

    def line(self):
        """The next line, ended by LF (a CR before it is kept), and whether it came early."""
        while b"\n" not in self.buffer:
            self.receive()
        return self.take(self.buffer.index(b"\n") + 1)

    def octets(self, count):
        while len(self.buffer) < count:
            self.receive()
        return self.take(count)[0]

    def data(self):
        """DATA's message data up to CRLF "." CRLF; the data keeps its last CRLF."""
        while True:
            if self.buffer.startswith(b".\r\n"):  # an empty message
                self.take(3)
                return b""
            end = self.buffer.find(b"\r\n.\r\n")
            if end >= 0:
                return self.take(end + 5)[0][:-3]
            self.receive()

    def reply(self, key, text=None):
        """Sends the reply `key` (or `text`), after taking in what came before it; returns
        its text."""
        self.drain()
        if text is None:
            text = self.recorder.reply_text(key, self.used.get(key, 0))
            self.used[key] = self.used.get(key, 0) + 1
        self.conn.sendall(text.encode() + b"\r\n")
        self.early_octets = len(self.buffer)
        return text

    def ehlo(self):
        tls = self.session.tls_from is not None
        if "EHLO" in self.recorder.replies:
            return self.reply("EHLO")
        keywords = self.recorder.tls_keywords if tls else self.recorder.keywords
        lines = ["recorder.example.test"] + list(keywords)
        if self.recorder.tls and not tls:
            lines.append("STARTTLS")
        self.reply("EHLO", "\r\n".join(f"250{'-' if i + 1 < len(lines) else ' '}{text}"
                                       for i, text in enumerate(lines)))

    def starttls(self):
        if not self.recorder.tls:
            return self.reply("STARTTLS", "502 5.5.1 not offered")
        text = self.recorder.reply_text("STARTTLS", 0)
        self.drain()
        self.conn.sendall(text.encode() + b"\r\n" + self.recorder.before_tls)
        self.buffer = b""
        self.conn = self.recorder.tls_context().wrap_socket(self.conn, server_side=True)
        self.conn.settimeout(READ_TIMEOUT)
        self.session.tls_from = len(self.session.commands)

    def auth(self):
        if self.authenticated:
            return self.reply("AUTH", "503 5.5.1 already authenticated")
        self.authenticated = True
        self.reply("AUTH")

    def bdat(self, command):
        words = command.split()
        size = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
        self.session.chunks.append((size, self.octets(size)))
        self.reply("END" if len(words) > 2 and words[2].upper() == "LAST" else "BDAT")

    def serve(self):
        self.conn.settimeout(READ_TIMEOUT)
        self.reply("greeting")
        while True:
            raw, early = self.line()
            command = raw.rstrip(b"\n").rstrip(b"\r").decode(errors="replace")
            self.session.lines.append(raw)
            self.session.commands.append(command)
            if early:
                self.session.early.append(command)
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.ehlo()
            elif verb == "STARTTLS":
                self.starttls()
            elif verb == "AUTH":
                self.auth()
            elif verb == "BDAT":
                self.bdat(command)
            elif verb == "DATA":
                if self.reply("DATA").startswith("354"):
                    self.session.messages.append(self.data())
                    self.reply("END")
            elif verb in DEFAULT_REPLIES:
                self.reply(verb)
                if verb == "QUIT":
                    return
            else:
                self.reply("", "500 5.5.2 command not recognized")


class RecordingServer:
    """Listens on a free port of 127.0.0.1 (`address()`) and plays one session per connection,
    recording it in `sessions` (`session` is the first); see the top of this module."""

    def __init__(self, keywords=(), replies=None, tls=None, before_tls=b"", tls_keywords=None):
        self.keywords = tuple(keywords)
        self.replies = dict(replies or {})
        self.tls = tls
        self.before_tls = before_tls
        self.tls_keywords = self.keywords if tls_keywords is None else tuple(tls_keywords)
        self.sessions = []
        self._context = None
        self._server = ScriptedServer(self._serve)

    def address(self):
        return self._server.address()

    @property
    def session(self):
        return self.sessions[0] if self.sessions else None

    def reply_text(self, key, turn):
        chosen = self.replies.get(key, DEFAULT_REPLIES.get(key))
        if isinstance(chosen, (list, tuple)):
            return chosen[min(turn, len(chosen) - 1)]
        return chosen

    def tls_context(self):
        if self._context is None:
            self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
        return self._context

    def _serve(self, conn, _stop):
        conversation = _Conversation(conn, self)
        self.sessions.append(conversation.session)
        try:
            conversation.serve()
        except EOFError:
            conversation.session.closed_without_quit = True
        except (OSError, ssl.SSLError):
            pass  # the client left mid-write, or its handshake failed
        finally:
            if conversation.conn is not conn:
                conversation.conn.close()

    def close(self):
        self._server.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()
