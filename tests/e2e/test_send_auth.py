"""ehlo-send's AUTH (RFC 4954) on the wire: PLAIN (RFC 4616) and LOGIN against aiosmtpd with an
authenticator; CRAM-MD5 (RFC 2195), SCRAM-SHA-256 (RFC 7677, the server's signature checked),
OAUTHBEARER (RFC 7628) and XOAUTH2 against scripted servers that check the client's proof with
Python's own hashlib; the password from a file, a variable, or the command line (with a
warning); failures exit 77."""

import base64
import hashlib
import hmac
import os
import socket
import subprocess

import pytest

from conftest import BIN_DIR
from ehlokit.scripted import ScriptedServer
from send_support import outcome, run_send

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
PASSWORD = "wonder land"

aiosmtpd = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402


class Keep:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((session.authenticated, envelope.content))
        return "250 2.0.0 kept"


def check_password(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"alice"
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535


@pytest.fixture
def auth_peer():
    """An in-process aiosmtpd offering AUTH PLAIN LOGIN without TLS (loopback only)."""
    keep = Keep()
    with socket.socket() as probe:  # Controller cannot take port 0: it connects to its port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = aiosmtpd.Controller(keep, hostname="127.0.0.1", port=port,
                                     authenticator=check_password, auth_require_tls=False)
    controller.start()
    controller.keep = keep
    yield controller
    controller.stop()


def send(port, *args):
    return run_send("--server", f"127.0.0.1:{port}", "--from", SENDER, "--to", RECIPIENT,
                    "--subject", "auth", "--body", "b", "--trace", "--auth", "alice", *args)


def server_port(controller):
    return controller.port


def test_plain_with_the_password_from_a_file(auth_peer, tmp_path):
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    result = send(server_port(auth_peer), "--password-file", secret)
    assert result.returncode == 0, result.stderr
    assert "C: AUTH PLAIN <initial response hidden>" in result.stderr
    assert PASSWORD not in result.stderr
    assert auth_peer.keep.messages and auth_peer.keep.messages[0][0]


def test_login_with_the_password_from_a_variable(auth_peer):
    env = dict(os.environ, EHLO_TEST_SECRET=PASSWORD)
    done = subprocess.run([str(BIN_DIR / "ehlo-send"), "--server",
                           f"127.0.0.1:{server_port(auth_peer)}", "--from", SENDER, "--to",
                           RECIPIENT, "--subject", "s", "--body", "b", "--auth", "alice",
                           "--auth-mechanism", "LOGIN", "--password-env", "EHLO_TEST_SECRET",
                           "--trace"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "C: AUTH LOGIN" in done.stderr and "<response hidden>" in done.stderr
    assert PASSWORD not in done.stderr


def test_a_wrong_password_exits_77(auth_peer):
    result = send(server_port(auth_peer), "--password", "wrong")
    assert result.returncode == 77
    assert "visible to other users" in result.stderr
    assert "authentication failed: 535" in result.stderr
    assert outcome(result)[RECIPIENT][0] == "refused"
    assert auth_peer.keep.messages == []


def test_a_mechanism_the_server_lacks_exits_77(auth_peer):
    result = send(server_port(auth_peer), "--password", PASSWORD, "--auth-mechanism",
                  "CRAM-MD5")
    assert result.returncode == 77
    assert "no mechanism in common" in result.stderr


# -- scripted servers for the mechanisms aiosmtpd lacks


def b64(data):
    return base64.b64encode(data).decode()


def unb64(text):
    return base64.b64decode(text)


def auth_server(keyword, exchange):
    """A server offering AUTH `keyword`; `exchange(c, first_line)` returns True to accept."""
    def script(c):
        c.send("220 ok\r\n")
        c.ehlo("AUTH " + keyword)
        c.accepted = exchange(c, c.line())
        c.send("235 2.7.0 ok\r\n" if c.accepted else "535 5.7.8 no\r\n")
        c.until_quit() if not c.accepted else finish(c)
    return ScriptedServer(script, conversation=True)


def finish(c):
    for reply in ("250 ok\r\n", "250 ok\r\n", "354 go\r\n"):
        c.line()
        c.send(reply)
    c.data()
    c.send("250 ok\r\n")
    c.until_quit()


def test_cram_md5_on_the_wire():
    challenge = b"<12345.1700000000@scripted.example.test>"

    def exchange(c, first):
        assert first == "AUTH CRAM-MD5"
        c.send(f"334 {b64(challenge)}\r\n")
        user, digest = unb64(c.line()).decode().split(" ")
        expected = hmac.new(PASSWORD.encode(), challenge, hashlib.md5).hexdigest()
        return user == "alice" and digest == expected
    with auth_server("CRAM-MD5 PLAIN", exchange) as server:
        result = send(server.port, "--password", PASSWORD)
    assert result.returncode == 0, result.stderr
    assert server.conversation.accepted


def scram_server(c, first, password=PASSWORD, lie=False):
    """The server side of SCRAM-SHA-256 (RFC 5802 §3), checking the client's proof."""
    verb, mechanism, initial = first.split(" ")
    client_first = unb64(initial).decode()
    assert client_first.startswith("n,,n=alice,r=")
    bare = client_first[3:]
    nonce = bare.split("r=", 1)[1] + "SERVERNONCE"
    salt, iterations = b"pepper", 4096
    server_first = f"r={nonce},s={b64(salt)},i={iterations}"
    c.send(f"334 {b64(server_first.encode())}\r\n")
    client_final = unb64(c.line()).decode()
    without_proof, proof = client_final.rsplit(",p=", 1)
    assert without_proof == f"c=biws,r={nonce}"
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    auth_message = f"{bare},{server_first},{without_proof}".encode()
    signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
    recovered = bytes(a ^ b for a, b in zip(unb64(proof), signature))
    if hashlib.sha256(recovered).digest() != stored_key:
        return False
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    server_signature = hmac.new(server_key, auth_message, hashlib.sha256).digest()
    if lie:
        server_signature = bytes(32)
    c.send(f"334 {b64(b'v=' + b64(server_signature).encode())}\r\n")
    return c.line() == ""


def test_scram_sha_256_on_the_wire():
    with auth_server("PLAIN SCRAM-SHA-256", scram_server) as server:
        result = send(server.port, "--password", PASSWORD)
    assert result.returncode == 0, result.stderr
    assert "C: AUTH SCRAM-SHA-256" in result.stderr
    assert server.conversation.accepted


def test_scram_catches_a_server_that_does_not_know_the_password():
    def exchange(c, first):
        scram_server(c, first, lie=True)
        return False  # the client cancelled with "*"
    with auth_server("SCRAM-SHA-256", exchange) as server:
        result = send(server.port, "--password", PASSWORD)
    assert result.returncode == 77
    assert server.conversation.received[-2] == "*"


@pytest.mark.parametrize("mechanism", ["OAUTHBEARER", "XOAUTH2"])
def test_bearer_tokens_on_the_wire(mechanism, tmp_path):
    token = tmp_path / "token"
    token.write_text("tok-123\n")

    def exchange(c, first):
        verb, name, initial = first.split(" ")
        message = unb64(initial).decode()
        return name == mechanism and "auth=Bearer tok-123\x01\x01" in message
    with auth_server(mechanism, exchange) as server:
        result = send(server.port, "--token-file", token)
    assert result.returncode == 0, result.stderr
