"""The whole run for one agreement, top to bottom: load -> check -> render -> write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .check import check, language
from .load import load
from .problems import Problem
from .render import RenderError, render_isolated
from .write import write_documents


@dataclass
class Outcome:
    file: str
    problems: list[Problem] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    strict: bool = False

    @property
    def ok(self) -> bool:
        """No errors; and with --strict, no warnings either."""
        failing = ("error", "warning") if self.strict else ("error",)
        return not any(p.severity in failing for p in self.problems)


def validate_file(path: str, strict: bool = False) -> Outcome:
    return Outcome(path, check(load(path)), strict=strict)


def build_file(path: str, out_dir: Path, strict: bool = False) -> Outcome:
    source = load(path)
    outcome = Outcome(path, check(source), strict=strict)
    if not outcome.ok:
        return outcome
    try:
        documents = render_isolated(source.data)
        outcome.written = write_documents(out_dir, Path(path).stem, documents)
    except RenderError as exc:
        word = (
            "Dokumenterne kunne ikke dannes"
            if language(source.data) == "da"
            else "The documents could not be built"
        )
        outcome.problems.append(Problem(path, 1, 1, "PA090", f"{word}: {exc}"))
    except OSError as exc:
        word = (
            "Filerne kunne ikke skrives"
            if language(source.data) == "da"
            else "The files could not be written"
        )
        outcome.problems.append(Problem(path, 1, 1, "PA091", f"{word}: {exc.strerror or exc}"))
    return outcome
