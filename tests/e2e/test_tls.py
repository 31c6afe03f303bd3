"""TLS on the wire: STARTTLS (RFC 3207) and implicit TLS on --smtps (RFC 8314 §3), with real
clients (swaks, curl, msmtp, smtplib) and hostile ones: plaintext pipelined behind STARTTLS
(CVE-2011-0411, RFC 3207 §4.2), a client that never starts its handshake, a garbage
handshake, and a client that offers nothing newer than TLS 1.1."""

import smtplib
import socket
import ssl
import subprocess
import time

import pytest

from conftest import BIN_DIR, HOSTNAME
from ehlokit.certificates import make_certificate
from ehlokit.maildir import assert_single_delivery, messages
from smtp_client import Closed, SmtpClient

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
CLIENT_TIMEOUT = 30

MESSAGE = (
    "From: Alice <alice@example.org>\r\n"
    "To: Bob <bob@example.test>\r\n"
    "Subject: over TLS\r\n"
    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    "Message-ID: <e2e-tls@example.org>\r\n"
    "\r\n"
    "Hello, Bob, in private.\r\n"
).encode()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for mx.example.test and 127.0.0.1, and its key."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def start_tls_server(start_server, certificate):
    """Starts ehlo-server with the certificate and an implicit TLS port (`smtps_port`)."""
    cert, key = certificate

    def start(*args):
        return start_server("--tls-cert", str(cert), "--tls-key", str(key),
                            "--smtps", "127.0.0.1:0", *args)

    return start


@pytest.fixture
def tls_server(start_tls_server):
    return start_tls_server()


def client_context(**versions) -> ssl.SSLContext:
    """A client context that trusts the self-signed certificate blindly, like `-k`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for name, value in versions.items():
        setattr(context, name, value)
    return context


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, timeout=CLIENT_TIMEOUT, **kwargs)
    assert result.returncode == 0, (
        f"{command[0]} exited with {result.returncode}\n"
        f"{result.stdout.decode(errors='replace')}\n{result.stderr.decode(errors='replace')}")
    return result


def delivered_with(server, protocol: bytes, data=MESSAGE):
    """One message for RECIPIENT, its Received: header naming `protocol`."""
    assert_single_delivery(server.maildir, RECIPIENT, SENDER, data)
    received = messages(server.maildir, RECIPIENT)[0].split(b"\r\n\r\n")[0]
    assert b" with " + protocol + b" id " in received, received


def ehlo_keywords(reply) -> list:
    return [line.split(" ")[0] for line in reply.lines[1:]]


# ---- Real clients ------------------------------------------------------------------------

def test_swaks_starttls(tls_server, tmp_path):
    message = tmp_path / "message.eml"
    message.write_bytes(MESSAGE)
    run(["swaks", "--server", f"127.0.0.1:{tls_server.port}", "--tls", "--helo",
         "client.example.org", "--from", SENDER, "--to", RECIPIENT, "--data", f"@{message}"])
    # swaks ends the data with an empty line of its own.
    delivered_with(tls_server, b"ESMTPS", MESSAGE + b"\r\n")


def test_swaks_implicit_tls(tls_server, tmp_path):
    message = tmp_path / "message.eml"
    message.write_bytes(MESSAGE)
    run(["swaks", "--server", f"127.0.0.1:{tls_server.smtps_port}", "--tls-on-connect",
         "--helo", "client.example.org", "--from", SENDER, "--to", RECIPIENT,
         "--data", f"@{message}"])
    delivered_with(tls_server, b"ESMTPS", MESSAGE + b"\r\n")


def test_curl_smtps(tls_server, tmp_path):
    message = tmp_path / "message.eml"
    message.write_bytes(MESSAGE)
    run(["curl", "--silent", "--show-error", "-k",
         f"smtps://127.0.0.1:{tls_server.smtps_port}/client.example.org",
         "--mail-from", SENDER, "--mail-rcpt", RECIPIENT, "--upload-file", str(message)])
    delivered_with(tls_server, b"ESMTPS")


def test_curl_starttls_required(tls_server, tmp_path):
    message = tmp_path / "message.eml"
    message.write_bytes(MESSAGE)
    run(["curl", "--silent", "--show-error", "-k", "--ssl-reqd",
         f"smtp://127.0.0.1:{tls_server.port}/client.example.org",
         "--mail-from", SENDER, "--mail-rcpt", RECIPIENT, "--upload-file", str(message)])
    delivered_with(tls_server, b"ESMTPS")


def test_msmtp_starttls(tls_server):
    run(["msmtp", "--file=/dev/null", "--host=127.0.0.1", f"--port={tls_server.port}",
         "--tls=on", "--tls-starttls=on", "--tls-certcheck=off", f"--from={SENDER}", RECIPIENT],
        input=MESSAGE)
    delivered_with(tls_server, b"ESMTPS")


def test_msmtp_implicit_tls(tls_server):
    run(["msmtp", "--file=/dev/null", "--host=127.0.0.1", f"--port={tls_server.smtps_port}",
         "--tls=on", "--tls-starttls=off", "--tls-certcheck=off", f"--from={SENDER}",
         RECIPIENT], input=MESSAGE)
    delivered_with(tls_server, b"ESMTPS")


def test_smtplib_starttls(tls_server, certificate):
    cert, _ = certificate
    # This time the certificate is checked, name and all.
    context = ssl.create_default_context(cafile=str(cert))
    with smtplib.SMTP("127.0.0.1", tls_server.port, timeout=CLIENT_TIMEOUT) as client:
        client.ehlo("client.example.org")
        assert client.has_extn("starttls")
        code, _ = client.starttls(context=context)
        assert code == 220
        client.ehlo("client.example.org")
        assert not client.has_extn("starttls")  # RFC 3207 §4.2
        assert client.docmd("STARTTLS")[0] == 503  # a second STARTTLS
        client.sendmail(SENDER, [RECIPIENT], MESSAGE)
    delivered_with(tls_server, b"ESMTPS")


def test_smtplib_implicit_tls(tls_server):
    with smtplib.SMTP_SSL("127.0.0.1", tls_server.smtps_port, timeout=CLIENT_TIMEOUT,
                          context=client_context()) as client:
        client.ehlo("client.example.org")
        assert not client.has_extn("starttls")
        assert client.docmd("STARTTLS")[0] == 503
        client.sendmail(SENDER, [RECIPIENT], MESSAGE)
    delivered_with(tls_server, b"ESMTPS")


def test_pipelined_commands_and_a_large_message_over_tls(tls_server):
    """Many commands in one TLS record, and a message of many records: every octet that
    OpenSSL has decrypted is read, none waits for more input from the socket."""
    body = b"".join(b"line %06d of a long message\r\n" % n for n in range(40000))
    with SmtpClient(tls_server.smtps_port, timeout=10) as client:
        client.sock = client_context().wrap_socket(client.sock, server_hostname=HOSTNAME)
        client.greet()
        client.send(f"MAIL FROM:<{SENDER}>\r\nRCPT TO:<{RECIPIENT}>\r\nDATA\r\n".encode())
        assert [reply.code for reply in client.replies(3)] == [250, 250, 354]
        client.send(MESSAGE + body + b".\r\nNOOP\r\nNOOP\r\n")
        assert [reply.code for reply in client.replies(3)] == [250, 250, 250]
        client.expect("QUIT", 221)
    delivered_with(tls_server, b"ESMTPS", MESSAGE + body)


# ---- What is offered, and when -----------------------------------------------------------

def test_no_certificate_no_starttls(server):
    with SmtpClient(server.port) as client:
        client.reply()
        assert "STARTTLS" not in ehlo_keywords(client.expect("EHLO client.example.org", 250))
        assert client.command("STARTTLS").code == 454


def test_disable_starttls(start_tls_server):
    server = start_tls_server("--disable", "STARTTLS")
    with SmtpClient(server.port) as client:
        client.reply()
        assert "STARTTLS" not in ehlo_keywords(client.expect("EHLO client.example.org", 250))
        assert client.command("STARTTLS").code == 454
    # The implicit TLS port still works.
    with smtplib.SMTP_SSL("127.0.0.1", server.smtps_port, timeout=CLIENT_TIMEOUT,
                          context=client_context()) as client:
        assert client.noop()[0] == 250


def test_require_tls(start_tls_server):
    server = start_tls_server("--require-tls")
    with SmtpClient(server.port) as client:
        client.greet()
        assert client.command(f"MAIL FROM:<{SENDER}>").code == 530
        assert client.command(f"RCPT TO:<{RECIPIENT}>").code == 530
        client.expect("NOOP", 250)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=CLIENT_TIMEOUT) as client:
        client.starttls(context=client_context())
        client.sendmail(SENDER, [RECIPIENT], MESSAGE)
    delivered_with(server, b"ESMTPS")


@pytest.mark.parametrize("args, mentions", [
    (["--tls-cert", "cert.pem"], b"--tls-key"),
    (["--tls-key", "key.pem"], b"--tls-cert"),
    (["--smtps", "127.0.0.1:0"], b"--tls-cert"),
    (["--require-tls"], b"--tls-cert"),
    (["--tls-cert", "missing.pem", "--tls-key", "missing.pem"], b"missing.pem"),
])
def test_bad_tls_options_exit_2(args, mentions, tmp_path):
    command = [str(BIN_DIR / "ehlo-server"), "--listen", "127.0.0.1:0", "--domain",
               "example.test", "--maildir", str(tmp_path / "mail"), *args]
    result = subprocess.run(command, capture_output=True, timeout=10, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert mentions in result.stderr, result.stderr


def test_require_tls_with_starttls_disabled_exits_2(certificate, tmp_path):
    cert, key = certificate
    command = [str(BIN_DIR / "ehlo-server"), "--listen", "127.0.0.1:0", "--domain",
               "example.test", "--maildir", str(tmp_path), "--tls-cert", str(cert),
               "--tls-key", str(key), "--require-tls", "--disable", "STARTTLS"]
    result = subprocess.run(command, capture_output=True, timeout=10)
    assert result.returncode == 2, result.stderr
    assert b"--disable STARTTLS" in result.stderr


# ---- Hostile clients -----------------------------------------------------------------------

def test_plaintext_behind_starttls_is_never_answered(tls_server):
    """CVE-2011-0411: MAIL FROM glued to STARTTLS in one segment must die with the plaintext."""
    with SmtpClient(tls_server.port) as client:
        client.greet()
        client.send(b"STARTTLS\r\nMAIL FROM:<evil@x.example>\r\n")
        assert client.reply().code == 220
        assert client.buffer == b"", f"more than the 220 in the clear: {client.buffer!r}"
        tls = client_context().wrap_socket(client.sock, server_hostname=HOSTNAME)
        client.sock = tls
        # No reply to the injected MAIL, ever.
        tls.settimeout(1.0)
        with pytest.raises(socket.timeout):
            data = tls.recv(65536)
            pytest.fail(f"the server answered plaintext sent before the handshake: {data!r}")
        tls.settimeout(5.0)
        assert "STARTTLS" not in ehlo_keywords(client.expect("EHLO client.example.org", 250))
        client.expect(f"RCPT TO:<{RECIPIENT}>", 503)  # the injected MAIL was never taken
        client.expect(f"MAIL FROM:<{SENDER}>", 250)
        client.expect("QUIT", 221)


def test_silent_client_on_smtps_is_closed(start_tls_server):
    server = start_tls_server("--timeout-command", "2")
    with socket.create_connection(("127.0.0.1", server.smtps_port), timeout=10) as sock:
        started = time.monotonic()
        assert sock.recv(1024) == b""  # no greeting before TLS; closed, not half-open
        assert time.monotonic() - started < 6


def test_silent_client_after_starttls_is_closed(start_tls_server):
    server = start_tls_server("--timeout-command", "2")
    with SmtpClient(server.port, timeout=10) as client:
        client.greet()
        assert client.command("STARTTLS").code == 220
        started = time.monotonic()
        assert client.wait_closed(timeout=8)
        assert time.monotonic() - started < 6


@pytest.mark.parametrize("on_connect", [True, False])
def test_garbage_handshake_closes_and_server_goes_on(tls_server, on_connect):
    if on_connect:
        with socket.create_connection(("127.0.0.1", tls_server.smtps_port), timeout=5) as sock:
            sock.sendall(b"EHLO this is not TLS\r\n" * 10)
            received = b""
            while chunk := sock.recv(1024):  # at most a TLS alert, then the close
                received += chunk
            assert b"220" not in received, received
    else:
        with SmtpClient(tls_server.port) as client:
            client.greet()
            assert client.command("STARTTLS").code == 220
            client.send(b"\x16\x03\x01\x00\x05garbage" + b"\x00" * 100)
            with pytest.raises((Closed, ConnectionResetError)):
                client.reply()
    # Other clients are served as before, on both ports.
    with smtplib.SMTP("127.0.0.1", tls_server.port, timeout=CLIENT_TIMEOUT) as client:
        client.starttls(context=client_context())
        assert client.noop()[0] == 250
    with smtplib.SMTP_SSL("127.0.0.1", tls_server.smtps_port, timeout=CLIENT_TIMEOUT,
                          context=client_context()) as client:
        assert client.noop()[0] == 250


# ---- TLS versions -------------------------------------------------------------------------

def test_tls_1_2_accepted(tls_server):
    context = client_context(minimum_version=ssl.TLSVersion.TLSv1_2,
                             maximum_version=ssl.TLSVersion.TLSv1_2)
    with smtplib.SMTP_SSL("127.0.0.1", tls_server.smtps_port, timeout=CLIENT_TIMEOUT,
                          context=context) as client:
        assert client.sock.version() == "TLSv1.2"
        assert client.noop()[0] == 250


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # TLS 1.0 and 1.1 are, rightly
def test_tls_1_1_refused(tls_server):
    context = client_context()
    try:
        # OpenSSL 3 offers TLS 1.0 and 1.1 only at security level 0.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    except (ssl.SSLError, ValueError) as error:
        pytest.skip(f"this system's OpenSSL cannot offer TLS 1.1 at all: {error}")
    with socket.create_connection(("127.0.0.1", tls_server.smtps_port), timeout=5) as sock:
        try:
            with context.wrap_socket(sock, server_hostname=HOSTNAME) as tls:
                pytest.fail(f"a TLS 1.1 client got through with {tls.version()}")
        except ssl.SSLError as error:
            reason = str(error)
            upper = reason.upper()
            if "NO_PROTOCOLS_AVAILABLE" in upper or "UNSUPPORTED_PROTOCOL" in upper:
                pytest.skip(f"this system's OpenSSL refuses to send a TLS 1.1 hello: {reason}")
            # The server answered the hello with a protocol_version alert.
            assert "PROTOCOL_VERSION" in upper or "PROTOCOL VERSION" in upper, reason
