"""ehlo-send delivers to third-party servers from Debian (Postfix, smtp-sink, Exim in two
configurations, OpenSMTPD, aiosmtpd, Twisted; tools/ehlokit/peers.py): a message with a
unique token arrives intact in the peer's Maildir; STARTTLS with the certificate verified where
the peer offers it (RFC 3207); BDAT where it advertises CHUNKING (RFC 3030: Postfix, Exim);
PIPELINING where offered (RFC 2920); an 8-bit and UTF-8 message where SMTPUTF8 is offered, a
clear refusal where it is not. Dovecot's submission service takes mail only after a login; its
delivery is checked in test_peers.py."""

import time
import uuid

import pytest

from send_support import outcome, run_send

RECIPIENT = "someone@example.test"
CHUNKING = {"postfix", "exim"}
STARTTLS = {"postfix", "exim", "aiosmtpd"}
SMTPUTF8 = {"postfix", "exim", "aiosmtpd"}
# The peers that take mail without a login, and of them those that offer 8BITMIME.
PLAIN = ["postfix", "smtp-sink", "exim", "opensmtpd", "aiosmtpd", "exim-auth", "twisted"]
EIGHT_BIT = ["postfix", "smtp-sink", "exim", "opensmtpd", "aiosmtpd", "exim-auth"]


def send(peer, *args, body="body"):
    token = uuid.uuid4().hex
    result = run_send("--server", f"127.0.0.1:{peer.port}", "--from", "sender@example.org",
                      "--to", RECIPIENT, "--helo", "client.example.test", "--trace",
                      "--subject", f"token {token}", "--body", f"{body}\n.{token}\n", *args)
    return token, result


def assert_delivered(peer, token, body_line, dot_line=True):
    """The token arrived, with the line that started with a dot un-stuffed."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in peer.delivered():
            data = path.read_bytes()
            if token.encode() in data:
                if dot_line:
                    assert (f"\n.{token}\r\n".encode() in data
                            or f"\n.{token}\n".encode() in data)
                assert body_line.encode() in data
                return data
        time.sleep(0.1)
    pytest.fail(f"{peer.name} did not deliver {token}\n{peer.log()}")


@pytest.mark.parametrize("peer", PLAIN, indirect=True)
def test_delivers_in_plain_text(peer):
    token, result = send(peer)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outcome(result)[RECIPIENT][0] == "accepted"
    assert_delivered(peer, token, "body")
    uses_bdat = "C: BDAT" in result.stderr
    assert uses_bdat == (peer.name in CHUNKING), result.stderr
    if "PIPELINING" in result.stderr:
        assert "C: RCPT" in result.stderr


@pytest.mark.parametrize("peer", sorted(STARTTLS), indirect=True)
def test_delivers_over_starttls_with_the_certificate_verified(peer, peer_certificate):
    token, result = send(peer, "--starttls", "--ca-file", peer_certificate[0])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[1] -- TLS started: TLSv1." in result.stderr
    assert_delivered(peer, token, "body")


@pytest.mark.parametrize("peer", ["postfix", "exim"], indirect=True)
def test_no_chunking_falls_back_to_data(peer):
    token, result = send(peer, "--no-chunking")
    assert result.returncode == 0, result.stderr
    assert "C: BDAT" not in result.stderr and "C: DATA" in result.stderr
    assert_delivered(peer, token, "body")


@pytest.mark.parametrize("peer", EIGHT_BIT, indirect=True)
def test_utf8_is_sent_or_clearly_refused(peer):
    token, result = send(peer, body="Gr\u00fc\u00dfe")
    # an 8-bit body: every peer of EIGHT_BIT offers 8BITMIME
    assert result.returncode == 0, result.stderr
    assert "BODY=8BITMIME" in result.stderr
    assert_delivered(peer, token, "Gr\u00fc\u00dfe")
    token = uuid.uuid4().hex
    result = run_send("--server", f"127.0.0.1:{peer.port}", "--from", "jos\u00e9@example.org",
                      "--to", RECIPIENT, "--trace", "--subject", f"utf8 {token}", "--body", "b")
    if peer.name in SMTPUTF8:
        assert result.returncode == 0, result.stderr
        assert " SMTPUTF8" in result.stderr
        assert_delivered(peer, token, "b", dot_line=False)
    else:
        assert result.returncode == 69
        assert "does not offer SMTPUTF8" in result.stderr
        assert "C: MAIL" not in result.stderr


@pytest.mark.parametrize("peer", ["postfix", "opensmtpd"], indirect=True)
def test_dsn_parameters_where_dsn_is_offered(peer):
    token, result = send(peer, "--notify", "SUCCESS,FAILURE", "--ret", "HDRS", "--envid",
                         "env+1", "--orcpt")
    assert result.returncode == 0, result.stderr
    assert " RET=HDRS ENVID=env+2B1" in result.stderr
    assert f" NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;{RECIPIENT}" in result.stderr
    assert_delivered(peer, token, "body")


@pytest.mark.parametrize("peer", ["exim", "aiosmtpd"], indirect=True)
def test_dsn_parameters_are_dropped_with_a_warning_elsewhere(peer):
    token, result = send(peer, "--notify", "NEVER")
    assert result.returncode == 0, result.stderr
    assert "NOTIFY=" not in result.stderr
    assert "does not offer DSN" in result.stderr
    assert_delivered(peer, token, "body")
