"""How the project cites RFC sections, read and written by one set of rules.

In code and documentation a citation is spelled `RFC 5321 §4.1.4`: the word RFC, the number,
a space, the section sign and the section, numbers separated by dots or an appendix letter
first (`RFC 5321 §D.1`). Scenario refs and the requirements catalog have a notation of their
own, `5321#4.1.4` (docs/scenario-format.md). This module finds citations in source and
documentation files, tells the canonical ones from the other spellings, and computes the
rewrite of the others; tools/citations, tools/traceability and the Doxygen input filter
(tools/doxygen_filter.py) all use it, so they agree on what a citation is.

The spellings recognised and what becomes of them:

    RFC 5321 §4.1.4                 canonical
    \\rfc{5321,4.1.4}                the former Doxygen alias: RFC 5321 §4.1.4
    RFC 9325, section 4.2           RFC 9325 §4.2 (also "RFC 9325 section 4.2")
    "5321#4.1.4" (a whole string    RFC 5321 §4.1.4, outside the places where the scenario
    literal)                        notation is at home (REF_NOTATION_PLACES)
    §4.4 (bare)                     RFC NNNN §4.4, NNNN taken from the nearest RFC named
                                    before it in the same comment, string literal, table row
                                    or document section, else from the file's header (its
                                    first comment, or a document's text before its first
                                    `##` heading) when that names exactly one RFC
    §4.5.3.1.1-3, §3-§7 (ranges)    RFC 5321 §4.5.3.1.1 to RFC 5321 §4.5.3.1.3

A bare section sign after a document name (`guide.md §1`) names a part of that document and
is left alone, as is text in Markdown code spans and fenced blocks, and the ASCII spelling
`RFC 5321 section 4.1.1.2` inside a string literal (text that must stay ASCII, such as an SMTP
reply). Python 3 standard library only.
"""

import io
import os
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

SECTION = r"(?:\d+(?:\.\d+)*|[A-Z](?:\.\d+)*)"
END = r"(?![0-9A-Za-z_])"  # a section ends where no letter, digit or underscore follows
CANONICAL = re.compile(rf"RFC (\d{{3,4}}) §({SECTION}){END}")
SCENARIO_REF = re.compile(rf"^(\d+)#({SECTION})$")

# Where the scenario notation 5321#4.1.4 is at home: the runner and its tests, which read and
# print scenario refs, and the files holding scenarios. Paths relative to the tree, prefixes.
REF_NOTATION_PLACES = (
    "conformance/", "scenarios/", "docs/requirements.tsv", "docs/traceability.md",
    "docs/results/", "tests/e2e/", "tests/unit/scenario_", "tests/unit/engine_",
    "tests/unit/check_", "tests/unit/report_", "tools/traceability", "tools/ehlokit/hardening/",
    "tools/results", "tools/client_faults", "fuzz/smtp.dict",
)
# Files that spell citations in other ways on purpose: the rules themselves and their test.
EXEMPT = ("tools/citation_syntax.py", "tools/citations", "tools/doxygen_filter.py",
          "docs/Doxyfile.in", "tests/e2e/test_citations.py")
# Data with a syntax of its own, and pages other tools write from files that are read here.
SKIPPED = ("scenarios/", "docs/requirements.tsv", "docs/traceability.md",
           "docs/results/README.md", "docs/results/matrix.html", "docs/results/verdicts.json")

CPP_SUFFIXES = (".cpp", ".hpp", ".h", ".cc", ".cpp.in", ".hpp.in")
HASH_COMMENT_SUFFIXES = (".txt", ".cmake", ".dict", ".sh")  # CMakeLists.txt, *.cmake, ...


def section_key(section):
    """Sort key for a section: numbers numerically (4.1.1.9 before 4.1.1.10), appendix letters
    after them."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in section.split(".")]


def citation_key(rfc, section):
    return (int(rfc), section_key(section))


def canonical(rfc, section):
    return f"RFC {rfc} §{section}"


def anchor(section):
    """The fragment of a section's address at the RFC Editor."""
    return ("appendix-" if section[:1].isalpha() else "section-") + section


def rfc_url(rfc, section):
    return f"https://www.rfc-editor.org/rfc/rfc{rfc}#{anchor(section)}"


# ---------------------------------------------------------------- the kinds of files

def kind_of(path, text):
    """'cpp', 'python', 'hash', 'css', 'markdown', 'tsv' or None (not read)."""
    name = path.name
    if name.endswith(CPP_SUFFIXES):
        return "cpp"
    if name.endswith(".py"):
        return "python"
    if name.endswith(".md"):
        return "markdown"
    if name.endswith(".css"):
        return "css"
    if name.endswith(".tsv"):
        return "tsv"
    if name.endswith(HASH_COMMENT_SUFFIXES):
        return "hash"
    if "." not in name and text.startswith("#!"):
        first = text.split("\n", 1)[0]
        return "python" if "python" in first else "hash"
    return None


def tree_files(root):
    """The files of the tree that may hold citations, in a fixed order: every readable file
    outside hidden folders, build folders and SKIPPED."""
    root = Path(root)
    found = []
    for folder, folders, files in os.walk(root):
        top = Path(folder) == root
        folders[:] = sorted(name for name in folders if not name.startswith(".")
                            and name != "__pycache__" and not (top and name.startswith("build")))
        for name in sorted(files):
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if not rel.startswith(SKIPPED) and path.is_file():
                found.append((path, rel))
    return sorted(found, key=lambda item: item[1])


# ---------------------------------------------------------------- regions of a file

@dataclass
class Region:
    """A stretch of a file in which citations are read: a comment block, a string literal, a
    Markdown paragraph, table row or heading, a field of a TSV line."""
    kind: str          # 'comment', 'string' or 'prose'
    start: int
    end: int
    context: list = field(default_factory=list)  # enclosing (start, end) spans, inner first


def line_starts(text):
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    return starts


def cpp_regions(text):
    """Comment blocks (consecutive whole-line // comments are one block) and string
    literals of C++ source."""
    regions = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            regions.append(Region("comment", i, end))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            regions.append(Region("comment", i, end))
            i = end
        elif c == '"':
            raw = re.match(r'R"([^()\\ ]{0,16})\(', text[i - 1:i + 20]) if i > 0 else None
            if i > 0 and text[i - 1] == "R" and raw:
                close = ")" + raw.group(1) + '"'
                end = text.find(close, i)
                end = n if end < 0 else end + len(close)
            else:
                end = i + 1
                while end < n and text[end] != '"' and text[end] != "\n":
                    end += 2 if text[end] == "\\" else 1
                end = min(end + 1, n)
            regions.append(Region("string", i, end))
            i = end
        elif c == "'":
            if i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
                i += 1  # a digit separator, or the quote ending u8'x'
                continue
            end = i + 1
            while end < n and text[end] != "'" and text[end] != "\n":
                end += 2 if text[end] == "\\" else 1
            i = end + 1
        else:
            i += 1
    return join_comments(text, regions, "//")


def join_comments(text, regions, marker):
    """Line comments (starting with `marker`) on consecutive lines, each alone on its line,
    become one comment block."""
    joined = []
    for region in regions:
        previous = joined[-1] if joined else None
        if (previous and region.kind == previous.kind == "comment"
                and text.startswith(marker, region.start)
                and text.startswith(marker, previous.start)
                and alone_on_line(text, region.start) and alone_on_line(text, previous.start)
                and text.count("\n", previous.end, region.start) == 1
                and text[previous.end:region.start].strip() == ""):
            joined[-1] = Region("comment", previous.start, region.end)
        else:
            joined.append(region)
    return joined


def alone_on_line(text, position):
    line_start = text.rfind("\n", 0, position) + 1
    return text[line_start:position].strip() == ""


def python_regions(text):
    """Comment blocks and string literals of Python source (the tokenizer's own view)."""
    starts = line_starts(text)
    regions = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return hash_regions(text)
    strings = (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING))
    for token in tokens:
        if token.type != tokenize.COMMENT and token.type not in strings:
            continue
        if token.start == (1, 0) and token.string.startswith("#!"):
            continue  # the shebang line
        start = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        regions.append(Region("comment" if token.type == tokenize.COMMENT else "string",
                              start, end))
    return join_comments(text, regions, "#")


def hash_regions(text):
    """Comments of shell, CMake and dictionary files: from a '#' at the start of a line or
    after a blank to the end of the line."""
    regions = []
    for match in re.finditer(r"(?m)(?:^|(?<=\s))#.*$", text):
        if match.start() == 0 and text.startswith("#!"):
            continue
        regions.append(Region("comment", match.start(), match.end()))
    return join_comments(text, regions, "#")


def css_regions(text):
    return [Region("comment", m.start(), m.end()) for m in re.finditer(r"/\*.*?\*/", text, re.S)]


FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^#{1,6} ")
TABLE_ROW = re.compile(r"^\s*\|")


def markdown_regions(text):
    """Prose of a Markdown file: headings, table rows and paragraphs outside fenced blocks.
    Each region's context is its document section (from the heading above it); a table row
    also has the table's header row. Code spans are cut out later (code_spans)."""
    lines = text.split("\n")
    starts = line_starts(text)
    regions, fenced = [], False
    section_start, table_header = 0, None
    paragraph = None  # (start line, end line) of the paragraph being gathered

    def span(first, last):  # lines first..last inclusive, as offsets
        return starts[first], starts[last] + len(lines[last])

    def close_paragraph():
        nonlocal paragraph
        if paragraph:
            start, end = span(*paragraph)
            regions.append(Region("prose", start, end, [(section_start, end)]))
            paragraph = None

    for number, line in enumerate(lines):
        if FENCE.match(line):
            close_paragraph()
            fenced = not fenced
            continue
        if fenced:
            continue
        if HEADING.match(line):
            close_paragraph()
            section_start = starts[number]
            table_header = None
            regions.append(Region("prose", *span(number, number)))
        elif TABLE_ROW.match(line):
            close_paragraph()
            start, end = span(number, number)
            if table_header is None:
                table_header = (start, end)
                regions.append(Region("prose", start, end, [(section_start, start)]))
            else:
                regions.append(Region("prose", start, end,
                                      [table_header, (section_start, table_header[0])]))
        elif not line.strip():
            close_paragraph()
            table_header = None
        else:
            table_header = None
            paragraph = (paragraph[0], number) if paragraph else (number, number)
    close_paragraph()
    return regions


def tsv_regions(text):
    """Each line of a TSV file whose last field is prose (docs/results/explanations.tsv): the
    last field, with the rest of the line as context (a scenario id such as rfc5321/...)."""
    regions = []
    for match in re.finditer(r"(?m)^(?!#)(.*\t)([^\t\n]*)$", text):
        regions.append(Region("prose", match.start(2), match.end(2),
                              [(match.start(1), match.end(1))]))
    return regions


def regions_of(kind, text):
    return {"cpp": cpp_regions, "python": python_regions, "hash": hash_regions,
            "css": css_regions, "markdown": markdown_regions, "tsv": tsv_regions}[kind](text)


def file_header(kind, text, regions):
    """The span of the file's header: its first comment (after a shebang) or docstring, or a
    document's text before its first `##` heading."""
    if kind == "markdown":
        match = re.search(r"(?m)^## ", text)
        return (0, match.start() if match else len(text))
    if kind == "tsv":
        return None
    for region in regions:
        if text.startswith("#!", region.start):
            continue  # the shebang line
        before = text[:region.start]
        if before.startswith("#!"):
            before = before[before.find("\n") + 1:] if "\n" in before else ""
        return (region.start, region.end) if before.strip() == "" else None
    return None


def code_spans(text, start, end, multiline):
    """Spans of Markdown code (`...`, in documents and comments alike) in text[start:end]; in
    a comment a span ends on its line."""
    spans = []
    body = r"[\s\S]" if multiline else r"[^\n]"
    for match in re.finditer(rf"(`+)(?!`){body}*?(?<!`)\1(?!`)", text[start:end]):
        spans.append((start + match.start(), start + match.end()))
    return spans


# ---------------------------------------------------------------- citations in a region

# A line break inside a comment or a paragraph, with the next line's comment marker.
BREAK = r"[ \t]*\n[ \t]*(?:(?://[/!<]?|#|\*)[ \t]*)?"
TOKEN = re.compile(
    rf"(?P<alias>\\rfc\{{\s*(?P<a_rfc>\d{{3,4}})\s*,\s*(?P<a_sec>{SECTION})\s*\}})"
    rf"|(?P<wrapped>\bRFC(?:{BREAK}(?P<w_rfc>\d{{3,4}})[ \t]*|[ \t]?(?P<w_rfc2>\d{{3,4}}){BREAK})"
    rf"§[ \t]?(?P<w_sec>{SECTION}){END})"
    rf"|(?P<explicit>\bRFC[ \t]?(?P<e_rfc>\d{{3,4}})"
    rf"(?P<e_sep>,?[ \t]+(?:[Ss]ection|[Ss]ec\.)[ \t]+|[ \t]*§[ \t]?"
    rf"|,?[ \t]+(?=[Aa]pp)(?:[Aa]ppendix|App\.)[ \t]+(?=[A-Z]{END}|[A-Z]\.))"
    rf"(?P<e_sec>{SECTION}){END})"
    rf"|(?P<numbered>(?<![\w.#/-])(?P<n_rfc>\d{{3,4}}) §(?P<n_sec>{SECTION}){END})"
    rf"|(?P<mention>\bRFCs?[ \t]*(?:\n[ \t]*(?:(?://[/!<]?|#|\*)[ \t]*)?)?(?P<m_rfc>\d{{3,4}})\b)"
    rf"|(?P<bare>(?:§[ \t]?|\b(?:[Aa]ppendix|App\.)[ \t]+(?=[A-Z]{END}|[A-Z]\.\d))"
    rf"(?P<b_sec>{SECTION}){END})"
    rf"|(?P<ref>(?<![\w.])(?P<r_rfc>\d{{3,4}})#(?:(?P<r_sec>{SECTION}){END}|(?=[\"'])))"
)
RANGE_END = re.compile(rf"[-–]§?({SECTION}){END}")
DOCUMENT_BEFORE = re.compile(r"\.md\)?[ \t(]*$")


@dataclass
class Finding:
    """A citation that is not canonical: where, what, and its rewrite (None: needs a hand)."""
    start: int
    end: int
    old: str
    new: str | None
    reason: str


@dataclass
class Citation:
    rfc: str
    section: str
    start: int
    kind: str  # the kind of region: 'comment', 'string' or 'prose'


def expand_range_end(first, last):
    """§4.5.3.1.1-3 means up to 4.5.3.1.3: an abbreviated end replaces the last parts."""
    a, b = first.split("."), last.split(".")
    if len(b) < len(a) and all(p.isdigit() for p in a + b):
        b = a[:len(a) - len(b)] + b
    return ".".join(b)


def rfcs_named(text, start, end):
    """The RFC numbers named in text[start:end], in order."""
    names = []
    for match in TOKEN.finditer(text, start, end):
        rfc = next((match.group(g) for g in ("a_rfc", "w_rfc", "w_rfc2", "e_rfc", "n_rfc",
                                             "m_rfc")
                    if match.group(g)), None)
        if rfc:
            names.append(rfc)
    return names


KEEP = "citations: keep"
LIST_JOIN = re.compile(rf"^(?:,|;|,? and|,? or|,? to)?(?:{BREAK}|[ \t]*)$")


class Reader:
    """Reads one file: its canonical citations and its findings."""

    def __init__(self, rel, text, kind):
        self.rel, self.text, self.kind = rel, text, kind
        self.regions = regions_of(kind, text)
        self.header = file_header(kind, text, self.regions)
        self.ref_place = rel.startswith(REF_NOTATION_PLACES)
        self.citations, self.findings = [], []
        for region in self.regions:
            self.read_region(region)

    def only_rfc(self, start, end):
        """The RFC named in text[start:end] if it names exactly one; None if it names none;
        False if several."""
        named = set(rfcs_named(self.text, start, end))
        if not named:
            return None
        return named.pop() if len(named) == 1 else False

    def resolve(self, region, position, previous):
        """The RFC a bare section sign at `position` belongs to: the one of the citation it
        continues (`RFC 3207 §4, §4.2`), else the only RFC named before it in its region,
        then in the region's context, then in the file's header. None when none is named or
        the first place that names one names several."""
        if previous and LIST_JOIN.match(self.text[previous[1]:position]):
            return previous[0] if previous[0] != "document" else None
        spans = [(region.start, position)] + [(a, min(b, position)) for a, b in region.context]
        for start, end in spans:
            found = self.only_rfc(start, end)
            if found is not None:
                return found or None
        if self.kind == "tsv":
            line = self.text[region.context[0][0]:region.start]
            match = re.search(r"\brfc(\d{3,4})/", line)
            return match.group(1) if match else None
        if self.header and not (self.header[0] <= position < self.header[1]):
            return self.only_rfc(*self.header) or None
        return None

    def kept(self, position):
        """Whether the line at `position` says `citations: keep`: a spelling kept on purpose,
        such as a test of what reads the other notations."""
        start = self.text.rfind("\n", 0, position) + 1
        end = self.text.find("\n", position)
        return KEEP in self.text[start:end if end >= 0 else len(self.text)]

    def names_document(self, region, position, previous):
        """Whether the section sign at `position` is a section of one of our documents:
        `guide.md §1`, also across a line break, and the `§3` of `guide.md §2, §3`."""
        if previous and previous[0] == "document" and \
                LIST_JOIN.match(self.text[previous[1]:position]):
            return True
        before = self.text[max(region.start, position - 200):position]
        before = re.sub(BREAK + "$", " ", before)
        return bool(DOCUMENT_BEFORE.search(before))

    def read_region(self, region):
        text = self.text
        # Code spans are quoted code or output, spelled as the program spells it.
        skip = (code_spans(text, region.start, region.end, region.kind == "prose")
                if region.kind != "string" else [])
        previous = None  # (rfc, end) of the last citation read in this region
        position = region.start
        while True:
            match = TOKEN.search(text, position, region.end)
            if not match:
                break
            position = match.end()
            if any(a <= match.start() < b for a, b in skip) or self.kept(match.start()):
                continue
            cited, end = self.read_token(region, match, previous)
            position = max(position, end)
            if cited or match.lastgroup == "mention":
                previous = cited

    def read_token(self, region, match, previous):
        """Reads one token; returns ((rfc, end) when it was a citation, else None; where the
        token ends)."""
        text, group = self.text, match.lastgroup
        if group == "mention":
            return None, match.end()
        if group == "ref":
            return self.read_ref(region, match), match.end()
        if group == "alias":
            rfc, section, reason = match.group("a_rfc"), match.group("a_sec"), "Doxygen alias"
        elif group == "wrapped":
            rfc = match.group("w_rfc") or match.group("w_rfc2")
            section, reason = match.group("w_sec"), "wrapped"
        elif group == "explicit":
            rfc, section = match.group("e_rfc"), match.group("e_sec")
            reason = "spelling"
            if region.kind == "string" and "ection" in match.group("e_sep") \
                    and "§" not in match.group("e_sep"):
                return None, match.end()  # the ASCII spelling, kept in text that must stay ASCII
        elif group == "numbered":
            rfc, section, reason = match.group("n_rfc"), match.group("n_sec"), "no 'RFC'"
        else:  # bare
            section = match.group("b_sec")
            if self.names_document(region, match.start(), previous):
                return ("document", match.end()), match.end()
            rfc, reason = self.resolve(region, match.start(), previous), "bare section sign"
        end, last = match.end(), None
        more = RANGE_END.match(text, end)
        if more and more.end() <= region.end:
            last, end = expand_range_end(section, more.group(1)), more.end()
            reason = "range" if reason in ("spelling", "bare section sign") else reason
        start = match.start()
        if group == "wrapped":  # the citation moves to the next line, with what clings to it
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while start > 0 and text[start - 1] in " \t":
                start -= 1
        old = text[start:end]
        if rfc is None:
            self.findings.append(Finding(start, end, old, None,
                                         "bare section sign: which RFC?"))
            return None, end
        new = canonical(rfc, section)
        if last:
            new += " to " + canonical(rfc, last)
        if group == "wrapped":
            new = self.unwrap(start, match, rfc, section)
        if new != old:
            self.findings.append(Finding(start, end, old, new, reason))
        self.citations.append(Citation(rfc, section, match.start(), region.kind))
        if last:
            self.citations.append(Citation(rfc, last, match.start(), region.kind))
        return (rfc, end), end

    def unwrap(self, start, match, rfc, section):
        """A citation broken over two lines goes whole to the second one."""
        old = match.group("wrapped")
        tail = old[old.rfind("\n") + 1:]
        prefix = re.match(r"[ \t]*(?:(?://[/!<]?|#|\*)[ \t]*)?", tail).group(0)
        clinging = self.text[start:match.start()].strip()
        return "\n" + prefix + clinging + canonical(rfc, section)

    def read_ref(self, region, match):
        """5321#4.1.4 outside the scenario notation's places: a whole string literal is data
        naming a section and is rewritten; anywhere else it needs a reading."""
        if self.ref_place:
            return None
        rfc, section = match.group("r_rfc"), match.group("r_sec")
        text = self.text
        whole = (section and region.kind == "string" and region.start == match.start() - 1
                 and text[match.end():match.end() + 1] == text[region.start])
        if whole:
            self.findings.append(Finding(match.start(), match.end(), match.group(0),
                                         canonical(rfc, section), "scenario notation"))
            self.citations.append(Citation(rfc, section, match.start(), region.kind))
            return (rfc, match.end())
        self.findings.append(Finding(match.start(), match.end(), match.group(0), None,
                                     "scenario notation outside a scenario ref"))
        return None


def read_file(path, rel, text=None):
    """A Reader for the file, or None when the file is not one that holds citations."""
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            return None
    kind = kind_of(Path(path), text)
    if kind is None or rel in EXEMPT or (kind == "tsv" and not rel.startswith("docs/results/")):
        return None
    return Reader(rel, text, kind)


def apply_fixes(text, findings):
    """The text with every finding that has a rewrite rewritten."""
    return rewrite(text, findings)[0]


def rewrite(text, findings):
    """(the text with every rewrite applied, the numbers of the lines holding a rewrite)."""
    parts, position, touched, length = [], 0, set(), 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.new is None or finding.start < position:
            continue
        before = text[position:finding.start]
        parts += [before, finding.new]
        length += len(before)
        touched.add((length, length + len(finding.new)))
        length += len(finding.new)
        position = finding.end
    new = "".join(parts) + text[position:]
    lines = set()
    for start, end in touched:
        first = new.count("\n", 0, start)
        lines.update(range(first, first + finding_lines(new, start, end)))
    return new, lines


def finding_lines(text, start, end):
    return text.count("\n", start, end) + 1


# ---------------------------------------------------------------- keeping lines short

COLUMNS = 100  # the column limit of .clang-format, kept by comments and documents too
LIST_ITEM = re.compile(r"(?:[-*+]|\d+\.)[ \t]+")
MARKUP_WORD = re.compile(r"^(?:[-*+>|]|\d+[.)]|#+)$")
CITATION_SPACES = re.compile(r"\bRFC (\d{3,4})(?: (?=§))?")  # spaces a refill keeps


DOCSTRING_START = re.compile(r"[ \t]*(?:[rRbBuUfF]{0,2}(?:\"\"\"|\'\'\'))?")
TRIPLE_QUOTED = re.compile(r"[rRbBuUfF]{0,2}(?:\"\"\"|\'\'\')")
QUOTES_AT_END = re.compile(r"[rRbBuUfF]{0,2}(?:\"\"\"|\'\'\')$")


def split_prefix(kind, line):
    """(prefix, body) of a line that can be refilled, or None: a whole-line comment, or a line
    of prose (Markdown, a docstring) not in a table or a heading."""
    if kind in ("cpp",):
        match = re.match(r"[ \t]*(?:///?[!<]?|\*)(?:[ \t]+|$)", line)
    elif kind in ("python", "hash"):
        match = re.match(r"[ \t]*#+(?:[ \t]+|$)", line)
        if not match or line.lstrip().startswith("#!"):
            match = DOCSTRING_START.match(line) if kind == "python" else None
    elif kind == "markdown":
        if HEADING.match(line) or TABLE_ROW.match(line) or FENCE.match(line):
            return None
        match = re.match(r"[ \t]*", line)
    else:
        return None
    if not match:
        return None
    return line[:match.end()], line[match.end():]


def item_prefix(prefix, body):
    """The prefix and body of a line with its list marker, if any, moved into the prefix."""
    item = LIST_ITEM.match(body)
    return (prefix + body[:item.end()], body[item.end():]) if item else (prefix, body)


def continues(kind, prefix, line):
    """Whether `line` continues a paragraph whose lines start with `prefix` (its marker and
    indentation): same prefix, then a word that starts no list item and no command."""
    if not line.startswith(prefix) or len(line) == len(prefix):
        return False
    body = line[len(prefix):]
    if body[0] in " \t" or LIST_ITEM.match(body) or body[0] in "\\@|`#<>":
        return False
    return split_prefix(kind, line) is not None


def refill(kind, lines, number):
    """Makes lines[number] fit in COLUMNS by carrying its last words over to the next line of
    its paragraph (or a new line), and so on down the paragraph until a line fits; a citation
    is never split. Returns True if it changed anything."""
    parts = split_prefix(kind, lines[number])
    if not parts or not parts[1].strip():
        return False
    first_prefix, body = item_prefix(*parts)
    # The lines after a docstring's first start at its indentation, without the quotes.
    following = QUOTES_AT_END.sub("", parts[0]) + " " * (len(first_prefix) - len(parts[0]))
    prefix, changed = first_prefix, False
    while True:
        words = CITATION_SPACES.sub(lambda m: m.group(0).replace(" ", "\x00"), body).split(" ")
        kept = []
        for word in words:
            if kept and len(prefix) + len(" ".join(kept + [word])) > COLUMNS:
                break
            kept.append(word)
        carry = words[len(kept):]
        while carry and MARKUP_WORD.match(carry[0]) and len(kept) > 1:
            carry.insert(0, kept.pop())  # a line must not start as a list item or a heading
        if not carry:
            if changed:
                lines[number] = (prefix + body).replace("\x00", " ")
            return changed
        lines[number] = (prefix + " ".join(kept)).replace("\x00", " ").rstrip()
        carried = " ".join(carry).replace("\x00", " ")
        number, prefix, changed = number + 1, following, True
        if number < len(lines) and continues(kind, following, lines[number]):
            body = carried + " " + lines[number][len(following):]
        else:
            lines.insert(number, following + carried)
            body = carried


def refillable(kind, text, regions, line_start, line_end):
    """Whether the line at text[line_start:line_end] is a whole-line comment, a line of a
    docstring, or a line of Markdown prose."""
    for region in regions:
        if region.start <= line_start + len(text[line_start:line_end]) - \
                len(text[line_start:line_end].lstrip()) and region.end >= line_end:
            if region.kind == "comment" or region.kind == "prose":
                return text[line_start:region.start].strip() == "" or region.start < line_start
            if region.kind == "string" and kind == "python":  # a docstring's lines
                return region.start < line_start or (
                    "\n" in text[region.start:region.end]
                    and bool(TRIPLE_QUOTED.match(text, region.start)))
        if region.start > line_end:
            break
    return False


def fix_text(reader):
    """The file's text with its findings rewritten and every comment or prose line that the
    rewrite made longer than COLUMNS refilled; also the numbers (1-based) of the lines of C++
    code still longer than that, for clang-format."""
    new, touched = rewrite(reader.text, reader.findings)
    too_long = []
    for number in sorted(touched, reverse=True):  # bottom up: a refill moves what follows
        lines = new.split("\n")
        if number >= len(lines) or len(lines[number]) <= COLUMNS:
            continue
        regions = regions_of(reader.kind, new)
        starts = line_starts(new)
        count = len(lines)
        if refillable(reader.kind, new, regions, starts[number],
                      starts[number] + len(lines[number])) and refill(reader.kind, lines,
                                                                      number):
            new = "\n".join(lines)
            grown = len(lines) - count  # the lines listed so far are below: they move
            too_long = [n + grown if n > number + 1 else n for n in too_long]
        elif reader.kind == "cpp":
            too_long.append(number + 1)
    return new, sorted(too_long)


def line_of(text, position):
    return text.count("\n", 0, position) + 1
