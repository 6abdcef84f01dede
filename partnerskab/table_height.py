"""Whether a table in the PDF is sure to be shorter or taller than a third of a page, before
Typst lays it out (pandoc_json.py asks, for each table it reads).

The PDF keeps a table under 8.5 cm on one page and lets a longer one break between rows
(templates/pandoc/agreement.typst). Typst can measure a table, but a measure lays the table out
again in each of Typst's passes, which was a fifth of its work for the benchmark's agreements.
So the height is worked out here from IBM Plex Sans's widths (plex_widths.json, written by
tools/make_widths.py from fonts/), the way Typst sets ragged text: lines filled first-fit,
broken only at spaces. Two bounds are taken:
- an upper one: widths 4 % wider than the font's (kerning, rounding), breaking only at spaces,
  so never fewer lines than Typst, which may also break after a hyphen or hyphenate a long
  word (layout.lua);
- a lower one: widths 4 % narrower, and each line filled to the last point.
A table whose upper bound is under the limit is kept whole ("W"), one whose lower bound is over
it may break ("B"); Typst measures the rest ("M"), and every table whose text is not plain: a
character without a width in the file, a picture, columns of no set width, a word wider than
its column. tests/test_layout.py checks each decision against Typst's own measure.

A table's height: its caption (a paragraph at 8.5 pt, and the figure's gap), then its rows,
each as tall as its tallest cell and the cell's insets. A paragraph of n lines at size s is
n cap heights and n - 1 leadings (agreement.typst: top edge at the cap height, bottom edge at
the baseline, leading 0.62 em). The first row is bold (`table.cell.where(y: 0)`).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

WIDTHS = Path(__file__).resolve().parent / "plex_widths.json"
LIMIT = 8.5 / 2.54 * 72  # pt: agreement.typst's measured-table keeps a table whole below it
TEXT_WIDTH = (21 - 2.5 - 2.3) / 2.54 * 72  # pt: the A4 page inside agreement.typst's margins
CELL_SIZE, CAPTION_SIZE, FIGURE_GAP = 9.5, 8.5, 0.65 * 10  # pt
INSET_X, INSET_Y = 5.0, 4.0  # pt: `#set table(inset: ...)`
LEADING = 0.62  # em: `#set par(leading: ...)`
SLACK = 0.04
SPACE = 32


class _Unknown(Exception):
    """Something whose width the font file does not tell."""


@cache
def _font() -> tuple[float, dict[str, dict[int, float]]]:
    """(cap height, {style: {code point: advance}}), both in em."""
    data = json.loads(WIDTHS.read_text(encoding="utf-8"))
    units = data["units"]
    faces = {
        style: {int(code): width / units for code, width in data[style].items()}
        for style in ("regular", "bold", "italic", "bolditalic")
    }
    return data["cap_height"] / units, faces


def _face(faces: dict, strong: bool, emph: bool) -> dict[int, float]:
    return faces[("bold" if strong else "") + ("italic" if emph else "") or "regular"]


def line_bounds(inlines: list, width: float, size: float, bold: bool = False) -> tuple[int, int]:
    """(upper, lower) bounds of the lines a paragraph of pandoc JSON `inlines` takes at `width`
    pt in text of `size` pt. Raises _Unknown."""
    faces = _font()[1]
    upper, line, word = 0, 0.0, 0.0
    lower, letters = 0, 0.0  # the lower bound: the letters of each forced line, filled full
    wide, narrow = size * (1 + SLACK), size * (1 - SLACK)

    def end_word():
        nonlocal upper, line, word
        if word == 0:
            return
        if word > width:
            raise _Unknown  # wider than its column: Typst hyphenates it or lets it run over
        if line == 0:
            line = word
        elif line + word <= width:
            line += word
        else:
            upper, line = upper + 1, word
        word = 0.0

    def end_line():
        nonlocal upper, line, lower, letters
        end_word()
        if line > 0:
            upper, line = upper + 1, 0.0
        if letters > 0:
            lower += math.ceil(letters / width - 1e-9)
        letters = 0.0

    def text(string: str, face: dict, glued: bool):
        nonlocal line, word, letters
        for char in string:
            code = ord(char)
            advance = face.get(code)
            if advance is None:
                raise _Unknown
            if code == SPACE and not glued:
                end_word()
                if line > 0:
                    line += advance * wide
            else:
                word += advance * wide
                if code != SPACE:
                    letters += advance * narrow

    def walk(items: list, strong: bool, emph: bool, glued: bool):
        for item in items:
            kind = item["t"]
            if kind == "Str":
                text(item["c"], _face(faces, strong, emph), glued)
            elif kind in ("Space", "SoftBreak"):
                text(" ", _face(faces, strong, emph), glued)
            elif kind == "LineBreak":
                end_line()
            elif kind == "Strong":
                walk(item["c"], True, emph, glued)
            elif kind == "Emph":
                walk(item["c"], strong, True, glued)
            elif kind == "Link":
                walk(item["c"][1], strong, emph, glued)
            elif kind == "Span":
                # render.py's nowrap: a run Typst may not break (layout.lua puts it in a box)
                walk(item["c"][1], strong, emph, glued or "nowrap" in item["c"][0][1])
            else:
                raise _Unknown  # a picture, code, a note: Typst measures

    walk(inlines, bold, False, False)
    end_line()
    return upper, lower


def _height(lines: int, size: float) -> float:
    cap = _font()[0]
    return lines * cap * size + (lines - 1) * LEADING * size if lines else 0.0


def decide(caption: list | None, fractions: list[float] | None, rows: list[list[list]]) -> str:
    """ "W" (kept whole), "B" (may break) or "M" (Typst measures) for a table of the page's
    width: its caption's inlines (or None), each column's share of the width (None when Typst
    sizes the columns), and each row's cells as lists of inlines, the header row first."""
    if not fractions:
        return "M"
    try:
        upper = lower = 0.0
        if caption:
            up, low = line_bounds(caption, TEXT_WIDTH, CAPTION_SIZE)
            upper += _height(up, CAPTION_SIZE) + FIGURE_GAP
            lower += _height(low, CAPTION_SIZE) + FIGURE_GAP
        for index, row in enumerate(rows):
            tallest_up = tallest_low = 0.0
            for cell, share in zip(row, fractions, strict=True):
                up, low = line_bounds(cell, share * TEXT_WIDTH - 2 * INSET_X, CELL_SIZE, bold=index == 0)
                tallest_up = max(tallest_up, _height(up, CELL_SIZE))
                tallest_low = max(tallest_low, _height(low, CELL_SIZE))
            upper += tallest_up + 2 * INSET_Y
            lower += tallest_low + 2 * INSET_Y
    except _Unknown:
        return "M"
    if upper < LIMIT:
        return "W"
    if lower >= LIMIT:
        return "B"
    return "M"
