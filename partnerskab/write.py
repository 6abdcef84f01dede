"""Write outputs atomically: a temporary file in the same directory, then a rename, so an
interrupted build never leaves a truncated PDF where a good one stood."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_documents(out_dir: Path, stem: str, documents) -> list[Path]:
    """All three files of one agreement; written only once all three exist in memory."""
    written = []
    for suffix, data in (("pdf", documents.pdf), ("docx", documents.docx), ("html", documents.html)):
        target = out_dir / f"{stem}.{suffix}"
        write_atomic(target, data)
        written.append(target)
    return written
