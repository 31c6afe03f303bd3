#!/usr/bin/env python3
"""Doxygen input filter: RFC citations in comments become links to the RFC Editor.

Doxygen runs it on each C++ file it reads (FILTER_PATTERNS in Doxyfile.in) and reads what it
prints instead of the file. Inside comments, every citation `RFC 5321 §4.1.4` becomes
`\\rfc{5321,4.1.4}` (`\\rfcappendix{5321,D.1}` for an appendix), the aliases of Doxyfile.in
that write the link; code, string literals and the comment's code spans and `\\code` blocks
are left as they are, and so is every line break, so Doxygen's line numbers stay right. The
citations are found by the rules of tools/citation_syntax.py, which tools/traceability uses
too for the cross-reference page. The source files keep the plain spelling, which reads the
same in an editor, in a diff and in the documentation. Python 3 standard library only.

    doxygen_filter.py FILE    print FILE with its citations as Doxygen aliases
"""

import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import citation_syntax  # noqa: E402

CODE_SPAN = re.compile(r"`[^`\n]*`")
BLOCK_START = re.compile(r"[\\@](?:code|verbatim)\b|```|~~~|<pre>")
BLOCK_END = re.compile(r"[\\@](?:endcode|endverbatim)\b|```|~~~|</pre>")


def alias(match):
    rfc, section = match.group(1), match.group(2)
    name = "rfcappendix" if section[:1].isalpha() else "rfc"
    return f"\\{name}{{{rfc},{section}}}"


def filter_comment(comment, in_block):
    """The comment with its citations as aliases, outside code spans and code blocks; also
    whether a code block is still open at its end."""
    lines = []
    for line in comment.split("\n"):
        pieces, position = [], 0
        while position < len(line):
            if in_block:
                end = BLOCK_END.search(line, position)
                stop = end.end() if end else len(line)
                pieces.append(line[position:stop])
                position, in_block = stop, not end
                continue
            start = BLOCK_START.search(line, position)
            stop = start.start() if start else len(line)
            pieces.append(with_aliases(line[position:stop]))
            if start:
                pieces.append(start.group(0))
                position, in_block = start.end(), True
            else:
                position = stop
        lines.append("".join(pieces))
    return "\n".join(lines), in_block


def with_aliases(text):
    """Citations as aliases in text, except inside `code spans`."""
    pieces, position = [], 0
    for span in CODE_SPAN.finditer(text):
        pieces += [citation_syntax.CANONICAL.sub(alias, text[position:span.start()]),
                   span.group(0)]
        position = span.end()
    pieces.append(citation_syntax.CANONICAL.sub(alias, text[position:]))
    return "".join(pieces)


def filtered(text):
    pieces, position, in_block = [], 0, False
    for region in citation_syntax.cpp_regions(text):
        if region.kind != "comment":
            continue
        pieces.append(text[position:region.start])
        comment, in_block = filter_comment(text[region.start:region.end], in_block)
        pieces.append(comment)
        position, in_block = region.end, False
    pieces.append(text[position:])
    return "".join(pieces)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    text = Path(argv[1]).read_text(encoding="utf-8")
    sys.stdout.buffer.write(filtered(text).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
