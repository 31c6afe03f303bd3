"""SIGTERM stops the server cleanly (RFC 5321 §3.8): a message being received is finished,
answered and stored; then the client gets 421 and the server exits with 0."""

import time

from ehlokit.maildir import assert_single_delivery
from smtp_client import SmtpClient

SENDER = "alice@example.org"
FIRST_HALF = b"From: <alice@example.org>\r\nSubject: shutdown\r\n\r\nfirst half\r\n"
SECOND_HALF = b"second half\r\n"


def test_sigterm_mid_data_finishes_the_message(server):
    with SmtpClient(server.port, timeout=10) as client:
        client.greet()
        client.start_data(SENDER, ["bob@example.test"])
        client.send(FIRST_HALF)
        time.sleep(0.3)
        server.terminate()
        time.sleep(0.5)
        assert server.running(), "the server quit while a message was half received"
        client.send(SECOND_HALF + b".\r\n")
        assert client.reply().code == 250
        assert_single_delivery(server.maildir, "bob@example.test", SENDER,
                               FIRST_HALF + SECOND_HALF)
        # The 421 may come at once, or in answer to the next command.
        answer = client.pending(wait=1.0)
        if not answer:
            client.send(b"NOOP\r\n")
            answer = client.pending(wait=3.0)
        assert answer.startswith(b"421"), answer
        assert client.wait_closed()
    # Already stopping since the SIGTERM above: it exits by itself once the session is over.
    assert server.wait() == 0


def test_sigterm_idle_client_gets_421(server):
    with SmtpClient(server.port) as client:
        client.greet()
        server.terminate()
        assert client.reply().code == 421
        assert client.wait_closed()
    assert server.wait() == 0
