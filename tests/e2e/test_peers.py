"""The third-party peers of the test kit (tools/ehlokit/peers.py) work as targets: each one
greets, answers EHLO, accepts a message for someone@example.test (after logging in, for a peer
with an account) and delivers it where it says, refuses to relay (Dovecot's submission service
refuses every transaction before a login instead), and (where it offers them) speaks STARTTLS
and SMTPUTF8. Also tools/interop/start.
Each peer is started once for the whole session (see peers_fixtures.py).
"""

import signal
import smtplib
import socket
import ssl
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from peers_fixtures import PEER_NAMES

START = Path(__file__).resolve().parents[2] / "tools" / "interop" / "start"
RECIPIENT = "someone@example.test"

# EHLO keywords each peer advertises in the set-up of peers.py (before STARTTLS).
EXPECTED_KEYWORDS = {
    "postfix": {"PIPELINING", "SIZE", "STARTTLS", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN",
                "SMTPUTF8", "CHUNKING"},
    "smtp-sink": {"PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES"},
    "exim": {"SIZE", "8BITMIME", "PIPELINING", "CHUNKING", "STARTTLS", "SMTPUTF8"},
    "opensmtpd": {"8BITMIME", "ENHANCEDSTATUSCODES", "SIZE", "DSN"},
    "aiosmtpd": {"SIZE", "8BITMIME", "SMTPUTF8", "STARTTLS"},
    "exim-auth": {"SIZE", "8BITMIME", "PIPELINING", "STARTTLS", "AUTH", "VRFY", "DSN", "PRDR"},
    "twisted": {"STARTTLS"},
    "dovecot": {"8BITMIME", "AUTH", "CHUNKING", "ENHANCEDSTATUSCODES", "SIZE", "STARTTLS",
                "PIPELINING"},
}
# The peers whose set-up has no SMTPUTF8, and Dovecot's submission service (which is no MX).
NO_SMTPUTF8 = {"smtp-sink", "opensmtpd", "exim-auth", "twisted", "dovecot"}


def connect(peer):
    return smtplib.SMTP("127.0.0.1", peer.port, local_hostname="client.example.test",
                        timeout=15)


def keywords(client):
    return {line.split()[0].upper() for line in client.ehlo_resp.decode().splitlines()[1:]
            if line.strip()}


def message(token, subject="peer test"):
    return (f"From: <sender@example.org>\r\nTo: <{RECIPIENT}>\r\nSubject: {subject}\r\n"
            f"Message-ID: <{token}@client.example.test>\r\n\r\nbody {token}\r\n")


def assert_delivered(peer, token, timeout=15.0):
    """Polls what the peer delivered for the message carrying `token` (Postfix and OpenSMTPD
    deliver after their 250, from their queue)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(token.encode() in f.read_bytes() for f in peer.delivered()):
            return
        time.sleep(0.1)
    pytest.fail(f"{peer.name} did not deliver the message {token}\n{peer.log()}")


def test_greets_with_220(peer):
    with socket.create_connection(("127.0.0.1", peer.port), timeout=15) as s:
        greeting = s.recv(512)
        s.sendall(b"QUIT\r\n")
    assert greeting.startswith(b"220"), greeting


def test_ehlo_lists_the_expected_keywords(peer):
    with connect(peer) as client:
        code, _ = client.ehlo()
        assert code == 250
        assert EXPECTED_KEYWORDS[peer.name] <= keywords(client), client.ehlo_resp


def log_in(client, peer):
    """AUTH with the peer's account, when it has one (Exim with AUTH, Dovecot)."""
    if peer.account:
        code, reply = client.login(*peer.account)
        assert code == 235, reply


def test_accepts_and_delivers_a_message(peer):
    token = uuid.uuid4().hex
    with connect(peer) as client:
        client.ehlo()
        log_in(client, peer)
        refused = client.sendmail("sender@example.org", [RECIPIENT], message(token))
    assert refused == {}
    assert_delivered(peer, token)


@pytest.mark.parametrize("peer", [n for n in PEER_NAMES if n not in ("smtp-sink", "dovecot")],
                         indirect=True)
def test_refuses_to_relay(peer):
    with connect(peer) as client:
        client.ehlo()
        client.mail("sender@example.org")
        code, reply = client.rcpt("someone@elsewhere.example")
    assert 500 <= code < 600, (code, reply)


def test_dovecot_serves_only_clients_that_logged_in(dovecot_peer):
    with connect(dovecot_peer) as client:
        client.ehlo()
        code, reply = client.mail("sender@example.org")
        assert code == 530, reply  # RFC 4954 §6: authentication required
        log_in(client, dovecot_peer)
        assert client.mail("sender@example.org")[0] == 250


@pytest.mark.parametrize("peer", ["postfix", "exim", "aiosmtpd", "exim-auth", "twisted",
                                  "dovecot"], indirect=True)
def test_starttls_then_a_message(peer, peer_certificate):
    context = ssl.create_default_context(cafile=str(peer_certificate[0]))
    token = uuid.uuid4().hex
    with connect(peer) as client:
        client.starttls(context=context)
        assert client.sock.version() in ("TLSv1.2", "TLSv1.3")
        client.ehlo()
        assert "STARTTLS" not in keywords(client)
        log_in(client, peer)
        assert client.sendmail("sender@example.org", [RECIPIENT], message(token)) == {}
    assert_delivered(peer, token)


@pytest.mark.parametrize("peer", [n for n in PEER_NAMES if n not in NO_SMTPUTF8], indirect=True)
def test_smtputf8_message(peer):
    token = uuid.uuid4().hex
    with connect(peer) as client:
        client.ehlo()
        refused = client.sendmail("jos\u00e9@example.org", [RECIPIENT],
                                  message(token, "gr\u00fc\u00dfe").encode(),
                                  mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    assert refused == {}
    assert_delivered(peer, token)


def test_start_command_runs_a_peer_until_sigterm():
    process = subprocess.Popen([str(START), "aiosmtpd"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("aiosmtpd listening on 127.0.0.1:"), line + process.stderr.read()
        port = int(line.rsplit(":", 1)[1])
        with smtplib.SMTP("127.0.0.1", port, timeout=15) as client:
            assert client.ehlo()[0] == 250
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
        assert "aiosmtpd stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
