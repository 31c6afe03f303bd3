"""ehlo-send against scripted servers that behave like real ones at their worst: a slow
greeting, replies split across segments, multi-line replies with odd continuations, 421 at any
point (RFC 5321 §3.8), a connection closed in the middle of DATA, malformed and out-of-place
replies (RFC 5321 §4.2, RFC 5321 §4.3.2), EHLO refused (the HELO fallback of RFC 5321 §3.2), a
server that never answers. Each gets a clear outcome on stdout and stderr, and its exit code."""

import time

import pytest

from ehlokit.scripted import ScriptedServer
from send_support import outcome, run_send

SENDER = "alice@example.org"
RECIPIENT = "bob@example.test"


def send(server, *args, to=(RECIPIENT,), body="hello\n.dot\n"):
    recipients = [a for r in to for a in ("--to", r)]
    return run_send("--server", server.address(), "--from", SENDER, *recipients, "--subject",
                    "quirks", "--body", body, "--trace", *args)


def normal_transaction(c, keywords=()):
    """EHLO with `keywords`, then a one-recipient transaction without PIPELINING."""
    c.ehlo(*keywords)
    assert c.line().startswith("MAIL FROM:")
    c.send("250 ok\r\n")
    assert c.line().startswith("RCPT TO:")
    c.send("250 ok\r\n")
    assert c.line() == "DATA"
    c.send("354 go\r\n")
    c.data_lines = c.data()
    c.send("250 queued\r\n")
    c.until_quit()


def test_a_slow_greeting_is_waited_for():
    def script(c):
        time.sleep(2)
        c.send("220 slow.example.test\r\n")
        normal_transaction(c)
    with ScriptedServer(script, conversation=True) as server:
        result = send(server, "--timeout", "10")
    assert result.returncode == 0, result.stderr
    assert server.conversation.data_lines[-2:] == ["hello", "..dot"]  # still stuffed


def test_replies_split_across_segments():
    def dribble(c, text):
        for octet in text.encode():
            c.send(bytes([octet]))
            time.sleep(0.002)

    def script(c):
        dribble(c, "220-first\r\n220 second\r\n")
        c.line()
        dribble(c, "250-split.example.test\r\n250-SIZE 100000\r\n250 8BITMIME\r\n")
        for reply in ("250 ok\r\n", "250 ok\r\n", "354 go\r\n"):
            c.line()
            dribble(c, reply)
        c.data()
        dribble(c, "250 done\r\n")
        c.until_quit()
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 0, result.stderr
    assert outcome(result)[RECIPIENT] == ("accepted", "250 done")


def test_multiline_replies_with_quirks():
    def script(c):
        c.send("220-mx.example.test\r\n220-\r\n220 \r\n")
        c.line()
        c.send("250-quirky.example.test Hello\r\n250-AUTH=LOGIN PLAIN\r\n250-pipelining\r\n"
               "250-8bitmime\r\n250 SIZE\r\n")
        assert c.line().startswith("MAIL FROM:<alice@example.org> SIZE=")
        assert c.line().startswith("RCPT TO:")
        assert c.line() == "DATA"
        c.send("250-sender\r\n250 ok\r\n250 recipient ok\r\n354 go\r\n")
        c.data()
        c.send("250 ok\r\n")
        c.until_quit()
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("where", ["greeting", "ehlo", "mail", "data", "end"])
def test_421_at_any_point_is_a_temporary_failure(where):
    def script(c):
        if where == "greeting":
            c.send("421 4.3.2 busy\r\n")
            return
        c.send("220 ok\r\n")
        if where == "ehlo":
            c.line()
            c.send("421 4.3.2 shutting down\r\n")
            return
        c.ehlo()
        c.line()
        if where == "mail":
            c.send("421 4.3.2 shutting down\r\n")
            return
        c.send("250 ok\r\n")
        c.line()
        c.send("250 ok\r\n")
        c.line()
        if where == "data":
            c.send("421 4.3.2 shutting down\r\n")
            return
        c.send("354 go\r\n")
        c.data()
        c.send("421 4.3.2 shutting down\r\n")
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 75, result.stderr
    assert outcome(result)[RECIPIENT][0] == "deferred"
    assert "421 4.3.2" in result.stdout
    assert "C: QUIT" not in result.stderr  # the server closes; no QUIT after a 421


def test_connection_closed_mid_data_is_not_a_delivery():
    def script(c):
        c.send("220 ok\r\n")
        c.ehlo()
        for reply in ("250 ok\r\n", "250 ok\r\n", "354 go\r\n"):
            c.line()
            c.send(reply)
        c.line()  # one line of data, then gone
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 75
    assert outcome(result)[RECIPIENT][0] == "deferred"
    assert "not delivered" in result.stdout


def test_a_greeting_of_554_is_a_refusal():
    def script(c):
        c.send("554 5.7.1 go away\r\n")
        c.until_quit()
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 69
    assert outcome(result)[RECIPIENT] == ("refused", "554 5.7.1 go away")
    assert "C: QUIT" in result.stderr


def test_ehlo_refused_falls_back_to_helo():
    def script(c):
        c.send("220 old.example.test\r\n")
        assert c.line().startswith("EHLO ")
        c.send("502 5.5.1 what?\r\n")
        assert c.line().startswith("HELO ")
        c.send("250 hello\r\n")
        assert c.line() == "MAIL FROM:<alice@example.org>"  # no parameters without ESMTP
        c.send("250 ok\r\n")
        c.line()
        c.send("250 ok\r\n")
        c.line()
        c.send("354 go\r\n")
        c.data()
        c.send("250 ok\r\n")
        c.until_quit()
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 0, result.stderr


def test_8bit_to_a_helo_server_is_refused_before_mail():
    def script(c):
        c.send("220 old.example.test\r\n")
        c.line()
        c.send("500 unknown\r\n")
        c.line()
        c.send("250 hello\r\n")
        c.until_quit()
    with ScriptedServer(script, conversation=True) as server:
        result = send(server, body="Gr\u00fc\u00dfe")
    assert result.returncode == 69
    assert "8BITMIME" in result.stderr
    assert not any(line.startswith("MAIL") for line in server.conversation.received)


@pytest.mark.parametrize("bad", ["250 ok\n", "2x0 ok\r\n", "250 ok\r\n"])
def test_malformed_or_out_of_place_replies_are_protocol_errors(bad):
    def script(c):
        c.send("220 ok\r\n")
        c.ehlo()
        c.line()
        c.send("250 ok\r\n")
        c.line()
        c.send("250 ok\r\n")
        c.line()
        c.send(bad)  # to DATA: a bare LF, a bad code, or 250 instead of 354
        time.sleep(0.5)
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 76, result.stderr
    assert outcome(result)[RECIPIENT][0] in ("refused", "deferred")


def test_reply_lines_past_512_octets_are_accepted_up_to_8192():
    # RFC 5321 §4.5.3.1.5 bounds a reply line at 512 octets, but RFC 5321 §4.5.3.1 makes its limits
    # sizes to accept: a client that refused a longer line would fail to deliver for nothing.
    def script(c):
        c.send("220 " + "g" * 1000 + "\r\n")
        normal_transaction(c)
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 0, result.stderr


def test_a_reply_line_past_8192_octets_is_a_protocol_error():
    def script(c):
        c.send("220 " + "g" * 8190 + "\r\n")  # 8,196 octets with the code and CRLF
        time.sleep(0.5)
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 76, result.stderr
    assert "8192" in result.stdout + result.stderr


def test_a_server_that_never_answers_times_out():
    def script(c):
        c.send("220 ok\r\n")
        c.line()
        time.sleep(4)
    with ScriptedServer(script, conversation=True) as server:
        started = time.monotonic()
        result = send(server, "--timeout", "1")
        assert time.monotonic() - started < 3.5
    assert result.returncode == 75
    assert "timed out" in result.stdout + result.stderr


def test_pipelined_group_with_every_rcpt_refused_but_354_sends_no_data():
    def script(c):
        c.send("220 ok\r\n")
        c.ehlo("PIPELINING")
        for _ in range(3):
            c.line()
        c.send("250 ok\r\n550 no such user\r\n354 go ahead anyway\r\n")
        c.after_354 = c.line()
        c.send("554 no valid recipients\r\n")
        c.until_quit()
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert server.conversation.after_354 == "."
    assert result.returncode == 69
    assert outcome(result)[RECIPIENT] == ("refused", "550 no such user")


def test_a_closed_connection_after_the_message_was_accepted_is_success():
    def script(c):
        c.send("220 ok\r\n")
        c.ehlo()
        for reply in ("250 ok\r\n", "250 ok\r\n", "354 go\r\n"):
            c.line()
            c.send(reply)
        c.data()
        c.send("250 queued\r\n")
        c.line()  # QUIT, and leave without 221
    with ScriptedServer(script, conversation=True) as server:
        result = send(server)
    assert result.returncode == 0, result.stderr


def test_replies_injected_before_the_tls_handshake_are_dropped(peer_certificate):
    """RFC 3207 §4.2: what came before the handshake is never read as a reply after it."""
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(peer_certificate[0]), str(peer_certificate[1]))

    def script(c):
        c.send("220 ok\r\n")
        c.ehlo("STARTTLS")
        assert c.line() == "STARTTLS"
        c.send("220 go ahead\r\n250-injected\r\n250 STARTTLS\r\n")
        c.conn = context.wrap_socket(c.conn, server_side=True)
        c.buffer = b""
        normal_transaction(c, keywords=("8BITMIME",))
    with ScriptedServer(script, conversation=True) as server:
        result = send(server, "--starttls", "--ca-file", peer_certificate[0])
    assert result.returncode == 0, result.stderr
    assert "dropped" in result.stderr and "RFC 3207 §4.2" in result.stderr
    assert "injected" not in result.stderr.split("TLS started")[1]
