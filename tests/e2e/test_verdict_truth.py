"""Verdicts on servers the suite was not tuned to: a small scripted SMTP server, changed in one
way at a time, meets the scenarios that judged such servers wrongly. Each case is one class of
wrong verdict: a client's rule judged as the server's (RFC 5321 §4.1.2), too few of the
allowed replies at the end of data (RFC 5321 §4.3.2, RFC 5321 §3.8), one missing command counted
again by a case rule (RFC 5321 §2.4), a reply that came before its command (RFC 5321 §4.2), and a
valid quoted local part refused as a syntax error (RFC 5321 §4.1.2). The rules behind them are
unit-tested in tests/unit/engine_verdict_truth_test.cpp and scenario_catalog_test.cpp.
"""

import pytest

from check_support import run_check, verdict_of
from conftest import SOURCE_DIR
from ehlokit.scripted import ScriptedServer

RCPT = "someone@example.test"


def receive_data(reader):
    """The message data up to <CRLF>.<CRLF>; whether a bare LF was in it."""
    data = b"\r\n"  # the CRLF that ended the DATA line may start the end of data
    while not data.endswith(b"\r\n.\r\n"):
        byte = reader.read(1)
        if not byte:
            return None
        data += byte
    return b"\n" in data.replace(b"\r\n", b"")


def answer(line, quirks):
    """The reply of a plain, permissive server to one command line, unless `quirks` says
    otherwise: `quirks[verb]` (the verb as sent, else in upper case) is a reply or a function
    of the line giving one."""
    sent = line.split(b" ")[0].decode("ascii", "replace")
    verb = sent.upper()
    for key in (sent, verb):
        if key in quirks:
            quirk = quirks[key]
            return quirk(line) if callable(quirk) else quirk
    if verb in ("EHLO",):
        return b"250-scripted.example.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
    if verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
        return b"250 2.0.0 ok\r\n"
    if verb == "VRFY":
        return b"252 2.1.5 cannot verify\r\n"
    if verb == "HELP":
        return b"214 2.0.0 see RFC 5321\r\n"
    if verb == "QUIT":
        return b"221 2.0.0 bye\r\n"
    return b"500 5.5.2 unknown command\r\n"


def plain_server(quirks=None, end_of_data=None):
    """Serves every connection as `answer` says; the end of data gets 250, or what
    `end_of_data(bare_lf)` gives."""
    quirks = quirks or {}

    def behave(conn, stop):
        conn.sendall(b"220 scripted.example.test ESMTP\r\n")
        reader = conn.makefile("rb")
        while line := reader.readline():
            line = line.rstrip(b"\r\n")
            if line.upper() == b"DATA":
                conn.sendall(b"354 go on\r\n")
                bare_lf = receive_data(reader)
                if bare_lf is None:
                    return
                conn.sendall(end_of_data(bare_lf) if end_of_data else b"250 2.0.0 queued\r\n")
                continue
            conn.sendall(answer(line, quirks))
            if line.upper() == b"QUIT":
                return

    return ScriptedServer(behave)


def verdicts(server, *patterns):
    only = [arg for pattern in patterns for arg in ("--only", pattern)]
    try:
        result = run_check(f"127.0.0.1:{server.port}", "--rcpt", RCPT, "--rate", "0", "--timeout", "5",
                           "--scenarios", SOURCE_DIR / "scenarios", *only, timeout=120)
    finally:
        server.close()
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.stdout


def test_a_server_accepting_control_characters_gets_warn_not_fail():
    # RFC 5321 §4.1.2 forbids sending them; no sentence makes the server refuse them.
    out = verdicts(plain_server(), "rfc5321/4.1.2/*-control-character")
    assert verdict_of(out, "rfc5321/4.1.2/mail-control-character") == "WARN", out
    assert verdict_of(out, "rfc5321/4.1.2/rcpt-control-character") == "WARN", out
    assert "5321-4.1.2-g (MUST NOT, client)" in out


@pytest.mark.parametrize("reply", [b"451 4.5.0 bare LF refused, try again\r\n",
                                   b"421 4.5.0 bare LF: closing\r\n"])
def test_a_server_refusing_bare_lf_data_for_now_passes(reply):
    # The SMTP-smuggling fix of several servers: 451, or 421 and the close it announces.
    out = verdicts(plain_server(end_of_data=lambda bare_lf: reply if bare_lf else
                                b"250 2.0.0 queued\r\n"),
                   "rfc5321/4.1.1.4/*-not-end")
    for name in ("lf-dot-lf-not-end", "lf-dot-crlf-not-end", "crlf-dot-lf-not-end"):
        assert verdict_of(out, f"rfc5321/4.1.1.4/{name}") == "PASS", out


def test_a_server_without_vrfy_fails_the_case_rule_no_more():
    out = verdicts(plain_server({"VRFY": b"500 5.5.2 unknown command\r\n"}),
                   "rfc5321/2.4/vrfy-help-lowercase")
    assert verdict_of(out, "rfc5321/2.4/vrfy-help-lowercase") == "PASS", out
    # A server that knows VRFY only in upper case still breaks the rule.
    out = verdicts(plain_server({"VRFY": b"252 2.1.5 maybe\r\n",
                                 "vrfy": b"500 5.5.2 unknown command\r\n"}),
                   "rfc5321/2.4/vrfy-help-lowercase")
    assert verdict_of(out, "rfc5321/2.4/vrfy-help-lowercase") == "WARN", out


def test_replies_sent_before_their_commands_are_no_evidence():
    """A server that never reads and sends a whole session's replies at once."""
    def behave(conn, stop):
        conn.sendall(b"220 blaster\r\n250 hello\r\n503 5.5.1 bad sequence\r\n221 bye\r\n")
        stop.wait(3)

    out = verdicts(ScriptedServer(behave), "rfc5321/4.1.4/rcpt-before-mail")
    assert verdict_of(out, "rfc5321/4.1.4/rcpt-before-mail") == "FAIL", out
    assert "came before EHLO" in out


def test_a_quoted_local_part_refused_as_syntax_is_found():
    def rcpt(line):
        return b"501 5.1.3 bad address\r\n" if b'"' in line else b"250 2.1.5 ok\r\n"

    out = verdicts(plain_server({"RCPT": rcpt}), "rfc5321/4.1.2/rcpt-quoted-local-part")
    assert verdict_of(out, "rfc5321/4.1.2/rcpt-quoted-local-part") == "WARN", out
    out = verdicts(plain_server(), "rfc5321/4.1.2/rcpt-quoted-local-part")
    assert verdict_of(out, "rfc5321/4.1.2/rcpt-quoted-local-part") == "PASS", out
