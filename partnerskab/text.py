"""Outside text (file names, git output) made safe to print."""

from __future__ import annotations

import re


def printable(text: str) -> str:
    """A file name or other outside text made safe for a terminal, a log or a CI annotation:
    control, bidirectional and zero-width characters, and bytes that were not UTF-8, are
    written as escapes (\\x1b, \\u202e), so they can neither move the cursor nor start a command."""

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, str(text))


_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069]"
)
