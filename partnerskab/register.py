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
import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

from . import money, timeline
from .context import annex_name, period_summary
from .fonts import FACES, LICENCE, WEB_FONTS
from .i18n import LABELS, Formats, language
from .paths import TEMPLATES
from .text import source_date_epoch
from .write import write_together

# What the next date in the register is (timeline.Term.next_date), in the register's Danish.
NEXT = {
    "end": "Slutdato",
    "notice": "Sidste frist for opsigelse",
    "review": "Tages op senest",
}


def today() -> dt.date:
    epoch = source_date_epoch()  # checked by cli.main
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date() if epoch is not None else dt.date.today()


def entry(path: str, data: dict) -> dict:
    """One agreement's row in the register: plain values, the same for CSV, JSON and HTML.
    Kept in the build state, so a rebuild writes the register without reading every file.
    `end` is the end with every extension applied, and empty for an agreement that runs until
    it is terminated; `term` holds what the next date is computed from on the day of writing."""
    stem = Path(path).stem
    term = timeline.term(data)
    end = term.effective_end
    return {
        "file": Path(path).name,
        "title": data["title"],
        "status": data["status"],
        "language": language(data),
        "start": data["duration"]["start"],
        "end": end.isoformat() if end and term.mode != timeline.UNTIL_TERMINATED else "",
        "renewal": term.mode,
        "term": {
            "review_by": term.review_by.isoformat() if term.review_by else None,
            "period_months": term.period_months,
            "notice_months": term.notice_months,
        },
        "partners": [{"name": p["name"], "sector": p["sector"]} for p in data["partners"]],
        "sectors": sorted({p["sector"] for p in data["partners"]}),
        "budget_total": money.total(data["economy"]["budget"]),
        "financing_total": money.financing_totals(data["economy"])[None],
        "pdf": f"{stem}.pdf",
        "docx": f"{stem}.docx",
        "html": f"{stem}.html",
        "annexes": [
            {"title": a["title"], "href": annex_name(stem, i, a["file"]) if "file" in a else ""}
            for i, a in enumerate(data.get("annexes", []))
        ],
    }


def _term(row: dict) -> timeline.Term:
    extra = row.get("term") or {}
    day = lambda iso: dt.date.fromisoformat(iso) if iso else None  # noqa: E731
    return timeline.Term(
        mode=row.get("renewal", timeline.FIXED),
        start=dt.date.fromisoformat(row["start"]),
        end=day(row["end"]),
        review_by=day(extra.get("review_by")),
        period_months=extra.get("period_months"),
        notice_months=extra.get("notice_months"),
    )


def with_days_left(rows: list[dict], on: dt.date) -> list[dict]:
    """Each row with its next date (the end, the last day for notice, or the date by which the
    partners decide whether to go on) and the days until it; sorted by that date."""
    dated = []
    for row in rows:
        next_date, what = _term(row).next_date(on)
        next_iso = next_date.isoformat() if next_date else ""
        days = (next_date - on).days if next_date else None
        dated.append({**row, "next_date": next_iso, "next": what, "days_left": days})
    return sorted(dated, key=lambda row: (row["next_date"] or "9999", row["title"]))


# The CSV is for people in Excel: Danish headers and values in words. The JSON keeps the codes.
CSV_COLUMNS = {
    "file": "Fil",
    "title": "Aftale",
    "status": "Status",
    "language": "Sprog",
    "start": "Startdato",
    "end": "Slutdato",
    "renewal": "Varighed",
    "next_date": "Næste dato",
    "next": "Hvad næste dato er",
    "days_left": "Dage til næste dato",
    "partners": "Partnere",
    "sectors": "Sektorer",
    "budget_total": "Budget i alt (kr.)",
    "financing_total": "Finansiering i alt (kr.)",
    "pdf": "PDF",
    "docx": "DOCX",
    "html": "HTML",
    "sealed": "Forseglet version",
}
LANGUAGES = {"da": "dansk", "en": "engelsk"}
RENEWAL = {
    "fixed": "fast periode",
    "automatic": "forlænges automatisk",
    "until_terminated": "indtil opsigelse",
}


def to_csv(rows: list[dict]) -> bytes:
    """Semicolons and a byte-order mark, so Danish Excel opens it with æ, ø and å intact."""
    t = LABELS["da"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS.values())
    for row in rows:
        flat = {
            **row,
            "status": t["status"].get(row["status"], row["status"]),
            "language": LANGUAGES.get(row["language"], row["language"]),
            "renewal": RENEWAL.get(row.get("renewal", "fixed"), ""),
            "next": NEXT.get(row.get("next", ""), ""),
            "partners": " | ".join(p["name"] for p in row["partners"]),
            "sectors": " | ".join(t["sector"].get(s, s) for s in row["sectors"]),
        }
        writer.writerow([_cell(flat.get(field, "")) for field in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value):
    """Text that a spreadsheet would run as a formula is shown as text instead."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_json(rows: list[dict], on: dt.date) -> bytes:
    document = {"generated_for": on.isoformat(), "agreements": rows}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@cache
def _environment():
    import jinja2  # here, not at the top: `status` needs this module but not the page

    from .templating import bytecode_cache

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        bytecode_cache=bytecode_cache(),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = lambda name: quote(str(name), safe="")  # a file name, never a scheme or path
    return env


def prepare():
    """The page's template, loaded (from the bytecode cache: about 20 ms the first time) and
    kept, and loaded again when it has changed, as jinja2 does. A build of the whole folder
    asks for it while its first worker renders (pipeline.py), so that writing the register at
    the end costs only the page's rendering."""
    return _environment().get_template("index.html.j2")


def to_html(rows: list[dict], on: dt.date) -> bytes:
    t = LABELS["da"]
    fmt = Formats("da")
    script = (TEMPLATES / "index.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    html = prepare().render(
        rows=[
            {
                **row,
                "status_text": t["status"][row["status"]],
                "sector_text": {p["name"]: t["sector"][p["sector"]] for p in row["partners"]},
                "period_text": period_summary(_term(row), fmt, on),
                "next_text": next_text(row["next"], row["next_date"], fmt),
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


def next_text(kind: str, iso: str, fmt: Formats) -> str:
    """«Tages op senest: 30. juni 2027», or nothing when there is no next date."""
    return f"{NEXT[kind]}: {fmt.date(iso)}" if iso else ""


def web_fonts(out_dir: Path) -> list[tuple[Path, bytes]]:
    """The typeface's web fonts and their licence, in fonts/ beside the pages that load them."""
    files = [FACES / name for name, _, _ in WEB_FONTS] + [LICENCE]
    return [(out_dir / "fonts" / file.name, file.read_bytes()) for file in files]


# write.write_together's temporary file for NAME: .NAME.<random>.tmp beside it.
_STAGED = re.compile(r"^\.(.+)\.[^.]+\.tmp$")


def not_written(exc: OSError) -> str:
    """The line that says the register could not be written, naming the file it failed on (the
    target of a rename, not the temporary file beside it) and why."""
    from .messages import COMMANDS, os_reason
    from .paths import shown_path
    from .text import printable

    target = exc.filename2 or exc.filename
    if target and (staged := _STAGED.match(Path(target).name)):  # write.py's temporary file
        target = Path(target).with_name(staged[1])
    where = f" ({printable(shown_path(target))})" if target else ""
    return COMMANDS["register_not_written"].format(where=where, reason=os_reason(exc))


def write_register(rows: list[dict], out_dir: Path) -> list[Path]:
    """The three register files and the web fonts, all or none (write.write_together); raises
    OSError."""
    on = today()
    rows = with_days_left(rows, on)
    return write_together(
        [
            (out_dir / "index.html", to_html(rows, on)),
            (out_dir / "agreements.csv", to_csv(rows)),
            (out_dir / "agreements.json", to_json(rows, on)),
            *web_fonts(out_dir),
        ]
    )
