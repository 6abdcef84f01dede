"""What user text may become in the Pandoc document.

Plain values are escaped: every ASCII punctuation mark gets a backslash and whitespace is
folded, so a value can never start a heading, a list, a table row, a raw block or a
metadata block. Prose fields accept a small Markdown subset (paragraphs, lists, *emphasis*,
**strong** and links to http, https and mailto). We parse that subset ourselves and emit
clean Pandoc Markdown; anything else in prose comes out as literal text.
"""

from __future__ import annotations

import re

from .i18n import MONTH_NAMES

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


_ITEM = re.compile(r"^\s{0,3}(?:([-*+])|(\d{1,9})([.)]))\s+(.*)$")
# After the day: a month in small letters, as Danish writes it («marts», «okt.»), then the end
# of the line, a year or other digits, or a sign (not «Maj Andersen», «Jan Holm»: names).
_MONTH = re.compile(r"([a-zæøå]+)(?=$|[.,:;]|\s+\d)")


def _is_date(number: str, delimiter: str, text: str) -> bool:
    """«1. marts 2027 …», «15. okt. …»: a date at the start of a line, not the first item of a
    numbered list (Danish writes the day with a full stop)."""
    month = _MONTH.match(text)
    return delimiter == "." and int(number) <= 31 and month is not None and month[1] in MONTH_NAMES


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
    dated = False  # the paragraph began with a date: a line that begins with one starts anew
    items: list[tuple[str, list[str]]] = []  # (marker as written, lines)

    def flush_paragraph():
        nonlocal dated
        if paragraph:
            blocks.append(_inline_line(" ".join(paragraph)))
            paragraph.clear()
        dated = False

    def flush_list():
        if not items:
            return
        numbers = [int(marker[:-1]) for marker, _ in items if marker[0].isdigit()]
        if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            # «1. kvartal», «3. kvartal»: numbered lines that a list would renumber 1, 2. Each
            # stays a line of its own with its number as written, so its meaning stays too.
            blocks.extend(_inline_line(" ".join([marker, *lines])) for marker, lines in items)
        else:
            blocks.append("\n".join(f"{_bullet(m)} {_inline_line(' '.join(lines))}" for m, lines in items))
        items.clear()

    for line in str(value).replace("\r\n", "\n").split("\n"):
        if not line.strip():
            flush_paragraph()
            flush_list()
            continue
        item = _ITEM.match(line)
        date = bool(item and item[2] and _is_date(item[2], item[3], item[4]))
        if item and item[2] and (paragraph or date):
            item = None  # "1. marts" in a paragraph, or starting one, is a date, not a list
        if date and paragraph and (dated or paragraph[-1].endswith((".", "!", "?", ":"))):
            flush_paragraph()  # «1. marts 2027: første rate», «15. juni 2027: anden rate»
        if item:
            flush_paragraph()
            marker = item[1] or item[2] + item[3]
            if items and marker[0].isdigit() != items[0][0][0].isdigit():
                flush_list()
            items.append((marker, [item[4]]))
        elif items and line.startswith((" ", "\t")):
            items[-1][1].append(line.strip())
        else:
            flush_list()
            dated = dated if paragraph else date
            paragraph.append(line.strip())
    flush_paragraph()
    flush_list()
    return Markdown("\n\n".join(b for b in blocks if b))


def _bullet(marker: str) -> str:
    """A list item's marker as written out: "1." for "1)", which pandoc writes alike; "-" for
    "*" and "+"."""
    return f"{marker[:-1]}." if marker[0].isdigit() else "-"


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
