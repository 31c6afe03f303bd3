"""Support for the ehlo-send end-to-end tests: running ehlo-send, and scripted SMTP servers
that misbehave on purpose (one thread, one connection at a time, on a free loopback port)."""

import socket
import subprocess
import threading

from conftest import BIN_DIR

SEND_TIMEOUT = 60


def run_send(*args, stdin=None, timeout=SEND_TIMEOUT):
    """Runs ehlo-send with `args`; returns the CompletedProcess (text output)."""
    command = [str(BIN_DIR / "ehlo-send"), *map(str, args)]
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    result.stdout = result.stdout.decode(errors="replace")
    result.stderr = result.stderr.decode(errors="replace")
    return result


def outcome(result):
    """{mailbox: (verdict, rest)} from ehlo-send's stdout lines 'verdict <mailbox>: rest'."""
    found = {}
    for line in result.stdout.splitlines():
        verdict, _, rest = line.partition(" <")
        mailbox, _, why = rest.partition(">: ")
        found[mailbox] = (verdict, why)
    return found


class Conversation:
    """The server side of one scripted connection."""

    def __init__(self, conn):
        self.conn = conn
        self.buffer = b""
        self.received = []  # every line the client sent, without CRLF

    def send(self, data):
        self.conn.sendall(data.encode() if isinstance(data, str) else data)

    def line(self):
        """The next line from the client, without CRLF; None when it closed."""
        while b"\r\n" not in self.buffer:
            chunk = self.conn.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        self.received.append(line.decode(errors="replace"))
        return self.received[-1]

    def data(self):
        """Message data up to the line ".", as received (still dot-stuffed)."""
        lines = []
        while (line := self.line()) not in (".", None):
            lines.append(line)
        return lines

    def octets(self, count):
        while len(self.buffer) < count:
            chunk = self.conn.recv(65536)
            if not chunk:
                break
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def ehlo(self, *keywords):
        """Reads EHLO and answers with `keywords`."""
        self.line()
        lines = ["scripted.example.test"] + list(keywords)
        self.send("".join(f"250{'-' if i + 1 < len(lines) else ' '}{text}\r\n"
                          for i, text in enumerate(lines)))

    def until_quit(self, reply="221 bye\r\n"):
        """Answers 250 to everything until QUIT (or the client leaves)."""
        while (line := self.line()) is not None:
            if line.upper() == "QUIT":
                self.send(reply)
                return


class ScriptedServer:
    """Listens on 127.0.0.1 and runs `script(conversation)` for one connection."""

    def __init__(self, script):
        self.script = script
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.conversation = None
        self.error = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
            with conn:
                self.conversation = Conversation(conn)
                self.script(self.conversation)
        except OSError as error:
            self.error = error

    def address(self):
        return f"127.0.0.1:{self.port}"

    def close(self):
        self.thread.join(timeout=SEND_TIMEOUT)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()
