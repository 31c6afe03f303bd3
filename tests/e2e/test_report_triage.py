"""The reports of ehlo-check as CI reads them (docs/reports.md): the JUnit file validates
against the Jenkins JUnit schema (restated in tests/schemas/junit-jenkins.xsd, checked with
xmllint) for the demo and for a run with every outcome, WARN stays in sight, and a baseline
shows in every output: the finding it knows marked known (console, JSON, JUnit <skipped>), the
entry that no longer applies reported as fixed, the tally saying how many are known.

The run with every outcome is a small suite against the demo server: a FAIL, a WARN, a SKIP,
an ERROR (half a command: the reply cannot come within --timeout) and a PASS that the baseline
still lists as FAIL."""

import json
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from test_html_report import BROWSER_TIMEOUT, Scenarios, browser
from check_support import GREETING_AND_QUIT, NEEDS_DSN, WRONG_REPLY, run_check, suite, verdict_of
from conftest import SOURCE_DIR

SCHEMA = SOURCE_DIR / "tests" / "schemas" / "junit-jenkins.xsd"

WARNS = WRONG_REPLY.replace("expects NOOP to be refused, which no server does",
                            "NOOP answered 250 counts as a WARN here").replace(
                                "S: 500", "S: 250 => WARN")
# `C~` sends NOOP without its line end: the server waits for the rest, no reply comes.
STUCK = WRONG_REPLY.replace("expects NOOP to be refused, which no server does",
                            "half a command, then a reply that cannot come").replace(
                                "C: NOOP\nS: 500", "C~ NOOP\nS: 250")


def assert_valid_junit(path):
    """xmllint validates `path` against the schema, or the test fails with what it said."""
    xmllint = shutil.which("xmllint")
    if xmllint is None:
        pytest.fail("xmllint is not installed: run tools/setup (libxml2-utils)")
    done = subprocess.run([xmllint, "--noout", "--schema", str(SCHEMA), str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def triage(tmp_path_factory):
    """The small suite run twice: first writing a baseline, then against that baseline (its
    FAIL known, plus an entry for the PASS), with JSON and two JUnit files."""
    folder = tmp_path_factory.mktemp("triage")
    root = suite(folder, wrong=WRONG_REPLY, warn=WARNS, dsn=NEEDS_DSN, stuck=STUCK,
                 fine=GREETING_AND_QUIT)
    written = folder / "written.txt"
    first = run_check("--scenarios", root, "--timeout", "1", "--junit", folder / "first.xml",
                      "--write-baseline", written)
    assert first.returncode == 1, first.stdout + first.stderr
    wrong = [line for line in written.read_text().splitlines() if line.startswith("mine/wrong ")]
    baseline = folder / "baseline.txt"
    baseline.write_text("# known on the demo\n" + "\n".join(wrong) + "\nmine/fine FAIL\n")
    paths = {"root": root, "first": folder / "first.xml", "written": written,
             "baseline": baseline, "json": folder / "run.json", "xml": folder / "run.xml",
             "strict": folder / "strict.xml", "html": folder / "run.html",
             "profile": folder / "profile"}
    paths["run"] = run_check("--scenarios", root, "--timeout", "1", "--baseline", baseline,
                             "--json", paths["json"], "--junit", paths["xml"],
                             "--html", paths["html"])
    paths["strict_run"] = run_check("--scenarios", root, "--timeout", "1", "--baseline", baseline,
                                    "--junit", paths["strict"], "--junit-warn-as-failure")
    return paths


def junit_cases(path):
    """{id: testcase element} of a JUnit file, the id rebuilt from classname and name."""
    suite_node = ElementTree.parse(path).getroot().find("testsuite")
    return suite_node, {case.get("classname") + "/" + case.get("name"): case
                        for case in suite_node.findall("testcase")}


def test_the_demo_junit_validates(tmp_path):
    report = tmp_path / "demo.xml"
    done = run_check("--junit", report, timeout=240)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert_valid_junit(report)
    root = ElementTree.parse(report).getroot()
    assert root.get("skipped") is None  # the schema allows it on a testsuite only
    assert not root.findall("testsuite/testcase/properties")
    classnames = {case.get("classname") for case in root.iter("testcase")}
    assert "rfc5321" in classnames and not any("." in name for name in classnames)


def test_every_outcome_validates(triage):
    for name in ("first", "xml", "strict"):
        assert_valid_junit(triage[name])
    _, cases = junit_cases(triage["first"])
    assert cases["mine/wrong"].find("failure") is not None
    assert cases["mine/stuck"].find("error") is not None
    assert cases["mine/dsn"].find("skipped") is not None


def test_write_baseline_writes_the_reason_with_the_reply_text_as_a_star(triage):
    lines = triage["written"].read_text().splitlines()
    assert "mine/wrong FAIL the reply to NOOP was 250 2.0.0 *; expected 500" in lines
    assert any(line.startswith("mine/stuck ERROR no reply within the time limit")
               for line in lines)


def test_console_marks_the_known_finding_and_the_fixed_entry(triage):
    run = triage["run"]
    # The ERROR is not in the baseline: still exit 1.
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert verdict_of(run.stdout, "mine/wrong") == "FAIL"  # the id stays the second word
    assert any(line.startswith("FAIL  mine/wrong (known): the reply to NOOP was 250")
               for line in lines)
    assert "PASS  mine/fine (fixed)" in lines
    assert "FAIL  mine/wrong (known)" in lines  # its details
    assert "Baseline entries that no longer apply (" + str(triage["baseline"]) + "):" in lines
    assert "  mine/fine: fixed: remove it from the baseline" in lines
    assert lines[-1].startswith("5 scenarios: 1 PASS, 1 FAIL (1 known from baseline.txt), "
                                "1 WARN, 1 SKIP, 1 ERROR in ")
    assert lines[-1].endswith("; 1 baseline entry no longer applies")


def test_json_marks_the_known_finding_and_the_fixed_entry(triage):
    import jsonschema  # python3-jsonschema, as test_reports.py uses

    document = json.loads(triage["json"].read_text(encoding="utf-8"))
    schema = json.loads((SOURCE_DIR / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["baseline_file"] == str(triage["baseline"])
    assert document["baseline_counts"] == {"known": 1, "fixed": 1, "new_failures": 1}
    marks = {s["id"]: (s["baseline"], s["baseline_listed"]) for s in document["scenarios"]}
    assert marks["mine/wrong"] == ("known", "FAIL the reply to NOOP was 250 2.0.0 *; expected 500")
    assert marks["mine/fine"] == ("fixed", "FAIL")
    assert marks["mine/stuck"] == ("none", "")


def test_junit_skips_the_known_finding_and_keeps_warn_in_sight(triage):
    suite_node, cases = junit_cases(triage["xml"])
    known = cases["mine/wrong"]
    assert known.find("failure") is None
    assert known.find("skipped").get("message").startswith(
        "known FAIL (baseline): the reply to NOOP was 250")
    assert "\nbaseline: fixed: remove it from the baseline (listed: FAIL)\n" in \
        cases["mine/fine"].findtext("system-out")
    assert (suite_node.get("failures"), suite_node.get("errors"), suite_node.get("skipped")) == \
        ("0", "1", "2")
    properties = {p.get("name"): p.get("value") for p in suite_node.iter("property")}
    assert properties["WARN"] == "mine/warn"
    assert properties["baseline_known"] == "mine/wrong"
    assert properties["baseline_fixed"] == "mine/fine"
    assert cases["mine/warn"].find("failure") is None
    assert cases["mine/warn"].findtext("system-out").startswith("WARN mine/warn\n")


def test_junit_warn_as_failure(triage):
    assert triage["strict_run"].returncode == 1  # the ERROR
    suite_node, cases = junit_cases(triage["strict"])
    failure = cases["mine/warn"].find("failure")
    assert failure is not None and failure.get("type") == "WARN"
    assert failure.get("message").startswith("the reply to NOOP was 250")
    assert suite_node.get("failures") == "1"


def test_html_marks_the_known_finding_and_hides_it_on_request(triage):
    page = triage["html"].read_text(encoding="utf-8")
    assert "baseline.txt" in page and "Fixed since the baseline" in page
    items = Scenarios(page).items
    assert items["mine/wrong"]["verdict"] == "FAIL" and 'data-known="1"' in page
    uri = triage["html"].resolve().as_uri()

    def shown(suffix):
        done = subprocess.run(
            browser(f"--user-data-dir={triage['profile']}", "--dump-dom", uri + suffix),
            capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
        assert "<html" in done.stdout, done.stderr[-2000:]
        return Scenarios(done.stdout).shown()

    assert "mine/wrong" in shown("")
    hidden = shown("?known=hide")
    assert "mine/wrong" not in hidden and "mine/warn" in hidden
