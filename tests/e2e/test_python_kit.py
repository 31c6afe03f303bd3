"""The Python of the tests and the tools finds the test kit, tools/ehlokit, by configuration
(tests/e2e/pytest.ini, the tools' own folder), never by editing `sys.path` or loading a file by
its path; and the kit imports neither the tests nor the tools, only itself, the standard library
and the peers' own packages (tools/ehlokit/README.md).
"""

import ast
import os
import sys
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("EHLO_SOURCE_DIR", Path(__file__).resolve().parents[2]))
KIT = SOURCE_DIR / "tools" / "ehlokit"
# Third-party packages the kit's peers run on (Debian's python3-aiosmtpd, python3-twisted).
PEER_PACKAGES = {"aiosmtpd", "twisted", "zope"}


def python_files():
    """Every Python file of tests/, tools/, docs/ and fuzz/: *.py, and scripts whose first line runs python."""
    for folder in ("tests", "tools", "docs", "fuzz"):
        for path in sorted((SOURCE_DIR / folder).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix == ".py":
                yield path
            elif not path.suffix:
                with path.open("rb") as file:
                    if b"python" in file.readline():
                        yield path


def path_edits(tree):
    """Lines that touch sys.path or load a module from a file path."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            base = node.value
            if node.attr == "path" and isinstance(base, ast.Name) and base.id == "sys":
                found.append(node.lineno)
            if node.attr in ("spec_from_file_location", "SourceFileLoader"):
                found.append(node.lineno)
    return found


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_no_python_edits_its_module_path():
    files = list(python_files())
    assert len(files) > 50, "the walk found the tests and the tools"
    edits = []
    for path in files:
        tree = ast.parse(path.read_text(), str(path))
        edits += [f"{path.relative_to(SOURCE_DIR)}:{line}" for line in path_edits(tree)]
    assert not edits, "sys.path edits or loading by path: " + ", ".join(edits)


def test_the_check_finds_an_edit():
    tree = ast.parse("import sys\nsys.path.insert(0, 'tools')\n")
    assert path_edits(tree) == [2]


def test_the_kit_imports_only_itself_the_standard_library_and_peer_packages():
    allowed = set(sys.stdlib_module_names) | PEER_PACKAGES | {"ehlokit"}
    strays = []
    for path in sorted(KIT.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        strays += [f"{path.relative_to(SOURCE_DIR)}: {name}"
                   for name in imported_modules(tree) if name not in allowed]
    assert not strays, "the kit imports outside itself: " + ", ".join(strays)
