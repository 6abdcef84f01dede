"""Partner logos and annexes: files inside the repository, found from the agreement's own folder.

A path may not be absolute, a URL, or lead outside the repository (also not through a
symbolic link), and the file must be a regular file of reasonable size; a logo must really be
a PNG or JPEG. Both the rules (which report problems) and the pipeline (which reads the
bytes) use `find_logo` and `find_annex`.
"""

from __future__ import annotations

import re
from pathlib import Path

MAX_LOGO_BYTES = 2_000_000
# Decoding an image takes memory by its pixels, not its bytes: a 1.8 MB PNG of 15500 x 15500
# pixels needs 3 GB. 25 megapixels is ample for a logo (5000 x 5000).
MAX_LOGO_PIXELS = 25_000_000
MAX_ANNEX_BYTES = 20_000_000
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def repository_root(agreement: Path) -> Path:
    """The nearest folder above the agreement that holds .git, else the agreement folder's parent."""
    folder = agreement.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder.parent


def find_logo(agreement: Path, logo: str) -> tuple[Path | None, str | None]:
    """(resolved file, None) when the logo is usable, else (None, problem key for messages)."""
    target, why = _find(agreement, logo, MAX_LOGO_BYTES)
    if target is None:
        return None, why
    try:
        with target.open("rb") as handle:
            head = handle.read(MAX_LOGO_BYTES)
    except OSError:
        return None, "missing"
    if media_type(head[:8]) is None:
        return None, "not_image"
    size = image_size(head)
    if size is None:
        return None, "not_image"
    if size[0] * size[1] > MAX_LOGO_PIXELS:
        return None, "too_many_pixels"
    return target, None


def find_annex(agreement: Path, annex: str) -> tuple[Path | None, str | None]:
    """(resolved file, None) when the annex file is usable, else (None, problem key)."""
    return _find(agreement, annex, MAX_ANNEX_BYTES)


def _find(agreement: Path, relative: str, limit: int) -> tuple[Path | None, str | None]:
    if _SCHEME.match(relative) or relative.startswith(("/", "\\")):
        return None, "not_relative"
    try:
        root = repository_root(agreement)
        target = (agreement.resolve().parent / relative).resolve()
        if not target.is_relative_to(root):
            return None, "outside"
        if not target.is_file():
            return None, "missing"
        if target.stat().st_size > limit:
            return None, "too_large"
    except (OSError, RuntimeError, ValueError):  # a name too long, a symlink loop, no permission, NUL
        return None, "missing"
    return target, None


def media_type(head: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's or JPEG's header, read without decoding the image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker = data[index + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
                index += 2
                continue
            length = int.from_bytes(data[index + 2 : index + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
                height = int.from_bytes(data[index + 5 : index + 7], "big")
                width = int.from_bytes(data[index + 7 : index + 9], "big")
                return width, height
            index += 2 + length
        return None
    return None
