"""The slow connections of the `slowloris` part, driven by one process with one event loop.

Three kinds of connection:

- `line`: after the greeting, a command line that never ends (no CRLF), one octet every
  `plan.interval` seconds;
- `data`: EHLO, MAIL, RCPT and DATA at once, then `plan.data_burst` octets of message data in
  one go (more than enough to earn the server's minimum data rate), then nothing;
- `trickle`: like `data`, but it goes on sending message data, one octet every
  `plan.interval` seconds, until it is cut.

Each records when its deadline began (the greeting for `line`, the last octet for `data`, the
354 for `trickle`), the first line the server sent after that and when, and whether the server
then closed. A connection that was cut is opened again at once, so the pressure lasts.
"""

import heapq
import random
import selectors
import socket
import time

SETUP_TIMEOUT = 10.0
LINE_TEXT = b"EHLO slowloris.example.org" + b"a" * 400  # never more than 512 octets in all
DATA_SETUP = (b"EHLO slowloris.example.org\r\nMAIL FROM:<slow@example.org>\r\n"
              b"RCPT TO:<bob@example.test>\r\nDATA\r\n")


class SetupFailed(Exception):
    pass


def read_until(sock, ending, buffer=b""):
    """Reads until the last complete line starts with `ending`; returns all that was read."""
    while True:
        lines = buffer.split(b"\r\n")
        if any(line.startswith(ending) for line in lines[:-1]):
            return buffer
        chunk = sock.recv(4096)
        if not chunk:
            raise SetupFailed(f"closed during setup after {buffer[-120:]!r}")
        buffer += chunk


class SlowConnection:
    def __init__(self, port, kind):
        self.kind = kind
        self.octets = 0
        self.reply = b""
        self.record = {"kind": kind, "since": None, "reply": "", "reply_at": None,
                       "closed": False, "ended": None, "octets": 0}
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=SETUP_TIMEOUT)
        try:
            greeting = read_until(self.sock, b"220 ")
            if not greeting.startswith(b"220"):
                raise SetupFailed(f"greeting {greeting[:80]!r}")
            self.record["since"] = self.record["opened"] = time.monotonic()
            if kind != "line":
                self.sock.sendall(DATA_SETUP)
                read_until(self.sock, b"354")
                self.record["since"] = time.monotonic()
        except (OSError, SetupFailed):
            self.sock.close()
            raise
        self.sock.setblocking(False)

    def wants_more(self):
        return self.kind != "data" or self.octets == 0

    def send_next(self, plan):
        """Sends the next octet, or the burst of a `data` connection; False when the
        connection is gone."""
        if self.kind == "line":
            octets = LINE_TEXT[self.octets % len(LINE_TEXT):][:1]
        else:
            octets = b"x" * (plan.data_burst if self.kind == "data" else 1)
        try:
            self.sock.settimeout(SETUP_TIMEOUT)
            self.sock.sendall(octets)
            self.sock.setblocking(False)
        except OSError:
            return False
        self.octets += len(octets)
        if self.kind == "data":
            self.record["since"] = time.monotonic()  # no pause may exceed the data timeout
        return True

    def on_readable(self):
        """Reads what the server sent; True when the connection has ended."""
        try:
            chunk = self.sock.recv(4096)
        except BlockingIOError:
            return self.record["ended"] is not None  # finish() reads only what is there
        except OSError:
            chunk = b""
        if chunk and self.record["reply_at"] is None:
            self.record["reply_at"] = time.monotonic()
        self.reply += chunk
        if chunk:
            return False
        self.record["closed"] = True
        return True

    def finish(self):
        self.record["ended"] = time.monotonic()
        while not self.record["closed"] and not self.on_readable():
            pass  # what the server sent before a failed send, and its close
        self.record["reply"] = self.reply.split(b"\r\n")[0][:100].decode(errors="replace")
        self.record["octets"] = self.octets
        self.sock.close()
        return self.record


class Driver:
    """The event loop: opens the connections, sends their octets on time, notes their end."""

    def __init__(self, port, plan):
        self.port, self.plan = port, plan
        self.selector = selectors.DefaultSelector()
        self.timers = []  # (when, sequence, connection)
        self.sequence = 0
        self.outcomes, self.errors = [], []
        self.opened = 0
        self.most = 0

    def open(self, kind, first_octet_in):
        try:
            conn = SlowConnection(self.port, kind)
        except (OSError, SetupFailed) as error:
            self.errors.append(f"{kind}: {error}")
            return
        self.opened += 1
        self.selector.register(conn.sock, selectors.EVENT_READ, conn)
        self.most = max(self.most, len(self.selector.get_map()))
        self.schedule(conn, first_octet_in)

    def schedule(self, conn, delay):
        self.sequence += 1
        heapq.heappush(self.timers, (time.monotonic() + delay, self.sequence, conn))

    def end(self, conn, reopen):
        self.selector.unregister(conn.sock)
        self.outcomes.append(conn.finish())
        if reopen:
            self.open(conn.kind, random.uniform(0, self.plan.interval))

    def run_timers(self, reopen):
        while self.timers and self.timers[0][0] <= time.monotonic():
            _, _, conn = heapq.heappop(self.timers)
            if conn.sock.fileno() < 0 or not conn.wants_more():
                continue  # ended meanwhile, or gone silent on purpose
            if conn.send_next(self.plan):
                self.schedule(conn, self.plan.interval)
            else:
                self.end(conn, reopen)

    def poll(self, reopen):
        wait = 0.5
        if self.timers:
            wait = max(0.0, min(wait, self.timers[0][0] - time.monotonic()))
        for key, _ in self.selector.select(wait):
            if key.data.on_readable():
                self.end(key.data, reopen)
        self.run_timers(reopen)

    def open_all(self):
        data = int(self.plan.slow * self.plan.data_share)
        kinds = ["data"] * data + ["line"] * (self.plan.slow - data)
        kinds += ["trickle"] * self.plan.trickle
        random.shuffle(kinds)
        for kind in kinds:
            self.open(kind, random.uniform(0, self.plan.interval))

    def drain(self, limit):
        """After the run: waits for the connections to be cut."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.selector.get_map():
            self.poll(reopen=False)

    def close_all(self):
        for key in list(self.selector.get_map().values()):
            self.selector.unregister(key.fileobj)
            self.outcomes.append(key.data.finish())


def drive(port, plan, ready, stop, results):
    """Process entry: holds the slow connections until `stop`; puts a dict on `results`."""
    driver = Driver(port, plan)
    driver.open_all()
    ready.set()
    while not stop.is_set():
        driver.poll(reopen=True)
    driver.drain(max(plan.command_timeout, plan.data_timeout + plan.interval) + 5)
    driver.close_all()
    results.put({"outcomes": driver.outcomes, "errors": driver.errors[:20],
                 "opened": driver.opened, "most": driver.most})
