"""tools/citations: one spelling of RFC citations, `RFC 5321 §4.1.4` (docs/requirements.md,
*How to cite*); the Doxygen input filter and the cross-reference page read it the same way.

The first test is the gate the CTest test `citations` also runs: the tree is in the one
spelling. The others run the tool on small trees of their own.
"""

import os
import subprocess
import sys
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("EHLO_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TOOL = SOURCE_DIR / "tools" / "citations"
FILTER = SOURCE_DIR / "tools" / "doxygen_filter.py"
TRACEABILITY = SOURCE_DIR / "tools" / "traceability"
S = "\u00a7"  # the section sign, kept out of this file's own citations

BEFORE = f"""\
// Layer: server. The greeting (RFC 5321 {S}3.1, {S}4.3.1) and QUIT \\rfc{{5321,4.1.1.10}}.
#include "x.hpp"

/// EHLO {S}4.1.1.1 and the limits of {S}4.5.3.1.1-3; TLS, RFC 9325, section 4.2.
const char* section = "5321#4.1.1.2";
const char* kept = "3207#4";  // citations: keep
const char* wire = "MAIL is defined in RFC 5321 section 4.1.1.2";
// Our own documents: guide.md {S}2, {S}3.
"""

AFTER = f"""\
// Layer: server. The greeting (RFC 5321 {S}3.1, RFC 5321 {S}4.3.1) and QUIT RFC 5321 {S}4.1.1.10.
#include "x.hpp"

/// EHLO RFC 5321 {S}4.1.1.1 and the limits of RFC 5321 {S}4.5.3.1.1 to RFC 5321 {S}4.5.3.1.3; TLS,
/// RFC 9325 {S}4.2.
const char* section = "RFC 5321 {S}4.1.1.2";
const char* kept = "3207#4";  // citations: keep
const char* wire = "MAIL is defined in RFC 5321 section 4.1.1.2";
// Our own documents: guide.md {S}2, {S}3.
"""


def run(*args, cwd=None):
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def tree(tmp_path, files):
    root = tmp_path / "tree"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_tree_has_one_spelling():
    result = run(TOOL, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_fix_rewrites_every_spelling_and_then_changes_nothing(tmp_path):
    root = tree(tmp_path, {"reference/x.cpp": BEFORE})
    assert run(TOOL, "--root", root, "--check").returncode == 1
    fixed = run(TOOL, "--root", root, "--fix")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (root / "reference" / "x.cpp").read_text(encoding="utf-8") == AFTER
    again = run(TOOL, "--root", root, "--fix")
    assert "0 rewritten" in again.stderr
    assert (root / "reference" / "x.cpp").read_text(encoding="utf-8") == AFTER
    assert run(TOOL, "--root", root, "--check").returncode == 0


def test_a_bare_section_sign_with_no_single_rfc_needs_a_hand(tmp_path):
    text = f"See RFC 3207 and RFC 4954: the reset of {S}4.2.\n"
    root = tree(tmp_path, {"docs/x.md": "# X\n\n" + text})
    result = run(TOOL, "--root", root, "--fix")
    assert result.returncode == 1
    assert f"docs/x.md:3: {S}4.2: needs a hand" in result.stdout
    assert (root / "docs" / "x.md").read_text(encoding="utf-8") == "# X\n\n" + text


def test_code_that_builds_the_scenario_notation_needs_a_hand(tmp_path):
    root = tree(tmp_path, {"tests/unit/x_test.cpp": 'CHECK(section.starts_with("4954#"));\n'})
    result = run(TOOL, "--root", root, "--check")
    assert result.returncode == 1
    assert "tests/unit/x_test.cpp:1: 4954#: needs a hand" in result.stdout


def test_scenarios_and_markdown_code_keep_their_notation(tmp_path):
    files = {"scenarios/rfc5321/4.1.4/x.smtp": "refs: 5321#4.1.4\n",
             "conformance/ref.cpp": 'const char* ref = "5321#4.1.4";\n',
             "docs/x.md": "# X\n\nA ref is `5321#4.1.4`, written `RFC 5321 " + S + "4.1.4`.\n"}
    root = tree(tmp_path, files)
    assert run(TOOL, "--root", root, "--check").returncode == 0


def test_a_long_comment_line_is_refilled_without_splitting_a_citation(tmp_path):
    words = " ".join(["word"] * 19)
    text = f"// {words} {S}4.1.4 and more\n// words.\n"
    root = tree(tmp_path, {"reference/y.cpp": f"// RFC 5321.\nint x;\n{text}"})
    assert run(TOOL, "--root", root, "--fix").returncode == 0
    lines = (root / "reference" / "y.cpp").read_text(encoding="utf-8").splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[3] == f"// RFC 5321 {S}4.1.4 and more words."


def test_the_doxygen_filter_links_citations_in_comments_only(tmp_path):
    source = (f"/// Limits of RFC 5321 {S}4.5.3.1, see RFC 5321 {S}D.1; `RFC 5321 {S}4.2`.\n"
              f'const char* s = "RFC 5321 {S}4.1.4";\n')
    path = tmp_path / "x.hpp"
    path.write_text(source, encoding="utf-8")
    result = run(FILTER, path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "/// Limits of \\rfc{5321,4.5.3.1}, see \\rfcappendix{5321,D.1}; "
        f"`RFC 5321 {S}4.2`.\n"
        f'const char* s = "RFC 5321 {S}4.1.4";\n')


def test_the_cross_reference_page_is_sorted_by_rfc_and_section(tmp_path):
    code = "".join(f"// RFC {rfc} {S}{section}.\n" for rfc, section in
                   [("5321", "4.1.1.10"), ("3207", "4"), ("5321", "4.1.1.9"), ("5321", "D.1"),
                    ("5321", "4.2")])
    root = tree(tmp_path, {"reference/z.cpp": code})
    page = tmp_path / "xref.md"
    result = run(TRACEABILITY, "--root", root, "--xref", page)
    assert result.returncode == 0, result.stderr
    order = [line.split("</a>")[0].rsplit(">", 1)[1] for line in
             page.read_text(encoding="utf-8").splitlines() if line.startswith("- ")]
    assert order == [f"RFC 3207 {S}4", f"RFC 5321 {S}4.1.1.9", f"RFC 5321 {S}4.1.1.10",
                     f"RFC 5321 {S}4.2", f"RFC 5321 {S}D.1"]
