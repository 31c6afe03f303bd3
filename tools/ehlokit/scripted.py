"""A loopback server whose behaviour a test or a check scripts: the hostile servers that
ehlo-check and ehlo-send must survive, and the quirky ones they must get along with.

Two ways to script it:

    ScriptedServer(behave)
        behave(conn, stop) runs for every connection, each in a thread of its own, with the
        accepted socket and a threading.Event that close() sets; until close().

    ScriptedServer(script, conversation=True)
        script(conversation) runs for the first connection only, with a Conversation (lines
        read, replies sent); the server keeps it as `.conversation`, so the test can look at
        what the client sent once the server is closed.

close() (also at the end of a `with` block) stops accepting, sets `stop`, and waits for the
scripts to finish (they should, once the client has gone or `stop` is set). An OSError in a
script (the client left) ends that connection quietly.
"""

import socket
import threading
import time

SCRIPT_TIMEOUT = 60.0  # seconds close() waits for the scripts to finish


class Conversation:
    """The server side of one scripted connection, a line at a time."""

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
        """Answers nothing until QUIT, then `reply` (or until the client leaves)."""
        while (line := self.line()) is not None:
            if line.upper() == "QUIT":
                self.send(reply)
                return


class ScriptedServer:
    """Listens on a free port of 127.0.0.1 (`.port`) and runs the script for each connection;
    see the top of this module."""

    def __init__(self, behave, conversation=False):
        self.behave = behave
        self.talks = conversation
        self.conversation = None
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.threads = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def address(self):
        return f"127.0.0.1:{self.port}"

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()
            if self.talks:
                return  # one conversation

    def _serve(self, conn):
        with conn:
            try:
                if self.talks:
                    self.conversation = Conversation(conn)
                    self.behave(self.conversation)
                else:
                    self.behave(conn, self.stop)
            except OSError:
                pass  # the client left, which is what it may do

    def close(self, timeout=SCRIPT_TIMEOUT):
        self.stop.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept
        except OSError:
            pass
        self.listener.close()
        self.acceptor.join(timeout)
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()
