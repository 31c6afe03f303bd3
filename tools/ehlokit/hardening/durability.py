"""Durability under SIGKILL: many sessions deliver messages with unique ids to
`ehlo-server --maildir DIR` while the server is killed with SIGKILL at random moments and
started again on the same port and folder. Then every message is looked up in the Maildirs.

RFC 5321 §6.1: once the server has answered 250 to the end of data it owns the message. So:

- every message that got 250 is in the `new/` folder of each of its recipients exactly once,
  and what is stored after the server's Return-Path and Received: lines is byte for byte
  what the client sent (with DATA's dot-stuffing undone);
- nothing in a `new/` folder is incomplete or unknown, nothing is there twice;
- a message whose last octet never left the client is nowhere; one refused after its data is
  nowhere; one that got no reply (the server was killed after the last octet) may be there or
  not, but at most once and complete;
- leftovers are those of docs/delivery.md ("After a crash"): files in DIR/.tmp/ only, none for
  a message that got 250, and a leftover that is also linked into a `new/` folder is complete;
  the Maildirs' own tmp/ and cur/ stay empty.

    tools/hardening durability [--quick] [--kills N] [--messages N] [--sessions N]

The default is the long run (200 kills, 50,000 messages); --quick is the size of the CI test
tests/e2e/test_durability.py (25 kills, 3,000 messages).
"""

import argparse
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ehlokit.hardening.durability_check import check_maildirs
from ehlokit.hardening.harness import FAILED, HardeningError, ScratchFolder, say, verdict
from ehlokit.programs import KitError
from ehlokit.server import EhloServer

RECIPIENTS = [f"box{number}@example.test" for number in range(8)]
SENDER = "durability@example.org"


@dataclass
class Options:
    kills: int = 200
    messages: int = 50000
    sessions: int = 16
    min_interval: float = 0.05  # seconds between a (re)start and the next kill
    max_interval: float = 1.2
    time_limit: float = 1800.0
    seed: int = 1


def message_for(message_id: int):
    """What message `message_id` is: (recipients, data as stored, use BDAT, BDAT chunks).

    Derived from the id alone, so the check can rebuild what was sent. Sizes range from a few
    hundred octets to 256 KiB, so some messages take many writes; lines starting with a dot
    test the dot-stuffing of DATA.
    """
    rng = random.Random(message_id)
    recipients = [RECIPIENTS[message_id % len(RECIPIENTS)]]
    if rng.random() < 0.2:
        recipients.append(RECIPIENTS[(message_id + 3) % len(RECIPIENTS)])
    size = rng.choice([200, 1000, 4000, 16000]) if rng.random() < 0.9 else rng.randint(
        65536, 262144)
    header = (f"Message-ID: <{message_id}@durability.test>\r\nX-Durability-Id: {message_id}\r\n"
              f"Subject: durability {message_id}\r\n\r\n").encode()
    lines, length = [], 0
    while length < size:
        line = (b"." if rng.random() < 0.1 else b"") + rng.randbytes(36).hex().encode()
        lines.append(line)
        length += len(line) + 2
    data = header + b"\r\n".join(lines) + b"\r\n"
    use_bdat = rng.random() < 0.5
    chunks = 1 if rng.random() < 0.6 else 2
    return recipients, data, use_bdat, chunks


def wire_payload(data: bytes, use_bdat: bool, chunks: int):
    """The pieces to send after the envelope: for DATA the stuffed data and its terminator
    (after the 354); for BDAT one piece per chunk, each `BDAT n [LAST]` and its octets."""
    if not use_bdat:
        stuffed = b"\r\n".join(b"." + line if line.startswith(b".") else line
                               for line in data.split(b"\r\n"))
        return [stuffed + b".\r\n"]
    cut = len(data) // 2 if chunks == 2 else len(data)
    parts = [data[:cut], data[cut:]] if chunks == 2 else [data]
    return [f"BDAT {len(part)}{' LAST' if last else ''}\r\n".encode() + part
            for part, last in zip(parts, [False] * (len(parts) - 1) + [True])]


@dataclass
class Ledger:
    """What the clients know about each message id: acked (250 after its data), refused (any
    other reply after its data), no_reply (last octet sent, no reply), cut (the session
    failed before the last octet of the data left the client)."""
    states: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 0

    def take_id(self):
        with self.lock:
            self.next_id += 1
            return self.next_id

    def record(self, message_id, state):
        with self.lock:
            self.states[message_id] = state

    def count(self, state):
        with self.lock:
            return sum(1 for value in self.states.values() if value == state)


class SessionBroken(Exception):
    """The connection failed; `state` says where the message was."""

    def __init__(self, state):
        super().__init__(state)
        self.state = state


class Session:
    """One SMTP connection sending messages one after the other, one command at a time."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.buffer = b""
        self.expect(220)
        self.command(b"EHLO client.example.org", 250)

    def reply_code(self):
        while True:
            while b"\r\n" not in self.buffer:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionResetError("closed by the server")
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            if line[3:4] != b"-":
                return int(line[:3])

    def expect(self, code):
        got = self.reply_code()
        if got != code:
            raise ConnectionAbortedError(f"expected {code}, got {got}")

    def command(self, line, code):
        self.sock.sendall(line + b"\r\n")
        self.expect(code)

    def send_message(self, message_id):
        """Sends one message; returns its state (see Ledger). Raises SessionBroken."""
        recipients, data, use_bdat, chunks = message_for(message_id)
        try:
            self.command(f"MAIL FROM:<{SENDER}>".encode(), 250)
            for recipient in recipients:
                self.command(f"RCPT TO:<{recipient}>".encode(), 250)
            if not use_bdat:
                self.command(b"DATA", 354)
            pieces = wire_payload(data, use_bdat, chunks)
            for piece in pieces[:-1]:
                self.sock.sendall(piece)
                self.expect(250)
            self.sock.sendall(pieces[-1][:-1])
        except OSError:
            raise SessionBroken("cut")
        try:
            self.sock.sendall(pieces[-1][-1:])
            return "acked" if self.reply_code() == 250 else "refused"
        except OSError:
            raise SessionBroken("no_reply")

    def close(self):
        try:
            self.sock.sendall(b"QUIT\r\n")
        except OSError:
            pass
        self.sock.close()


def client_loop(port, ledger, stop, rng_seed):
    """One client: sessions of 1 to 5 messages each, until `stop` is set."""
    rng = random.Random(rng_seed)
    while not stop.is_set():
        try:
            session = Session(port)
        except OSError:
            time.sleep(0.02)  # the server is being restarted
            continue
        try:
            for _ in range(rng.randint(1, 5)):
                if stop.is_set():
                    break
                message_id = ledger.take_id()
                try:
                    ledger.record(message_id, session.send_message(message_id))
                except SessionBroken as broken:
                    ledger.record(message_id, broken.state)
                    break
        finally:
            session.close()


def killer_loop(server, options, stop, kills):
    """Kills the server with SIGKILL at random moments and starts it again at once."""
    rng = random.Random(options.seed)
    while not stop.wait(rng.uniform(options.min_interval, options.max_interval)):
        server.kill()
        kills.append(time.monotonic())
        server.restart()


def wait_until_done(options, ledger, kills, killer, started):
    """Until there were enough kills and messages; progress every 15 s."""
    next_progress = started + 15
    while len(kills) < options.kills or ledger.next_id < options.messages:
        now = time.monotonic()
        if now - started > options.time_limit:
            raise HardeningError(f"not done within {options.time_limit:.0f} s")
        if not killer.is_alive():
            raise HardeningError(f"ehlo-server did not start again after kill {len(kills)}")
        if now > next_progress:
            say(f"  {now - started:5.0f} s: {len(kills)} kills, {ledger.next_id} messages")
            next_progress += 15
        time.sleep(0.05)


def run(options: Options, workdir: Path):
    """Runs the load and the kills, stops the server cleanly, checks the Maildirs.

    Returns a dict of figures and the list of problems found (empty: passed)."""
    maildir = workdir / "maildir"
    server = EhloServer(["--maildir", maildir, "--max-connections", "2000"],
                        stderr_path=workdir / "server.log").start()
    ledger, stop, killer_stop, kills = Ledger(), threading.Event(), threading.Event(), []
    clients = [threading.Thread(target=client_loop, args=(server.port, ledger, stop,
                                                           options.seed * 1000 + number))
               for number in range(options.sessions)]
    killer = threading.Thread(target=killer_loop, args=(server, options, killer_stop, kills))
    started = time.monotonic()
    try:
        for thread in clients + [killer]:
            thread.start()
        wait_until_done(options, ledger, kills, killer, started)
    finally:
        stop.set()
        killer_stop.set()
        for thread in clients + [killer]:
            thread.join()
        elapsed = time.monotonic() - started
        status = server.stop()
    figures = {"kills": len(kills), "starts": server.starts, "seconds": round(elapsed, 1),
               "sessions": options.sessions, "clean exit": status}
    figures.update({state: ledger.count(state)
                    for state in ("acked", "refused", "no_reply", "cut")})
    found, problems = check_maildirs(maildir, ledger.states, message_for)
    figures.update(found)
    return figures, problems + run_problems(options, figures, status)


def run_problems(options, figures, status):
    """What is wrong with the run itself, apart from the Maildirs."""
    problems = [] if status == 0 else [f"the last server exited with {status}"]
    if figures["kills"] < options.kills:
        problems.append(f"only {figures['kills']} kills of {options.kills}")
    # Each kill can leave at most one file per session that was receiving a message.
    leftovers = (figures.get(".tmp leftovers (unlinked)", 0)
                 + figures.get(".tmp leftovers (also in new/)", 0))
    if leftovers > figures["kills"] * options.sessions:
        problems.append(f"{leftovers} files in .tmp/, more than {figures['kills']} kills "
                        f"x {options.sessions} sessions could leave")
    return problems


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="tools/hardening durability",
                                     description="Delivery under SIGKILL: nothing acked lost.")
    parser.add_argument("--quick", action="store_true",
                        help="the CI size: 25 kills, 3000 messages")
    parser.add_argument("--kills", type=int, help="SIGKILLs at least (200)")
    parser.add_argument("--messages", type=int, help="messages to send at least (50000)")
    parser.add_argument("--sessions", type=int, default=16, help="concurrent sessions (16)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill moments")
    return parser.parse_args(argv)


def main(argv):
    arguments = parse_arguments(argv)
    options = Options(kills=25, messages=3000, max_interval=0.8) if arguments.quick \
        else Options()
    options.kills = arguments.kills or options.kills
    options.messages = arguments.messages or options.messages
    options.sessions, options.seed = arguments.sessions, arguments.seed
    say(f"durability: at least {options.messages} messages over {options.sessions} sessions, "
        f"at least {options.kills} SIGKILLs (every {options.min_interval}-"
        f"{options.max_interval} s)")
    try:
        with ScratchFolder("ehlo-durability-") as workdir:
            figures, problems = run(options, workdir)
    except KitError as error:
        say(f"durability: FAIL ({error})")
        return FAILED
    for key, value in figures.items():
        say(f"  {key:28} {value}")
    for problem in problems[:40]:
        say(f"  problem: {problem}")
    return verdict("durability", not problems,
                   f"{figures['acked']} acked, {figures['kills']} kills, "
                   f"{len(problems)} problems, {figures['seconds']} s")
