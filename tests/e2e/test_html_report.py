"""The HTML report made for triage (docs/reports.md, HTML), rendered in headless Chromium.

ehlo-check runs the suite against a sloppy server (loopback, scripted here) that accepts
everything, so the run has FAIL, WARN, INFO and SKIP, and that never answers HELP and sends a
reply to VRFY that would be markup if it were not escaped, so it has ERROR and hostile text
too. The page must list the findings grouped FAIL, ERROR, WARN, INFO before
the folded PASS and SKIP, with each scenario's id as anchor; show everything without
JavaScript; and, once Chromium has run its script, hide what a filter given in the address
leaves out (`?verdict=FAIL`, `?q=rcpt`, `#verdict=ERROR`) and open the folded list that
holds the scenario an anchor names. Set EHLO_HTML_SCREENSHOTS=DIR to keep the screenshots
of the whole page and of a filtered one."""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import BIN_DIR
from ehlokit.scripted import Conversation, ScriptedServer

RUN_TIMEOUT = 240
BROWSER_TIMEOUT = 120
HOSTILE = "<script>alert('x')</script> \"quoted\""
GROUP_ORDER = ["FAIL", "ERROR", "WARN", "INFO", "PASS", "SKIP"]


def sloppy(conn, stop):
    """One connection of a server that says yes to everything."""
    talk = Conversation(conn)
    conn.settimeout(30)
    talk.send("220 sloppy.example.test ESMTP\r\n")
    while not stop.is_set() and (line := talk.line()) is not None:
        verb = line.split(" ", 1)[0].upper()
        if verb == "EHLO":
            talk.send("250-sloppy.example.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
        elif verb == "HELP":
            talk.until_quit()  # no answer: the scenario times out, it cannot be judged
            return
        elif verb == "DATA":
            talk.send("354 go on\r\n")
            talk.data()
            talk.send("250 ok\r\n")
        elif verb == "QUIT":
            talk.send("221 bye\r\n")
            return
        elif verb == "VRFY":
            talk.send(f"252 {HOSTILE}\r\n")
        else:
            talk.send("250 ok\r\n")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The report of one run against the sloppy server, with its JSON twin."""
    workdir = tmp_path_factory.mktemp("html-report")
    page, document = workdir / "report.html", workdir / "report.json"
    with ScriptedServer(sloppy) as server:
        done = subprocess.run(
            [str(BIN_DIR / "ehlo-check"), server.address(), "--timeout", "3",
             "--html", str(page), "--json", str(document)],
            capture_output=True, text=True, timeout=RUN_TIMEOUT,
            env={**os.environ, "NO_COLOR": "1"})
    output = f"exit {done.returncode}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr}"
    assert done.returncode == 1, output
    return {"page": page, "json": json.loads(document.read_text(encoding="utf-8")),
            "dir": workdir}


class Scenarios(HTMLParser):
    """The scenarios of a page as its markup has them: id, verdict, and whether hidden; the
    groups in their order, and which <details> are open."""

    def __init__(self, text):
        super().__init__()
        self.items, self.groups, self.open_ids, self.form_hidden = {}, [], set(), None
        self.shown_text, self._in_shown = "", False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-verdict" in attrs:
            self.items[attrs["id"]] = {"verdict": attrs["data-verdict"],
                                       "hidden": "hidden" in attrs,
                                       "text": attrs["data-text"]}
        if "data-group" in attrs:
            self.groups.append(attrs["data-group"])
        if tag == "details" and "open" in attrs and "id" in attrs:
            self.open_ids.add(attrs["id"])
        if tag == "form" and attrs.get("id") == "filters":
            self.form_hidden = "hidden" in attrs
        self._in_shown = attrs.get("id") == "shown"

    def handle_endtag(self, tag):
        self._in_shown = False

    def handle_data(self, data):
        if self._in_shown:
            self.shown_text += data

    def shown(self):
        return {id_ for id_, item in self.items.items() if not item["hidden"]}


def browser(*args):
    program = shutil.which("chromium")
    if program is None:
        pytest.fail("chromium is not installed: run tools/setup")
    return [program, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", *args]


def dom_after_script(run, suffix=""):
    """The page's DOM as Chromium has it once the script ran, opened at its address + suffix."""
    done = subprocess.run(
        browser(f"--user-data-dir={run['dir'] / 'profile'}", "--dump-dom",
                run["page"].resolve().as_uri() + suffix),
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    assert "<html" in done.stdout, f"no DOM (exit {done.returncode})\n{done.stderr[-2000:]}"
    return Scenarios(done.stdout)


def screenshot(run, suffix, name):
    png = run["dir"] / name
    done = subprocess.run(
        browser(f"--user-data-dir={run['dir'] / 'profile'}", f"--screenshot={png}",
                "--window-size=1280,1600", run["page"].resolve().as_uri() + suffix),
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    assert png.is_file(), f"no screenshot (exit {done.returncode})\n{done.stderr[-2000:]}"
    keep = os.environ.get("EHLO_HTML_SCREENSHOTS")
    if keep:
        shutil.copy(png, Path(keep) / name)
    return png


def verdicts_of(run):
    return {s["id"]: s["verdict"] for s in run["json"]["scenarios"]}


def test_the_run_has_every_kind_of_finding(run):
    tally = run["json"]["tally"]
    for verdict in ("FAIL", "ERROR", "WARN", "INFO", "PASS", "SKIP"):
        assert tally[verdict] > 0, f"no {verdict} against the sloppy server: {tally}"


def test_the_markup_groups_the_findings_and_shows_everything(run):
    text = run["page"].read_text(encoding="utf-8")
    page = Scenarios(text)
    assert {id_: item["verdict"] for id_, item in page.items.items()} == verdicts_of(run)
    assert page.groups == GROUP_ORDER
    assert page.shown() == set(page.items)  # without the script, nothing is hidden
    assert page.form_hidden is True  # nor is there a filter bar that would do nothing
    # The findings, in group order, before the section table; each id is its anchor.
    order = [text.index(f'id="{id_}"') for id_ in page.items]
    verdicts = [page.items[id_]["verdict"] for id_ in page.items]
    assert [GROUP_ORDER.index(v) for v in verdicts] == sorted(GROUP_ORDER.index(v)
                                                              for v in verdicts)
    assert max(order) < text.index('<h2 id="sections">')
    # The hostile reply is text, never markup.
    assert text.count("<script") == 1
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;quoted&quot;" in text


def test_a_verdict_in_the_address_hides_the_others(run):
    dom = dom_after_script(run, "?verdict=FAIL")
    assert dom.form_hidden is False
    fails = {id_ for id_, v in verdicts_of(run).items() if v == "FAIL"}
    assert dom.shown() == fails
    assert dom.shown_text == f"{len(fails)} of {len(dom.items)} scenarios shown"


def test_a_search_and_a_fragment_filter_combine(run):
    dom = dom_after_script(run, "?q=RCPT")
    shown = dom.shown()
    assert shown and shown != set(dom.items)
    for id_, item in dom.items.items():
        assert (id_ in shown) == ("rcpt" in item["text"].lower()), id_
    errors = dom_after_script(run, "#verdict=ERROR&q=help")
    expected = {id_ for id_, item in errors.items.items()
                if item["verdict"] == "ERROR" and "help" in item["text"].lower()}
    assert expected and errors.shown() == expected


def test_an_anchor_opens_the_folded_scenario(run):
    passing = sorted(id_ for id_, v in verdicts_of(run).items() if v == "PASS")[0]
    assert passing not in Scenarios(run["page"].read_text(encoding="utf-8")).open_ids
    dom = dom_after_script(run, "#" + passing)
    assert passing in dom.open_ids
    assert dom.shown() == set(dom.items)


def test_screenshots_of_the_whole_and_a_filtered_page(run):
    whole = screenshot(run, "", "html-report-1.png")
    filtered = screenshot(run, "?verdict=FAIL,ERROR&q=mail", "html-report-2.png")
    for png in (whole, filtered):
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(data) > 20_000, f"{png.name}: {len(data)} bytes, a blank page?"
    assert whole.read_bytes() != filtered.read_bytes()
