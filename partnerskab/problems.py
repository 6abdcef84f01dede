"""A problem found in an agreement, and how it is printed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


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
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


def dotted(path) -> str:
    """('economy', 'budget', 0, 'amount') -> 'economy.budget[0].amount'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def format_text(problems: list[Problem]) -> str:
    return "".join(p.text() + "\n" for p in problems)


def format_json(problems: list[Problem]) -> str:
    return json.dumps({"problems": [asdict(p) for p in problems]}, ensure_ascii=False, indent=2) + "\n"
