"""The small part of Markdown the hand-written explanations of docs/results use, rendered as
HTML for the results pages: code spans (`250 OK`), links ([text](url)), strong (**text**),
emphasis (*text* or _text_ between word boundaries) and backslash escapes. Everything else,
`<`, `&` and quotes included, is text and comes out escaped; a link whose address has a scheme
other than http, https or mailto keeps its text and loses its address.

    to_html("Accepts `MAIL FROM:<a>`")  ->  'Accepts <code>MAIL FROM:&lt;a&gt;</code>'
    to_plain("Accepts `MAIL FROM:<a>`") ->  'Accepts MAIL FROM:<a>'

Python 3 standard library only.
"""

import re
from html import escape

# One alternative per construct, tried left to right; a code span wins over everything inside
# it, as in CommonMark. The emphasis markers must not touch a letter on their outer side, so
# the underscores of `relay_domains_reject_code` (outside a code span too) stay underscores.
TOKEN = re.compile(r"""
    (?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)
  | \[(?P<link_text>[^\]\n]+)\]\((?P<url>[^()\s]+)\)
  | \*\*(?P<strong>[^*\s](?:[^*]*?[^*\s])?)\*\*
  | (?<![\w*])\*(?P<star_em>[^*\s](?:[^*]*?[^*\s])?)\*(?![\w*])
  | (?<![\w])_(?P<underscore_em>[^_\s](?:[^_]*?[^_\s])?)_(?![\w])
  | \\(?P<escaped>[\\`*_\[\]()#!<>])
""", re.VERBOSE)

SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


def is_safe_url(url):
    """True for http, https and mailto addresses and for relative ones (no scheme at all)."""
    return bool(SAFE_SCHEME.match(url))


def code_text(match):
    """A code span's content; one space on both ends is padding (CommonMark), and goes."""
    text = match.group("code")
    if len(text) > 2 and text.startswith(" ") and text.endswith(" ") and text.strip():
        text = text[1:-1]
    return text


def render_token(match):
    if match.group("ticks"):
        return f"<code>{escape(code_text(match))}</code>"
    if match.group("link_text") is not None:
        text = to_html(match.group("link_text"))
        url = match.group("url")
        return f'<a href="{escape(url)}">{text}</a>' if is_safe_url(url) else text
    if match.group("strong") is not None:
        return f"<strong>{to_html(match.group('strong'))}</strong>"
    emphasis = match.group("star_em") or match.group("underscore_em")
    if emphasis is not None:
        return f"<em>{to_html(emphasis)}</em>"
    return escape(match.group("escaped"))


def to_html(text):
    """The text as HTML: the constructs above rendered, every other character escaped."""
    parts, at = [], 0
    for match in TOKEN.finditer(text):
        parts.append(escape(text[at:match.start()]))
        parts.append(render_token(match))
        at = match.end()
    parts.append(escape(text[at:]))
    return "".join(parts)


def plain_token(match):
    if match.group("ticks"):
        return code_text(match)
    for name in ("link_text", "strong", "star_em", "underscore_em"):
        if match.group(name) is not None:
            return to_plain(match.group(name))
    return match.group("escaped")


def to_plain(text):
    """The text without its markup (for a tooltip or a search), not escaped."""
    return TOKEN.sub(plain_token, text)
