"""The run, top to bottom: load -> check -> render (in parallel workers) -> write.

Only what `validate` needs is imported at the top; the render machinery (workers, pandoc,
Typst, lxml, Jinja2) is imported by build_files when it is first called.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .assets import find_annex, find_logo
from .check import check
from .errors import MissingGlyph, RenderError
from .i18n import language
from .load import NAME, RESERVED, LoadError, Source, load, read_agreement, strings
from .messages import BUILD, os_reason
from .problems import Problem, dotted
from .text import printable, same_name

if TYPE_CHECKING:
    from .state import State


@dataclass
class Outcome:
    file: str
    problems: list[Problem] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    strict: bool = False
    skipped: bool = False  # up to date: nothing was read or rendered

    @property
    def ok(self) -> bool:
        """No errors; and with --strict, no warnings either."""
        failing = ("error", "warning") if self.strict else ("error",)
        return not any(p.severity in failing for p in self.problems)


def name_clashes(files: list[str]) -> dict[str, Problem]:
    """PA093 for each of `files` whose documents would have the name of another's: the same
    name case-folded (text.same_name), as with `x.yaml` and `x.yml`, or `X.yaml` beside
    `x.yaml`, which on Windows and macOS are one file. Every file of such a group fails, each
    naming the others, so the order of the files never decides which one is built. A file that
    is missing (PA002), or whose name load() refuses (PA003, the register's names too), takes no
    part and never costs a namesake its build; any other file with the name does, whatever is
    in it, since on Windows and macOS the two cannot even stand side by side."""
    groups: dict[str, dict[str, str]] = {}  # name -> the file itself -> the path as given
    for path in files:
        name, key = Path(path).name, same_name(Path(path).stem)
        if NAME.match(name) and key not in RESERVED and os.path.isfile(path):
            groups.setdefault(key, {}).setdefault(os.path.realpath(path), path)
    clashes = {}
    for members in groups.values():
        group = list(members.values())
        for path in group if len(group) > 1 else ():
            stem, others = Path(path).stem, [other for other in group if other != path]
            kind = "same_name" if all(Path(other).stem == stem for other in others) else "same_name_case"
            message = BUILD["da"][kind].format(name=stem, other=", ".join(printable(o) for o in others))
            clashes[path] = Problem(path, 1, 1, "PA093", message)
    return clashes


def validate_file(path: str, strict: bool = False, base: str | None = None) -> Outcome:
    """Check one agreement; with `base`, also that a signed agreement changed since that git
    revision records the change as an amendment (history.py)."""
    source = load(path)
    outcome = Outcome(path, check(source), strict=strict)
    if outcome.ok:  # the schema and the rules hold: then the history and the seal
        from .seal import check_seal

        sealing = check_seal(path, source)[0]
        if base:
            from .history import amendment_problems

            outcome.problems += amendment_problems(path, source, base)
        outcome.problems += sealing
    return outcome


def build_files(
    files: list[str],
    out_dir: Path,
    strict: bool = False,
    jobs: int = 1,
    progress=None,
    pandoc=None,
    pool=None,
    check_seals: bool = True,
    register: bool = False,
) -> tuple[list[Outcome], list[dict]]:
    """Check every agreement and render the changed valid ones in parallel.

    Returns the outcomes, in the order of `files`, and the register rows of every agreement
    that has current documents. An unchanged agreement (state.py) is neither read nor
    rendered; the warnings it had are replayed, so --strict still sees them. `pandoc`: a
    PandocServer started already, for the first render worker (workers.py). `pool`: a
    persistent RenderPool whose warm workers render, kept open for the next call (live.py).

    A signed agreement whose current version is sealed is not rendered: its sealed documents
    are published as they are (seal.py). `check_seals=False` renders it all the same: that is
    how `seal` makes the documents it keeps. `register`: the caller writes the register
    afterwards (its template is loaded while the first worker renders).
    """
    from .state import State
    from .workers import RenderPool

    state = State(out_dir)
    own_pool = pool is None
    pool = pool or RenderPool(jobs, pandoc=pandoc)
    outcomes: list[Outcome | None] = [None] * len(files)
    sources = {}
    keep = os.environ.get("PARTNERSKAB_KEEP_INTERMEDIATE")

    def settle(index: int, outcome: Outcome) -> None:
        outcomes[index] = outcome
        if progress:
            progress(outcome)

    def tasks():
        """Check each agreement as a worker becomes free; yield those that need rendering.

        The agreements whose bytes are the ones their documents were made from come last:
        whether those documents are still intact (their SHA-256) is checked while the workers
        render the changed ones, not before."""
        clashes = name_clashes(files)
        unchanged = []  # (index, path, raw, entry)
        for index, path in enumerate(files):
            if path in clashes:  # two agreements would write the same files in the output folder
                settle(index, Outcome(path, [clashes[path]], strict=strict))
                continue
            try:  # through the same checks as load(): a regular file of bounded size
                raw = read_agreement(Path(path)) if NAME.match(Path(path).name) else None
            except (OSError, LoadError):
                raw = None  # load() below reports why
            if raw is not None and check_seals:
                from .seal import archive_fingerprint

                raw += archive_fingerprint(Path(path))  # a new or broken seal is checked again
            entry = state.same_input(Path(path).stem, raw, path) if raw is not None else None
            if entry:
                unchanged.append((index, path, raw, entry))
                continue
            yield from render(index, path, raw)
        for index, path, raw, entry in unchanged:
            if state.intact(entry, out_dir):
                warnings = [Problem(**{**p, "file": path}) for p in entry["warnings"]]
                settle(index, Outcome(path, warnings, strict=strict, skipped=True))
            else:  # a document was changed or removed since it was written
                yield from render(index, path, raw)

    def render(index: int, path: str, raw: bytes | None):
        """Check one agreement; yield it for rendering when it is valid and not sealed."""
        stem = Path(path).stem
        pool.prestart()  # pandoc starts while this agreement is checked
        source = load(path)
        outcome = Outcome(path, check(source), strict=strict)
        seal = None
        if outcome.ok and check_seals:
            from .seal import check_seal

            problems, seal = check_seal(path, source)
            outcome.problems += problems
        if not outcome.ok:
            state.forget(stem)
            settle(index, outcome)
            return
        used = logo_files(Path(path), source.data)
        if seal:  # the documents as they were signed, whatever today's build would make
            sealed = {f"sealed:{p.name}": p for p in seal.files()}
            _finish(outcome, source, seal, out_dir, state, raw, {**used, **sealed})
            settle(index, outcome)
            return
        sources[index] = (source, outcome, raw, used)
        assets = {"logos": {pid: file.read_bytes() for pid, file in used.items()}, "stem": stem}
        yield index, source.data, assets, str(Path(keep) / stem) if keep else None
        with contextlib.suppress(OSError):  # an unreadable template: _finish reports it
            _ready_to_finish(register)  # while the worker renders what was just handed to it

    try:
        for index, result in pool.run(tasks()):
            source, outcome, raw, used = sources.pop(index)
            _finish(outcome, source, result, out_dir, state, raw, used)
            settle(index, outcome)
    finally:  # also when interrupted: what was written is recorded, nothing else
        if own_pool:
            pool.close()
        if not state.save():
            print(BUILD["da"]["state_not_saved"], file=sys.stderr)
    rows = [
        state.entries[Path(o.file).stem]["register"]
        for o in outcomes
        if o.ok and Path(o.file).stem in state.entries
    ]
    return outcomes, rows


def _ready_to_finish(register: bool = False) -> None:
    """Import what _finish uses and hash the templates and code (state.fingerprint), once, while
    the first worker renders: a one-agreement build's parent would otherwise do it after the
    documents came back, about 6 ms on the way to the end. With `register`, load the register
    page's template too, which the build writes last (about 20 ms)."""
    from . import context, seal, write  # noqa: F401
    from . import register as register_module
    from .state import fingerprint

    fingerprint()
    if register:
        with contextlib.suppress(Exception):  # only a head start: writing the register reports a fault
            register_module.prepare()


def _finish(
    outcome: Outcome, source: Source, result, out_dir: Path, state: State, raw: bytes, used: dict[str, Path]
) -> None:
    """Write one agreement's documents, or turn its render failure into a problem."""
    from .context import annex_name
    from .register import entry
    from .state import input_hash, written
    from .write import document_files, write_together

    path, lang = outcome.file, language(source.data)
    stem = Path(path).stem
    try:
        if isinstance(result, Exception):
            raise result
        from .seal import Seal, sealed_documents

        sealed_version = result.version if isinstance(result, Seal) else None
        state.forget(stem)  # the old record no longer describes the files being replaced
        if isinstance(result, Seal):  # its files, annexes too, as they were signed
            result = sealed_documents(result)
            annexes, copies = {}, result.annexes
        else:
            annexes = annex_files(Path(path), source.data)
            copies = [  # beside the documents, which link to them
                (annex_name(stem, index, source.data["annexes"][index]["file"]), file.read_bytes())
                for index, file in annexes.items()
            ]
        files = document_files(out_dir, stem, result, copies)
        outcome.written = write_together(files)
        warnings = [asdict(p) for p in outcome.problems]
        inputs = [*used.values(), *annexes.values()]  # a changed logo or annex rebuilds too
        state.record(
            stem,
            {
                "hash": input_hash(raw, inputs, path),
                "logos": [str(p) for p in inputs],
                "outputs": written(files),
                "warnings": warnings,
                "register": {**entry(path, source.data), "sealed": sealed_version},
            },
        )
        return
    except MissingGlyph as exc:
        where, shown = _find_glyphs(source.data, exc.text)
        line, column = source.position(where) if where is not None else (1, 1)
        codes = ", ".join(f"U+{ord(c):04X}" for c in shown)
        message = BUILD[lang]["missing_glyph"].format(
            text=shown, codes=codes, where=f" ({dotted(where)})" if where else ""
        )
        outcome.problems.append(Problem(path, line, column, "PA092", message, json_path=dotted(where or ())))
    except RenderError as exc:
        detail = exc.reason(lang)
        outcome.problems.append(
            Problem(path, 1, 1, "PA090", BUILD[lang]["render_failed"].format(detail=detail))
        )
    except OSError as exc:
        detail = os_reason(exc, lang)
        outcome.problems.append(
            Problem(path, 1, 1, "PA091", BUILD[lang]["write_failed"].format(detail=detail))
        )
    state.forget(stem)


def logo_files(agreement: Path, data: dict) -> dict[str, Path]:
    """Each partner's logo file (the rules have checked them already)."""
    return {p["id"]: find_logo(agreement, p["logo"]["path"])[0] for p in data["partners"] if "logo" in p}


def annex_files(agreement: Path, data: dict) -> dict[int, Path]:
    """Each annex's file by its index in `annexes` (the rules have checked them already)."""
    return {
        i: find_annex(agreement, a["file"])[0] for i, a in enumerate(data.get("annexes", [])) if "file" in a
    }


def logos(agreement: Path, data: dict) -> dict[str, bytes]:
    """Each partner's logo, read by the parent: a render worker gets bytes, not paths."""
    return {pid: file.read_bytes() for pid, file in logo_files(agreement, data).items()}


def _find_glyphs(data, text: str) -> tuple[tuple | None, str]:
    """The path of the first string value that holds `text`, the text Typst could not show, and
    what to name there. Typst names only the letter of a letter with a mark no font has («b» for
    «b⃝»): then it is the first value where that letter has a mark after it that the fonts lack
    (glyphs.py; `validate` finds those first), named with its letter."""
    from .glyphs import is_mark, unshowable

    first = None  # the first value that holds `text` at all
    for path, value in strings(data):
        start = value.find(text)
        first = first if first is not None or start < 0 else path
        while start >= 0:
            end = start + len(text)
            while end < len(value) and is_mark(value[end]):
                end += 1
            if end > start + len(text) and unshowable(value[start + len(text) : end]):
                return path, value[start:end]
            start = value.find(text, start + 1)
    return first, text
