"""What user text may become in the Pandoc document.

Plain values are escaped: every ASCII punctuation mark gets a backslash and whitespace is
folded, so a value can never start a heading, a list, a table row, a raw block or a
metadata block. Prose fields accept a small Markdown subset (paragraphs, lists, *emphasis*,
**strong** and links to http, https and mailto). We parse that subset ourselves and emit
clean Pandoc Markdown; anything else in prose comes out as literal text.
"""

from __future__ import annotations

import re

# Punctuation that cannot change structure anywhere inside a line stays readable.
_KEEP = set(",;?/%")
_PUNCTUATION = {c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"} - _KEEP
_SPACE = re.compile(r"[^\S\xa0]+")  # whitespace, but a no-break space stays


class Markdown(str):
    """Markdown that we produced ourselves, so the template may insert it as it is."""


def escape(value) -> str:
    """Plain text -> Pandoc Markdown that reads back as exactly this text, on one line."""
    if value is None:
        return ""
    text = _SPACE.sub(" ", str(value)).strip()
    return "".join("\\" + c if c in _PUNCTUATION else c for c in text)


_ITEM = re.compile(r"^\s{0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$")
_URL_SAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#@!$&'*+,;=%]")  # others are %-encoded
_SCHEMES = ("http://", "https://", "mailto:")
# Emphasis spans at most this many characters. An unbounded span made a search for the closing
# mark run to the end of the paragraph from every opening one: `_a_b ` repeated over 40 kB took
# 3.5 s (quadratic); bounded, the same text takes 0.2 s, and 100 kB 0.5 s.
MAX_SPAN = 1000


def _span(mark: str = "") -> str:
    """An emphasised text, as short as can be: no space at either end, and not its own `mark`
    either («***» is three stars, not an emphasised star)."""
    edge = rf"[^\s{re.escape(mark)}]"
    return rf"{edge}(?:.{{0,{MAX_SPAN}}}?{edge})??"


_QUOTES = "\"'«»“”„‟‘’‚‛‹›"
_INLINE = re.compile(
    r"\[(?P<text>[^\[\]\n]+)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)\)"
    rf"|\*\*(?P<strong>{_span()})\*\*"
    rf"|\*(?P<emph>{_span('*')})\*"
    rf"|(?<![\w])_(?P<uemph>{_span('_')})_(?![\w])"
    # a bare address ends before a quotation mark, straight or typographic (typography.py has
    # made «"https://…"» into »https://…«, and the mark is not part of the address)
    rf"|(?P<bare>https?://[^\s<>()\[\]{_QUOTES}]+[^\s<>()\[\]{_QUOTES}.,;:!?])"
)


def _url(url: str) -> str | None:
    if not url.lower().startswith(_SCHEMES):
        return None
    return _URL_SAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)


def prose(value) -> Markdown:
    """Prose with the Markdown subset -> safe Pandoc Markdown blocks."""
    if value is None:
        return Markdown("")
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[tuple[str, list[str]]] = []  # (marker, lines)

    def flush_paragraph():
        if paragraph:
            blocks.append(_inline_line(" ".join(paragraph)))
            paragraph.clear()

    def flush_list():
        if items:
            lines = []
            for number, (marker, item_lines) in enumerate(items):
                bullet = "-" if not marker.isdigit() else f"{int(items[0][0]) + number}."
                lines.append(f"{bullet} {_inline_line(' '.join(item_lines))}")
            blocks.append("\n".join(lines))
            items.clear()

    for line in str(value).replace("\r\n", "\n").split("\n"):
        if not line.strip():
            flush_paragraph()
            flush_list()
            continue
        item = _ITEM.match(line)
        if item and item[2] and paragraph:
            item = None  # "1. marts" in the middle of a paragraph is a date, not a list
        if item:
            flush_paragraph()
            marker = item[1] or item[2]
            if items and marker.isdigit() != items[0][0].isdigit():
                flush_list()
            items.append((marker, [item[3]]))
        elif items and line.startswith((" ", "\t")):
            items[-1][1].append(line.strip())
        else:
            flush_list()
            paragraph.append(line.strip())
    flush_paragraph()
    flush_list()
    return Markdown("\n\n".join(b for b in blocks if b))


def _inline_line(text: str, in_link: bool = False) -> str:
    """`in_link`: the text of a link, in which a web address or a link is only text (a link
    inside a link would show its angle brackets or brackets in every format)."""
    text = _SPACE.sub(" ", text).strip()
    out, pos = [], 0
    for match in _INLINE.finditer(text):
        out.append(_escape_keep_edges(text[pos : match.start()]))
        pos = match.end()
        if in_link and (match["text"] is not None or match["bare"] is not None):
            out.append(_escape_keep_edges(match.group()))
        else:
            out.append(_inline_match(match, in_link))
    out.append(_escape_keep_edges(text[pos:]))
    return "".join(out)


def _escape_keep_edges(text: str) -> str:
    """Escape a fragment that sits between inline elements, keeping its outer spaces."""
    return "".join("\\" + c if c in _PUNCTUATION else c for c in _SPACE.sub(" ", text))


def _inline_match(match: re.Match, in_link: bool) -> str:
    if match["text"] is not None:
        url = _url(match["url"])
        return f"[{_inline_line(match['text'], True)}]({url})" if url else _escape_keep_edges(match.group())
    if match["strong"] is not None:
        return f"**{_inline_line(match['strong'], in_link)}**"
    if match["emph"] is not None or match["uemph"] is not None:
        return f"*{_inline_line(match['emph'] or match['uemph'], in_link)}*"
    return f"<{_url(match['bare'])}>"


def relative_link(name: str) -> Markdown:
    """A link target we made ourselves (an annex's copy beside the document), with every
    character but letters, digits, `.`, `-` and `_` %-encoded, so it stays one plain file name."""
    return Markdown(
        re.sub(r"[^A-Za-z0-9._-]", lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), name)
    )
