"""Outside text (file names, git output) made safe to print."""

from __future__ import annotations

import os
import re

# The names an agreement file may have: a letter (æ, ø and å too) or digit first, then letters,
# digits, - and _, at most 100 in all, and .yaml (or .yml). Such a name is safe to print and to
# use in a link, and cannot be mistaken for another file in the output folder (no dots).
NAME = re.compile(r"^[A-Za-z0-9ÆØÅæøå][A-Za-z0-9ÆØÅæøå_-]{0,99}\.ya?ml\Z")
# The register's own files in the output folder (index.html, agreements.csv, agreements.json).
# Names are compared case-folded (`same_name`): on Windows and macOS «Index.html» is «index.html».
RESERVED = {"index", "agreements"}


def name_fault(name: str) -> tuple[str, dict]:
    """Why `name` is not a NAME: a key of messages.NAME_FAULTS and its values. A name that
    looks right («blå.yaml» with å written as a + U+030A, «аbc.yaml» with a Cyrillic а) is
    refused with the character that makes it wrong."""
    import unicodedata

    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix not in ("yaml", "yml"):
        return "suffix", {}
    if not stem:
        return "empty", {"suffix": suffix}
    for index, char in enumerate(stem[1:], 1):  # a letter and its accent apart, as macOS may write å
        letter = unicodedata.normalize("NFC", stem[index - 1 : index + 1])
        if unicodedata.category(char).startswith("M") and len(letter) == 1 and NAME.match(f"{letter}.yaml"):
            return "decomposed", {"letter": letter}
    if len(stem) > 100:
        return "too_long", {"count": len(stem)}
    for index, char in enumerate(stem):
        if not NAME.match(f"{'a' * index}{char}.yaml"):
            if char == " " or char == ".":
                return "space" if char == " " else "dot", {}
            if index == 0 and NAME.match(f"a{char}.yaml"):
                return "first", {"char": char}
            code = " ".join(filter(None, (f"U+{ord(char):04X}", unicodedata.name(char, ""))))
            return "char", {"char": printable(char), "code": code}
    return "char", {"char": "", "code": ""}  # not reached: NAME took it


# SOURCE_DATE_EPOCH: the seconds since 1970 that a reproducible build dates its documents by, up
# to the last second of year 9999 (Python's and Typst's dates end there).
_EPOCH = re.compile(r"[0-9]{1,12}")
LAST_EPOCH = 253402300799


def source_date_epoch(environ=None) -> int | None:
    """SOURCE_DATE_EPOCH as a number of seconds, None when it is not set; ValueError when it is
    set to something else (cli.py says so in Danish, as reproducible builds ask)."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not _EPOCH.fullmatch(value) or int(value) > LAST_EPOCH:
        raise ValueError(value)
    return int(value)


def same_name(stem: str) -> str:
    """The key two agreements' names clash on: their output files would be one file on a file
    system that does not tell capitals from small letters (Windows, macOS)."""
    return stem.casefold()


def printable(text: str) -> str:
    """A file name or other outside text made safe for a terminal, a log or a CI annotation:
    control, bidirectional and zero-width characters, and bytes that were not UTF-8, are
    written as escapes (\\x1b, \\u202e), so they can neither move the cursor nor start a command."""

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            return f"\\x{code - 0xDC00:02x}"
        if code > 0xFFFF:
            return f"\\U{code:08x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, str(text))


# Characters that make text read differently from what it says: the bidirectional embeddings,
# overrides and isolates (`Pay DKK \u202e000,001\u202c` shows as 100,000), and the invisible
# ones: zero-width characters, the soft hyphen, fillers and blanks (Hangul, braille), variation
# selectors, interlinear annotation marks, invisible musical symbols and the tag characters.
DECEPTIVE = (
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u2800\u3164\ufe00-\ufe0f\uffa0\ufff9-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)
# Characters with no meaning of their own: the private use areas, whose glyphs each font makes
# up (IBM Plex Sans draws U+E000 as «fb», while the text says nothing), and the noncharacters
# (U+FDD0-U+FDEF, and the last two code points of every plane). Refused in values, not comments.
PRIVATE = (
    "[\ue000-\uf8ff\ufdd0-\ufdef\U000f0000-\U0010ffff"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(15))
    + "]"
)
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff]|{DECEPTIVE}|{PRIVATE}")


class CharSearch:
    """`search(text)` finds the first character of a class written as DECEPTIVE and PRIVATE are
    («[…]» of characters and ranges), as `re.compile(cls).search` would, several times faster.

    Python's re tests a class's characters outside the Basic Multilingual Plane range by range,
    for every character of the text: PRIVATE's 32 made `validate` of 1000 agreements 40 % slower.
    Here the BMP part is a class re tests at once, and the rest is looked for only when the
    text holds such a character at all (rare: an emoji, say). A text with no character beyond
    U+00FF, as most Danish text is, is searched only for the class's characters up to U+00FF
    (of DECEPTIVE, the soft hyphen alone): re tests even a class it holds as a table at about
    5 ns a character, which for a whole agreement was a tenth of what `validate` did."""

    def __init__(self, *classes: str):
        ranges = []
        for cls in classes:
            body = cls[1:-1]
            if not (cls[0] == "[" and cls[-1] == "]") or any(c in body for c in "\\]^"):
                raise ValueError(f"not a plain class: {cls!r}")
            index = 0
            while index < len(body):
                if body[index + 1 : index + 2] == "-" and index + 2 < len(body):
                    ranges.append((body[index], body[index + 2]))
                    index += 3
                else:
                    ranges.append((body[index], body[index]))
                    index += 1

        def compiled(pairs):
            body = "".join(a if a == b else f"{a}-{b}" for a, b in pairs)
            return re.compile(f"[{body}]") if body else None

        plane = "\U00010000"
        self._latin1 = compiled([(a, min(b, "\xff")) for a, b in ranges if a <= "\xff"])
        self._bmp = compiled([(a, min(b, "\uffff")) for a, b in ranges if a < plane])
        self._astral = compiled([(max(a, plane), b) for a, b in ranges if b >= plane])

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        if latin1(text):
            return self._latin1.search(text, pos) if self._latin1 else None
        found = self._bmp.search(text, pos) if self._bmp else None
        if self._astral and astral(text):
            other = self._astral.search(text, pos)
            if other and (found is None or other.start() < found.start()):
                found = other
        return found


def latin1(text: str) -> bool:
    """Whether `text` holds no character beyond U+00FF. Python keeps such a text one byte a
    character, and encoding it only copies those bytes: far quicker than looking at each."""
    if text.isascii():
        return True
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def astral(text: str) -> bool:
    """Whether `text` holds a character beyond U+FFFF, which UTF-16 writes as two units."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)
