"""The server's limits: message size (552, RFC 5321 §4.5.3.1.10 and RFC 1870), the number
of connections (421 instead of the greeting, RFC 5321 §3.1) and the command timeout, measured per
line so that a client trickling one byte a second is still cut off (RFC 5321 §4.5.3.2.7)."""

import smtplib
import threading
import time

from ehlokit.maildir import all_messages, assert_single_delivery
from smtp_client import Closed, SmtpClient

SENDER = "alice@example.org"
HEADER = b"From: <alice@example.org>\r\nSubject: size\r\n\r\n"


def body_of(octets: int) -> bytes:
    """Message data of about `octets` octets in lines of 78 characters."""
    line = b"x" * 78 + b"\r\n"
    return HEADER + line * (octets // len(line))


def test_message_over_max_size_refused(start_server):
    server = start_server("--max-size", "10000")
    small, big = body_of(5_000), body_of(20_000)
    with SmtpClient(server.port) as client:
        client.greet()
        client.start_data(SENDER, ["bob@example.test"])
        client.send(big + b".\r\n")
        assert client.reply().code == 552
        assert all_messages(server.maildir) == []
        client.start_data(SENDER, ["bob@example.test"])
        client.send(small + b".\r\n")
        assert client.reply().code == 250
    assert_single_delivery(server.maildir, "bob@example.test", SENDER, small)


def test_connection_over_limit_gets_421(start_server):
    server = start_server("--max-connections", "2")
    first, second = SmtpClient(server.port), SmtpClient(server.port)
    with first, second:
        assert first.reply().code == 220
        assert second.reply().code == 220
        with SmtpClient(server.port) as third:
            assert third.reply().code == 421
            assert third.wait_closed()
        second.expect("QUIT", 221)
    # Once the others are gone, a new connection is greeted again.
    deadline = time.monotonic() + 5
    while True:
        with SmtpClient(server.port) as client:
            code = client.reply().code
            if code == 220 or time.monotonic() > deadline:
                break
        time.sleep(0.1)
    assert code == 220


def trickle(port, results):
    """Sends "EHLO slow.example" one byte a second; records what comes back and when."""
    started = time.monotonic()
    with SmtpClient(port, timeout=15) as client:
        results["greeting"] = client.reply().code
        for byte in b"EHLO slow.example\r\n":
            try:
                client.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            results["answer"] = client.pending(wait=1.0)
            if results["answer"]:
                break
        results["closed"] = client.wait_closed(timeout=3)
    results["seconds"] = time.monotonic() - started


def test_slow_client_timed_out_while_others_deliver(start_server):
    server = start_server("--timeout-command", "2")
    results = {}
    slow = threading.Thread(target=trickle, args=(server.port, results))
    slow.start()
    time.sleep(0.5)
    data = HEADER + b"delivered while another client trickles\r\n"
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="client.example.org",
                      timeout=10) as client:
        assert client.sendmail(SENDER, ["bob@example.test"], data) == {}
    assert slow.is_alive(), "the slow client was dropped before the other delivered"
    slow.join(timeout=20)
    assert results.get("greeting") == 220
    assert results.get("answer", b"").startswith(b"421"), results
    assert results.get("closed"), results
    assert results["seconds"] < 6, results
    assert_single_delivery(server.maildir, "bob@example.test", SENDER, data)


def test_silent_client_timed_out(start_server):
    server = start_server("--timeout-command", "1")
    with SmtpClient(server.port) as client:
        started = time.monotonic()
        assert client.reply().code == 220
        try:
            assert client.reply().code == 421
        except Closed:
            raise AssertionError("closed without 421")
        assert client.wait_closed()
        assert time.monotonic() - started < 4
