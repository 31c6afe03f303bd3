"""The wire-log pages of docs/results/logs/: one compact HTML page per server (written by
tools/results) or client (tools/client_results, as clients-NAME.html), made from the JSON report
of its `ehlo-check --json` run, with one section per scenario whose id is the scenario id, so
the matrix links to `logs/postfix.html#rfc5321/4.1.1.4/crlf-dot-lf-not-end`. A section holds
the verdict, the runner's reason, the requirement it rests on, the expected and received
lines, and the wire log as ehlo-check's console prints it (seconds, [connection], C:/S:/*).
A long run of lines from one side, such as the body of a big message, keeps its first and last
lines and says how many it leaves out.

With `keep_passing=False` a PASS section keeps its anchor and verdict but not its log, so the
pages stay small when the passing logs would make them large.

Python 3 standard library only.
"""

import re
from html import escape, unescape
from pathlib import Path
from urllib.parse import quote

VERDICT_COLOURS = {"PASS": "#2e7d32", "FAIL": "#c62828", "WARN": "#ef8f00",
                   "INFO": "#0277bd", "SKIP": "#888", "ERROR": "#6a1b9a"}
LOGS_FOLDER = "logs"
SIDE_PREFIXES = {"client": "C:", "server": "S:", "note": "*"}
# A run of more lines than LONG_RUN from one side keeps RUN_HEAD lines and RUN_TAIL lines.
LONG_RUN, RUN_HEAD, RUN_TAIL = 40, 20, 10
SECTION = re.compile(r'<section id="([^"]+)" data-verdict="([A-Z]+)"')

STYLE = """\
body{font-family:system-ui,sans-serif;margin:1rem 1.5rem;color:#222;max-width:75rem}
section{border-top:1px solid #ddd;padding:.3rem 0}
section:target{background:#fffbe6}
h2{font-size:.95rem;margin:.2rem 0;font-weight:600}
h2 a{color:inherit}
.v{color:#fff;padding:0 .35rem;border-radius:3px;font-size:.8rem}
.t{font-weight:400;color:#555}
p{margin:.2rem 0}
pre{background:#f6f6f6;padding:.3rem .5rem;margin:.2rem 0;overflow-x:auto;font-size:.8rem}
.meta{color:#555}
li{margin:.3rem 0}
""" + "".join(f".v-{v}{{background:{c}}}\n" for v, c in VERDICT_COLOURS.items())


def page_path(results_folder, key):
    """docs/results/logs/KEY.html."""
    return Path(results_folder) / LOGS_FOLDER / f"{key}.html"


def log_href(key, scenario):
    """The link from docs/results/ to a scenario's section: logs/KEY.html#ID."""
    return f"{LOGS_FOLDER}/{quote(key)}.html#{quote(scenario, safe='/.-_')}"


def transcript_line(line):
    """One log line as ehlo-check's console writes it: '  0.012 [1] C: EHLO ...'."""
    at = line["at_ms"]
    prefix = SIDE_PREFIXES.get(line["side"], "*")
    return f"{at // 1000:3d}.{at % 1000:03d} [{line['connection']}] {prefix} {line['text']}"


def same_side_runs(log):
    """The log's lines grouped into runs of consecutive lines of one side and connection."""
    runs = []
    for line in log:
        if runs and (runs[-1][0]["side"], runs[-1][0]["connection"]) == \
                (line["side"], line["connection"]):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def transcript(log):
    """The transcript of a whole log, long runs shortened."""
    lines = []
    for run in same_side_runs(log):
        text = [transcript_line(line) for line in run]
        if len(text) > LONG_RUN:
            left_out = len(text) - RUN_HEAD - RUN_TAIL
            text[RUN_HEAD:-RUN_TAIL] = [f"{'':10}[... {left_out} lines left out ...]"]
        lines += text
    return "\n".join(lines)


def verdict_badge(verdict):
    return f'<span class="v v-{escape(verdict)}">{escape(verdict)}</span>'


def details(scenario):
    """The paragraphs and blocks under a section's heading, for a verdict that is kept."""
    parts = []
    if scenario["reason"]:
        parts.append(f"<p>{escape(scenario['reason'])}</p>")
    if scenario["requirement"]:
        parts.append(f"<p>Rests on {escape(scenario['requirement'])}</p>")
    if scenario["explanation"]:
        parts.append(f"<pre>{escape(scenario['explanation'])}</pre>")
    if scenario.get("client_status"):
        parts.append(f"<p>The client's process: {escape(scenario['client_status'])}</p>")
    if scenario.get("client_output"):
        parts.append(f"<p>What it printed (the end):</p>"
                     f"<pre>{escape(scenario['client_output'])}</pre>")
    if scenario["log"]:
        parts.append(f"<pre>{escape(transcript(scenario['log']))}</pre>")
    return parts


def section(scenario, keep_passing):
    ident = escape(scenario["id"])
    verdict = scenario["verdict"]
    heading = (f'<h2><a href="#{ident}">{ident}</a> {verdict_badge(verdict)} '
               f'<span class="t">{escape(scenario["title"])}</span></h2>')
    body = details(scenario) if keep_passing or verdict != "PASS" else []
    return "\n".join([f'<section id="{ident}" data-verdict="{escape(verdict)}">', heading,
                      *body, "</section>"])


def index_of_non_passing(scenarios):
    """A list of the scenarios that did not pass, by verdict, the worst first."""
    items = []
    for verdict in ("FAIL", "ERROR", "WARN", "INFO", "SKIP"):
        ids = [escape(s["id"]) for s in scenarios if s["verdict"] == verdict]
        if ids:
            links = ", ".join(f'<a href="#{ident}">{ident}</a>' for ident in ids)
            items.append(f"<li>{verdict_badge(verdict)} {len(ids)}: {links}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>Every scenario passed.</p>"


def log_page(heading, report, back_link, keep_passing=True):
    """The page as text. `heading`: what ran (a server's or client's name); `report`: the
    parsed --json report; `back_link`: (href, text) of the page that links here."""
    tally = ", ".join(f"{report['tally'][v]} {v}" for v in VERDICT_COLOURS
                      if report["tally"].get(v))
    kept = ("" if keep_passing else " The wire logs of PASS verdicts are left out to keep "
            "these pages small; <code>--all-logs</code> of the tool that writes them keeps "
            "them.")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Wire logs: {escape(heading)}</title>", f"<style>{STYLE}</style></head><body>",
        f"<h1>Wire logs: {escape(heading)}</h1>",
        f'<p class="meta">Back to <a href="{escape(back_link[0])}">{escape(back_link[1])}</a>. '
        f"ehlo-check {escape(report['tool_version'])}, run {escape(report['started_at'])}: {tally}. "
        "Each log line: seconds since the scenario started, [connection], C: what the client "
        f"sent, S: what the server sent, * a note of the runner.{kept}</p>",
        index_of_non_passing(report["scenarios"]),
        *(section(s, keep_passing) for s in report["scenarios"]),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_log_page(results_folder, key, heading, report, back_link, keep_passing=True):
    """Writes docs/results/logs/KEY.html; returns its size in bytes."""
    path = page_path(results_folder, key)
    path.parent.mkdir(exist_ok=True)
    text = log_page(heading, report, back_link, keep_passing)
    path.write_text(text)
    return len(text.encode())


def recorded_verdicts(path):
    """{scenario id: verdict} of the sections of a written page; {} when there is none."""
    if not Path(path).is_file():
        return {}
    return {unescape(ident): verdict
            for ident, verdict in SECTION.findall(Path(path).read_text())}
