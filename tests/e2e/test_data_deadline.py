"""The deadline of message data (reference/serve/data_deadline.hpp): no pause longer than
--timeout-data (RFC 5321 §4.5.3.2.5), and an average of --min-data-rate octets a second (500
by default) after a first allowance of one --timeout-data, so that a message trickled one
octet at a time cannot hold a connection. Each stretch of data (one DATA, one BDAT chunk) has
an allowance of its own."""

import time

from ehlokit.maildir import all_messages, messages
from smtp_client import SmtpClient

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
HEADER = b"From: <alice@example.org>\r\nSubject: deadline\r\n\r\n"
TIMEOUT = 2  # --timeout-data, in seconds


def test_a_trickled_message_is_cut_one_data_timeout_after_the_354(start_server):
    server = start_server("--timeout-data", str(TIMEOUT))
    with SmtpClient(server.port, timeout=10) as client:
        client.greet()
        client.start_data(SENDER, [RECIPIENT])
        started = time.monotonic()
        reply = b""
        # One octet every 0.4 s: every pause is far inside the data timeout. A server that
        # never cuts the trickle leaves `reply` empty after three timeouts.
        while not reply and time.monotonic() - started < TIMEOUT * 3:
            client.send(b"x")
            reply = client.pending(wait=0.4)
        cut_after = time.monotonic() - started
        assert reply.startswith(b"421 "), reply
        assert client.wait_closed()
    assert TIMEOUT - 0.25 <= cut_after <= TIMEOUT + 1.0, cut_after
    assert all_messages(server.maildir) == []


def test_pauses_inside_the_timeout_are_fine_while_the_rate_is_kept(start_server):
    server = start_server("--timeout-data", str(TIMEOUT))
    body = b"x" * 78 + b"\r\n"
    with SmtpClient(server.port, timeout=10) as client:
        client.greet()
        client.start_data(SENDER, [RECIPIENT])
        # 4 KiB earn 8 s at 500 octets a second: the message may take longer than one data
        # timeout in all (3 s here), as long as no single pause does.
        client.send(HEADER + body * 50)
        time.sleep(TIMEOUT * 0.75)
        client.send(body * 50)
        time.sleep(TIMEOUT * 0.75)
        client.send(b".\r\n")
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert len(messages(server.maildir, RECIPIENT)) == 1


def test_each_pipelined_message_gets_an_allowance_of_its_own(start_server):
    server = start_server("--timeout-data", str(TIMEOUT))
    with SmtpClient(server.port, timeout=10) as client:
        client.greet()
        client.start_data(SENDER, [RECIPIENT])
        client.send(HEADER)
        time.sleep(TIMEOUT * 0.75)
        # The end of the first message and the whole next transaction in one write
        # (PIPELINING, RFC 2920): the second message's data starts a stretch of its own.
        client.send(b"first\r\n.\r\n" + f"MAIL FROM:<{SENDER}>\r\nRCPT TO:<{RECIPIENT}>\r\n"
                    "DATA\r\n".encode())
        assert [reply.code for reply in client.replies(4)] == [250, 250, 250, 354]
        time.sleep(TIMEOUT * 0.6)  # 1.35 timeouts after the first message's data began
        client.send(HEADER + b"second\r\n.\r\n")
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert len(messages(server.maildir, RECIPIENT)) == 2
