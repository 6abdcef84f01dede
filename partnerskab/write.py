"""Write outputs atomically: a temporary file in the same directory, then a rename, so an
interrupted build never leaves a truncated PDF where a good one stood."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    write_together([(path, data)])


def write_together(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Several files that belong together (an agreement's three documents and its annexes, or
    the register's three files): all are written to temporary files first, and only when every
    one is complete are they renamed into place. A full disk therefore leaves the old files,
    never a new PDF beside an old DOCX."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
            os.chmod(tmp, 0o644)
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    return [path for path, _ in files]


def document_files(out_dir: Path, stem: str, documents, extra: list[tuple[str, bytes]] = ()) -> list:
    """(path, bytes) for the three files of one agreement, and `extra` (name, bytes) beside them:
    what write_together writes, all or none."""
    files = [
        (out_dir / f"{stem}.{suffix}", data)
        for suffix, data in (("pdf", documents.pdf), ("docx", documents.docx), ("html", documents.html))
    ]
    return files + [(out_dir / name, data) for name, data in extra]
