"""From checked data to what the templates need: names for partner ids, totals, and dates,
amounts and hours written the way the agreement's language writes them (through Babel)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from . import schema
from .i18n import Formats, language

SECTIONS = (
    "partners",
    "purpose",
    "activities",
    "roles",
    "economy",
    "organisation",
    "resources",
    "duration",
    "values",
    "changes",
    "communication",
    "anchoring",
    "signatures",
)


def _money_table(rows: list[dict], fmt: Formats) -> dict:
    """Rows with formatted amounts, the total, and a total per year where years are given."""
    by_year: dict[int, int] = defaultdict(int)
    for row in rows:
        if "year" in row:
            by_year[row["year"]] += row["amount"]
    return {
        "rows": [{**row, "amount_text": fmt.amount(row["amount"])} for row in rows],
        "has_years": bool(by_year),
        "years": [{"year": y, "total_text": fmt.amount(v)} for y, v in sorted(by_year.items())]
        if len(by_year) > 1
        else [],
        "total": sum(row["amount"] for row in rows),
        "total_text": fmt.amount(sum(row["amount"] for row in rows)),
    }


def build_context(data: dict) -> dict:
    """Everything one agreement's template needs, in one explicit dictionary."""
    lang = language(data)
    fmt = Formats(lang)
    t = fmt.t
    names = {p["id"]: p["name"] for p in data["partners"]}

    def name_of(pid: str) -> str:
        return names.get(pid, pid)

    def names_of(ids) -> str:
        return fmt.names([name_of(i) for i in ids or []])

    headings = {key: schema.title((key,), lang) for key in SECTIONS}
    sub = lambda *path: schema.title(path, lang)  # noqa: E731  (a heading below a section)

    economy = data["economy"]
    organisation = data["organisation"]
    changes = data.get("changes")
    duration = data["duration"]
    return {
        "lang": lang,
        "t": t,
        "h": headings,
        "sub": sub,
        "title": data["title"],
        "status": data["status"],
        "status_text": t["status"][data["status"]],
        "partner_names": names_of([p["id"] for p in data["partners"]]),
        "partners": [
            {
                **p,
                "sector_text": t["sector"][p["sector"]],
                "contact_text": ", ".join(
                    p["contact"].get(k) for k in ("name", "title", "email", "phone") if p["contact"].get(k)
                )
                if p.get("contact")
                else "",
            }
            for p in data["partners"]
        ],
        "purpose": {
            **data["purpose"],
            "goals": [{**g, "deadline_text": fmt.date(g.get("deadline"))} for g in data["purpose"]["goals"]],
        },
        "activities": [
            {
                **a,
                "responsible_text": names_of(a["responsible"]),
                "contributors_text": names_of(a.get("contributors")),
            }
            for a in data["activities"]
        ],
        "roles": [{**r, "partner_name": name_of(r["partner"])} for r in data["roles"]],
        "economy": {
            "financing": _money_table(
                [
                    {**f, "partner_name": name_of(f["partner"]) if "partner" in f else ""}
                    for f in economy["financing"]
                ],
                fmt,
            ),
            "budget": _money_table(economy["budget"], fmt),
            "terms": economy.get("terms"),
        },
        "organisation": {
            **organisation,
            "model_text": t["model"][organisation["project_management"]["model"]],
            "leads_text": names_of(organisation["project_management"]["leads"]),
            "steering_group": [
                {**m, "partner_name": name_of(m["partner"])} for m in organisation.get("steering_group", [])
            ],
            "meetings": [
                {
                    **m,
                    "frequency_text": t["frequency"][m["frequency"]],
                    "participants_text": names_of(m["participants"]),
                }
                for m in organisation.get("meetings", [])
            ],
            "decisions": organisation.get("decisions", {}),
        },
        "resources": [
            {**r, "partner_name": name_of(r["partner"]), "time_text": fmt.hours(r["minimum_hours"], r["per"])}
            for r in data["resources"]
        ],
        "duration": {
            **duration,
            "start_text": fmt.date(duration["start"]),
            "end_text": fmt.date(duration["end"]),
        },
        "values": data.get("values", []),
        "changes": {
            **changes,
            "amendments": [{**a, "date_text": fmt.date(a["date"])} for a in changes.get("amendments", [])],
        }
        if changes
        else None,
        "communication": data.get("communication"),
        "anchoring": data.get("anchoring"),
        "signatures": [
            {**s, "partner_name": name_of(s["partner"]), "date_text": fmt.date(s.get("date"))}
            for s in data["signatures"]
        ],
    }


def document_date(data: dict) -> dt.date:
    """The date a build stamps on the document: the latest date the agreement itself names.

    Never 'now', so that building the same agreement twice gives the same files.
    """
    dates = [data["duration"]["start"]]
    dates += [s["date"] for s in data["signatures"] if s.get("date")]
    dates += [a["date"] for a in (data.get("changes") or {}).get("amendments", [])]
    return max(dt.date.fromisoformat(d) for d in dates)
