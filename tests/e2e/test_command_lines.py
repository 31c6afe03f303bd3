"""Command lines the server must refuse without losing the session: over-long lines
(RFC 5321 §4.5.3.1.4: 512 octets including CRLF), NUL and bare LF or CR (RFC 5321 §2.3.8)."""

import pytest

from smtp_client import SmtpClient


def noop_line(octets: int) -> bytes:
    """A NOOP command line of exactly `octets` octets, CRLF included."""
    line = b"NOOP " + b"x" * (octets - len(b"NOOP ") - 2) + b"\r\n"
    assert len(line) == octets
    return line


def test_512_octets_accepted(server):
    with SmtpClient(server.port) as client:
        client.greet()
        client.send(noop_line(512))
        assert client.reply().code == 250


@pytest.mark.parametrize("octets", [513, 1000, 100_000])
def test_longer_line_refused_and_session_continues(server, octets):
    with SmtpClient(server.port) as client:
        client.greet()
        client.send(noop_line(octets))
        assert client.reply().code == 500
        client.expect("NOOP", 250)
        client.expect("MAIL FROM:<alice@example.org>", 250)
        client.expect("QUIT", 221)


def test_long_mail_command_does_not_start_a_transaction(server):
    with SmtpClient(server.port) as client:
        client.greet()
        padding = b"a" * 600
        client.send(b"MAIL FROM:<" + padding + b"@example.org>\r\n")
        assert client.reply().code == 500
        client.expect("RCPT TO:<bob@example.test>", 503)


def test_nul_in_command_refused(server):
    with SmtpClient(server.port) as client:
        client.greet()
        assert client.command(b"NOOP a\x00b").code == 500
        client.expect("NOOP", 250)


def test_bare_lf_command_refused(server):
    """A bare LF ends no line (RFC 5321 §2.3.8): "NOOP<LF>NOOP<CRLF>" is one faulty line,
    answered once."""
    with SmtpClient(server.port) as client:
        client.greet()
        client.send(b"NOOP\nNOOP\r\n")
        assert client.reply().code == 500
        client.expect("VRFY postmaster", 252)  # not a 250 for a second NOOP


def test_bare_cr_in_command_refused(server):
    with SmtpClient(server.port) as client:
        client.greet()
        assert client.command(b"NOOP a\rb").code == 500
        client.expect("NOOP", 250)


def test_unknown_command_and_quit(server):
    with SmtpClient(server.port) as client:
        client.greet()
        assert client.command("FROB").code == 500
        client.expect("QUIT", 221)
        assert client.wait_closed()
