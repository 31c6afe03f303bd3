"""ESMTP extensions over the wire: SMTPUTF8 (RFC 6531 §3.4, RFC 6531 §3.5) with Python's smtplib and
a raw client, the MAILMAX limit of LIMITS (RFC 9422), and extensions switched off with
--disable. UTF-8 local parts land in percent-encoded Maildir folders (docs/delivery.md)."""

import smtplib
import subprocess
from email.message import EmailMessage

import pytest

from conftest import BIN_DIR
from ehlokit.maildir import all_messages, mailbox, messages
from smtp_client import SmtpClient

SENDER = "alice@example.org"
UTF8_RECIPIENT = "jörg@example.test"


def test_smtplib_smtputf8_delivers_to_utf8_mailbox(server):
    msg = EmailMessage()
    msg["From"] = "Müller <müller@example.org>"
    msg["To"] = UTF8_RECIPIENT
    msg["Subject"] = "Grüße"
    msg.set_content("Hallo Jörg\n")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
        client.ehlo("client.example.org")
        assert client.has_extn("smtputf8")
        refused = client.send_message(msg, mail_options=["SMTPUTF8"])
        assert refused == {}
    assert mailbox(server.maildir, UTF8_RECIPIENT).parts[-2] == "j%C3%B6rg"
    delivered = messages(server.maildir, UTF8_RECIPIENT)
    assert len(delivered) == 1
    assert delivered[0].startswith("Return-Path: <müller@example.org>\r\n".encode())
    assert b" with UTF8SMTP id " in delivered[0]
    assert "Subject: Grüße".encode() in delivered[0]


def test_utf8_address_without_smtputf8_refused(server):
    with SmtpClient(server.port) as client:
        client.greet()
        reply = client.command("MAIL FROM:<müller@example.org>")
        assert reply.code == 550 and reply.lines[0].startswith("5.6.7"), str(reply)
        client.expect(f"MAIL FROM:<{SENDER}>", 250)
        reply = client.command(f"RCPT TO:<{UTF8_RECIPIENT}>")
        assert reply.code == 553 and reply.lines[0].startswith("5.6.7"), str(reply)
        client.expect("RCPT TO:<bob@example.test>", 250)
    assert all_messages(server.maildir) == []


def test_mailmax_limits_transactions_per_session(start_server):
    server = start_server("--max-messages", "2")
    with SmtpClient(server.port) as client:
        client.greet()
        ehlo = client.command("EHLO client.example.org")
        assert "LIMITS RCPTMAX=100 MAILMAX=2" in ehlo.lines
        for _ in range(2):
            client.expect(f"MAIL FROM:<{SENDER}>", 250)
            client.expect("RSET", 250)
        client.expect(f"MAIL FROM:<{SENDER}>", 451)


def test_disabled_extensions_not_offered(start_server):
    server = start_server("--disable", "SMTPUTF8", "--disable", "size")
    with SmtpClient(server.port) as client:
        client.greet()
        keywords = [line.split(" ")[0] for line in client.command("EHLO x.example").lines[1:]]
        assert keywords == ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "LIMITS", "CHUNKING",
                            "BINARYMIME"]
        client.expect(f"MAIL FROM:<{SENDER}> SMTPUTF8", 555)
        client.expect(f"MAIL FROM:<{SENDER}> SIZE=100", 555)


@pytest.mark.parametrize("args", [["--disable", "XFROB"], ["--max-messages", "0"],
                                  ["--max-messages", "x"]])
def test_bad_extension_options_exit_2(args, tmp_path):
    command = [str(BIN_DIR / "ehlo-server"), "--listen", "127.0.0.1:0", "--domain",
               "example.test", "--maildir", str(tmp_path), *args]
    result = subprocess.run(command, capture_output=True, timeout=10)
    assert result.returncode == 2, result.stderr
    assert args[0].encode() in result.stderr
