"""A client that resets the connection (SO_LINGER 0, then close) at any moment of the dialogue:
the session ends at once, as when the client closes it, and a transaction whose data has not
ended is dropped (RFC 5321 §4.1.1.10). Each case resets a few connections on the plain port or
on the implicit TLS port (RFC 8314 §3); often the server is then writing to the dead socket
(the greeting, a reply, its TLS flight), where a failed write once left the session open until
its command timeout. Then a normal client still delivers; SIGTERM stops the server with status
0; and its trace shows every session it began closed."""

import re
import smtplib
import socket
import ssl
import struct

import pytest

from ehlokit.certificates import make_certificate
from ehlokit.maildir import all_messages
from ehlokit.programs import HOSTNAME
from smtp_client import SmtpClient

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"
RESETS_PER_CASE = 3
STOP_TIMEOUT = 10  # the kit kills the server after this; a clean stop takes milliseconds
DELIVERED = b"Subject: delivered after the resets\r\n\r\nstill served\r\n"
HALF_MESSAGE = b"Subject: half a message\r\n\r\nthe client goes before the end\r\n"
WHOLE_MESSAGE = b"Subject: a whole message\r\n\r\nthe client goes before the 250\r\n.\r\n"
SESSION_NOTE = re.compile(r"\[(\d+)\] -- (connected from|closed)\b")


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def reset(sock):
    """Closes with a TCP reset instead of a FIN: what a crashed or impatient client does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def blind_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def client_hello():
    """The first flight of a TLS client, made in memory."""
    outgoing = ssl.MemoryBIO()
    tls = blind_context().wrap_bio(ssl.MemoryBIO(), outgoing)
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def in_transaction(port):
    """A plain session after EHLO, MAIL and RCPT, ready for DATA."""
    client = SmtpClient(port)
    client.greet()
    client.expect(f"MAIL FROM:<{SENDER}>", 250)
    client.expect(f"RCPT TO:<{RECIPIENT}>", 250)
    return client


# Plain port: each case returns the socket to reset.
def at_once(port):
    return connect(port)


def after_greeting(port):
    sock = connect(port)
    sock.recv(4096)
    return sock


def after_ehlo(port):
    sock = after_greeting(port)
    sock.sendall(b"EHLO client.example.org\r\n")
    return sock


def after_a_pipeline(port):
    sock = after_greeting(port)
    sock.sendall(b"EHLO client.example.org\r\n" + b"NOOP\r\n" * 2000)
    return sock


def after_starttls(port):
    client = SmtpClient(port)
    client.greet()
    client.send(b"STARTTLS\r\n")
    return client.sock


def after_data(port):
    client = in_transaction(port)
    client.send(b"DATA\r\n")
    return client.sock


def in_the_data(port):
    client = in_transaction(port)
    client.expect("DATA", 354)
    client.send(HALF_MESSAGE)
    return client.sock


def after_the_data(port):
    client = in_transaction(port)
    client.expect("DATA", 354)
    client.send(WHOLE_MESSAGE)
    return client.sock


# Implicit TLS port.
def after_client_hello(port):
    sock = connect(port)
    sock.sendall(client_hello())
    return sock


def in_the_handshake(port):
    sock = after_client_hello(port)
    sock.recv(4096)  # the server's first flight, then never the client's last
    return sock


def after_the_handshake(port):
    # Like a client that checks the certificate once the handshake is over, and goes: the
    # reset meets the end of the server's handshake or its greeting.
    return blind_context().wrap_socket(connect(port))


def after_ehlo_over_tls(port):
    sock = blind_context().wrap_socket(connect(port))
    sock.recv(4096)
    sock.sendall(b"EHLO client.example.org\r\n")
    return sock


def after_refusing_the_certificate(port):
    # Like msmtp or mutt with GnuTLS: the certificate is not trusted, the client sends its
    # alert and goes.
    sock = connect(port)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname=HOSTNAME)
    for _ in range(10):
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            sock.sendall(outgoing.read())
            incoming.write(sock.recv(65536))
        except ssl.SSLCertVerificationError:
            sock.sendall(outgoing.read())  # the alert
            return sock
    raise AssertionError("the self-signed certificate was trusted")


PLAIN = [at_once, after_greeting, after_ehlo, after_a_pipeline, after_starttls, after_data,
         in_the_data, after_the_data]
IMPLICIT_TLS = [at_once, after_client_hello, in_the_handshake, after_refusing_the_certificate,
                after_the_handshake, after_ehlo_over_tls]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def loss_server(start_server, certificate):
    cert, key = certificate
    return start_server("--trace", "--tls-cert", str(cert), "--tls-key", str(key),
                        "--smtps", "127.0.0.1:0")


def deliver(server, implicit_tls):
    message = b"From: <alice@example.org>\r\n" + DELIVERED
    if implicit_tls:
        with smtplib.SMTP_SSL("127.0.0.1", server.smtps_port, timeout=10,
                              context=blind_context()) as client:
            client.sendmail(SENDER, [RECIPIENT], message)
    else:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
            client.sendmail(SENDER, [RECIPIENT], message)


def sessions_left_open(trace_lines):
    opened, closed = set(), set()
    for line in trace_lines:
        match = SESSION_NOTE.match(line)
        if match:
            (opened if match.group(2) == "connected from" else closed).add(match.group(1))
    return sorted(opened - closed, key=int)


def check_after_resets(server, case, implicit_tls):
    for _ in range(RESETS_PER_CASE):
        reset(case(server.smtps_port if implicit_tls else server.port))
    deliver(server, implicit_tls)
    bodies = [path.read_bytes() for path in all_messages(server.maildir)]
    assert any(DELIVERED in body for body in bodies), server.output()
    assert not any(HALF_MESSAGE in body for body in bodies), "half a message was delivered"
    code = server.stop(timeout=STOP_TIMEOUT)
    assert code == 0, f"SIGTERM: exit status {code}\n{server.output()}"
    # Once the process is gone its trace is complete: every session it began has ended.
    left = sessions_left_open(server.stdout_lines)
    assert left == [], f"sessions never closed: {left}\n{server.output()}"


@pytest.mark.parametrize("case", PLAIN, ids=lambda case: case.__name__)
def test_reset_on_the_plain_port(loss_server, case):
    check_after_resets(loss_server, case, implicit_tls=False)


@pytest.mark.parametrize("case", IMPLICIT_TLS, ids=lambda case: case.__name__)
def test_reset_on_the_implicit_tls_port(loss_server, case):
    check_after_resets(loss_server, case, implicit_tls=True)
