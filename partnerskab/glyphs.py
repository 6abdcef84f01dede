"""Which characters the PDF can show. PDF/A forbids a blank box where the font has no glyph,
so Typst stops on such a character; `validate` must find it first, at the value that holds it,
or a pull request that passed its check would fail to build after merging.

The fonts are those the PDF template names (templates/pandoc/agreement.typst), with Typst's
fallback. Characters from Latin-1 are always there; any other character is tried once per
process by compiling a tiny document with the same fonts, in regular, bold and italic.

The trial runs in a child process (`python -m partnerskab.glyphs`), never in the process that
checks: Typst starts threads, and the build forks its render workers after checking; a fork
of a process with threads can deadlock the child.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

from .fonts import font_paths

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "pandoc" / "agreement.typst"
_FONTS = re.compile(r"#set text\(font: (\([^)]*\))")
# How Typst says that a font has no glyph for some text (its PDF/A check); render.py reads it too.
MISSING_GLYPH = re.compile(r'the text `"(.+?)"` could not be displayed with font', re.S)
# Printable ASCII and Latin-1: in every font the template could name (and checked by the tests).
LATIN_1 = frozenset(chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x100))) | {"\n", "\t", "\r"}
# Beyond Latin-1, what Danish agreements often hold and the template's fonts show (the probe
# says so: tests/test_faults.py), so that no probe has to start for them: a probe is a Python
# process with Typst, about 0.1 s, more than `validate` otherwise takes for one agreement.
# Letters of Latin Extended-A and Romanian's ș and ț (names: Łukasz, Şahin, Dvořák), dashes and
# hyphens, curly quotes, daggers, bullet, ellipsis, per mille, primes, angle quotes, fraction
# slash, euro, numero, trade mark, arrows, minus and the comparison signs.
TYPOGRAPHIC = frozenset(
    chr(c)
    for c in (
        *range(0x100, 0x180),
        *range(0x218, 0x21C),
        *range(0x2010, 0x2016),
        *range(0x2018, 0x201F),
        0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2032, 0x2033, 0x2039, 0x203A, 0x2044,
        0x20AC, 0x2116, 0x2122, 0x2190, 0x2192, 0x2212, 0x2248, 0x2260, 0x2264, 0x2265,
    )
)  # fmt: skip
SAFE = LATIN_1 | TYPOGRAPHIC
_known: dict[str, bool] = {}
MAX_MISSING = 30  # characters found missing in one probe, before the rest are left for later
CHUNK = 40  # characters tried in one compile


def unshowable(text: str) -> list[str]:
    """The characters of `text` that the PDF cannot show, in the order they first appear."""
    chars = [c for c in dict.fromkeys(text) if c not in SAFE]
    unknown = [c for c in chars if c not in _known]
    if unknown and _can_probe():
        _known.update(_probe_elsewhere(unknown))
    return [c for c in chars if _known.get(c) is False]


@cache
def _can_probe() -> bool:
    """Typst and the PDF template are here. The pre-commit hook installs neither (only what
    validation needs); it then leaves this check to `build.py validate`, which CI runs."""
    import importlib.util

    return TEMPLATE.is_file() and importlib.util.find_spec("typst") is not None


def _probe_elsewhere(chars: list[str]) -> dict[str, bool]:
    """Ask a child process which of `chars` the fonts show (see the module's docstring)."""
    command = [sys.executable, "-m", "partnerskab.glyphs", *(f"{ord(c):x}" for c in chars)]
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"glyph probe failed: {result.stderr.strip()}")
    answer = dict(line.split() for line in result.stdout.splitlines() if line.strip())
    return {chr(int(code, 16)): shown == "1" for code, shown in answer.items()}


@cache
def _fonts() -> str:
    found = _FONTS.search(TEMPLATE.read_text(encoding="utf-8"))
    return found.group(1) if found else '("Libertinus Serif",)'


def _document(chars: list[str]) -> str:
    # spaced: Typst names one character (or a letter with its marks) at a time
    text = " ".join("".join(f"\\u{{{ord(c):x}}}" for c in cluster) for cluster in chars)
    return f'#set text(font: {_fonts()})\n#"{text}"\n\n#text(weight: "bold")[#"{text}"]\n\n#emph[#"{text}"]\n'


def _compiles(chars: list[str]) -> tuple[bool, str]:
    """(True, "") when Typst shows all `chars` (each a character, or a letter and a mark);
    else (False, the text it could not show)."""
    import typst

    with tempfile.TemporaryDirectory(prefix="partnerskab-glyphs-") as folder:
        source = Path(folder) / "probe.typ"
        source.write_text(_document(chars), encoding="utf-8")
        try:
            typst.compile(
                str(source),
                root=folder,
                font_paths=font_paths(),
                ignore_system_fonts=True,
                pdf_standards=["a-2b"],
            )
        except Exception as exc:  # typst raises its own error types
            missing = MISSING_GLYPH.search(str(exc))
            if not missing:
                return False, "".join(chars)
            # Typst writes a character it cannot print as \u{3a2}: read it back
            return False, re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m[1], 16)), missing.group(1))
    return True, ""


def is_mark(char: str) -> bool:
    """A combining mark (U+0301, U+20DD): drawn on the character before it, in one cluster."""
    return unicodedata.category(char).startswith("M")


def _probe(chars: list[str]) -> None:
    """In the child process: find out which of `chars` Typst can show; fills _known. Combining
    marks are tried on a letter, as they stand in text (_probe_marks)."""
    marks = [c for c in chars if is_mark(c)]
    found = _probe_marks(marks) if marks else 0
    _probe_each([c for c in chars if not is_mark(c)], found)


def _probe_marks(marks: list[str]) -> int:
    """Which `marks` Typst shows on a letter; returns how many it cannot. Typst shapes a letter
    and its marks together, and when no font has the mark it names only the letter («b» for
    «b⃝»), never the mark. So up to CHUNK marks are tried in one compile, each on its own «o»,
    and a group that fails is halved until the marks no font has are found: a few compiles for
    each, and none after MAX_MISSING, as for other characters."""
    found = 0
    groups = [marks[start : start + CHUNK] for start in range(0, len(marks), CHUNK)]
    while groups and found < MAX_MISSING:
        group = groups.pop(0)
        if _compiles(["o" + mark for mark in group])[0]:
            _known.update(dict.fromkeys(group, True))
        elif len(group) == 1:
            _known[group[0]] = False
            found += 1
        else:
            groups[:0] = [group[: len(group) // 2], group[len(group) // 2 :]]
    return found


def _probe_each(chars: list[str], found: int = 0) -> None:
    """In the child process: find out which of `chars` Typst can show; fills _known.

    One compile of up to CHUNK characters shows them all, or names the first it cannot show;
    that one is set aside and the rest compiled again. After MAX_MISSING such rounds the rest
    stay unknown: they are neither reported nor remembered, and the agreement already fails on
    those found, so what `validate` accepts has still been tried in full. (Hundreds of Chinese
    characters would otherwise cost hundreds of compiles.) `found`: missing marks already found."""
    for start in range(0, len(chars), CHUNK):  # a short document compiles in milliseconds
        remaining = chars[start : start + CHUNK]
        while remaining:
            if found >= MAX_MISSING:
                return
            ok, missing = _compiles(remaining)
            if ok:
                _known.update(dict.fromkeys(remaining, True))
                break
            hits = [c for c in remaining if c in missing] or remaining  # not named: refuse them all
            _known.update(dict.fromkeys(hits, False))
            found += len(hits)
            remaining = [c for c in remaining if c not in hits]


if __name__ == "__main__":  # python -m partnerskab.glyphs 1f600 4e2d ...: "code 1|0" for each it decided
    _probe([chr(int(code, 16)) for code in sys.argv[1:]])
    print("\n".join(f"{ord(c):x} {int(shown)}" for c, shown in _known.items()))
