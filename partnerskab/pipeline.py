"""The whole run for one agreement, top to bottom: load -> check -> render -> write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .assets import find_logo
from .check import check, language
from .load import load
from .messages import BUILD
from .problems import Problem, dotted
from .render import MissingGlyph, RenderError, render_isolated
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


def validate_file(path: str, strict: bool = False, base: str | None = None) -> Outcome:
    """Check one agreement; with `base`, also that a signed agreement changed since that git
    revision records the change as an amendment (history.py)."""
    source = load(path)
    outcome = Outcome(path, check(source), strict=strict)
    if base and outcome.ok:
        from .history import amendment_problems

        outcome.problems += amendment_problems(path, source, base)
    return outcome


def build_file(path: str, out_dir: Path, strict: bool = False) -> Outcome:
    source = load(path)
    outcome = Outcome(path, check(source), strict=strict)
    if not outcome.ok:
        return outcome
    lang = language(source.data)
    try:
        documents = render_isolated(source.data, logos(Path(path), source.data))
        outcome.written = write_documents(out_dir, Path(path).stem, documents)
    except MissingGlyph as exc:
        where = _find_text(source.data, exc.text)
        line, column = source.position(where) if where is not None else (1, 1)
        codes = ", ".join(f"U+{ord(c):04X}" for c in exc.text)
        message = BUILD[lang]["missing_glyph"].format(
            text=exc.text, codes=codes, where=f" ({dotted(where)})" if where else ""
        )
        outcome.problems.append(Problem(path, line, column, "PA092", message, json_path=dotted(where or ())))
    except RenderError as exc:
        outcome.problems.append(Problem(path, 1, 1, "PA090", BUILD[lang]["render_failed"].format(detail=exc)))
    except OSError as exc:
        detail = exc.strerror or str(exc)
        outcome.problems.append(
            Problem(path, 1, 1, "PA091", BUILD[lang]["write_failed"].format(detail=detail))
        )
    return outcome


def logos(agreement: Path, data: dict) -> dict[str, bytes]:
    """Each partner's logo file, read by the parent: the render child gets bytes, not paths."""
    found = {}
    for partner in data["partners"]:
        if "logo" in partner:
            target, _ = find_logo(agreement, partner["logo"]["path"])
            found[partner["id"]] = target.read_bytes()  # the rules have checked it already
    return found


def _find_text(value, text: str, path: tuple = ()) -> tuple | None:
    """The path of the first string value that contains `text`."""
    if isinstance(value, str):
        return path if text in value else None
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    )
    for key, child in children:
        found = _find_text(child, text, path + (key,))
        if found is not None:
            return found
    return None
