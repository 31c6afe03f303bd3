"""ehlo-check judging SMTP clients (docs/ehlo-check.md, "Judging a client"): --exec with
ehlo-send and with clients that break a rule, hang, never connect or flood; --listen with
ehlo-send and with Postfix and Exim relaying through it; the usage errors."""

import json
import os
import re
import select
import subprocess
import sys

import pytest

from check_support import run_check
from conftest import BIN_DIR
from ehlokit import clients

os.environ.setdefault("EHLO_BIN_DIR", str(BIN_DIR))

SEND = clients.CLIENTS["ehlo-send"]
ASK_OPTIONS = (("plain", "--exec"), ("starttls", "--exec-starttls"), ("tls", "--exec-tls"),
               ("auth", "--exec-auth"))
# A client that sends its lines as a small script says them: `python3 -c SCRIPT {port}`.
PYTHON = sys.executable


def send_options(program=None):
    """--exec options that run ehlo-send (or `program` in its place) for every ask."""
    options = []
    for ask, option in ASK_OPTIONS:
        command = SEND.command(ask)
        if program:
            command = command.replace(str(BIN_DIR / "ehlo-send"), program, 1)
        options += [option, command]
    return options


def report(tmp_path, *args, timeout=300):
    """Runs ehlo-check with a JSON report: (process, {id: result})."""
    path = tmp_path / "report.json"
    done = run_check(*args, "--json", path, timeout=timeout)
    results = json.loads(path.read_text())["scenarios"] if path.is_file() else []
    return done, {result["id"]: result for result in results}


def test_ehlo_send_passes_every_client_scenario(tmp_path):
    done, results = report(tmp_path, *send_options(), "--jobs", "8")
    assert done.returncode == 0, done.stdout[-3000:]
    assert len(results) >= 85
    # PASS, or INFO where the scenario lets a client refuse a message it cannot send as it is
    others = {i: r["reason"] for i, r in results.items() if r["verdict"] != "PASS"}
    assert all(results[i]["verdict"] == "INFO" and "refused the message" in reason
               for i, reason in others.items()), others
    assert all(r["client_status"].startswith("exit ") for r in results.values())


def test_a_client_that_does_not_double_periods_is_found(tmp_path):
    mutant = f"{BIN_DIR / 'ehlo-send-mutant'} --mutant no-dot-stuffing"
    done, results = report(tmp_path, *send_options(mutant), "--only", "client/rfc5321/*")
    result = results["client/rfc5321/4.5.2/dot-stuffing"]
    assert done.returncode == 0  # WARN is no failure
    assert result["verdict"] == "WARN"
    assert "was not doubled" in result["reason"]
    assert result["requirement"].startswith("5321-4.5.2-c")


def test_a_client_that_never_connects_gets_error_with_its_status(tmp_path):
    done, results = report(tmp_path, "--exec", "echo nothing to send; exit 3", "--timeout", "20",
                           "--only", "client/rfc5321/*")
    result = results["client/rfc5321/4.5.2/dot-stuffing"]
    assert done.returncode == 1
    assert result["verdict"] == "ERROR"
    assert "ended without connecting" in result["reason"]
    assert result["client_status"] == "exit 3"
    assert "nothing to send" in result["client_output"]


def test_a_client_that_hangs_is_killed_and_gets_error(tmp_path):
    # It connects and then says nothing: the step times out, and the process is ended.
    script = ("import socket,sys,time; s=socket.create_connection(('127.0.0.1',int(sys.argv[1])));"
              "time.sleep(120)")
    done, results = report(tmp_path, "--exec", f"{PYTHON} -c \"{script}\" {{port}}",
                           "--timeout", "1", "--only", "client/rfc5321/*")
    result = results["client/rfc5321/4.5.2/dot-stuffing"]
    assert result["verdict"] == "ERROR"
    assert "within the time limit" in result["reason"]
    assert result["client_status"] == "killed by ehlo-check: it had not exited"


def test_a_flooding_client_gets_error_and_bounded_memory(tmp_path):
    # 200 MiB without a line end, as fast as it can: the runner stops reading at 64 KiB.
    script = ("import socket,sys; s=socket.create_connection(('127.0.0.1',int(sys.argv[1])));"
              "s.recv(100); b=b'x'*65536\n"
              "try:\n for _ in range(3200): s.sendall(b)\nexcept OSError: pass")
    done, results = report(tmp_path, "--exec", f"{PYTHON} -c \"{script}\" {{port}}",
                           "--only", "client/rfc5321/*")
    result = results["client/rfc5321/4.5.2/dot-stuffing"]
    assert result["verdict"] == "ERROR"
    assert "more than ehlo-check reads as one line" in result["reason"]


def test_a_client_that_reports_sent_for_a_refused_message_is_warned(tmp_path):
    # The permanent refusal of RCPT: ehlo-send says QUIT and fails; the wrapper exits 0.
    command = SEND.command("plain") + " ; exit 0"
    done, results = report(tmp_path, "--exec", command, "--only", "client/faults/rcpt/permanent")
    result = results["client/faults/rcpt/permanent"]
    assert result["verdict"] == "WARN"
    assert "exited 0" in result["reason"]


def test_unknown_placeholder_and_server_options_are_usage_errors():
    done = run_check("--exec", "swaks --to {recipient}")
    assert done.returncode == 2 and "{recipient}" in done.stderr
    done = run_check("127.0.0.1:25", "--exec", "true")
    assert done.returncode == 2 and "judge clients" in done.stderr


def test_listen_lists_one_address_per_scenario_with_the_standard_opening():
    done = run_check("--listen", "127.0.0.1:0", "--list")
    assert done.returncode == 0
    addresses = [line.split()[0] for line in done.stdout.splitlines()]
    assert "faults.rcpt.permanent@mx.ehlo-check.test" not in addresses  # no standard opening
    assert "rfc5321.4.5.2.dot-stuffing@mx.ehlo-check.test" in addresses
    assert all(len(address.split("@")[0]) <= 64 for address in addresses)


def wait_for_line(process, start, timeout):
    """The first line of the process's output that starts with `start`."""
    while select.select([process.stdout], [], [], timeout)[0]:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith(start):
            return line
    process.kill()
    raise AssertionError(f"ehlo-check --listen printed no '{start}'")


def start_listener(tmp_path, *args):
    """ehlo-check --listen on a free port: (process, port, report path)."""
    path = tmp_path / "listen.json"
    process = subprocess.Popen(
        [str(BIN_DIR / "ehlo-check"), "--listen", "127.0.0.1:0", "--json", str(path), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = wait_for_line(process, "listening on ", timeout=10)
    port = int(re.search(r":(\d+) ", line).group(1))
    return process, port, path


def test_listen_judges_a_client_by_its_recipient(tmp_path):
    listener, port, path = start_listener(tmp_path, "--only", "client/rfc5321/4.5.2/dot-stuffing",
                                          "--listen-for", "60")
    message = tmp_path / "message.eml"
    message.write_text("Subject: t\r\n\r\n.leading dot\r\nThe last line of the message.\r\n")
    sent = subprocess.run([str(BIN_DIR / "ehlo-send"), "--server", f"127.0.0.1:{port}",
                           "--from", "a@client.test", "--to",
                           "rfc5321.4.5.2.dot-stuffing@relay.test", str(message)],
                          capture_output=True, text=True, timeout=60)
    listener.wait(timeout=60)
    results = {r["id"]: r for r in json.loads(path.read_text())["scenarios"]}
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert results["client/rfc5321/4.5.2/dot-stuffing"]["verdict"] == "PASS"
    assert listener.returncode == 0


@pytest.mark.parametrize("relay", clients.RELAYS)
def test_listen_judges_an_mta_relaying_through_it(tmp_path, relay):
    listener, port, path = start_listener(tmp_path, "--only", "client/rfc5321/4.5.2/dot-stuffing",
                                          "--listen-for", "120")
    mta = clients.start_relay(relay, port)
    try:
        mta.submit("sender@client.test", ["rfc5321.4.5.2.dot-stuffing@relay.test"],
                   "Subject: t\r\n\r\n.leading dot\r\nThe last line of the message.\r\n")
        listener.wait(timeout=150)
    finally:
        mta.stop()
        if listener.poll() is None:
            listener.kill()
    result = {r["id"]: r for r in json.loads(path.read_text())["scenarios"]}[
        "client/rfc5321/4.5.2/dot-stuffing"]
    assert result["verdict"] in ("PASS", "WARN", "FAIL"), result["reason"]
    assert any(line["side"] == "client" and line["text"].startswith("..leading")
               for line in result["log"]), "the relayed message was not judged"
