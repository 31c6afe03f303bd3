"""ehlo-send authenticates to ehlo-server (RFC 4954) with each mechanism both have:
SCRAM-SHA-256 (RFC 7677, the server's signature checked by the client), CRAM-MD5 (RFC 2195),
PLAIN (RFC 4616), LOGIN and OAUTHBEARER (RFC 7628), in plain text on loopback
(--allow-plaintext-auth) and after STARTTLS; on the submission port MAIL needs AUTH first
(RFC 6409); a wrong password exits 77."""

import re

import pytest

from ehlokit.maildir import messages
from ehlokit.programs import KitError
from ehlokit.server import users_line
from send_support import run_send

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
PASSWORD = "wonder land"


@pytest.fixture
def users_file(tmp_path):
    try:
        line = users_line("alice", PASSWORD, cram=True)
    except KitError as error:
        pytest.skip(f"this ehlo-server has no --hash-password: {error}")
    users = tmp_path / "users"
    users.write_text(line + "\n")
    tokens = tmp_path / "tokens"
    tokens.write_text("alice tok-of-alice\n")
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    return users, tokens, secret


@pytest.fixture
def auth_server(start_server, users_file):
    users, tokens, _ = users_file
    return start_server("--users", str(users), "--tokens", str(tokens),
                        "--allow-plaintext-auth")


def send(port, *args):
    return run_send("--server", f"127.0.0.1:{port}", "--from", SENDER, "--to", RECIPIENT,
                    "--subject", "auth", "--body", "b", "--trace", "--auth", "alice", *args)


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN"])
def test_each_password_mechanism(auth_server, users_file, mechanism):
    result = send(auth_server.port, "--auth-mechanism", mechanism, "--password-file",
                  users_file[2])
    assert result.returncode == 0, result.stderr
    assert f"C: AUTH {mechanism}" in result.stderr
    assert re.search(r"S: 235 ", result.stderr)
    assert len(messages(auth_server.maildir, RECIPIENT)) == 1


def test_the_strongest_mechanism_is_chosen(auth_server, users_file):
    result = send(auth_server.port, "--password-file", users_file[2])
    assert result.returncode == 0, result.stderr
    assert "C: AUTH SCRAM-SHA-256" in result.stderr


def test_oauthbearer(auth_server, tmp_path):
    token = tmp_path / "token"
    token.write_text("tok-of-alice\n")
    result = send(auth_server.port, "--auth-mechanism", "OAUTHBEARER", "--token-file", token)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "PLAIN"])
def test_a_wrong_password_exits_77(auth_server, mechanism):
    result = send(auth_server.port, "--auth-mechanism", mechanism, "--password", "wrong")
    assert result.returncode == 77
    assert "authentication failed: 535" in result.stderr
    assert messages(auth_server.maildir, RECIPIENT) == []


def test_submission_after_starttls(start_server, users_file, peer_certificate):
    users, tokens, secret = users_file
    cert, key = peer_certificate
    server = start_server("--users", str(users), "--tls-cert", str(cert), "--tls-key",
                          str(key), "--submission", "127.0.0.1:0")
    port = server.submission_port  # start_server waits for that listener too
    refused = run_send("--server", f"127.0.0.1:{port}", "--from", SENDER, "--to", RECIPIENT,
                       "--subject", "s", "--body", "b", "--starttls", "--ca-file", cert)
    assert refused.returncode != 0
    result = send(port, "--starttls", "--ca-file", cert, "--password-file", secret)
    assert result.returncode == 0, result.stderr
    assert result.stderr.index("TLS started") < result.stderr.index("C: AUTH")
