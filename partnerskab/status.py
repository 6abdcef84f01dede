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

from .check import check
from .i18n import Formats
from .load import load
from .register import today

STALE_DRAFT_DAYS = 60


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
        end = dt.date.fromisoformat(data["duration"]["end"])
        days = (end - on).days
        status = data["status"]
        what = None
        if status == "signed" and days < 0:
            what = "Er udløbet, men står stadig som underskrevet: sæt status: ended"
        elif status != "ended" and 0 <= days <= within:
            what = f"Udløber inden for {within} dage: forny, forlæng eller afslut"
        elif status == "draft":
            idle = (on - last_changed(path)).days
            if idle >= STALE_DRAFT_DAYS:
                what = f"Udkast uændret i {idle} dage"
        if what:
            rows.append(
                (
                    path,
                    data["title"],
                    fmt.t["status"][status],
                    fmt.date(data["duration"]["end"]),
                    str(days),
                    what,
                )
            )
    return rows, broken


def status_report(files: list[str], within: int) -> int:
    rows, broken = attention(files, within)
    if not rows and not broken:
        print(f"Ingen aftaler kræver opmærksomhed ({len(files)} gennemgået, {within} dage frem).")
        return 0
    if rows:
        header = ("Fil", "Aftale", "Status", "Slutdato", "Dage", "Hvad")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    for path in broken:
        print(f"{path}: kan ikke læses som en gyldig aftale; kør python build.py validate {path}")
    return 1
