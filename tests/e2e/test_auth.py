"""SMTP AUTH (RFC 4954) end to end: real clients (swaks, msmtp, curl, smtplib) authenticate
with PLAIN, LOGIN, CRAM-MD5 and SCRAM-SHA-256 over STARTTLS; a raw client drives SCRAM-SHA-256
(the proof computed here with hashlib and hmac, RFC 5802 §3) and OAUTHBEARER (RFC 7628);
refusals (535, 538, 501 for `*`, 500 5.5.6 for an over-long line), the offer before and after
TLS, and the submission listener (RFC 6409 §4.3: 530 before AUTH)."""

import base64
import hashlib
import hmac
import os
import smtplib
import subprocess

import pytest

from conftest import BIN_DIR
from ehlokit.maildir import messages
from ehlokit.server import users_line
from smtp_client import CRLF, SmtpClient
# The TLS fixtures (a self-signed certificate, a server with it) are test_tls.py's.
from test_tls import certificate, client_context, start_tls_server  # noqa: F401

SENDER = "alice@example.org"
PASSWORD = "correct horse battery staple"
TOKEN = "ya29.e2e-token"
CLIENT_TIMEOUT = 30
MESSAGE = (b"From: alice@example.org\r\nTo: bob@example.test\r\nSubject: auth\r\n\r\n"
           b"Sent after AUTH.\r\n")


def b64(data) -> bytes:
    return base64.b64encode(data.encode() if isinstance(data, str) else data)


@pytest.fixture
def credentials(tmp_path):
    users = tmp_path / "users"
    users.write_text(users_line("alice", PASSWORD, cram=True) + "\n" +
                     users_line("bob", "builder") + "\n")
    tokens = tmp_path / "tokens"
    tokens.write_text(f"carol {TOKEN}\n")
    return ["--users", str(users), "--tokens", str(tokens)]


@pytest.fixture
def auth_server(start_tls_server, credentials):
    """A server with STARTTLS, the users and tokens files, and a submission listener."""
    return start_tls_server(*credentials, "--submission", "127.0.0.1:0")


def submission_port(server) -> int:
    assert server.submission_port, server.output()
    return server.submission_port


def starttls(client: SmtpClient):
    client.expect("STARTTLS", 220)
    client.sock = client_context().wrap_socket(client.sock, server_hostname="mx.example.test")
    return client.expect("EHLO client.example.org", 250)


def auth_line(reply) -> str:
    return next(line for line in reply.lines if line.startswith("AUTH"))


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, timeout=CLIENT_TIMEOUT, **kwargs)
    output = result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")
    return result.returncode, output


def received(maildir, address="bob@example.test") -> bytes:
    files = messages(maildir, address)
    assert len(files) == 1, files
    return files[0]


# ---- real clients ----------------------------------------------------------------------------

@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_swaks_authenticates_over_starttls(auth_server, mechanism):
    code, output = run(["swaks", "--server", f"127.0.0.1:{auth_server.port}", "--tls",
                        "--auth", mechanism, "--auth-user", "alice", "--auth-password", PASSWORD,
                        "--from", SENDER, "--to", "bob@example.test", "--helo", "client.example.org"])
    assert code == 0, output
    assert "235 2.7.0" in output
    assert b"with ESMTPSA" in received(auth_server.maildir)


def test_swaks_wrong_password_gets_535(auth_server):
    code, output = run(["swaks", "--server", f"127.0.0.1:{auth_server.port}", "--tls",
                        "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "wrong",
                        "--from", SENDER, "--to", "bob@example.test", "--quit-after", "AUTH"])
    assert code != 0
    assert "535 5.7.8" in output


def test_smtplib_login_over_starttls(auth_server):
    with smtplib.SMTP("127.0.0.1", auth_server.port, local_hostname="client.example.org",
                      timeout=CLIENT_TIMEOUT) as client:
        client.ehlo()
        assert "plain" not in client.esmtp_features.get("auth", "").lower()
        client.starttls(context=client_context())
        client.ehlo()
        assert "PLAIN" in client.esmtp_features["auth"]
        assert client.login("bob", "builder")[0] == 235
        assert client.sendmail(SENDER, ["bob@example.test"], MESSAGE) == {}
    assert b"with ESMTPSA" in received(auth_server.maildir)


def test_msmtp_scram_sha_256_over_starttls(auth_server):
    code, output = run(["msmtp", "--file=/dev/null", "--host=127.0.0.1",
                        f"--port={auth_server.port}", "--tls=on", "--tls-starttls=on",
                        "--tls-certcheck=off", "--auth=scram-sha-256", "--user=alice",
                        f"--passwordeval=echo '{PASSWORD}'", f"--from={SENDER}",
                        "--domain=client.example.org", "bob@example.test"], input=MESSAGE)
    assert code == 0, output
    assert b"with ESMTPSA" in received(auth_server.maildir)


def test_curl_auth_plain_over_starttls(auth_server, tmp_path):
    message = tmp_path / "message.eml"
    message.write_bytes(MESSAGE)
    code, output = run(["curl", "--silent", "--show-error", "--ssl-reqd", "--insecure",
                        f"smtp://127.0.0.1:{auth_server.port}/client.example.org",
                        "--user", f"bob:builder", "--login-options", "AUTH=PLAIN",
                        "--mail-from", SENDER, "--mail-rcpt", "bob@example.test",
                        "--upload-file", str(message)])
    assert code == 0, output
    assert b"with ESMTPSA" in received(auth_server.maildir)


# ---- a raw client: SCRAM-SHA-256 and OAUTHBEARER ---------------------------------------------

def scram_sha_256(client: SmtpClient, user, password):
    """Runs SCRAM-SHA-256 (RFC 5802 §3, RFC 7677) as a client; returns the final reply."""
    first_bare = f"n={user},r={base64.b64encode(os.urandom(18)).decode()}"
    reply = client.command(b"AUTH SCRAM-SHA-256 " + b64("n,," + first_bare))
    assert reply.code == 334, reply
    server_first = base64.b64decode(reply.lines[0]).decode()
    attrs = dict(pair.split("=", 1) for pair in server_first.split(","))
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]),
                                 int(attrs["i"]))
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    without_proof = "c=biws,r=" + attrs["r"]
    auth_message = f"{first_bare},{server_first},{without_proof}".encode()
    signature = hmac.digest(hashlib.sha256(client_key).digest(), auth_message, "sha256")
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    reply = client.command(b64(without_proof + ",p=" + base64.b64encode(proof).decode()))
    if reply.code != 334:
        return reply
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    expected = "v=" + base64.b64encode(hmac.digest(server_key, auth_message, "sha256")).decode()
    assert base64.b64decode(reply.lines[0]).decode() == expected  # the server knows the key
    return client.command(b"")


def test_scram_sha_256_raw_without_tls(auth_server):
    with SmtpClient(auth_server.port) as client:
        client.greet()
        reply = client.command("EHLO client.example.org")
        assert auth_line(reply) == "AUTH SCRAM-SHA-256 CRAM-MD5"
        final = scram_sha_256(client, "alice", PASSWORD)
        assert (final.code, final.lines) == (235, ["2.7.0 Authentication successful"])
        assert client.command("AUTH PLAIN AGFsaWNlAHg=").code == 503
        client.start_data(SENDER, ["bob@example.test"])
        client.send(MESSAGE + b".\r\n")
        assert client.reply().code == 250
        client.expect("QUIT", 221)
    assert b"with ESMTPA" in received(auth_server.maildir)


def test_scram_sha_256_wrong_password(auth_server):
    with SmtpClient(auth_server.port) as client:
        client.greet()
        assert scram_sha_256(client, "alice", "not it").code == 535
        assert scram_sha_256(client, "nobody", "not it").code == 535


def test_oauthbearer_over_starttls(auth_server):
    with SmtpClient(auth_server.port) as client:
        client.greet()
        assert starttls(client) and "OAUTHBEARER" in auth_line(client.command("EHLO c.example"))
        bad = client.command(b"AUTH OAUTHBEARER " + b64(f"n,,\x01auth=Bearer forged\x01\x01"))
        assert bad.code == 334
        assert base64.b64decode(bad.lines[0]) == b'{"status":"invalid_token"}'
        assert client.command(b64("\x01")).code == 535
        good = client.command(b"AUTH OAUTHBEARER " + b64(f"n,a=carol,\x01auth=Bearer {TOKEN}\x01\x01"))
        assert good.code == 235


# ---- refusals and the exchange's edges -----------------------------------------------------

def test_plain_is_not_offered_or_accepted_before_tls(auth_server):
    with SmtpClient(auth_server.port) as client:
        client.greet()
        reply = client.command("EHLO client.example.org")
        assert "PLAIN" not in auth_line(reply) and "LOGIN" not in auth_line(reply)
        assert str(client.command("AUTH PLAIN")).startswith("538 5.7.11")
        assert client.command("AUTH LOGIN").code == 538
        tls_reply = starttls(client)
        assert auth_line(tls_reply) == "AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN OAUTHBEARER"


def test_cancel_bad_base64_unknown_mechanism(auth_server):
    with SmtpClient(auth_server.port) as client:
        client.greet()
        assert client.command("AUTH CRAM-MD5").code == 334
        assert str(client.command("*")).startswith("501 5.0.0")
        assert client.command("AUTH CRAM-MD5").code == 334
        assert str(client.command("not base64!")).startswith("501 5.5.2")
        assert str(client.command("AUTH DIGEST-MD5")).startswith("504 5.5.4")
        assert client.command("NOOP").code == 250


def test_one_mebibyte_response_gets_500_and_the_session_goes_on(auth_server):
    with SmtpClient(auth_server.port, timeout=20) as client:
        client.greet()
        assert client.command("AUTH CRAM-MD5").code == 334
        client.send(b"A" * (1 << 20) + CRLF)
        assert str(client.reply()).startswith("500 5.5.6")
        assert client.command("NOOP").code == 250
        assert client.command("QUIT").code == 221


def test_pipelined_plain_then_mail(auth_server):
    with SmtpClient(auth_server.port) as client:
        client.greet()
        starttls(client)
        client.send(b"AUTH PLAIN " + b64("\0bob\0builder") + CRLF +
                    b"MAIL FROM:<bob@example.org> AUTH=<>\r\nRCPT TO:<bob@example.test>\r\n")
        assert [r.code for r in client.replies(3)] == [235, 250, 250]


def test_submission_needs_auth_before_mail(auth_server):
    with SmtpClient(submission_port(auth_server)) as client:
        client.greet()
        assert str(client.command(f"MAIL FROM:<{SENDER}>")).startswith("530 5.7.0")
        assert scram_sha_256(client, "alice", PASSWORD).code == 235
        client.start_data(SENDER, ["bob@example.test"])
        client.send(MESSAGE + b".\r\n")
        assert client.reply().code == 250
    # The main listener does not require AUTH.
    with SmtpClient(auth_server.port) as client:
        client.greet()
        assert client.command(f"MAIL FROM:<{SENDER}>").code == 250


def test_hash_password_refuses_an_empty_password():
    result = subprocess.run([str(BIN_DIR / "ehlo-server"), "--hash-password", "alice"],
                            input=b"\n", capture_output=True, timeout=CLIENT_TIMEOUT)
    assert result.returncode == 2
    assert b"password" in result.stderr
