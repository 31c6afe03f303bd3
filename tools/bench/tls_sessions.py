"""The load client of tools/bench/tls_cost: whole SMTP sessions, in the clear or with STARTTLS,
many in parallel, with nothing but the standard library (asyncio and ssl).

One session: connect, read the 220 greeting, EHLO, [STARTTLS, the TLS handshake, EHLO again],
MAIL, RCPT, DATA, the message, QUIT; one command at a time, each reply read before the next
command (no pipelining), like smtp-source. The same code runs both kinds of session, so the
only difference between them is the STARTTLS step. Every TLS handshake is a full one: no
session is resumed. The sessions can be shared out over several client processes, so that
one Python process's speed does not set the rate.
"""

import asyncio
import ssl
import time
from concurrent.futures import ProcessPoolExecutor

HOSTNAME = "client.example.test"
TIMEOUT = 30.0


class SessionError(Exception):
    """A reply that was not the one a successful session gets."""


def client_context():
    """TLS 1.2 or newer, the certificate not verified (the servers' are self-signed)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def make_message(size, sender, recipient):
    """A message of about `size` octets of body, in lines of 72 octets, ending in CRLF.CRLF."""
    header = (f"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: TLS cost\r\n\r\n").encode()
    line = b"x" * 70 + b"\r\n"
    body = line * (size // len(line)) + b"y" * (size % len(line))
    return header + body.rstrip(b"\r\n") + b"\r\n.\r\n"


async def reply(reader, expected):
    """Reads one reply (all its lines); raises SessionError unless its code is `expected`."""
    while True:
        line = await reader.readline()
        if not line:
            raise SessionError(f"connection closed while waiting for {expected}")
        if line[3:4] != b"-":
            break
    if not line.startswith(expected):
        raise SessionError(f"expected {expected.decode()}, got {line.decode(errors='replace')!r}")


async def command(reader, writer, text, expected):
    writer.write(text)
    await reply(reader, expected)


async def session(port, starttls, context, message, sender, recipient):
    """One whole session against 127.0.0.1:port; raises SessionError or OSError on failure."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await reply(reader, b"220")
        await command(reader, writer, f"EHLO {HOSTNAME}\r\n".encode(), b"250")
        if starttls:
            await command(reader, writer, b"STARTTLS\r\n", b"220")
            await writer.start_tls(context)
            await command(reader, writer, f"EHLO {HOSTNAME}\r\n".encode(), b"250")
        await command(reader, writer, f"MAIL FROM:<{sender}>\r\n".encode(), b"250")
        await command(reader, writer, f"RCPT TO:<{recipient}>\r\n".encode(), b"250")
        await command(reader, writer, b"DATA\r\n", b"354")
        await command(reader, writer, message, b"250")
        await command(reader, writer, b"QUIT\r\n", b"221")
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass  # the server may close first; the session is already complete


async def worker(deadline, run, counts):
    """Runs sessions one after another until the deadline; counts successes and failures."""
    while time.monotonic() < deadline:
        try:
            await asyncio.wait_for(run(), TIMEOUT)
            counts["ok"] += 1
        except (SessionError, OSError, ssl.SSLError, asyncio.TimeoutError) as error:
            counts["failed"] += 1
            counts.setdefault("first error", f"{type(error).__name__}: {error}")


async def load(port, starttls, seconds, parallel, size, sender, recipient):
    context = client_context()
    message = make_message(size, sender, recipient)
    counts = {"ok": 0, "failed": 0}

    def run():
        return session(port, starttls, context, message, sender, recipient)

    started = time.monotonic()
    await asyncio.gather(*(worker(started + seconds, run, counts) for _ in range(parallel)))
    counts["seconds"] = time.monotonic() - started
    return counts


def one_process(port, starttls, seconds, parallel, size, sender, recipient):
    """The load of one client process; adds the CPU time it spent ("client cpu")."""
    cpu = time.process_time()
    counts = asyncio.run(load(port, starttls, seconds, parallel, size, sender, recipient))
    counts["client cpu"] = time.process_time() - cpu
    return counts


def run_load(port, starttls, seconds, parallel=20, size=1024, processes=1,
             sender="bench@example.test", recipient="bench@example.test"):
    """`parallel` sessions at a time, shared out over `processes` client processes, new ones
    started for `seconds`, the last ones finished.

    Returns {"ok": sessions completed, "failed": n, "seconds": wall clock, "client cpu":
    CPU seconds of the clients, and "first error" when one failed}; the rate is ok / seconds.
    """
    shares = [parallel // processes + (n < parallel % processes) for n in range(processes)]
    started = time.monotonic()
    with ProcessPoolExecutor(processes) as pool:
        futures = [pool.submit(one_process, port, starttls, seconds, share, size, sender,
                               recipient) for share in shares if share]
        results = [future.result() for future in futures]
    total = {"ok": 0, "failed": 0, "client cpu": 0.0}
    for counts in results:
        for key in total:
            total[key] += counts[key]
        if "first error" in counts:
            total.setdefault("first error", counts["first error"])
    total["seconds"] = time.monotonic() - started
    return total
