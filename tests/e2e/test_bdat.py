"""CHUNKING and BINARYMIME (RFC 3030) end to end, over a raw socket (Python's smtplib has no
BDAT): chunks with and without LAST, BDAT 0 LAST, pipelined chunks, chunks after a refused
RCPT read and discarded (never run as commands), sizes that lie, the size limit across
chunks, DATA mixed with BDAT, BODY=BINARYMIME, and binary data delivered byte for byte."""

import smtplib
import time

import pytest

from ehlokit.maildir import all_messages, assert_single_delivery, messages
from smtp_client import SmtpClient

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
HEADER = b"From: <alice@example.org>\r\nSubject: chunks\r\n\r\n"


def bdat(chunk: bytes, last=False) -> bytes:
    """The BDAT command line and its chunk, as one piece of bytes."""
    return b"BDAT %d%s\r\n" % (len(chunk), b" LAST" if last else b"") + chunk


def open_transaction(client, mail_parameters=""):
    client.greet()
    client.expect(f"MAIL FROM:<{SENDER}>{mail_parameters}", 250)
    client.expect(f"RCPT TO:<{RECIPIENT}>", 250)


def test_ehlo_announces_chunking_and_binarymime(server):
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
        smtp.ehlo("client.example.org")
        assert smtp.has_extn("chunking")
        assert smtp.has_extn("binarymime")


@pytest.mark.parametrize("disabled, shown", [
    ("CHUNKING", set()),
    ("BINARYMIME", {"chunking"}),
])
def test_disable(start_server, disabled, shown):
    server = start_server("--disable", disabled)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
        smtp.ehlo("client.example.org")
        assert {name for name in ("chunking", "binarymime") if smtp.has_extn(name)} == shown


def test_one_chunk_with_last(server):
    body = HEADER + b"one chunk\r\n"
    with SmtpClient(server.port) as client:
        open_transaction(client)
        client.send(bdat(body, last=True))
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, body)


def test_chunks_then_empty_last(server):
    parts = [HEADER, b"first line\r\n", b"second ", b"line\r\n"]
    with SmtpClient(server.port) as client:
        open_transaction(client)
        for part in parts:
            client.send(bdat(part))
            reply = client.reply()
            assert reply.code == 250, reply
            assert reply.lines[0].endswith(f"{len(part)} octets received"), reply
        client.send(b"BDAT 0 LAST\r\n")
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, b"".join(parts))


def test_pipelined_chunks_and_two_messages(server):
    first, second = HEADER + b"first\r\n", HEADER + b"second\r\n"
    with SmtpClient(server.port) as client:
        client.greet()
        client.send(f"MAIL FROM:<{SENDER}>\r\nRCPT TO:<{RECIPIENT}>\r\n".encode() +
                    bdat(first[:10]) + bdat(first[10:]) + b"BDAT 0 LAST\r\n" +
                    f"MAIL FROM:<{SENDER}>\r\nRCPT TO:<{RECIPIENT}>\r\n".encode() +
                    bdat(second, last=True) + b"QUIT\r\n")
        assert [reply.code for reply in client.replies(9)] == [250] * 8 + [221]
    delivered = messages(server.maildir, RECIPIENT)
    assert len(delivered) == 2
    assert sorted(file.endswith(first) for file in delivered) == [False, True]
    assert sorted(file.endswith(second) for file in delivered) == [False, True]


def test_binary_chunks_are_delivered_byte_for_byte(server):
    binary = bytes(range(256)) + b"\r\n.\r\n" + b"bare\nLF and bare\rCR\x00NUL\r\n.\n"
    with SmtpClient(server.port) as client:
        open_transaction(client, " BODY=BINARYMIME")
        client.send(bdat(HEADER) + bdat(binary) + bdat(binary, last=True))
        assert [reply.code for reply in client.replies(3)] == [250, 250, 250]
        client.expect("QUIT", 221)
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, HEADER + binary + binary)


def test_large_message_in_many_chunks(server):
    block = bytes(range(256)) * 4096  # 1 MiB
    with SmtpClient(server.port, timeout=20) as client:
        open_transaction(client)
        client.send(bdat(HEADER))
        for _ in range(4):
            client.send(bdat(block))
        client.send(b"BDAT 0 LAST\r\n")
        assert [reply.code for reply in client.replies(6)] == [250] * 6
        client.expect("QUIT", 221)
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, HEADER + block * 4)


def test_chunk_after_refused_rcpt_is_discarded_not_run(server):
    with SmtpClient(server.port) as client:
        client.greet()
        client.expect(f"MAIL FROM:<{SENDER}>", 250)
        assert client.command("RCPT TO:<victim@elsewhere.example>").code == 550
        # The chunk holds QUIT and a whole transaction: none of it may run.
        smuggled = (b"QUIT\r\nMAIL FROM:<x@example.org>\r\nRCPT TO:<bob@example.test>\r\n"
                    b"BDAT 3 LAST\r\nbad")
        client.send(bdat(smuggled, last=True))
        assert client.reply().code in (503, 554)
        assert client.pending(0.3) == b"", "the chunk was run as commands"
        client.expect("NOOP", 250)
        client.expect("QUIT", 221)
    assert all_messages(server.maildir) == []


def test_chunks_before_mail_are_discarded(server):
    with SmtpClient(server.port) as client:
        client.greet()
        client.send(bdat(b"QUIT\r\n") + bdat(b"RSET\r\n", last=True))
        assert [reply.code for reply in client.replies(2)] == [503, 503]
        client.expect("NOOP", 250)
        client.expect("QUIT", 221)


def test_size_that_lies_short_leaves_lines_for_the_command_reader(server):
    with SmtpClient(server.port) as client:
        open_transaction(client)
        client.send(b"BDAT 5 LAST\r\n" + HEADER[:5] + b"rest of it\r\n")
        assert [reply.code for reply in client.replies(2)] == [250, 500]
        client.expect("QUIT", 221)
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, HEADER[:5])


def test_size_that_lies_long_ends_in_the_data_timeout(start_server):
    server = start_server("--timeout-data", "1")
    with SmtpClient(server.port) as client:
        open_transaction(client)
        client.send(b"BDAT 1000 LAST\r\n" + HEADER + b"QUIT\r\n")
        started = time.monotonic()
        reply = client.reply()
        assert reply.code == 421, reply
        assert client.wait_closed()
        assert time.monotonic() - started < 4
    assert all_messages(server.maildir) == []


def test_size_limit_across_chunks(start_server):
    server = start_server("--max-size", "1000")
    with SmtpClient(server.port) as client:
        open_transaction(client)
        client.send(bdat(b"a" * 600) + bdat(b"b" * 600) + bdat(b"c" * 10, last=True))
        assert [reply.code for reply in client.replies(3)] == [250, 552, 503]
        client.expect("NOOP", 250)
        # A new transaction within the limit goes through.
        client.expect(f"MAIL FROM:<{SENDER}>", 250)
        client.expect(f"RCPT TO:<{RECIPIENT}>", 250)
        client.send(bdat(b"d" * 1000, last=True))
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, b"d" * 1000)


def test_huge_announced_chunk_is_refused_after_discarding(start_server):
    server = start_server("--max-size", "1000", "--timeout-data", "1")
    with SmtpClient(server.port) as client:
        open_transaction(client)
        client.send(b"BDAT 5000 LAST\r\n" + b"x" * 5000 + b"NOOP\r\n")
        assert [reply.code for reply in client.replies(2)] == [552, 250]
        client.expect("QUIT", 221)
    assert all_messages(server.maildir) == []


def test_data_after_bdat_is_refused(server):
    with SmtpClient(server.port) as client:
        open_transaction(client)
        client.send(bdat(HEADER))
        assert client.reply().code == 250
        client.expect("DATA", 503)
        client.expect("RSET", 250)
        # DATA in the next transaction of the same session is fine.
        client.start_data(SENDER, [RECIPIENT])
        client.send(HEADER + b"by DATA\r\n.\r\n")
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, HEADER + b"by DATA\r\n")


def test_binarymime_refuses_data(server):
    with SmtpClient(server.port) as client:
        open_transaction(client, " BODY=BINARYMIME")
        client.expect("DATA", 503)
        client.send(bdat(HEADER + b"\x00\xff", last=True))
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, HEADER + b"\x00\xff")


def test_binarymime_needs_chunking(start_server):
    server = start_server("--disable", "CHUNKING")
    with SmtpClient(server.port) as client:
        client.greet()
        assert client.command(f"MAIL FROM:<{SENDER}> BODY=BINARYMIME").code == 501
        client.expect(f"MAIL FROM:<{SENDER}> BODY=8BITMIME", 250)
        client.expect(f"RCPT TO:<{RECIPIENT}>", 250)
        # BDAT without CHUNKING: the chunk is still discarded, never run.
        client.send(bdat(b"QUIT\r\n", last=True))
        assert client.reply().code == 502
        client.expect("NOOP", 250)
        client.expect("QUIT", 221)
    assert all_messages(server.maildir) == []


def test_received_line_says_esmtp(server):
    with SmtpClient(server.port) as client:
        open_transaction(client)
        client.send(bdat(HEADER, last=True))
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    (delivered,) = messages(server.maildir, RECIPIENT)
    assert delivered.startswith(f"Return-Path: <{SENDER}>\r\nReceived: from ".encode())
    assert b" with ESMTP id " in delivered
