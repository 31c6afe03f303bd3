"""The results matrix as one self-contained HTML page (docs/results/matrix.html), written by
tools/results next to the Markdown README: one row per scenario, one column per server, each
cell coloured by its verdict as in ehlo-check's own HTML report, with the explanation of a
verdict that is not PASS shown when the cell is pointed at and listed under the table.

Python 3 standard library only.
"""

from html import escape

VERDICT_COLOURS = {"PASS": "#2e7d32", "FAIL": "#c62828", "WARN": "#ef8f00",
                   "INFO": "#0277bd", "SKIP": "#888", "ERROR": "#6a1b9a"}

STYLE = """\
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;font-size:.85rem}
th,td{border:1px solid #ddd;padding:.15rem .4rem;text-align:left}
th{background:#f4f4f4;position:sticky;top:0}
td.v{color:#fff;text-align:center;font-weight:600}
tr.rfc th{background:#e8eaf6}
td code{font-size:.8rem}
.explained td{vertical-align:top}
.meta{color:#555}
""" + "".join(f"td.v-{v}{{background:{c}}}\n" for v, c in VERDICT_COLOURS.items())


def rfc_of(scenario):
    """'rfc5321/4.1.4/rcpt-before-mail' -> 'rfc5321' (the suite's top folder)."""
    return scenario.split("/", 1)[0]


def verdict_cell(verdict, explanation):
    title = f' title="{escape(explanation)}"' if explanation else ""
    return f'<td class="v v-{escape(verdict)}"{title}>{escape(verdict)}</td>'


def matrix_rows(names, verdicts, explanations):
    rows, group = [], None
    for scenario in sorted({s for table in verdicts.values() for s in table}):
        if rfc_of(scenario) != group:
            group = rfc_of(scenario)
            rows.append(f'<tr class="rfc"><th colspan="{len(names) + 1}">{escape(group)}</th></tr>')
        cells = []
        for name in names:
            verdict = verdicts[name].get(scenario, "-")
            cells.append(verdict_cell(verdict, explanations.get((name, scenario), ("", ""))[1]))
        rows.append(f"<tr><td><code>{escape(scenario)}</code></td>{''.join(cells)}</tr>")
    return rows


def totals_rows(names, verdicts, order):
    rows = []
    for verdict in order:
        counts = [sum(1 for v in verdicts[n].values() if v == verdict) for n in names]
        cells = "".join(f"<td>{count}</td>" for count in counts)
        rows.append(f"<tr><th>{escape(verdict)}</th>{cells}</tr>")
    return rows


def explained_rows(names, labels, verdicts, explanations):
    rows = []
    for name in names:
        for scenario, verdict in sorted(verdicts[name].items()):
            if verdict == "PASS" or (name, scenario) not in explanations:
                continue
            text = explanations[(name, scenario)][1]
            rows.append(f"<tr><td>{escape(labels[name])}</td><td><code>{escape(scenario)}</code>"
                        f"</td>{verdict_cell(verdict, '')}<td>{escape(text)}</td></tr>")
    return rows


def page(labels, verdicts, explanations, order):
    """The whole HTML page as text. `labels`: server name -> column label, in column order;
    `verdicts`: server -> {scenario id: verdict}; `explanations`: (server, id) -> (verdict,
    text); `order`: the verdicts in the order the totals list them."""
    names = [name for name in labels if name in verdicts]
    head = "".join(f"<th>{escape(labels[n])}</th>" for n in names)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Ehlo: the suite against SMTP servers</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>The suite against SMTP servers</h1>",
        '<p class="meta">Written by <code>tools/results</code> from <code>verdicts.json</code> '
        "and <code>explanations.tsv</code>; how the runs are made is in README.md. Point at a "
        "cell to read why a verdict is not PASS.</p>",
        "<h2>Totals</h2>", f"<table><tr><th></th>{head}</tr>",
        *totals_rows(names, verdicts, order), "</table>",
        "<h2>The matrix</h2>", f"<table><tr><th>scenario</th>{head}</tr>",
        *matrix_rows(names, verdicts, explanations), "</table>",
        "<h2>Why each verdict that is not PASS</h2>",
        '<table class="explained"><tr><th>server</th><th>scenario</th><th>verdict</th>'
        "<th>why</th></tr>",
        *explained_rows(names, labels, verdicts, explanations), "</table>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
