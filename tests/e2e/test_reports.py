"""The report files of ehlo-check (docs/reports.md) from a whole run of the demo (no target: the
reference server in-process): the JSON is valid after docs/report-schema.json, the JUnit XML
holds one testcase per scenario of the JSON, and the HTML page renders in a headless browser
to a picture with something on it. A run that judges a client (--exec, a small smtplib
client that delivers and then exits 3) carries the client's exit and output in every format."""

import json
import os
import shlex
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from conftest import BIN_DIR, SOURCE_DIR

RUN_TIMEOUT = 240
BROWSER_TIMEOUT = 120
WIDTH, HEIGHT = 1280, 2000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Runs the demo once with all three report files; yields their paths and the output."""
    workdir = tmp_path_factory.mktemp("reports")
    paths = {name: workdir / f"report.{name}" for name in ("json", "xml", "html")}
    command = [str(BIN_DIR / "ehlo-check"), "--json", str(paths["json"]),
               "--junit", str(paths["xml"]), "--html", str(paths["html"])]
    done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          env={**os.environ, "NO_COLOR": "1"})
    output = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    # 0: no FAIL, 1: some FAIL; 2 would mean it could not run (docs/reports.md).
    assert done.returncode in (0, 1), output
    for path in paths.values():
        assert path.is_file() and path.stat().st_size > 0, f"{path} missing\n{output}"
    paths["stdout"] = done.stdout
    paths["returncode"] = done.returncode
    return paths


def load_json(reports):
    return json.loads(reports["json"].read_text(encoding="utf-8"))


def validate(document):
    """Checks `document` against docs/report-schema.json."""
    try:
        import jsonschema
    except ImportError:
        pytest.fail("python3-jsonschema is not installed: run tools/setup")
    schema = json.loads((SOURCE_DIR / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def test_json_follows_the_schema(reports):
    document = load_json(reports)
    validate(document)
    assert all(s["client_status"] == s["client_output"] == "" for s in document["scenarios"])
    scenarios = document["scenarios"]
    assert scenarios, "the demo ran no scenario"
    assert document["tally"]["total"] == len(scenarios)
    ids = [scenario["id"] for scenario in scenarios]
    assert ids == sorted(ids)
    assert (reports["returncode"] == 1) == (document["tally"]["FAIL"] > 0)


def test_console_ends_with_the_tally(reports):
    document = load_json(reports)
    lines = reports["stdout"].strip().splitlines()
    assert lines, "no console output"
    assert lines[-1].startswith(f"{document['tally']['total']} scenario")
    assert "\x1b" not in reports["stdout"]  # NO_COLOR, and not a terminal


def test_junit_has_one_testcase_per_scenario(reports):
    import xml.etree.ElementTree as ElementTree

    document = load_json(reports)
    root = ElementTree.parse(reports["xml"]).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    testcases = suite.findall("testcase")
    assert len(testcases) == len(document["scenarios"])
    tally = document["tally"]
    assert int(suite.get("tests")) == tally["total"]
    assert int(suite.get("failures")) == tally["FAIL"] == len(suite.findall("testcase/failure"))
    assert int(suite.get("errors")) == tally["ERROR"] == len(suite.findall("testcase/error"))
    assert int(suite.get("skipped")) == tally["SKIP"] == len(suite.findall("testcase/skipped"))
    # For these ids, classname + "/" + name is the id (the classname: its RFC part, rfc5321).
    ids = {case.get("classname") + "/" + case.get("name") for case in testcases}
    assert ids == {scenario["id"] for scenario in document["scenarios"]}


def png_facts(path: Path):
    """The width, height and the number of distinct bytes of the decompressed image data: a
    blank page of one colour has a handful, a rendered report hundreds."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is no PNG"
    position, width, height, idat = 8, 0, 0, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    pixels = zlib.decompress(idat)
    return width, height, len(set(pixels))


def screenshot(tmp_path: Path, page: Path, name: str) -> Path:
    browser = shutil.which("chromium")
    if browser is None:
        pytest.fail("chromium is not installed: run tools/setup")
    png = tmp_path / name
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}",
         f"--window-size={WIDTH},{HEIGHT}", "--user-data-dir=" + str(tmp_path / "profile"),
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    assert png.is_file(), f"no screenshot (exit {done.returncode})\n{done.stderr[-2000:]}"
    return png


def test_html_is_self_contained(reports):
    import re

    page = reports["html"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<script") == page.count("<script>") == 1  # its own filter, inline
    for forbidden in ("<link", "src=", "url(", "@import"):
        assert forbidden not in page
    for target in re.findall(r'href="([^"]*)"', page):
        assert target.startswith("#") or target.startswith("https://www.rfc-editor.org/rfc/")
    assert page.count('<details class="scenario') == len(load_json(reports)["scenarios"])


def test_html_renders_in_a_browser(reports, tmp_path):
    shot = screenshot(tmp_path, reports["html"], "report.png")
    width, height, distinct = png_facts(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    blank_page = tmp_path / "blank.html"
    blank_page.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    blank = screenshot(tmp_path, blank_page, "blank.png")
    _, _, blank_distinct = png_facts(blank)
    assert shot.stat().st_size > 20_000
    assert shot.stat().st_size > 5 * blank.stat().st_size
    assert distinct > 4 * blank_distinct


# A client that delivers the message, says so, and exits with the status it is given: with 3,
# its caller is told the delivery failed, a WARN for a scenario whose message is accepted.
CLIENT_SCENARIO = "client/rfc5321/4.5.2/dot-stuffing"
CLIENT = """import smtplib, sys
host, port, sender, rcpt, message, status = sys.argv[1:7]
print("test client: sending to", rcpt)
with smtplib.SMTP(host, int(port), timeout=30) as smtp:
    smtp.sendmail(sender, [rcpt], open(message, "rb").read())
print("test client: sent <ok> & done")
sys.exit(int(status))
"""


@pytest.fixture(scope="module")
def client_reports(tmp_path_factory):
    """Judges the client above by one scenario, with all three report files; yields their paths
    and the console's output."""
    workdir = tmp_path_factory.mktemp("client-reports")
    script = workdir / "client.py"
    script.write_text(CLIENT, encoding="utf-8")
    paths = {name: workdir / f"report.{name}" for name in ("json", "xml", "html")}
    command = (f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} "
               "{host} {port} {from} {rcpt} {message} 3")
    done = subprocess.run(
        [str(BIN_DIR / "ehlo-check"), "--only", CLIENT_SCENARIO, "--rcpt", "bob@example.test",
         "--exec", command, "--json", str(paths["json"]), "--junit", str(paths["xml"]),
         "--html", str(paths["html"])],
        capture_output=True, text=True, timeout=RUN_TIMEOUT, env={**os.environ, "NO_COLOR": "1"})
    output = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode in (0, 1), output
    paths["stdout"] = done.stdout
    paths["command"] = command
    return paths


def test_client_run_json_holds_the_exit_and_output(client_reports):
    document = load_json(client_reports)
    validate(document)
    assert document["target"] == "client: " + client_reports["command"]
    assert [s["id"] for s in document["scenarios"]] == [CLIENT_SCENARIO]
    scenario = document["scenarios"][0]
    assert scenario["verdict"] == "WARN", scenario
    assert scenario["client_status"] == "exit 3", scenario
    assert scenario["client_output"] == (
        "test client: sending to bob@example.test\ntest client: sent <ok> & done\n")


def test_client_run_console_junit_and_html(client_reports):
    import xml.etree.ElementTree as ElementTree

    lines = client_reports["stdout"].splitlines()
    assert "      client: exit 3" in lines
    assert "        test client: sent <ok> & done" in lines
    root = ElementTree.parse(client_reports["xml"]).getroot()
    outputs = [case.findtext("system-out") for case in root.iter("testcase")]
    assert len(outputs) == 1
    assert outputs[0].endswith("\nclient: exit 3\nclient output:\n  test client: sending to "
                               "bob@example.test\n  test client: sent <ok> & done\n")
    page = client_reports["html"].read_text(encoding="utf-8")
    assert '<p class="client-status">client: <code>exit 3</code></p>' in page
    assert "test client: sent &lt;ok&gt; &amp; done" in page
    assert "<ok>" not in page
