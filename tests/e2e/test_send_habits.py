"""ehlo-send's habits from swaks (docs/client.md, Options): the short options -s -f -t, port 25
when --server names none, --header (RFC 5322 §2.2), --attach (MIME multipart/mixed,
RFC 2046 §5.1.3), --quit-after at each step, --tls-sni (RFC 6066 §3) and a client certificate, and
a message file that cannot be read. Against ehlo-server, and a scripted TLS server that records
the name the client asked for and the certificate it showed."""

import base64
import email
import email.policy
import ssl
import subprocess

import pytest

from conftest import BIN_DIR
from ehlokit.certificates import make_certificate
from ehlokit.maildir import messages
from ehlokit.scripted import Conversation, ScriptedServer
from send_support import outcome, run_send

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"


def short_send(server, *args, stdin=None):
    return run_send("-s", f"127.0.0.1:{server.port}", "-f", SENDER, "-t", RECIPIENT, *args,
                    stdin=stdin)


def delivered_message(server):
    [raw] = messages(server.maildir, RECIPIENT)
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_short_options_send_a_message(server):
    result = short_send(server, "--subject", "short", "--body", "b")
    assert result.returncode == 0, result.stderr
    assert outcome(result)[RECIPIENT][0] == "accepted"
    assert delivered_message(server)["Subject"] == "short"


def test_a_server_without_a_port_is_port_25():
    # Nothing is expected on port 25 here: either way the client names where it went.
    result = run_send("-s", "127.0.0.1", "-f", SENDER, "-t", RECIPIENT, "--quit-after",
                      "connect", "--timeout", "5", "--trace", "--subject", "s")
    assert "127.0.0.1:25" in result.stderr, result.stderr
    assert "127.0.0.1:2525" not in result.stderr


def test_headers_are_added_or_replace_their_namesakes(server, tmp_path):
    message = tmp_path / "m.eml"
    message.write_bytes(b"Subject: old\nX-Keep: 1\n\nbody\n")
    result = short_send(server, "--header", "Subject: new", "--header", "X-Test: yes", message)
    assert result.returncode == 0, result.stderr
    delivered = delivered_message(server)
    assert delivered.get_all("Subject") == ["new"]
    assert delivered["X-Test"] == "yes" and delivered["X-Keep"] == "1"
    assert delivered.get_content().strip() == "body"


def test_a_header_goes_into_the_built_message_too(server):
    result = short_send(server, "--subject", "s", "--body", "b", "--header", "X-Mailer: probe")
    assert result.returncode == 0, result.stderr
    assert delivered_message(server)["X-Mailer"] == "probe"


@pytest.mark.parametrize("field", ["no colon", "Bad Name: x", ": empty name"])
def test_a_malformed_header_is_bad_usage(field):
    result = run_send("-s", "127.0.0.1:1", "-f", SENDER, "-t", RECIPIENT, "--header", field)
    assert result.returncode == 2
    assert result.stderr.startswith("ehlo-send: --header: ")
    assert "--help" in result.stderr


def test_attachments_arrive_as_mime_parts(server, tmp_path):
    binary = bytes(range(256)) * 10
    (tmp_path / "data.bin").write_bytes(binary)
    (tmp_path / "notes.txt").write_bytes(b"first\nsecond\n")
    result = short_send(server, "--subject", "files", "--body", "see attached",
                        "--attach", tmp_path / "data.bin", "--attach", tmp_path / "notes.txt")
    assert result.returncode == 0, result.stderr
    delivered = delivered_message(server)
    assert delivered.get_content_type() == "multipart/mixed"
    body, data, notes = delivered.iter_parts()
    assert body.get_content().strip() == "see attached"
    assert data.get_filename() == "data.bin"
    assert data.get_content_type() == "application/octet-stream"
    assert data.get_content() == binary
    assert notes.get_filename() == "notes.txt"
    assert notes.get_content_type() == "text/plain"
    assert base64.b64decode(notes.get_payload()) == b"first\r\nsecond\r\n"


def test_an_attachment_goes_with_a_message_file(server, tmp_path):
    (tmp_path / "m.eml").write_bytes(b"Subject: with file\n\nthe text\n")
    (tmp_path / "a.txt").write_bytes(b"attached\n")
    result = short_send(server, tmp_path / "m.eml", "--attach", tmp_path / "a.txt")
    assert result.returncode == 0, result.stderr
    delivered = delivered_message(server)
    assert delivered["Subject"] == "with file"
    assert [p.get_filename() for p in delivered.iter_parts()] == [None, "a.txt"]


def test_a_missing_message_file_says_why():
    result = run_send("-s", "127.0.0.1:1", "-f", SENDER, "-t", RECIPIENT, "/no/such/message")
    assert result.returncode == 66
    assert result.stderr == ("ehlo-send: cannot read the message file '/no/such/message': "
                             "No such file or directory\n")


def test_a_missing_attachment_says_why(tmp_path):
    result = run_send("-s", "127.0.0.1:1", "-f", SENDER, "-t", RECIPIENT, "--subject", "s",
                      "--attach", tmp_path)
    assert result.returncode == 66
    assert f"cannot read the file to attach '{tmp_path}': Is a directory" in result.stderr


# -- --quit-after

def client_lines(result):
    return [line.split("C: ", 1)[1].split()[0] for line in result.stderr.splitlines()
            if line.startswith("[1] C: ")]


@pytest.mark.parametrize("step, commands", [
    ("connect", ["QUIT"]),
    ("greeting", ["QUIT"]),
    ("ehlo", ["EHLO", "QUIT"]),
    ("mail", ["EHLO", "MAIL", "QUIT"]),
    ("RCPT", ["EHLO", "MAIL", "RCPT", "QUIT"]),
])
def test_quit_after_each_step(server, step, commands):
    result = short_send(server, "--quit-after", step, "--trace", "--subject", "s")
    assert result.returncode == 0, result.stderr
    assert client_lines(result) == commands
    assert "[1] S: 221" in result.stderr  # a polite end
    verdict, why = outcome(result)[RECIPIENT]
    assert verdict == "not sent"
    if step == "RCPT":
        assert why.startswith("250")
    assert messages(server.maildir, RECIPIENT) == []


def test_quit_after_rcpt_tells_a_refused_recipient(server):
    result = run_send("-s", f"127.0.0.1:{server.port}", "-f", SENDER, "-t", RECIPIENT, "-t",
                      "carol@elsewhere.test", "--quit-after", "rcpt", "--subject", "s")
    assert result.returncode == 69
    assert outcome(result)["carol@elsewhere.test"][0] == "refused"
    assert outcome(result)[RECIPIENT][0] == "not sent"


def test_quit_after_tls_and_auth(start_server, peer_certificate, tmp_path):
    cert, key = peer_certificate
    enrol = subprocess.run([str(BIN_DIR / "ehlo-server"), "--hash-password", "alice"],
                           input=b"secret\n", capture_output=True, timeout=30)
    assert enrol.returncode == 0, enrol.stderr
    (tmp_path / "users").write_bytes(enrol.stdout)
    server = start_server("--tls-cert", str(cert), "--tls-key", str(key), "--users",
                          str(tmp_path / "users"))
    tls = short_send(server, "--starttls", "--ca-file", cert, "--quit-after", "tls", "--trace",
                     "--subject", "s")
    assert tls.returncode == 0, tls.stderr
    assert client_lines(tls) == ["EHLO", "STARTTLS", "EHLO", "QUIT"]
    (tmp_path / "password").write_text("secret\n")
    auth = short_send(server, "--starttls", "--ca-file", cert, "--auth", "alice",
                      "--password-file", tmp_path / "password", "--quit-after", "auth",
                      "--trace", "--subject", "s")
    assert auth.returncode == 0, auth.stderr
    lines = client_lines(auth)
    assert lines[:4] == ["EHLO", "STARTTLS", "EHLO", "AUTH"] and lines[-1] == "QUIT", lines
    assert "MAIL" not in lines


@pytest.mark.parametrize("args, problem", [
    (["--quit-after", "data"], "--quit-after: 'data' is not one of"),
    (["--quit-after", "tls"], "--quit-after tls needs TLS"),
    (["--quit-after", "auth"], "--quit-after auth needs --auth USER"),
])
def test_quit_after_usage(args, problem):
    result = run_send("-s", "127.0.0.1:1", "-f", SENDER, "-t", RECIPIENT, *args)
    assert result.returncode == 2
    assert problem in result.stderr, result.stderr


# -- TLS: the name asked for, the client's certificate

def test_tls_sni_is_the_name_verified(start_server, peer_certificate):
    cert, key = peer_certificate  # names mx.example.test and 127.0.0.1
    server = start_server("--tls-cert", str(cert), "--tls-key", str(key))
    good = short_send(server, "--starttls", "--ca-file", cert, "--tls-sni", "mx.example.test",
                      "--subject", "s")
    assert good.returncode == 0, good.stderr
    wrong = short_send(server, "--starttls", "--ca-file", cert, "--tls-sni", "other.example.test",
                       "--subject", "s")
    assert wrong.returncode == 69
    assert "TLS handshake failed" in wrong.stderr


def starttls_recorder(cert, key, client_ca, seen):
    """A server that offers STARTTLS, asks for a client certificate, and records in `seen` the
    SNI name and the certificate the client showed (or the TLS error)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.load_verify_locations(client_ca)
    context.verify_mode = ssl.CERT_OPTIONAL
    context.sni_callback = lambda sock, name, ctx: seen.__setitem__("sni", name)

    def behave(conn, stop):
        plain = Conversation(conn)
        plain.send("220 scripted.example.test ESMTP\r\n")
        plain.ehlo("STARTTLS")
        plain.line()
        plain.send("220 go ahead\r\n")
        try:
            tls = context.wrap_socket(conn, server_side=True)
        except ssl.SSLError as error:
            seen["error"] = str(error)
            return
        seen["peer"] = tls.getpeercert()
        secure = Conversation(tls)
        secure.ehlo()
        secure.until_quit()
    return behave


def test_a_client_certificate_is_shown_and_sni_sent(peer_certificate, tmp_path):
    cert, key = peer_certificate
    client_cert, client_key = make_certificate(tmp_path, name="client.example.test", ip=False)
    seen = {}
    with ScriptedServer(starttls_recorder(cert, key, client_cert, seen)) as scripted:
        result = run_send("-s", scripted.address(), "-f", SENDER, "-t", RECIPIENT,
                          "--starttls", "--ca-file", cert, "--tls-sni", "mx.example.test",
                          "--tls-cert", client_cert, "--tls-key", client_key,
                          "--quit-after", "tls", "--subject", "s")
    assert result.returncode == 0, result.stderr + str(seen)
    assert seen.get("sni") == "mx.example.test", seen
    subject = dict(pair for rdn in seen["peer"]["subject"] for pair in rdn)
    assert subject["commonName"] == "client.example.test"


@pytest.mark.parametrize("args, problem", [
    (["--tls-cert", "c.pem"], "--tls-cert and --tls-key go together"),
    (["--tls-cert", "c.pem", "--tls-key", "k.pem"], "need TLS: add --starttls or --tls"),
    (["--starttls", "--tls-sni", "not a name"], "--tls-sni 'not a name' is not a host name"),
    (["--starttls", "--tls-cert", "/no/cert.pem", "--tls-key", "/no/key.pem"],
     "cannot use --tls-cert /no/cert.pem"),
])
def test_tls_option_usage(args, problem):
    result = run_send("-s", "127.0.0.1:1", "-f", SENDER, "-t", RECIPIENT, "--subject", "s",
                      *args)
    assert result.returncode == 2, result.stderr
    assert problem in result.stderr, result.stderr
