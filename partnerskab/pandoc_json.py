"""The Pandoc document that pandoc's Markdown reader makes of *our* Markdown, built in Python.

Reading Markdown was the largest part of the warm pandoc's time on an agreement (about 35 of
140 ms); pandoc reads the same document as JSON in about 5 ms. The Markdown that render.py
writes is not any Markdown: every user value in it is escaped (markdown.escape) or our own
prose subset (markdown.prose), and the rest is templates/agreement.md.j2. So this module reads
that narrow language: Divs, headings, paragraphs, bullet and numbered lists, pipe tables with a
caption; escaped characters, strong, emphasis, links, spans, images and autolinks.

It is a fast path, never the only one. `document()` returns None for anything it is not sure
pandoc reads as it does (three stars in a row, a list with blank lines inside an item, an
unescaped mark it does not know, a tab, ...), and pandoc_server.py then sends the Markdown as
before. Whatever it returns must be what pandoc makes of the Markdown, to the last Str:
tests/test_pandoc_json.py compares the two on every example, on generated agreements and on
generated prose, and the documents on both routes byte for byte.

What it follows of pandoc's reader (pandoc 3.9, src/Text/Pandoc/Readers/Markdown.hs):
- adjacent inlines meld as pandoc's Builder melds them (Str+Str, Space+SoftBreak, ...);
- a heading without an identifier gets pandoc's automatic one, made unique with -1, -2, ...
  against every identifier before it;
- a pipe table's columns get widths from its separator line when the table is wider than 72
  columns (counting the separator, or a row), and no widths otherwise;
- a list is loose (its items Para) when its items are separated by blank lines, else tight.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from . import table_height
from .markdown import ASCII_PUNCTUATION, KEPT_PUNCTUATION

# ASCII punctuation that may stand unescaped in text: what markdown.escape keeps, and what the
# template writes around values («**Status:**», «(Partner)», «.», «–» is not ASCII).
_TEXT_PUNCTUATION = KEPT_PUNCTUATION | frozenset(":().")
COLUMNS = 72  # pandoc's --columns, which decides whether a pipe table gets relative widths

_DIV_OPEN = re.compile(r"^::: \{((?:\.[A-Za-z][\w-]*)(?: \.[A-Za-z][\w-]*)*)\}$")
_HEADING = re.compile(r"^(#{1,6}) (.*?)(?: \{ ?#([A-Za-z][\w-]*)((?: \.[A-Za-z][\w-]*)*) ?\})?$")
_BULLET = re.compile(r"^- (.*)$")
_NUMBERED = re.compile(r"^([0-9]{1,9})\. (.*)$")
# markdown._URL_SAFE's characters but "&": an entity in an address is pandoc's to read
_URL = re.compile(r"[A-Za-z0-9\-._~:/?#@!$'*+,;=%]+")
_IMAGE_ATTRIBUTES = re.compile(r"typst-src=([A-Za-z0-9._-]+) height=([0-9.]+cm)")
_CLASS = re.compile(r"\.([A-Za-z][\w-]*)")
_SEPARATOR_CELL = re.compile(r"^ *(:?)(-+)(:?) *$")
_ALIGNMENTS = {  # (a colon on the left, on the right) of a separator cell
    (False, False): "AlignDefault",
    (True, False): "AlignLeft",
    (False, True): "AlignRight",
    (True, True): "AlignCenter",
}


class Unsure(Exception):
    """The Markdown holds something this reader does not know pandoc's reading of."""


@dataclass
class Document:
    """Pandoc's JSON document, without "pandoc-api-version" (render.lua adds pandoc's own);
    whether its text may need layout.lua's Str functions (render.lua's two shortcuts); and which
    top-level blocks layout.lua's other functions may change (render.lua's targeted walks):
    - `inline_blocks`: those that hold a Link, a Span or an Image (the inline elements
      layout.lua has functions for, INLINE_KINDS), or None for all of them (the metadata holds
      one);
    - `guard_blocks`: those that hold a paragraph (Para or Plain) whose first inline is a Str
      that starts like Typst markup (layout.lua's starts_like_typst_markup).
    Both count from 1, as Lua does.
    `tables`: for each table, in the order they stand, whether the PDF keeps it whole ("W"),
    lets it break ("B") or has Typst measure it ("M") (table_height.py; layout.lua)."""

    json: str
    typed_as_typed: bool
    wide_words: bool
    inline_blocks: tuple[int, ...] | None = None
    guard_blocks: tuple[int, ...] | None = None
    tables: str = ""


# The inline elements layout.lua has a function for, besides Str (tests/test_pandoc_json.py
# reads layout.lua's functions and fails when one is added that is not here).
INLINE_KINDS = frozenset({"Link", "Span", "Image"})
# A paragraph's inlines, as JSON, that start with a Str starting like Typst markup: "-", "+",
# "/" or "=", or ASCII digits and a full stop (layout.lua's starts_like_typst_markup).
_STARTS_LIKE_TYPST_MARKUP = re.compile(r'\[\{"t":"Str","c":"(?:[-+/=]|[0-9]+\.)')


# render.lua's tests on the text, which it makes on the Markdown when it reads Markdown; here
# on the text of every Str, each on a line of its own, as layout.lua's Str functions see them.
_TYPED = re.compile(r"\.\.|-[?0-9]")
_WIDE_RUN = re.compile(rb"[A-Za-z\x80-\xff]{30}")  # render.lua's WIDE_RUN: 30 bytes of letters


def document(markdown: str, metadata: dict) -> Document | None:
    """The Document for our Markdown and metadata, or None when the Markdown should go to
    pandoc's reader instead."""
    try:
        reader = _Reader()
        top, marks = reader.top_blocks(_lines(markdown))
        blocks = ",".join(top)
        reader.marked = False
        meta = ",".join(_encode(key) + ":" + reader.meta_value(value) for key, value in metadata.items())
    except Unsure:
        return None
    text = "\n".join(reader.texts)
    return Document(
        f'{{"blocks":[{blocks}],"meta":{{{meta}}}}}',
        typed_as_typed=_TYPED.search(text) is not None,
        wide_words=_WIDE_RUN.search(text.encode()) is not None,
        inline_blocks=None if reader.marked else tuple(i for i, (inline, _) in enumerate(marks, 1) if inline),
        guard_blocks=tuple(i for i, (_, guard) in enumerate(marks, 1) if guard),
        tables="".join(reader.tables),
    )


def _lines(markdown: str) -> list[str]:
    if "\t" in markdown or "\r" in markdown or markdown.startswith("\ufeff"):
        raise Unsure  # pandoc's input normalisation (render.lua as_pandoc_reads_input)
    lines = markdown.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# --- inlines --------------------------------------------------------------------------------
# Inlines are written as JSON text as they come (building dicts and dumping them took longer
# than reading the Markdown did): an _Inlines holds the JSON written so far and the Str and the
# break not written yet, so that it can meld them as pandoc's Builder melds Inlines.

_encode = json.encoder.encode_basestring  # a JSON string, not limited to ASCII (C, fast)
_GAP_JSON = {"Space": '{"t":"Space"}', "SoftBreak": '{"t":"SoftBreak"}', "LineBreak": '{"t":"LineBreak"}'}
_MELD = {
    ("Space", "Space"): "Space",
    ("Space", "SoftBreak"): "SoftBreak",
    ("SoftBreak", "Space"): "SoftBreak",
    ("SoftBreak", "SoftBreak"): "SoftBreak",
    ("Space", "LineBreak"): "LineBreak",
    ("LineBreak", "Space"): "LineBreak",
    ("SoftBreak", "LineBreak"): "LineBreak",
    ("LineBreak", "SoftBreak"): "LineBreak",
}
_TRIMMED = (_GAP_JSON["Space"], _GAP_JSON["SoftBreak"])
_WORD_GAP = '"},{"t":"Space"},{"t":"Str","c":"'  # between two words, inside the JSON of a run


class _Inlines:
    __slots__ = ("parts", "text", "gap", "last", "texts")

    def __init__(self, texts: list[str]):
        self.texts = texts  # the text of every Str written, for render.lua's shortcuts
        self.parts: list[str] = []  # the JSON of each inline written
        self.text = ""  # a Str not written yet: the next text melds with it
        self.gap = ""  # a Space, SoftBreak or LineBreak not written yet
        self.last = ""  # the kind of the inline written last

    def string(self, text: str) -> None:
        if self.gap:
            self._write_gap()
        self.text += text

    def space(self, kind: str) -> None:
        if self.text:
            self._write_text()
        if self.gap:
            melded = _MELD.get((self.gap, kind))
            if melded is None:
                self._write_gap()
            else:
                kind = melded
        self.gap = kind

    def words(self, run: str) -> None:
        """Words between single spaces, none at either end."""
        first, _, rest = run.partition(" ")
        self.string(first)
        if rest:
            self.space("Space")
            middle, _, last = rest.rpartition(" ")
            if middle:
                self.texts.append(middle)
                self.node("Str", '{"t":"Str","c":' + _encode(middle).replace(" ", _WORD_GAP) + "}")
                self.space("Space")
            self.string(last)

    def node(self, kind: str, json_text: str) -> None:
        if self.text:
            self._write_text()
        if self.gap:
            self._write_gap()
        if kind == self.last and kind in ("Emph", "Strong"):
            raise Unsure  # pandoc would meld the two
        self.parts.append(json_text)
        self.last = kind

    def empty(self) -> bool:
        return not (self.parts or self.text or self.gap)

    def _write_text(self) -> None:
        self.texts.append(self.text)
        self.parts.append('{"t":"Str","c":' + _encode(self.text) + "}")
        self.text, self.last = "", "Str"

    def _write_gap(self) -> None:
        self.parts.append(_GAP_JSON[self.gap])
        self.gap, self.last = "", self.gap

    def json(self, trim: bool = False) -> str:
        """The inlines as a JSON array; `trim`: pandoc's trimInlines (no Space or SoftBreak at
        either end), as a paragraph, a heading or a cell has it."""
        if self.text:
            self._write_text()
        if self.gap and not (trim and _GAP_JSON[self.gap] in _TRIMMED):
            self._write_gap()
        parts = self.parts
        if trim:
            start = 0
            while start < len(parts) and parts[start] in _TRIMMED:
                start += 1
            parts = parts[start:]
        return "[" + ",".join(parts) + "]"


_RUN = re.compile(
    r"[^\\\n*!\[\]<{special} ]+(?: [^\\\n*!\[\]<{special} ]+)*".replace(
        "{special}", re.escape("".join(sorted(ASCII_PUNCTUATION - _TEXT_PUNCTUATION)))
    )
)


class _Reader:
    def __init__(self):
        self.identifiers: set[str] = set()
        self.texts: list[str] = []  # every Str's text, for render.lua's shortcuts (_Inlines)
        # Since the last top-level block began (Document.inline_blocks, .guard_blocks): an
        # inline of INLINE_KINDS was read; a paragraph that starts like Typst markup was read.
        self.marked = False
        self.guarded = False
        self.tables: list[str] = []  # Document.tables

    # The inline parser: a recursive descent over the forms markdown.py and the template write.
    def inlines(self, text: str) -> str:
        """A paragraph's, heading's, cell's or metadata value's inlines, trimmed as pandoc
        trims them."""
        out = _Inlines(self.texts)
        if self._inlines(text, 0, "", out) != len(text):
            raise Unsure
        return out.json(trim=True)

    def _inlines(self, text: str, i: int, stop: str, out: _Inlines) -> int:
        n = len(text)
        while i < n:
            c = text[i]
            if stop and text.startswith(stop, i) and not (stop == "*" and text.startswith("**", i)):
                return i
            run = _RUN.match(text, i)
            if run:
                out.words(run.group())
                i = run.end()
            elif c == "\\":
                if i + 1 >= n:
                    raise Unsure  # a backslash at the end of a paragraph
                following = text[i + 1]
                if following == "\n":
                    out.space("LineBreak")
                elif following == " ":
                    out.string("\xa0")
                elif following in ASCII_PUNCTUATION:
                    out.string(following)
                else:
                    raise Unsure
                i += 2
            elif c == " ":
                j = i
                while j < n and text[j] == " ":
                    j += 1
                if j < n and text[j] == "\n":
                    out.space("LineBreak" if j - i >= 2 else "SoftBreak")
                    j += 1
                else:
                    out.space("Space")
                i = j
            elif c == "\n":
                out.space("SoftBreak")
                i += 1
            elif c == "*":
                run_length = 1
                while i + run_length < n and text[i + run_length] == "*":
                    run_length += 1
                if run_length > 2 or i + run_length >= n or text[i + run_length] in " \n":
                    raise Unsure
                mark = "*" * run_length
                inner = _Inlines(self.texts)
                j = self._inlines(text, i + run_length, mark, inner)
                if j >= n or inner.empty() or text[j - 1] in " \n" or text.startswith("***", j):
                    raise Unsure
                if j + run_length < n and text[j + run_length] == "*":
                    raise Unsure
                kind = "Strong" if run_length == 2 else "Emph"
                out.node(kind, f'{{"t":"{kind}","c":{inner.json()}}}')
                i = j + run_length
            elif c == "!" and text.startswith("![", i):
                i = self._image(text, i, out)
            elif c == "[":
                i = self._bracketed(text, i, out)
            elif c == "<":
                end = text.find(">", i)
                url = text[i + 1 : end] if end > 0 else ""
                if not url.lower().startswith(("http://", "https://")) or not _URL.fullmatch(url):
                    raise Unsure
                self.texts.append(url)
                address = _encode(url)
                self.marked = True
                out.node(
                    "Link",
                    f'{{"t":"Link","c":[["",["uri"],[]],[{{"t":"Str","c":{address}}}],[{address},""]]}}',
                )
                i = end + 1
            else:
                raise Unsure  # `]`, `_`, `{`, ... outside the forms below
        if stop:
            raise Unsure  # never closed
        return i

    def _link_target(self, text: str, i: int) -> tuple[str, int]:
        """`(url)` at i -> (url, the index after it)."""
        if not text.startswith("(", i):
            raise Unsure
        end = text.find(")", i)
        url = text[i + 1 : end] if end > 0 else ""
        if not _URL.fullmatch(url):
            raise Unsure
        return url, end + 1

    def _bracketed(self, text: str, i: int, out: _Inlines) -> int:
        """[text](url), [text](url){.class} or [text]{.class}."""
        inner = _Inlines(self.texts)
        j = self._inlines(text, i + 1, "]", inner) + 1
        self.marked = True
        if text.startswith("(", j):
            url, j = self._link_target(text, j)
            classes, j = self._classes(text, j, optional=True)
            out.node("Link", f'{{"t":"Link","c":[["",{classes},[]],{inner.json()},[{_encode(url)},""]]}}')
        else:
            classes, j = self._classes(text, j, optional=False)
            out.node("Span", f'{{"t":"Span","c":[["",{classes},[]],{inner.json()}]}}')
        return j

    @staticmethod
    def _classes(text: str, i: int, optional: bool) -> tuple[str, int]:
        """`{.a .b}` at i -> (the classes as a JSON array, the index after it)."""
        if not text.startswith("{", i):
            if optional:
                return "[]", i
            raise Unsure
        end = text.find("}", i)
        words = text[i + 1 : end].split(" ") if end > 0 else []
        if not words or any(not _CLASS.fullmatch(word) for word in words):
            raise Unsure
        return json.dumps([word[1:] for word in words]), end + 1

    def _image(self, text: str, i: int, out: _Inlines) -> int:
        """![alt](data:…){typst-src=logo-0.png height=1.4cm}: our logos."""
        alt = _Inlines(self.texts)
        j = self._inlines(text, i + 2, "]", alt)
        url, j = self._link_target(text, j + 1)
        end = text.find("}", j)
        attributes = _IMAGE_ATTRIBUTES.fullmatch(text[j + 1 : end]) if text.startswith("{", j) else None
        if not attributes:
            raise Unsure
        pairs = json.dumps([["typst-src", attributes[1]], ["height", attributes[2]]])
        self.marked = True
        out.node("Image", f'{{"t":"Image","c":[["",[],{pairs}],{alt.json()},[{_encode(url)},""]]}}')
        return end + 1

    # --- blocks ------------------------------------------------------------------------------
    # Each block is written as JSON text too.

    def paragraph(self, lines: list[str], kind: str = "Para") -> str | None:
        inlines = self.inlines("\n".join(lines))
        return self._paragraph(inlines, kind) if inlines != "[]" else None

    def _paragraph(self, inlines: str, kind: str) -> str:
        """A Para or Plain of `inlines` (JSON)."""
        if _STARTS_LIKE_TYPST_MARKUP.match(inlines):
            self.guarded = True
        return f'{{"t":"{kind}","c":{inlines}}}'

    def blocks(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lines):
            i = self._block(lines, i, out)
        return out

    def top_blocks(self, lines: list[str]) -> tuple[list[str], list[tuple[bool, bool]]]:
        """The document's blocks, and for each whether it holds an inline of INLINE_KINDS and
        a paragraph that starts like Typst markup (Document.inline_blocks, .guard_blocks)."""
        out: list[str] = []
        marks: list[tuple[bool, bool]] = []
        i = 0
        while i < len(lines):
            self.marked = self.guarded = False
            written = len(out)
            i = self._block(lines, i, out)
            if len(out) - written > 1:
                raise Unsure  # a step that wrote two blocks: none does
            if len(out) > written:
                marks.append((self.marked, self.guarded))
        return out, marks

    def _block(self, lines: list[str], i: int, out: list[str]) -> int:
        """The block at `lines[i]` (if any: a blank line is none) added to `out`; the index
        after it."""
        line = lines[i]
        if not line.strip():
            return i + 1
        if line.startswith(":::"):
            return self._div(lines, i, out)
        if line.startswith("#"):
            out.append(self._heading(line))
            return i + 1
        if line.startswith("|"):
            return self._table(lines, i, out)
        if _BULLET.match(line) or _NUMBERED.match(line):
            return self._list(lines, i, out)
        j, n = i, len(lines)
        while j < n and lines[j].strip() and not lines[j].startswith(":::"):
            if lines[j].startswith(" ") or _starts_block(lines[j]):
                raise Unsure
            j += 1
        block = self.paragraph(lines[i:j])
        if block:
            out.append(block)
        return j

    def _div(self, lines: list[str], i: int, out: list[str]) -> int:
        opening = _DIV_OPEN.match(lines[i])
        if not opening:
            raise Unsure
        end = i + 1
        while end < len(lines) and lines[end] != ":::":
            if lines[end].startswith(":::"):
                raise Unsure  # a Div inside a Div: not in our template
            end += 1
        if end == len(lines):
            raise Unsure
        classes = json.dumps(_CLASS.findall(opening[1]))
        inner = ",".join(self.blocks(lines[i + 1 : end]))
        out.append(f'{{"t":"Div","c":[["",{classes},[]],[{inner}]]}}')
        return end + 1

    def _heading(self, line: str) -> str:
        match = _HEADING.match(line)
        if not match or match[2].endswith("#") and not match[2].endswith("\\#"):
            raise Unsure  # an unescaped # at the end would be a closing sequence
        inlines = self.inlines(match[2])
        if inlines == "[]":
            raise Unsure
        identifier = match[3] or self._identifier(match[2])
        self.identifiers.add(identifier)
        attributes = json.dumps([identifier, _CLASS.findall(match[4] or ""), []], ensure_ascii=False)
        return f'{{"t":"Header","c":[{len(match[1])},{attributes},{inlines}]}}'

    def _identifier(self, text: str) -> str:
        """pandoc's automatic identifier for a heading of plain (escaped) text
        (Text.Pandoc.Shared.inlineListToIdentifier), made unique as pandoc makes it."""
        if not _PLAIN.fullmatch(text):
            raise Unsure  # marked up: not in our template
        plain = _UNESCAPE.sub(lambda m: "\xa0" if m[1] == " " else m[1], text)
        # each character lowered alone, as Haskell's Data.Text.toLower does: str.lower() makes
        # a Σ at the end of a word ς, pandoc σ
        lowered = "".join(map(str.lower, plain))
        kept = "".join(c for c in lowered if c.isspace() or _alphanumeric(c) or c in "_-.")
        ident = "-".join(kept.split())
        start = 0
        while start < len(ident) and not _letter(ident[start]):
            start += 1
        ident = ident[start:] or "section"
        if ident in self.identifiers:
            number = 1
            while f"{ident}-{number}" in self.identifiers:
                number += 1
            ident = f"{ident}-{number}"
        return ident

    def _table(self, lines: list[str], i: int, out: list[str]) -> int:
        rows = []
        while i < len(lines) and lines[i].startswith("|"):
            rows.append(lines[i])
            i += 1
        if len(rows) < 2:
            raise Unsure
        aligns, lengths = [], []
        for cell in _cells(rows[1]):
            part = _SEPARATOR_CELL.match(cell)
            if not part:
                raise Unsure
            left, right = bool(part[1]), bool(part[3])
            aligns.append(_ALIGNMENTS[left, right])
            lengths.append(len(part[2]) + left + right)
        columns = len(aligns)
        raw = [_cells(row)[:columns] for row in (rows[0], *rows[2:])]
        if any(len(row) != columns for row in raw) or all(not cell.strip(" ") for cell in raw[0]):
            raise Unsure
        total = sum(lengths)
        fractions = None  # pandoc gives the columns widths only when a line is too long
        if total + columns + 1 > COLUMNS or max(sum(map(_width, row)) for row in raw) + columns + 1 > COLUMNS:
            fractions = [length / total for length in lengths]
            widths = [f'{{"t":"ColWidth","c":{json.dumps(fraction)}}}' for fraction in fractions]
        else:
            widths = ['{"t":"ColWidthDefault"}'] * columns
        cells = [[self.inlines(cell.strip(" ")) if cell.strip(" ") else "" for cell in row] for row in raw]
        head, *body = ([self._cell(inlines) for inlines in row] for row in cells)
        while i < len(lines) and not lines[i].strip():
            i += 1
        caption = ""
        if i < len(lines) and lines[i].startswith(": "):
            end = i
            while end < len(lines) and lines[end].strip() and not lines[end].startswith(":::"):
                end += 1
            caption = self.paragraph([lines[i][2:], *lines[i + 1 : end]], "Plain") or ""
            i = end
        self.tables.append(_decide(caption, fractions, cells))
        specs = ",".join(f'[{{"t":"{align}"}},{width}]' for align, width in zip(aligns, widths, strict=True))
        rows = ",".join(map(_row, body))
        out.append(
            f'{{"t":"Table","c":[["",[],[]],[null,[{caption}]],[{specs}],'
            f'[["",[],[]],[{_row(head)}]],[[["",[],[]],0,[],[{rows}]]],[["",[],[]],[]]]}}'
        )
        return i

    def _cell(self, inlines: str) -> str:
        """A cell of `inlines` (JSON; "" for an empty cell)."""
        blocks = self._paragraph(inlines, "Plain") if inlines else ""
        return f'[["",[],[]],{{"t":"AlignDefault"}},1,1,[{blocks}]]'

    def _list(self, lines: list[str], i: int, out: list[str]) -> int:
        """A list at the start of `lines[i]` (no indentation): its items, each the item's line,
        the lines indented under it and, four spaces in, a nested tight list."""
        numbered = bool(_NUMBERED.match(lines[i]))
        pattern = _NUMBERED if numbered else _BULLET
        items: list[list[str]] = []
        gaps: list[bool] = []  # a blank line after each item
        start = 0
        while i < len(lines):
            match = pattern.match(lines[i])
            if not match:
                break
            if numbered and items and int(match[1]) != start + len(items):
                raise Unsure  # markdown.py writes out-of-order numbers as lines, not as a list
            if numbered and not items:
                start = int(match[1])
            body = [match[2] if numbered else match[1]]
            i += 1
            while i < len(lines) and lines[i].startswith(" ") and lines[i].strip():
                body.append(lines[i])
                i += 1
            blank = 0
            while i + blank < len(lines) and not lines[i + blank].strip():
                blank += 1
            items.append(body)
            following = i + blank < len(lines) and pattern.match(lines[i + blank])
            gaps.append(bool(blank) and bool(following))
            if blank and not following:
                break
            i += blank
        if any(gaps) and not all(gaps[:-1]):
            raise Unsure  # some items apart and some not
        loose = any(gaps)
        contents = ",".join("[" + ",".join(self._item(body, loose)) + "]" for body in items)
        if numbered:
            out.append(
                f'{{"t":"OrderedList","c":[[{start},{{"t":"Decimal"}},{{"t":"Period"}}],[{contents}]]}}'
            )
        else:
            out.append(f'{{"t":"BulletList","c":[{contents}]}}')
        return i

    def _item(self, body: list[str], loose: bool) -> list[str]:
        if _starts_block(body[0]):
            raise Unsure  # «- 1. a», «- - a»: a list in the item, or a heading's underline
        text = [body[0]]
        rest = 1
        while rest < len(body) and not _ITEM_START.match(body[rest]):
            text.append(body[rest].lstrip(" "))
            rest += 1
        blocks = []
        block = self.paragraph(text, "Para" if loose else "Plain")
        if block:
            blocks.append(block)
        if rest < len(body):
            if loose or not block or not all(line.startswith("    ") for line in body[rest:]):
                raise Unsure
            nested = [line[4:] for line in body[rest:]]
            if self._list(nested, 0, blocks) != len(nested):
                raise Unsure
        return blocks

    def meta_value(self, value) -> str:
        if isinstance(value, bool):
            return '{"t":"MetaBool","c":true}' if value else '{"t":"MetaBool","c":false}'
        if not isinstance(value, str) or not value.strip() or value != value.strip():
            raise Unsure
        if "\n" in value or _starts_block(value):
            raise Unsure
        return f'{{"t":"MetaInlines","c":{self.inlines(_meta_text(value))}}}'


def _decide(caption: str, fractions: list[float] | None, cells: list[list[str]]) -> str:
    """table_height's decision for a table read here (all at the page's width: one at the top of
    the document or in a Div; a list item holds no table)."""
    rows = json.loads("[" + ",".join("[" + ",".join(c or "[]" for c in row) + "]" for row in cells) + "]")
    return table_height.decide(json.loads(caption)["c"] if caption else None, fractions, rows)


def _row(cells: list[str]) -> str:
    return '[["",[],[]],[' + ",".join(cells) + "]]"


_PLAIN = re.compile(r"(?:\\[!-/:-@\[-`{-~ ]|[^\\*\[\]<!\n])*")
_UNESCAPE = re.compile(r"\\(.)")
_ITEM_START = re.compile(r"^ *(?:- |[0-9]{1,9}\. )")


def _meta_text(value: str) -> str:
    """A metadata value as Markdown: escaped already (markdown.escape), or one of our own
    («da-DK») whose unescaped hyphen stands between two letters or digits, where pandoc reads
    it as text, as it reads an escaped one."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            out.append(value[i : i + 2])
            i += 2
            continue
        if c == "-":
            if not (0 < i < len(value) - 1 and value[i - 1].isalnum() and value[i + 1].isalnum()):
                raise Unsure
            c = "\\-"
        out.append(c)
        i += 1
    return "".join(out)


_BLOCK_START = re.compile(r" *(?:[0-9]+[.)](?: |$)|[-+*](?: |$)|[>|#:~`]|[=-]+ *$)")


def _starts_block(line: str) -> bool:
    """A line pandoc might read as the start of another block, or as a heading's underline."""
    return _BLOCK_START.match(line) is not None


_CELL = re.compile(r"((?:\\.|[^\\|\n])*)\|")


def _cells(row: str) -> list[str]:
    """A pipe table row's raw cells, split at unescaped pipes (pandoc's pipeTableRow)."""
    cells, end = [], 1
    for match in _CELL.finditer(row, 1):
        if match.start() != end:
            raise Unsure
        cells.append(match[1])
        end = match.end()
    if row[end:].strip(" "):
        raise Unsure  # text after the last pipe
    return cells


def _width(text: str) -> int:
    """pandoc's realLength, for the characters where it is plainly one column each."""
    for c in text:
        if ord(c) >= 0x300 and (
            unicodedata.east_asian_width(c) in "WF" or unicodedata.combining(c) or ord(c) >= 0x1100
        ):
            raise Unsure
    return len(text)


def _letter(c: str) -> bool:
    return unicodedata.category(c).startswith("L")


def _alphanumeric(c: str) -> bool:
    return unicodedata.category(c)[0] in "LN"
