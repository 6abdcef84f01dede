"""Partner logos and annexes: files inside the repository, found from the agreement's own folder.

A path may not be absolute, a URL, or lead outside the repository (also not through a
symbolic link), and the file must be a regular file of reasonable size; a logo must really be
a PNG or JPEG. Both the rules (which report problems) and the pipeline (which reads the
bytes) use `find_logo` and `find_annex`.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

MAX_LOGO_BYTES = 2_000_000
# Decoding an image takes memory by its pixels, not its bytes: a 1.8 MB PNG of 15500 x 15500
# pixels needs 3 GB. 25 megapixels is ample for a logo (5000 x 5000).
MAX_LOGO_PIXELS = 25_000_000
MAX_LOGO_SIDE = 16_384  # Typst refuses a wider or taller image
MAX_ANNEX_BYTES = 20_000_000
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def repository_root(folder: Path) -> Path:
    """The nearest folder from `folder` upwards that holds .git, else `folder`'s parent."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate.resolve()
    return folder.parent.resolve()


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
    if size is None or min(size) < 1:
        return None, "not_image"
    if size[0] * size[1] > MAX_LOGO_PIXELS or max(size) > MAX_LOGO_SIDE:
        return None, "too_many_pixels"
    return target, None


def find_annex(agreement: Path, annex: str) -> tuple[Path | None, str | None]:
    """(resolved file, None) when the annex file is usable, else (None, problem key)."""
    return _find(agreement, annex, MAX_ANNEX_BYTES)


def _find(agreement: Path, relative: str, limit: int) -> tuple[Path | None, str | None]:
    if _SCHEME.match(relative) or relative.startswith(("/", "\\")):
        return None, "not_relative"
    try:
        folder = agreement.resolve().parent  # paths are seen from where the agreement really is
        root = repository_root(folder)
        target = (folder / relative).resolve()
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
    """(width, height) of a whole PNG or JPEG, read from its structure without decoding it; None
    when the file is not one (truncated, no image data, or a structure that does not add up)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Walk the chunks: IHDR first, at least one IDAT, and IEND at the end, each CRC right."""
    index, size, seen = 8, None, set()
    while index + 12 <= len(data):
        length = int.from_bytes(data[index : index + 4], "big")
        kind = data[index + 4 : index + 8]
        body = data[index + 8 : index + 8 + length]
        crc = data[index + 8 + length : index + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body).to_bytes(4, "big") != crc:
            return None
        if not seen and (kind != b"IHDR" or length != 13):
            return None
        if kind == b"IHDR":
            size = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
        seen.add(kind)
        index += 12 + length
        if kind == b"IEND":
            return size if b"IDAT" in seen else None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the segments from the start to the first start-of-frame; the image must also end
    with its end marker (a truncated file does not)."""
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return None
    index = 2
    while index < len(data):
        if data[index] != 0xFF:
            return None
        while index < len(data) and data[index] == 0xFF:  # fill bytes before a marker
            index += 1
        if index + 2 >= len(data):
            return None
        marker = data[index]
        index += 1
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            continue
        if marker in (0xD8, 0xD9, 0xDA):  # a second start, the end, or image data before any frame
            return None
        length = int.from_bytes(data[index : index + 2], "big")
        if length < 2 or index + length > len(data):
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
            if length < 7:
                return None
            height = int.from_bytes(data[index + 3 : index + 5], "big")
            width = int.from_bytes(data[index + 5 : index + 7], "big")
            return width, height
        index += length
    return None
