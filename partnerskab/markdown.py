"""What user text may become in the Pandoc document.

Plain values are escaped: every ASCII punctuation mark gets a backslash and whitespace is
folded, so a value can never start a heading, a list, a table row, a raw block or a
metadata block. Prose fields accept a small Markdown subset (paragraphs, lists, *emphasis*,
**strong** and links to http, https and mailto). We parse that subset ourselves and emit
clean Pandoc Markdown; anything else in prose comes out as literal text.
"""

from __future__ import annotations

import re
from itertools import groupby

from .i18n import MONTH_NAMES

# Punctuation that cannot change structure anywhere inside a line stays readable.
ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
KEPT_PUNCTUATION = frozenset(",;?/%")  # pandoc_json.py reads these unescaped too
_PUNCTUATION = ASCII_PUNCTUATION - KEPT_PUNCTUATION
# Each such mark with a backslash before it, for str.translate, which escapes a value in one
# pass in C instead of a test of every character in Python.
_ESCAPED = str.maketrans({mark: "\\" + mark for mark in _PUNCTUATION})
_SPACE = re.compile(r"[^\S\xa0]+")  # whitespace, but a no-break space stays


class Markdown(str):
    """Markdown that we produced ourselves, so the template may insert it as it is."""


def escape(value) -> str:
    """Plain text -> Pandoc Markdown that reads back as exactly this text, on one line."""
    if value is None:
        return ""
    return _SPACE.sub(" ", str(value)).strip().translate(_ESCAPED)


_ITEM = re.compile(r"^(\s*)(?:([-*+])|(\d{1,9})([.)]))\s+(.*)$")
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


# How deep lists may nest. A line indented deeper than this is an item of the deepest list.
MAX_LIST_DEPTH = 3


class _Item:
    """A list item as written: its marker, its indentation (tabs to 4), its lines and the items
    nested under it."""

    def __init__(self, indent: int, marker: str, text: str):
        self.indent, self.marker, self.lines, self.children = indent, marker, [text], []


def prose(value) -> Markdown:
    """Prose with the Markdown subset -> safe Pandoc Markdown blocks."""
    if value is None:
        return Markdown("")
    blocks: list[str] = []
    paragraph: list[str] = []
    dated = False  # the paragraph began with a date: a line that begins with one starts anew
    items: list[_Item] = []  # the list being read, at the top

    def flush_paragraph():
        nonlocal dated
        if paragraph:
            blocks.append(_inline_line(" ".join(paragraph)))
            paragraph.clear()
        dated = False

    def flush_list():
        blocks.extend(_list_blocks(items))
        items.clear()

    def add_item(spaces: str, marker: str, text: str) -> bool:
        """Add the item; False for a line indented four or more (as code would be) that would
        be an item of the top list, which a list's text has always taken it for. An item
        indented two columns or more past the item above it is nested in that item; one
        indented as an item of a list further up joins that list."""
        indent = len(spaces.expandtabs(4))
        lists = _open_lists(items)
        depth = len(lists)
        while depth > 1 and indent <= lists[depth - 2][-1].indent + 1:
            depth -= 1
        siblings = lists[depth - 1]
        nested = bool(siblings) and indent >= siblings[-1].indent + 2
        if len(spaces) > 3 and depth == 1 and not nested:
            return False
        if nested and depth < MAX_LIST_DEPTH:
            siblings = siblings[-1].children
        if siblings is items and items and marker[0].isdigit() != items[0].marker[0].isdigit():
            flush_list()  # a bullet list after a numbered one, at the top: a list of its own
        siblings.append(_Item(indent, marker, text))
        return True

    for line in str(value).replace("\r\n", "\n").split("\n"):
        if not line.strip():
            flush_paragraph()
            flush_list()
            continue
        item = _ITEM.match(line)
        if item and len(item[1]) > 3 and not items:
            item = None  # indented as code would be, outside a list: text
        date = bool(item and item[3] and _is_date(item[3], item[4], item[5]))
        if item and item[3] and (paragraph or date):
            item = None  # "1. marts" in a paragraph, or starting one, is a date, not a list
        if date and paragraph and (dated or paragraph[-1].endswith((".", "!", "?", ":"))):
            flush_paragraph()  # «1. marts 2027: første rate», «15. juni 2027: anden rate»
        if item:
            flush_paragraph()
        if item and add_item(item[1], item[2] or item[3] + item[4], item[5]):
            continue
        if items and line.startswith((" ", "\t")):
            _open_lists(items)[-1][-1].lines.append(line.strip())  # the item written last
        else:
            flush_list()
            dated = dated if paragraph else date
            paragraph.append(line.strip())
    flush_paragraph()
    flush_list()
    return Markdown("\n\n".join(b for b in blocks if b))


def _open_lists(items: list[_Item]) -> list[list[_Item]]:
    """The lists a new item may join: the top one, and the list nested in each one's last item,
    down to the deepest (where the item written last stands)."""
    lists = [items]
    while lists[-1] and lists[-1][-1].children:
        lists.append(lists[-1][-1].children)
    return lists


def _list_blocks(items: list[_Item], indent: str = "") -> list[str]:
    """The blocks for a list's items, each line after `indent` (a nested list's, in the item
    above it). Items of one kind that follow each other are one list."""
    blocks: list[str] = []
    for _, group in groupby(items, key=lambda item: item.marker[0].isdigit()):
        run = list(group)
        numbers = [int(item.marker[:-1]) for item in run if item.marker[0].isdigit()]
        if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            # «1. kvartal», «3. kvartal»: numbered lines that a list would renumber 1, 2. Each
            # stays a line of its own with its number as written, so its meaning stays too.
            for item in run:  # nested: a paragraph in the item above, after a blank line
                text = indent + _inline_line(" ".join([item.marker, *item.lines]))
                blocks.append(f"\n{text}" if indent else text)
                blocks.extend(_list_blocks(item.children, indent))
            continue
        lines = []
        for item in run:
            bullet = _bullet(item.marker)
            # An empty item in a nested list would read as a table's rule or a heading's line.
            text = _inline_line(" ".join(item.lines)) or ("\\ " if indent else "")
            lines.append(f"{indent}{bullet} {text}")
            inner = indent + " " * max(4, len(bullet) + 1)  # pandoc: past the marker, 4 at least
            lines.extend(_list_blocks(item.children, inner))
        blocks.append("\n".join(lines))
    if indent:  # nested: one block of lines, in the item above; a numbered line, a paragraph in it
        return ["\n\n".join(blocks)] if blocks else []
    return blocks


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
    return _SPACE.sub(" ", text).translate(_ESCAPED)


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
