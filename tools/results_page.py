"""The results matrix as one self-contained HTML page (docs/results/matrix.html), written by
tools/results next to the Markdown README: one row per scenario, one column per server, each
cell coloured by its verdict as in ehlo-check's own HTML report and linked to the scenario's
wire log on that server (docs/results/logs/, tools/ehlokit/wire_logs.py). A verdict that is not
PASS has a "why" link: it opens the explanation under the row (with the page's script), or
jumps to it in the list of all explanations under the matrix (without). The explanations are
Markdown written by hand (explanations.tsv), rendered by tools/ehlokit/inline_markdown.py.

Filters by verdict and by server (results_page.js, inline) hide rows and columns; the page's
address can preset them and open explanations, e.g.
`matrix.html#verdict=FAIL,ERROR&server=postfix,exim&open=postfix:rfc5321/4.1.1.4/crlf-dot-lf-not-end`.
Without scripts the filters are not shown and everything is.

Python 3 standard library only.
"""

from html import escape
from pathlib import Path

from ehlokit.inline_markdown import to_html
from ehlokit.wire_logs import VERDICT_COLOURS, log_href

SCRIPT = Path(__file__).with_name("results_page.js")

STYLE = """\
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;font-size:.85rem}
th,td{border:1px solid #ddd;padding:.15rem .4rem;text-align:left}
th{background:#f4f4f4}
#matrix thead th{position:sticky;top:0;z-index:1}
td.v{text-align:center;font-weight:600;white-space:nowrap}
td.v a{color:#fff;text-decoration:none}
td.v a:hover{text-decoration:underline}
td.v a.why{font-weight:400;font-size:.75rem;margin-left:.3rem;text-decoration:underline}
td.v.dim{opacity:.2}
tr.rfc th{background:#e8eaf6}
td code{font-size:.8rem}
tr.why-row td{background:#fafafa;font-size:.85rem}
tr.why-row p{margin:.2rem 0;max-width:70rem}
.explained td{vertical-align:top}
.explained td.text{max-width:60rem}
.meta{color:#555;max-width:70rem}
form{margin:.5rem 0 1rem}
fieldset{display:inline-block;border:1px solid #ddd;margin:0 .5rem .3rem 0;font-size:.85rem}
label{margin-right:.6rem;white-space:nowrap}
.badge{color:#fff;padding:0 .3rem;border-radius:3px}
.badge a{color:#fff}
""" + "".join(f".v-{v}{{background:{c}}}\n" for v, c in VERDICT_COLOURS.items())


def rfc_of(scenario):
    """'rfc5321/4.1.4/rcpt-before-mail' -> 'rfc5321' (the suite's top folder)."""
    return scenario.split("/", 1)[0]


def why_id(name, scenario):
    """The id of an explanation in the list under the matrix."""
    return f"why-{name}-{scenario}"


def badge(verdict):
    return f'<span class="badge v-{escape(verdict)}">{escape(verdict)}</span>'


def verdict_cell(name, scenario, verdict, explained):
    """A cell: the verdict, linked to the wire log; a 'why' link when it is explained."""
    if verdict == "-":
        return f'<td class="v" data-server="{escape(name)}" data-verdict="-">-</td>'
    why = (f' <a class="why" href="#{escape(why_id(name, scenario))}" '
           f'data-open="{escape(name)}">why</a>' if explained else "")
    return (f'<td class="v v-{escape(verdict)}" data-server="{escape(name)}" '
            f'data-verdict="{escape(verdict)}"><a href="{escape(log_href(name, scenario))}">'
            f"{escape(verdict)}</a>{why}</td>")


def matrix_rows(names, verdicts, explanations):
    rows, group = [], None
    for scenario in sorted({s for table in verdicts.values() for s in table}):
        if rfc_of(scenario) != group:
            group = rfc_of(scenario)
            rows.append(f'<tr class="rfc"><th colspan="{len(names) + 1}">{escape(group)}</th></tr>')
        cells = []
        for name in names:
            verdict = verdicts[name].get(scenario, "-")
            explained = verdict != "PASS" and (name, scenario) in explanations
            cells.append(verdict_cell(name, scenario, verdict, explained))
        rows.append(f'<tr data-scenario="{escape(scenario)}"><td><code>{escape(scenario)}</code>'
                    f"</td>{''.join(cells)}</tr>")
    return rows


def totals_rows(names, verdicts, order):
    rows = []
    for verdict in order:
        counts = [sum(1 for v in verdicts[n].values() if v == verdict) for n in names]
        cells = "".join(f'<td data-server="{escape(n)}">{count}</td>'
                        for n, count in zip(names, counts))
        rows.append(f"<tr><th>{badge(verdict)}</th>{cells}</tr>")
    return rows


def explained_rows(name, verdicts, explanations):
    rows = []
    for scenario, verdict in sorted(verdicts[name].items()):
        if verdict == "PASS" or (name, scenario) not in explanations:
            continue
        text = to_html(explanations[(name, scenario)][1])
        rows.append(f'<tr id="{escape(why_id(name, scenario))}" data-server="{escape(name)}" '
                    f'data-verdict="{escape(verdict)}"><td><code>{escape(scenario)}</code></td>'
                    f'<td class="v v-{escape(verdict)}"><a href="'
                    f'{escape(log_href(name, scenario))}">{escape(verdict)}</a></td>'
                    f'<td class="text">{text}</td></tr>')
    return rows


def explained_sections(names, labels, verdicts, explanations):
    parts = []
    for name in names:
        parts += [f'<section data-server="{escape(name)}">',
                  f'<h3 id="why-{escape(name)}">{escape(labels[name])}</h3>',
                  '<table class="explained"><tr><th>scenario</th><th>verdict (wire log)</th>'
                  "<th>why</th></tr>", *explained_rows(name, verdicts, explanations),
                  "</table></section>"]
    return parts


def filter_form(names, labels, order):
    """The filters; hidden until the script shows them, as they need it."""
    verdicts = "".join(f'<label><input type="checkbox" name="verdict" value="{escape(v)}" '
                       f"checked> {badge(v)}</label>" for v in order)
    servers = "".join(f'<label><input type="checkbox" name="server" value="{escape(n)}" '
                      f"checked> {escape(labels[n])}</label>" for n in names)
    return (f'<form id="filters" hidden><fieldset><legend>Verdicts</legend>{verdicts}</fieldset>'
            f"<fieldset><legend>Servers</legend>{servers}</fieldset>"
            '<p class="meta" id="shown"></p></form>')


HOW_TO_READ = (
    '<p class="meta">Written by <code>tools/results</code> from <code>verdicts.json</code>, '
    "<code>explanations.tsv</code> and the runs' wire logs; how the runs are made is in "
    '<a href="README.md">README.md</a>. One row per scenario, one column per server. Click a '
    "verdict to read that scenario's wire log on that server; click <em>why</em> beside a "
    "verdict that is not PASS to open its explanation under the row. Every explanation is also "
    'listed <a href="#explanations">under the matrix</a>. The filters (they need scripts '
    "enabled) hide the verdicts and servers not ticked; the address keeps them, e.g. "
    "<code>matrix.html#verdict=FAIL,ERROR&amp;server=postfix,exim</code>.</p>")


def page(labels, verdicts, explanations, order):
    """The whole HTML page as text. `labels`: server name -> column label, in column order;
    `verdicts`: server -> {scenario id: verdict}; `explanations`: (server, id) -> (verdict,
    text); `order`: the verdicts in the order the totals list them."""
    names = [name for name in labels if name in verdicts]
    head = "".join(f'<th data-server="{escape(n)}">{escape(labels[n])}</th>' for n in names)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Ehlo: the suite against SMTP servers</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>The suite against SMTP servers</h1>", HOW_TO_READ,
        filter_form(names, labels, order),
        "<h2>Totals</h2>", f"<table><tr><th></th>{head}</tr>",
        *totals_rows(names, verdicts, order), "</table>",
        "<h2>The matrix</h2>", f'<table id="matrix"><thead><tr><th>scenario</th>{head}</tr>'
        "</thead><tbody>", *matrix_rows(names, verdicts, explanations), "</tbody></table>",
        '<h2 id="explanations">Why each verdict that is not PASS</h2>',
        *explained_sections(names, labels, verdicts, explanations),
        f"<script>\n{SCRIPT.read_text()}</script>", "</body></html>",
    ]
    return "\n".join(parts) + "\n"
