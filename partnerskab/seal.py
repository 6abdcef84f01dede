"""Sealing: the documents of a signed agreement, kept as they were signed (`build.py seal`).

A sealed version lives in the archive beside the agreements' folder:

    sealed/<name>/version-<N>/
        seal.yaml       what was sealed, when, with which tools, and each file's SHA-256
        <name>.yaml     the agreement's YAML as it was sealed
        <name>.pdf      the documents as they were built then (the PDF is PDF/A-2b, for archives)
        <name>.docx
        <name>.html

Why an archive and not only a record of hashes: the documents are built from the YAML with
the templates and tools of the day. When a template, a font or a tool changes, a sidecar of
hashes could only make the build fail for every signed agreement. With the sealed files kept,
the build publishes them as they are (pipeline.py), so a signed agreement's PDF stays the PDF
that was signed, whatever changes around it, and nobody has to choose between improving the
template and keeping old agreements valid. `seal.yaml` is text, so a reviewer reads in the
pull request what was sealed; the YAML copy lets a check point at the field that was changed
after sealing.

The agreement's hash is the SHA-256 of its data (not of its bytes: comments and layout do
not count), without `status`, because ending an agreement (status: ended) does not change
what was signed. The version is the document's own: 1, plus one for each amendment.

Checks (validate and build, for every agreement with status signed or ended): PA130 not
sealed; PA131 the version is sealed but the data changed since; PA132 a sealed file does not
match its seal; PA133 the seal itself cannot be read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .context import version
from .i18n import Formats
from .messages import COMMANDS, SEAL
from .paths import shown_path
from .problems import Problem, dotted
from .text import printable

ARCHIVE = "sealed"
SEAL_FILE = "seal.yaml"
KINDS = ("pdf", "docx", "html")
SEALED_STATUSES = ("signed", "ended")


def agreement_hash(data: dict) -> str:
    """The SHA-256 of what was agreed: the data, keys sorted, without `status`."""
    content = {key: value for key, value in data.items() if key != "status"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def archive_of(agreement: Path) -> Path:
    """sealed/<name>/ beside the agreements' folder (as logos/ is)."""
    agreement = Path(agreement).resolve()
    return agreement.parent.parent / ARCHIVE / agreement.stem


def archive_fingerprint(agreement: Path) -> bytes:
    """What the build's record of an agreement's inputs (state.py) adds for its archive: every
    file's name and size, and each seal.yaml whole. A seal added, removed or broken next to
    the ones the build used makes the agreement be checked again; the sealed files it
    publishes are inputs of their own, by content."""
    archive = archive_of(agreement)
    if not archive.is_dir():
        return b""
    digest = hashlib.sha256()
    for file in sorted(archive.rglob("*")):
        name = str(file.relative_to(archive)).encode()
        try:
            digest.update(name + b"\0" + str(file.stat().st_size).encode() + b"\0")
            if file.name == SEAL_FILE:
                digest.update(read_regular(file, MAX_SEAL_RECORD) + b"\0")
        except OSError:
            digest.update(name + b"\0unreadable\0")
    return b"\0sealed\0" + digest.hexdigest().encode()


# The largest file a seal may hold (the documents and annexes of one agreement) and the largest
# seal.yaml: anything larger is not read, and the seal is reported instead.
MAX_SEALED_FILE = 100 * 1024 * 1024
MAX_SEAL_RECORD = 256 * 1024


def read_regular(path: Path, limit: int = MAX_SEALED_FILE, follow: bool = False) -> bytes:
    """The bytes of a regular file, not through a link and not larger than `limit`; OSError
    otherwise. A link, a device or a pipe in sealed/ (committed to the repository) must not
    make validate or verify read something else, or read forever. `follow`: a link is fine
    (the file a person asks verify about)."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} er ikke en almindelig fil")
        if info.st_size > limit:
            raise OSError(f"{path} er større end {limit} byte")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise OSError(f"{path} er større end {limit} byte")
        return data
    finally:
        os.close(fd)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Seal:
    folder: Path
    record: dict
    # The bytes integrity() found to match the record, by file name: what the build publishes
    # (sealed_documents), so that a file changed after the check is never published unchecked.
    checked: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def version(self) -> int:
        return self.record["version"]

    @property
    def copy(self) -> Path:
        """The agreement's YAML as it was sealed."""
        return self.folder / self.record["agreement"]

    def entries(self) -> list[dict]:
        """Each sealed file's entry (file, sha256, bytes): the documents, then the annexes."""
        return [self.record["documents"][kind] for kind in KINDS] + list(self.record.get("annexes", []))

    def files(self) -> list[Path]:
        """Everything the seal holds, for the build's record of its inputs (state.py)."""
        return [self.folder / SEAL_FILE, self.copy, *(self.folder / e["file"] for e in self.entries())]


class SealError(Exception):
    """Why a seal.yaml cannot be used: a key of messages.SEAL, and where in the file."""

    def __init__(self, key: str, line: int = 1, column: int = 1, **params):
        super().__init__(key)
        self.key, self.line, self.column, self.params = key, line, column, params


def read_seal(folder: Path) -> Seal:
    """The seal in `folder`, its record checked for the keys and values `seal` writes, and for
    the version its folder is named after."""
    import yaml

    try:
        record = yaml.safe_load(read_regular(folder / SEAL_FILE, MAX_SEAL_RECORD).decode("utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise SealError("seal_unreadable") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SealError("seal_not_yaml", *((mark.line + 1, mark.column + 1) if mark else ())) from exc

    def number(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    try:
        assert isinstance(record, dict)
        assert number(record["version"]) and isinstance(record["agreement_sha256"], str)
        assert folder.name == f"version-{record['version']}"
        assert record["agreement"] == f"{folder.parent.name}.yaml"  # its own folder's agreement
        assert isinstance(record.get("title", ""), str) and isinstance(record.get("sealed", ""), str)
        annexes = record.get("annexes", [])
        assert isinstance(annexes, list)
        for entry in [record["documents"][kind] for kind in KINDS] + annexes:
            assert isinstance(entry, dict)
            assert isinstance(entry["sha256"], str) and isinstance(entry["file"], str)
            assert Path(entry["file"]).name == entry["file"] and entry["file"] not in ("", ".", "..")
            assert "\\" not in entry["file"] and "\0" not in entry["file"]
            assert number(entry.get("bytes", 0))
    except (AssertionError, KeyError, TypeError) as exc:
        raise SealError("seal_incomplete") from exc
    return Seal(folder, record)


def seals(agreement: Path) -> tuple[dict[int, Seal], list[tuple[Path, SealError]]]:
    """Every sealed version of an agreement, and the seals that cannot be read."""
    found, broken = {}, []
    archive = archive_of(agreement)
    if not archive.is_dir():
        return found, broken
    for folder in sorted(archive.glob("version-*")):
        try:
            seal = read_seal(folder)
        except SealError as exc:
            broken.append((folder / SEAL_FILE, exc))
            continue
        found[seal.version] = seal
    return found, broken


def integrity(seal: Seal) -> list[Path]:
    """The files of a seal that are missing or not what it records: each document and annex
    by its SHA-256, and the YAML copy by the agreement's hash of its data."""
    from .load import load

    wrong = []
    for entry in seal.entries():
        try:
            matches = _checked_bytes(seal, entry) is not None
        except OSError:
            matches = False
        if not matches:
            wrong.append(seal.folder / entry["file"])
    try:
        data = load(seal.copy).data
        same = isinstance(data, dict) and agreement_hash(data) == seal.record["agreement_sha256"]
    except Exception:  # unreadable: not the agreement that was sealed
        same = False
    if not same:
        wrong.append(seal.copy)
    elif seal.record.get("title", data.get("title")) != data.get("title"):
        wrong.append(seal.folder / SEAL_FILE)  # the title that verify shows is the sealed copy's
    return wrong


def _checked_bytes(seal: Seal, entry: dict) -> bytes | None:
    """A sealed file's bytes when they are what the seal records (kept in seal.checked, so they
    are compared once), else None. OSError when it cannot be read as a regular file."""
    name = entry["file"]
    if name not in seal.checked:
        data = read_regular(seal.folder / name)
        if sha256(data) != entry["sha256"]:
            return None
        seal.checked[name] = data
    return seal.checked[name]


def _seal_problems(
    found: dict[int, Seal], broken, words: dict, where: tuple[str, int, int], json_path: str = "status"
) -> list[Problem]:
    """PA133 for each seal that cannot be read, at its line; PA132 for each sealed file that
    does not match, reported at `where` (file, line, column)."""
    problems = [
        Problem(
            shown_path(file),
            error.line,
            error.column,
            "PA133",
            words["PA133"].format(seal=shown_path(file), why=words[error.key].format(**error.params)),
        )
        for file, error in broken
    ]
    for seal in found.values():
        for file in integrity(seal):
            message = words["PA132"].format(
                name=file.name,
                seal=shown_path(seal.folder / SEAL_FILE),
                name_path=shown_path(file),
                at=f" ({json_path})" if json_path else "",  # a deleted agreement's seal has no field
            )
            problems.append(Problem(*where, "PA132", message, json_path=json_path))
    return problems


def check_seal(path: str, source) -> tuple[list[Problem], Seal | None]:
    """The seal's problems for a valid agreement, and the seal whose documents are published
    (None for a draft, or when there are problems). Every sealed version is checked, not only
    the current one: `verify` trusts them all."""
    from .i18n import language

    data = source.data
    words = SEAL[language(data)]
    found, broken = seals(Path(path))
    status_at = source.position(("status",))
    if data.get("status") not in SEALED_STATUSES:
        if not found and not broken:
            return [], None
        message = words["PA134"].format(version=max(found, default="?"), archive=ARCHIVE)
        return [Problem(path, *status_at, "PA134", message, json_path="status")], None
    problems = _seal_problems(found, broken, words, (path, *status_at))
    current = version(data)
    seal = found.get(current)
    if seal is None:
        if not broken:
            message = words["PA130"].format(version=current, file=path, archive=ARCHIVE)
            problems.append(Problem(path, *status_at, "PA130", message, json_path="status"))
        return problems, None
    if seal.record["agreement_sha256"] != agreement_hash(data):
        where, what = _first_change(seal, data, words)
        message = words["PA131"].format(
            version=current, date=seal.record.get("sealed", "?"), what=what, file=path, path=dotted(where)
        )
        problems.append(Problem(path, *source.position(where), "PA131", message, json_path=dotted(where)))
    return problems, (None if problems else seal)


def sealed_changes(base: str, agreements: Path, files: list[str] | None = None) -> list[Problem]:
    """PA135 for each file in sealed/ (of the agreement `files`, or all beside `agreements`) that was there
    at git revision `base` and has been changed or removed since: a seal is written once and
    never changed, so a PDF swapped together with the hashes in its seal.yaml, or a version
    folder removed, is caught by `validate --base` in CI."""
    from .history import HistoryError, changed_since

    root = agreements.parent / ARCHIVE
    folders = [root] if files is None else [archive_of(Path(file)) for file in files]
    problems = []
    for folder in folders:
        try:
            changed = changed_since(base, folder)
        except HistoryError:  # an unknown revision, no repository: PA114 at each agreement says so
            return []
        for status, path in changed:
            name = shown_path(path)
            what = SEAL["da"]["file_changed" if status != "D" else "file_deleted"]
            message = SEAL["da"]["PA135"].format(name=printable(name), what=what, base=printable(base))
            problems.append(Problem(name, 1, 1, "PA135", message))
    return problems


def orphan_problems(agreements: Path, checked: set[str]) -> list[Problem]:
    """The seals in sealed/ of agreements that were not checked (an agreement that has been
    deleted keeps its seals, for `verify`): each is checked like the others, at its seal file."""
    archive_root = agreements.parent / ARCHIVE
    problems = []
    if not archive_root.is_dir():
        return problems
    for archive in sorted(archive_root.iterdir()):
        if not archive.is_dir() or archive.name in checked:
            continue
        found, broken = seals(agreements / f"{archive.name}.yaml")
        for seal in found.values():
            where = (shown_path(seal.folder / SEAL_FILE), 1, 1)
            problems += _seal_problems({seal.version: seal}, [], SEAL["da"], where, json_path="")
        problems += _seal_problems({}, broken, SEAL["da"], ("", 1, 1), json_path="")
    return problems


@dataclass
class SealedDocuments:
    pdf: bytes
    docx: bytes
    html: bytes
    annexes: list[tuple[str, bytes]]  # (name, bytes), beside the documents, which link to them


def sealed_documents(seal: Seal) -> SealedDocuments:
    """The sealed files for publishing: the very bytes check_seal compared with the seal
    (integrity), not the files read again. A file not compared yet is read and compared now;
    OSError when it does not match."""

    def published(entry: dict) -> bytes:
        data = _checked_bytes(seal, entry)
        if data is None:
            raise OSError(f"{seal.folder / entry['file']} passer ikke til {SEAL_FILE}")
        return data

    annexes = [(e["file"], published(e)) for e in seal.record.get("annexes", [])]
    return SealedDocuments(*(published(seal.record["documents"][kind]) for kind in KINDS), annexes)


def _first_change(seal: Seal, data: dict, words: dict) -> tuple[tuple, str]:
    """Where the data first differs from the YAML that was sealed, and how."""
    from .load import load

    copy = seal.folder / f"{seal.folder.parent.name}.yaml"
    try:
        old = load(copy).data
    except Exception:  # the copy is missing or unreadable: no place to point at
        old = None
    if not isinstance(old, dict):
        return (), words["changed"]
    old = {k: v for k, v in old.items() if k != "status"}
    new = {k: v for k, v in data.items() if k != "status"}
    found = _difference(old, new, ())
    if found is None:
        return (), words["changed"]
    where, kind = found
    return where, words[kind]


def _difference(old, new, path: tuple):
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(new) + [k for k in old if k not in new]:
            if key not in old:
                return path + (key,), "added"
            if key not in new:
                return path, "removed"
            found = _difference(old[key], new[key], path + (key,))
            if found:
                return found
        return None
    if isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            if index >= len(old):
                return path + (index,), "added"
            if index >= len(new):
                return path, "removed"
            found = _difference(old[index], new[index], path + (index,))
            if found:
                return found
        return None
    return None if old == new and type(old) is type(new) else (path, "changed")


# ---------------------------------------------------------------------------------------------
# build.py seal FILE


def tool_versions() -> dict[str, str]:
    from .pandoc_server import pandoc_binary
    from .state import installed_versions

    versions = installed_versions()
    import subprocess

    try:
        first = subprocess.run(
            [pandoc_binary(), "--version"], capture_output=True, text=True, timeout=60
        ).stdout.splitlines()[0]
        pandoc = first.split()[-1]
    except (OSError, IndexError, subprocess.SubprocessError):
        pandoc = "?"
    return {
        "partnerskab": versions.get("partnerskab", "?"),
        "pandoc": pandoc,
        "typst": versions.get("typst", "?"),
        "lxml": versions.get("lxml", "?"),  # docx.py finishes the DOCX with it (before: python-docx)
    }


def seal_command(files: list[str]) -> int:
    """Seal the current version of each signed agreement: exit 0 when all are sealed (now or
    before), 1 when one cannot be. An ended one may be sealed too: an agreement that ended
    before sealing existed has no other way. The documents are built together, in one build."""
    from .check import check
    from .load import load
    from .pipeline import Outcome, build_files

    failed, todo = False, []
    for file in files:
        source = load(file)
        outcome = Outcome(file, check(source))
        if not outcome.ok:
            sys.stdout.write("".join(p.text() + "\n" for p in outcome.problems))
            print(COMMANDS["seal_has_problems"].format(file=printable(file)), file=sys.stderr)
            failed = True
            continue
        data = source.data
        if data["status"] not in SEALED_STATUSES:
            print(
                COMMANDS["seal_not_signed"].format(file=printable(file), status=data["status"]),
                file=sys.stderr,
            )
            failed = True
            continue
        number = version(data)
        existing = seals(Path(file))[0].get(number)
        if existing and existing.record["agreement_sha256"] == agreement_hash(data):
            wrong = integrity(existing)
            if wrong:
                names = ", ".join(shown_path(w) for w in wrong)
                message = COMMANDS["seal_files_differ"].format(
                    number=number, file=printable(file), names=names
                )
                print(message, file=sys.stderr)
                failed = True
                continue
            folder = shown_path(existing.folder)
            print(COMMANDS["seal_already"].format(number=number, file=printable(file), folder=folder))
        elif existing:
            sys.stdout.write("".join(p.text() + "\n" for p in check_seal(file, source)[0]))
            print(COMMANDS["seal_other_content"].format(number=number, file=printable(file)), file=sys.stderr)
            failed = True
        else:
            todo.append((file, data, number))
    if not todo:
        return 1 if failed else 0
    with tempfile.TemporaryDirectory(prefix="partnerskab-seal-") as staging:
        out = Path(staging) / "build"
        outcomes, _ = build_files([f for f, _, _ in todo], out, False, os.cpu_count() or 1, check_seals=False)
        for (file, data, number), outcome in zip(todo, outcomes, strict=True):
            if not outcome.ok:
                sys.stdout.write("".join(p.text() + "\n" for p in outcome.problems))
                print(COMMANDS["seal_not_built"].format(file=printable(file)), file=sys.stderr)
                failed = True
                continue
            try:
                where = _keep(Path(file), data, number, out)
            except OSError as exc:
                from .messages import os_reason

                print(
                    COMMANDS["seal_not_written"].format(file=printable(file), reason=os_reason(exc)),
                    file=sys.stderr,
                )
                failed = True
                continue
            print(COMMANDS["seal_done"].format(number=number, file=printable(file), folder=shown_path(where)))
    if not failed:
        print(COMMANDS["seal_add_to_git"])
    return 1 if failed else 0


def _keep(file: Path, data: dict, number: int, out: Path) -> Path:
    """Write sealed/<name>/version-<number>/ from the documents built in `out`: into a fresh
    folder beside it, renamed into place when complete, so a seal is whole or absent."""
    from .context import annex_name

    archive = archive_of(file)
    stem = file.stem
    archive.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".seal-", dir=archive) as staging:
        folder = Path(staging) / f"version-{number}"
        folder.mkdir()
        documents = {}
        for kind in KINDS:
            name = f"{stem}.{kind}"
            shutil.copyfile(out / name, folder / name)
            content = (folder / name).read_bytes()
            documents[kind] = {"file": name, "sha256": sha256(content), "bytes": len(content)}
        annexes = []
        for index, annex in enumerate(data.get("annexes", [])):
            if "file" not in annex:
                continue
            name = annex_name(stem, index, annex["file"])  # as the documents link to it
            shutil.copyfile(out / name, folder / name)
            content = (folder / name).read_bytes()
            annexes.append({"file": name, "sha256": sha256(content), "bytes": len(content)})
        (folder / f"{stem}.yaml").write_bytes(file.read_bytes())
        record = {
            "agreement": f"{stem}.yaml",
            "title": data["title"],
            "version": number,
            "sealed": dt.date.today().isoformat(),
            "agreement_sha256": agreement_hash(data),
            "documents": documents,
            **({"annexes": annexes} if annexes else {}),
            "tools": tool_versions(),
        }
        (folder / SEAL_FILE).write_text(seal_text(record), encoding="utf-8")
        for child in folder.iterdir():
            os.chmod(child, 0o644)
        os.chmod(folder, 0o755)
        os.replace(folder, archive / f"version-{number}")  # whole, or not at all
    return archive / f"version-{number}"


def seal_text(record: dict) -> str:
    """seal.yaml: a comment for the reader, then the record in block style, keys in order."""
    import yaml

    head = (
        "# Forsegling skrevet af «python build.py seal». Ret ikke i filen: den viser, hvilke\n"
        "# dokumenter der blev underskrevet (SHA-256 for hver fil), og hvilket indhold de er bygget af.\n"
    )
    return head + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=100)


# ---------------------------------------------------------------------------------------------
# build.py verify FILE


@dataclass
class Match:
    seal: Seal
    kind: str
    signed_copy: bool  # the sealed PDF with signatures (incremental updates) added after it


def all_seals(archive_root: Path) -> list[Seal]:
    """Every seal in the archive whose files are what it records (integrity): only those can
    vouch for a document. One that does not is reported by validate (PA132, PA133)."""
    found = []
    for folder in sorted(archive_root.glob("*/version-*")):
        try:
            seal = read_seal(folder)
        except SealError:
            continue
        if not integrity(seal):
            seal.checked.clear()  # verify compares hashes only: the whole archive is not kept
            found.append(seal)
    return found


def identify(content: bytes, candidates: list[Seal]) -> Match | None:
    """The sealed document `content` is, or the sealed PDF it starts with (a signed copy)."""
    digest = sha256(content)
    for seal in candidates:
        for kind in KINDS:
            if seal.record["documents"][kind]["sha256"] == digest:
                return Match(seal, kind, False)
    for seal in candidates:
        entry = seal.record["documents"]["pdf"]
        size = entry.get("bytes")
        if isinstance(size, int) and 0 < size < len(content) and sha256(content[:size]) == entry["sha256"]:
            return Match(seal, "pdf", True)
    return None


def find_sealed(file: Path, agreements: Path) -> tuple[bytes, Match | None]:
    """The bytes of `file` and the sealed document of this repository it is (or starts with),
    for verify and sign. A file far larger than anything sealed is not read (no match); one
    that is not a regular file (a device, a pipe) is an OSError."""
    import stat

    candidates = all_seals(agreements.parent / ARCHIVE)
    largest = max((e.get("bytes", 0) for s in candidates for e in s.entries()), default=0)
    if not stat.S_ISREG(file.stat().st_mode):  # nothing to compare, or no end
        raise OSError(0, "det er ikke en almindelig fil", str(file))
    if file.stat().st_size > largest + MAX_SIGNATURES_SIZE:
        return b"", None
    content = read_regular(file, largest + MAX_SIGNATURES_SIZE, follow=True)
    return content, identify(content, candidates)


def check_signed_copy(content: bytes, match: Match, roots: list) -> tuple[list, str | None, bool]:
    """A signed copy's signature reports, why they could not be read (or None), and whether it
    is acceptable: plain updates (checked first, before pyHanko reads the file), signatures of
    which the last covers the whole file, and nothing added but invisible signatures
    (signing.only_signatures_added). Whether each signature is intact is the caller's to judge."""
    from .signing import _updates

    sealed_size = match.seal.record["documents"]["pdf"]["bytes"]
    if _updates(content, sealed_size) is None:
        return [], "ikke en almindelig tilføjelse", False
    reports, broken = _signature_reports(content, roots)
    acceptable = (
        not broken and bool(reports) and reports[-1].whole_file and _only_signatures(content, sealed_size)
    )
    return reports, broken, acceptable


def _when(iso: str | None) -> str:
    if not iso:
        return "uden tidspunkt"
    moment = dt.datetime.fromisoformat(iso)
    try:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo("Europe/Copenhagen"))
        zone = ""
    except Exception:  # no time zone data on this machine
        zone = f" ({moment.tzname() or 'UTC'})"
    return f"{Formats('da').date(moment.date().isoformat())} kl. {moment:%H.%M}{zone}"


# What signatures may add to a sealed PDF (certificates, time stamps, validation data): a file
# larger than the largest sealed PDF by more than this is not read at all.
MAX_SIGNATURES_SIZE = 50 * 1024 * 1024


def verify_command(file: str, agreements: Path, trust: list[str]) -> int:
    """Is `file` a sealed document of this repository (or a signed copy of one), which
    agreement and version, is it current, and are its signatures intact. Exit 0 or 1."""
    from .messages import os_reason
    from .signing import SigningFailed, trust_roots

    shown = printable(file)
    try:
        roots = trust_roots([Path(t).read_bytes() for t in trust])
        content, match = find_sealed(Path(file), agreements)
    except OSError as exc:
        name = printable(exc.filename or file)
        print(COMMANDS["verify_unreadable"].format(file=name, reason=os_reason(exc)), file=sys.stderr)
        return 1
    except SigningFailed as exc:
        print(COMMANDS["verify_bad_trust"].format(detail=exc), file=sys.stderr)
        return 1
    if match is None:
        print(COMMANDS["verify_unknown"].format(file=shown, archive=ARCHIVE))
        return 1
    seal, record = match.seal, match.seal.record
    title = printable(str(record.get("title", "?")))
    agreement = agreements / record["agreement"]  # the folder's own name (read_seal)
    reports, broken = [], None
    if match.signed_copy:
        reports, broken, acceptable = check_signed_copy(content, match, roots)
        if not acceptable:
            print(
                COMMANDS["verify_more_than_signatures"].format(
                    file=shown, title=title, version=record["version"]
                )
            )
            _print_signatures(reports, broken, roots)
            return 1
    sealed = COMMANDS["verify_sealed"].format(
        file=shown,
        signed=COMMANDS["verify_signed_copy"] if match.signed_copy else "",
        what={
            "pdf": COMMANDS["verify_kind_pdf"],
            "docx": COMMANDS["verify_kind_docx"],
            "html": COMMANDS["verify_kind_html"],
        }[match.kind],
        title=title,
        agreement=shown_path(agreement),
        version=record["version"],
        sealed=record.get("sealed", "?"),
    )
    print(sealed)
    print(_currency(agreement, seal))
    return 0 if _print_signatures(reports, broken, roots) else 1


def _currency(agreement: Path, seal: Seal) -> str:
    from .check import check
    from .load import load

    if not agreement.is_file():
        return f"Aftalen findes ikke længere som {shown_path(agreement)}."
    source = load(agreement)
    # Its version is read only from an agreement the schema and the rules accept.
    if not isinstance(source.data, dict) or any(p.severity == "error" for p in check(source)):
        return f"Den nuværende {shown_path(agreement)} kan ikke læses som en gyldig aftale; kør validate."
    data = source.data
    now = version(data)
    if now == seal.version:
        if agreement_hash(data) == seal.record["agreement_sha256"]:
            return "Det er den gældende version af aftalen."
        return "Aftalen er ændret efter forseglingen, uden et tillæg (kør validate)."
    if now > seal.version:
        return f"Aftalen er ændret siden med tillæg: den gældende version er {now}."
    return f"Aftalen har nu et lavere versionsnummer ({now}); kør validate."


def _signature_reports(content: bytes, roots: list[bytes]):
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # our own words say what went wrong
    from .signing import signatures

    try:
        return signatures(content, roots), None
    except Exception as exc:  # a damaged file: pyHanko's many errors all mean «cannot be trusted»
        return [], f"{type(exc).__name__}"


def _only_signatures(content: bytes, sealed_size: int) -> bool:
    """The updates after the sealed PDF add signatures and nothing else (signing.py)."""
    from .signing import only_signatures_added

    try:
        return only_signatures_added(content, sealed_size)
    except Exception:  # damaged beyond reading: not the sealed document with signatures
        return False


def _print_signatures(reports, broken, roots) -> bool:
    from .signing import usage_reason

    if broken:
        print(COMMANDS["verify_damaged"])
        return False
    ok = True
    for number, report in enumerate(reports, 1):
        if not report.intact:
            state = COMMANDS["verify_broken"]
            ok = False
        elif not report.covers_rest:
            state = COMMANDS["verify_changed_after"]
            ok = False
        else:
            state = COMMANDS["verify_intact"]
        if report.usage:  # whoever issued it, it was not issued to sign with
            trust = COMMANDS["verify_usage"].format(why=usage_reason(report.usage))
            ok = False
        elif not roots:
            trust = COMMANDS["verify_issuer_unchecked"]
        elif report.trusted:
            trust = COMMANDS["verify_trusted"]
        elif report.validity and report.validity[0] == "expired":
            trust = COMMANDS["verify_expired"].format(day=Formats("da").plain_date(report.validity[1]))
            ok = False
        elif report.validity:
            trust = COMMANDS["verify_not_yet"].format(day=Formats("da").plain_date(report.validity[1]))
            ok = False
        else:
            trust = COMMANDS["verify_untrusted"]
            ok = False
        signer, when = printable(report.signer), _when(report.when)
        print(
            COMMANDS["verify_signature"].format(
                number=number, signer=signer, when=when, state=state, trust=trust
            )
        )
    return ok
