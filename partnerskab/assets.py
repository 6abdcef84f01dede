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
            if media_type(handle.read(8)) is None:
                return None, "not_image"
    except OSError:
        return None, "missing"
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
