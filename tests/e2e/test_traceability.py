"""tools/traceability: the requirements catalog, the scenarios and the code agree.

The first test is the CI gate: it fails when a scenario cites a section that has no row in
docs/requirements.tsv, when the catalog is malformed, or when docs/traceability.md is out of
date. The others run the tool on a copy of the tree to see that it does catch those faults.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("EHLO_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TOOL = SOURCE_DIR / "tools" / "traceability"

GOOD_SCENARIO = """\
title:    QUIT gets 221
refs:     5321#4.1.1.10
level:    MUST
requires: -

S: 220 *
C: QUIT
S: 221
"""


def run_tool(root, *args):
    return subprocess.run([sys.executable, str(TOOL), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=60)


def copy_tree(tmp_path):
    """A minimal tree: the catalog, one scenario, the tool; then its traceability.md."""
    root = tmp_path / "tree"
    (root / "docs").mkdir(parents=True)
    shutil.copy(SOURCE_DIR / "docs" / "requirements.tsv", root / "docs")
    scenario = root / "scenarios" / "rfc5321" / "4.1.1.10" / "quit.smtp"
    scenario.parent.mkdir(parents=True)
    scenario.write_text(GOOD_SCENARIO)
    (root / "reference").mkdir()
    (root / "reference" / "quit.cpp").write_text("// QUIT closes, RFC 5321 §4.1.1.10.\n")
    assert run_tool(root).returncode == 0
    return root


def test_the_tree_passes_the_check():
    result = run_tool(SOURCE_DIR, "--check")
    assert result.returncode == 0, result.stderr


def test_a_copy_passes_the_check(tmp_path):
    root = copy_tree(tmp_path)
    result = run_tool(root, "--check")
    assert result.returncode == 0, result.stderr
    text = (root / "docs" / "traceability.md").read_text()
    assert "`rfc5321/4.1.1.10/quit`" in text
    assert "`reference/quit.cpp`" in text


def test_a_scenario_citing_a_missing_section_fails(tmp_path):
    root = copy_tree(tmp_path)
    bad = root / "scenarios" / "rfc5321" / "99.1" / "nowhere.smtp"
    bad.parent.mkdir(parents=True)
    bad.write_text(GOOD_SCENARIO.replace("5321#4.1.1.10", "5321#99.1"))
    run_tool(root)  # regenerate, so only the missing section is wrong
    result = run_tool(root, "--check")
    assert result.returncode == 1
    assert "scenarios/rfc5321/99.1/nowhere.smtp: cites 5321#99.1" in result.stderr


def test_a_parent_section_matches_its_subsections(tmp_path):
    root = copy_tree(tmp_path)
    scenario = root / "scenarios" / "rfc5321" / "4.1.1.10" / "quit.smtp"
    scenario.write_text(GOOD_SCENARIO.replace("5321#4.1.1.10", "5321#4.1"))
    run_tool(root)
    assert run_tool(root, "--check").returncode == 0


def test_a_stale_table_fails(tmp_path):
    root = copy_tree(tmp_path)
    (root / "reference" / "quit.cpp").write_text("// RFC 5321 §4.1.1.9\n")
    result = run_tool(root, "--check")
    assert result.returncode == 1
    assert "docs/traceability.md: out of date" in result.stderr


def test_a_scenario_citing_an_unknown_row_fails(tmp_path):
    root = copy_tree(tmp_path)
    scenario = root / "scenarios" / "rfc5321" / "4.1.1.10" / "quit.smtp"
    scenario.write_text(GOOD_SCENARIO.replace("level:", "requirements: 5321-4.1.1.10-zz\nlevel:"))
    run_tool(root)
    result = run_tool(root, "--check")
    assert result.returncode == 1
    assert "quit.smtp: requirements: no row 5321-4.1.1.10-zz" in result.stderr


def row_line(text, row_id):
    return next(line for line in text.splitlines() if line.startswith(f"| `{row_id}`"))


def test_rows_are_covered_only_by_scenarios_that_cite_them_at_their_strength(tmp_path):
    root = copy_tree(tmp_path)
    text = (root / "docs" / "traceability.md").read_text()
    # Citing the section covers it per section, but no row: the scenario names none.
    assert row_line(text, "5321-4.1.1.10-a").endswith("| none |")
    scenario = root / "scenarios" / "rfc5321" / "4.1.1.10" / "quit.smtp"
    scenario.write_text(GOOD_SCENARIO.replace("level:", "requirements: 5321-4.1.1.10-a\nlevel:"))
    run_tool(root)
    text = (root / "docs" / "traceability.md").read_text()
    assert row_line(text, "5321-4.1.1.10-a").endswith("| `rfc5321/4.1.1.10/quit` |")
    # At level SHOULD it cannot FAIL: it cites the MUST row but does not judge it.
    scenario.write_text(GOOD_SCENARIO.replace("level:    MUST",
                                              "requirements: 5321-4.1.1.10-a\nlevel: SHOULD"))
    run_tool(root)
    text = (root / "docs" / "traceability.md").read_text()
    assert row_line(text, "5321-4.1.1.10-a").endswith("| `rfc5321/4.1.1.10/quit`\\* |")
