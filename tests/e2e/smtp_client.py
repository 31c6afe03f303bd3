"""A raw SMTP client for the tests: bytes are sent exactly as given, replies are parsed
(RFC 5321 §4.2) but never judged here; the tests do that."""

import select
import socket
import time
from dataclasses import dataclass

CRLF = b"\r\n"


class Closed(Exception):
    """The server closed the connection before a complete reply."""


@dataclass
class Reply:
    code: int
    lines: list  # the text of each line, without code and separator

    def __str__(self):
        return " / ".join(f"{self.code} {line}" for line in self.lines)


class SmtpClient:
    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        self.buffer = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data: bytes):
        self.sock.sendall(data)

    def _read_line(self) -> bytes:
        while CRLF not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(f"connection closed; unread: {self.buffer!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(CRLF, 1)
        return line

    def reply(self) -> Reply:
        """Reads one (possibly multi-line) reply."""
        lines = []
        while True:
            line = self._read_line()
            assert len(line) >= 3 and line[:3].isdigit(), f"not a reply line: {line!r}"
            lines.append(line[4:].decode(errors="replace"))
            if len(line) == 3 or line[3:4] == b" ":
                return Reply(int(line[:3]), lines)
            assert line[3:4] == b"-", f"bad reply separator: {line!r}"

    def replies(self, count) -> list:
        return [self.reply() for _ in range(count)]

    def command(self, line) -> Reply:
        """Sends one command line (CRLF is added) and reads its reply."""
        if isinstance(line, str):
            line = line.encode()
        self.send(line + CRLF)
        return self.reply()

    def expect(self, line, code) -> Reply:
        reply = self.command(line)
        assert reply.code == code, f"{line!r}: expected {code}, got {reply}"
        return reply

    def greet(self, domain="client.example.org"):
        """Reads the greeting and says EHLO."""
        greeting = self.reply()
        assert greeting.code == 220, f"greeting: {greeting}"
        self.expect(f"EHLO {domain}", 250)

    def start_data(self, sender, recipients):
        """MAIL, RCPT for each recipient (all must be accepted), DATA: ready for data."""
        self.expect(f"MAIL FROM:<{sender}>", 250)
        for recipient in recipients:
            self.expect(f"RCPT TO:<{recipient}>", 250)
        self.expect("DATA", 354)

    def pending(self, wait=0.5) -> bytes:
        """Whatever the server sends within `wait` seconds (b"" if nothing)."""
        deadline = time.monotonic() + wait
        data, self.buffer = self.buffer, b""
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.sock], [], [], left)
            if not readable:
                break
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data

    def wait_closed(self, timeout=5.0) -> bool:
        """True if the server closes the connection within `timeout` seconds; data that
        arrives before the close is discarded."""
        deadline = time.monotonic() + timeout
        self.buffer = b""
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.sock], [], [], left)
            if not readable:
                return False
            try:
                if not self.sock.recv(65536):
                    return True
            except ConnectionResetError:
                return True
        return False
