"""From checked data to what the templates need: names for partner ids, totals, and dates,
amounts and hours written the way the agreement's language writes them (i18n.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from . import money, schema, timeline
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
# Sections an agreement may add; a new agreement's skeleton leaves them out.
EXTRA_SECTIONS = ("definitions", "annexes")


def _years_text(row: dict, fmt: Formats) -> str:
    if "years" in row:
        return fmt.years(*row["years"])
    return str(row["year"]) if "year" in row else ""


def _money_table(
    rows: list[dict], fmt: Formats, computed: dict[int, int] | None = None, share_of_rest: bool = False
) -> dict:
    """The rows that count in the sums (fixed amounts), with their amounts written out; the
    total, and a total per year where years are given; and the other rows (paid as billed or
    per result), which the documents show apart, in words."""
    computed = computed or {}
    t = fmt.t
    table, other = [], []
    for index, row in enumerate(rows):
        each = money.amount_of(row, index, computed)
        if each is None:
            other.append({**row, "text": other_money_text(row, fmt)})
            continue
        text = fixed_amount_text(each, row, fmt)
        if "share" in row:
            share = fmt.percent(row["share"])
            text += f" ({t['share_of_rest'].format(share=share) if share_of_rest else share})"
        table.append({**row, "amount_text": text, "year_text": _years_text(row, fmt)})
    totals = money.totals(rows, computed)
    by_year = {year: value for year, value in totals.items() if year is not None}
    return {
        "rows": table,
        "other": other,
        "has_years": any("year" in row or "years" in row for row in table),
        "has_ranges": any("years" in row for row in table),  # wider columns for «2026–2028»
        "years": [{"year": y, "total_text": fmt.amount(v)} for y, v in sorted(by_year.items())]
        if len(by_year) > 1
        else [],
        "total": totals[None],
        "total_text": fmt.amount(totals[None]),
    }


def fixed_amount_text(each: int, row: dict, fmt: Formats) -> str:
    """A fixed row's amount: «250.000 kr.», or for a row of several years «150.000 kr. om året,
    i alt 450.000 kr.»."""
    years = len(money.years_of(row))
    if years > 1:
        return fmt.t["per_year"].format(amount=fmt.amount(each), total=fmt.amount(each * years))
    return fmt.amount(each)


def other_money_text(row: dict, fmt: Formats) -> str:
    """«betales efter regning, højst 50.000 kr.» or «5.000 kr. pr. borger i job, højst ...»."""
    t = fmt.t
    if money.basis(row) == money.REIMBURSED:
        parts = [t["reimbursed"]]
        cap = row.get("amount")
    else:
        parts = [t["per_result"].format(price=fmt.amount(row["unit_price"]), unit=row["unit"])]
        cap = row.get("cap")
    if cap is not None:
        parts.append(t["cap"].format(amount=fmt.amount(cap)))
    years = _years_text(row, fmt)
    return ", ".join(parts) + (f" ({years})" if years else "")


def _resources(data: dict, fmt: Formats, name_of) -> dict:
    """The resources table. Its last column is «Mindst» (minimum hours) when every row is a
    number of hours, as it always was; with other kinds it is «Omfang», and each cell says what
    is committed in words: hours, the words agreed, premises lent, a group of volunteers."""
    t = fmt.t
    rows = data["resources"]
    only_hours = all(r.get("kind", "hours") == "hours" and "minimum_hours" in r for r in rows)
    out = [
        {**r, "partner_name": name_of(r["partner"]), "time_text": resource_scope(r, fmt, only_hours)}
        for r in rows
    ]
    return {"rows": out, "header": t["minimum_time"] if only_hours else t["scope"]}


def resource_scope(r: dict, fmt: Formats, only_hours: bool = False) -> str:
    """What one resource commits, in words: «Mindst 4 timer om ugen», the words agreed,
    premises lent (and their value), or a group of volunteers and their hours."""
    t = fmt.t
    kind = r.get("kind", "hours")
    if kind == "hours" and "minimum_hours" in r:
        hours = fmt.hours(r["minimum_hours"], r["per"])
        return hours if only_hours else t["at_least"].format(text=hours)
    if kind == "hours":
        return r["hours_text"]
    if kind == "in_kind":
        value = r.get("value")
        return t["in_kind_value"].format(amount=fmt.amount(value)) if value is not None else t["in_kind_free"]
    parts = [fmt.count(r["people"], t["people"]) if "people" in r else t["pool"]]
    if "minimum_hours" in r:
        parts.append(t["pool_hours"].format(hours=fmt.hours(r["minimum_hours"], r["per"])))
    return ", ".join(parts)


def period_summary(term: timeline.Term, fmt: Formats, on: dt.date | None = None) -> str:
    """The period on one line, as the title block and the register show it: «1. januar 2026 –
    31. december 2027», «…, forlænges automatisk» or «fra …, indtil en af parterne opsiger aftalen».
    With `on` (the register: what holds today), an agreement that has renewed itself shows the
    period it is in, and when it first began."""
    day = lambda d: fmt.date(d.isoformat()) if d else ""  # noqa: E731
    start, end = day(term.start), day(term.effective_end)
    if term.mode == timeline.UNTIL_TERMINATED:
        return fmt.t["meta_open"].format(start=start)
    if term.mode == timeline.AUTOMATIC:
        renewed = term.renewed_period(on) if on else None
        if renewed:
            return fmt.t["meta_renewed"].format(start=day(renewed[0]), end=day(renewed[1]), first=start)
        return fmt.t["meta_automatic"].format(start=start, end=end)
    return f"{start} – {end}"


def _duration(data: dict, fmt: Formats) -> dict:
    """The period in words. An agreement that runs until terminated never gets an end date in
    print, and one that renews says so: nothing is shown that the partners did not agree."""
    t = fmt.t
    term = timeline.term(data)
    day = lambda d: fmt.date(d.isoformat()) if d else ""  # noqa: E731
    start, end = day(term.start), day(term.effective_end)
    lines = []
    if term.mode == timeline.UNTIL_TERMINATED:
        lines.append(t["period_open"].format(start=start))
    elif term.mode == timeline.AUTOMATIC:
        months = fmt.count(term.period_months, t["months"])
        lines.append(t["period_automatic"].format(start=start, end=end, months=months))
        if term.notice_months:
            lines.append(t["notice"].format(months=fmt.count(term.notice_months, t["months"])))
    else:
        lines.append(t["period_text"].format(start=start, end=end))
    if term.extended:
        last = max(term.extensions, key=lambda e: e.extends_to)
        lines.append(t["extended"].format(end=end, date=day(last.date), original=day(term.end)))
    if term.review_by:
        lines.append(t["review_by"].format(date=day(term.review_by)))
    ended = (
        t["ended_note"].format(end=end)
        if term.effective_end and term.mode == timeline.FIXED
        else t["ended_open"]
    )
    return {
        **data["duration"],
        "mode": term.mode,
        "start_text": start,
        "end_text": end,
        "meta_text": period_summary(term, fmt),
        "period_lines": lines,
        "ended_text": ended,
    }


def _partner_groups(partners: list[dict], t: dict) -> list[dict]:
    """The partners as one group, or by side (a, then b) when the agreement has two sides."""
    if not any("side" in p for p in partners):
        return [{"label": "", "partners": partners}]
    return [
        {"label": t["sides"][side], "partners": [p for p in partners if p.get("side", "a") == side]}
        for side in ("a", "b")
        if any(p.get("side", "a") == side for p in partners)
    ]


# A case number that names its own kind, as the schema's example «J.nr. 17/2025» does: shown as
# written, not as «Sagsnr. J.nr. 17/2025».
_OWN_LABEL = re.compile(
    r"(?:j\.?\s?nr|journal(?:nr|nummer)|sags?\.?\s?nr|sagsnummer|case\s+no|ref)(?:\.|:|\s|$)", re.IGNORECASE
)


def case_text(number: str | None, t: dict) -> str:
    """«Sagsnr. 2025-004512», or the number alone when it starts with its own label; "" for none."""
    if not number:
        return ""
    return number if _OWN_LABEL.match(number) else f"{t['case_number']} {number}"


def build_context(data: dict, stem: str = "aftale") -> dict:
    """Everything one agreement's template needs, in one explicit dictionary. `stem` is the
    name its documents are written under (links to the annexes' copies use it)."""
    lang = language(data)
    fmt = Formats(lang)
    t = fmt.t
    names = {p["id"]: p["name"] for p in data["partners"]}
    sides = {p["id"]: p.get("side") for p in data["partners"]}

    def name_of(pid: str) -> str:
        return names.get(pid, pid)

    def names_of(ids) -> str:
        return fmt.names([name_of(i) for i in ids or []])

    headings = {key: schema.title((key,), lang) for key in (*SECTIONS, *EXTRA_SECTIONS)}
    sub = lambda *path: schema.title(path, lang)  # noqa: E731  (a heading below a section)

    economy = data["economy"]
    organisation = data["organisation"]
    changes = data.get("changes")
    partners = [
        {
            **p,
            "case_text": case_text(p.get("case_number"), t),
            "sector_text": t["sector"][p["sector"]],
            "contact_text": ", ".join(
                p["contact"].get(k) for k in ("name", "title", "email", "phone") if p["contact"].get(k)
            )
            if p.get("contact")
            else "",
        }
        for p in data["partners"]
    ]
    groups = _partner_groups(partners, t)
    if len(groups) == 2:
        between = t["between_sides"].format(
            a=fmt.names([p["name"] for p in groups[0]["partners"]]),
            b=fmt.names([p["name"] for p in groups[1]["partners"]]),
        )
    else:
        between = f"{t['between']} {names_of([p['id'] for p in data['partners']])}"
    case_numbers = {p["id"]: p["case_number"] for p in data["partners"] if p.get("case_number")}
    signatures = [
        {
            **s,
            "partner_name": name_of(s["partner"]),
            "date_text": fmt.date(s.get("date")),
            "case_text": case_text(case_numbers.get(s["partner"]), t),
        }
        for s in data["signatures"]
    ]
    signature_groups = [{"label": "", "signatures": signatures}]
    if len(groups) == 2:
        signature_groups = [
            {
                "label": t["sides"][side],
                "signatures": [s for s in signatures if (sides.get(s["partner"]) or "a") == side],
            }
            for side in ("a", "b")
        ]
    annexes = [
        {
            **a,
            "label": t["annex"].format(n=i + 1),
            # the copy's name, under which the annex lies beside the documents and in the seal
            "file_name": annex_name(stem, i, a["file"]) if "file" in a else "",
            "href": annex_name(stem, i, a["file"]) if "file" in a else "",
        }
        for i, a in enumerate(data.get("annexes", []))
    ]
    return {
        "lang": lang,
        "t": t,
        "h": headings,
        "sub": sub,
        "title": data["title"],
        "status": data["status"],
        "status_text": t["status"][data["status"]],
        "version_text": version_text(data, fmt),
        "author": names_of(organisation["project_management"]["leads"]),
        "partner_names": names_of([p["id"] for p in data["partners"]]),
        "between": between,
        "partners": partners,
        "partner_groups": groups,
        "case_numbers": [{"name": name_of(pid), "case_number": n} for pid, n in case_numbers.items()],
        "definitions": data.get("definitions", []),
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
                money.share_amounts(economy["financing"], economy["budget"]),
                share_of_rest=money.share_pool(economy["financing"], economy["budget"])
                != money.total(economy["budget"]),
            ),
            "budget": _money_table(economy["budget"], fmt),
            "terms": economy.get("terms"),
        },
        "organisation": {
            **organisation,
            "model_text": t["model"][organisation["project_management"]["model"]],
            "leads_text": names_of(organisation["project_management"]["leads"]),
            "lead_text": t["lead"][organisation["project_management"]["model"]].format(
                leads=names_of(organisation["project_management"]["leads"])
            ),
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
        "resources": _resources(data, fmt, name_of),
        "duration": _duration(data, fmt),
        "values": data.get("values", []),
        "changes": {
            **changes,
            "amendments": [{**a, "date_text": fmt.date(a["date"])} for a in changes.get("amendments", [])],
        }
        if changes
        else None,
        "communication": data.get("communication"),
        "anchoring": data.get("anchoring"),
        "signatures": signatures,
        "signature_groups": signature_groups,
        "signed_note": signed_note(data, fmt),
        "annexes": annexes,
    }


def signed_version(data: dict) -> int | None:
    """The version the first signature was given to: 1 plus the amendments dated before it (an
    amendment of the same day counts as after it: which came first, the date cannot say). None
    when no signature is dated."""
    dates = [str(s["date"]) for s in data["signatures"] if s.get("date")]
    if not dates:
        return None
    amendments = (data.get("changes") or {}).get("amendments", [])
    return 1 + sum(1 for a in amendments if str(a["date"]) < min(dates))


def signed_note(data: dict, fmt: Formats) -> str:
    """Above the signatures of a signed agreement amended since it was signed: which version
    they were given to, and where the changes since stand. A reader of version 2 with
    signatures from before the amendment would otherwise take them for signatures of version 2."""
    signed = signed_version(data)
    current = version(data)
    if data["status"] == "draft" or signed is None or signed >= current:
        return ""
    since = str(current) if current == signed + 1 else f"{signed + 1}–{current}"
    return fmt.t["signed_before_amendments"].format(signed=signed, since=since)


def annex_name(stem: str, index: int, file: str) -> str:
    """The name of annex `index`'s copy beside the agreement's documents, e.g.
    fjordby.bilag-1.pdf; HTML and the register link to it by this name."""
    suffix = Path(file).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    return f"{stem}.bilag-{index + 1}{suffix}"


def version(data: dict) -> int:
    """The document's version, as it prints it: 1, plus one for each amendment."""
    return 1 + len((data.get("changes") or {}).get("amendments") or [])


def version_text(data: dict, fmt: Formats) -> str:
    """«Version 3 · 12. december 2025»: the first version, plus one for each amendment, dated
    the latest date the agreement names (document_date). Never the clock: the same agreement
    gives the same documents."""
    return fmt.t["version"].format(n=version(data), date=fmt.date(document_date(data).isoformat()))


def document_date(data: dict) -> dt.date:
    """The date a build stamps on the document: the latest date the agreement itself names.

    Never 'now', so that building the same agreement twice gives the same files.
    """
    dates = [data["duration"]["start"]]
    dates += [s["date"] for s in data["signatures"] if s.get("date")]
    dates += [a["date"] for a in (data.get("changes") or {}).get("amendments", [])]
    return max(dt.date.fromisoformat(d) for d in dates)
