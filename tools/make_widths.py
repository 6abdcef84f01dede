"""Write partnerskab/plex_widths.json: how wide IBM Plex Sans sets each character the PDF shows
without a probe (partnerskab.glyphs.SAFE), in regular, bold, italic and bold italic, and the
face's cap height. partnerskab/table_height.py reads it to tell, before Typst lays anything
out, whether a table is sure to be shorter or taller than the limit for keeping it on one page
(templates/pandoc/agreement.typst).

    .venv/bin/python tools/make_widths.py          # write the file
    .venv/bin/python tools/make_widths.py --check  # exit 1 if it is not what this writes

The font files are read directly (the cmap, hmtx, hhea, head and OS/2 tables), so no font
library is needed. A character a face lacks is left out, and Typst then measures the table.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partnerskab.fonts import FACES  # noqa: E402
from partnerskab.glyphs import SAFE  # noqa: E402

OUT = ROOT / "partnerskab" / "plex_widths.json"
STYLES = {
    "regular": "IBMPlexSans-Regular.ttf",
    "bold": "IBMPlexSans-Bold.ttf",
    "italic": "IBMPlexSans-Italic.ttf",
    "bolditalic": "IBMPlexSans-BoldItalic.ttf",
}


def _tables(data: bytes) -> dict[str, bytes]:
    (count,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag.decode("latin-1")] = data[offset : offset + length]
    return tables


def _cmap(table: bytes) -> dict[int, int]:
    """Character to glyph, from the Windows Unicode subtable (format 12, else format 4)."""
    (count,) = struct.unpack_from(">H", table, 2)
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", table, 4 + 8 * i)
        subtables[(platform, encoding)] = offset
    mapping: dict[int, int] = {}
    if (3, 10) in subtables:
        offset = subtables[(3, 10)]
        (groups,) = struct.unpack_from(">I", table, offset + 12)
        for g in range(groups):
            start, end, glyph = struct.unpack_from(">III", table, offset + 16 + 12 * g)
            for code in range(start, end + 1):
                mapping[code] = glyph + code - start
        return mapping
    offset = subtables[(3, 1)]
    (segments2,) = struct.unpack_from(">H", table, offset + 6)
    n = segments2 // 2
    ends = struct.unpack_from(f">{n}H", table, offset + 14)
    starts = struct.unpack_from(f">{n}H", table, offset + 16 + segments2)
    deltas = struct.unpack_from(f">{n}h", table, offset + 16 + 2 * segments2)
    ranges_at = offset + 16 + 3 * segments2
    ranges = struct.unpack_from(f">{n}H", table, ranges_at)
    for i in range(n):
        for code in range(starts[i], ends[i] + 1):
            if code == 0xFFFF:
                continue
            if ranges[i] == 0:
                glyph = (code + deltas[i]) & 0xFFFF
            else:
                at = ranges_at + 2 * i + ranges[i] + 2 * (code - starts[i])
                (glyph,) = struct.unpack_from(">H", table, at)
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                mapping[code] = glyph
    return mapping


def face_metrics(path: Path) -> tuple[int, int, dict[int, int]]:
    """(units per em, cap height, {code point: advance width}) of one font file."""
    tables = _tables(path.read_bytes())
    (units,) = struct.unpack_from(">H", tables["head"], 18)
    (metrics,) = struct.unpack_from(">H", tables["hhea"], 34)
    advances = [struct.unpack_from(">H", tables["hmtx"], 4 * i)[0] for i in range(metrics)]
    (cap_height,) = struct.unpack_from(">h", tables["OS/2"], 88)
    widths = {}
    for code, glyph in _cmap(tables["cmap"]).items():
        widths[code] = advances[min(glyph, metrics - 1)]
    return units, cap_height, widths


def render() -> str:
    codes = sorted(ord(c) for c in SAFE if c.isprintable() or c == "\xa0")
    data: dict = {}
    lines = []
    for style, name in STYLES.items():
        units, cap_height, widths = face_metrics(FACES / name)
        assert data.get("units", units) == units and data.get("cap_height", cap_height) == cap_height
        data.update(units=units, cap_height=cap_height)
        entries = {str(code): widths[code] for code in codes if code in widths}
        lines.append(f"{json.dumps(style)}: {json.dumps(entries, separators=(',', ':'))}")
    head = f'"units": {data["units"]}, "cap_height": {data["cap_height"]}'
    # one style to a line: a change to the fonts shows as a change to that line
    return "{" + head + ",\n" + ",\n".join(lines) + "}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        return 0 if OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
