"""What was built from what: build/.partnerskab-state.json.

An agreement is up to date when a content hash of its file, its logos, the templates, the
schema, our own code and the tools' versions (plus SOURCE_DATE_EPOCH) equals the hash its
outputs were built from, and the outputs are still what was written: each output's size and
SHA-256 are recorded, so a truncated, emptied or replaced file is rebuilt. File times play
no part: a git checkout rebuilds nothing, and a template change rebuilds everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from functools import cache
from pathlib import Path

from .write import write_atomic

ROOT = Path(__file__).resolve().parent.parent
STATE_FILE = ".partnerskab-state.json"
VERSION = 2  # 2: outputs are recorded with their size and hash
TOOLS = ("pypandoc-binary", "typst", "lxml", "Jinja2", "jsonschema", "PyYAML")


@cache
def fingerprint() -> str:
    """Everything besides the agreement itself that goes into its documents."""
    digest = hashlib.sha256(f"state {VERSION}\n".encode())
    for folder, pattern in (
        (ROOT / "templates", "**/*"),
        (ROOT / "schema", "*.json"),
        (ROOT / "partnerskab", "*.py"),
    ):
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    versions = installed_versions()
    for tool in TOOLS:
        digest.update(f"{tool}={versions.get(_normal(tool), '?')}\n".encode())
    digest.update(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    return digest.hexdigest()


def _normal(project: str) -> str:
    return re.sub(r"[-_.]+", "_", project).lower()


def installed_versions() -> dict[str, str]:
    """The version of every installed distribution, by normalised name, read from the names
    of the `*.dist-info` folders on sys.path (name-version.dist-info): what importlib.metadata
    says, without the 15 ms its import costs a one-agreement build. The first on the path wins,
    as for imports."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name.removesuffix(".dist-info").partition("-")
                found.setdefault(_normal(project), version)
    return found


def input_hash(agreement: bytes, logos: list[Path], path: str) -> str:
    """Where the agreement is counts too: its logo paths are relative to its folder."""
    digest = hashlib.sha256(fingerprint().encode())
    digest.update(str(Path(path).resolve()).encode() + b"\0" + agreement)
    for logo in logos:
        try:
            digest.update(b"\0" + str(logo).encode() + b"\0" + logo.read_bytes())
        except OSError:
            digest.update(b"\0missing " + str(logo).encode())
    return digest.hexdigest()


def written(files: list[tuple[Path, bytes]]) -> dict[str, list]:
    """What was written, for the record: each output's name with its size and SHA-256, from the
    bytes that were written (no need to read the files back)."""
    return {path.name: [len(data), hashlib.sha256(data).hexdigest()] for path, data in files}


def _intact(path: Path, size: int, digest: str) -> bool:
    try:
        return path.stat().st_size == size and _sha256(path) == digest
    except OSError:
        return False


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class State:
    """The record in one output folder. Entries are keyed by the output stem."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / STATE_FILE
        self.entries: dict[str, dict] = {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if (
                isinstance(stored, dict)
                and stored.get("version") == VERSION
                and isinstance(stored["entries"], dict)
            ):
                self.entries = stored["entries"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no record, or one we cannot trust: everything is rebuilt
        self.changed = False

    def same_input(self, stem: str, agreement: bytes, path: str) -> dict | None:
        """The entry, when it was made from these bytes (and the same logos, annexes, templates,
        code and tools); else None. Its outputs may still have been changed or removed since:
        intact() says."""
        entry = self.entries.get(stem)
        try:
            if entry["hash"] != input_hash(agreement, [Path(p) for p in entry["logos"]], path):
                return None
            entry["outputs"].items(), entry["warnings"], entry["register"]  # noqa: B018  (all there)
        except (KeyError, TypeError, AttributeError, ValueError):
            return None
        return entry

    @staticmethod
    def intact(entry: dict, out_dir: Path) -> bool:
        """Whether every output of `entry` (same_input's) is in `out_dir` as it was written."""
        try:
            return all(_intact(out_dir / name, *written) for name, written in entry["outputs"].items())
        except (TypeError, ValueError):
            return False

    def record(self, stem: str, entry: dict) -> None:
        self.entries[stem] = entry
        self.changed = True

    def forget(self, stem: str) -> None:
        if self.entries.pop(stem, None) is not None:
            self.changed = True

    def save(self) -> bool:
        """Write the record; False when it cannot be written (a full disk): then the next
        build simply rebuilds what it cannot vouch for."""
        if self.changed:
            document = {"version": VERSION, "entries": self.entries}
            # One line, not indented: json writes indented text in Python and this in C (a
            # record of 60 agreements: 4 ms -> 1 ms).
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
            try:
                write_atomic(self.path, text.encode("utf-8"))
            except OSError:
                return False
        return True
