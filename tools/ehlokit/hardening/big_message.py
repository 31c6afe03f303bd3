"""A message at the size limit, streamed to disk: ehlo-server runs with --max-size 50 MiB and
receives, on a fresh process each time, a 1 MiB and a 50 MiB message by DATA and by BDAT. The
peak resident memory of the process (VmHWM of /proc/PID/status) is read after each 250, and
the growth from 1 MiB to 50 MiB must stay well under the growth of the message: the data goes
to the file as it arrives (RFC 5321 §4.5.3.1.7 puts the floor at 64 KiB; this server takes
whatever --max-size says, and must not hold it in memory). Each stored file is compared with
what was sent (SHA-256 of the data after the server's Return-Path and Received: lines).

Then one octet past the limit, by DATA and by BDAT (one chunk announced too big, and a
message that crosses the limit in its last chunk), must get 552 (RFC 5321 §4.5.3.1.10, RFC 1870,
RFC 3030) and leave nothing: no file in a new/ folder, none in DIR/.tmp/.

    tools/hardening big-message [--quick] [--size OCTETS]

--quick runs the same checks; the limit is always --size (default 50 MiB).
"""

import argparse
import hashlib
import socket
from pathlib import Path

from ehlokit.hardening.harness import FAILED, HardeningError, ScratchFolder, say, verdict
from ehlokit.programs import KitError
from ehlokit.server import EhloServer

MIB = 1024 * 1024
DEFAULT_LIMIT = 50 * MIB
BLOCK = 64 * 1024
SENDER = "big@example.org"
RECIPIENT = "big@example.test"
HEADER = b"From: <big@example.org>\r\nTo: <big@example.test>\r\nSubject: big\r\n\r\n"


def message_blocks(size):
    """Message data of exactly `size` octets (size >= 200), in blocks of about 64 KiB: lines
    of 78 octets that each carry their number, none starting with a dot, the last shortened
    to make the size; it ends with CRLF."""
    body = size - len(HEADER)
    lines, last = divmod(body, 80)
    if last == 1:  # too short for a line of its own: the last line takes 81 octets
        lines, last = lines - 1, 81
    yield HEADER
    block = []
    for number in range(lines):
        block.append(b"%010d " % number + b"x" * 67 + b"\r\n")
        if len(block) == BLOCK // 80:
            yield b"".join(block)
            block = []
    if last:
        block.append(b"y" * (last - 2) + b"\r\n")
    yield b"".join(block)


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buffer = b""
        self.expect(220)
        self.command(b"EHLO client.example.org", 250)

    def reply(self):
        while True:
            while b"\r\n" not in self.buffer:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise HardeningError("the server closed the connection")
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            if line[3:4] != b"-":
                return int(line[:3])

    def expect(self, code):
        got = self.reply()
        if got != code:
            raise HardeningError(f"expected {code}, got {got}")

    def command(self, line, code):
        self.sock.sendall(line + b"\r\n")
        self.expect(code)

    def envelope(self):
        self.command(f"MAIL FROM:<{SENDER}>".encode(), 250)
        self.command(f"RCPT TO:<{RECIPIENT}>".encode(), 250)

    def send_data(self, size):
        """DATA with a message of `size` octets; returns (reply code, SHA-256 of the data)."""
        self.envelope()
        self.command(b"DATA", 354)
        digest = hashlib.sha256()
        for block in message_blocks(size):
            digest.update(block)
            self.sock.sendall(block)  # no line starts with a dot: nothing to stuff
        self.sock.sendall(b".\r\n")
        return self.reply(), digest.hexdigest()

    def send_bdat(self, size, chunk_size=None):
        """BDAT in chunks of `chunk_size` (all in one by default), streamed; returns (the
        reply to the last chunk, or the first refusal; SHA-256 of the data)."""
        self.envelope()
        chunk_size = chunk_size or size
        digest, sent, left_in_chunk = hashlib.sha256(), 0, 0
        for block in message_blocks(size):
            digest.update(block)
            while block:
                if left_in_chunk == 0:
                    left_in_chunk = min(chunk_size, size - sent)
                    last = sent + left_in_chunk == size
                    self.sock.sendall(f"BDAT {left_in_chunk}{' LAST' if last else ''}\r\n"
                                      .encode())
                piece, block = block[:left_in_chunk], block[left_in_chunk:]
                self.sock.sendall(piece)
                sent, left_in_chunk = sent + len(piece), left_in_chunk - len(piece)
                if left_in_chunk == 0 and sent < size and (code := self.reply()) != 250:
                    return code, digest.hexdigest()
        return self.reply(), digest.hexdigest()

    def close(self):
        try:
            self.command(b"QUIT", 221)
        finally:
            self.sock.close()


def stored_files(maildir: Path):
    return sorted(maildir.glob("*/*/new/*")), sorted(maildir.glob(".tmp/*"))


def stored_digest(path: Path):
    """SHA-256 of a stored file's data, after the Return-Path line and the Received: header."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        assert file.readline().startswith(b"Return-Path: ")
        line = file.readline()
        assert line.startswith(b"Received: ")
        while (line := file.readline())[:1] in (b" ", b"\t"):
            pass
        digest.update(line)
        while block := file.read(MIB):
            digest.update(block)
    return digest.hexdigest()


def measure(workdir, limit, method, size):
    """A fresh server receives one message; returns (peak RSS KiB before, after, problems)."""
    maildir = workdir / f"{method}-{size}"
    with EhloServer(["--maildir", maildir, "--max-size", limit]) as server:
        before = server.status_kib("VmHWM")
        client = Client(server.port)
        code, sent_digest = (client.send_data(size) if method == "DATA"
                             else client.send_bdat(size))
        peak = server.status_kib("VmHWM")
        client.close()
    problems = [] if code == 250 else [f"{method} {size} octets: {code}, 250 expected"]
    files, leftovers = stored_files(maildir)
    if len(files) != 1 or leftovers:
        problems.append(f"{method} {size}: {len(files)} files in new/, {len(leftovers)} in .tmp")
    elif stored_digest(files[0]) != sent_digest:
        problems.append(f"{method} {size}: the stored data differs from what was sent")
    return before, peak, problems


def over_limit(workdir, limit):
    """One octet past the limit, three ways; each must get 552 and leave nothing."""
    maildir = workdir / "over"
    results, problems = [], []
    with EhloServer(["--maildir", maildir, "--max-size", limit]) as server:
        for label, send in [("DATA", lambda c: c.send_data(limit + 1)),
                            ("BDAT one chunk", lambda c: c.send_bdat(limit + 1)),
                            ("BDAT last chunk", lambda c: c.send_bdat(limit + 1, limit))]:
            client = Client(server.port)
            code, _ = send(client)
            client.close()
            results.append((label, code))
            if code != 552:
                problems.append(f"{label}, {limit + 1} octets: {code}, 552 expected")
        peak = server.status_kib("VmHWM")
    files, leftovers = stored_files(maildir)
    if files or leftovers:
        problems.append(f"over the limit: {len(files)} files in new/, {len(leftovers)} in .tmp")
    return results, peak, problems


def run(workdir: Path, limit=DEFAULT_LIMIT):
    """Returns (rows of (method, size, KiB before, KiB peak), over-limit results, problems)."""
    rows, problems = [], []
    for method in ("DATA", "BDAT"):
        for size in (MIB, limit):
            before, peak, found = measure(workdir, limit, method, size)
            rows.append((method, size, before, peak))
            problems += found
    for method in ("DATA", "BDAT"):
        small, big = [row[3] for row in rows if row[0] == method]
        growth = (big - small) * 1024
        if growth > (limit - MIB) / 8:
            problems.append(f"{method}: peak RSS grew by {growth // 1024} KiB from 1 MiB to "
                            f"{limit // MIB} MiB, more than 1/8 of the message's growth")
    over, over_peak, found = over_limit(workdir, limit)
    return rows, over, over_peak, problems + found


def main(argv):
    parser = argparse.ArgumentParser(prog="tools/hardening big-message",
                                     description="A message at --max-size, memory bounded.")
    parser.add_argument("--quick", action="store_true", help="the same checks (they are quick)")
    parser.add_argument("--size", type=int, default=DEFAULT_LIMIT,
                        help="the --max-size limit and the big message's size (50 MiB)")
    arguments = parser.parse_args(argv)
    try:
        with ScratchFolder("ehlo-big-message-") as workdir:
            rows, over, over_peak, problems = run(workdir, arguments.size)
    except KitError as error:
        say(f"big-message: FAIL ({error})")
        return FAILED
    say(f"big-message: --max-size {arguments.size}; peak RSS (VmHWM) of a fresh ehlo-server")
    say(f"  {'method':6} {'message':>12} {'at start':>10} {'peak':>10} {'growth':>10}")
    for method, size, before, peak in rows:
        say(f"  {method:6} {size:>12} {before:>7} KiB {peak:>7} KiB {peak - before:>7} KiB")
    for label, code in over:
        say(f"  {label}, limit + 1 octet: {code}")
    say(f"  peak RSS of the server that refused them: {over_peak} KiB")
    for problem in problems:
        say(f"  problem: {problem}")
    return verdict("big-message", not problems, f"{len(problems)} problems")
