"""Compiled Jinja2 templates, kept between runs.

Compiling the agreement's template takes about 35 ms, and a one-agreement build waits for it
(bench/bench.py (c)); loading the compiled code takes about 2 ms. Jinja2 keys each compiled
template by its file and checks it against the template's text, so an edited template is
compiled again and never served stale.

The cache is ~/.cache/partnerskab/jinja (or under $XDG_CACHE_HOME), a folder that only its
owner may read or write: the files are Python code that is run. Not in the temporary folder:
a build leaves nothing there. When the folder cannot be made, is someone else's or is open to
others, or a file cannot be read or written, templates are simply compiled as before.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import jinja2


class _Cache(jinja2.FileSystemBytecodeCache):
    """Jinja2's file cache, quiet when the disk refuses: the cache only saves time. A damaged
    file is no error either: Jinja2 compiles the template again when a file does not load."""

    def load_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "partnerskab" / "jinja"


def _private(folder: Path) -> bool:
    """The folder exists (made now if need be), is a real folder, ours, and closed to others."""
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700, parents=True)
    info = folder.lstat()
    return (
        stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077 == 0
    )


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The cache for a jinja2.Environment, or None when there is no safe place for it."""
    try:
        folder = cache_folder()
        return _Cache(str(folder)) if _private(folder) else None
    except (OSError, RuntimeError):  # no home folder, a read-only disk
        return None
