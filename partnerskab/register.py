"""The catalogue of all agreements: build/index.html for people, and build/agreements.csv and
build/agreements.json for spreadsheets and other systems.

Written by `build` when it builds the whole agreements/ folder. Days left are counted from
today, or from SOURCE_DATE_EPOCH when that is set, so a test or an archive build can fix it.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import os
from pathlib import Path

import jinja2

from .i18n import LABELS, Formats, language
from .render import TEMPLATES
from .write import write_atomic

FIELDS = [
    "file",
    "title",
    "status",
    "language",
    "start",
    "end",
    "days_left",
    "partners",
    "sectors",
    "budget_total",
    "financing_total",
    "pdf",
    "docx",
    "html",
]


def today() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch.isdigit() else dt.date.today()


def entry(path: str, data: dict) -> dict:
    """One agreement's row in the register: plain values, the same for CSV, JSON and HTML.
    Kept in the build state, so a rebuild writes the register without reading every file."""
    stem = Path(path).stem
    return {
        "file": Path(path).name,
        "title": data["title"],
        "status": data["status"],
        "language": language(data),
        "start": data["duration"]["start"],
        "end": data["duration"]["end"],
        "partners": [{"name": p["name"], "sector": p["sector"]} for p in data["partners"]],
        "sectors": sorted({p["sector"] for p in data["partners"]}),
        "budget_total": sum(b["amount"] for b in data["economy"]["budget"]),
        "financing_total": sum(f["amount"] for f in data["economy"]["financing"]),
        "pdf": f"{stem}.pdf",
        "docx": f"{stem}.docx",
        "html": f"{stem}.html",
    }


def with_days_left(rows: list[dict], on: dt.date) -> list[dict]:
    dated = [{**row, "days_left": (dt.date.fromisoformat(row["end"]) - on).days} for row in rows]
    return sorted(dated, key=lambda row: (row["end"], row["title"]))


def to_csv(rows: list[dict]) -> bytes:
    """Semicolons and a byte-order mark, so Danish Excel opens it with æ, ø and å intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        flat = {
            **row,
            "partners": " | ".join(p["name"] for p in row["partners"]),
            "sectors": " | ".join(row["sectors"]),
        }
        writer.writerow([_cell(flat[field]) for field in FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value):
    """Text that a spreadsheet would run as a formula is shown as text instead."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_json(rows: list[dict], on: dt.date) -> bytes:
    document = {"generated_for": on.isoformat(), "agreements": rows}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_html(rows: list[dict], on: dt.date) -> bytes:
    t = LABELS["da"]
    fmt = Formats("da")
    script = (TEMPLATES / "index.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    html = env.get_template("index.html.j2").render(
        rows=[
            {
                **row,
                "status_text": t["status"][row["status"]],
                "sector_text": {p["name"]: t["sector"][p["sector"]] for p in row["partners"]},
                "period_text": f"{fmt.date(row['start'])} – {fmt.date(row['end'])}",
                "budget_text": fmt.amount(row["budget_total"]),
            }
            for row in rows
        ],
        statuses=t["status"],
        today_text=fmt.date(on.isoformat()),
        script=script,
        script_hash=digest,
        css=(TEMPLATES / "index.css").read_text(encoding="utf-8"),
    )
    return html.encode("utf-8")


def write_register(rows: list[dict], out_dir: Path) -> list[Path]:
    on = today()
    rows = with_days_left(rows, on)
    written = []
    for name, content in (
        ("index.html", to_html(rows, on)),
        ("agreements.csv", to_csv(rows)),
        ("agreements.json", to_json(rows, on)),
    ):
        write_atomic(out_dir / name, content)
        written.append(out_dir / name)
    return written
