"""The command lines of the three programs, as a user first meets them: --version (the version
alone on the first line, then the commit, OpenSSL, and for ehlo-check the suite's size), --help
ending with examples and the exit codes, and the common mistakes answered in plain words (what
is wrong, how to fix it, where to read more) with exit 2, never in CLI11's own terms."""

import re
import subprocess

import pytest

from conftest import BIN_DIR, SOURCE_DIR

PROGRAMS = ["ehlo-server", "ehlo-send", "ehlo-check"]
CLI11_JARGON = ["not expected", "could not be converted", "Could not convert", "RequiredError",
                "required TEXT missing", "ExtrasError", "excludes", "not in range"]


def run(program, *args):
    return subprocess.run([str(BIN_DIR / program), *map(str, args)], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("program", PROGRAMS)
def test_version_names_the_program_commit_and_openssl(program):
    result = run(program, "--version")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(rf"{program} \d+\.\d+\.\d+", lines[0]), lines
    assert re.fullmatch(r"commit: \S+", lines[1]), lines
    assert re.fullmatch(r"OpenSSL: OpenSSL 3\.\S+ .*", lines[2]), lines


def test_check_version_counts_the_suite_and_the_catalog():
    lines = run("ehlo-check", "--version").stdout.splitlines()
    listed = run("ehlo-check", "--list", "--slow").stdout.splitlines()
    clients = run("ehlo-check", "--list", "--slow", "--exec", "true").stdout.splitlines()
    suite = re.fullmatch(r"suite: (\d+) scenarios \((\d+) server, (\d+) client\) in (.+)",
                         lines[3])
    assert suite, lines
    assert int(suite[2]) == len(listed) and int(suite[3]) == len(clients)
    assert int(suite[1]) == len(listed) + len(clients)
    catalog_rows = (SOURCE_DIR / "docs" / "requirements.tsv").read_text().count("\n") - 1
    assert lines[4] == f"catalog: {catalog_rows} requirements"


def test_check_version_reports_the_suite_it_is_given(tmp_path):
    (tmp_path / "one.smtp").write_text((SOURCE_DIR / "scenarios" / "rfc5321" / "4.1.4"
                                        / "rcpt-before-mail.smtp").read_text())
    lines = run("ehlo-check", "--version", "--scenarios", tmp_path).stdout.splitlines()
    assert lines[3] == f"suite: 1 scenarios (1 server, 0 client) in {tmp_path}"


@pytest.mark.parametrize("program, code", [("ehlo-server", "2"), ("ehlo-send", "77"),
                                           ("ehlo-check", "2")])
def test_help_ends_with_examples_and_exit_codes(program, code):
    text = run(program, "--help").stdout
    examples = text.index("Examples:")
    exits = max(text.rfind("Exit status"), text.rfind("Exit codes"))
    assert examples < exits, "the exit codes come last"
    assert f"  {program} " in text[examples:exits]
    assert code in text[exits:]


MISTAKES = [
    ("ehlo-send", ["--sever", "127.0.0.1:25", "-f", "a@example.org", "-t", "b@example.test"],
     "unknown option '--sever'; did you mean --server?"),
    ("ehlo-send", ["--to", "b@example.test"],
     "missing --server HOST[:PORT] and --from ADDRESS: they are required"),
    ("ehlo-send", ["-s", "127.0.0.1:25", "-f", "a@example.org", "-t"],
     "--to needs a value: --to ADDRESS"),
    ("ehlo-send", ["-s", "127.0.0.1:25", "-f", "a@example.org", "-t", "b@example.test",
                   "--timeout", "soon"],
     "--timeout: 'soon' is not a number: give a number from 1 to 3600"),
    ("ehlo-send", ["-s", "127.0.0.1:x", "-f", "a@example.org", "-t", "b@example.test"],
     "--server: bad address '127.0.0.1:x': the port must be a number"),
    ("ehlo-send", ["-s", "127.0.0.1:25", "-f", "a@example.org", "-t", "b@example.test",
                   "one.eml", "two.eml"],
     "unexpected argument 'two.eml': there is room for one MESSAGE-FILE only"),
    ("ehlo-server", ["--max-size", "x", "--discard"],
     "--max-size: 'x' is not a whole number above 0"),
    ("ehlo-server", ["--discard", "extra"],
     "unexpected argument 'extra': only options are taken"),
    ("ehlo-server", ["--listen", "localhost", "--discard"],
     "--listen: bad address 'localhost': the port is missing"),
    ("ehlo-server", ["--discrad"], "unknown option '--discrad'; did you mean --discard?"),
    ("ehlo-server", ["--tls-cert"], "--tls-cert needs a value: --tls-cert FILE"),
    ("ehlo-check", ["127.0.0.1:1", "--jobs", "lots"],
     "--jobs: 'lots' is not a number: give a number from 1 to 256"),
    ("ehlo-check", ["127.0.0.1:1", "--baseline", "/no/such/file"],
     "--baseline: no file '/no/such/file': check the path"),
    ("ehlo-check", ["127.0.0.1:1", "127.0.0.1:2"],
     "unexpected argument '127.0.0.1:2': there is room for one HOST:PORT only"),
    ("ehlo-check", ["127.0.0.1:1", "--starttls", "--tls"], "exclude each other: give one"),
]


@pytest.mark.parametrize("program, args, message", MISTAKES)
def test_common_mistakes_in_plain_words(program, args, message):
    result = run(program, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"{program}: "), result.stderr
    assert message in result.stderr, result.stderr
    assert f"See '{program} --help' for the options." in result.stderr
    for jargon in CLI11_JARGON:
        assert jargon not in result.stderr, result.stderr
