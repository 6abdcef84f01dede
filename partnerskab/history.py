"""An agreement as it was at an earlier git revision, and the rule that a signed agreement is
amended, never edited (PA113).

A signed agreement is a record of what the partners put their names to. When its content
changes afterwards, the change must be written down as a new entry in `changes.amendments`,
so the document itself shows what was agreed when. Comparing with git (the base branch of a
pull request, say) is the only way to see that a signed agreement has been edited.

We ask git for the committed bytes and load them with the same loader as the working tree,
so both sides are YAML 1.2 data and comments or layout never count as a change.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from .i18n import language
from .load import Source, load
from .messages import GIT_REASONS, HISTORY
from .problems import Problem, dotted
from .schema import title
from .text import printable

GIT_TIMEOUT = 60

# These would make git look at another repository than the one the file is in (they are set
# while git runs a hook, for instance).
_GIT_LOCATION = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX")


class HistoryError(Exception):
    """Git could not tell us what a file looked like at a revision. str() is Danish."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(self.reason("da"))

    def reason(self, lang: str) -> str:
        """The reason, with what came from outside (a revision as typed) made printable."""
        return GIT_REASONS[lang][self.key].format(**{k: printable(str(v)) for k, v in self.params.items()})


def _git(args: list[str], cwd: str | Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION}
    env["GIT_TERMINAL_PROMPT"] = "0"
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, timeout=GIT_TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise HistoryError("no_git") from None
    except subprocess.TimeoutExpired:
        raise HistoryError("git_failed", detail=f"svarede ikke inden for {GIT_TIMEOUT} sekunder") from None


def _git_message(raw: bytes) -> str:
    lines = raw.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1].removeprefix("fatal: ") if lines else ""


def _locate(path: str | Path) -> tuple[str, str]:
    """(toplevel of the file's repository, the file's path from there with / separators).

    The file itself need not exist (it may have been deleted); its nearest existing folder is
    asked. Folders are resolved like git resolves them, the file name is kept as written.
    """
    absolute = Path(os.path.abspath(path))
    folder, rest = absolute.parent, [absolute.name]
    while not folder.is_dir() and folder != folder.parent:
        folder, rest = folder.parent, [folder.name, *rest]
    top = _toplevel(str(folder))
    relative = Path(os.path.relpath(os.path.realpath(folder), top), *rest)
    if relative.parts and relative.parts[0] == "..":
        raise HistoryError("not_repository", where=str(path))
    return top, relative.as_posix()


def _toplevel(folder: str) -> str:
    result = _git(["rev-parse", "--show-toplevel"], folder)
    if result.returncode != 0:
        raise HistoryError("not_repository", where=folder)
    return os.path.realpath(result.stdout.decode("utf-8", errors="surrogateescape").strip())


def _commit(top: str, rev: str) -> str:
    """The commit id REV names; a REV that looks like an option is never given to git."""
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n"):
        raise HistoryError("bad_revision", rev=rev)
    result = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    if result.returncode != 0:
        raise HistoryError("bad_revision", rev=rev)
    return result.stdout.decode().strip()


def read_at(rev: str, path: str | Path) -> bytes | None:
    """The file's bytes at git revision REV, or None if it did not exist there.

    `git cat-file blob` gives the committed bytes as they are, with no text conversion.
    """
    top, relative = _locate(path)
    commit = _commit(top, rev)
    kind = _git(["cat-file", "-t", f"{commit}:{relative}"], top)
    if kind.returncode != 0:
        return None  # the commit exists, so the path does not exist in it
    if kind.stdout.strip() != b"blob":
        raise HistoryError("not_a_file", path=relative, rev=rev)
    content = _git(["cat-file", "blob", f"{commit}:{relative}"], top)
    if content.returncode != 0:
        raise HistoryError("git_failed", detail=_git_message(content.stderr))
    return content.stdout


def names_at(rev: str, folder: str | Path) -> list[str]:
    """The names of the files directly in `folder` at REV ([] if the folder did not exist)."""
    top, relative = _locate(Path(folder) / "_")
    commit = _commit(top, rev)
    listing = _git(["ls-tree", "-z", f"{commit}:{relative.rpartition('/')[0]}"], top)
    if listing.returncode != 0:
        return []
    names = []
    for entry in listing.stdout.split(b"\0"):
        info, _, name = entry.partition(b"\t")
        if info.split(b" ")[1:2] == [b"blob"]:
            names.append(name.decode("utf-8", errors="surrogateescape"))
    return names


def changed_since(rev: str, folder: str | Path) -> list[tuple[str, Path]]:
    """(status, absolute path) of each file in `folder` that existed at REV
    and has since been changed or removed in the working tree (committed or not): git's M, D
    and T. Files added since are not listed. [] when the folder is not in the repository."""
    top, relative = _locate(Path(folder) / "_")
    commit = _commit(top, rev)
    where = relative.rpartition("/")[0] or "."
    result = _git(["diff", "--name-status", "-z", "--no-renames", commit, "--", where], top)
    if result.returncode != 0:
        raise HistoryError("git_failed", detail=_git_message(result.stderr))
    fields = result.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    pairs = zip(fields[0::2], fields[1::2], strict=False)
    return [(status, Path(top) / path) for status, path in pairs if status in ("M", "D", "T")]


def load_at(rev: str, path: str | Path) -> Source | None:
    """The agreement as it was at REV, loaded like the working tree file (problems included),
    or None if it did not exist there."""
    raw = read_at(rev, path)
    if raw is None:
        return None
    with tempfile.TemporaryDirectory(prefix="partnerskab-") as folder:
        copy = Path(folder) / "aftale.yaml"
        copy.write_bytes(raw)
        return load(copy, display=str(path))


def _amendments(data: dict) -> list:
    changes = data.get("changes")
    found = changes.get("amendments") if isinstance(changes, dict) else None
    return found if isinstance(found, list) else []


def _without_amendments(data: dict) -> dict:
    """The agreement's content apart from its amendment log, with `ended` read as `signed`:
    ending a signed agreement is not an edit of it."""
    content = dict(data)
    if content.get("status") == "ended":
        content["status"] = "signed"
    changes = content.get("changes")
    if isinstance(changes, dict):
        changes = {k: v for k, v in changes.items() if k != "amendments"}
        if changes:
            content["changes"] = changes
        else:
            del content["changes"]
    return content


def changed_elements(old: dict, new: dict) -> list[str]:
    """The top-level keys whose content differs, apart from amendments being added."""
    before, after = _without_amendments(old), _without_amendments(new)
    keys = list(dict.fromkeys([*after, *before]))
    changed = [k for k in keys if before.get(k) != after.get(k)]
    old_log, new_log = _amendments(old), _amendments(new)
    remaining = list(new_log)
    for entry in old_log:  # an amendment already recorded at base was edited or removed
        if entry in remaining:
            remaining.remove(entry)
        else:
            if "changes" not in changed:
                changed.append("changes")
            break
    return changed


def amendment_problems(path: str, source: Source, base: str) -> list[Problem]:
    """PA113 when an agreement that was signed at `base` has changed without a new amendment;
    PA114 when git cannot tell. Runs on a schema-valid `source` only."""
    lang = language(source.data)
    words = HISTORY[lang]
    try:
        old = load_at(base, path)
    except HistoryError as exc:
        message = words["PA114"].format(base=base, reason=exc.reason(lang))
        return [Problem(source.path, 1, 1, "PA114", message, "error")]
    if old is None or not isinstance(old.data, dict) or old.data.get("status") != "signed":
        return []  # new since base, unreadable then (not a valid signature), or not signed
    new = source.data
    changed = changed_elements(old.data, new)
    if not changed or len(_amendments(new)) > len(_amendments(old.data)):
        return []
    names = [f"«{title((key,), lang) or key}»" for key in changed]
    what = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {words['and']} {names[-1]}"
    message = words["PA113"].format(base=base, what=what, have="has" if len(names) == 1 else "have")
    for where in (("changes", "amendments"), ("changes",)):
        if where in source.positions:
            break
    else:
        where = ()
    line, column = source.positions[where] if where else (1, 1)
    return [Problem(source.path, line, column, "PA113", message, "error", dotted(("changes", "amendments")))]
