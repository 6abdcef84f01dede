"""`python build.py status [--within DAYS]`: what needs attention across all agreements.

Three things: agreements that end within DAYS, agreements that have ended but are still
marked signed, and drafts nobody has touched for a long time (by their last git commit, or
the file's modification time outside git). Exit 1 when anything is listed, so a scheduled CI
job can open a reminder.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from . import timeline
from .check import check
from .i18n import Formats
from .load import load
from .markdown import escape
from .messages import COMMANDS
from .register import next_text, today
from .text import printable

STALE_DRAFT_DAYS = 60
DAYS = {"one": "{n} dag", "other": "{n} dage"}
# What must happen by the next date, by its kind (timeline.Term.next_date).
DUE = {
    "end": "Udløber inden for {days}: forny, forlæng eller afslut",
    "notice": "Sidste frist for opsigelse inden for {days}: beslut, om aftalen skal fortsætte",
    "review": "Skal tages op inden for {days}: beslut, om aftalen skal fortsætte",
}
DUE_PASSED = {
    "end": "Er udløbet: sæt status: ended, eller forlæng aftalen med et tillæg",
    "notice": "Fristen for opsigelse ({date}) er overskredet",
    "review": (
        "Aftalen skulle være taget op senest {date}: beslut, om den skal fortsætte, og skriv en ny dato i "
        "review_by"
    ),
}


def last_changed(path: str) -> dt.date:
    """The day of the file's last commit, or its modification time when git cannot say."""
    file = Path(path).resolve()
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", file.name],
            cwd=file.parent,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        stamp = result.stdout.strip()
        if result.returncode == 0 and stamp.isdigit():
            # uncommitted edits count as a change today
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--", file.name],
                cwd=file.parent,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            ).stdout.strip()
            return today() if dirty else dt.datetime.fromtimestamp(int(stamp), dt.UTC).date()
    except (OSError, subprocess.SubprocessError):
        pass
    return dt.datetime.fromtimestamp(file.stat().st_mtime, dt.UTC).date()


def attention(files: list[str], within: int) -> tuple[list[tuple[str, ...]], list[str]]:
    """Rows (file, title, status, end, days, what) to look at, and files that could not be read."""
    fmt, on = Formats("da"), today()
    rows, broken = [], []
    for path in files:
        source = load(path)
        if source.data is None or any(p.severity == "error" and p.code < "PA100" for p in check(source)):
            broken.append(path)
            continue
        data = source.data
        term = timeline.term(data)
        next_date, kind = term.next_date(on)
        days = (next_date - on).days if next_date else None
        status = data["status"]
        what = None
        if status == "signed" and kind == "end" and days is not None and days < 0:
            what = "Er udløbet, men står stadig som underskrevet: sæt status: ended"
        elif status != "ended" and days is not None and days < 0:
            what = DUE_PASSED[kind].format(date=fmt.date(next_date.isoformat()))
        elif status != "ended" and days is not None and days <= within:
            what = DUE[kind].format(days=fmt.count(within, DAYS))
        elif status == "draft":
            idle = (on - last_changed(path)).days
            if idle >= STALE_DRAFT_DAYS:
                what = f"Udkast uændret i {fmt.count(idle, DAYS)}"
        if what:
            rows.append(
                (
                    path,
                    data["title"],
                    fmt.t["status"][status],
                    next_text(kind, next_date.isoformat() if next_date else "", fmt),
                    str(days) if days is not None else "",
                    what,
                )
            )
    return rows, broken


def status_report(files: list[str], within: int, markdown: bool = False) -> int:
    """Print what needs attention: an aligned table for a terminal, or with `markdown` a
    Markdown table for the weekly reminder issue, where every value is escaped (a title cannot
    close a table or a code block, or add text of its own)."""
    fmt_da = Formats("da")
    rows, broken = attention(files, within)
    if not rows and not broken:
        reviewed = fmt_da.count(
            len(files), {"one": COMMANDS["status_reviewed"], "other": COMMANDS["status_reviewed"]}
        )
        print(COMMANDS["status_nothing"].format(reviewed=reviewed, days=fmt_da.count(within, DAYS)))
        return 0
    header = ("Fil", "Aftale", "Status", "Næste dato", "Dage", "Hvad")
    if markdown and rows:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(escape(printable(cell)) for cell in row) + " |")
    elif rows:
        shown = [header] + [tuple(" ".join(printable(cell).split()) for cell in row) for row in rows]
        widths = [max(len(r[i]) for r in shown) for i in range(len(header))]
        shown.insert(1, tuple("-" * w for w in widths))
        for row in shown:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    for path in broken:
        name = escape(printable(path)) if markdown else printable(path)
        bullet = "- " if markdown else ""
        print(bullet + COMMANDS["status_unreadable"].format(name=name))
    return 1
