"""The results pages of docs/results (tools/results, tools/client_results): the Markdown of the
hand-written explanations rendered as HTML with everything else escaped, the wire-log pages,
and the committed matrix page, README and client page, whose every verdict links to a wire-log
section that exists. The matrix page's filters are checked in headless Chromium.
"""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

import results_page  # tools/results_page.py, on the module path by pytest.ini
from conftest import SOURCE_DIR
from ehlokit.inline_markdown import to_html, to_plain
from ehlokit.wire_logs import log_page, recorded_verdicts, write_log_page

RESULTS = SOURCE_DIR / "docs" / "results"
ORDER = ["PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"]


# -- the Markdown of the explanations

@pytest.mark.parametrize("text, html", [
    ("Accepts `MAIL FROM: <a@b>` with 250", "Accepts <code>MAIL FROM: &lt;a@b&gt;</code> with 250"),
    ("see [interop](../interop.md#peers)", 'see <a href="../interop.md#peers">interop</a>'),
    ("**must** and *should* and _may_", "<strong>must</strong> and <em>should</em> and <em>may</em>"),
    ("`relay_domains_reject_code` and relay_domains_x", "<code>relay_domains_reject_code</code> and "
     "relay_domains_x"),
    ("ends at <CRLF>.<CRLF> & more", "ends at &lt;CRLF&gt;.&lt;CRLF&gt; &amp; more"),
    ("`` a`b ``", "<code>a`b</code>"),
    (r"\*not emphasis\*", "*not emphasis*"),
    ("2 * 3 * 4", "2 * 3 * 4"),
])
def test_markdown_subset_is_rendered(text, html):
    assert to_html(text) == html


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**<b onclick=x>**",
    "[click](javascript:alert)",
    "[click](JavaScript:void)",
    "[click](data:text/html,<b>)",
    '[x](http://e.test/"onmouseover="alert)',
    "`</code><script>`",
])
def test_hostile_markdown_is_escaped(hostile):
    html = to_html(hostile)
    assert "<script" not in html and "<img" not in html and "<b " not in html
    assert "javascript:" not in html.lower() and "data:" not in html
    assert ' onmouseover="' not in html
    # Only the tags the subset makes are left.
    assert set(re.findall(r"</?([a-z]+)", html)) <= {"a", "code", "em", "strong"}


def test_plain_text_drops_the_markup():
    assert to_plain("Accepts `250 OK` per [RFC](x.md), **not** _this_") == \
        "Accepts 250 OK per RFC, not this"


# -- the wire-log pages

def scenario(ident, verdict, text="EHLO a", reason=""):
    return {"id": ident, "title": f"title of {ident}", "verdict": verdict, "reason": reason,
            "requirement": "", "explanation": "", "client_status": "", "client_output": "",
            "log": [{"at_ms": 1234, "connection": 1, "side": "client", "text": text,
                     "step_line": 3}]}


def report(*scenarios):
    tally = {v: sum(1 for s in scenarios if s["verdict"] == v) for v in ORDER}
    return {"tool_version": "ehlo-check 1.0", "started_at": "2026-01-01T00:00:00Z",
            "tally": tally, "scenarios": list(scenarios)}


def test_a_log_page_escapes_the_wire_and_keeps_every_anchor(tmp_path):
    run = report(scenario("rfc5321/4.1.1/a", "PASS", "PASSING <LINE>"),
                 scenario("rfc5321/4.1.1/b", "FAIL", "<script>x</script>", reason="a & b"))
    write_log_page(tmp_path, "srv", "Server <1>", run, ("../matrix.html", "back"))
    page = (tmp_path / "logs" / "srv.html").read_text()
    assert "  1.234 [1] C: &lt;script&gt;x&lt;/script&gt;" in page
    assert "<script" not in page and "Server &lt;1&gt;" in page and "a &amp; b" in page
    assert recorded_verdicts(tmp_path / "logs" / "srv.html") == {
        "rfc5321/4.1.1/a": "PASS", "rfc5321/4.1.1/b": "FAIL"}


def test_a_log_page_can_leave_out_the_passing_logs():
    run = report(scenario("x/1/pass", "PASS", "PASSING LINE"),
                 scenario("x/1/fail", "FAIL", "FAILING LINE"))
    small = log_page("s", run, ("m.html", "m"), keep_passing=False)
    assert "FAILING LINE" in small and "PASSING LINE" not in small
    assert 'id="x/1/pass"' in small and "left out" in small
    assert "PASSING LINE" in log_page("s", run, ("m.html", "m"))


def test_a_long_run_of_one_side_is_shortened():
    body = scenario("x/1/big", "FAIL")
    line = body["log"][0]
    body["log"] = [dict(line, text=f"body line {n}") for n in range(100)] + \
        [dict(line, side="server", text="250 queued")]
    page = log_page("s", report(body), ("m.html", "m"))
    assert "body line 19\n" in page and "body line 20\n" not in page
    assert "[... 70 lines left out ...]" in page
    assert "body line 90\n" in page and "S: 250 queued" in page


# -- the matrix page

class Links(HTMLParser):
    """Every id, the matrix's cells with their links, the filter inputs and the scripts."""

    def __init__(self):
        super().__init__()
        self.ids, self.cells, self.inputs, self.scripts = set(), [], [], 0
        self.in_matrix = False
        self.filters_hidden = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "table":
            self.in_matrix = attrs.get("id") == "matrix"
        elif tag == "td" and self.in_matrix and "data-verdict" in attrs:
            self.cells.append({"verdict": attrs["data-verdict"], "links": []})
        elif tag == "a" and self.in_matrix and self.cells:
            self.cells[-1]["links"].append(attrs["href"])
        elif tag == "input":
            self.inputs.append((attrs.get("name"), attrs.get("value")))
        elif tag == "form" and attrs.get("id") == "filters":
            self.filters_hidden = "hidden" in attrs
        elif tag == "script":
            self.scripts += 1


def parse(text):
    links = Links()
    links.feed(text)
    return links


def target_exists(href, ids_of_page):
    """True when the file of a relative link exists under docs/results and, for an .html
    file, the fragment is a section of it."""
    parts = urlsplit(href)
    if not parts.path:
        return unquote(parts.fragment) in ids_of_page
    path = RESULTS / unquote(parts.path)
    if not path.is_file():
        return False
    return not parts.fragment or unquote(parts.fragment) in recorded_verdicts(path)


def test_every_cell_of_the_committed_matrix_links_to_its_wire_log():
    page = parse((RESULTS / "matrix.html").read_text())
    assert len(page.cells) > 1000, "the matrix has its cells"
    missing = []
    for cell in page.cells:
        if not cell["links"] or not all(target_exists(h, page.ids) for h in cell["links"]):
            missing.append(cell)
    assert not missing, f"{len(missing)} cells without a working link, e.g. {missing[:3]}"


def test_the_check_of_links_finds_a_broken_one():
    assert not target_exists("logs/postfix.html#no/such/scenario", set())
    assert not target_exists("logs/no-such-server.html#rfc5321/4.1.1/a", set())
    assert not target_exists("#why-nobody", {"why-somebody"})


def test_the_committed_matrix_has_filters_and_rendered_explanations():
    text = (RESULTS / "matrix.html").read_text()
    page = parse(text)
    assert page.filters_hidden is True and page.scripts == 1
    assert {value for name, value in page.inputs if name == "verdict"} == set(ORDER)
    servers = {value for name, value in page.inputs if name == "server"}
    assert {"ehlo-server", "postfix", "dovecot"} <= servers
    explained = re.findall(r'<td class="text">(.*?)</td>', text)
    assert len(explained) > 900
    assert not [e for e in explained if "`" in e], "an explanation kept its backticks"
    assert sum("<code>" in e for e in explained) > 200


def test_a_generated_matrix_escapes_hostile_explanations():
    labels = {"srv": "Server <one>"}
    verdicts = {"srv": {"rfc5321/1/a": "FAIL", "rfc5321/1/b": "PASS"}}
    hostile = {("srv", "rfc5321/1/a"): ("FAIL", "<img src=x onerror=alert(1)> `<b>`")}
    page = results_page.page(labels, verdicts, hostile, ORDER)
    assert "<img" not in page and "&lt;img src=x" in page and "<code>&lt;b&gt;</code>" in page
    assert "Server &lt;one&gt;" in page
    assert 'href="logs/srv.html#rfc5321/1/a"' in page and 'href="#why-srv-rfc5321/1/a"' in page


# -- the Markdown pages

def markdown_links(path):
    return re.findall(r"\]\(((?:logs/)[^)]+)\)", path.read_text())


def test_every_verdict_that_is_not_pass_in_the_readme_links_to_its_wire_log():
    text = (RESULTS / "README.md").read_text()
    table = [line for line in text.splitlines() if line.startswith("| `rfc")]
    bare = [line for line in table if re.search(r"\| (FAIL|WARN|INFO|SKIP|ERROR) ", line)]
    assert len(table) > 300 and not bare, bare[:3]
    links = markdown_links(RESULTS / "README.md")
    assert len(links) > 1000
    assert all(target_exists(link, set()) for link in links)


def test_the_client_page_links_to_the_client_wire_logs():
    links = markdown_links(RESULTS / "clients.md")
    assert len(links) > 50 and all(link.startswith("logs/clients-") for link in links)
    assert all(target_exists(link, set()) for link in links)


# -- the filters, in a browser

def test_the_filters_and_explanations_work_in_chromium(tmp_path):
    browser = shutil.which("chromium")
    if browser is None:
        pytest.fail("chromium is not installed: run tools/setup")
    labels = {"one": "One", "two": "Two"}
    verdicts = {"one": {"rfc1/1/a": "PASS", "rfc1/1/b": "PASS", "rfc2/1/c": "FAIL"},
                "two": {"rfc1/1/a": "FAIL", "rfc1/1/b": "PASS", "rfc2/1/c": "PASS"}}
    explanations = {("one", "rfc2/1/c"): ("FAIL", "Says `500` to *everything*"),
                    ("two", "rfc1/1/a"): ("FAIL", "Closes early")}
    page = tmp_path / "matrix.html"
    page.write_text(results_page.page(labels, verdicts, explanations, ORDER))
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         "--user-data-dir=" + str(tmp_path / "profile"),
         page.as_uri() + "#verdict=FAIL&server=one&open=one:rfc2/1/c"],
        capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert '<form id="filters">' in dom, done.stderr[-2000:]
    assert "Showing 1 of 3 scenarios." in dom
    hidden_rows = re.findall(r'<tr data-scenario="([^"]+)" hidden', dom)
    assert sorted(hidden_rows) == ["rfc1/1/a", "rfc1/1/b"]
    opened = re.search(r'<tr class="why-row">.*?</tr>', dom, re.S)
    assert opened and "<code>500</code> to <em>everything</em>" in opened.group(0)
    assert re.search(r'<th data-server="two" hidden', dom)
