"""A problem found in an agreement, and how it is printed."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .i18n import Formats
from .markdown import escape
from .text import printable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing the person editing the YAML must fix (error) or consider (warning).

    `line` and `column` are 1-based and point at the YAML node concerned; for a missing key,
    at the mapping that lacks it. `json_path` is the dotted path, e.g. economy.budget[0].amount.
    """

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: str = "error"
    json_path: str = ""

    def text(self) -> str:
        """One line: the file name made printable, so a name cannot move a terminal's cursor
        or start a CI command; the message's own values are escaped where they are made. The
        code comes last, in brackets, as compilers and linters write theirs («[PA020]»): what
        reads `file:line:column: severity: message` reads it as part of the message, and a
        person finds it in the README's tables."""
        where = f"{printable(self.file)}:{self.line}:{self.column}"
        code = f" [{self.code}]" if self.code else ""
        return f"{where}: {self.severity}: {printable(self.message)}{code}"


def dotted(path) -> str:
    """('economy', 'budget', 0, 'amount') -> 'economy.budget[0].amount'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def format_text(problems: list[Problem]) -> str:
    return "".join(p.text() + "\n" for p in problems)


def _github_escape(text: str, property_: bool = False) -> str:
    text = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


def format_github(problems: list[Problem]) -> str:
    """GitHub Actions workflow commands, so a pull request shows each problem on its line."""
    return "".join(
        f"::{p.severity} file={_github_escape(p.file, True)},line={p.line},col={p.column},"
        f"title={p.code}::{_github_escape(p.message)}\n"
        for p in problems
    )


def format_json(problems: list[Problem]) -> str:
    rows = [
        {
            "file": printable(p.file),  # valid UTF-8 JSON even for a name that was not
            "line": p.line,
            "column": p.column,
            "path": p.json_path,
            "severity": p.severity,
            "code": p.code,
            "message": p.message,
        }
        for p in problems
    ]
    return json.dumps({"problems": rows}, ensure_ascii=False, indent=2) + "\n"


# The job summary's words: the page around the problems is in Danish, like the rest of CI.
MARKDOWN = {
    "columns": ("Sted", "Kode", "Alvor", "Besked"),
    "severity": {"error": "fejl", "warning": "advarsel"},
    "errors": {"one": "{n} fejl", "other": "{n} fejl"},
    "warnings": {"one": "{n} advarsel", "other": "{n} advarsler"},
}


def format_markdown(problems: list[Problem]) -> str:
    """Every problem as a Markdown table per file, for a CI job summary: GitHub shows only the
    first ten annotations of each kind in a step, so a new agreement's long to-do list would be
    cut short. Every cell is escaped, so a message or a file name cannot end the table, start a
    heading or open HTML."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    counts = Formats("da")
    out = []
    for file, found in by_file.items():
        errors = sum(p.severity == "error" for p in found)
        tally = [counts.count(errors, MARKDOWN["errors"])] if errors else []
        if len(found) > errors:
            tally.append(counts.count(len(found) - errors, MARKDOWN["warnings"]))
        out += [f"### {escape(printable(file))}", "", " og ".join(tally) + ".", ""]
        out += ["| " + " | ".join(MARKDOWN["columns"]) + " |", "|" + " --- |" * len(MARKDOWN["columns"])]
        for p in found:
            cells = (
                f"{printable(p.file)}:{p.line}:{p.column}",
                p.code,
                MARKDOWN["severity"].get(p.severity, p.severity),
                printable(p.message),
            )
            out.append("| " + " | ".join(escape(cell) for cell in cells) + " |")
        out.append("")
    return "".join(line + "\n" for line in out)
