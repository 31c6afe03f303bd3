"""Message data with bare CR or LF is refused with 554 at the end of data, and the endings
behind SMTP smuggling (a lone "." between line ends other than CRLF) never end the data:
what follows them is data, never commands (RFC 5321 §2.3.8, RFC 5321 §4.1.1.4, RFC 5321 §4.5.2)."""

import itertools

import pytest

from ehlokit.maildir import all_messages
from smtp_client import SmtpClient

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
HEADER = b"From: <alice@example.org>\r\nSubject: test\r\n\r\n"


@pytest.mark.parametrize("body", [
    b"line one\nline two\r\n",
    b"line one\rline two\r\n",
    b"ends with a bare LF\n",
    b"ends with a bare CR\r",
], ids=["bare-lf", "bare-cr", "trailing-lf", "trailing-cr"])
def test_bare_line_end_in_data_refused(server, body):
    with SmtpClient(server.port) as client:
        client.greet()
        client.start_data(SENDER, [RECIPIENT])
        client.send(HEADER + body + b"\r\n.\r\n")
        assert client.reply().code == 554
        client.expect("NOOP", 250)
        client.expect("QUIT", 221)
    assert all_messages(server.maildir) == []


LINE_ENDS = [b"\n", b"\r", b"\r\n"]
SMUGGLING_ENDINGS = [before + b"." + after
                     for before, after in itertools.product(LINE_ENDS, LINE_ENDS)
                     if (before, after) != (b"\r\n", b"\r\n")]
SMUGGLED = (b"MAIL FROM:<smuggler@example.org>\r\n"
            b"RCPT TO:<victim@example.test>\r\n"
            b"DATA\r\n"
            b"From: <ceo@example.test>\r\n\r\nsmuggled\r\n")


@pytest.mark.parametrize("ending", SMUGGLING_ENDINGS, ids=lambda ending: repr(ending)[2:-1])
def test_smuggling_ending_is_not_end_of_data(server, ending):
    with SmtpClient(server.port) as client:
        client.greet()
        client.start_data(SENDER, [RECIPIENT])
        client.send(HEADER + b"hello" + ending + SMUGGLED + b"\r\n.\r\n")
        data_reply = client.reply()
        assert data_reply.code == 554, f"reply to the data: {data_reply}"
        # The smuggled MAIL, RCPT, DATA must not have been run: the next reply is NOOP's.
        client.send(b"NOOP\r\n")
        assert client.reply().code == 250
        assert client.pending(0.3) == b"", "more replies than commands"
        client.expect("QUIT", 221)
    assert all_messages(server.maildir) == []


def test_clean_message_after_refused_one(server):
    with SmtpClient(server.port) as client:
        client.greet()
        client.start_data(SENDER, [RECIPIENT])
        client.send(HEADER + b"bare\nLF\r\n.\r\n")
        assert client.reply().code == 554
        client.start_data(SENDER, [RECIPIENT])
        client.send(HEADER + b"clean\r\n.\r\n")
        assert client.reply().code == 250
    assert len(all_messages(server.maildir)) == 1
