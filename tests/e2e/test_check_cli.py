"""ehlo-check end to end (docs/ehlo-check.md): the demo, a real ehlo-server as target, choosing
scenarios, the exit status (0 no FAIL or ERROR, 1 some, 2 usage or could not run), the
baseline, politeness (--no-delivery, --rcpt), and hostile servers that must end in ERROR
within the time limit and in bounded memory.
"""

import re
import threading
import time

import pytest

from check_support import (GREETING_AND_QUIT, NEEDS_DSN, SENDS_MESSAGE, WRONG_REPLY, run_check,
                           suite, verdict_of)
from conftest import DOMAIN
from ehlokit.certificates import make_certificate
from ehlokit.processes import free_port
from ehlokit.scripted import ScriptedServer

TIMEOUT = 2  # --timeout of the hostile-server tests, in seconds
SLACK = 8  # what the process may take beyond discovery and one scenario timing out

def assert_status_follows_verdicts(result):
    """Exit 1 exactly when a FAIL or ERROR was printed, else 0; returns {id: verdict}."""
    verdicts = {}
    for line in result.stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"):
            verdicts.setdefault(words[1].rstrip(":"), words[0])
    assert verdicts, result.stdout + result.stderr
    expected = 1 if {"FAIL", "ERROR"} & set(verdicts.values()) else 0
    assert result.returncode == expected, result.stdout + result.stderr
    return verdicts


def test_demo_checks_the_in_process_server():
    # Whether the reference server passes every scenario is the suite's business; here: the
    # demo runs the whole suite, every scenario gets a verdict, and none is an ERROR.
    result = run_check()
    assert "(the in-process reference server)" in result.stdout
    verdicts = assert_status_follows_verdicts(result)
    assert "ERROR" not in verdicts.values()
    listed = [line.split()[0] for line in run_check("--list").stdout.splitlines()]
    assert sorted(verdicts) == sorted(listed)
    assert verdict_of(result.stdout, "rfc5321/4.1.4/rcpt-before-mail") == "PASS"


def test_version_and_help():
    assert run_check("--version").stdout.strip().startswith("ehlo-check ")
    help_text = run_check("--help").stdout
    for option in ["--starttls", "--tls", "--rcpt", "--only", "--baseline", "--no-delivery",
                   "--max-connections", "--rate", "Exit status"]:
        assert option in help_text


def test_list_prints_ids_and_titles_without_a_target():
    result = run_check("--list")
    assert result.returncode == 0
    assert "rfc5321/4.1.4/rcpt-before-mail  RCPT before MAIL" in result.stdout
    only = run_check("--list", "--only", "*/4.1.4/*").stdout.splitlines()
    assert only == [line for line in only if "/4.1.4/" in line] and only


def test_against_ehlo_server_with_rcpt(server):
    result = run_check(f"127.0.0.1:{server.port}", "--rcpt", f"bob@{DOMAIN}", "--jobs", "4",
                       "--rate", "0")
    assert f"target: 127.0.0.1:{server.port}" in result.stdout
    assert "PIPELINING" in result.stdout  # the keywords discovery saw
    assert "ERROR" not in assert_status_follows_verdicts(result).values()
    assert "give --rcpt" not in result.stdout


def test_without_rcpt_scenarios_needing_it_are_skipped(server):
    result = run_check(f"127.0.0.1:{server.port}")
    assert_status_follows_verdicts(result)
    assert verdict_of(result.stdout, "rfc5321/4.1.4/rcpt-before-mail") == "SKIP"
    assert "uses {rcpt}; give --rcpt" in result.stdout


def test_only_runs_the_matching_scenarios(server):
    result = run_check(f"127.0.0.1:{server.port}", "--only", "rfc5321/4.1.1.9/*")
    assert result.returncode == 0
    assert "rfc5321/4.1.1.9/noop-parameter" in result.stdout
    assert "rfc5321/4.1.4/rcpt-before-mail" not in result.stdout


def test_a_fail_exits_1_and_a_baseline_excuses_it(tmp_path):
    root = suite(tmp_path, wrong=WRONG_REPLY, fine=GREETING_AND_QUIT)
    result = run_check("--scenarios", root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict_of(result.stdout, "mine/wrong") == "FAIL"
    assert verdict_of(result.stdout, "mine/fine") == "PASS"
    baseline = tmp_path / "baseline.txt"
    written = run_check("--scenarios", root, "--write-baseline", baseline)
    assert written.returncode == 1
    assert "mine/wrong FAIL" in baseline.read_text()
    excused = run_check("--scenarios", root, "--baseline", baseline)
    assert excused.returncode == 0, excused.stdout + excused.stderr


def test_a_baseline_entry_that_passes_now_is_reported(tmp_path):
    root = suite(tmp_path, fine=GREETING_AND_QUIT)
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("# known\nmine/fine FAIL\n")
    result = run_check("--scenarios", root, "--baseline", baseline)
    assert result.returncode == 0
    assert "  mine/fine: fixed: remove it from the baseline" in result.stdout.splitlines()


def test_a_baseline_entry_matches_on_the_reason_too(tmp_path):
    root = suite(tmp_path, wrong=WRONG_REPLY)
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("mine/wrong FAIL the reply to NOOP was 250 *; expected 500\n")
    assert run_check("--scenarios", root, "--baseline", baseline).returncode == 0
    baseline.write_text("mine/wrong FAIL the reply to NOOP was 421 *; expected 500\n")
    changed = run_check("--scenarios", root, "--baseline", baseline)
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert "FAIL  mine/wrong (changed): the reply to NOOP was 250" in changed.stdout
    assert "  mine/wrong: changed, a new finding: update it in the baseline" in changed.stdout


def test_a_baseline_id_no_scenario_has_stops_the_run(tmp_path):
    root = suite(tmp_path, fine=GREETING_AND_QUIT)
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("# known\nmine/fine FAIL\nmine/gone FAIL\n")
    result = run_check("--scenarios", root, "--baseline", baseline)
    assert result.returncode == 2
    assert f"{baseline}:3: 'mine/gone' is no scenario of the suite" in result.stderr
    assert "target:" not in result.stdout  # refused before running


def test_a_baseline_entry_of_a_scenario_not_selected_is_left_alone(tmp_path):
    root = suite(tmp_path, fine=GREETING_AND_QUIT, wrong=WRONG_REPLY)
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("mine/wrong PASS\n")
    result = run_check("--scenarios", root, "--baseline", baseline, "--only", "mine/fine")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no longer appl" not in result.stdout


def test_requires_not_advertised_is_skip_naming_the_keyword(tmp_path):
    result = run_check("--scenarios", suite(tmp_path, dsn=NEEDS_DSN))
    assert result.returncode == 0
    assert verdict_of(result.stdout, "mine/dsn") == "SKIP"
    assert "requires DSN, not advertised" in result.stdout


def test_no_delivery_skips_scenarios_that_send_data(tmp_path):
    root = suite(tmp_path, message=SENDS_MESSAGE)
    delivered = run_check("--scenarios", root)
    assert delivered.returncode == 0, delivered.stdout + delivered.stderr
    assert verdict_of(delivered.stdout, "mine/message") == "PASS"
    skipped = run_check("--scenarios", root, "--no-delivery")
    assert skipped.returncode == 0
    assert verdict_of(skipped.stdout, "mine/message") == "SKIP"
    assert "could complete a message; --no-delivery" in skipped.stdout


@pytest.mark.parametrize("args, complaint", [
    (["--jobs", "0"], "--jobs"),
    (["--starttls", "--tls", "127.0.0.1:25"], "exclude each other"),
    (["--frobnicate"], "--frobnicate"),
    (["--starttls"], "give a target"),
    (["localhost"], "HOST:PORT"),
    (["--only", "nothing-matches-this"], "--list"),
])
def test_bad_usage_exits_2(args, complaint):
    result = run_check(*args)
    assert result.returncode == 2
    assert complaint in result.stderr


# A value for every option of ehlo-check that takes one (None: a flag). Files and folders are
# made by `option_values`. An option of --help missing here fails test_every_option_is_tested.
OPTION_VALUES = {
    "--starttls": None, "--tls": None, "--insecure": None, "--ca-file": "CA_FILE",
    "--tls-name": "mx.example.test", "--rcpt": "me@example.test", "--from": "f@example.test",
    "--auth": "alice:secret", "--client": "client.example.test", "--only": "rfc5321/4.1.4/*",
    "--tag": "sequence", "--level": "MUST", "--slow": None, "--list": None, "--lint": None,
    "--no-delivery": None, "--scenarios": "SUITE", "--jobs": "2", "--max-connections": "2",
    "--rate": "0", "--timeout": "3", "--time-scale": "0.5", "--baseline": "BASELINE",
    "--write-baseline": "WRITTEN", "--json": "JSON", "--junit": "JUNIT", "--html": "HTML",
    "--junit-warn-as-failure": None,
    "--exec": "true {port}", "--exec-starttls": "true {port}", "--exec-tls": "true {port}",
    "--exec-auth": "true {port}", "--listen": "127.0.0.1:0", "--listen-for": "5",
}


@pytest.fixture(scope="module")
def option_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("options")
    ca, _ = make_certificate(folder, "ca.test", ip=False)
    (folder / "baseline.txt").write_text("# nothing known\n")
    root = folder / "suite" / "rfc5321" / "4.1.4"
    root.mkdir(parents=True)
    (root / "greeting.smtp").write_text(GREETING_AND_QUIT.replace("requires: -",
                                                                  "requires: -\ntags: sequence"))
    return {"CA_FILE": ca, "BASELINE": folder / "baseline.txt", "SUITE": folder / "suite",
            "WRITTEN": folder / "written.txt", "JSON": folder / "r.json",
            "JUNIT": folder / "r.xml", "HTML": folder / "r.html"}


def occurrence(option, files):
    value = OPTION_VALUES[option]
    return [option] if value is None else [option, str(files.get(value, value))]


def test_every_option_is_tested():
    listed = set(re.findall(r"^\s+(--[a-z-]+)", run_check("--help").stdout, re.M))
    assert listed - {"--help", "--version"} == set(OPTION_VALUES)


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("option", sorted(OPTION_VALUES))
def test_no_option_swallows_the_target(option, where, option_files):
    # An unreachable target: a run that took it stops at once with exit 2; one that lost it
    # to an option would run the demo instead.
    target = f"127.0.0.1:{free_port()}"
    given = occurrence(option, option_files)
    result = run_check(*(given + [target] if where == "before" else [target] + given))
    if option == "--list":  # lists and exits before reaching the target
        assert result.returncode == 0, result.stderr
        assert "rfc5321/4.1.4/rcpt-before-mail" in result.stdout
        return
    if option.startswith("--exec") or option == "--listen":  # judges clients: no target
        assert result.returncode == 2, result.stderr
        assert "judge clients: leave out the server HOST:PORT" in result.stderr
        return
    if option == "--lint":  # checks the scenarios and exits before reaching the target
        assert result.returncode == 0, result.stderr
        assert "lint: " in result.stdout and " 0 problems" in result.stdout
        return
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr
    assert f"cannot connect to {target}" in result.stderr
    assert "the in-process reference server" not in result.stdout


def test_the_reported_case_checks_the_target_not_the_demo():
    target = f"127.0.0.1:{free_port()}"
    result = run_check("--only", "rfc5321/4.1.4/*", target)
    assert result.returncode == 2
    assert f"cannot connect to {target}" in result.stderr
    assert "check HOST:PORT" in result.stderr


def test_every_option_at_once_with_the_target_anywhere(option_files):
    # --tls and --insecure exclude --starttls and --ca-file; --list and --lint would not
    # connect; --exec and --listen judge clients, with no target.
    options = [occurrence(o, option_files) for o in sorted(OPTION_VALUES)
               if o not in ("--tls", "--insecure", "--list", "--lint")
               and not o.startswith("--exec") and o != "--listen"]
    for at in range(0, len(options) + 1, 4):
        target = f"127.0.0.1:{free_port()}"
        words = [w for o in options[:at] for w in o] + [target] + \
            [w for o in options[at:] for w in o]
        result = run_check(*words)
        assert result.returncode == 2, (words, result.stderr)
        assert f"cannot connect to {target}" in result.stderr


def test_unreachable_target_exits_2():
    result = run_check(f"127.0.0.1:{free_port()}", "--timeout", "3")
    assert result.returncode == 2
    assert "cannot connect" in result.stderr


def test_scenario_parse_errors_exit_2_with_file_and_line(tmp_path):
    root = suite(tmp_path, bad=GREETING_AND_QUIT.replace("S: 221", "S: 50"))
    result = run_check("--scenarios", root)
    assert result.returncode == 2
    assert "bad.smtp:9:" in result.stderr


def test_starttls_against_a_server_without_it_exits_2(server):
    result = run_check(f"127.0.0.1:{server.port}", "--starttls")
    assert result.returncode == 2
    assert "does not advertise STARTTLS" in result.stderr


def endless_reply(conn, stop):
    while not stop.is_set():
        conn.sendall(b"220-more to come\r\n" * 100)


def giant_line(conn, stop):
    conn.sendall(b"220 " + b"x" * (1 << 20))
    stop.wait(30)


def no_greeting(conn, stop):
    stop.wait(30)


def byte_a_second(conn, stop):
    for byte in b"220 slowly but surely\r\n":
        if stop.wait(1):
            return
        conn.sendall(bytes([byte]))


def close_mid_reply(conn, stop):
    conn.sendall(b"220-first line of two\r\n")


@pytest.mark.parametrize("behave", [endless_reply, giant_line, no_greeting, byte_a_second,
                                    close_mid_reply])
def test_hostile_server_gives_error_in_time(tmp_path, behave):
    hostile = ScriptedServer(behave)
    try:
        started = time.monotonic()
        result = run_check(f"127.0.0.1:{hostile.port}", "--timeout", TIMEOUT,
                           "--scenarios", suite(tmp_path, greeting=GREETING_AND_QUIT),
                           timeout=60)
        elapsed = time.monotonic() - started
    finally:
        hostile.close()
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict_of(result.stdout, "mine/greeting") == "ERROR"
    assert elapsed < 2 * TIMEOUT + SLACK
    # ehlo-check's own peak memory against such servers is measured in test_hostile_peers.py.


def counting_server(delay):
    """A scripted server that greets, answers QUIT after `delay` seconds, and counts the
    connections open at once."""
    state = {"open": 0, "most": 0, "total": 0}
    lock = threading.Lock()

    def behave(conn, stop):
        with lock:
            state["open"] += 1
            state["total"] += 1
            state["most"] = max(state["most"], state["open"])
        try:
            conn.settimeout(10)
            conn.sendall(b"220 counting\r\n")
            reader = conn.makefile("rb")
            while line := reader.readline():
                if line.strip().upper() == b"QUIT":
                    stop.wait(delay)
                    conn.sendall(b"221 bye\r\n")
                    return
                conn.sendall(b"250 ok\r\n")
        finally:
            with lock:
                state["open"] -= 1

    return ScriptedServer(behave), state


def test_max_connections_bounds_the_connections_open_at_once(tmp_path):
    files = {f"s{i}": GREETING_AND_QUIT for i in range(4)}
    server, state = counting_server(0.3)
    try:
        result = run_check(f"127.0.0.1:{server.port}", "--jobs", "4", "--max-connections", "1",
                           "--rate", "0", "--scenarios", suite(tmp_path, **files))
    finally:
        server.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert state["total"] == 5  # discovery and four scenarios
    assert state["most"] == 1


def test_jobs_run_scenarios_in_parallel(tmp_path):
    files = {f"s{i}": GREETING_AND_QUIT for i in range(4)}
    server, state = counting_server(0.5)
    try:
        result = run_check(f"127.0.0.1:{server.port}", "--jobs", "4", "--rate", "0",
                           "--scenarios", suite(tmp_path, **files))
    finally:
        server.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert state["most"] > 1


def test_rate_spaces_new_connections(tmp_path):
    files = {f"s{i}": GREETING_AND_QUIT for i in range(3)}
    server, _ = counting_server(0)
    try:
        started = time.monotonic()
        result = run_check(f"127.0.0.1:{server.port}", "--jobs", "3", "--rate", "2",
                           "--scenarios", suite(tmp_path, **files))
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert elapsed >= 1.0  # three connections half a second apart


def test_slow_scenarios_run_only_when_asked(tmp_path):
    slow = GREETING_AND_QUIT.replace("requires: -", "requires: -\ntags: slow")
    root = suite(tmp_path, slow=slow, quick=GREETING_AND_QUIT)
    assert run_check("--scenarios", root, "--list").stdout.split() == [
        "mine/quick", "the", "greeting,", "then", "QUIT"]
    assert "mine/slow" in run_check("--scenarios", root, "--list", "--slow").stdout
    assert "mine/slow" in run_check("--scenarios", root, "--list", "--tag", "slow").stdout


def test_a_message_goes_to_rcpt_and_nowhere_else(server, tmp_path):
    root = suite(tmp_path, message=SENDS_MESSAGE)
    target = f"127.0.0.1:{server.port}"
    without = run_check(target, "--scenarios", root)
    assert verdict_of(without.stdout, "mine/message") == "SKIP"
    result = run_check(target, "--scenarios", root, "--rcpt", f"bob@{DOMAIN}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdict_of(result.stdout, "mine/message") == "PASS"
    delivered = list((server.maildir / DOMAIN / "bob" / "new").iterdir())
    assert len(delivered) == 1


def test_greeting_and_keywords_reach_the_terminal_escaped(tmp_path):
    def escape_codes(conn, stop):
        conn.settimeout(10)
        conn.sendall(b"220-mx.example.test \x1b[2J\x1b]0;owned\x07\r\n220 second \x1b[31m\r\n")
        reader = conn.makefile("rb")
        while line := reader.readline():
            if line.upper().startswith(b"EHLO"):
                conn.sendall(b"250-mx.example.test\r\n250 X-\x1b[5mBLINK\r\n")
            elif line.strip().upper() == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")

    server = ScriptedServer(escape_codes)
    try:
        result = run_check(f"127.0.0.1:{server.port}", "--scenarios",
                           suite(tmp_path, greeting=GREETING_AND_QUIT))
    finally:
        server.close()
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "greeting: 220 mx.example.test \\x1b[2J\\x1b]0;owned\\x07\n" in result.stdout
    assert "          220 second \\x1b[31m\n" in result.stdout
    assert "keywords: X-\\x1b[5MBLINK\n" in result.stdout  # keywords in upper case


def not_run_lines(stdout):
    """The lines under "Not run, by reason:", without their indentation."""
    lines = stdout.split("Not run, by reason:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in lines.splitlines()]


def test_the_summary_says_what_was_not_run_and_what_would_run_it(server):
    result = run_check(f"127.0.0.1:{server.port}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    skipped = sum(1 for line in result.stdout.splitlines()
                  if line.startswith("SKIP ") and line.endswith("give --rcpt"))
    assert skipped > 100
    groups = not_run_lines(result.stdout)
    assert f"{skipped} skipped: need --rcpt" in groups
    slow = len(run_check("--list", "--tag", "slow").stdout.splitlines())
    assert slow > 0 and f"{slow} not selected: tagged slow, add --slow" in groups
    with_all = run_check(f"127.0.0.1:{server.port}", "--rcpt", f"bob@{DOMAIN}", "--jobs", "4",
                         "--rate", "0", "--only", "rfc5321/4.1.4/*")
    groups = not_run_lines(with_all.stdout)
    assert not any("--rcpt" in group for group in groups)
    assert any(group.endswith("not selected: outside --only, --tag, --level") for group in groups)
